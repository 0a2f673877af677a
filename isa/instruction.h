// The instruction model: what one row of the instruction table says about an instruction
// (InstructionInfo), the decoded form the simulator executes (Instruction), and the encoder and
// decoder between that form and the 64-bit instruction word.
//
// Every instruction is 64 bits. Bits [7:0] hold the major opcode; the instruction's format
// fixes where every other field lives (format_layout()). Bits no field covers are reserved and
// must be zero, so the decoder rejects them as an illegal encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "isa/opcode.h"
#include "isa/packed.h"
#include "isa/types.h"

namespace npu::isa {

// Bit layouts. The format of an instruction fixes the position of each of its fields.
enum class Format : uint8_t {
  kR,     // rd, rs1, rs2
  kI,     // rd, rs1, imm[63:32] signed
  kSh,    // rd, rs1, shamt[37:32]
  kU,     // rd, imm[63:32] unsigned
  kLd,    // rd, imm(rs1), dtype[25:23]
  kSt,    // rs2, imm(rs1), dtype[25:23]
  kB,     // rs1, rs2, offset[63:32] in instructions
  kJ,     // rd, offset[63:32] in instructions
  kJr,    // rd, rs1, imm[63:32]
  kSr,    // rd, special register[39:32]
  kN,     // no operands
  kSync,  // pipe[42:40], dst_pipe[45:43], mode[47:46], event[53:48]
  kX,     // rs1..rs5, dtype[40:38], src_dtype[43:41], mode[47:44], relu[48], layout[49],
          // atomic[50]
};

// What a field holds.
enum class FieldKind : uint8_t {
  kReg,     // scalar register x0..x31
  kSImm,    // signed immediate (two's complement in the field)
  kUImm,    // unsigned immediate
  kBranch,  // signed offset in instructions, written as a label or a number
  kPipe,    // a Pipe
  kEvent,   // event id or cross-core flag id
  kDType,   // a DataType, written as a mnemonic suffix
  kEnum,    // a symbolic value (rounding mode, comparison, special register, ...)
  kFlag,    // 0 or 1
};

// The member of Instruction a field decodes into.
enum class Slot : uint8_t {
  kRd,
  kRs1,
  kRs2,
  kRs3,
  kRs4,
  kRs5,
  kImm,
  kPipe,
  kDstPipe,
  kEvent,
  kMode,
  kRelu,
  kLayout,
  kAtomic,
  kDtype,
  kSrcDtype
};
inline constexpr size_t kSlotCount = 16;

// How a field is written in assembly.
enum class Syntax : uint8_t {
  kPositional,  // an operand in order, separated by commas
  kNamed,       // optional `name=value` after the operands; omitted means the default 0
  kSuffix,      // a data-type suffix of the mnemonic: vconv.f16.f32
  kMemOffset,   // the `imm` of an `imm(xN)` memory operand
  kMemBase,     // the `xN` of an `imm(xN)` memory operand
};

// What a register field's value is.
enum class RegRole : uint8_t {
  kValue,    // a scalar value (read or written)
  kAddress,  // a byte address inside `buffer`
  kPacked,   // a packed parameter word of layout `packed`
};

struct FieldSpec {
  std::string_view name;  // assembly / docs name: "rd", "dst", "params", "imm", "round"
  FieldKind kind = FieldKind::kReg;
  Slot slot = Slot::kRd;
  Syntax syntax = Syntax::kPositional;
  uint8_t lo = 0;        // least significant bit
  uint8_t width = 0;     // bits
  bool written = false;  // register fields: the instruction writes the register
  RegRole role = RegRole::kValue;
  Buffer buffer = Buffer::kGm;                        // role kAddress: which buffer
  const PackedLayout* packed = nullptr;               // role kPacked: the layout
  std::span<const std::string_view> enum_names = {};  // kEnum / kPipe / kDType spellings
  std::string_view enum_what;                         // "rounding mode", "pipe", ...
  uint32_t allowed = ~0u;                             // kEnum / kPipe: bit i set = value i is legal
  std::string_view doc;

  constexpr uint64_t mask() const { return width >= 64 ? ~0ull : ((1ull << width) - 1); }
  constexpr bool is_signed() const {
    return kind == FieldKind::kSImm || kind == FieldKind::kBranch;
  }
  // Smallest and largest encodable value.
  int64_t min_value() const;
  int64_t max_value() const;
};

// An allowed combination of the data-type suffixes: dst is the first suffix, src the second
// (equal to dst for single-suffix instructions).
struct TypeSig {
  DataType dst;
  DataType src;
};

// How the pipe an instruction runs in is chosen.
enum class PipeSource : uint8_t {
  kFixed,        // InstructionInfo::pipe
  kPipeField,    // the instruction's `pipe` operand (set_flag, pipe_barrier, cross-core flags)
  kDstPipeField  // the instruction's `dst_pipe` operand (wait_flag)
};

// One row of the instruction table.
struct InstructionInfo {
  Opcode opcode = Opcode::kCount;
  std::string_view mnemonic;
  uint8_t major = 0;  // bits [7:0]
  Format format = Format::kN;
  Pipe pipe = Pipe::kS;
  PipeSource pipe_source = PipeSource::kFixed;
  TimingKind timing = TimingKind::kScalar;
  ScalarClass scalar_class = ScalarClass::kAlu;     // timing == kScalar
  VectorClass vector_class = VectorClass::kSimple;  // timing == kVector
  std::optional<DataPath> path;                     // timing == kMove (and load3d, fixpipe, ...)
  uint16_t reads = 0;                               // bit i: reads Buffer i
  uint16_t writes = 0;                              // bit i: writes Buffer i
  std::vector<TypeSig> dtypes;    // allowed suffix combinations; empty = no suffix
  std::vector<FieldSpec> fields;  // in assembly order: positional, named, suffix last
  std::string_view summary;       // one line: what it computes
  std::string_view example;       // one line of assembly that uses it
  // Derived from the fields: fixed bits and their values (opcode + reserved zeros).
  uint64_t mask = 0;
  uint64_t match = 0;

