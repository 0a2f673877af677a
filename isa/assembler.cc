// The assembler. One pass over the lines parses every statement, emits instructions and data
// and records labels; a second pass resolves label references. A problem in a statement is
// recorded with its line and column and the statement is skipped, so one run reports every
// error of the file.
#include "isa/assembler.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>
#include <vector>

#include "base/error.h"
#include "isa/instruction.h"

namespace npu::isa {
namespace {

__extension__ typedef __int128 Int128;

// A problem inside one statement; the statement is abandoned.
struct StatementError {
  uint32_t col;
  std::string message;
};

[[noreturn]] void fail(uint32_t col, std::string message) {
  throw StatementError{col, std::move(message)};
}

std::string quote(std::string_view text) { return "'" + std::string(text) + "'"; }

// ---- Lexer ----------------------------------------------------------------------------------

enum class TokKind { kIdent, kNumber, kString, kPunct };

struct Token {
  TokKind kind;
  std::string text;  // strings: the decoded value
  uint32_t col;      // 1-based column of the first character
  uint32_t end_col;  // column just past the last character
};

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
}
bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
}
bool digit(char c) { return c >= '0' && c <= '9'; }

std::string printable(char c) {
  if (std::isprint(static_cast<unsigned char>(c)) != 0) return std::string(1, c);
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(c));
  return buffer;
}

std::vector<Token> lex(std::string_view line) {
  std::vector<Token> tokens;
  size_t i = 0;
  const auto col = [](size_t index) { return static_cast<uint32_t>(index + 1); };
  while (i < line.size()) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '#' || (c == '/' && i + 1 < line.size() && line[i + 1] == '/')) {
      break;
    } else if (c == '"') {
      const size_t start = i++;
      std::string value;
      bool closed = false;
      while (i < line.size()) {
        const char s = line[i];
        if (s == '"') {
          closed = true;
          ++i;
          break;
        }
        if (s != '\\') {
          value += s;
          ++i;
          continue;
        }
        if (i + 1 >= line.size()) break;
        const char e = line[i + 1];
        i += 2;
        switch (e) {
          case 'n':
            value += '\n';
            break;
          case 't':
            value += '\t';
            break;
          case 'r':
            value += '\r';
            break;
          case '0':
            value += '\0';
            break;
          case '\\':
            value += '\\';
            break;
          case '"':
            value += '"';
            break;
          case 'x': {
            int v = 0;
            int n = 0;
            while (n < 2 && i < line.size() &&
                   std::isxdigit(static_cast<unsigned char>(line[i])) != 0) {
              v = v * 16 + (digit(line[i]) ? line[i] - '0' : (std::tolower(line[i]) - 'a' + 10));
              ++i;
              ++n;
            }
            if (n == 0) fail(col(i - 2), "'\\x' needs one or two hex digits");
            value += static_cast<char>(v);
            break;
          }
          default:
            fail(col(i - 2), "unknown escape sequence '\\" + printable(e) + "'");
        }
      }
      if (!closed) fail(col(start), "unterminated string: missing closing '\"'");
      tokens.push_back({TokKind::kString, value, col(start), col(i)});
    } else if (digit(c) || ((c == '-' || c == '+') && i + 1 < line.size() && digit(line[i + 1]))) {
      const size_t start = i++;
      const bool hex = c == '0' && i < line.size() && (line[i] == 'x' || line[i] == 'X');
      while (i < line.size()) {
        // Letters, digits, '_' and '.', and the sign of a floating-point exponent.
        const bool exponent_sign = !hex && (line[i] == '-' || line[i] == '+') &&
                                   (line[i - 1] == 'e' || line[i - 1] == 'E');
        if (!ident_char(line[i]) && !exponent_sign) break;
        ++i;
      }
      tokens.push_back(
          {TokKind::kNumber, std::string(line.substr(start, i - start)), col(start), col(i)});
    } else if (ident_start(c)) {
      const size_t start = i;
      while (i < line.size() && ident_char(line[i])) ++i;
      tokens.push_back(
          {TokKind::kIdent, std::string(line.substr(start, i - start)), col(start), col(i)});
    } else if (c == ',' || c == '(' || c == ')' || c == '=' || c == ':') {
      tokens.push_back({TokKind::kPunct, std::string(1, c), col(i), col(i + 1)});
      ++i;
    } else {
      fail(col(i), "unexpected character '" + printable(c) + "'");
    }
  }
  return tokens;
}

// ---- Numbers --------------------------------------------------------------------------------

// An integer literal: decimal, 0x hex or 0b binary, with an optional sign. Values up to
// 2^64 - 1 in magnitude are representable.
Int128 parse_integer(const Token& t) {
  std::string_view s = t.text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.remove_prefix(2);
  }
  if (s.empty()) fail(t.col, "invalid integer " + quote(t.text));
  Int128 value = 0;
  const auto limit = static_cast<Int128>(UINT64_MAX);
  for (char c : s) {
    int d = -1;
    if (digit(c)) d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0 || d >= base) fail(t.col, "invalid integer " + quote(t.text));
    value = value * base + d;
    if (value > limit) fail(t.col, "integer " + quote(t.text) + " does not fit in 64 bits");
  }
  return negative ? -value : value;
}

