// What an op reads and writes (see op_operands.h).
#include "compiler/passes/op_operands.h"

#include <string>

#include "base/error.h"

namespace npu::compiler {

const isa::InstructionInfo* op_info(const OpStmt& op) {
  return isa::find_mnemonic(op.mnemonic.substr(0, op.mnemonic.find('.')));
}

std::vector<const isa::FieldSpec*> operand_specs(const isa::InstructionInfo& info) {
  std::vector<const isa::FieldSpec*> out;
  for (const isa::FieldSpec& f : info.fields)
    if (f.syntax == isa::Syntax::kPositional && f.kind == isa::FieldKind::kReg &&
        f.role != isa::RegRole::kPacked)
      out.push_back(&f);
  return out;
}

isa::Pipe op_pipe(const OpStmt& op) {
  const isa::InstructionInfo* info = op_info(op);
  NPU_CHECK(info != nullptr, "op without a table row: " + op.mnemonic);
  return info->pipe;
}

bool operand_written(const OpStmt& op, size_t index) {
  const isa::InstructionInfo* info = op_info(op);
  NPU_CHECK(info != nullptr, "op without a table row: " + op.mnemonic);
  auto specs = operand_specs(*info);
  if (index >= specs.size()) return false;
  return specs[index]->name == "dst" || specs[index]->name == "c";
}

}  // namespace npu::compiler
