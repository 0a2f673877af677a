// `npusim isa list [--json]`: every instruction of the table with its pipe, fields, summary and
// an example line that assembles. The JSON form is for tools (and lists the packed parameter
// layouts too).
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "isa/docgen.h"
#include "isa/instruction.h"
#include "isa/packed.h"
#include "tools/npusim/commands.h"

namespace npu::cli {
namespace {

std::string timing_text(const isa::InstructionInfo& row) {
  switch (row.timing) {
    case isa::TimingKind::kScalar:
      return "scalar " + std::string(isa::name(row.scalar_class));
    case isa::TimingKind::kVector:
      return "vector " + std::string(isa::name(row.vector_class));
    case isa::TimingKind::kMove:
      return "move " + std::string(isa::name(*row.path));
    default:
      return std::string(isa::name(row.timing));
  }
}

std::string pipe_text(const isa::InstructionInfo& row) {
  switch (row.pipe_source) {
    case isa::PipeSource::kFixed:
      return std::string(isa::name(row.pipe));
    case isa::PipeSource::kPipeField:
      return "from operand " + std::string(row.fields[0].name);
    case isa::PipeSource::kDstPipeField:
      return "from operand dst_pipe";
  }
  return "?";
}

std::vector<std::string> type_names(const isa::InstructionInfo& row) {
  std::vector<std::string> out;
  for (const isa::TypeSig& sig : row.dtypes) {
    out.push_back(std::string(isa::name(sig.dst)) +
                  (row.dtype_arity() == 2 ? "." + std::string(isa::name(sig.src)) : ""));
  }
  return out;
}

std::vector<std::string> buffer_names(uint16_t mask) {
  std::vector<std::string> out;
  for (size_t i = 0; i < isa::enum_count<isa::Buffer>(); ++i) {
    if (((mask >> i) & 1u) != 0) out.emplace_back(isa::name(static_cast<isa::Buffer>(i)));
  }
  return out;
}

std::string bits(uint8_t lo, uint8_t width) {
  return width == 1 ? std::to_string(lo) : fmt::format("{}:{}", lo + width - 1, lo);
}

nlohmann::json field_json(const isa::FieldSpec& f) {
  static constexpr const char* kKinds[] = {"register",
                                           "signed_immediate",
                                           "unsigned_immediate",
                                           "branch_offset",
                                           "pipe",
                                           "event",
                                           "data_type",
                                           "enum",
                                           "flag"};
  static constexpr const char* kSyntax[] = {"positional", "named", "suffix", "memory_offset",
                                            "memory_base"};
  nlohmann::json j = {{"name", f.name},
                      {"kind", kKinds[static_cast<size_t>(f.kind)]},
                      {"bits", {f.lo + f.width - 1, f.lo}},
                      {"syntax", kSyntax[static_cast<size_t>(f.syntax)]},
                      {"doc", f.doc}};
  if (f.kind == isa::FieldKind::kReg) {
    j["written"] = f.written;
    if (f.role == isa::RegRole::kAddress) j["buffer"] = isa::name(f.buffer);
    if (f.role == isa::RegRole::kPacked) j["packed"] = f.packed->name;
  }
  if (f.kind == isa::FieldKind::kPipe || f.kind == isa::FieldKind::kEnum) {
    nlohmann::json values = nlohmann::json::array();
    for (size_t i = 0; i < f.enum_names.size(); ++i) {
      if (((f.allowed >> i) & 1u) != 0) values.push_back(f.enum_names[i]);
    }
    j["values"] = values;
  }
  if (f.kind != isa::FieldKind::kReg && f.kind != isa::FieldKind::kDType) {
    j["min"] = f.min_value();
    j["max"] = f.max_value();
  }
  return j;
}

nlohmann::json list_json() {
  nlohmann::json instructions = nlohmann::json::array();
  for (const isa::InstructionInfo& row : isa::instruction_table()) {
    nlohmann::json timing = {{"kind", isa::name(row.timing)}};
    if (row.timing == isa::TimingKind::kScalar) timing["class"] = isa::name(row.scalar_class);
    if (row.timing == isa::TimingKind::kVector) timing["class"] = isa::name(row.vector_class);
    if (row.path) timing["path"] = isa::name(*row.path);
    nlohmann::json fields = nlohmann::json::array();
    for (const isa::FieldSpec& f : row.fields) fields.push_back(field_json(f));
    nlohmann::json j = {{"mnemonic", row.mnemonic},
                        {"opcode", row.major},
                        {"format", isa::format_name(row.format)},
                        {"pipe", pipe_text(row)},
                        {"timing", timing},
                        {"data_types", type_names(row)},
                        {"reads", buffer_names(row.reads)},
                        {"writes", buffer_names(row.writes)},
                        {"fields", fields},
                        {"syntax", isa::syntax(row)},
                        {"summary", row.summary},
                        {"example", row.example}};
    const std::string named = isa::named_form_syntax(row);
    if (!named.empty()) j["named_form"] = named;
    instructions.push_back(j);
  }
  nlohmann::json layouts = nlohmann::json::array();
  for (const isa::PackedLayout* layout : isa::all_packed_layouts()) {
    nlohmann::json fields = nlohmann::json::array();
    for (const isa::PackedField& f : layout->fields) {
      fields.push_back({{"name", f.name},
                        {"bits", {f.lo + f.width - 1, f.lo}},
                        {"min", f.min},
                        {"max", f.max},
                        {"default", f.default_value},
                        {"required", f.required},
                        {"unit", f.unit},
                        {"doc", f.doc}});
    }
    layouts.push_back({{"name", layout->name}, {"doc", layout->doc}, {"fields", fields}});
  }
  return {{"isa_version", isa::kIsaVersion},
          {"instructions", instructions},
          {"packed_layouts", layouts}};
}

void print_list() {
  for (const isa::InstructionInfo& row : isa::instruction_table()) {
    const std::vector<std::string> types = type_names(row);
    fmt::print("{}  (pipe {}, {}{})\n", row.mnemonic, pipe_text(row), timing_text(row),
               types.empty() ? "" : ", ." + fmt::format("{}", fmt::join(types, " .")));
    fmt::print("  syntax:  {}\n", isa::syntax(row));
    std::string fields;
    for (const isa::FieldSpec& f : row.fields) {
      fields += fmt::format("{}{}[{}]", fields.empty() ? "" : " ", f.name, bits(f.lo, f.width));
    }
    fmt::print("  fields:  opcode[7:0]=0x{:02x}{}{}\n", row.major, fields.empty() ? "" : " ",
               fields);
    fmt::print("  does:    {}\n", row.summary);
    fmt::print("  example: {}\n", row.example);
  }
}

}  // namespace

void add_isa_command(CLI::App& app) {
  CLI::App* isa = app.add_subcommand("isa", "Inspect the instruction set");
  isa->require_subcommand(1);
  auto* list = isa->add_subcommand(
      "list", "List every instruction: pipe, syntax, fields, summary and an example");
  static bool json = false;
  list->add_flag("--json", json, "Machine-readable output, with the packed parameter layouts");
  list->callback([] {
    if (json) {
      fmt::print("{}\n", list_json().dump(2));
    } else {
      print_list();
    }
  });
}

}  // namespace npu::cli