std::string to_string(Int128 v) {
  if (v < 0) return "-" + to_string(-v);
  if (v <= static_cast<Int128>(UINT64_MAX)) return std::to_string(static_cast<uint64_t>(v));
  return "(huge)";
}

// ---- Operands -------------------------------------------------------------------------------

struct Operand {
  enum class Kind { kIdent, kNumber, kString, kMem } kind = Kind::kIdent;
  std::string key;  // `key=value` operands; empty for positional ones
  uint32_t key_col = 0;
  Token value;                // ident / number / string; for kMem: the offset (or "0")
  std::optional<Token> base;  // kMem: the base register
  uint32_t col() const { return key.empty() ? value.col : key_col; }
};

bool is_punct(const Token& t, char c) { return t.kind == TokKind::kPunct && t.text[0] == c; }

std::vector<Operand> parse_operands(const std::vector<Token>& tokens, size_t begin) {
  std::vector<Operand> out;
  if (begin >= tokens.size()) return out;
  std::vector<std::vector<const Token*>> groups(1);
  std::vector<const Token*> commas;
  for (size_t i = begin; i < tokens.size(); ++i) {
    if (is_punct(tokens[i], ',')) {
      commas.push_back(&tokens[i]);
      groups.emplace_back();
    } else {
      groups.back().push_back(&tokens[i]);
    }
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    const std::vector<const Token*>& group = groups[g];
    if (group.empty()) {
      if (g < commas.size()) fail(commas[g]->col, "expected an operand before ','");
      fail(commas.back()->col, "expected an operand after ','");
    }
    Operand op;
    size_t i = 0;
    if (group.size() >= 2 && is_punct(*group[1], '=')) {
      if (group[0]->kind != TokKind::kIdent)
        fail(group[0]->col, "expected a field name before '='");
      op.key = group[0]->text;
      op.key_col = group[0]->col;
      if (group.size() == 2) fail(group[1]->col, "expected a value after '='");
      i = 2;
    }
    const Token& first = *group[i];
    if (first.kind == TokKind::kPunct && is_punct(first, '(')) {
      op.kind = Operand::Kind::kMem;
      op.value = {TokKind::kNumber, "0", first.col, first.col};
    } else if (first.kind == TokKind::kPunct) {
      fail(first.col, "unexpected '" + first.text + "'");
    } else {
      op.kind = first.kind == TokKind::kIdent    ? Operand::Kind::kIdent
                : first.kind == TokKind::kNumber ? Operand::Kind::kNumber
                                                 : Operand::Kind::kString;
      op.value = first;
      ++i;
    }
    if (i < group.size() && is_punct(*group[i], '(') && op.key.empty() &&
        (op.kind == Operand::Kind::kNumber || op.kind == Operand::Kind::kMem)) {
      op.kind = Operand::Kind::kMem;
      ++i;
      if (i >= group.size() || group[i]->kind != TokKind::kIdent) {
        fail(i < group.size() ? group[i]->col : group[i - 1]->end_col,
             "expected a base register after '('");
      }
      op.base = *group[i++];
      if (i >= group.size() || !is_punct(*group[i], ')')) {
        fail(i < group.size() ? group[i]->col : group[i - 1]->end_col,
             "expected ')' after the base register");
      }
      ++i;
    }
    if (i < group.size()) {
      if (group[i]->kind == TokKind::kPunct)
        fail(group[i]->col, "unexpected '" + group[i]->text + "'");
      fail(group[i]->col, "expected ',' before " + quote(group[i]->text));
    }
    out.push_back(std::move(op));
  }
  return out;
}

// ---- Field values ---------------------------------------------------------------------------

std::string describe(const Operand& op) {
  if (op.kind == Operand::Kind::kString) return "a string";
  if (op.kind == Operand::Kind::kMem) return "a memory operand";
  return quote(op.value.text);
}

uint8_t parse_register(const Operand& op) {
  const std::string& t = op.value.text;
  if (op.kind == Operand::Kind::kIdent && t.size() >= 2 && t[0] == 'x' &&
      std::all_of(t.begin() + 1, t.end(), digit)) {
    const unsigned long n = t.size() > 3 ? 99 : std::stoul(t.substr(1));
    if (n > 31) fail(op.value.col, "register " + quote(t) + " does not exist (x0..x31)");
    return static_cast<uint8_t>(n);
  }
  fail(op.value.col, "expected a register (x0..x31), got " + describe(op));
}

uint8_t parse_register_token(const Token& t) {
  Operand op;
  op.kind = Operand::Kind::kIdent;
  op.value = t;
  return parse_register(op);
}

Int128 parse_number(const Operand& op, std::string_view what) {
  if (op.kind != Operand::Kind::kNumber) {
    fail(op.value.col, std::string(what) + " must be an integer, got " + describe(op));
  }
  return parse_integer(op.value);
}

Int128 parse_in_range(const Operand& op, std::string_view what, Int128 min, Int128 max) {
  const Int128 v = parse_number(op, what);
  if (v < min || v > max) {
    fail(op.value.col, std::string(what) + " " + op.value.text + " is out of range " +
                           to_string(min) + ".." + to_string(max));
  }
  return v;
}

