// `npusim compile (--op SPEC | KERNEL.nk) --chip CHIP.yaml -o OUT.npubin [--emit-asm]`: builds
// the op's kernel (or reads a .nk kernel), runs the compiler's passes for the chip and writes
// the binary; --emit-asm also writes OUT.s (the generated assembly) and OUT.nk (the kernel
// after every pass).
#include <string>

#include "base/error.h"
#include "compiler/compile.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/ir/nk_printer.h"
#include "compiler/ops/op_spec.h"
#include "compiler/ops/ops.h"
#include "config/loader.h"
#include "isa/npubin.h"
#include "runtime/autotune.h"
#include "tools/npusim/commands.h"
#include "tools/npusim/run_outputs.h"

namespace npu::cli {
namespace {

std::string stem(const std::string& path) {
  size_t dot = path.rfind('.');
  size_t slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return path;
  return path.substr(0, dot);
}

}  // namespace

void add_compile_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("compile", "Compile an op spec or a .nk kernel to a .npubin");
  static std::string op, kernel_file, chip_file, output;
  static bool emit_asm = false, autotune = false;
  cmd->add_option("KERNEL.nk", kernel_file, "Kernel in the .nk language");
  cmd->add_option("--op", op, "Op spec, e.g. \"matmul m=64 n=64 k=64 dtype=fp16\"");
  cmd->add_option("--chip", chip_file, "Chip config (YAML)")->required();
  cmd->add_option("-o,--output", output, "Binary to write")->required();
  cmd->add_flag("--emit-asm", emit_asm, "Also write OUT.s and OUT.nk");
  cmd->add_flag("--autotune", autotune,
                "Run the cost model's best tilings timing-only and compile the fastest");
  cmd->callback([] {
    if (op.empty() == kernel_file.empty())
      throw UserError("compile needs exactly one of --op SPEC and KERNEL.nk");
    config::ChipConfig chip = config::load_chip_config(chip_file).config;
    compiler::Kernel kernel;
    if (op.empty()) {
      kernel = compiler::parse_kernel_file(kernel_file);
    } else {
      compiler::OpSpec spec = compiler::parse_op_spec(op);
      if (autotune) spec = runtime::autotuned_spec(chip, spec);
      kernel = compiler::build_op(spec, chip).kernel;
    }
    compiler::CompileResult r = compiler::compile_kernel(std::move(kernel), chip);
    isa::save_npubin(r.binary, output);
    if (emit_asm) {
      write_text(stem(output) + ".s", r.assembly);
      write_text(stem(output) + ".nk", compiler::print_kernel(r.lowered));
    }
  });
}

}  // namespace npu::cli