  int dtype_arity() const;  // number of data-type suffixes: 0, 1 or 2
  const FieldSpec* field(std::string_view field_name) const;
  const FieldSpec* field(Slot slot) const;
  bool allows(DataType dst, DataType src) const;
};

// The decoded form of one instruction: flat, cheap to execute, no allocation. A slot the
// instruction does not use is zero.
struct Instruction {
  Opcode opcode = Opcode::kCount;
  DataType dtype = DataType::kF16;      // first data-type suffix
  DataType src_dtype = DataType::kF16;  // second suffix (conversions); equals dtype otherwise
  uint8_t rd = 0;                       // written scalar register
  uint8_t rs1 = 0, rs2 = 0, rs3 = 0, rs4 = 0, rs5 = 0;  // read scalar registers
  Pipe pipe = Pipe::kS;      // set_flag / wait_flag source pipe; pipe_barrier; cross-core
  Pipe dst_pipe = Pipe::kS;  // set_flag / wait_flag destination pipe
  uint8_t event = 0;         // event id / cross-core flag id
  uint8_t mode = 0;          // RoundMode, CompareMode, MaskMode, SpecialReg or CrossCoreMode
  bool relu = false;         // fixpipe
  FixLayout layout = FixLayout::kNz;  // fixpipe
  bool atomic = false;                // fix_l0c_to_gm
  int64_t imm = 0;                    // immediate, memory offset, or branch offset in instructions

  RoundMode round_mode() const { return static_cast<RoundMode>(mode); }
  CompareMode compare() const { return static_cast<CompareMode>(mode); }
  MaskMode mask_mode() const { return static_cast<MaskMode>(mode); }
  SpecialReg special_reg() const { return static_cast<SpecialReg>(mode); }
  CrossCoreMode cross_core_mode() const { return static_cast<CrossCoreMode>(mode); }

  bool operator==(const Instruction&) const = default;
};

// The table, one row per Opcode in enum order. Built and checked on first use.
std::span<const InstructionInfo> instruction_table();
const InstructionInfo& info(Opcode opcode);
// The row with this mnemonic (without suffixes), or nullptr.
const InstructionInfo* find_mnemonic(std::string_view mnemonic);

// Where the field of `slot` lives in `format`, or nullopt if the format has no such field.
struct BitRange {
  uint8_t lo;
  uint8_t width;
};
std::optional<BitRange> format_layout(Format format, Slot slot);
std::string_view format_name(Format format);

// Checks a set of rows for encoding problems: fields overlapping each other or the opcode
// byte, fields outside 64 bits, two fields decoding into one slot, duplicate mnemonics, and
// pairs of rows a single word could match (overlapping or ambiguous encodings). Returns one
// message per problem; the real table must give none (checked at start-up).
std::vector<std::string> check_encodings(std::span<const InstructionInfo> rows);

// Fills mask and match of a row from its fields.
void derive_mask_match(InstructionInfo& row);

enum class DecodeStatus : uint8_t {
  kOk,
  kUnknownOpcode,  // no row has this major opcode
  kReservedBits,   // a bit no field covers is set
  kBadField,       // a pipe / enum field holds a value not allowed there
  kBadDataType,    // the data-type fields are not an allowed combination
};

// Decodes without allocating. On failure `out` is unspecified.
DecodeStatus try_decode(uint64_t word, Instruction& out);
// A readable reason why `word` does not decode, e.g.
// "illegal encoding 0x...: unknown opcode 0xfe". Only call when try_decode failed.
std::string decode_error(uint64_t word);
// Decodes or throws UserError(decode_error(word)).
Instruction decode(uint64_t word);

// Checks that every field of `inst` is encodable: registers < 32, immediates within their
// fields, enum values allowed, data types an allowed combination. Returns the first problem.
std::optional<std::string> validate(const Instruction& inst);
// Encodes a valid instruction. An invalid one is a bug in the caller: NPU_CHECK.
uint64_t encode(const Instruction& inst);

// Reads and writes the member of Instruction that a slot names, as a raw integer.
int64_t get_slot(const Instruction& inst, Slot slot);
void set_slot(Instruction& inst, Slot slot, int64_t value);

// The pipe whose queue runs this instruction (resolves set_flag / wait_flag / pipe_barrier).
Pipe execution_pipe(const Instruction& inst);

}  // namespace npu::isa