// A symbolic value of `names`, allowed by the mask.
uint32_t parse_symbol(const Operand& op, std::span<const std::string_view> names,
                      std::string_view what, uint32_t allowed, std::string_view mnemonic) {
  std::string choices;
  size_t remaining = 0;
  for (size_t i = 0; i < names.size(); ++i) remaining += (allowed >> i) & 1u;
  for (size_t i = 0; i < names.size(); ++i) {
    if (((allowed >> i) & 1u) == 0) continue;
    --remaining;
    if (!choices.empty()) choices += remaining == 0 ? " or " : ", ";
    choices += names[i];
  }
  if (op.kind != Operand::Kind::kIdent) {
    fail(op.value.col,
         "expected a " + std::string(what) + " (" + choices + "), got " + describe(op));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != op.value.text) continue;
    if (((allowed >> i) & 1u) == 0) {
      fail(op.value.col, std::string(what) + " " + quote(op.value.text) + " is not allowed in " +
                             quote(mnemonic) + " (expected " + choices + ")");
    }
    return static_cast<uint32_t>(i);
  }
  fail(op.value.col,
       "unknown " + std::string(what) + " " + quote(op.value.text) + " (expected " + choices + ")");
}

// ---- The assembler --------------------------------------------------------------------------

struct Label {
  Section section;
  uint32_t offset;
  uint32_t line;
};

// A label reference waiting for pass two.
struct Fixup {
  enum class Kind { kBranch, kRodataOffset } kind;
  size_t index;  // instruction index in code
  std::string label;
  uint32_t line;
  uint32_t col;
};

struct KernelDef {
  Kernel kernel;
  uint32_t line;
  uint32_t col;
};

// A named-parameter value for a packed register field.
struct NamedValue {
  const Operand* op;
  uint64_t value;
};

class Assembler {
 public:
  explicit Assembler(std::string file) : m_file(std::move(file)) {}

  Binary run(std::string_view source) {
    uint32_t line_no = 0;
    size_t pos = 0;
    while (pos <= source.size()) {
      const size_t nl = source.find('\n', pos);
      const size_t end = nl == std::string_view::npos ? source.size() : nl;
      ++line_no;
      statement(source.substr(pos, end - pos), line_no);
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    return finish();
  }

 private:
  void error(uint32_t line, uint32_t col, std::string message) {
    m_diags.error(SourceLocation{m_file, line, col}, std::move(message));
  }

  void statement(std::string_view text, uint32_t line) {
    m_line = line;
    try {
      const std::vector<Token> tokens = lex(text);
      size_t i = 0;
      while (i + 1 < tokens.size() && is_punct(tokens[i + 1], ':')) {
        define_label(tokens[i]);
        i += 2;
      }
      if (i >= tokens.size()) return;
      const Token& head = tokens[i];
      if (head.kind != TokKind::kIdent) {
        fail(head.col,
             "expected an instruction, a directive or a label, got " +
                 quote(head.kind == TokKind::kString ? "\"" + head.text + "\"" : head.text));
      }
      const std::vector<Operand> ops = parse_operands(tokens, i + 1);
      m_end_col = tokens.back().end_col;
      if (head.text[0] == '.') {
        directive(head, ops);
      } else {
        instruction(head, ops);
      }
    } catch (const StatementError& e) {
      error(line, e.col, e.message);
    }
  }

  void define_label(const Token& t) {
    if (t.kind == TokKind::kIdent && !is_valid_name(t.text) && t.text.size() >= 2 &&
        t.text[0] == 'x' && std::all_of(t.text.begin() + 1, t.text.end(), digit)) {
      fail(t.col, quote(t.text) + " is a register name and cannot be a label");
    }
    if (t.kind != TokKind::kIdent || !is_valid_name(t.text)) {
      fail(t.col, "invalid label name " + quote(t.text) +
                      " (expected a letter or '_' followed by letters, digits or '_')");
    }
    const uint32_t offset = current_offset();
    const auto [it, inserted] = m_labels.emplace(t.text, Label{m_section, offset, m_line});
    if (!inserted) {
      fail(t.col, "duplicate label " + quote(t.text) + " (first defined on line " +
                      std::to_string(it->second.line) + ")");
    }
  }

  uint32_t current_offset() const {
    return m_section == Section::kText ? static_cast<uint32_t>(m_code.size() * 8)
                                       : static_cast<uint32_t>(m_rodata.size());
  }

  // ---- Directives ----

  void expect_operands(const Token& head, const std::vector<Operand>& ops, size_t n,
                       std::string_view what) const {
    if (ops.size() < n) {
      fail(m_end_col, quote(head.text) + " expects " + std::string(what) + ", got " +
                          std::to_string(ops.size()) + " operand" + (ops.size() == 1 ? "" : "s"));
    }
    if (ops.size() > n)
      fail(ops[n].col(),
           "unexpected operand after " + std::string(what) + " of " + quote(head.text));
  }

  static void no_keys(const std::vector<Operand>& ops) {
    for (const Operand& op : ops) {
      if (!op.key.empty()) fail(op.key_col, "directives take no named fields");
    }
  }

  void require_rodata(const Token& head) {
    if (m_section != Section::kRodata) {
      fail(head.col, "data directive " + quote(head.text) +
                         " is only allowed in .rodata (instructions live in .text)");
    }
  }

  void directive(const Token& head, const std::vector<Operand>& ops) {
    no_keys(ops);
    const std::string& d = head.text;
    if (d == ".text" || d == ".rodata") {
      expect_operands(head, ops, 0, "no operands");
      m_section = d == ".text" ? Section::kText : Section::kRodata;
    } else if (d == ".kernel") {
      expect_operands(head, ops, 1, "1 operand (the kernel name)");
      kernel(head, ops[0]);
    } else if (d == ".arg") {
      expect_operands(head, ops, 2, "2 operands (name, type)");
      arg(head, ops[0], ops[1]);
    } else if (d == ".byte" || d == ".half" || d == ".word" || d == ".dword") {
      require_rodata(head);
      if (ops.empty()) fail(m_end_col, quote(d) + " expects at least 1 value");
      const int size = d == ".byte" ? 1 : d == ".half" ? 2 : d == ".word" ? 4 : 8;
      const Int128 min = -(static_cast<Int128>(1) << (8 * size - 1));
      const Int128 max = (static_cast<Int128>(1) << (8 * size)) - 1;
      std::vector<uint8_t> bytes;
      for (const Operand& op : ops) {
        const auto v = static_cast<uint64_t>(parse_in_range(op, "value", min, max));
        for (int b = 0; b < size; ++b) bytes.push_back(static_cast<uint8_t>(v >> (8 * b)));
      }
      m_rodata.insert(m_rodata.end(), bytes.begin(), bytes.end());
    } else if (d == ".float") {
      require_rodata(head);
      if (ops.empty()) fail(m_end_col, "'.float' expects at least 1 value");
      std::vector<uint8_t> bytes;
      for (const Operand& op : ops) {
        const uint32_t bits = std::bit_cast<uint32_t>(parse_float(op));
        for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<uint8_t>(bits >> (8 * b)));
      }
      m_rodata.insert(m_rodata.end(), bytes.begin(), bytes.end());
    } else if (d == ".ascii" || d == ".asciz") {
      require_rodata(head);
      if (ops.empty()) fail(m_end_col, quote(d) + " expects at least 1 string");
      std::string bytes;
      for (const Operand& op : ops) {
        if (op.kind != Operand::Kind::kString) {
          fail(op.col(), "expected a string in double quotes, got " + describe(op));
        }
        bytes += op.value.text;
        if (d == ".asciz") bytes += '\0';
      }
      m_rodata.insert(m_rodata.end(), bytes.begin(), bytes.end());
    } else if (d == ".zero") {
      require_rodata(head);
      expect_operands(head, ops, 1, "1 operand (a byte count)");
      const auto n = static_cast<size_t>(parse_in_range(ops[0], "byte count", 0, 1 << 24));
      m_rodata.resize(m_rodata.size() + n, 0);
    } else if (d == ".align") {
      require_rodata(head);
      expect_operands(head, ops, 1, "1 operand (a power of two)");
      const auto n = static_cast<uint64_t>(parse_in_range(ops[0], "alignment", 1, 4096));
      if (!std::has_single_bit(n)) {
        fail(ops[0].col(), "alignment " + ops[0].value.text + " is not a power of two");
      }
      m_rodata.resize((m_rodata.size() + n - 1) / n * n, 0);
    } else {
      fail(head.col, "unknown directive " + quote(d) +
                         " (expected .text, .rodata, .kernel, .arg, .byte, .half, .word, "
                         ".dword, .float, .ascii, .asciz, .zero or .align)");
    }
  }

