// The cube fractal MAC array (rtl/cube/npu_cube_fractal.sv) against the C++ cube and its timing
// model (cube_harness.h): directed corner cases of docs/numerics.md section 9, hand-checked
// cycle counts, every shipped chip's cube timing, 10,000 seeded random transactions under random
// cube timings, and two deliberately mis-modelled variants (rounding by truncation, one cycle of
// extra latency) that the harness must catch.
#include <gtest/gtest.h>

#include <cstdio>

#include <cstring>
#include <filesystem>

#include "Vcube.h"
#include "Vcube_slow.h"
#include "Vcube_truncating.h"
#include "config/loader.h"
#include "tests/rtl/cube_harness.h"
#include "tests/rtl/cube_harness_impl.h"
#include "tests/support/run_command.h"

namespace npu::rtl_test {
namespace {

config::ChipConfig shipped_chip(const std::string& name) {
  return config::load_chip_config(test::source_path("configs/chips/" + name + ".yaml")).config;
}

uint32_t c_word(const std::array<uint8_t, 1024>& c, size_t m, size_t n) {
  uint32_t v;
  std::memcpy(&v, c.data() + 4 * (m * 16 + n), 4);
  return v;
}

void set16(std::array<uint8_t, 512>& f, size_t index, uint16_t v) {
  std::memcpy(f.data() + 2 * index, &v, 2);
}

// One k fractal, everything zero; element (m, k) of A at a[m * 16 + k], (k, n) of B at
// b[n * 16 + k] (fp16 / bf16).
CubeTransaction one_fractal(isa::DataType src, uint32_t k_count) {
  CubeTransaction t;
  t.src = src;
  t.last_k = k_count;
  t.a.resize(1);
  t.b.resize(1);
  t.request = 1;
  return t;
}

void set_c0(CubeTransaction& t, size_t m, size_t n, uint32_t v) {
  t.zero_init = false;
  std::memcpy(t.c0.data() + 4 * (m * 16 + n), &v, 4);
}

std::string wave(const std::string& name) {
  return (std::filesystem::current_path() / (name + ".fst")).string();
}

// Runs the RTL on `stream` with the tiny chip's cube timing, asserts it agrees with the C++
// cube, and returns the C++ results.
std::vector<std::array<uint8_t, 1024>> run_agreeing(const std::vector<CubeTransaction>& stream) {
  const CubeRunResult r = run_cube_harness<Vcube>(shipped_chip("tiny"), stream,
                                                  wave("rtl_cube_directed_mismatch"));
  EXPECT_TRUE(r.ok) << r.report;
  std::vector<std::array<uint8_t, 1024>> out;
  for (const CubeTransaction& t : stream) out.push_back(cpp_cube_result(t));
  return out;
}

TEST(RtlCube, SequentialAccumulationCornerCases) {
  std::vector<CubeTransaction> s;
  // Products 2^24, 1, 1, 1 from C0 = 0: each +1 is a tie that stays at 2^24 (4B800000).
  s.push_back(one_fractal(isa::DataType::kF16, 4));
  for (size_t k = 0; k < 4; ++k) {
    set16(s.back().a[0], k, k == 0 ? 0x6C00 : 0x3C00);  // 2^12, 1
    set16(s.back().b[0], k, k == 0 ? 0x6C00 : 0x3C00);
  }
  // C0 = 2^24, products 1, 1 -> 2^24.
  s.push_back(one_fractal(isa::DataType::kF16, 2));
  set_c0(s.back(), 0, 0, 0x4B800000);
  for (size_t k = 0; k < 2; ++k) {
    set16(s.back().a[0], k, 0x3C00);
    set16(s.back().b[0], k, 0x3C00);
  }
  // Products +Inf and -Inf -> canonical NaN.
  s.push_back(one_fractal(isa::DataType::kF16, 2));
  set16(s.back().a[0], 0, 0x7C00);
  set16(s.back().a[0], 1, 0x7C00);
  set16(s.back().b[0], 0, 0x3C00);
  set16(s.back().b[0], 1, 0xBC00);
  // bf16: 2^-100 x 2^-50 rounds to 0 before the addition: C0 = 2^-149 stays 00000001.
  s.push_back(one_fractal(isa::DataType::kBf16, 1));
  set_c0(s.back(), 0, 0, 0x00000001);
  set16(s.back().a[0], 0, 0x0D80);
  set16(s.back().b[0], 0, 0x2680);
  // int8: C0 = 2^31 - 1 plus 1 x 1 wraps to -2^31.
  s.push_back(one_fractal(isa::DataType::kS8, 1));
  set_c0(s.back(), 0, 0, 0x7FFFFFFF);
  s.back().a[0][0] = 1;
  s.back().b[0][0] = 1;
  // uint8: 255 x 255 x 32 = 2080800 in every element.
  s.push_back(one_fractal(isa::DataType::kU8, 32));
  s.back().a[0].fill(255);
  s.back().b[0].fill(255);
  // Products beyond K are not added: C0 = -0, the product -0 (k = 0) added, +0 (k = 1) not.
  s.push_back(one_fractal(isa::DataType::kF16, 1));
  set_c0(s.back(), 0, 0, 0x80000000);
  set16(s.back().a[0], 0, 0x8000);
  set16(s.back().b[0], 0, 0x3C00);
  // K = 0 from a NaN C0 with a payload: the result is the canonical NaN.
  s.push_back(one_fractal(isa::DataType::kF16, 0));
  set_c0(s.back(), 0, 0, 0xFFC12345);
  space_requests(s, 2);

  const auto c = run_agreeing(s);
  EXPECT_EQ(c_word(c[0], 0, 0), 0x4B800000u);
  EXPECT_EQ(c_word(c[1], 0, 0), 0x4B800000u);
  EXPECT_EQ(c_word(c[2], 0, 0), 0x7FC00000u);
  EXPECT_EQ(c_word(c[3], 0, 0), 0x00000001u);
  EXPECT_EQ(c_word(c[4], 0, 0), 0x80000000u);
  EXPECT_EQ(c_word(c[5], 7, 9), 2080800u);
  EXPECT_EQ(c_word(c[6], 0, 0), 0x80000000u);
  EXPECT_EQ(c_word(c[7], 0, 0), 0x7FC00000u);
}

TEST(RtlCube, HandCheckedCycles) {
  // One fractal alone, accepted at edge 1: its result after cycles_per_fractal + startup more
  // edges. The shipped chips' cube (1 cycle per fractal, startup 3), and a slow one.
  const config::ChipConfig tiny = shipped_chip("tiny");
  ASSERT_EQ(tiny.cube.fp16.cycles_per_fractal, 1u);
  ASSERT_EQ(tiny.cube.startup_cycles, 3u);
  CubeRunResult r = run_cube_harness<Vcube>(tiny, {one_fractal(isa::DataType::kF16, 16)},
                                            wave("rtl_cube_cycles_mismatch"));
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.cycles, 1u + 1 + 3);
  r = run_cube_harness<Vcube>(cube_config(16, 16, 16, 3), {one_fractal(isa::DataType::kF16, 16)},
                              wave("rtl_cube_cycles_mismatch"));
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.cycles, 1u + 16 + 3);
  // No startup at all: the result right after the fractal's one cycle.
  r = run_cube_harness<Vcube>(cube_config(1, 1, 1, 0), {one_fractal(isa::DataType::kBf16, 16)},
                              wave("rtl_cube_cycles_mismatch"));
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.cycles, 1u + 1);
  // Two instructions back to back, fp16 of 3 k fractals (2 cycles each) then int8 of 1 (5
  // cycles), startup 4: the int8 one starts at edge 1 + 3 x 2 and its result comes 5 + 4 later.
  std::vector<CubeTransaction> s = random_cube_transactions(7, 2, tiny);
  s[0].src = isa::DataType::kF16;
  s[0].last_k = 16;
  s[0].a.resize(3);
  s[0].b.resize(3);
  s[1].src = isa::DataType::kS8;
  s[1].last_k = 32;
  s[1].a.resize(1);
  s[1].b.resize(1);
  s[0].request = 1;
  s[1].request = 1;
  r = run_cube_harness<Vcube>(cube_config(2, 7, 5, 4), s, wave("rtl_cube_cycles_mismatch"));
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.cycles, 1u + 3 * 2 + 5 + 4);
  EXPECT_EQ(r.fractals, 4u);
}

