// Co-simulation: whole compiled matmul kernels run on the chip model twice, with the C++ cube and
// with the Verilated RTL cube in the loop (sim/cosim, npusim --rtl-cube), and must give the same
// output bits and the same cycles, the total and every core's. Also the errors a user meets:
// a chip config whose cube differs from the RTL's, a timing-only run.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "compiler/ops/op_spec.h"
#include "config/loader.h"
#include "runtime/device.h"
#include "runtime/op_runner.h"
#include "sim/cosim/rtl_cube_backend.h"
#include "tests/support/run_command.h"

namespace npu {
namespace {

// A chip whose cube is the RTL's: every cube mode's cycles per fractal set to the RTL's.
std::vector<std::string> rtl_cube_overrides() {
  const std::string cpf = std::to_string(sim::rtl_cube_cycles_per_fractal());
  return {"cube.fp16.cycles_per_fractal=" + cpf, "cube.bf16.cycles_per_fractal=" + cpf,
          "cube.int8.cycles_per_fractal=" + cpf,
          "cube.startup_cycles=" + std::to_string(sim::rtl_cube_startup_cycles())};
}

config::ChipConfig chip(const std::string& name) {
  return config::load_chip_config(test::source_path("configs/chips/" + name + ".yaml"),
                                  rtl_cube_overrides())
      .config;
}

// Counts what the RTL cube did, so a test knows the RTL really computed the kernel.
struct RtlUse {
  int mmads = 0;     // run() calls
  int measured = 0;  // timings the chip took from the RTL
};

class CountingCube final : public sim::CubeBackend {
 public:
  CountingCube(std::unique_ptr<sim::CubeBackend> inner, RtlUse& use)
      : m_inner(std::move(inner)), m_use(use) {}
  void run(const sim::CubeJob& job) override {
    ++m_use.mmads;
    m_inner->run(job);
  }
  std::optional<sim::PipeTiming> take_measured_timing() override {
    std::optional<sim::PipeTiming> t = m_inner->take_measured_timing();
    if (t) ++m_use.measured;
    return t;
  }

 private:
  std::unique_ptr<sim::CubeBackend> m_inner;
  RtlUse& m_use;
};

runtime::OpRun run(const config::ChipConfig& config, const std::string& op, RtlUse* rtl) {
  sim::SimOptions options;
  if (rtl != nullptr) {
    options.cube_backend = [rtl](const config::ChipConfig& c) -> std::unique_ptr<sim::CubeBackend> {
      return std::make_unique<CountingCube>(sim::rtl_cube_backend()(c), *rtl);
    };
  }
  runtime::Device device = runtime::Device::simulated(config, options);
  return runtime::run_op(device, compiler::parse_op_spec(op), true);
}

void expect_identical(const std::string& chip_name, const std::string& op) {
  SCOPED_TRACE(op + " on " + chip_name);
  const config::ChipConfig config = chip(chip_name);
  RtlUse use;
  const runtime::OpRun cpp = run(config, op, nullptr);
  const runtime::OpRun rtl = run(config, op, &use);
  EXPECT_GT(use.mmads, 0);
  EXPECT_EQ(use.measured, use.mmads) << "every mmad timed by the RTL";
  EXPECT_TRUE(cpp.check.passed) << cpp.check.first_mismatch;
  EXPECT_TRUE(rtl.check.passed) << rtl.check.first_mismatch;
  ASSERT_FALSE(cpp.outputs.empty());
  EXPECT_EQ(rtl.outputs, cpp.outputs) << "the output bits differ";
  EXPECT_GT(cpp.run.cycles, 0u);
  EXPECT_EQ(rtl.run.cycles, cpp.run.cycles);
  ASSERT_EQ(rtl.run.cores.size(), cpp.run.cores.size());
  for (size_t c = 0; c < cpp.run.cores.size(); ++c) {
    EXPECT_EQ(rtl.run.cores[c].finish, cpp.run.cores[c].finish) << "core " << c;
  }
}

TEST(RtlCosim, MatmulIdenticalWithTheRtlCube) {
  // Partial fractals in m, n and k; several k tiles accumulating in L0C; fp16 and fp32 out.
  expect_identical("tiny", "matmul m=48 n=40 k=72 dtype=fp16 out_dtype=fp32");
  expect_identical("tiny", "matmul m=64 n=64 k=256 dtype=fp16");
}

TEST(RtlCosim, MatmulIdenticalOnASplitChipWithSeveralCores) {
  expect_identical("ascend910b", "matmul m=96 n=64 k=64 dtype=fp16");
}

TEST(RtlCosim, RejectsAChipWhoseCubeIsNotTheRtls) {
  const config::ChipConfig tiny =
      config::load_chip_config(test::source_path("configs/chips/tiny.yaml")).config;
  try {
    sim::check_rtl_cube_config(tiny);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("cube.fp16.cycles_per_fractal = 1 (needs " +
                        std::to_string(sim::rtl_cube_cycles_per_fractal()) + ")"),
              std::string::npos)
        << text;
  }
}

TEST(RtlCosim, CommandLine) {
  std::string set;
  for (const std::string& o : rtl_cube_overrides()) set += " --set " + o;
  const std::string dir = test::make_temp_dir();
  const std::string chip_file = test::source_path("configs/chips/tiny.yaml");
  const test::CommandResult ok =
      test::run_npusim("run --op 'matmul m=32 n=32 k=32 dtype=fp16' --check --rtl-cube --chip " +
                       chip_file + set + " --out " + dir);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("check passed"), std::string::npos) << ok.out;
  const test::CommandResult bad =
      test::run_npusim("run --op 'matmul m=32 n=32 k=32 dtype=fp16' --rtl-cube --chip " +
                       chip_file + " --out " + dir);
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("--rtl-cube: this chip's cube is not the one the RTL implements"),
            std::string::npos)
      << bad.err;
  const test::CommandResult timing = test::run_npusim(
      "run --op 'matmul m=32 n=32 k=32 dtype=fp16' --timing-only --rtl-cube --chip " + chip_file +
      set + " --out " + dir);
  EXPECT_EQ(timing.exit_code, 2);
  EXPECT_NE(timing.err.find("--timing-only"), std::string::npos) << timing.err;
}

}  // namespace
}  // namespace npu