  static float parse_float(const Operand& op) {
    if (op.kind != Operand::Kind::kNumber) {
      fail(op.col(), "expected a floating-point number, got " + describe(op));
    }
    const std::string& t = op.value.text;
    float value = 0;
    const char* begin = t.data() + (t[0] == '+' ? 1 : 0);
    const auto [ptr, ec] = std::from_chars(begin, t.data() + t.size(), value);
    if (ec != std::errc() || ptr != t.data() + t.size()) {
      fail(op.col(), "invalid floating-point number " + quote(t));
    }
    return value;
  }

  void kernel(const Token& head, const Operand& op) {
    if (m_section != Section::kText) fail(head.col, "'.kernel' is only allowed in .text");
    if (op.kind != Operand::Kind::kIdent || !is_valid_name(op.value.text)) {
      fail(op.col(), "invalid kernel name " + describe(op));
    }
    for (const KernelDef& k : m_kernels) {
      if (k.kernel.name == op.value.text) {
        fail(op.col(), "duplicate kernel " + quote(op.value.text) + " (first defined on line " +
                           std::to_string(k.line) + ")");
      }
    }
    define_label(op.value);
    KernelDef def;
    def.kernel.name = op.value.text;
    def.kernel.entry = current_offset();
    def.line = m_line;
    def.col = head.col;
    m_kernels.push_back(std::move(def));
    m_args_open = true;
  }