TEST(RtlCube, ShippedChipsCubeTimings) {
  for (const char* name : {"tiny", "ascend910", "ascend910b", "ascend310"}) {
    SCOPED_TRACE(name);
    const config::ChipConfig chip = shipped_chip(name);
    const CubeRunResult r =
        run_cube_harness<Vcube>(chip, random_cube_transactions(11, 200, chip),
                                wave(std::string("rtl_cube_") + name + "_mismatch"));
    ASSERT_TRUE(r.ok) << r.report;
    EXPECT_EQ(r.transactions, 200u);
  }
}

TEST(RtlCube, TenThousandRandomTransactionsUnderRandomTimings) {
  // 50 random cube timings, 200 random transactions each (the block is reset with each timing).
  uint64_t transactions = 0;
  uint64_t fractals = 0;
  uint64_t slow = 0;  // timings with a type of more than 20 cycles per fractal
  for (uint64_t i = 0; i < 50; ++i) {
    const config::ChipConfig timing = random_cube_config(20261127 + i);
    slow += std::max({timing.cube.fp16.cycles_per_fractal, timing.cube.bf16.cycles_per_fractal,
                      timing.cube.int8.cycles_per_fractal}) > 20;
    const CubeRunResult r =
        run_cube_harness<Vcube>(timing, random_cube_transactions(20261127 + i, 200, timing),
                                wave("rtl_cube_random_mismatch"));
    ASSERT_TRUE(r.ok) << r.report;
    transactions += r.transactions;
    fractals += r.fractals;
  }
  EXPECT_EQ(transactions, 10000u);
  EXPECT_GT(slow, 0u) << "some timings have slow types";
  RecordProperty("fractals", std::to_string(fractals));
}

