// Renders the instruction table into Markdown (docs/isa.md blocks) and SystemVerilog
// (rtl/generated/npu_isa_pkg.sv). Output is deterministic: same table, same bytes.
#include "isa/docgen.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <vector>

#include "base/error.h"
#include "isa/npubin.h"

namespace npu::isa {
namespace {

constexpr std::string_view kBlocks[] = {"enums",  "formats",   "summary",
                                        "packed", "reference", "npubin"};

std::string hex(uint64_t value, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%0*llx", digits, static_cast<unsigned long long>(value));
  return buffer;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Markdown table cells may not contain a bare '|'.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string bits(uint8_t lo, uint8_t width) {
  if (width == 1) return std::to_string(lo);
  return std::to_string(lo + width - 1) + ":" + std::to_string(lo);
}

std::string buffers(uint16_t mask) {
  std::string out;
  for (size_t i = 0; i < enum_count<Buffer>(); ++i) {
    if (((mask >> i) & 1u) == 0) continue;
    if (!out.empty()) out += ", ";
    out += upper(name(static_cast<Buffer>(i)));
  }
  return out.empty() ? "-" : out;
}

std::string timing(const InstructionInfo& row) {
  switch (row.timing) {
    case TimingKind::kScalar:
      return "scalar " + std::string(name(row.scalar_class));
    case TimingKind::kVector:
      return "vector " + std::string(name(row.vector_class));
    case TimingKind::kCube:
      return "cube";
    case TimingKind::kMove:
      return "move " + std::string(name(*row.path));
    case TimingKind::kControl:
      return "control";
    case TimingKind::kSync:
      return "sync";
  }
  NPU_UNREACHABLE("bad timing kind");
}

std::string pipe_text(const InstructionInfo& row) {
  switch (row.pipe_source) {
    case PipeSource::kFixed:
      return upper(name(row.pipe));
    case PipeSource::kPipeField:
      return "operand `" + std::string(row.fields[0].name) + "`";
    case PipeSource::kDstPipeField:
      return "operand `dst_pipe`";
  }
  NPU_UNREACHABLE("bad pipe source");
}

std::string dtypes_text(const InstructionInfo& row) {
  std::string out;
  for (const TypeSig& sig : row.dtypes) {
    if (!out.empty()) out += " ";
    out += "." + std::string(name(sig.dst));
    if (row.dtype_arity() == 2) out += "." + std::string(name(sig.src));
  }
  return out.empty() ? "-" : out;
}

std::string kind_text(const FieldSpec& f) {
  switch (f.kind) {
    case FieldKind::kReg: {
      std::string out = f.written ? "register, written" : "register, read";
      if (f.role == RegRole::kAddress) out += ": " + upper(name(f.buffer)) + " address";
      if (f.role == RegRole::kPacked) out += ": `" + std::string(f.packed->name) + "` word";
      return out;
    }
    case FieldKind::kSImm:
      return "signed immediate";
    case FieldKind::kUImm:
      return "unsigned immediate";
    case FieldKind::kBranch:
      return "signed offset, instructions";
    case FieldKind::kPipe:
    case FieldKind::kEnum: {
      std::string out = std::string(f.enum_what) + ": ";
      bool first = true;
      for (size_t i = 0; i < f.enum_names.size(); ++i) {
        if (((f.allowed >> i) & 1u) == 0) continue;
        out += (first ? "" : ", ") + std::string(f.enum_names[i]) + "=" + std::to_string(i);
        first = false;
      }
      return out;
    }
    case FieldKind::kEvent:
      return "unsigned id";
    case FieldKind::kFlag:
      return "flag 0 / 1";
    case FieldKind::kDType:
      return "data type (mnemonic suffix)";
  }
  NPU_UNREACHABLE("bad field kind");
}

std::string block_enums() {
  std::string out;
  const auto table = [&]<typename E>(std::string_view title, E, std::string_view note) {
    out += "**" + std::string(title) + "**";
    if (!note.empty()) out += " " + std::string(note);
    out += "\n\n| code | name |\n|---|---|\n";
    for (size_t i = 0; i < enum_count<E>(); ++i) {
      out += "| " + std::to_string(i) + " | `" + std::string(EnumTraits<E>::kNames[i]) + "` |\n";
    }
    out += "\n";
  };
  table("Pipes", Pipe{}, "(`all` only in `pipe_barrier`)");
  out +=
      "**Buffers** (addresses in registers are byte offsets inside the buffer; GM addresses "
      "are 64-bit)\n\n| code | name |\n|---|---|\n";
  for (size_t i = 0; i < enum_count<Buffer>(); ++i) {
    out += "| " + std::to_string(i) + " | `" + std::string(name(static_cast<Buffer>(i))) + "` |\n";
  }
  out +=
      "\n**Data types** (mnemonic suffix, long name, element size)\n\n"
      "| code | suffix | name | bytes | C0 (elements per 32 B) |\n|---|---|---|---|---|\n";
  for (size_t i = 0; i < enum_count<DataType>(); ++i) {
    const auto t = static_cast<DataType>(i);
    out += "| " + std::to_string(i) + " | `." + std::string(name(t)) + "` | " +
           std::string(long_name(t)) + " | " + std::to_string(element_size(t)) + " | " +
           std::to_string(c0_elements(t)) + " |\n";
  }
  out +=
      "\n**Data paths** (the chip config has `paths.<name>` for each)\n\n"
      "| code | name | instructions |\n|---|---|---|\n";
  for (size_t i = 0; i < enum_count<DataPath>(); ++i) {
    std::string users;
    for (const InstructionInfo& row : instruction_table()) {
      if (row.path && static_cast<size_t>(*row.path) == i) {
        users += (users.empty() ? "`" : ", `") + std::string(row.mnemonic) + "`";
      }
    }
    out += "| " + std::to_string(i) + " | `" + std::string(name(static_cast<DataPath>(i))) +
           "` | " + users + " |\n";
  }
  out +=
      "\n**Vector timing classes** (the chip config has `vector.<class>.*` for each)\n\n"
      "| code | class | instructions |\n|---|---|---|\n";
  for (size_t i = 0; i < enum_count<VectorClass>(); ++i) {
    std::string users;
    for (const InstructionInfo& row : instruction_table()) {
      if (row.timing == TimingKind::kVector && static_cast<size_t>(row.vector_class) == i) {
        users += (users.empty() ? "`" : ", `") + std::string(row.mnemonic) + "`";
      }
    }
    out += "| " + std::to_string(i) + " | `" + std::string(name(static_cast<VectorClass>(i))) +
           "` | " + users + " |\n";
  }
  out += "\n**Scalar latency classes**\n\n| code | class | instructions |\n|---|---|---|\n";
  for (size_t i = 0; i < enum_count<ScalarClass>(); ++i) {
    std::string users;
    for (const InstructionInfo& row : instruction_table()) {
      if (row.timing == TimingKind::kScalar && static_cast<size_t>(row.scalar_class) == i) {
        users += (users.empty() ? "`" : ", `") + std::string(row.mnemonic) + "`";
      }
    }
    out += "| " + std::to_string(i) + " | `" + std::string(name(static_cast<ScalarClass>(i))) +
           "` | " + users + " |\n";
  }
  out += "\n";
  table("Rounding modes", RoundMode{}, "(`vconv` field `round`)");
  table("Comparisons", CompareMode{}, "(`vcmp`, `vcmps` operand `cond`)");
  table("Mask modes", MaskMode{}, "(`set_mask_mode`)");
  table("Special registers", SpecialReg{}, "(`rdsr`)");
  table("Core types", CoreType{}, "(value of the `core_type` special register)");
  table("Cross-core modes", CrossCoreMode{}, "(`cross_core_set_flag` operand `mode`)");
  table("Fixpipe layouts", FixLayout{}, "(`fix_*` field `layout`)");
  table("mmad init", MmadInit{}, "(`mmad` parameter field `init`)");
  table("Kernel argument kinds", ArgKind{}, "(.npubin argument table)");
  out.pop_back();
  return out;
}

std::string block_formats() {
  std::string out =
      "Bits 7:0 of every instruction hold the major opcode. Every bit not covered by a field of "
      "the instruction is reserved and must be 0; the decoder rejects the word otherwise.\n\n"
      "| format | fields (bits) |\n|---|---|\n";
  constexpr Format kFormats[] = {Format::kR,  Format::kI,    Format::kSh, Format::kU,  Format::kLd,
                                 Format::kSt, Format::kB,    Format::kJ,  Format::kJr, Format::kSr,
                                 Format::kN,  Format::kSync, Format::kX};
  constexpr std::string_view kSlotNames[] = {
      "rd",       "rs1",   "rs2",  "rs3",  "rs4",    "rs5",    "imm",   "pipe",
      "dst_pipe", "event", "mode", "relu", "layout", "atomic", "dtype", "src_dtype"};
  for (Format f : kFormats) {
    std::vector<std::pair<BitRange, std::string_view>> fields;
    for (size_t s = 0; s < kSlotCount; ++s) {
      if (const std::optional<BitRange> r = format_layout(f, static_cast<Slot>(s))) {
        fields.emplace_back(*r, kSlotNames[s]);
      }
    }
    std::sort(fields.begin(), fields.end(),
              [](const auto& a, const auto& b) { return a.first.lo > b.first.lo; });
    std::string text;
    for (const auto& [range, slot] : fields) {
      text +=
          (text.empty() ? "" : ", ") + std::string(slot) + " [" + bits(range.lo, range.width) + "]";
    }
    out += "| " + std::string(format_name(f)) + " | " + (text.empty() ? "none" : text) +
           ", opcode [7:0] |\n";
  }
  out.pop_back();
  return out;
}

std::string block_summary() {
  std::string out = std::to_string(instruction_table().size()) +
                    " instructions.\n\n| mnemonic | opcode | pipe | format | timing | data types | "
                    "what it does |\n|---|---|---|---|---|---|---|\n";
  for (const InstructionInfo& row : instruction_table()) {
    out += "| [`" + std::string(row.mnemonic) + "`](#" + std::string(row.mnemonic) + ") | " +
           hex(row.major, 2) + " | " + pipe_text(row) + " | " +
           std::string(format_name(row.format)) + " | " + timing(row) + " | " + dtypes_text(row) +
           " | " + cell(row.summary) + " |\n";
  }
  out.pop_back();
  return out;
}

std::string block_packed() {
  std::string out;
  for (const PackedLayout* layout : all_packed_layouts()) {
    out += "#### `" + std::string(layout->name) + "` word: " + std::string(layout->doc) + "\n\n";
    std::string users;
    for (const InstructionInfo& row : instruction_table()) {
      for (const FieldSpec& f : row.fields) {
        if (f.packed == layout) {
          users += (users.empty() ? "`" : ", `") + std::string(row.mnemonic) + "` " +
                   std::string(f.name);
        }
      }
    }
    out += "Used by: " + users + ". C++: struct `" + std::string(layout->cpp_type) + "`, `pack_" +
           std::string(layout->helper) + "()` / `unpack_" + std::string(layout->helper) +
           "()` in `isa/packed.h`.\n\n";
    out += "| bits | field | range | default | unit | meaning |\n|---|---|---|---|---|---|\n";
    for (const PackedField& f : layout->fields) {
      std::string range = std::to_string(f.min) + ".." + std::to_string(f.max);
      if (!f.symbols.empty()) {
        range = "";
        for (size_t i = 0; i < f.symbols.size(); ++i) {
          range += (i > 0 ? ", " : "") + std::string(f.symbols[i]) + "=" + std::to_string(i);
        }
      }
      out += "| " + bits(f.lo, f.width) + " | `" + std::string(f.name) + "` | " + range + " | " +
             (f.required ? "required" : std::to_string(f.default_value)) + " | " +
             std::string(f.unit.empty() ? "-" : f.unit) + " | " + cell(f.doc) + " |\n";
    }
    const uint64_t reserved = layout->reserved_mask();
    out += reserved == 0 ? "\nNo reserved bits.\n\n"
                         : "\nReserved bits (must be 0): mask " + hex(reserved, 16) + ".\n\n";
  }
  out.pop_back();
  out.pop_back();
  return out;
}

std::string block_reference() {
  std::string out;
  for (const InstructionInfo& row : instruction_table()) {
    out += "#### " + std::string(row.mnemonic) + "\n\n";
    out += "`" + syntax(row) + "`";
    const std::string named = named_form_syntax(row);
    if (!named.empty()) out += "  \nnamed-parameter form: `" + named + "`";
    out += "\n\n" + cell(row.summary) + ".\n\n";
    out += "Opcode " + hex(row.major, 2) + ", format " + std::string(format_name(row.format)) +
           ", pipe " + pipe_text(row) + ", timing " + timing(row) + ". Reads " +
           buffers(row.reads) + "; writes " + buffers(row.writes) + ".";
    if (!row.dtypes.empty()) out += " Data types: " + dtypes_text(row) + ".";
    out += "\n\n";
    if (!row.fields.empty()) {
      out += "| field | bits | kind | meaning |\n|---|---|---|---|\n";
      for (const FieldSpec& f : row.fields) {
        std::string meaning(f.doc);
        if (f.syntax == Syntax::kNamed)
          meaning += " (optional `" + std::string(f.name) + "=`, default 0)";
        out += "| " + std::string(f.name) + " | " + bits(f.lo, f.width) + " | " +
               cell(kind_text(f)) + " | " + cell(meaning) + " |\n";
      }
      out += "\n";
    }
    out += "Example: `" + std::string(row.example) + "`\n\n";
  }
  out.pop_back();
  out.pop_back();
  return out;
}

std::string block_npubin() {
  std::string out = "| bytes | field | contents |\n|---|---|---|\n";
  for (const HeaderField& f : npubin_header_fields()) {
    out += "| " + std::to_string(f.offset) + ".." + std::to_string(f.offset + f.size - 1) + " | `" +
           std::string(f.name) + "` | " + cell(f.doc) + " |\n";
  }
  out.pop_back();
  return out;
}

std::string begin_marker(std::string_view block) {
  return "<!-- BEGIN GENERATED: " + std::string(block) +
         " (npu_isa_gen from isa/instruction_table.cc; do not edit) -->";
}

std::string end_marker(std::string_view block) {
  return "<!-- END GENERATED: " + std::string(block) + " -->";
}

// A field name as a SystemVerilog identifier: keywords get a trailing '_' (repeat -> repeat_).
std::string sv_name(std::string_view field) {
  constexpr std::string_view kKeywords[] = {"repeat", "begin", "end",   "input",   "output", "type",
                                            "wait",   "event", "table", "default", "case"};
  for (std::string_view k : kKeywords) {
    if (k == field) return std::string(field) + "_";
  }
  return std::string(field);
}

std::string sv_enum(std::string_view type, std::string_view prefix, int width,
                    std::span<const std::string_view> names) {
  std::string out = "  typedef enum logic [" + std::to_string(width - 1) + ":0] {\n";
  for (size_t i = 0; i < names.size(); ++i) {
    out += "    " + std::string(prefix) + upper(names[i]) + " = " + std::to_string(width) + "'d" +
           std::to_string(i) + (i + 1 < names.size() ? ",\n" : "\n");
  }
  return out + "  } " + std::string(type) + ";\n\n";
}

}  // namespace

std::string syntax(const InstructionInfo& row) {
  std::string out(row.mnemonic);
  const int arity = row.dtype_arity();
  if (arity >= 1) out += arity == 2 ? ".<dst_type>.<src_type>" : ".<type>";
  bool first = true;
  for (const FieldSpec& f : row.fields) {
    if (f.syntax == Syntax::kPositional || f.syntax == Syntax::kMemOffset) {
      out += first ? " " : ", ";
      first = false;
      out += f.syntax == Syntax::kMemOffset ? "offset(base)" : std::string(f.name);
    }
  }
  for (const FieldSpec& f : row.fields) {
    if (f.syntax != Syntax::kNamed) continue;
    out += first ? " " : ", ";
    first = false;
    out += "[" + std::string(f.name) + "=...]";
  }
  return out;
}

std::string named_form_syntax(const InstructionInfo& row) {
  std::string out(row.mnemonic);
  const int arity = row.dtype_arity();
  if (arity >= 1) out += arity == 2 ? ".<dst_type>.<src_type>" : ".<type>";
  bool first = true;
  bool any_packed = false;
  std::string packed_fields;
  for (const FieldSpec& f : row.fields) {
    if (f.syntax != Syntax::kPositional) continue;
    if (f.role == RegRole::kPacked) {
      any_packed = true;
      for (const PackedField& pf : f.packed->fields) {
        packed_fields += ", " + std::string(pf.required ? "" : "[") + std::string(pf.name) +
                         "=..." + (pf.required ? "" : "]");
      }
      continue;
    }
    out += first ? " " : ", ";
    first = false;
    out += std::string(f.name);
  }
  if (!any_packed) return {};
  out += packed_fields;
  for (const FieldSpec& f : row.fields) {
    if (f.syntax == Syntax::kNamed) out += ", [" + std::string(f.name) + "=...]";
  }
  return out;
}

std::span<const std::string_view> doc_block_names() { return kBlocks; }

std::string render_doc_block(std::string_view block) {
  if (block == "enums") return block_enums();
  if (block == "formats") return block_formats();
  if (block == "summary") return block_summary();
  if (block == "packed") return block_packed();
  if (block == "reference") return block_reference();
  if (block == "npubin") return block_npubin();
  NPU_UNREACHABLE("unknown doc block " + std::string(block));
}

std::string update_doc(std::string_view doc) {
  std::string out(doc);
  for (std::string_view block : kBlocks) {
    const std::string begin = begin_marker(block);
    const std::string end = end_marker(block);
    const size_t b = out.find(begin);
    const size_t e = out.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b) {
      throw UserError("docs/isa.md: the generated block '" + std::string(block) +
                      "' needs the lines\n" + begin + "\n" + end);
    }
    const size_t inside = b + begin.size();
    out.replace(inside, e - inside, "\n" + render_doc_block(block) + "\n");
  }
  return out;
}

std::string render_sv_package() {
  std::string out =
      "// Generated by npu_isa_gen from isa/instruction_table.cc (the instruction table); do not "
      "edit.\n"
      "// Regenerate with `npu_isa_gen --write`; a test fails when this file is out of date.\n"
      "//\n"
      "// The ISA for RTL blocks: opcodes, field positions of every format, the enumerations and\n"
      "// the packed parameter words, bit for bit as docs/isa.md describes them.\n"
      "package npu_isa_pkg;\n\n"
      "  // A package exports constants for its importers, each of which uses only some of them.\n"
      "  /* verilator lint_off UNUSEDPARAM */\n\n"
      "  parameter int unsigned ISA_VERSION = " +
      std::to_string(kIsaVersion) + ";\n\n";

  out += "  // Major opcodes, bits [7:0] of every instruction.\n";
  out += "  typedef enum logic [7:0] {\n";
  const std::span<const InstructionInfo> rows = instruction_table();
  for (size_t i = 0; i < rows.size(); ++i) {
    char value[8];
    std::snprintf(value, sizeof value, "%02x", rows[i].major);
    out += "    OP_" + upper(rows[i].mnemonic) + " = 8'h" + value +
           (i + 1 < rows.size() ? ",\n" : "\n");
  }
  out += "  } opcode_e;\n\n";

  out += sv_enum("pipe_e", "PIPE_", 3, EnumTraits<Pipe>::kNames);
  out += sv_enum("buffer_e", "BUF_", 4, EnumTraits<Buffer>::kNames);
  out += sv_enum("dtype_e", "DT_", 3, EnumTraits<DataType>::kNames);
  out += sv_enum("data_path_e", "PATH_", 4, EnumTraits<DataPath>::kNames);
  out += sv_enum("round_mode_e", "RND_", 4, EnumTraits<RoundMode>::kNames);
  out += sv_enum("compare_e", "CMP_", 4, EnumTraits<CompareMode>::kNames);
  out += sv_enum("mask_mode_e", "MASK_", 4, EnumTraits<MaskMode>::kNames);
  out += sv_enum("sreg_e", "SREG_", 8, EnumTraits<SpecialReg>::kNames);
  out += sv_enum("core_type_e", "CORE_", 2, EnumTraits<CoreType>::kNames);
  out += sv_enum("cross_core_mode_e", "CC_", 2, EnumTraits<CrossCoreMode>::kNames);
  out += sv_enum("fix_layout_e", "LAYOUT_", 1, EnumTraits<FixLayout>::kNames);
  out += sv_enum("mmad_init_e", "INIT_", 2, EnumTraits<MmadInit>::kNames);

  out += "  // Field positions: <FORMAT>_<FIELD>_LSB and _W.\n";
  constexpr std::pair<Format, std::string_view> kFormats[] = {
      {Format::kR, "R"},   {Format::kI, "I"},   {Format::kSh, "SH"},     {Format::kU, "U"},
      {Format::kLd, "LD"}, {Format::kSt, "ST"}, {Format::kB, "B"},       {Format::kJ, "J"},
      {Format::kJr, "JR"}, {Format::kSr, "SR"}, {Format::kSync, "SYNC"}, {Format::kX, "X"}};
  constexpr std::string_view kSlotNames[] = {
      "RD",       "RS1",   "RS2",  "RS3",  "RS4",    "RS5",    "IMM",   "PIPE",
      "DST_PIPE", "EVENT", "MODE", "RELU", "LAYOUT", "ATOMIC", "DTYPE", "SRC_DTYPE"};
  for (const auto& [format, fname] : kFormats) {
    for (size_t s = 0; s < kSlotCount; ++s) {
      if (const std::optional<BitRange> r = format_layout(format, static_cast<Slot>(s))) {
        const std::string base =
            "  localparam int unsigned " + std::string(fname) + "_" + std::string(kSlotNames[s]);
        out += base + "_LSB = " + std::to_string(r->lo) + ";\n";
        out += base + "_W = " + std::to_string(r->width) + ";\n";
      }
    }
  }
  out +=
      "\n  // Packed parameter words (registers read by heavy instructions). Members named like a\n"
      "  // SystemVerilog keyword carry a trailing '_' (repeat_).\n";
  for (const PackedLayout* layout : all_packed_layouts()) {
    std::vector<const PackedField*> fields;
    for (const PackedField& f : layout->fields) fields.push_back(&f);
    std::sort(fields.begin(), fields.end(),
              [](const PackedField* a, const PackedField* b) { return a->lo > b->lo; });
    out += "  typedef struct packed {\n";
    int next = 64;  // the bit above the next field to place, MSB first
    const auto reserved = [&](int lo) {
      if (next > lo) {
        out += "    logic [" + std::to_string(next - 1) + ":" + std::to_string(lo) + "] reserved_" +
               std::to_string(lo) + ";\n";
      }
    };
    for (const PackedField* f : fields) {
      reserved(f->lo + f->width);
      out += "    logic [" + std::to_string(f->width - 1) + ":0] " + sv_name(f->name) + ";\n";
      next = f->lo;
    }
    reserved(0);
    out += "  } " + std::string(layout->name) + "_params_t;\n\n";
  }

  out +=
      "  // The pipe that runs each opcode (PIPE_S for the synchronisation instructions, whose\n"
      "  // pipe comes from an operand).\n";
  out += "  function automatic pipe_e opcode_pipe(opcode_e op);\n    unique case (op)\n";
  for (const InstructionInfo& row : rows) {
    out += "      OP_" + upper(row.mnemonic) + ": return PIPE_" + upper(name(row.pipe)) + ";\n";
  }
  out +=
      "      default: return PIPE_S;\n    endcase\n  endfunction\n\n"
      "  /* verilator lint_on UNUSEDPARAM */\n\nendpackage\n";
  return out;
}

}  // namespace npu::isa
