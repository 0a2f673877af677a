// Small constructors for kernel IR, shared by every op generator: affine expressions, values
// that select a tail size on the last iteration, tile / GM operands, fields, heavy-op statements
// and bodies guarded by an optional condition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/kernel_ir.h"

namespace npu::compiler::ir {

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// scale * var.
Affine var_expr(const std::string& var, int64_t scale = 1);

// a * factor (the constant too), and a + b.
Affine affine_times(const Affine& a, int64_t factor);
Affine affine_plus(Affine a, const Affine& b);

// `full` on every iteration of `var` except the last one (`var == last`), where it is `tail`.
Value tail_select(const std::string& var, int64_t last, int64_t tail, int64_t full);

// A constant value.
Value constant(int64_t v);

Field field(const std::string& name, Value v);
Field field(const std::string& name, int64_t v);

Operand tile(const std::string& name, int64_t offset = 0);
Operand tile(const std::string& name, Value offset);
Operand gm(const std::string& name, Affine address);
// A register operand holding `v` (x0 when it is the constant 0).
Operand imm(Value v);
Operand imm(int64_t v);

Stmt op(const std::string& mnemonic, std::vector<Operand> operands, std::vector<Field> fields);

// Appends `body` to `out`, inside `if (cond)` when a condition is given.
void add_guarded(Body& out, const std::optional<Condition>& cond, Body body);

}  // namespace npu::compiler::ir
