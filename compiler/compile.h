// The compiler driver: runs the passes in order on a kernel (double buffering, buffer
// allocation, sync insertion, code generation, peephole clean-up) and assembles the result.
#pragma once

#include <string>

#include "compiler/ir/kernel_ir.h"
#include "config/chip_config.h"
#include "isa/npubin.h"

namespace npu::compiler {

struct CompileResult {
  Kernel lowered;        // after every pass (print_kernel shows it)
  std::string assembly;  // what was assembled (--emit-asm)
  isa::Binary binary;
};

CompileResult compile_kernel(Kernel kernel, const config::ChipConfig& chip);

}  // namespace npu::compiler
