// The names of the instructions, as a C++ enumeration for switch statements in the simulator
// and the compiler. The enumerator order is the row order of the instruction table
// (isa/instruction_table.cc) and carries no encoding: every opcode number lives in the table
// only. The table checks at start-up that it has exactly one row per enumerator, in this order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace npu::isa {

enum class Opcode : uint16_t {
  // Scalar ALU, register-register.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kDivu,
  kRem,
  kRemu,
  kAnd,
  kOr,
  kXor,
  kSll,
  kSrl,
  kSra,
  kSlt,
  kSltu,
  kMin,
  kMax,
  kMinu,
  kMaxu,
  // Scalar ALU, register-immediate.
  kAddi,
  kMuli,
  kAndi,
  kOri,
  kXori,
  kSlli,
  kSrli,
  kSrai,
  kSlti,
  kSltiu,
  kLui,
  // Scalar loads and stores.
  kLds,
  kSts,
  kLdg,
  kStg,
  // Branches and jumps.
  kBeq,
  kBne,
  kBlt,
  kBge,
  kBltu,
  kBgeu,
  kJal,
  kJalr,
  // System.
  kRdsr,
  kEnd,
  // Synchronisation.
  kSetFlag,
  kWaitFlag,
  kPipeBarrier,
  kSyncAll,
  kCrossCoreSetFlag,
  kCrossCoreWaitFlag,
  // MTE2: GM -> L1 / UB / L0A / L0B.
  kCopyGmToL1,
  kCopyGmToUb,
  kCopyGmToL0a,
  kCopyGmToL0b,
  kCopyGmToL1Pad,
  kCopyGmToUbPad,
  kCopyGmToL1Nd2nz,
  // MTE1: L1 -> L0A / L0B / UB / BT.
  kLoad2dL1ToL0a,
  kLoad2dL1ToL0b,
  kSetFmatrix,
  kSetPadding,
  kLoad3dL1ToL0a,
  kCopyL1ToUb,
  kCopyL1ToBt,
  // Cube.
  kMmad,
  // Fixpipe: L0C -> GM / L1 / UB.
  kFixL0cToGm,
  kFixL0cToL1,
  kFixL0cToUb,
  // MTE3: UB -> GM / L1 / UB.
  kCopyUbToGm,
  kCopyUbToGmAtomicAdd,
  kCopyUbToGmPad,
  kCopyUbToL1,
  kCopyUbToUb,
  // Vector: mask set-up.
  kSetMask,
  kSetMaskMode,
  // Vector: binary.
  kVadd,
  kVsub,
  kVmul,
  kVdiv,
  kVmax,
  kVmin,
  kVand,
  kVor,
  kVmla,
  // Vector: vector-scalar.
  kVadds,
  kVmuls,
  kVmaxs,
  kVmins,
  kVshl,
  kVshr,
  kVlrelu,
  kVaxpy,
  // Vector: unary.
  kVabs,
  kVexp,
  kVln,
  kVrec,
  kVsqrt,
  kVrsqrt,
  kVrelu,
  kVnot,
  // Vector: compare and select.
  kVcmp,
  kVcmps,
  kVsel,
  // Vector: reductions.
  kVcadd,
  kVcmax,
  kVcmin,
  kVcgadd,
  kVcgmax,
  kVcgmin,
  // Vector: conversion and data movement.
  kVconv,
  kVdup,
  kVbrcb,
  kVcopy,
  kVtranspose,
  kVgather,

  kCount  // not an instruction: the number of opcodes
};

inline constexpr size_t kOpcodeCount = static_cast<size_t>(Opcode::kCount);

}  // namespace npu::isa