  void arg(const Token& head, const Operand& name_op, const Operand& type_op) {
    if (m_kernels.empty()) fail(head.col, "'.arg' outside a kernel: put it after '.kernel NAME'");
    Kernel& k = m_kernels.back().kernel;
    if (!m_args_open) {
      fail(head.col, "'.arg' must come before the first instruction of kernel " + quote(k.name));
    }
    if (name_op.kind != Operand::Kind::kIdent || !is_valid_name(name_op.value.text)) {
      fail(name_op.col(), "invalid argument name " + describe(name_op));
    }
    for (const KernelArg& a : k.args) {
      if (a.name == name_op.value.text) {
        fail(name_op.col(), "duplicate argument " + quote(a.name) + " of kernel " + quote(k.name));
      }
    }
    KernelArg a;
    a.name = name_op.value.text;
    const std::string& type = type_op.value.text;
    const std::string_view kChoices = "gm, s8, u8, s16, s32, s64, f16, bf16 or f32";
    if (type_op.kind != Operand::Kind::kIdent) {
      fail(type_op.col(),
           "expected an argument type (" + std::string(kChoices) + "), got " + describe(type_op));
    }
    if (type == "gm") {
      a.kind = ArgKind::kGmPointer;
    } else if (const std::optional<DataType> t = parse_enum<DataType>(type)) {
      a.kind = is_float(*t) ? ArgKind::kFloat : ArgKind::kInt;
      a.dtype = *t;
    } else {
      fail(type_op.col(),
           "unknown argument type " + quote(type) + " (expected " + std::string(kChoices) + ")");
    }
    k.args.push_back(std::move(a));
  }

  // ---- Instructions ----

  void emit(const Instruction& inst, uint32_t col) {
    if (m_section != Section::kText) {
      fail(col, "instructions are only allowed in .text (the current section is .rodata)");
    }
    const std::optional<std::string> problem = validate(inst);
    NPU_CHECK(!problem.has_value(), "assembler built an invalid instruction: " + *problem);
    m_code.push_back(inst);
    m_args_open = false;
  }

  void fixup(Fixup::Kind kind, const Token& label) {
    m_fixups.push_back({kind, m_code.size() - 1, label.text, m_line, label.col});
  }

  // Branch target: a label (resolved later) or an offset in instructions.
  static void set_target(Instruction& inst, const Operand& op, std::optional<Token>& label) {
    if (op.kind == Operand::Kind::kIdent) {
      if (!is_valid_name(op.value.text)) fail(op.col(), "expected a label, got " + describe(op));
      label = op.value;
      return;
    }
    if (op.kind != Operand::Kind::kNumber) {
      fail(op.col(), "expected a label or an instruction offset, got " + describe(op));
    }
    inst.imm = static_cast<int64_t>(parse_in_range(op, "branch offset", INT32_MIN, INT32_MAX));
  }

  static Instruction make(Opcode opcode) {
    Instruction inst;
    inst.opcode = opcode;
    return inst;
  }

  void count_operands(const Token& head, const std::vector<Operand>& ops, size_t n,
                      std::string_view names) const {
    for (const Operand& op : ops) {
      if (!op.key.empty()) fail(op.key_col, quote(head.text) + " has no named fields");
    }
    if (ops.size() != n) {
      const std::string message = quote(head.text) + " expects " + std::to_string(n) + " operand" +
                                  (n == 1 ? "" : "s") + " (" + std::string(names) + "), got " +
                                  std::to_string(ops.size());
      fail(ops.size() < n ? m_end_col : ops[n].col(), message);
    }
  }

