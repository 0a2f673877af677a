// Kernel IR constructors (see ir_builder.h).
#include "compiler/ir/ir_builder.h"

#include <utility>

namespace npu::compiler::ir {

Affine var_expr(const std::string& var, int64_t scale) {
  Affine a;
  a.add(var, scale);
  return a;
}

Affine affine_times(const Affine& a, int64_t factor) {
  Affine out;
  out.constant = a.constant * factor;
  for (const auto& [v, c] : a.terms) out.add(v, c * factor);
  return out;
}

Affine affine_plus(Affine a, const Affine& b) {
  a.constant += b.constant;
  for (const auto& [v, c] : b.terms) a.add(v, c);
  return a;
}

Value tail_select(const std::string& var, int64_t last, int64_t tail, int64_t full) {
  Value out;
  out.value = full;
  if (tail == full || last == 0) {
    out.value = last == 0 ? tail : full;
    return out;
  }
  out.cond = Condition{var_expr(var), Condition::Op::kEq, last};
  out.value = tail;
  out.other = full;
  return out;
}

Value constant(int64_t v) { return Value{v, std::nullopt, 0}; }

Field field(const std::string& name, Value v) { return Field{name, std::move(v)}; }
Field field(const std::string& name, int64_t v) { return Field{name, constant(v)}; }

Operand tile(const std::string& name, Value offset) {
  Operand o;
  o.kind = OperandKind::kTile;
  o.name = name;
  o.offset = std::move(offset);
  return o;
}

Operand tile(const std::string& name, int64_t offset) { return tile(name, constant(offset)); }

Operand gm(const std::string& name, Affine address) {
  Operand o;
  o.kind = OperandKind::kGm;
  o.name = name;
  o.address = std::move(address);
  return o;
}

Operand imm(Value v) {
  Operand o;
  if (!v.cond && v.value == 0) return o;
  o.kind = OperandKind::kImm;
  o.imm = std::move(v);
  return o;
}

Operand imm(int64_t v) { return imm(constant(v)); }

Stmt op(const std::string& mnemonic, std::vector<Operand> operands, std::vector<Field> fields) {
  return make_op(OpStmt{mnemonic, std::move(operands), std::move(fields)});
}

void add_guarded(Body& out, const std::optional<Condition>& cond, Body body) {
  if (!cond) {
    for (Stmt& s : body) out.push_back(std::move(s));
  } else {
    out.push_back(make_if(*cond, std::move(body)));
  }
}

}  // namespace npu::compiler::ir
