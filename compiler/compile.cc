// The compiler driver (see compile.h).
#include "compiler/compile.h"

#include "compiler/passes/buffer_allocation.h"
#include "compiler/passes/codegen.h"
#include "compiler/passes/double_buffering.h"
#include "compiler/passes/peephole.h"
#include "compiler/passes/sync_insertion.h"
#include "isa/assembler.h"

namespace npu::compiler {

CompileResult compile_kernel(Kernel kernel, const config::ChipConfig& chip) {
  CompileResult r;
  double_buffer(kernel);
  allocate_buffers(kernel, chip);
  insert_syncs(kernel, chip);
  r.assembly = remove_redundant_instructions(generate_assembly(kernel, chip));
  r.binary = isa::assemble(r.assembly, "<" + kernel.name + ".s>");
  r.lowered = std::move(kernel);
  return r;
}

}  // namespace npu::compiler
