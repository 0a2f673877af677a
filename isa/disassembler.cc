// The disassembler: walks the table row of each instruction and prints its fields in assembly
// order; then lays out kernels, labels and data so the text re-assembles to the same binary.
#include "isa/disassembler.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "base/error.h"

namespace npu::isa {
namespace {

std::string hex(uint64_t value, int digits = 0) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*llx", digits, static_cast<unsigned long long>(value));
  return buffer;
}

std::string operand(const InstructionInfo& row, const FieldSpec& f, const Instruction& inst,
                    uint64_t pc, const LabelLookup& labels) {
  const int64_t v = get_slot(inst, f.slot);
  switch (f.kind) {
    case FieldKind::kReg:
      return "x" + std::to_string(v);
    case FieldKind::kSImm:
      return std::to_string(v);
    case FieldKind::kUImm:
      return f.width >= 16 ? "0x" + hex(static_cast<uint64_t>(v)) : std::to_string(v);
    case FieldKind::kBranch: {
      if (labels) {
        const int64_t target = static_cast<int64_t>(pc) + v * 8;
        if (target >= 0) {
          if (std::optional<std::string> label = labels(static_cast<uint64_t>(target)))
            return *label;
        }
      }
      return std::to_string(v);
    }
    case FieldKind::kPipe:
    case FieldKind::kEnum:
    case FieldKind::kDType:
      return std::string(f.enum_names[static_cast<size_t>(v)]);
    case FieldKind::kEvent:
    case FieldKind::kFlag:
      return std::to_string(v);
  }
  NPU_UNREACHABLE("bad field kind in " + std::string(row.mnemonic));
}

}  // namespace

std::string format_instruction(const Instruction& inst, uint64_t pc, const LabelLookup& labels) {
  const InstructionInfo& row = info(inst.opcode);
  std::string out(row.mnemonic);
  for (const FieldSpec& f : row.fields) {
    if (f.syntax == Syntax::kSuffix) out += "." + operand(row, f, inst, pc, labels);
  }
  bool first = true;
  const auto separator = [&] {
    out += first ? " " : ", ";
    first = false;
  };
  for (size_t i = 0; i < row.fields.size(); ++i) {
    const FieldSpec& f = row.fields[i];
    if (f.syntax == Syntax::kPositional) {
      separator();
      out += operand(row, f, inst, pc, labels);
    } else if (f.syntax == Syntax::kMemOffset) {
      separator();
      const FieldSpec* base = nullptr;
      for (const FieldSpec& b : row.fields) {
        if (b.syntax == Syntax::kMemBase) base = &b;
      }
      NPU_CHECK(base != nullptr, std::string(row.mnemonic) + ": memory offset without a base");
      out += std::to_string(inst.imm) + "(" + operand(row, *base, inst, pc, labels) + ")";
    }
  }
  for (const FieldSpec& f : row.fields) {
    if (f.syntax != Syntax::kNamed || get_slot(inst, f.slot) == 0) continue;
    separator();
    out += std::string(f.name) + "=" + operand(row, f, inst, pc, labels);
  }
  return out;
}

std::string disassemble(const Binary& binary, const DisassemblyOptions& options) {
  // Labels by section and offset, kernel names excepted (".kernel NAME" defines them).
  std::map<uint64_t, std::vector<std::string>> text_labels;
  std::map<uint64_t, std::vector<std::string>> rodata_labels;
  std::map<uint64_t, std::vector<const Kernel*>> kernels;
  for (const Kernel& k : binary.kernels) kernels[k.entry].push_back(&k);
  for (const Symbol& s : binary.symbols) {
    const bool is_kernel = s.section == Section::kText && binary.find_kernel(s.name) != nullptr &&
                           binary.find_kernel(s.name)->entry == s.offset;
    if (is_kernel) continue;
    (s.section == Section::kText ? text_labels : rodata_labels)[s.offset].push_back(s.name);
  }
  const LabelLookup lookup = [&](uint64_t target) -> std::optional<std::string> {
    const auto it = kernels.find(target);
    if (it != kernels.end()) return it->second.front()->name;
    const auto label = text_labels.find(target);
    if (label != text_labels.end()) return label->second.front();
    return std::nullopt;
  };

  std::string out;
  const auto line = [&](const std::string& text) { out += text + "\n"; };
  const auto labels_at = [&](std::map<uint64_t, std::vector<std::string>>& table, uint64_t at) {
    const auto it = table.find(at);
    if (it == table.end()) return;
    for (const std::string& name : it->second) line(name + ":");
  };

  line(".text");
  for (size_t i = 0; i <= binary.code.size(); ++i) {
    const uint64_t pc = i * 8;
    const auto k = kernels.find(pc);
    if (k != kernels.end()) {
      for (const Kernel* kernel : k->second) {
        line(".kernel " + kernel->name);
        for (const KernelArg& a : kernel->args) {
          line(".arg " + a.name + ", " + (a.dtype ? std::string(name(*a.dtype)) : "gm"));
        }
      }
    }
    labels_at(text_labels, pc);
    if (i == binary.code.size()) break;
    std::string text = "    " + format_instruction(decode(binary.code[i]), pc, lookup);
    if (options.show_encoding) {
      text.resize(std::max<size_t>(text.size() + 1, 48), ' ');
      text += "# " + hex(pc, 4) + ": " + hex(binary.code[i], 16);
    }
    line(text);
  }

  if (!binary.rodata.empty() || !rodata_labels.empty()) {
    line(".rodata");
    size_t at = 0;
    while (at <= binary.rodata.size()) {
      labels_at(rodata_labels, at);
      if (at == binary.rodata.size()) break;
      // Up to 16 bytes per line, never across a label.
      const auto next_label = rodata_labels.upper_bound(at);
      size_t end = std::min(binary.rodata.size(), at + 16);
      if (next_label != rodata_labels.end()) end = std::min<size_t>(end, next_label->first);
      std::string text = "    .byte ";
      for (size_t b = at; b < end; ++b) {
        text += (b == at ? "0x" : ", 0x") + hex(binary.rodata[b], 2);
      }
      line(text);
      at = end;
    }
  }
  return out;
}

}  // namespace npu::isa
