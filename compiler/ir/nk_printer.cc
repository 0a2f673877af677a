// The `.nk` printer (see nk_printer.h).
#include "compiler/ir/nk_printer.h"

#include <sstream>

namespace npu::compiler {

std::string print_affine(const Affine& a) {
  std::string out;
  for (const auto& [var, coef] : a.terms) {
    if (!out.empty()) out += coef < 0 ? " - " : " + ";
    else if (coef < 0) out += "-";
    int64_t mag = coef < 0 ? -coef : coef;
    if (mag != 1) out += std::to_string(mag) + "*";
    out += var;
  }
  if (out.empty()) return std::to_string(a.constant);
  if (a.constant > 0) out += " + " + std::to_string(a.constant);
  if (a.constant < 0) out += " - " + std::to_string(-a.constant);
  return out;
}

std::string print_condition(const Condition& c) {
  const char* op = c.op == Condition::Op::kEq ? " == " : c.op == Condition::Op::kNe ? " != " : " < ";
  return print_affine(c.lhs) + op + std::to_string(c.rhs);
}

std::string print_value(const Value& v) {
  if (!v.cond) return print_affine(Affine{v.value, v.vars.terms});
  std::string out = "select(" + print_condition(*v.cond) + ", " + std::to_string(v.value) +
                    ", " + std::to_string(v.other) + ")";
  if (v.vars.is_constant()) return out;
  std::string terms = print_affine(v.vars);
  return out + (terms[0] == '-' ? " - " + terms.substr(1) : " + " + terms);
}

std::string print_operand(const Operand& o) {
  switch (o.kind) {
    case OperandKind::kZero: return "0";
    case OperandKind::kImm: return print_value(o.imm);
    case OperandKind::kGm:
      if (o.address == Affine{}) return o.name;
      return o.name + "[" + print_affine(o.address) + "]";
    case OperandKind::kTile: {
      std::string out = o.name;
      if (o.slot >= 0) out += "." + std::to_string(o.slot);
      if (o.offset != Value{}) out += "[" + print_value(o.offset) + "]";
      return out;
    }
  }
  return "?";
}

std::string print_sync(const SyncStmt& s) {
  if (s.cross_core && s.wait)
    return "cross_core_wait_flag " + std::string(isa::name(s.dst)) + ", " + std::to_string(s.event);
  if (s.cross_core)
    return "cross_core_set_flag " + std::string(isa::name(s.src)) + ", " +
           std::string(isa::name(s.mode)) + ", " + std::to_string(s.event);
  return std::string(s.wait ? "wait_flag " : "set_flag ") +
         std::string(isa::name(s.src)) + ", " + std::string(isa::name(s.dst)) + ", " +
         std::to_string(s.event);
}

namespace {

void print_body(std::ostringstream& os, const Body& body, int depth) {
  std::string pad(static_cast<size_t>(depth) * 2, ' ');
  for (const Stmt& s : body) {
    switch (s.kind) {
      case Stmt::Kind::kOp: {
        os << pad << s.op.mnemonic;
        bool first = true;
        for (const Operand& o : s.op.operands) {
          os << (first ? " " : ", ") << print_operand(o);
          first = false;
        }
        for (const Field& f : s.op.fields) {
          os << (first ? " " : ", ") << f.name << "=" << print_value(f.value);
          first = false;
        }
        os << "\n";
        break;
      }
      case Stmt::Kind::kLoop:
        os << pad << (s.loop->parallel ? "pfor " : "for ") << s.loop->var << " in "
           << s.loop->count << " {\n";
        print_body(os, s.loop->body, depth + 1);
        os << pad << "}\n";
        break;
      case Stmt::Kind::kLet:
        os << pad << "let " << s.let.name << " = "
           << (s.let.of.constant == 0 && s.let.of.terms.size() == 1 &&
                       s.let.of.terms[0].second == 1
                   ? s.let.of.terms[0].first
                   : "(" + print_affine(s.let.of) + ")")
           << (s.let.remainder ? " % " : " / ") << s.let.divisor << "\n";
        break;
      case Stmt::Kind::kIf:
        os << pad << "if " << print_condition(s.when->cond) << " {\n";
        print_body(os, s.when->body, depth + 1);
        os << pad << "}\n";
        break;
      case Stmt::Kind::kSync: os << pad << print_sync(s.sync) << "\n"; break;
      case Stmt::Kind::kOn:
        os << pad << "on " << (s.on->cores == CoreSelect::kAiv ? "aiv" : "aic");
        if (!s.on->sub_var.empty()) os << " " << s.on->sub_var;
        os << " {\n";
        print_body(os, s.on->body, depth + 1);
        os << pad << "}\n";
        break;
    }
  }
}

}  // namespace

std::string print_kernel(const Kernel& kernel) {
  std::ostringstream os;
  os << "kernel " << kernel.name;
  if (kernel.cores == CoreSelect::kAic) os << " cores=aic";
  if (kernel.cores == CoreSelect::kAiv) os << " cores=aiv";
  os << "\n";
  for (const Arg& a : kernel.args) {
    os << "arg " << a.name << " " << isa::name(a.kind);
    if (a.bytes) os << " " << a.bytes;
    os << "\n";
  }
  for (const Tile& t : kernel.tiles) {
    os << "tile " << t.name << " " << isa::name(t.buffer) << " " << t.bytes;
    if (t.double_buffered) os << " double";
    if (t.apart) os << " apart";
    if (t.offset) os << " at " << *t.offset;
    os << "\n";
  }
  if (kernel.syncs_inserted) os << "syncs inserted\n";
  for (const SyncStmt& s : kernel.prologue) os << "prologue " << print_sync(s) << "\n";
  print_body(os, kernel.body, 0);
  for (const SyncStmt& s : kernel.epilogue) os << "epilogue " << print_sync(s) << "\n";
  return os.str();
}

}  // namespace npu::compiler
