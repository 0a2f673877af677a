// What an op of the kernel IR reads and writes, from the ISA table: its pipe, the register
// fields its operands stand for, and which operands it writes. Shared by sync insertion, double
// buffering and codegen.
#pragma once

#include <cstddef>
#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "isa/instruction.h"

namespace npu::compiler {

// The pipe an op runs in and whether operand i is written: from the ISA table.
isa::Pipe op_pipe(const OpStmt& op);
// The row of an op's mnemonic (the part before the first '.'); nullptr if unknown.
const isa::InstructionInfo* op_info(const OpStmt& op);
// The register fields an op's operands stand for, in order: positional register fields that
// are not packed parameter words (those are spelled as named fields).
std::vector<const isa::FieldSpec*> operand_specs(const isa::InstructionInfo& info);
bool operand_written(const OpStmt& op, size_t index);

}  // namespace npu::compiler
