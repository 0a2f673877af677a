// Scalar code generation: lowers a Kernel whose tiles are placed and whose syncs are inserted
// to assembly text for isa::assemble. Loops become counters and branches (`pfor` strides by the
// number of workers: block_dim, times sub_block_dim for AIV kernels), `let` becomes div / rem,
// affine GM addresses become mul / add chains on the argument pointers, packed parameter words
// are packed with isa/packed.h layouts (fields that select on a runtime condition are shifted
// into place at run time), and a small register allocator hands out x2..x29 per scope
// (x30 / x31 stay the assembler's temporaries). Out-of-range fields and a kernel needing more
// registers than exist are compile errors.
#pragma once

#include <string>

#include "compiler/ir/kernel_ir.h"
#include "config/chip_config.h"

namespace npu::compiler {

std::string generate_assembly(const Kernel& kernel, const config::ChipConfig& chip);

}  // namespace npu::compiler
