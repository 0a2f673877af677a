// THE instruction table: one row per instruction, the single source of truth of the ISA.
//
// A row gives the mnemonic, the major opcode (bits [7:0]; no opcode number appears anywhere
// else in the project), the format (which fixes the bit range of every field, see
// format_layout() in encoding.cc), the pipe, the timing class or data path, the buffers read
// and written, the allowed data types, the fields in assembly order, a one-line summary and one
// example line of assembly. The encoder, decoder, assembler, disassembler, `npusim isa list`,
// the generated parts of docs/isa.md and rtl/generated/npu_isa_pkg.sv all read this table.
//
// Adding an instruction: add its enumerator to isa/opcode.h (same position), a row here, its
// semantics to docs/isa.md, then regenerate the docs and the RTL package (npu_isa_gen --write).
#include <initializer_list>
#include <string>
#include <vector>

#include "base/error.h"
#include "isa/instruction.h"
#include "isa/instruction_table_rows.h"

namespace npu::isa::table {
namespace {

using enum Buffer;

constexpr uint16_t B(Buffer b) { return static_cast<uint16_t>(1u << static_cast<unsigned>(b)); }

// ---- Field builders. Bit ranges come from the row's format when the row is built. ----------

FieldSpec make(std::string_view name, FieldKind kind, Slot slot, std::string_view doc,
               Syntax syntax = Syntax::kPositional) {
  FieldSpec f;
  f.name = name;
  f.kind = kind;
  f.slot = slot;
  f.syntax = syntax;
  f.doc = doc;
  return f;
}

FieldSpec reg_out(std::string_view name, std::string_view doc) {
  FieldSpec f = make(name, FieldKind::kReg, Slot::kRd, doc);
  f.written = true;
  return f;
}

FieldSpec reg_in(std::string_view name, Slot slot, std::string_view doc) {
  return make(name, FieldKind::kReg, slot, doc);
}

FieldSpec addr(std::string_view name, Slot slot, Buffer buffer, std::string_view doc) {
  FieldSpec f = reg_in(name, slot, doc);
  f.role = RegRole::kAddress;
  f.buffer = buffer;
  return f;
}

FieldSpec packed(std::string_view name, Slot slot, const PackedLayout& layout) {
  FieldSpec f = reg_in(name, slot, layout.doc);
  f.role = RegRole::kPacked;
  f.packed = &layout;
  return f;
}

FieldSpec simm(std::string_view name, std::string_view doc) {
  return make(name, FieldKind::kSImm, Slot::kImm, doc);
}

FieldSpec uimm(std::string_view name, std::string_view doc) {
  return make(name, FieldKind::kUImm, Slot::kImm, doc);
}

FieldSpec mem_offset() {
  return make("offset", FieldKind::kSImm, Slot::kImm, "byte offset added to the base register",
              Syntax::kMemOffset);
}

FieldSpec mem_base(Buffer buffer) {
  FieldSpec f = addr("base", Slot::kRs1, buffer, "base address register");
  f.syntax = Syntax::kMemBase;
  return f;
}

FieldSpec branch_target() {
  return make("target", FieldKind::kBranch, Slot::kImm,
              "label, or offset in instructions from this instruction");
}

template <typename E>
FieldSpec enum_field(std::string_view name, Slot slot, Syntax syntax, uint32_t allowed,
                     std::string_view doc) {
  FieldSpec f = make(name, FieldKind::kEnum, slot, doc, syntax);
  f.enum_names = EnumTraits<E>::kNames;
  f.enum_what = EnumTraits<E>::kWhat;
  f.allowed = allowed;
  return f;
}

constexpr uint32_t kAllPipes = 0x7f;  // every pipe but kAll
constexpr uint32_t kBarrierPipes = bit(Pipe::kV) | bit(Pipe::kM) | bit(Pipe::kMte1) |
                                   bit(Pipe::kMte2) | bit(Pipe::kMte3) | bit(Pipe::kFix) |
                                   bit(Pipe::kAll);

FieldSpec pipe_field(std::string_view name, Slot slot, uint32_t allowed, std::string_view doc) {
  FieldSpec f = enum_field<Pipe>(name, slot, Syntax::kPositional, allowed, doc);
  f.kind = FieldKind::kPipe;
  return f;
}

FieldSpec event_field(std::string_view name, std::string_view doc) {
  return make(name, FieldKind::kEvent, Slot::kEvent, doc);
}

FieldSpec flag_field(std::string_view name, Slot slot, std::string_view doc) {
  return make(name, FieldKind::kFlag, slot, doc, Syntax::kNamed);
}

FieldSpec dtype_suffix(Slot slot, std::string_view doc) {
  FieldSpec f = make(slot == Slot::kDtype ? "dtype" : "src_dtype", FieldKind::kDType, slot, doc,
                     Syntax::kSuffix);
  f.enum_names = EnumTraits<DataType>::kNames;
  f.enum_what = EnumTraits<DataType>::kWhat;
  return f;
}

// ---- Timing helpers. ----------------------------------------------------------------------

struct Timing {
  TimingKind kind = TimingKind::kScalar;
  ScalarClass scalar = ScalarClass::kAlu;
  VectorClass vector = VectorClass::kSimple;
  std::optional<DataPath> path;
};

Timing timing(TimingKind kind) {
  Timing t;
  t.kind = kind;
  return t;
}
Timing scalar(ScalarClass c) {
  Timing t = timing(TimingKind::kScalar);
  t.scalar = c;
  return t;
}
Timing vector(VectorClass c) {
  Timing t = timing(TimingKind::kVector);
  t.vector = c;
  return t;
}
Timing move(DataPath p) {
  Timing t = timing(TimingKind::kMove);
  t.path = p;
  return t;
}
Timing cube() { return timing(TimingKind::kCube); }
Timing control() { return timing(TimingKind::kControl); }
Timing sync() { return timing(TimingKind::kSync); }

// ---- Data-type sets. ----------------------------------------------------------------------

using enum DataType;

std::vector<TypeSig> one(std::initializer_list<DataType> types) {
  std::vector<TypeSig> out;
  for (DataType t : types) out.push_back({t, t});
  return out;
}

const std::vector<TypeSig> kNoTypes;
const std::vector<TypeSig> kArith = one({kF16, kF32, kS16, kS32});
const std::vector<TypeSig> kFloats = one({kF16, kF32});
const std::vector<TypeSig> kBits = one({kS16, kS32});
const std::vector<TypeSig> kMoveTypes = one({kF16, kBf16, kF32, kS16, kS32});
const std::vector<TypeSig> kLoadTypes = one({kS8, kU8, kS16, kS32, kS64});
const std::vector<TypeSig> kStoreTypes = one({kS8, kS16, kS32, kS64});
const std::vector<TypeSig> kPadTypes = one({kF16, kBf16, kF32, kS8, kU8, kS16, kS32});
const std::vector<TypeSig> kFractalTypes = one({kF16, kBf16, kF32, kS8, kU8});
const std::vector<TypeSig> kImg2colTypes = one({kF16, kBf16, kS8, kU8});
const std::vector<TypeSig> kAtomicTypes = one({kF16, kBf16, kF32, kS32});
const std::vector<TypeSig> kTransposeTypes = one({kF16, kBf16, kS16});
const std::vector<TypeSig> kMmadTypes = {{kF32, kF16}, {kF32, kBf16}, {kS32, kS8}, {kS32, kU8}};
const std::vector<TypeSig> kFixTypes = {{kF32, kF32}, {kF16, kF32}, {kBf16, kF32}, {kS8, kF32},
                                        {kF16, kS32}, {kS8, kS32},  {kS32, kS32}};
const std::vector<TypeSig> kConvTypes = {{kF16, kF32}, {kF32, kF16}, {kBf16, kF32}, {kF32, kBf16},
                                         {kS32, kF32}, {kF32, kS32}, {kF16, kS32},  {kS32, kF16},
                                         {kF16, kS8},  {kS8, kF16},  {kF16, kU8},   {kU8, kF16}};

// ---- Row construction. --------------------------------------------------------------------

struct Row {
  Opcode opcode;
  std::string_view mnemonic;
  uint8_t major;
  Format format;
  Pipe pipe;
  Timing timing;
  uint16_t reads;
  uint16_t writes;
  const std::vector<TypeSig>* dtypes;
  int dtype_arity;
  std::vector<FieldSpec> fields;
  std::string_view summary;
  std::string_view example;
  PipeSource pipe_source = PipeSource::kFixed;
};

InstructionInfo build(Row r) {
  InstructionInfo info;
  info.opcode = r.opcode;
  info.mnemonic = r.mnemonic;
  info.major = r.major;
  info.format = r.format;
  info.pipe = r.pipe;
  info.pipe_source = r.pipe_source;
  info.timing = r.timing.kind;
  info.scalar_class = r.timing.scalar;
  info.vector_class = r.timing.vector;
  info.path = r.timing.path;
  info.reads = r.reads;
  info.writes = r.writes;
  info.dtypes = *r.dtypes;
  info.summary = r.summary;
  info.example = r.example;
  info.fields = std::move(r.fields);
  if (r.dtype_arity >= 1) {
    info.fields.push_back(dtype_suffix(
        Slot::kDtype, r.dtype_arity == 2 ? "destination data type" : "element data type"));
  }
  if (r.dtype_arity == 2) info.fields.push_back(dtype_suffix(Slot::kSrcDtype, "source data type"));
  for (FieldSpec& f : info.fields) {
    const std::optional<BitRange> range = format_layout(r.format, f.slot);
    NPU_CHECK(range.has_value(), std::string(r.mnemonic) + ": format " +
                                     std::string(format_name(r.format)) + " has no field for " +
                                     std::string(f.name));
    f.lo = range->lo;
    f.width = range->width;
  }
  derive_mask_match(info);
  return info;
}

// Operand shapes shared by many rows.
std::vector<FieldSpec> rrr() {
  return {reg_out("rd", "destination register"), reg_in("rs1", Slot::kRs1, "first source"),
          reg_in("rs2", Slot::kRs2, "second source")};
}
std::vector<FieldSpec> rri() {
  return {reg_out("rd", "destination register"), reg_in("rs1", Slot::kRs1, "source"),
          simm("imm", "signed 32-bit immediate")};
}
std::vector<FieldSpec> rrsh() {
  return {reg_out("rd", "destination register"), reg_in("rs1", Slot::kRs1, "source"),
          uimm("shamt", "shift amount 0..63")};
}
std::vector<FieldSpec> branch() {
  return {reg_in("rs1", Slot::kRs1, "first operand"), reg_in("rs2", Slot::kRs2, "second operand"),
          branch_target()};
}
std::vector<FieldSpec> copy(Buffer dst, Buffer src, const PackedLayout& layout = kMteLayout) {
  return {addr("dst", Slot::kRs1, dst, "destination address"),
          addr("src", Slot::kRs2, src, "source address"), packed("params", Slot::kRs3, layout)};
}
std::vector<FieldSpec> pad_copy(Buffer dst) {
  return {addr("dst", Slot::kRs1, dst, "destination address"),
          addr("src", Slot::kRs2, kGm, "source address"), packed("params", Slot::kRs3, kPadLayout),
          packed("pad", Slot::kRs4, kPadValueLayout)};
}
std::vector<FieldSpec> vbinary() {
  return {addr("dst", Slot::kRs1, kUb, "destination address"),
          addr("src0", Slot::kRs2, kUb, "first source address"),
          addr("src1", Slot::kRs3, kUb, "second source address"),
          packed("params", Slot::kRs4, kVectorLayout)};
}
std::vector<FieldSpec> vscalar() {
  return {addr("dst", Slot::kRs1, kUb, "destination address"),
          addr("src", Slot::kRs2, kUb, "source address"),
          reg_in("scalar", Slot::kRs3, "scalar operand: raw bits of one element, low bytes"),
          packed("params", Slot::kRs4, kVectorLayout)};
}
std::vector<FieldSpec> vunary() {
  return {addr("dst", Slot::kRs1, kUb, "destination address"),
          addr("src", Slot::kRs2, kUb, "source address"),
          packed("params", Slot::kRs3, kVectorLayout)};
}
FieldSpec cond_field() {
  return enum_field<CompareMode>("cond", Slot::kMode, Syntax::kPositional, ~0u, "comparison");
}
std::vector<FieldSpec> with(std::vector<FieldSpec> fields, std::initializer_list<FieldSpec> more) {
  fields.insert(fields.end(), more);
  return fields;
}
std::vector<FieldSpec> fix_fields(Buffer dst, bool atomic) {
  std::vector<FieldSpec> f = {
      addr("dst", Slot::kRs1, dst, "destination address"),
      addr("src", Slot::kRs2, kL0c, "L0C source address"),
      packed("params", Slot::kRs3, kFixpipeLayout),
      reg_in("scale", Slot::kRs4, "fp32 bits of the quantisation scale (low 32 bits)"),
      flag_field("relu", Slot::kRelu, "apply ReLU before the conversion"),
      enum_field<FixLayout>("layout", Slot::kLayout, Syntax::kNamed, ~0u,
                            "output layout: nz (default) or nd")};
  if (atomic) {
    f.push_back(flag_field("atomic", Slot::kAtomic, "add into GM atomically instead of storing"));
  }
  return f;
}

constexpr uint16_t kUbOnly = B(kUb);

}  // namespace

std::vector<InstructionInfo> build_rows() {
  using O = Opcode;
  using F = Format;
  using P = Pipe;
  using SC = ScalarClass;
  using VC = VectorClass;
  using DP = DataPath;
  std::vector<Row> rows = {
      // ---- Scalar ALU, register-register. --------------------------------------------------
      {O::kAdd, "add", 0x01, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 + rs2 (64-bit, wraps)", "add x3, x1, x2"},
      {O::kSub, "sub", 0x02, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 - rs2 (64-bit, wraps)", "sub x3, x1, x2"},
      {O::kMul, "mul", 0x03, F::kR, P::kS, scalar(SC::kMul), 0, 0, &kNoTypes, 0, rrr(),
       "rd = low 64 bits of rs1 * rs2", "mul x3, x1, x2"},
      {O::kDiv, "div", 0x04, F::kR, P::kS, scalar(SC::kMul), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 / rs2, signed, rounded toward zero (x / 0 = -1)", "div x3, x1, x2"},
      {O::kDivu, "divu", 0x05, F::kR, P::kS, scalar(SC::kMul), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 / rs2, unsigned (x / 0 = 2^64 - 1)", "divu x3, x1, x2"},
      {O::kRem, "rem", 0x06, F::kR, P::kS, scalar(SC::kMul), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 % rs2, signed, sign of the dividend (x % 0 = x)", "rem x3, x1, x2"},
      {O::kRemu, "remu", 0x07, F::kR, P::kS, scalar(SC::kMul), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 % rs2, unsigned (x % 0 = x)", "remu x3, x1, x2"},
      {O::kAnd, "and", 0x08, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 & rs2", "and x3, x1, x2"},
      {O::kOr, "or", 0x09, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 | rs2", "or x3, x1, x2"},
      {O::kXor, "xor", 0x0a, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 ^ rs2", "xor x3, x1, x2"},
      {O::kSll, "sll", 0x0b, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 << (rs2 & 63)", "sll x3, x1, x2"},
      {O::kSrl, "srl", 0x0c, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 >> (rs2 & 63), logical", "srl x3, x1, x2"},
      {O::kSra, "sra", 0x0d, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = rs1 >> (rs2 & 63), arithmetic", "sra x3, x1, x2"},
      {O::kSlt, "slt", 0x0e, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = (rs1 < rs2) ? 1 : 0, signed", "slt x3, x1, x2"},
      {O::kSltu, "sltu", 0x0f, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = (rs1 < rs2) ? 1 : 0, unsigned", "sltu x3, x1, x2"},
      {O::kMin, "min", 0x10, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = min(rs1, rs2), signed", "min x3, x1, x2"},
      {O::kMax, "max", 0x11, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = max(rs1, rs2), signed", "max x3, x1, x2"},
      {O::kMinu, "minu", 0x12, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = min(rs1, rs2), unsigned", "minu x3, x1, x2"},
      {O::kMaxu, "maxu", 0x13, F::kR, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrr(),
       "rd = max(rs1, rs2), unsigned", "maxu x3, x1, x2"},
      // ---- Scalar ALU, register-immediate. -------------------------------------------------
      {O::kAddi, "addi", 0x18, F::kI, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rri(),
       "rd = rs1 + sext(imm)", "addi x3, x1, -16"},
      {O::kMuli, "muli", 0x19, F::kI, P::kS, scalar(SC::kMul), 0, 0, &kNoTypes, 0, rri(),
       "rd = low 64 bits of rs1 * sext(imm)", "muli x3, x1, 512"},
      {O::kAndi, "andi", 0x1a, F::kI, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rri(),
       "rd = rs1 & sext(imm)", "andi x3, x1, 255"},
      {O::kOri, "ori", 0x1b, F::kI, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rri(),
       "rd = rs1 | sext(imm)", "ori x3, x1, 1"},
      {O::kXori, "xori", 0x1c, F::kI, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rri(),
       "rd = rs1 ^ sext(imm)", "xori x3, x1, -1"},
      {O::kSlli, "slli", 0x1d, F::kSh, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrsh(),
       "rd = rs1 << shamt", "slli x3, x1, 5"},
      {O::kSrli, "srli", 0x1e, F::kSh, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrsh(),
       "rd = rs1 >> shamt, logical", "srli x3, x1, 5"},
      {O::kSrai, "srai", 0x1f, F::kSh, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rrsh(),
       "rd = rs1 >> shamt, arithmetic", "srai x3, x1, 5"},
      {O::kSlti, "slti", 0x20, F::kI, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rri(),
       "rd = (rs1 < sext(imm)) ? 1 : 0, signed", "slti x3, x1, 100"},
      {O::kSltiu, "sltiu", 0x21, F::kI, P::kS, scalar(SC::kAlu), 0, 0, &kNoTypes, 0, rri(),
       "rd = (rs1 < sext(imm)) ? 1 : 0, unsigned", "sltiu x3, x1, 100"},
      {O::kLui,
       "lui",
       0x22,
       F::kU,
       P::kS,
       scalar(SC::kAlu),
       0,
       0,
       &kNoTypes,
       0,
       {reg_out("rd", "destination register"), uimm("imm", "unsigned 32-bit immediate")},
       "rd = imm << 32",
       "lui x3, 0x12345678"},
      // ---- Scalar loads and stores. --------------------------------------------------------
      {O::kLds,
       "lds",
       0x28,
       F::kLd,
       P::kS,
       scalar(SC::kSmemLoad),
       B(kSmem),
       0,
       &kLoadTypes,
       1,
       {reg_out("rd", "destination register"), mem_offset(), mem_base(kSmem)},
       "rd = SMEM[base + offset], sign- or zero-extended from the data type",
       "lds.s32 x3, 8(x2)"},
      {O::kSts,
       "sts",
       0x29,
       F::kSt,
       P::kS,
       scalar(SC::kSmemLoad),
       0,
       B(kSmem),
       &kStoreTypes,
       1,
       {reg_in("value", Slot::kRs2, "register stored"), mem_offset(), mem_base(kSmem)},
       "SMEM[base + offset] = low bytes of value",
       "sts.s64 x3, 16(x2)"},
      {O::kLdg,
       "ldg",
       0x2a,
       F::kLd,
       P::kS,
       scalar(SC::kGmLoad),
       B(kGm),
       0,
       &kLoadTypes,
       1,
       {reg_out("rd", "destination register"), mem_offset(), mem_base(kGm)},
       "rd = GM[base + offset], sign- or zero-extended from the data type",
       "ldg.s64 x3, 0(x1)"},
      {O::kStg,
       "stg",
       0x2b,
       F::kSt,
       P::kS,
       scalar(SC::kGmLoad),
       0,
       B(kGm),
       &kStoreTypes,
       1,
       {reg_in("value", Slot::kRs2, "register stored"), mem_offset(), mem_base(kGm)},
       "GM[base + offset] = low bytes of value",
       "stg.s32 x3, 4(x5)"},
      // ---- Branches and jumps. -------------------------------------------------------------
      {O::kBeq, "beq", 0x30, F::kB, P::kS, scalar(SC::kBranch), 0, 0, &kNoTypes, 0, branch(),
       "if rs1 == rs2: pc = target", "beq x1, x2, 4"},
      {O::kBne, "bne", 0x31, F::kB, P::kS, scalar(SC::kBranch), 0, 0, &kNoTypes, 0, branch(),
       "if rs1 != rs2: pc = target", "bne x1, x2, -2"},
      {O::kBlt, "blt", 0x32, F::kB, P::kS, scalar(SC::kBranch), 0, 0, &kNoTypes, 0, branch(),
       "if rs1 < rs2 (signed): pc = target", "blt x1, x2, 3"},
      {O::kBge, "bge", 0x33, F::kB, P::kS, scalar(SC::kBranch), 0, 0, &kNoTypes, 0, branch(),
       "if rs1 >= rs2 (signed): pc = target", "bge x1, x2, 3"},
      {O::kBltu, "bltu", 0x34, F::kB, P::kS, scalar(SC::kBranch), 0, 0, &kNoTypes, 0, branch(),
       "if rs1 < rs2 (unsigned): pc = target", "bltu x1, x2, 3"},
      {O::kBgeu, "bgeu", 0x35, F::kB, P::kS, scalar(SC::kBranch), 0, 0, &kNoTypes, 0, branch(),
       "if rs1 >= rs2 (unsigned): pc = target", "bgeu x1, x2, 3"},
      {O::kJal,
       "jal",
       0x36,
       F::kJ,
       P::kS,
       scalar(SC::kBranch),
       0,
       0,
       &kNoTypes,
       0,
       {reg_out("rd", "receives the address of the next instruction"), branch_target()},
       "rd = pc + 8; pc = target",
       "jal x0, 2"},
      {O::kJalr,
       "jalr",
       0x37,
       F::kJr,
       P::kS,
       scalar(SC::kBranch),
       0,
       0,
       &kNoTypes,
       0,
       {reg_out("rd", "receives the address of the next instruction"),
        reg_in("rs1", Slot::kRs1, "base code address"), simm("imm", "byte offset")},
       "t = rs1 + sext(imm); rd = pc + 8; pc = t",
       "jalr x0, x29, 0"},
      // ---- System. -------------------------------------------------------------------------
      {O::kRdsr,
       "rdsr",
       0x3c,
       F::kSr,
       P::kS,
       scalar(SC::kSystem),
       0,
       0,
       &kNoTypes,
       0,
       {reg_out("rd", "destination register"),
        enum_field<SpecialReg>("sreg", Slot::kMode, Syntax::kPositional, ~0u, "special register")},
       "rd = special register (block_idx, block_dim, core_type, ...)",
       "rdsr x5, block_idx"},
      {O::kEnd,
       "end",
       0x3f,
       F::kN,
       P::kS,
       scalar(SC::kSystem),
       0,
       0,
       &kNoTypes,
       0,
       {},
       "stop issuing; the core finishes when every pipe has drained",
       "end"},
      // ---- Synchronisation. ----------------------------------------------------------------
      {O::kSetFlag,
       "set_flag",
       0x40,
       F::kSync,
       P::kS,
       sync(),
       0,
       0,
       &kNoTypes,
       0,
       {pipe_field("src_pipe", Slot::kPipe, kAllPipes, "producer pipe (runs the set)"),
        pipe_field("dst_pipe", Slot::kDstPipe, kAllPipes, "consumer pipe"),
        event_field("event", "event id 0..63 (the chip config sets how many exist)")},
       "in src_pipe order, after every earlier src_pipe instruction completed: set the flag",
       "set_flag mte2, v, 0",
       PipeSource::kPipeField},
      {O::kWaitFlag,
       "wait_flag",
       0x41,
       F::kSync,
       P::kS,
       sync(),
       0,
       0,
       &kNoTypes,
       0,
       {pipe_field("src_pipe", Slot::kPipe, kAllPipes, "producer pipe"),
        pipe_field("dst_pipe", Slot::kDstPipe, kAllPipes, "consumer pipe (runs the wait)"),
        event_field("event", "event id 0..63 (the chip config sets how many exist)")},
       "in dst_pipe order: block dst_pipe until the flag is set, then clear it",
       "wait_flag mte2, v, 0",
       PipeSource::kDstPipeField},
      {O::kPipeBarrier,
       "pipe_barrier",
       0x42,
       F::kSync,
       P::kS,
       sync(),
       0,
       0,
       &kNoTypes,
       0,
       {pipe_field("pipe", Slot::kPipe, kBarrierPipes, "pipe to drain, or all")},
       "later instructions of the pipe (all: of every pipe) wait until earlier ones complete",
       "pipe_barrier v",
       PipeSource::kPipeField},
      {O::kSyncAll,
       "sync_all",
       0x43,
       F::kN,
       P::kS,
       sync(),
       0,
       0,
       &kNoTypes,
       0,
       {},
       "drain every pipe of this core, then wait until every core of the launch got here",
       "sync_all"},
      {O::kCrossCoreSetFlag,
       "cross_core_set_flag",
       0x44,
       F::kSync,
       P::kS,
       sync(),
       0,
       0,
       &kNoTypes,
       0,
       {pipe_field("pipe", Slot::kPipe, kAllPipes,
                   "pipe whose earlier instructions complete first"),
        enum_field<CrossCoreMode>("mode", Slot::kMode, Syntax::kPositional, ~0u,
                                  "which cores the flag is raised on"),
        event_field("flag", "counter flag id 0..63 (the chip config sets how many exist)")},
       "raise counter flag `flag` on the target cores of `mode` (reference §3.1)",
       "cross_core_set_flag fix, aic_aiv, 3",
       PipeSource::kPipeField},
      {O::kCrossCoreWaitFlag,
       "cross_core_wait_flag",
       0x45,
       F::kSync,
       P::kS,
       sync(),
       0,
       0,
       &kNoTypes,
       0,
       {pipe_field("pipe", Slot::kPipe, kAllPipes, "pipe blocked by the wait"),
        event_field("flag", "counter flag id 0..63 (the chip config sets how many exist)")},
       "block `pipe` until this core's counter flag is non-zero, then decrement it",
       "cross_core_wait_flag v, 3",
       PipeSource::kPipeField},
      // ---- MTE2: GM -> L1 / UB / L0A / L0B. ------------------------------------------------
      {O::kCopyGmToL1, "copy_gm_to_l1", 0x50, F::kX, P::kMte2, move(DP::kGmToL1), B(kGm), B(kL1),
       &kNoTypes, 0, copy(kL1, kGm), "burst copy GM -> L1", "copy_gm_to_l1 x3, x4, x5"},
      {O::kCopyGmToUb, "copy_gm_to_ub", 0x51, F::kX, P::kMte2, move(DP::kGmToUb), B(kGm), B(kUb),
       &kNoTypes, 0, copy(kUb, kGm), "burst copy GM -> UB", "copy_gm_to_ub x3, x4, x5"},
      {O::kCopyGmToL0a, "copy_gm_to_l0a", 0x52, F::kX, P::kMte2, move(DP::kGmToL0a), B(kGm),
       B(kL0a), &kNoTypes, 0, copy(kL0a, kGm), "burst copy GM -> L0A", "copy_gm_to_l0a x3, x4, x5"},
      {O::kCopyGmToL0b, "copy_gm_to_l0b", 0x53, F::kX, P::kMte2, move(DP::kGmToL0b), B(kGm),
       B(kL0b), &kNoTypes, 0, copy(kL0b, kGm), "burst copy GM -> L0B", "copy_gm_to_l0b x3, x4, x5"},
      {O::kCopyGmToL1Pad, "copy_gm_to_l1_pad", 0x54, F::kX, P::kMte2, move(DP::kGmToL1), B(kGm),
       B(kL1), &kPadTypes, 1, pad_copy(kL1),
       "byte-granular copy GM -> L1, each row padded to 32 B with a pad value",
       "copy_gm_to_l1_pad.f16 x3, x4, x5, x6"},
      {O::kCopyGmToUbPad, "copy_gm_to_ub_pad", 0x55, F::kX, P::kMte2, move(DP::kGmToUb), B(kGm),
       B(kUb), &kPadTypes, 1, pad_copy(kUb),
       "byte-granular copy GM -> UB, each row padded to 32 B with a pad value",
       "copy_gm_to_ub_pad.f32 x3, x4, x5, x6"},
      {O::kCopyGmToL1Nd2nz, "copy_gm_to_l1_nd2nz", 0x56, F::kX, P::kMte2, move(DP::kGmToL1), B(kGm),
       B(kL1), &kFractalTypes, 1, copy(kL1, kGm, kNd2NzLayout),
       "copy a row-major (ND) GM matrix into L1 in NZ fractal layout",
       "copy_gm_to_l1_nd2nz.f16 x3, x4, x5"},
      // ---- MTE1: L1 -> L0A / L0B / UB / BT. ------------------------------------------------
      {O::kLoad2dL1ToL0a, "load2d_l1_to_l0a", 0x60, F::kX, P::kMte1, move(DP::kL1ToL0a), B(kL1),
       B(kL0a), &kFractalTypes, 1, copy(kL0a, kL1, kLoad2dLayout),
       "copy 512 B fractals L1 -> L0A, optionally transposed",
       "load2d_l1_to_l0a.f16 x3, x4, x5"},
      {O::kLoad2dL1ToL0b, "load2d_l1_to_l0b", 0x61, F::kX, P::kMte1, move(DP::kL1ToL0b), B(kL1),
       B(kL0b), &kFractalTypes, 1, copy(kL0b, kL1, kLoad2dLayout),
       "copy 512 B fractals L1 -> L0B, optionally transposed",
       "load2d_l1_to_l0b.f16 x3, x4, x5"},
      {O::kSetFmatrix,
       "set_fmatrix",
       0x62,
       F::kX,
       P::kMte1,
       control(),
       0,
       0,
       &kNoTypes,
       0,
       {packed("params", Slot::kRs1, kFmatrixLayout)},
       "set the feature-map size and padding that later load3d instructions use",
       "set_fmatrix x5"},
      {O::kSetPadding,
       "set_padding",
       0x63,
       F::kX,
       P::kMte1,
       control(),
       0,
       0,
       &kNoTypes,
       0,
       {reg_in("value", Slot::kRs1, "raw bits of the padding element (low bytes)")},
       "set the padding value that later load3d instructions use",
       "set_padding x5"},
      {O::kLoad3dL1ToL0a,
       "load3d_l1_to_l0a",
       0x64,
       F::kX,
       P::kMte1,
       move(DP::kL1ToL0a),
       B(kL1),
       B(kL0a),
       &kImg2colTypes,
       1,
       {addr("dst", Slot::kRs1, kL0a, "destination address"),
        addr("src", Slot::kRs2, kL1, "feature map address (C1HWC0)"),
        packed("pos", Slot::kRs3, kLoad3dPosLayout), packed("geom", Slot::kRs4, kLoad3dGeomLayout)},
       "img2col: build part of the convolution's A matrix from an L1 feature map into L0A",
       "load3d_l1_to_l0a.f16 x3, x4, x5, x6"},
      {O::kCopyL1ToUb, "copy_l1_to_ub", 0x65, F::kX, P::kMte1, move(DP::kL1ToUb), B(kL1), B(kUb),
       &kNoTypes, 0, copy(kUb, kL1), "burst copy L1 -> UB (coupled cores only)",
       "copy_l1_to_ub x3, x4, x5"},
      {O::kCopyL1ToBt, "copy_l1_to_bt", 0x66, F::kX, P::kMte1, move(DP::kL1ToBt), B(kL1), B(kBt),
       &kNoTypes, 0, copy(kBt, kL1), "burst copy L1 -> bias table", "copy_l1_to_bt x3, x4, x5"},
      // ---- Cube. ---------------------------------------------------------------------------
      {O::kMmad,
       "mmad",
       0x70,
       F::kX,
       P::kM,
       cube(),
       B(kL0a) | B(kL0b) | B(kL0c) | B(kBt),
       B(kL0c),
       &kMmadTypes,
       2,
       {addr("c", Slot::kRs1, kL0c, "C matrix address (NZ)"),
        addr("a", Slot::kRs2, kL0a, "A matrix address (ZZ)"),
        addr("b", Slot::kRs3, kL0b, "B matrix address (ZN)"),
        packed("params", Slot::kRs4, kMmadLayout)},
       "C (m x n) = init + A (m x k) * B (k x n) on the cube",
       "mmad.f32.f16 x3, x4, x5, x6"},
      // ---- Fixpipe: L0C -> GM / L1 / UB. ---------------------------------------------------
      {O::kFixL0cToGm, "fix_l0c_to_gm", 0x78, F::kX, P::kFix, move(DP::kL0cToGm), B(kL0c), B(kGm),
       &kFixTypes, 2, fix_fields(kGm, true),
       "write an L0C tile to GM with conversion, scale, ReLU, NZ -> ND, optional atomic add",
       "fix_l0c_to_gm.f16.f32 x3, x4, x5, x0, relu=1, layout=nd"},
      {O::kFixL0cToL1, "fix_l0c_to_l1", 0x79, F::kX, P::kFix, move(DP::kL0cToL1), B(kL0c), B(kL1),
       &kFixTypes, 2, fix_fields(kL1, false),
       "write an L0C tile to L1 with conversion, scale, ReLU, NZ -> ND",
       "fix_l0c_to_l1.f16.f32 x3, x4, x5, x0"},
      {O::kFixL0cToUb, "fix_l0c_to_ub", 0x7a, F::kX, P::kFix, move(DP::kL0cToUb), B(kL0c), B(kUb),
       &kFixTypes, 2, fix_fields(kUb, false),
       "write an L0C tile to UB with conversion, scale, ReLU, NZ -> ND",
       "fix_l0c_to_ub.s8.s32 x3, x4, x5, x6, layout=nd"},
      // ---- MTE3: UB -> GM / L1 / UB. -------------------------------------------------------
      {O::kCopyUbToGm, "copy_ub_to_gm", 0x80, F::kX, P::kMte3, move(DP::kUbToGm), B(kUb), B(kGm),
       &kNoTypes, 0, copy(kGm, kUb), "burst copy UB -> GM", "copy_ub_to_gm x3, x4, x5"},
      {O::kCopyUbToGmAtomicAdd, "copy_ub_to_gm_atomic_add", 0x81, F::kX, P::kMte3,
       move(DP::kUbToGm), B(kUb) | B(kGm), B(kGm), &kAtomicTypes, 1, copy(kGm, kUb),
       "burst copy UB -> GM that adds each element into GM atomically",
       "copy_ub_to_gm_atomic_add.f32 x3, x4, x5"},
      {O::kCopyUbToGmPad, "copy_ub_to_gm_pad", 0x82, F::kX, P::kMte3, move(DP::kUbToGm), B(kUb),
       B(kGm), &kNoTypes, 0, copy(kGm, kUb, kPadLayout),
       "byte-granular copy UB -> GM: burst_bytes from each 32 B-aligned UB row",
       "copy_ub_to_gm_pad x3, x4, x5"},
      {O::kCopyUbToL1, "copy_ub_to_l1", 0x83, F::kX, P::kMte3, move(DP::kUbToL1), B(kUb), B(kL1),
       &kNoTypes, 0, copy(kL1, kUb), "burst copy UB -> L1", "copy_ub_to_l1 x3, x4, x5"},
      {O::kCopyUbToUb, "copy_ub_to_ub", 0x84, F::kX, P::kMte3, move(DP::kUbToUb), B(kUb), B(kUb),
       &kNoTypes, 0, copy(kUb, kUb), "burst copy UB -> UB", "copy_ub_to_ub x3, x4, x5"},
      // ---- Vector: mask set-up. ------------------------------------------------------------
      {O::kSetMask,
       "set_mask",
       0x90,
       F::kX,
       P::kV,
       control(),
       0,
       0,
       &kNoTypes,
       0,
       {reg_in("hi", Slot::kRs1, "mask bits 127..64"), reg_in("lo", Slot::kRs2, "mask bits 63..0")},
       "set the 128-bit vector mask (counter mode: lo = element count)",
       "set_mask x5, x6"},
      {O::kSetMaskMode,
       "set_mask_mode",
       0x91,
       F::kX,
       P::kV,
       control(),
       0,
       0,
       &kNoTypes,
       0,
       {enum_field<MaskMode>("mode", Slot::kMode, Syntax::kPositional, ~0u, "normal or counter")},
       "choose how later vector instructions read the mask",
       "set_mask_mode counter"},
      // ---- Vector: binary. -----------------------------------------------------------------
      {O::kVadd, "vadd", 0xa0, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kArith, 1,
       vbinary(), "dst = src0 + src1", "vadd.f16 x3, x4, x5, x6"},
      {O::kVsub, "vsub", 0xa1, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kArith, 1,
       vbinary(), "dst = src0 - src1", "vsub.f32 x3, x4, x5, x6"},
      {O::kVmul, "vmul", 0xa2, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kArith, 1,
       vbinary(), "dst = src0 * src1", "vmul.f16 x3, x4, x5, x6"},
      {O::kVdiv, "vdiv", 0xa3, F::kX, P::kV, vector(VC::kDivide), kUbOnly, kUbOnly, &kFloats, 1,
       vbinary(), "dst = src0 / src1", "vdiv.f32 x3, x4, x5, x6"},
      {O::kVmax, "vmax", 0xa4, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kArith, 1,
       vbinary(), "dst = max(src0, src1)", "vmax.f16 x3, x4, x5, x6"},
      {O::kVmin, "vmin", 0xa5, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kArith, 1,
       vbinary(), "dst = min(src0, src1)", "vmin.s32 x3, x4, x5, x6"},
      {O::kVand, "vand", 0xa6, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kBits, 1,
       vbinary(), "dst = src0 & src1 (bitwise)", "vand.s16 x3, x4, x5, x6"},
      {O::kVor, "vor", 0xa7, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kBits, 1,
       vbinary(), "dst = src0 | src1 (bitwise)", "vor.s16 x3, x4, x5, x6"},
      {O::kVmla, "vmla", 0xa8, F::kX, P::kV, vector(VC::kMultiplyAdd), kUbOnly, kUbOnly, &kFloats,
       1, vbinary(), "dst = src0 * src1 + dst (two roundings)", "vmla.f32 x3, x4, x5, x6"},
      // ---- Vector: vector-scalar. ----------------------------------------------------------
      {O::kVadds, "vadds", 0xb0, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kArith, 1,
       vscalar(), "dst = src + scalar", "vadds.f16 x3, x4, x7, x6"},
      {O::kVmuls, "vmuls", 0xb1, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kArith, 1,
       vscalar(), "dst = src * scalar", "vmuls.f32 x3, x4, x7, x6"},
      {O::kVmaxs, "vmaxs", 0xb2, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kArith, 1,
       vscalar(), "dst = max(src, scalar)", "vmaxs.f16 x3, x4, x7, x6"},
      {O::kVmins, "vmins", 0xb3, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kArith, 1,
       vscalar(), "dst = min(src, scalar)", "vmins.s32 x3, x4, x7, x6"},
      {O::kVshl, "vshl", 0xb4, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kBits, 1,
       vscalar(), "dst = src << scalar", "vshl.s32 x3, x4, x7, x6"},
      {O::kVshr, "vshr", 0xb5, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kBits, 1,
       vscalar(), "dst = src >> scalar (arithmetic)", "vshr.s16 x3, x4, x7, x6"},
      {O::kVlrelu, "vlrelu", 0xb6, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kFloats, 1,
       vscalar(), "dst = src > 0 ? src : src * scalar (leaky ReLU)", "vlrelu.f16 x3, x4, x7, x6"},
      {O::kVaxpy, "vaxpy", 0xb7, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kFloats,
       1, vscalar(), "dst = src * scalar + dst (two roundings)", "vaxpy.f32 x3, x4, x7, x6"},
      // ---- Vector: unary. ------------------------------------------------------------------
      {O::kVabs, "vabs", 0xc0, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kArith, 1,
       vunary(), "dst = |src|", "vabs.f16 x3, x4, x6"},
      {O::kVexp, "vexp", 0xc1, F::kX, P::kV, vector(VC::kTranscendental), kUbOnly, kUbOnly,
       &kFloats, 1, vunary(), "dst = e^src", "vexp.f32 x3, x4, x6"},
      {O::kVln, "vln", 0xc2, F::kX, P::kV, vector(VC::kTranscendental), kUbOnly, kUbOnly, &kFloats,
       1, vunary(), "dst = ln(src)", "vln.f16 x3, x4, x6"},
      {O::kVrec, "vrec", 0xc3, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kFloats, 1,
       vunary(), "dst = 1 / src", "vrec.f32 x3, x4, x6"},
      {O::kVsqrt, "vsqrt", 0xc4, F::kX, P::kV, vector(VC::kSqrt), kUbOnly, kUbOnly, &kFloats, 1,
       vunary(), "dst = sqrt(src)", "vsqrt.f16 x3, x4, x6"},
      {O::kVrsqrt, "vrsqrt", 0xc5, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kFloats, 1,
       vunary(), "dst = 1 / sqrt(src)", "vrsqrt.f32 x3, x4, x6"},
      {O::kVrelu, "vrelu", 0xc6, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kArith, 1,
       vunary(), "dst = max(src, 0)", "vrelu.f16 x3, x4, x6"},
      {O::kVnot, "vnot", 0xc7, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kBits, 1,
       vunary(), "dst = ~src (bitwise)", "vnot.s16 x3, x4, x6"},
      // ---- Vector: compare and select. -----------------------------------------------------
      {O::kVcmp, "vcmp", 0xc8, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kArith, 1,
       with(vbinary(), {cond_field()}), "dst bit i = src0[i] <cond> src1[i]",
       "vcmp.f16 x3, x4, x5, x6, lt"},
      {O::kVcmps, "vcmps", 0xc9, F::kX, P::kV, vector(VC::kBinary), kUbOnly, kUbOnly, &kArith, 1,
       with(vscalar(), {cond_field()}), "dst bit i = src[i] <cond> scalar",
       "vcmps.f32 x3, x4, x7, x6, ge"},
      {O::kVsel,
       "vsel",
       0xca,
       F::kX,
       P::kV,
       vector(VC::kBinary),
       kUbOnly,
       kUbOnly,
       &kArith,
       1,
       {addr("dst", Slot::kRs1, kUb, "destination address"),
        addr("src0", Slot::kRs2, kUb, "chosen where the selection bit is 1"),
        addr("src1", Slot::kRs3, kUb, "chosen where the selection bit is 0"),
        addr("sel", Slot::kRs4, kUb, "selection bits, laid out as vcmp writes them"),
        packed("params", Slot::kRs5, kVectorLayout)},
       "dst = sel bit i ? src0[i] : src1[i]",
       "vsel.f16 x3, x4, x5, x7, x6"},
      // ---- Vector: reductions. -------------------------------------------------------------
      {O::kVcadd, "vcadd", 0xd0, F::kX, P::kV, vector(VC::kReduce), kUbOnly, kUbOnly, &kFloats, 1,
       vunary(), "dst[r] = sum of the active elements of repeat r", "vcadd.f32 x3, x4, x6"},
      {O::kVcmax, "vcmax", 0xd1, F::kX, P::kV, vector(VC::kReduce), kUbOnly, kUbOnly, &kFloats, 1,
       vunary(), "dst[r] = max of the active elements of repeat r", "vcmax.f16 x3, x4, x6"},
      {O::kVcmin, "vcmin", 0xd2, F::kX, P::kV, vector(VC::kReduce), kUbOnly, kUbOnly, &kFloats, 1,
       vunary(), "dst[r] = min of the active elements of repeat r", "vcmin.f16 x3, x4, x6"},
      {O::kVcgadd, "vcgadd", 0xd3, F::kX, P::kV, vector(VC::kBlockReduce), kUbOnly, kUbOnly,
       &kFloats, 1, vunary(), "dst[8r + b] = sum of the active elements of block b of repeat r",
       "vcgadd.f16 x3, x4, x6"},
      {O::kVcgmax, "vcgmax", 0xd4, F::kX, P::kV, vector(VC::kBlockReduce), kUbOnly, kUbOnly,
       &kFloats, 1, vunary(), "dst[8r + b] = max of the active elements of block b of repeat r",
       "vcgmax.f32 x3, x4, x6"},
      {O::kVcgmin, "vcgmin", 0xd5, F::kX, P::kV, vector(VC::kBlockReduce), kUbOnly, kUbOnly,
       &kFloats, 1, vunary(), "dst[8r + b] = min of the active elements of block b of repeat r",
       "vcgmin.f32 x3, x4, x6"},
      // ---- Vector: conversion and data movement. -------------------------------------------
      {O::kVconv, "vconv", 0xe0, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kConvTypes,
       2,
       with(vunary(), {enum_field<RoundMode>("round", Slot::kMode, Syntax::kNamed, ~0u,
                                             "rounding mode (default rint)")}),
       "dst = convert(src) to the destination type with the rounding mode",
       "vconv.f16.f32 x3, x4, x6, round=floor"},
      {O::kVdup,
       "vdup",
       0xe1,
       F::kX,
       P::kV,
       vector(VC::kSimple),
       0,
       kUbOnly,
       &kMoveTypes,
       1,
       {addr("dst", Slot::kRs1, kUb, "destination address"),
        reg_in("scalar", Slot::kRs2, "raw bits of the element (low bytes)"),
        packed("params", Slot::kRs3, kVectorLayout)},
       "dst[i] = scalar",
       "vdup.f16 x3, x7, x6"},
      {O::kVbrcb, "vbrcb", 0xe2, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kMoveTypes,
       1, vunary(), "broadcast: block b of repeat r is filled with src[8r + b]",
       "vbrcb.f32 x3, x4, x6"},
      {O::kVcopy, "vcopy", 0xe3, F::kX, P::kV, vector(VC::kSimple), kUbOnly, kUbOnly, &kMoveTypes,
       1, vunary(), "dst = src (strided, masked copy)", "vcopy.s16 x3, x4, x6"},
      {O::kVtranspose,
       "vtranspose",
       0xe4,
       F::kX,
       P::kV,
       vector(VC::kTranspose),
       kUbOnly,
       kUbOnly,
       &kTransposeTypes,
       1,
       {addr("dst", Slot::kRs1, kUb, "destination address (512 B)"),
        addr("src", Slot::kRs2, kUb, "source address (512 B)")},
       "dst = transpose of the 16 x 16 matrix at src",
       "vtranspose.f16 x3, x4"},
      {O::kVgather,
       "vgather",
       0xe5,
       F::kX,
       P::kV,
       vector(VC::kGather),
       kUbOnly,
       kUbOnly,
       &kMoveTypes,
       1,
       {addr("dst", Slot::kRs1, kUb, "destination address"),
        addr("src", Slot::kRs2, kUb, "base address the offsets are added to"),
        addr("offsets", Slot::kRs3, kUb, "uint32 byte offsets, one per element"),
        packed("params", Slot::kRs4, kVectorLayout)},
       "dst[i] = element at src + offsets[i]",
       "vgather.f32 x3, x4, x5, x6"},
  };
  std::vector<InstructionInfo> out;
  out.reserve(rows.size());
  for (Row& r : rows) out.push_back(build(std::move(r)));
  return out;
}

}  // namespace npu::isa::table
