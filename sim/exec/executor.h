// Semantics of the non-scalar instructions (MTE2, MTE1, cube, fixpipe, MTE3, vector, and the
// pipe-state set-up instructions), in one place shared by every simulator mode
// (CONVENTIONS.md habit 2: semantics apart from timing). The core's pipes call, for each
// instruction, in this order:
//   1. describe(): what the instruction will touch and how much work it is. Checks every
//      access (bounds, alignment, GM allocation, parameter ranges) and throws AccessFault on a
//      violation. Used by timing, statistics, the race check and timing-only mode.
//   2. execute(): the data effect on the core's buffers and GM (functional mode only).
// The numbers come from the numerics library (numerics/), the instruction meanings from
// docs/isa.md; neither is restated here.
#pragma once

#include <array>
#include <cstdint>

#include "config/chip_config.h"
#include "isa/instruction.h"
#include "sim/exec/cube_backend.h"
#include "sim/exec/local_buffers.h"
#include "sim/memory/global_memory.h"
#include "sim/memory/memory_system.h"

namespace npu::sim {

// One instruction as its pipe runs it: the decoded instruction and the values of its source
// registers captured when the scalar unit dispatched it (timing rule 2).
struct Operands {
  const isa::Instruction* inst = nullptr;
  std::array<uint64_t, 5> rs{};  // values of rs1..rs5
};

// Pipe state that set-up instructions write and later instructions read (vector mask and mask
// mode; load3d feature-map and padding set-up). One per core.
struct PipeState {
  uint64_t mask_hi = ~0ull;
  uint64_t mask_lo = ~0ull;
  isa::MaskMode mask_mode = isa::MaskMode::kNormal;
  std::array<uint64_t, 4> fmatrix{};  // as set by set_fmatrix (layout: docs/isa.md)
  uint64_t padding = 0;               // as set by set_padding
};

// One byte range an instruction reads or writes: the bounding interval of one operand.
struct Access {
  isa::Buffer buffer = isa::Buffer::kGm;
  uint64_t address = 0;
  uint64_t bytes = 0;
  bool write = false;
};

// What describe() reports. Reused across instructions by the caller (no allocation).
struct Work {
  uint64_t bytes = 0;        // bytes moved (data movement, fixpipe, load2d/3d)
  uint64_t repeats = 0;      // vector repeats (counter mode: repeats actually run)
  uint64_t element_ops = 0;  // vector: active elements x repeats
  uint64_t fractals = 0;     // cube: ceil(m/m0) x ceil(n/n0) x ceil(k/k0) for the dtype's shape
  uint64_t macs = 0;         // cube: m x n x k
  bool has_gm = false;       // a GM-facing transfer: `gm` and `gm_write` are set
  GmPattern gm;
  bool gm_write = false;
  uint8_t access_count = 0;
  std::array<Access, 4> accesses{};

  void clear() { *this = Work{}; }
};

class Executor {
 public:
  Executor(const config::ChipConfig& config, isa::CoreType type);

  // Fills `work` (cleared first). Throws AccessFault naming the operand and the offending
  // values, e.g. "dst UB address 0x3f000 + 8192 bytes exceeds UB (196608 bytes)".
  void describe(const Operands& op, const PipeState& state, const LocalBuffers& buffers,
                const GlobalMemory& gm, Work& work) const;

  // Performs the data effect. Precondition: describe() accepted the same operands and state.
  // Set-up instructions (set_mask, set_mask_mode, set_fmatrix, set_padding) update `state`.
  void execute(const Operands& op, PipeState& state, LocalBuffers& buffers, GlobalMemory& gm) const;

  // Set-up instructions must update `state` in timing-only mode too (a later describe()
  // depends on it, e.g. counter-mode repeats): apply_state() does only that part.
  void apply_state(const Operands& op, PipeState& state) const;

  // The unit that computes mmad (not owned; null, the default: the C++ cube).
  void set_cube_backend(CubeBackend* cube) { m_cube = cube; }

 private:
  const config::ChipConfig& m_config;
  isa::CoreType m_type;
  CubeBackend* m_cube = nullptr;
};

}  // namespace npu::sim
