// Co-simulation: whole compiled matmul kernels run on the shipped chips, unmodified, twice: with
// the C++ cube and with the Verilated RTL cube in the loop (sim/cosim, npusim --rtl-cube), which
// takes the chip's cube timing on its configuration inputs. They must give the same output bits
// and the same cycles, the total and every core's. Also the errors a user meets: a chip config
// whose cube the RTL cannot be, a timing-only run.
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
#include "sim/cosim/rtl_cube_config.h"
#include "tests/support/run_command.h"

namespace npu {
namespace {

// A shipped chip, with `overrides` (--set KEY=VALUE).
config::ChipConfig chip(const std::string& name, const std::vector<std::string>& overrides = {}) {
  return config::load_chip_config(test::source_path("configs/chips/" + name + ".yaml"), overrides)
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

void expect_identical(const std::string& chip_name, const std::string& op,
                      const std::vector<std::string>& overrides = {}) {
  SCOPED_TRACE(op + " on " + chip_name);
  const config::ChipConfig config = chip(chip_name, overrides);
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

TEST(RtlCosim, MatmulIdenticalOnTheShippedTinyChip) {
  // Partial fractals in m, n and k; several k tiles accumulating in L0C; fp16 and fp32 out.
  expect_identical("tiny", "matmul m=48 n=40 k=72 dtype=fp16 out_dtype=fp32");
  expect_identical("tiny", "matmul m=64 n=64 k=256 dtype=fp16");
}

TEST(RtlCosim, MatmulIdenticalOnTheShippedMultiCoreChips) {
  expect_identical("ascend910b", "matmul m=96 n=64 k=64 dtype=fp16");
  expect_identical("ascend910b", "matmul m=64 n=48 k=96 dtype=bf16 out_dtype=fp32");
  expect_identical("ascend910", "matmul m=64 n=64 k=64 dtype=fp16");
}

TEST(RtlCosim, MatmulIdenticalUnderOtherCubeTimings) {
  // A cube slower per fractal than the shipped ones, and one without startup latency.
  expect_identical("tiny", "matmul m=48 n=40 k=72 dtype=fp16",
                   {"cube.fp16.cycles_per_fractal=16", "cube.startup_cycles=7"});
  expect_identical("tiny", "matmul m=32 n=32 k=64 dtype=fp16", {"cube.startup_cycles=0"});
}

TEST(RtlCosim, RejectsAChipWhoseCubeTheRtlCannotBe) {
  const config::ChipConfig bad =
      chip("tiny", {"cube.fp32.enabled=true", "cube.startup_cycles=16", "cube.int8.k0=16"});
  try {
    sim::rtl_cube_timing(bad);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("--rtl-cube: the RTL cube cannot be this chip's cube"), std::string::npos)
        << text;
    EXPECT_NE(text.find("\n  cube.startup_cycles = 16 (at most 15)"), std::string::npos) << text;
    EXPECT_NE(text.find("\n  cube.int8.k0 = 16 (needs 32)"), std::string::npos) << text;
    EXPECT_NE(text.find("\n  cube.fp32.enabled = true (needs false: the RTL has no fp32 mode)"),
              std::string::npos)
        << text;
  }
  // The shipped chips are all fine as they are.
  for (const char* name : {"tiny", "ascend910", "ascend910b", "ascend310"}) {
    const sim::RtlCubeTiming t = sim::rtl_cube_timing(chip(name));
    EXPECT_EQ(t.cycles_per_fractal_fp16, 1u) << name;
    EXPECT_EQ(t.startup_cycles, 3u) << name;
  }
}

TEST(RtlCosim, CommandLine) {
  const std::string dir = test::make_temp_dir();
  const std::string chip_file = test::source_path("configs/chips/tiny.yaml");
  const test::CommandResult ok =
      test::run_npusim("run --op 'matmul m=32 n=32 k=32 dtype=fp16' --check --rtl-cube --chip " +
                       chip_file + " --out " + dir);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("check passed"), std::string::npos) << ok.out;
  const test::CommandResult bad =
      test::run_npusim("run --op 'matmul m=32 n=32 k=32 dtype=fp16' --rtl-cube --chip " +
                       chip_file + " --set cube.fp32.enabled=true --out " + dir);
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("--rtl-cube: the RTL cube cannot be this chip's cube"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("cube.fp32.enabled = true"), std::string::npos) << bad.err;
  const test::CommandResult timing = test::run_npusim(
      "run --op 'matmul m=32 n=32 k=32 dtype=fp16' --timing-only --rtl-cube --chip " + chip_file +
      " --out " + dir);
  EXPECT_EQ(timing.exit_code, 2);
  EXPECT_NE(timing.err.find("--timing-only"), std::string::npos) << timing.err;
}

}  // namespace
}  // namespace npu
