// The `.nk` printer: writes a Kernel in the textual form that nk_parser reads back to an equal
// Kernel (the round trip the tests check). docs/compiler.md describes the syntax.
#pragma once

#include <string>

#include "compiler/ir/kernel_ir.h"

namespace npu::compiler {

std::string print_kernel(const Kernel& kernel);

// Pieces, also used in error messages and by the code generator's comments.
std::string print_affine(const Affine& a);
std::string print_condition(const Condition& c);
std::string print_value(const Value& v);
std::string print_operand(const Operand& o);
std::string print_sync(const SyncStmt& s);

}  // namespace npu::compiler