TEST(RtlCube, HarnessCatchesTruncationInsteadOfRounding) {
  const std::string path = wave("rtl_cube_truncating_mismatch");
  std::filesystem::remove(path);
  const config::ChipConfig tiny = shipped_chip("tiny");
  const CubeRunResult r = run_cube_harness<Vcube_truncating>(
      tiny, random_cube_transactions(1, 200, tiny), path);
  ASSERT_FALSE(r.ok);
  std::printf("the harness reports, as it should:\n%s\n", r.report.c_str());
  EXPECT_NE(r.report.find(": RTL "), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("C++ cube"), std::string::npos) << r.report;
  EXPECT_GT(std::filesystem::file_size(path), 0u);
}

TEST(RtlCube, HarnessCatchesOneCycleOfExtraLatency) {
  // Under the shipped timing and under random ones.
  for (uint64_t seed : {0, 1, 2}) {
    const config::ChipConfig timing = seed == 0 ? shipped_chip("tiny") : random_cube_config(seed);
    SCOPED_TRACE(describe_cube_timing(timing));
    const std::string path = wave("rtl_cube_slow_mismatch");
    std::filesystem::remove(path);
    const CubeRunResult r =
        run_cube_harness<Vcube_slow>(timing, random_cube_transactions(1, 200, timing), path);
    ASSERT_FALSE(r.ok);
    if (seed == 0) std::printf("the harness reports, as it should:\n%s\n", r.report.c_str());
    EXPECT_NE(r.report.find("the timing model completes it"), std::string::npos) << r.report;
    EXPECT_NE(r.report.find(describe_cube_timing(timing)), std::string::npos) << r.report;
    EXPECT_GT(std::filesystem::file_size(path), 0u);
  }
}

}  // namespace
}  // namespace npu::rtl_test
