// The kernels of examples/asm/kernels/ run on a chip and produce the values a host reference
// computes (inputs are small integers, so every fp16 / fp32 result is exact whatever the
// summation order), with --racecheck on: the examples' flags order every shared byte.
#include <gtest/gtest.h>

#include <cstring>

#include "isa/assembler.h"
#include "numerics/convert.h"
#include "tests/sim_core/sim_test_util.h"
#include "tests/support/run_command.h"

namespace npu::test {
namespace {

// The example's only kernel, renamed `k` for SimRun.
isa::Binary example(const std::string& name) {
  isa::Binary binary = isa::assemble_file(source_path("examples/asm/kernels/" + name + ".s"));
  EXPECT_EQ(binary.kernels.size(), 1u);
  EXPECT_EQ(binary.kernels.at(0).name, name);
  binary.kernels.at(0).name = "k";
  return binary;
}

sim::SimOptions checked() {
  sim::SimOptions o = SimRun::trace_on();
  o.racecheck = true;
  return o;
}

uint16_t f16(double v) { return numerics::double_to_fp16(v).bits; }
float from_f16(uint16_t bits) { return numerics::fp16_to_fp32(numerics::Fp16{bits}); }

template <typename T>
uint64_t upload(SimRun& sim, const std::vector<T>& data) {
  const uint64_t address = sim.alloc(data.size() * sizeof(T));
  sim.write(address, data.data(), data.size() * sizeof(T));
  return address;
}

template <typename T>
std::vector<T> download(SimRun& sim, uint64_t address, size_t count) {
  std::vector<T> out(count);
  sim.read(address, out.data(), count * sizeof(T));
  return out;
}

TEST(Examples, VectorAdd) {
  SimRun sim(chip_config("tiny"), checked());
  const size_t n = 4096;
  std::vector<uint16_t> x(n), y(n);
  for (size_t i = 0; i < n; ++i) {
    x[i] = f16(static_cast<double>(i % 64) * 0.5);
    y[i] = f16(static_cast<double>(i % 10) - 5);
  }
  const uint64_t z = sim.alloc(n * 2);
  sim.run(example("vector_add"), {upload(sim, x), upload(sim, y), z, n});
  const auto out = download<uint16_t>(sim, z, n);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(from_f16(out[i]), from_f16(x[i]) + from_f16(y[i])) << i;
  }
}

TEST(Examples, ReluDoubleBuffer) {
  SimRun sim(chip_config("tiny"), checked());
  const size_t n = 8192;
  std::vector<uint16_t> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = f16(static_cast<double>(i % 17) - 8);
  const uint64_t y = sim.alloc(n * 2);
  sim.run(example("relu_double_buffer"), {upload(sim, x), y, n});
  const auto out = download<uint16_t>(sim, y, n);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(from_f16(out[i]), std::max(0.0f, from_f16(x[i]))) << i;
  }
  // Double buffering overlaps the pipes: MTE2 loads the first pong tile before MTE3 has
  // finished writing the first ping tile.
  auto first = [&](const std::string& text, int nth) {
    const uint64_t pc = sim.pc_of(text, nth);
    for (const sim::TraceSlice& s : sim.result().trace.slices) {
      if (s.pc == pc) return s;
    }
    return sim::TraceSlice{};
  };
  const sim::TraceSlice pong_load = first("copy_gm_to_ub", 1);
  const sim::TraceSlice ping_store = first("copy_ub_to_gm", 0);
  EXPECT_LT(pong_load.start, ping_store.start + ping_store.duration);
}

TEST(Examples, ReduceSum) {
  SimRun sim(chip_config("tiny"), checked());
  std::vector<float> x(4096);
  double sum = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>(i % 7) - 3.0f;
    sum += x[i];
  }
  const uint64_t out = sim.alloc(4);
  sim.run(example("reduce_sum"), {upload(sim, x), out});
  EXPECT_EQ(download<float>(sim, out, 1)[0], static_cast<float>(sum));
}

// A (rows x k) x B (k x n), small integers, exact in fp32.
std::vector<float> reference(const std::vector<uint16_t>& a, const std::vector<uint16_t>& b,
                             size_t rows, size_t k, size_t n) {
  std::vector<float> c(rows * n, 0.0f);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < n; ++j) {
      float acc = 0;
      for (size_t kk = 0; kk < k; ++kk) acc += from_f16(a[i * k + kk]) * from_f16(b[kk * n + j]);
      c[i * n + j] = acc;
    }
  }
  return c;
}

void fill(std::vector<uint16_t>& a, std::vector<uint16_t>& b, size_t rows, size_t k, size_t n) {
  a.resize(rows * k);
  b.resize(k * n);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t kk = 0; kk < k; ++kk) a[i * k + kk] = f16(static_cast<double>((i + kk) % 5) - 2);
  }
  for (size_t kk = 0; kk < k; ++kk) {
    for (size_t j = 0; j < n; ++j) b[kk * n + j] = f16(static_cast<double>((kk * 3 + j) % 7) - 3);
  }
}

TEST(Examples, MatmulTiled) {
  SimRun sim(chip_config("tiny"), checked());
  std::vector<uint16_t> a, b;
  fill(a, b, 32, 64, 32);
  const uint64_t c = sim.alloc(32 * 32 * 4);
  sim.run(example("matmul_tiled"), {upload(sim, a), upload(sim, b), c});
  EXPECT_EQ(download<float>(sim, c, 32 * 32), reference(a, b, 32, 64, 32));
  // Two K tiles: two mmads of 32 x 32 x 32.
  EXPECT_EQ(sim.result().cores[0].stats[sim::CoreStat::kCubeMacs], 2u * 32 * 32 * 32);
}

TEST(Examples, MatmulMulticore) {
  SimRun sim(chip_config("tiny", {"chip.cores=4"}), checked());
  std::vector<uint16_t> a, b;
  fill(a, b, 128, 64, 32);
  const uint64_t c = sim.alloc(128 * 32 * 4);
  sim.run(example("matmul_multicore"), {upload(sim, a), upload(sim, b), c}, 4);
  EXPECT_EQ(download<float>(sim, c, 128 * 32), reference(a, b, 128, 64, 32));
  EXPECT_EQ(sim.result().cores.size(), 4u);
}

TEST(Examples, MatmulReluFixpipe) {
  SimRun sim(chip_config("tiny"), checked());
  std::vector<uint16_t> a, b;
  fill(a, b, 32, 32, 32);
  const uint64_t d = sim.alloc(32 * 32 * 2);
  sim.run(example("matmul_relu_fixpipe"), {upload(sim, a), upload(sim, b), d});
  const std::vector<float> c = reference(a, b, 32, 32, 32);
  const auto out = download<uint16_t>(sim, d, 32 * 32);
  for (size_t i = 0; i < c.size(); ++i) {
    ASSERT_EQ(out[i], f16(std::max(0.0f, c[i]))) << i;
  }
}

}  // namespace
}  // namespace npu::test
