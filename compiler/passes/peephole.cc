// Peephole clean-up of generated assembly (see peephole.h).
#include "compiler/passes/peephole.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "isa/instruction.h"

namespace npu::compiler {
namespace {

// One line of assembly: an instruction (mnemonic and operands), a label or anything else
// (directives), kept verbatim.
struct Line {
  std::string text;
  std::string mnemonic;               // empty unless an instruction
  std::vector<std::string> operands;  // split at commas, trimmed
  std::string label;                  // "L3" for "L3:"
  bool removed = false;
};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Line parse_line(const std::string& text) {
  Line l;
  l.text = text;
  std::string t = trim(text);
  if (t.empty() || t[0] == '.' || t[0] == '#') return l;
  if (t.back() == ':' && t.find(' ') == std::string::npos) {
    l.label = t.substr(0, t.size() - 1);
    return l;
  }
  size_t space = t.find(' ');
  l.mnemonic = t.substr(0, space);
  if (space == std::string::npos) return l;
  std::stringstream rest(t.substr(space + 1));
  for (std::string op; std::getline(rest, op, ',');) l.operands.push_back(trim(op));
  return l;
}

// Registers named anywhere in the operands ("x5", "0(x1)").
std::set<std::string> registers_named(const Line& l) {
  std::set<std::string> out;
  for (const std::string& op : l.operands)
    for (size_t i = 0; i < op.size(); ++i) {
      if (op[i] != 'x' || (i > 0 && std::isalnum(static_cast<unsigned char>(op[i - 1])))) continue;
      size_t j = i + 1;
      while (j < op.size() && std::isdigit(static_cast<unsigned char>(op[j]))) ++j;
      if (j > i + 1) out.insert(op.substr(i, j - i));
    }
  return out;
}

// Whether the instruction may write a register (pseudo-instructions other than li: yes).
bool writes_registers(const Line& l) {
  const isa::InstructionInfo* info = isa::find_mnemonic(l.mnemonic.substr(0, l.mnemonic.find('.')));
  if (!info) return l.mnemonic != "j";
  for (const isa::FieldSpec& f : info->fields)
    if (f.kind == isa::FieldKind::kReg && f.written) return true;
  return false;
}

bool is_flag(const Line& l) { return l.mnemonic == "set_flag" || l.mnemonic == "wait_flag"; }

// The pipe a flag instruction runs in: the source of a set, the destination of a wait.
const std::string& flag_pipe(const Line& l) {
  return l.mnemonic == "set_flag" ? l.operands.at(0) : l.operands.at(1);
}

void remove_redundant_loads(std::vector<Line>& lines, PeepholeCounts& counts) {
  std::map<std::string, std::string> holds;  // register -> value loaded by li
  for (Line& l : lines) {
    if (!l.label.empty()) holds.clear();
    if (l.mnemonic.empty()) continue;
    if (l.mnemonic == "li" && l.operands.size() == 2) {
      auto it = holds.find(l.operands[0]);
      if (it != holds.end() && it->second == l.operands[1]) {
        l.removed = true;
        ++counts.loads;
      } else {
        holds[l.operands[0]] = l.operands[1];
      }
      continue;
    }
    if (l.mnemonic == "addi" && l.operands.size() == 3 && l.operands[0] == l.operands[1] &&
        l.operands[2] == "0") {
      l.removed = true;
      ++counts.adds;
      continue;
    }
    if (writes_registers(l))
      for (const std::string& r : registers_named(l)) holds.erase(r);
  }
}

void remove_jumps_to_next(std::vector<Line>& lines, PeepholeCounts& counts) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].mnemonic != "j" || lines[i].operands.size() != 1) continue;
    for (size_t j = i + 1; j < lines.size() && lines[j].mnemonic.empty(); ++j)
      if (lines[j].label == lines[i].operands[0]) {
        lines[i].removed = true;
        ++counts.jumps;
        break;
      }
  }
}

// Within [begin, end), a run of flag instructions only.
void remove_redundant_flag_pairs(std::vector<Line>& lines, size_t begin, size_t end,
                                 PeepholeCounts& counts) {
  auto key = [&](size_t i) {
    return lines[i].operands.at(0) + "," + lines[i].operands.at(1) + "," + lines[i].operands.at(2);
  };
  auto uses = [&](const std::string& k) {
    std::vector<size_t> at;
    for (size_t i = begin; i < end; ++i)
      if (!lines[i].removed && key(i) == k) at.push_back(i);
    return at;
  };
  for (size_t a = begin; a < end; ++a) {
    if (lines[a].removed || lines[a].mnemonic != "set_flag") continue;
    std::vector<size_t> first = uses(key(a));
    if (first.size() != 2 || first[0] != a || lines[first[1]].mnemonic != "wait_flag") continue;
    const std::string& p = lines[a].operands[0];
    const std::string& q = lines[a].operands[1];
    // The next set of P (nothing else of P before it), paired with a later wait.
    for (size_t b = a + 1; b < end; ++b) {
      if (lines[b].removed) continue;
      if (flag_pipe(lines[b]) != p) continue;
      if (lines[b].mnemonic != "set_flag" || lines[b].operands[1] != q) break;
      std::vector<size_t> second = uses(key(b));
      if (second.size() == 2 && second[0] == b && lines[second[1]].mnemonic == "wait_flag" &&
          second[1] > first[1]) {
        lines[b].removed = lines[second[1]].removed = true;
        ++counts.flag_pairs;
        continue;
      }
      break;
    }
  }
}

}  // namespace

std::string remove_redundant_instructions(const std::string& assembly, PeepholeCounts* counts) {
  std::vector<Line> lines;
  std::stringstream in(assembly);
  for (std::string text; std::getline(in, text);) lines.push_back(parse_line(text));
  PeepholeCounts local;
  PeepholeCounts& c = counts ? *counts : local;
  remove_redundant_loads(lines, c);
  remove_jumps_to_next(lines, c);
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    while (j < lines.size() && is_flag(lines[j]) && lines[j].operands.size() == 3) ++j;
    if (j > i + 1) remove_redundant_flag_pairs(lines, i, j, c);
    i = std::max(j, i + 1);
  }
  std::string out;
  for (const Line& l : lines)
    if (!l.removed) out += l.text + "\n";
  return out;
}

}  // namespace npu::compiler
