// The `.nk` parser (see nk_parser.h): a line-oriented recursive-descent reader. One statement
// per line; `{` ends a loop or if header, `}` on its own line closes it; `#` starts a comment.
#include "compiler/ir/nk_parser.h"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "isa/instruction.h"

namespace npu::compiler {
namespace {

struct Token {
  enum class Kind : uint8_t { kIdent, kInt, kPunct, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  uint32_t col = 0;
};

std::vector<Token> lex(const std::string& line, uint32_t& bad_col) {
  std::vector<Token> out;
  size_t i = 0;
  bad_col = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == '#') break;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.col = static_cast<uint32_t>(i + 1);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) ||
                                 line[j] == '_' || line[j] == '.'))
        ++j;
      t.kind = Token::Kind::kIdent;
      t.text = line.substr(i, j - i);
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < line.size() && std::isalnum(static_cast<unsigned char>(line[j]))) ++j;
      t.kind = Token::Kind::kInt;
      t.text = line.substr(i, j - i);
      i = j;
    } else if ((c == '=' || c == '!') && i + 1 < line.size() && line[i + 1] == '=') {
      t.kind = Token::Kind::kPunct;
      t.text = line.substr(i, 2);
      i += 2;
    } else if (std::string_view("{}[](),=+-*/%<").find(c) != std::string_view::npos) {
      t.kind = Token::Kind::kPunct;
      t.text = std::string(1, c);
      ++i;
    } else {
      bad_col = static_cast<uint32_t>(i + 1);
      return out;
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.col = static_cast<uint32_t>(line.size() + 1);
  out.push_back(end);
  return out;
}

// Thrown inside one line to abandon it after its first error.
struct LineError {
  uint32_t col;
  std::string message;
};

class LineParser {
 public:
  LineParser(std::vector<Token> tokens, const std::set<std::string>& vars)
      : m_tokens(std::move(tokens)), m_vars(vars) {}

  const Token& peek() const { return m_tokens[m_pos]; }
  Token next() { return m_tokens[m_pos < m_tokens.size() - 1 ? m_pos++ : m_pos]; }
  bool at_end() const { return peek().kind == Token::Kind::kEnd; }
  bool accept(std::string_view punct) {
    if (peek().kind == Token::Kind::kPunct && peek().text == punct) {
      ++m_pos;
      return true;
    }
    return false;
  }
  [[noreturn]] void fail(const std::string& message) const {
    const Token& t = peek();
    throw LineError{t.col, message + (t.kind == Token::Kind::kEnd ? ", found end of line"
                                                                 : ", found '" + t.text + "'")};
  }
  void expect(std::string_view punct) {
    if (!accept(punct)) fail("expected '" + std::string(punct) + "'");
  }
  std::string ident(const std::string& what) {
    if (peek().kind != Token::Kind::kIdent) fail("expected " + what);
    return next().text;
  }
  int64_t integer(const std::string& what) {
    bool neg = accept("-");
    if (peek().kind != Token::Kind::kInt) fail("expected " + what);
    Token t = next();
    int64_t v = 0;
    try {
      size_t used = 0;
      v = static_cast<int64_t>(std::stoull(t.text, &used, 0));
      if (used != t.text.size()) throw std::invalid_argument("x");
    } catch (const std::exception&) {
      throw LineError{t.col, "bad integer '" + t.text + "'"};
    }
    return neg ? -v : v;
  }
  void end_of_line() {
    if (!at_end()) fail("unexpected text after the statement");
  }

