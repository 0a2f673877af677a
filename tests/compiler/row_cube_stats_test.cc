// The timing prototype behind docs/performance.md "Row statistics on the cube"
// (examples/nk/layernorm_cube_stats.nk: layernorm of 4096 x 1024 fp16 on ascend910 with the
// row sums and sums of squares from the cube, variance E[x^2] - mean^2), run on the simulated
// 910 with the race check against the op's fp64 reference and fp16 tolerance: rows of inputs in
// [-1, 1] (what --check feeds the op) match, rows offset by 100 (mean / std ~ 170) do not. The
// first half backs the speed measured with the kernel, the second the accuracy reason it did
// not become the op.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/ops/ops.h"
#include "runtime/device.h"
#include "runtime/tensor_codec.h"
#include "tests/compiler/compiler_test_util.h"

namespace npu::compiler {
namespace {

constexpr int64_t kRows = 4096, kCols = 1024;
constexpr double kOffset = 100.0;

std::vector<double> fp16_values(size_t count, double offset, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  std::vector<double> v(count);
  for (double& x : v) x = runtime::round_to(isa::DataType::kF16, offset + dist(rng));
  return v;
}

TEST(RowCubeStatsTest, MatchesTheReferenceOnlyWhileTheMeanIsSmall) {
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(chip("ascend910"), options);
  CompileResult c = compile_kernel(
      parse_kernel_file(std::string(NPUSIM_SOURCE_DIR) + "/examples/nk/layernorm_cube_stats.nk"),
      device.config());
  std::mt19937_64 rng(5);
  const size_t half = static_cast<size_t>(kRows / 2 * kCols);
  std::vector<double> x = fp16_values(half, 0.0, rng);
  std::vector<double> shifted = fp16_values(half, kOffset, rng);
  x.insert(x.end(), shifted.begin(), shifted.end());
  std::vector<double> gamma = fp16_values(kCols, 0.0, rng), beta = fp16_values(kCols, 0.0, rng);
  const uint64_t bytes = x.size() * 2;
  uint64_t px = device.malloc(bytes, "x"), pg = device.malloc(kCols * 2, "gamma");
  uint64_t pb = device.malloc(kCols * 2, "beta"), py = device.malloc(bytes, "y");
  device.copy_to_device(px, runtime::encode(isa::DataType::kF16, x));
  device.copy_to_device(pg, runtime::encode(isa::DataType::kF16, gamma));
  device.copy_to_device(pb, runtime::encode(isa::DataType::kF16, beta));
  device.load(c.binary);
  std::vector<uint64_t> args = {px, pg, pb, py};
  device.launch("layernorm_cube_stats", args, 32);
  std::vector<uint8_t> out(bytes);
  device.copy_to_host(out, py);
  std::vector<double> got = runtime::decode(isa::DataType::kF16, out);

  const OpSpec spec = parse_op_spec("layernorm rows=4096 cols=1024 dtype=fp16");
  const OpKernel op = build_op(spec, chip("ascend910"));
  const std::vector<double> want = reference(spec, {x, gamma, beta})[0];
  double worst_small = 0, worst_shifted = 0;
  size_t bad_small = 0, bad_shifted = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::abs(got[i] - want[i]);
    const bool bad = err > op.atol + op.rtol * std::abs(want[i]);
    if (i < half) {
      worst_small = std::max(worst_small, err);
      bad_small += bad;
    } else {
      worst_shifted = std::max(worst_shifted, err);
      bad_shifted += bad;
    }
  }
  EXPECT_EQ(bad_small, 0u) << "worst error " << worst_small;
  EXPECT_LT(worst_small, 4e-3);
  // E[x^2] - mean^2 with mean ~ 100 and std ~ 0.58 in fp32 sums: rstd off by several percent.
  EXPECT_GT(bad_shifted, half / 4) << "worst error " << worst_shifted;
  EXPECT_GT(worst_shifted, 2e-2);
  RecordProperty("worst_error_small_mean", std::to_string(worst_small));
  RecordProperty("worst_error_mean_100", std::to_string(worst_shifted));
}

}  // namespace
}  // namespace npu::compiler
