// Encoding and decoding of 64-bit instruction words, driven by the instruction table: the
// format layouts (where each field lives), the start-up checks of the table (no overlapping or
// ambiguous encodings), the decoder's opcode index, encode() and try_decode().
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "base/error.h"
#include "isa/instruction.h"
#include "isa/instruction_table_rows.h"

namespace npu::isa {
namespace {

struct SlotRange {
  Slot slot;
  BitRange range;
};

constexpr BitRange kRd{8, 5}, kRs1{13, 5}, kRs2{18, 5}, kRs3{23, 5}, kRs4{28, 5}, kRs5{33, 5};
constexpr BitRange kImm32{32, 32};

// The bit layout of every format. Register fields sit at the same place in every format, so
// the register-read ports of an RTL decoder need no format mux.
struct FormatSpec {
  Format format;
  std::string_view name;
  std::vector<SlotRange> fields;
};

const std::array<FormatSpec, 13>& format_specs() {
  static const std::array<FormatSpec, 13> kSpecs = {{
      {Format::kR, "R", {{Slot::kRd, kRd}, {Slot::kRs1, kRs1}, {Slot::kRs2, kRs2}}},
      {Format::kI, "I", {{Slot::kRd, kRd}, {Slot::kRs1, kRs1}, {Slot::kImm, kImm32}}},
      {Format::kSh, "SH", {{Slot::kRd, kRd}, {Slot::kRs1, kRs1}, {Slot::kImm, {32, 6}}}},
      {Format::kU, "U", {{Slot::kRd, kRd}, {Slot::kImm, kImm32}}},
      {Format::kLd,
       "LD",
       {{Slot::kRd, kRd}, {Slot::kRs1, kRs1}, {Slot::kDtype, {23, 3}}, {Slot::kImm, kImm32}}},
      {Format::kSt,
       "ST",
       {{Slot::kRs1, kRs1}, {Slot::kRs2, kRs2}, {Slot::kDtype, {23, 3}}, {Slot::kImm, kImm32}}},
      {Format::kB, "B", {{Slot::kRs1, kRs1}, {Slot::kRs2, kRs2}, {Slot::kImm, kImm32}}},
      {Format::kJ, "J", {{Slot::kRd, kRd}, {Slot::kImm, kImm32}}},
      {Format::kJr, "JR", {{Slot::kRd, kRd}, {Slot::kRs1, kRs1}, {Slot::kImm, kImm32}}},
      {Format::kSr, "SR", {{Slot::kRd, kRd}, {Slot::kMode, {32, 8}}}},
      {Format::kN, "N", {}},
      {Format::kSync,
       "SYNC",
       {{Slot::kPipe, {40, 3}},
        {Slot::kDstPipe, {43, 3}},
        {Slot::kMode, {46, 2}},
        {Slot::kEvent, {48, 6}}}},
      {Format::kX,
       "X",
       {{Slot::kRs1, kRs1},
        {Slot::kRs2, kRs2},
        {Slot::kRs3, kRs3},
        {Slot::kRs4, kRs4},
        {Slot::kRs5, kRs5},
        {Slot::kDtype, {38, 3}},
        {Slot::kSrcDtype, {41, 3}},
        {Slot::kMode, {44, 4}},
        {Slot::kRelu, {48, 1}},
        {Slot::kLayout, {49, 1}},
        {Slot::kAtomic, {50, 1}}}},
  }};
  return kSpecs;
}

std::string hex(uint64_t value, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%0*llx", digits, static_cast<unsigned long long>(value));
  return buffer;
}

int64_t sign_extend(uint64_t raw, unsigned width) {
  if (width >= 64) return static_cast<int64_t>(raw);
  const uint64_t sign = 1ull << (width - 1);
  return static_cast<int64_t>((raw ^ sign) - sign);
}

uint64_t field_bits(const FieldSpec& f) { return f.mask() << f.lo; }

// The decoder's index and the mnemonic lookup, built once from the checked table.
struct Tables {
  std::vector<InstructionInfo> rows;
  std::array<int16_t, 256> by_major{};
  std::unordered_map<std::string_view, int> by_mnemonic;
};

const Tables& tables() {
  static const Tables kTables = [] {
    Tables t;
    t.rows = table::build_rows();
    std::vector<std::string> problems = check_encodings(t.rows);
    NPU_CHECK(t.rows.size() == kOpcodeCount, "the instruction table has " +
                                                 std::to_string(t.rows.size()) + " rows for " +
                                                 std::to_string(kOpcodeCount) + " opcodes");
    t.by_major.fill(-1);
    for (size_t i = 0; i < t.rows.size(); ++i) {
      const InstructionInfo& row = t.rows[i];
      if (static_cast<size_t>(row.opcode) != i) {
        problems.push_back(std::string(row.mnemonic) + ": row " + std::to_string(i) +
                           " is out of the order of enum Opcode");
      }
      t.by_major[row.major] = static_cast<int16_t>(i);
      t.by_mnemonic.emplace(row.mnemonic, static_cast<int>(i));
    }
    std::string joined;
    for (const std::string& p : problems) joined += "\n  " + p;
    NPU_CHECK(problems.empty(), "the instruction table is inconsistent:" + joined);
    return t;
  }();
  return kTables;
}

bool is_enum_like(FieldKind kind) {
  return kind == FieldKind::kEnum || kind == FieldKind::kPipe || kind == FieldKind::kDType;
}

// Why a raw field value is not legal, or empty.
std::string bad_field_value(const FieldSpec& f, uint64_t raw) {
  if (!is_enum_like(f.kind)) return {};
  if (raw >= f.enum_names.size() || raw >= 32 || ((f.allowed >> raw) & 1u) == 0) {
    return "field " + std::string(f.name) + " holds " + std::to_string(raw) + ", which is not a " +
           std::string(f.enum_what) + " allowed there";
  }
  return {};
}

std::string type_suffixes(const InstructionInfo& row, DataType dst, DataType src) {
  std::string out = "." + std::string(name(dst));
  if (row.dtype_arity() == 2) out += "." + std::string(name(src));
  return out;
}

}  // namespace

// ---- FieldSpec / InstructionInfo ------------------------------------------------------------

int64_t FieldSpec::min_value() const {
  if (is_signed()) return -(int64_t{1} << (width - 1));
  return 0;
}

int64_t FieldSpec::max_value() const {
  if (is_signed()) return (int64_t{1} << (width - 1)) - 1;
  if (is_enum_like(kind)) return static_cast<int64_t>(enum_names.size()) - 1;
  return static_cast<int64_t>(mask());
}

int InstructionInfo::dtype_arity() const {
  int arity = 0;
  for (const FieldSpec& f : fields) arity += f.kind == FieldKind::kDType ? 1 : 0;
  return arity;
}

const FieldSpec* InstructionInfo::field(std::string_view field_name) const {
  for (const FieldSpec& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

const FieldSpec* InstructionInfo::field(Slot slot) const {
  for (const FieldSpec& f : fields) {
    if (f.slot == slot) return &f;
  }
  return nullptr;
}

bool InstructionInfo::allows(DataType dst, DataType src) const {
  return std::ranges::any_of(dtypes,
                             [&](const TypeSig& sig) { return sig.dst == dst && sig.src == src; });
}

// ---- Formats and table checks ---------------------------------------------------------------

std::optional<BitRange> format_layout(Format format, Slot slot) {
  for (const FormatSpec& spec : format_specs()) {
    if (spec.format != format) continue;
    for (const SlotRange& f : spec.fields) {
      if (f.slot == slot) return f.range;
    }
  }
  return std::nullopt;
}

std::string_view format_name(Format format) {
  for (const FormatSpec& spec : format_specs()) {
    if (spec.format == format) return spec.name;
  }
  return "?";
}

void derive_mask_match(InstructionInfo& row) {
  uint64_t covered = 0;
  for (const FieldSpec& f : row.fields) covered |= field_bits(f);
  row.mask = 0xffull | ~covered;
  row.match = row.major;
}

std::vector<std::string> check_encodings(std::span<const InstructionInfo> rows) {
  std::vector<std::string> problems;
  std::unordered_map<std::string_view, size_t> mnemonics;
  for (size_t i = 0; i < rows.size(); ++i) {
    const InstructionInfo& row = rows[i];
    const std::string who(row.mnemonic);
    if (row.mnemonic.empty()) problems.push_back("row " + std::to_string(i) + " has no mnemonic");
    if (!mnemonics.emplace(row.mnemonic, i).second) {
      problems.push_back(who + ": duplicate mnemonic");
    }
    if (row.major == 0) problems.push_back(who + ": major opcode 0 is reserved as illegal");
    uint64_t used = 0xff;
    std::array<bool, kSlotCount> slot_used{};
    for (const FieldSpec& f : row.fields) {
      const std::string what = who + "." + std::string(f.name);
      if (f.width == 0 || f.lo + f.width > 64) {
        problems.push_back(what + ": bits " + std::to_string(f.lo) + "+" + std::to_string(f.width) +
                           " are outside the 64-bit word");
        continue;
      }
      if ((field_bits(f) & used) != 0) {
        problems.push_back(what + ": overlaps the opcode byte or another field");
      }
      used |= field_bits(f);
      const auto slot = static_cast<size_t>(f.slot);
      if (slot_used[slot]) problems.push_back(what + ": a second field decodes into its slot");
      slot_used[slot] = true;
      if (is_enum_like(f.kind) && f.enum_names.size() > (size_t{1} << f.width)) {
        problems.push_back(what + ": too narrow for its " + std::to_string(f.enum_names.size()) +
                           " values");
      }
      if (f.kind == FieldKind::kReg && f.width != 5) {
        problems.push_back(what + ": a register field must be 5 bits");
      }
    }
    if ((row.dtype_arity() == 0) != row.dtypes.empty()) {
      problems.push_back(who + ": data-type suffix fields and the data-type list disagree");
    }
    InstructionInfo derived = row;
    derive_mask_match(derived);
    if (derived.mask != row.mask || derived.match != row.match) {
      problems.push_back(who + ": mask / match do not follow from the fields");
    }
  }
  // Two rows are ambiguous when one word could match both: their fixed bits agree wherever
  // both rows fix them.
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = i + 1; j < rows.size(); ++j) {
      const InstructionInfo& a = rows[i];
      const InstructionInfo& b = rows[j];
      if (((a.match ^ b.match) & a.mask & b.mask) == 0) {
        problems.push_back(std::string(a.mnemonic) + " and " + std::string(b.mnemonic) +
                           ": overlapping encodings (major opcode " + hex(a.major, 2) + " and " +
                           hex(b.major, 2) + ")");
      }
    }
  }
  return problems;
}

// ---- Table access ---------------------------------------------------------------------------

std::span<const InstructionInfo> instruction_table() { return tables().rows; }

const InstructionInfo& info(Opcode opcode) {
  const auto index = static_cast<size_t>(opcode);
  NPU_CHECK(index < kOpcodeCount, "opcode out of range");
  return tables().rows[index];
}

const InstructionInfo* find_mnemonic(std::string_view mnemonic) {
  const Tables& t = tables();
  const auto it = t.by_mnemonic.find(mnemonic);
  return it == t.by_mnemonic.end() ? nullptr : &t.rows[static_cast<size_t>(it->second)];
}

// ---- Slots ----------------------------------------------------------------------------------

int64_t get_slot(const Instruction& inst, Slot slot) {
  switch (slot) {
    case Slot::kRd:
      return inst.rd;
    case Slot::kRs1:
      return inst.rs1;
    case Slot::kRs2:
      return inst.rs2;
    case Slot::kRs3:
      return inst.rs3;
    case Slot::kRs4:
      return inst.rs4;
    case Slot::kRs5:
      return inst.rs5;
    case Slot::kImm:
      return inst.imm;
    case Slot::kPipe:
      return static_cast<int64_t>(inst.pipe);
    case Slot::kDstPipe:
      return static_cast<int64_t>(inst.dst_pipe);
    case Slot::kEvent:
      return inst.event;
    case Slot::kMode:
      return inst.mode;
    case Slot::kRelu:
      return inst.relu ? 1 : 0;
    case Slot::kLayout:
      return static_cast<int64_t>(inst.layout);
    case Slot::kAtomic:
      return inst.atomic ? 1 : 0;
    case Slot::kDtype:
      return static_cast<int64_t>(inst.dtype);
    case Slot::kSrcDtype:
      return static_cast<int64_t>(inst.src_dtype);
  }
  NPU_UNREACHABLE("bad slot");
}

void set_slot(Instruction& inst, Slot slot, int64_t value) {
  const auto u8 = static_cast<uint8_t>(value);
  switch (slot) {
    case Slot::kRd:
      inst.rd = u8;
      return;
    case Slot::kRs1:
      inst.rs1 = u8;
      return;
    case Slot::kRs2:
      inst.rs2 = u8;
      return;
    case Slot::kRs3:
      inst.rs3 = u8;
      return;
    case Slot::kRs4:
      inst.rs4 = u8;
      return;
    case Slot::kRs5:
      inst.rs5 = u8;
      return;
    case Slot::kImm:
      inst.imm = value;
      return;
    case Slot::kPipe:
      inst.pipe = static_cast<Pipe>(u8);
      return;
    case Slot::kDstPipe:
      inst.dst_pipe = static_cast<Pipe>(u8);
      return;
    case Slot::kEvent:
      inst.event = u8;
      return;
    case Slot::kMode:
      inst.mode = u8;
      return;
    case Slot::kRelu:
      inst.relu = value != 0;
      return;
    case Slot::kLayout:
      inst.layout = static_cast<FixLayout>(u8);
      return;
    case Slot::kAtomic:
      inst.atomic = value != 0;
      return;
    case Slot::kDtype:
      inst.dtype = static_cast<DataType>(u8);
      return;
    case Slot::kSrcDtype:
      inst.src_dtype = static_cast<DataType>(u8);
      return;
  }
  NPU_UNREACHABLE("bad slot");
}

// ---- Decode ---------------------------------------------------------------------------------

DecodeStatus try_decode(uint64_t word, Instruction& out) {
  const Tables& t = tables();
  const int index = t.by_major[word & 0xff];
  if (index < 0) return DecodeStatus::kUnknownOpcode;
  const InstructionInfo& row = t.rows[static_cast<size_t>(index)];
  if ((word & row.mask) != row.match) return DecodeStatus::kReservedBits;
  out = Instruction{};
  out.opcode = row.opcode;
  int arity = 0;
  for (const FieldSpec& f : row.fields) {
    const uint64_t raw = (word >> f.lo) & f.mask();
    if (is_enum_like(f.kind)) {
      if (raw >= f.enum_names.size() || ((f.allowed >> raw) & 1u) == 0) {
        return DecodeStatus::kBadField;
      }
      arity += f.kind == FieldKind::kDType ? 1 : 0;
    }
    set_slot(out, f.slot, f.is_signed() ? sign_extend(raw, f.width) : static_cast<int64_t>(raw));
  }
  if (arity == 1) out.src_dtype = out.dtype;
  if (arity > 0 && !row.allows(out.dtype, out.src_dtype)) return DecodeStatus::kBadDataType;
  return DecodeStatus::kOk;
}

std::string decode_error(uint64_t word) {
  std::string prefix = "illegal encoding " + hex(word, 16) + ": ";
  const Tables& t = tables();
  const int index = t.by_major[word & 0xff];
  if (index < 0) return prefix + "unknown opcode " + hex(word & 0xff, 2);
  const InstructionInfo& row = t.rows[static_cast<size_t>(index)];
  const std::string who = "'" + std::string(row.mnemonic) + "'";
  if ((word & row.mask) != row.match) {
    return prefix + who + " has reserved bits set (" + hex(word & row.mask & ~0xffull, 16) + ")";
  }
  for (const FieldSpec& f : row.fields) {
    const std::string problem = bad_field_value(f, (word >> f.lo) & f.mask());
    if (!problem.empty()) return prefix.append(who).append(" ").append(problem);
  }
  Instruction inst;
  if (try_decode(word, inst) == DecodeStatus::kBadDataType) {
    return prefix + who + " does not support data type " +
           type_suffixes(row, inst.dtype, inst.src_dtype);
  }
  NPU_CHECK(try_decode(word, inst) != DecodeStatus::kOk, "decode_error called on a legal word");
  return prefix + "undecodable";
}

Instruction decode(uint64_t word) {
  Instruction inst;
  if (try_decode(word, inst) != DecodeStatus::kOk) throw UserError(decode_error(word));
  return inst;
}

// ---- Encode ---------------------------------------------------------------------------------

std::optional<std::string> validate(const Instruction& inst) {
  if (static_cast<size_t>(inst.opcode) >= kOpcodeCount) return std::string("opcode out of range");
  const InstructionInfo& row = info(inst.opcode);
  std::string who = "'" + std::string(row.mnemonic) + "'";
  std::array<bool, kSlotCount> used{};
  for (const FieldSpec& f : row.fields) {
    used[static_cast<size_t>(f.slot)] = true;
    const int64_t v = get_slot(inst, f.slot);
    if (f.kind == FieldKind::kReg && (v < 0 || v > 31)) {
      return who + " " + std::string(f.name) + ": register x" + std::to_string(v) +
             " does not exist";
    }
    if (v < f.min_value() || v > f.max_value()) {
      return who + " " + std::string(f.name) + ": " + std::to_string(v) + " is out of range " +
             std::to_string(f.min_value()) + ".." + std::to_string(f.max_value());
    }
    const std::string problem = bad_field_value(f, static_cast<uint64_t>(v));
    if (!problem.empty()) return who.append(" ").append(problem);
  }
  const int arity = row.dtype_arity();
  if (arity == 1) used[static_cast<size_t>(Slot::kSrcDtype)] = true;
  if (arity > 0) {
    const DataType src = arity == 1 ? inst.dtype : inst.src_dtype;
    if (!row.allows(inst.dtype, src)) {
      return who + " does not support data type " + type_suffixes(row, inst.dtype, src);
    }
  }
  for (size_t s = 0; s < kSlotCount; ++s) {
    if (!used[s] && get_slot(inst, static_cast<Slot>(s)) != 0) {
      return who + " has no operand in slot " + std::to_string(s) + ", but it is set";
    }
  }
  return std::nullopt;
}

uint64_t encode(const Instruction& inst) {
  const std::optional<std::string> problem = validate(inst);
  NPU_CHECK(!problem.has_value(), "encode: " + problem.value_or(""));
  const InstructionInfo& row = info(inst.opcode);
  uint64_t word = row.major;
  for (const FieldSpec& f : row.fields) {
    word |= (static_cast<uint64_t>(get_slot(inst, f.slot)) & f.mask()) << f.lo;
  }
  return word;
}

Pipe execution_pipe(const Instruction& inst) {
  const InstructionInfo& row = info(inst.opcode);
  switch (row.pipe_source) {
    case PipeSource::kFixed:
      return row.pipe;
    case PipeSource::kPipeField:
      return inst.pipe;
    case PipeSource::kDstPipeField:
      return inst.dst_pipe;
  }
  NPU_UNREACHABLE("bad pipe source");
}

}  // namespace npu::isa