  // term ('+'|'-' term)*, term = INT | VAR | INT '*' VAR
  Affine affine() {
    Affine a;
    int64_t sign = accept("-") ? -1 : 1;
    for (;;) {
      if (peek().kind == Token::Kind::kInt) {
        int64_t v = integer("an integer");
        if (accept("*")) {
          Token var = peek();
          std::string name = ident("a loop variable");
          check_var(var, name);
          a.add(name, sign * v);
        } else {
          a.constant += sign * v;
        }
      } else if (peek().kind == Token::Kind::kIdent) {
        Token var = peek();
        std::string name = next().text;
        check_var(var, name);
        a.add(name, sign);
      } else {
        fail("expected an integer or a loop variable");
      }
      if (accept("+")) sign = 1;
      else if (accept("-")) sign = -1;
      else return a;
    }
  }
  Condition condition() {
    Condition c;
    c.lhs = affine();
    if (accept("==")) c.op = Condition::Op::kEq;
    else if (accept("!=")) c.op = Condition::Op::kNe;
    else if (accept("<")) c.op = Condition::Op::kLt;
    else fail("expected '==', '!=' or '<'");
    c.rhs = integer("an integer");
    return c;
  }
  // select(cond, a, b) [('+'|'-') affine] | affine
  Value value() {
    Value v;
    Affine rest;
    if (peek().kind == Token::Kind::kIdent && peek().text == "select") {
      next();
      expect("(");
      v.cond = condition();
      expect(",");
      v.value = integer("an integer");
      expect(",");
      v.other = integer("an integer");
      expect(")");
      if (accept("+")) {
        rest = affine();
      } else if (peek().text == "-") {
        rest = affine();
      }
    } else {
      rest = affine();
    }
    v.value += rest.constant;
    if (v.cond) v.other += rest.constant;
    v.vars.terms = rest.terms;
    return v;
  }

 private:
  void check_var(const Token& t, const std::string& name) const {
    if (!m_vars.count(name)) throw LineError{t.col, "unknown loop variable '" + name + "'"};
  }

  std::vector<Token> m_tokens;
  size_t m_pos = 0;
  const std::set<std::string>& m_vars;
};

