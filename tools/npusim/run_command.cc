// `npusim run --chip CHIP.yaml (--op SPEC | KERNEL.nk) [--timing-only] [--check] [--racecheck]
// [--set KEY=VALUE]... [--rtl-cube] [--autotune] [--out DIR] [--trace-limit N] [--no-trace]`:
// compiles the workload, runs it on the simulated chip through the runtime, prints the summary
// and writes report.json and trace.json (the same files as `npusim exec`) to the output folder.
// --check compares
// the outputs with the op's host reference and exits 1 on a mismatch. With no workload it runs
// the default: a 2048 x 2048 x 2048 fp16 matmul on configs/chips/ascend910.yaml, timing-only
// (a functional run of that size takes minutes on the host).
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.h"
#include "compiler/compile.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/ops/op_spec.h"
#include "config/loader.h"
#include "runtime/autotune.h"
#include "runtime/device.h"
#include "runtime/op_runner.h"
#include "sim/core/report.h"
#include "tools/npusim/commands.h"
#include "tools/npusim/rtl_cube_option.h"
#include "tools/npusim/run_outputs.h"

namespace npu::cli {
void add_run_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("run", "Compile and run an op or a .nk kernel on a chip");
  static std::string op, kernel_file, chip_file, out_dir;
  static bool timing_only = false, check = false, racecheck = false, autotune = false;
  static bool rtl_cube = false;
  static TraceFlags trace;
  static std::vector<std::string> overrides;
  cmd->add_option("KERNEL.nk", kernel_file, "Kernel in the .nk language");
  cmd->add_option("--op", op, "Op spec, e.g. \"matmul m=64 n=64 k=64 dtype=fp16\"");
  cmd->add_option("--chip", chip_file, "Chip config (YAML; default configs/chips/ascend910.yaml)");
  cmd->add_flag("--timing-only", timing_only, "Compute no data, only time");
  cmd->add_flag("--check", check, "Compare the outputs with the host reference (exit 1 on mismatch)");
  cmd->add_flag("--racecheck", racecheck, "Report unordered accesses of two pipes to one buffer");
  cmd->add_flag("--autotune", autotune,
                "Run the cost model's best tilings timing-only first and keep the fastest");
  cmd->add_option("--out", out_dir,
                  "Folder for report.json and trace.json (default: a fresh out/run-N)");
  cmd->add_option("--set", overrides, "Override a config key, e.g. --set cube.startup_cycles=3");
  cmd->add_flag("--rtl-cube", rtl_cube,
                "Compute mmad with the Verilated RTL cube in the loop (docs/rtl.md)");
  trace.add_to(*cmd);
  cmd->callback([] {
    if (!op.empty() && !kernel_file.empty())
      throw UserError("run takes one workload: --op SPEC or KERNEL.nk, not both");
    bool is_default = op.empty() && kernel_file.empty();
    if (is_default) {
      op = "matmul m=2048 n=2048 k=2048 dtype=fp16";
      if (!check && !racecheck) timing_only = true;
      std::printf("default workload: %s on %s (timing-only; add --check for a functional run)\n",
                  op.c_str(), chip_file.empty() ? "configs/chips/ascend910.yaml" : chip_file.c_str());
    }
    if (chip_file.empty()) chip_file = "configs/chips/ascend910.yaml";
    if (timing_only && (check || racecheck))
      throw UserError("--check and --racecheck need a functional run (drop --timing-only)");
    config::ChipConfig chip = config::load_chip_config(chip_file, overrides).config;
    sim::SimOptions options;
    options.timing_only = timing_only;
    options.racecheck = racecheck;
    if (rtl_cube) options.cube_backend = rtl_cube_backend(chip, timing_only);
    trace.apply(options);
    runtime::Device device = runtime::Device::simulated(chip, options);
    sim::RunResult run;
    runtime::CheckResult result;
    double useful_macs = 0;
    if (!op.empty()) {
      compiler::OpSpec spec = compiler::parse_op_spec(op);
      if (autotune) spec = runtime::autotuned_spec(chip, spec);
      runtime::OpRun r = runtime::run_op(device, spec, check);
      std::printf("%s\n", r.op.summary.c_str());
      run = r.run;
      result = r.check;
      useful_macs = r.op.useful_macs;
    } else {
      compiler::Kernel kernel = compiler::parse_kernel_file(kernel_file);
      if (check) throw UserError("--check needs an op (--op SPEC): a .nk kernel has no reference");
      std::vector<uint64_t> args;
      for (const compiler::Arg& a : kernel.args)
        args.push_back(device.malloc(a.bytes ? a.bytes : 4096, a.name));
      compiler::CompileResult c = compiler::compile_kernel(kernel, chip);
      device.load(c.binary);
      run = device.launch(kernel.name, args, static_cast<uint32_t>(chip.chip.cores));
    }
    std::printf("%s", sim::summary_table(chip, run).c_str());
    if (useful_macs > 0)
      std::printf("useful cube utilization: %.1f%% (the op's %.0f MACs, without padding or "
                  "masked work)\n",
                  100.0 * sim::useful_cube_utilization(chip, run, useful_macs), useful_macs);
    const std::filesystem::path dir = prepare_out_dir(out_dir, "run");
    write_run_reports(dir, chip, options, run);
    std::printf("reports written to %s\n", dir.string().c_str());
    if (result.checked) {
      std::printf("check: max abs error %.3g, max rel error %.3g, %llu mismatches\n",
                  result.max_abs_error, result.max_rel_error,
                  static_cast<unsigned long long>(result.mismatches));
      std::fflush(stdout);
      if (!result.passed)
        throw ProgramError("check failed: " + std::to_string(result.mismatches) +
                           " elements differ from the reference; first: " + result.first_mismatch);
      std::printf("check passed\n");
    }
    std::fflush(stdout);
  });
}

}  // namespace npu::cli