  void li(uint8_t rd, Int128 value, uint32_t col) {
    const auto bits = static_cast<uint64_t>(value);
    const auto v = static_cast<int64_t>(bits);
    if (v >= INT32_MIN && v <= INT32_MAX) {
      Instruction addi = make(Opcode::kAddi);
      addi.rd = rd;
      addi.imm = v;
      emit(addi, col);
      return;
    }
    const auto lo = static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(bits)));
    Instruction lui = make(Opcode::kLui);
    lui.rd = rd;
    lui.imm = static_cast<int64_t>(((bits - static_cast<uint64_t>(lo)) >> 32) & 0xffffffffull);
    emit(lui, col);
    if (lo != 0) {
      Instruction addi = make(Opcode::kAddi);
      addi.rd = rd;
      addi.rs1 = rd;
      addi.imm = lo;
      emit(addi, col);
    }
  }

  // Pseudo-instructions. Returns false if `base` is not one.
  bool pseudo(const Token& head, std::string_view base, const std::vector<Operand>& ops) {
    const uint32_t col = head.col;
    if (base == "li") {
      count_operands(head, ops, 2, "rd, imm");
      const uint8_t rd = parse_register(ops[0]);
      const Int128 v = parse_in_range(ops[1], "immediate", INT64_MIN, static_cast<Int128>(~0ull));
      li(rd, v, col);
    } else if (base == "la") {
      count_operands(head, ops, 2, "rd, symbol");
      const uint8_t rd = parse_register(ops[0]);
      if (ops[1].kind != Operand::Kind::kIdent) {
        fail(ops[1].col(), "expected a .rodata label, got " + describe(ops[1]));
      }
      Instruction rdsr = make(Opcode::kRdsr);
      rdsr.rd = rd;
      rdsr.mode = static_cast<uint8_t>(SpecialReg::kRodataBase);
      emit(rdsr, col);
      Instruction addi = make(Opcode::kAddi);
      addi.rd = rd;
      addi.rs1 = rd;
      emit(addi, col);
      fixup(Fixup::Kind::kRodataOffset, ops[1].value);
    } else if (base == "mv" || base == "neg" || base == "not") {
      count_operands(head, ops, 2, "rd, rs");
      const uint8_t rd = parse_register(ops[0]);
      const uint8_t rs = parse_register(ops[1]);
      Instruction inst = make(base == "neg"   ? Opcode::kSub
                              : base == "not" ? Opcode::kXori
                                              : Opcode::kAddi);
      inst.rd = rd;
      (base == "neg" ? inst.rs2 : inst.rs1) = rs;
      if (base == "not") inst.imm = -1;
      emit(inst, col);
    } else if (base == "nop") {
      count_operands(head, ops, 0, "none");
      emit(make(Opcode::kAddi), col);
    } else if (base == "j") {
      count_operands(head, ops, 1, "target");
      Instruction inst = make(Opcode::kJal);
      std::optional<Token> label;
      set_target(inst, ops[0], label);
      emit(inst, col);
      if (label) fixup(Fixup::Kind::kBranch, *label);
    } else if (base == "beqz" || base == "bnez") {
      count_operands(head, ops, 2, "rs, target");
      Instruction inst = make(base == "beqz" ? Opcode::kBeq : Opcode::kBne);
      inst.rs1 = parse_register(ops[0]);
      std::optional<Token> label;
      set_target(inst, ops[1], label);
      emit(inst, col);
      if (label) fixup(Fixup::Kind::kBranch, *label);
    } else if (base == "bgt" || base == "ble" || base == "bgtu" || base == "bleu") {
      count_operands(head, ops, 3, "rs1, rs2, target");
      const Opcode op = base == "bgt"    ? Opcode::kBlt
                        : base == "ble"  ? Opcode::kBge
                        : base == "bgtu" ? Opcode::kBltu
                                         : Opcode::kBgeu;
      Instruction inst = make(op);
      inst.rs2 = parse_register(ops[0]);  // operands swapped: a > b  <=>  b < a
      inst.rs1 = parse_register(ops[1]);
      std::optional<Token> label;
      set_target(inst, ops[2], label);
      emit(inst, col);
      if (label) fixup(Fixup::Kind::kBranch, *label);
    } else {
      return false;
    }
    return true;
  }

  void instruction(const Token& head, const std::vector<Operand>& ops) {
    const std::string& text = head.text;
    const size_t dot = text.find('.');
    const std::string base = text.substr(0, dot);
    std::vector<std::pair<std::string, uint32_t>> suffixes;  // text, column
    for (size_t p = dot; p != std::string::npos;) {
      const size_t next = text.find('.', p + 1);
      suffixes.emplace_back(
          text.substr(p + 1, next == std::string::npos ? std::string::npos : next - p - 1),
          head.col + static_cast<uint32_t>(p));
      p = next;
    }
    if (suffixes.empty() && pseudo(head, base, ops)) return;
    const InstructionInfo* row = find_mnemonic(base);
    if (row == nullptr) fail(head.col, "unknown instruction " + quote(base));
    Instruction inst = make(row->opcode);
    data_types(*row, suffixes, head, inst);
    operands(*row, head, ops, inst);
  }

  static void data_types(const InstructionInfo& row,
                         const std::vector<std::pair<std::string, uint32_t>>& suffixes,
                         const Token& head, Instruction& inst) {
    const int arity = row.dtype_arity();
    const std::string who = quote(row.mnemonic);
    std::string supported;
    for (const TypeSig& sig : row.dtypes) {
      if (!supported.empty()) supported += ", ";
      supported += "." + std::string(name(sig.dst));
      if (arity == 2) supported += "." + std::string(name(sig.src));
    }
    if (arity == 0 && !suffixes.empty()) {
      fail(suffixes[0].second, who + " takes no data-type suffix");
    }
    if (static_cast<int>(suffixes.size()) != arity) {
      fail(suffixes.size() > static_cast<size_t>(arity)
               ? suffixes[static_cast<size_t>(arity)].second
               : head.end_col,
           who + " needs " +
               (arity == 1 ? std::string("a data-type suffix") : "2 data-type suffixes") +
               " (one of " + supported + ")");
    }
    DataType types[2] = {DataType::kF16, DataType::kF16};
    for (size_t i = 0; i < suffixes.size(); ++i) {
      const std::optional<DataType> t = parse_enum<DataType>(suffixes[i].first);
      if (!t) {
        fail(suffixes[i].second, "unknown data type " + quote("." + suffixes[i].first) +
                                     " (expected " + enum_choices<DataType>() + ")");
      }
      types[i] = *t;
    }
    if (arity == 0) return;
    if (arity == 1) types[1] = types[0];
    if (!row.allows(types[0], types[1])) {
      const std::string given =
          "." + std::string(name(types[0])) + (arity == 2 ? "." + std::string(name(types[1])) : "");
      fail(suffixes[0].second,
           who + " does not support " + given + " (it supports " + supported + ")");
    }
    inst.dtype = types[0];
    inst.src_dtype = types[1];
  }

  int64_t field_value(const InstructionInfo& row, const FieldSpec& f, const Operand& op,
                      std::optional<Token>& label) {
    switch (f.kind) {
      case FieldKind::kReg:
        return parse_register(op);
      case FieldKind::kSImm:
      case FieldKind::kUImm:
        return static_cast<int64_t>(parse_in_range(op, "immediate", f.min_value(), f.max_value()));
      case FieldKind::kBranch: {
        Instruction tmp;
        set_target(tmp, op, label);
        return tmp.imm;
      }
      case FieldKind::kPipe:
      case FieldKind::kEnum:
        return parse_symbol(op, f.enum_names, f.enum_what, f.allowed, row.mnemonic);
      case FieldKind::kEvent:
        return static_cast<int64_t>(
            parse_in_range(op, f.name == "flag" ? "flag id" : "event id", 0, f.max_value()));
      case FieldKind::kFlag:
        return static_cast<int64_t>(parse_in_range(op, f.name, 0, 1));
      case FieldKind::kDType:
        break;
    }
    NPU_UNREACHABLE("field kind without an operand syntax");
  }

  void operands(const InstructionInfo& row, const Token& head, const std::vector<Operand>& ops,
                Instruction& inst) {
    const std::string who = quote(row.mnemonic);
    std::vector<const FieldSpec*> positional;
    std::vector<const FieldSpec*> packed;
    std::vector<const FieldSpec*> named;
    const FieldSpec* mem_base = nullptr;
    for (const FieldSpec& f : row.fields) {
      if (f.syntax == Syntax::kPositional || f.syntax == Syntax::kMemOffset)
        positional.push_back(&f);
      if (f.syntax == Syntax::kPositional && f.role == RegRole::kPacked) packed.push_back(&f);
      if (f.syntax == Syntax::kNamed) named.push_back(&f);
      if (f.syntax == Syntax::kMemBase) mem_base = &f;
    }
    std::vector<const Operand*> pos_ops;
    std::vector<const Operand*> named_ops;
    for (const Operand& op : ops) {
      if (op.key.empty()) {
        if (!named_ops.empty()) fail(op.col(), "positional operand after a named field");
        pos_ops.push_back(&op);
      } else {
        named_ops.push_back(&op);
      }
    }
    const auto list = [](const std::vector<const FieldSpec*>& fields, bool skip_packed) {
      std::string out;
      for (const FieldSpec* f : fields) {
        if (skip_packed && f->role == RegRole::kPacked) continue;
        if (!out.empty()) out += ", ";
        out += f->syntax == Syntax::kMemOffset ? "offset(base)" : std::string(f->name);
      }
      return out;
    };
    bool packed_form = false;
    if (pos_ops.size() != positional.size()) {
      if (!packed.empty() && pos_ops.size() == positional.size() - packed.size()) {
        packed_form = true;
      } else {
        std::string message = who + " expects " + std::to_string(positional.size()) + " operand" +
                              (positional.size() == 1 ? "" : "s") + " (" + list(positional, false) +
                              ")";
        if (!packed.empty()) {
          message += " or " + std::to_string(positional.size() - packed.size()) +
                     " with the parameters as named fields (" + list(positional, true) + ", " +
                     std::string(packed[0]->packed->fields[0].name) + "=...)";
        }
        message += ", got " + std::to_string(pos_ops.size());
        fail(pos_ops.size() < positional.size() ? m_end_col : pos_ops[positional.size()]->col(),
             message);
      }
    }

    std::optional<Token> label;
    std::vector<std::pair<const FieldSpec*, const Operand*>> assigned;
    size_t next = 0;
    for (const FieldSpec* f : positional) {
      if (packed_form && f->role == RegRole::kPacked) continue;
      const Operand& op = *pos_ops[next++];
      if (f->syntax == Syntax::kMemOffset) {
        if (op.kind != Operand::Kind::kMem) {
          fail(op.col(), "expected a memory operand offset(xN), got " + describe(op));
        }
        Operand offset = op;
        offset.kind = Operand::Kind::kNumber;
        set_slot(
            inst, f->slot,
            static_cast<int64_t>(parse_in_range(offset, "offset", f->min_value(), f->max_value())));
        set_slot(inst, mem_base->slot, parse_register_token(*op.base));
        continue;
      }
      if (op.kind == Operand::Kind::kMem) fail(op.col(), "unexpected memory operand");
      set_slot(inst, f->slot, field_value(row, *f, op, label));
      assigned.emplace_back(f, &op);
    }

    // Named fields of the instruction, and in the packed form the fields of its parameters.
    std::map<std::string, const Operand*> seen;
    std::vector<std::vector<NamedValue>> packed_values(packed.size());
    for (size_t i = 0; i < packed.size(); ++i) {
      packed_values[i].resize(packed[i]->packed->fields.size(), NamedValue{nullptr, 0});
    }
    for (const Operand* op : named_ops) {
      if (!seen.emplace(op->key, op).second) {
        fail(op->key_col, "field " + quote(op->key) + " given twice");
      }
      const auto own = std::find_if(named.begin(), named.end(),
                                    [&](const FieldSpec* f) { return f->name == op->key; });
      if (own != named.end()) {
        if (op->kind == Operand::Kind::kMem) fail(op->value.col, "unexpected memory operand");
        set_slot(inst, (*own)->slot, field_value(row, **own, *op, label));
        continue;
      }
      bool found = false;
      for (size_t i = 0; i < packed.size() && !found; ++i) {
        const int index = packed[i]->packed->find(op->key);
        if (index < 0) continue;
        found = true;
        if (!packed_form) {
          fail(op->key_col, quote(op->key) + " is a field of the " + std::string(packed[i]->name) +
                                " register; name it only when the " + std::string(packed[i]->name) +
                                " register operand is left out");
        }
        const PackedField& pf = packed[i]->packed->fields[static_cast<size_t>(index)];
        uint64_t value = 0;
        if (!pf.symbols.empty() && op->kind == Operand::Kind::kIdent) {
          value = parse_symbol(*op, pf.symbols, pf.name, ~0u, row.mnemonic);
        } else {
          value = static_cast<uint64_t>(parse_in_range(*op, pf.name, pf.min, pf.max));
        }
        packed_values[i][static_cast<size_t>(index)] = {op, value};
      }
      if (found) continue;
      std::string expected;
      for (const FieldSpec* f : named)
        expected += (expected.empty() ? "" : ", ") + std::string(f->name);
      if (packed_form) {
        for (const FieldSpec* p : packed) {
          for (const PackedField& pf : p->packed->fields) {
            expected += (expected.empty() ? "" : ", ") + std::string(pf.name);
          }
        }
      }
      fail(op->key_col, who + " has no field named " + quote(op->key) +
                            (expected.empty() ? "" : " (expected " + expected + ")"));
    }

    if (packed_form) {
      static constexpr uint8_t kTemps[] = {31, 30};
      for (size_t i = 0; i < packed.size(); ++i) {
        for (const auto& [f, op] : assigned) {
          if (f->kind == FieldKind::kReg && get_slot(inst, f->slot) == kTemps[i]) {
            fail(op->value.col, "x" + std::to_string(kTemps[i]) +
                                    " is clobbered by this instruction's expansion (it carries "
                                    "the " +
                                    std::string(packed[i]->name) + " word); use another register");
          }
        }
      }
      std::vector<uint64_t> words;
      for (size_t i = 0; i < packed.size(); ++i) {
        const PackedLayout& layout = *packed[i]->packed;
        std::vector<uint64_t> values;
        for (size_t j = 0; j < layout.fields.size(); ++j) {
          const PackedField& pf = layout.fields[j];
          if (packed_values[i][j].op == nullptr && pf.required) {
            fail(m_end_col, "missing field " + quote(pf.name) + " (" + who + " without its " +
                                std::string(packed[i]->name) + " register needs " +
                                std::string(pf.name) + "=...)");
          }
          values.push_back(packed_values[i][j].op != nullptr ? packed_values[i][j].value
                                                             : pf.default_value);
        }
        words.push_back(pack(layout, values));
      }
      for (size_t i = 0; i < packed.size(); ++i) {
        li(kTemps[i], static_cast<Int128>(words[i]), head.col);
        set_slot(inst, packed[i]->slot, kTemps[i]);
      }
    }
    emit(inst, head.col);
    if (label) fixup(Fixup::Kind::kBranch, *label);
  }

  // ---- Pass two ----

  Binary finish() {
    for (const Fixup& f : m_fixups) {
      const auto it = m_labels.find(f.label);
      if (it == m_labels.end()) {
        error(f.line, f.col, "unknown label " + quote(f.label));
        continue;
      }
      const Label& target = it->second;
      Instruction& inst = m_code[f.index];
      if (f.kind == Fixup::Kind::kBranch) {
        if (target.section != Section::kText) {
          error(
              f.line, f.col,
              "label " + quote(f.label) + " is in .rodata; a branch target must be a .text label");
          continue;
        }
        inst.imm = (static_cast<int64_t>(target.offset) - static_cast<int64_t>(f.index * 8)) / 8;
      } else {
        if (target.section != Section::kRodata) {
          error(f.line, f.col, "'la' needs a .rodata label; " + quote(f.label) + " is in .text");
          continue;
        }
        if (target.offset > INT32_MAX) {
          error(f.line, f.col, "rodata offset of " + quote(f.label) + " does not fit 32 bits");
          continue;
        }
        inst.imm = target.offset;
      }
    }
    for (const KernelDef& k : m_kernels) {
      if (k.kernel.entry >= m_code.size() * 8) {
        error(k.line, k.col, "kernel " + quote(k.kernel.name) + " has no instructions");
      }
    }
    m_diags.throw_if_any();

    Binary binary;
    for (const Instruction& inst : m_code) binary.code.push_back(encode(inst));
    binary.rodata = std::move(m_rodata);
    for (const auto& [name, label] : m_labels) {
      binary.symbols.push_back({name, label.section, label.offset});
    }
    std::sort(binary.symbols.begin(), binary.symbols.end(), [](const Symbol& a, const Symbol& b) {
      return std::tie(a.section, a.offset, a.name) < std::tie(b.section, b.offset, b.name);
    });
    for (KernelDef& k : m_kernels) binary.kernels.push_back(std::move(k.kernel));
    return binary;
  }

  std::string m_file;
  DiagnosticList m_diags;
  uint32_t m_line = 0;
  uint32_t m_end_col = 1;
  Section m_section = Section::kText;
  std::vector<Instruction> m_code;
  std::vector<uint8_t> m_rodata;
  std::map<std::string, Label> m_labels;
  std::vector<Fixup> m_fixups;
  std::vector<KernelDef> m_kernels;
  bool m_args_open = false;
};

}  // namespace

Binary assemble(std::string_view source, const std::string& file_name) {
  return Assembler(file_name).run(source);
}

Binary assemble_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path, 0, 0}, "cannot open file");
  std::stringstream text;
  text << in.rdbuf();
  return assemble(text.str(), path);
}

}  // namespace npu::isa