class Parser {
 public:
  Parser(std::string_view source, const std::string& file) : m_file(file) {
    std::string text(source);
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) m_lines.push_back(line);
  }

  Kernel run() {
    m_frames.push_back(Frame{&m_kernel.body, 0, ""});
    for (size_t i = 0; i < m_lines.size(); ++i) {
      m_line = static_cast<uint32_t>(i + 1);
      uint32_t bad = 0;
      std::vector<Token> tokens = lex(m_lines[i], bad);
      if (bad) {
        error(bad, std::string("unexpected character '") + m_lines[i][bad - 1] + "'");
        continue;
      }
      if (tokens.size() == 1) continue;
      LineParser p(std::move(tokens), m_vars);
      try {
        statement(p);
      } catch (const LineError& e) {
        error(e.col, e.message);
      }
    }
    if (m_frames.size() > 1)
      error(m_frames.back().open_line, 1, "'{' opened here is never closed");
    if (m_kernel.name.empty() && !m_saw_kernel)
      m_diags.error({m_file, 1, 1}, "missing 'kernel NAME' line");
    m_diags.throw_if_any();
    return std::move(m_kernel);
  }

 private:
  struct Frame {
    Body* body;
    uint32_t open_line;
    std::string var;  // loop variable introduced by this frame ("" for if)
  };

  void error(uint32_t col, std::string message) { error(m_line, col, std::move(message)); }
  void error(uint32_t line, uint32_t col, std::string message) {
    m_diags.error({m_file, line, col}, std::move(message));
  }
  SourceLocation here(uint32_t col) const { return {m_file, m_line, col}; }

  void statement(LineParser& p) {
    Token head = p.peek();
    if (head.kind == Token::Kind::kPunct && head.text == "}") {
      p.next();
      p.end_of_line();
      if (m_frames.size() == 1) throw LineError{head.col, "'}' without an open '{'"};
      if (!m_frames.back().var.empty()) {
        m_vars.erase(m_frames.back().var);
        for (const std::string& l : m_let_stack.back()) m_vars.erase(l);
      }
      if (!m_frames.back().var.empty()) m_let_stack.pop_back();
      m_frames.pop_back();
      return;
    }
    std::string word = p.ident("a statement");
    bool top = m_frames.size() == 1;
    if (word == "kernel") {
      m_saw_kernel = true;
      m_kernel.name = p.ident("a kernel name");
      while (!p.at_end()) {
        std::string key = p.ident("'cores='");
        if (key != "cores") throw LineError{head.col, "unknown kernel attribute '" + key + "'"};
        p.expect("=");
        Token v = p.peek();
        std::string sel = p.ident("all, aic or aiv");
        if (sel == "all") m_kernel.cores = CoreSelect::kAll;
        else if (sel == "aic") m_kernel.cores = CoreSelect::kAic;
        else if (sel == "aiv") m_kernel.cores = CoreSelect::kAiv;
        else throw LineError{v.col, "expected all, aic or aiv, found '" + sel + "'"};
      }
      return;
    }
    if (word == "arg") {
      Token n = p.peek();
      Arg a;
      a.name = p.ident("an argument name");
      Token k = p.peek();
      std::string kind = p.ident("an argument kind (gm)");
      auto parsed = isa::parse_enum<isa::ArgKind>(kind);
      if (!parsed || *parsed != isa::ArgKind::kGmPointer)
        throw LineError{k.col, "unsupported argument kind '" + kind + "' (expected gm)"};
      a.kind = *parsed;
      if (!p.at_end()) a.bytes = static_cast<uint64_t>(p.integer("the argument's size in bytes"));
      p.end_of_line();
      if (m_kernel.find_arg(a.name) >= 0 || m_kernel.find_tile(a.name))
        throw LineError{n.col, "'" + a.name + "' is already declared"};
      m_kernel.args.push_back(a);
      return;
    }
    if (word == "tile") {
      Tile t;
      Token n = p.peek();
      t.name = p.ident("a tile name");
      t.loc = here(n.col);
      Token b = p.peek();
      std::string buf = p.ident("a buffer (l1, l0a, l0b, l0c, ub)");
      auto parsed = isa::parse_enum<isa::Buffer>(buf);
      if (!parsed || *parsed == isa::Buffer::kGm || *parsed == isa::Buffer::kSmem)
        throw LineError{b.col, "unknown buffer '" + buf + "' (expected l1, l0a, l0b, l0c, ub, "
                                                          "bt or fb)"};
      t.buffer = *parsed;
      Token sz = p.peek();
      int64_t bytes = p.integer("the tile size in bytes");
      if (bytes <= 0) throw LineError{sz.col, "tile size must be positive"};
      t.bytes = static_cast<uint64_t>(bytes);
      while (!p.at_end()) {
        Token a = p.peek();
        std::string attr = p.ident("'double', 'apart' or 'at OFFSET'");
        if (attr == "double") t.double_buffered = true;
        else if (attr == "apart") t.apart = true;
        else if (attr == "at") t.offset = static_cast<uint64_t>(p.integer("a byte offset"));
        else throw LineError{a.col, "unknown tile attribute '" + attr + "'"};
      }
      if (m_kernel.find_arg(t.name) >= 0 || m_kernel.find_tile(t.name))
        throw LineError{n.col, "'" + t.name + "' is already declared"};
      m_kernel.tiles.push_back(t);
      return;
    }
    if (word == "syncs") {
      std::string w = p.ident("'inserted'");
      p.end_of_line();
      m_kernel.syncs_inserted = w == "inserted";
      return;
    }
    if (word == "prologue" || word == "epilogue") {
      std::string w = p.ident("set_flag or wait_flag");
      SyncStmt s = sync(p, w, head.col);
      (word == "prologue" ? m_kernel.prologue : m_kernel.epilogue).push_back(s);
      return;
    }
    if (!m_saw_kernel) throw LineError{head.col, "expected 'kernel NAME' first"};
    Body& body = *m_frames.back().body;
    (void)top;
    if (word == "for" || word == "pfor") {
      Token v = p.peek();
      std::string var = p.ident("a loop variable");
      if (m_vars.count(var)) throw LineError{v.col, "loop variable '" + var + "' is in use"};
      std::string in = p.ident("'in'");
      if (in != "in") throw LineError{v.col, "expected 'in' after the loop variable"};
      Token c = p.peek();
      int64_t count = p.integer("a trip count");
      if (count < 1) throw LineError{c.col, "trip count must be at least 1"};
      p.expect("{");
      p.end_of_line();
      body.push_back(make_loop(var, count, word == "pfor", {}));
      body.back().loc = here(head.col);
      m_vars.insert(var);
      m_let_stack.emplace_back();
      m_frames.push_back(Frame{&body.back().loop->body, m_line, var});
      return;
    }
    if (word == "if") {
      Condition c = p.condition();
      p.expect("{");
      p.end_of_line();
      body.push_back(make_if(c, {}));
      body.back().loc = here(head.col);
      m_frames.push_back(Frame{&body.back().when->body, m_line, ""});
      return;
    }
    if (word == "let") {
      Token n = p.peek();
      std::string name = p.ident("a name");
      if (m_vars.count(name)) throw LineError{n.col, "'" + name + "' is already defined"};
      p.expect("=");
      // `var` or `(affine)`.
      Affine of;
      if (p.accept("(")) {
        of = p.affine();
        p.expect(")");
      } else {
        Token v = p.peek();
        std::string var = p.ident("a loop variable");
        if (!m_vars.count(var)) throw LineError{v.col, "unknown loop variable '" + var + "'"};
        of.add(var, 1);
      }
      bool rem = false;
      if (p.accept("%")) rem = true;
      else p.expect("/");
      Token d = p.peek();
      int64_t div = p.integer("a divisor");
      if (div < 1) throw LineError{d.col, "divisor must be at least 1"};
      p.end_of_line();
      body.push_back(make_let(name, of, rem, div));
      body.back().loc = here(head.col);
      m_vars.insert(name);
      if (!m_let_stack.empty()) m_let_stack.back().push_back(name);
      return;
    }
    if (word == "on") {
      Token c = p.peek();
      std::string sel = p.ident("aic or aiv");
      if (sel != "aic" && sel != "aiv")
        throw LineError{c.col, "expected aic or aiv, found '" + sel + "'"};
      std::string sub;
      if (!p.accept("{")) {
        Token v = p.peek();
        sub = p.ident("a sub-block variable or '{'");
        if (sel != "aiv") throw LineError{v.col, "only 'on aiv' names a sub-block variable"};
        if (m_vars.count(sub)) throw LineError{v.col, "'" + sub + "' is already defined"};
        p.expect("{");
      }
      p.end_of_line();
      body.push_back(make_on(sel == "aic" ? CoreSelect::kAic : CoreSelect::kAiv, sub, {}));
      body.back().loc = here(head.col);
      if (!sub.empty()) {
        m_vars.insert(sub);
        m_let_stack.emplace_back();
      }
      m_frames.push_back(Frame{&body.back().on->body, m_line, sub});
      return;
    }
    if (word == "set_flag" || word == "wait_flag" || word == "cross_core_set_flag" ||
        word == "cross_core_wait_flag") {
      SyncStmt s = sync(p, word, head.col);
      body.push_back(make_sync(s));
      body.back().loc = here(head.col);
      return;
    }
    body.push_back(op(p, word, head.col));
  }

  SyncStmt sync(LineParser& p, const std::string& word, uint32_t col) {
    SyncStmt s;
    if (word == "cross_core_set_flag" || word == "cross_core_wait_flag") {
      s.cross_core = true;
      s.wait = word == "cross_core_wait_flag";
      (s.wait ? s.dst : s.src) = pipe(p);
      p.expect(",");
      if (!s.wait) {
        Token m = p.peek();
        std::string mode = p.ident("a cross-core mode");
        auto parsed = isa::parse_enum<isa::CrossCoreMode>(mode);
        if (!parsed)
          throw LineError{m.col, "unknown cross-core mode '" + mode +
                                     "' (expected same_type, aiv_pair or aic_aiv)"};
        s.mode = *parsed;
        p.expect(",");
      }
      s.event = static_cast<int>(p.integer("a counter flag id"));
      p.end_of_line();
      return s;
    }
    if (word != "set_flag" && word != "wait_flag")
      throw LineError{col, "expected set_flag or wait_flag"};
    s.wait = word == "wait_flag";
    s.src = pipe(p);
    p.expect(",");
    s.dst = pipe(p);
    p.expect(",");
    s.event = static_cast<int>(p.integer("an event id"));
    p.end_of_line();
    return s;
  }

  isa::Pipe pipe(LineParser& p) {
    Token t = p.peek();
    std::string n = p.ident("a pipe");
    auto parsed = isa::parse_enum<isa::Pipe>(n);
    if (!parsed || *parsed == isa::Pipe::kAll)
      throw LineError{t.col, "unknown pipe '" + n + "' (expected s, v, m, mte1, mte2, mte3 or fix)"};
    return *parsed;
  }

  Stmt op(LineParser& p, const std::string& mnemonic, uint32_t col) {
    std::string base = mnemonic.substr(0, mnemonic.find('.'));
    const isa::InstructionInfo* info = isa::find_mnemonic(base);
    if (!info || info->timing == isa::TimingKind::kScalar ||
        info->timing == isa::TimingKind::kSync)
      throw LineError{col, "unknown operation '" + mnemonic + "' (expected a data movement, cube, "
                           "vector, control or pipe set-up instruction, for, pfor, let, if, on, set_flag, "
                           "wait_flag, cross_core_set_flag or cross_core_wait_flag)"};
    OpStmt op;
    op.mnemonic = mnemonic;
    bool first = true;
    while (!p.at_end()) {
      if (!first) p.expect(",");
      first = false;
      if (p.peek().kind == Token::Kind::kInt || p.peek().text == "-" ||
          (p.peek().kind == Token::Kind::kIdent && p.peek().text == "select")) {
        op.operands.push_back(ir::imm(p.value()));  // a register value; 0 is x0
        continue;
      }
      Token n = p.peek();
      std::string name = p.ident("an operand or field");
      if (p.accept("=")) {
        Field f;
        f.name = name;
        f.value = p.value();
        op.fields.push_back(f);
        continue;
      }
      Operand o;
      std::string tile = name;
      size_t dot = name.find('.');
      if (dot != std::string::npos) {
        tile = name.substr(0, dot);
        std::string slot = name.substr(dot + 1);
        if (slot != "0" && slot != "1")
          throw LineError{n.col, "bad tile slot '" + slot + "' (expected 0 or 1)"};
        o.slot = slot == "1" ? 1 : 0;
      }
      if (m_kernel.find_tile(tile)) {
        o.kind = OperandKind::kTile;
        o.name = tile;
        if (p.accept("[")) {
          o.offset = p.value();
          p.expect("]");
        }
      } else if (m_kernel.find_arg(tile) >= 0) {
        o.kind = OperandKind::kGm;
        o.name = tile;
        if (p.accept("[")) {
          o.address = p.affine();
          p.expect("]");
        }
      } else {
        throw LineError{n.col, "unknown tile or argument '" + tile + "'"};
      }
      op.operands.push_back(o);
    }
    return make_op(op, here(col));
  }

  std::string m_file;
  std::vector<std::string> m_lines;
  uint32_t m_line = 0;
  Kernel m_kernel;
  bool m_saw_kernel = false;
  DiagnosticList m_diags;
  std::vector<Frame> m_frames;
  std::set<std::string> m_vars;
  std::vector<std::vector<std::string>> m_let_stack;
};

}  // namespace

Kernel parse_kernel(std::string_view source, const std::string& file_name) {
  return Parser(source, file_name).run();
}

Kernel parse_kernel_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path, 0, 0}, "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_kernel(ss.str(), path);
}

}  // namespace npu::compiler
