// Float <-> integer conversions against the C library's rounding functions in double and the
// host's int -> float conversion under fesetround(): every rounding mode, the saturation edges,
// NaN and Inf.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "numerics/convert.h"
#include "tests/numerics/reference.h"

namespace npu::numerics {
namespace {

using testing::float_bits;
using testing::float_from_bits;

// Quarter steps across the int16 range and beyond (every tie and non-tie), the saturation edges
// of every type, specials, subnormals, and a seeded random sample of all bit patterns.
std::vector<float> int_conversion_inputs() {
  std::vector<float> inputs;
  for (int q = -4 * 33000; q <= 4 * 33000; ++q) {
    inputs.push_back(static_cast<float>(q) / 4);
  }
  const float edges[] = {127.5f,       127.49999f,  128.0f,      -128.5f,        -128.49998f,
                         -129.0f,      255.5f,      255.49998f,  256.0f,         -0.5f,
                         -0.49999997f, -1.0f,       32767.5f,    32768.0f,       -32768.5f,
                         -32769.0f,    0x1p31f,     -0x1p31f,    0x1.fffffep30f, -0x1.fffffep30f,
                         0x1p32f,      -0x1p32f,    0x1p23f + 1, 0x1p23f - 0.5f, 0x1p24f,
                         8388607.5f,   -8388607.5f, 1e30f,       -1e30f,         0.0f,
                         -0.0f,        0x1p-149f,   -0x1p-149f,  0x1p-126f,      0.49999997f,
                         0.5f,         0.50000006f, 1.5f,        2.5f,           -2.5f,
                         3.5f};
  inputs.insert(inputs.end(), std::begin(edges), std::end(edges));
  inputs.push_back(fp32_from_bits(0x7F800000u));
  inputs.push_back(fp32_from_bits(0xFF800000u));
  inputs.push_back(fp32_from_bits(0x7FC00000u));
  inputs.push_back(fp32_from_bits(0xFFFFFFFFu));
  inputs.push_back(fp32_from_bits(0x7F800001u));
  testing::Random random(11);
  for (int i = 0; i < (1 << 18); ++i) {
    inputs.push_back(float_from_bits(random.next32()));
  }
  return inputs;
}

template <typename Int>
void expect_fp32_to_int_matches_reference(const std::vector<float>& inputs) {
  for (RoundingMode mode : kAllRoundingModes) {
    for (float x : inputs) {
      ASSERT_EQ(fp32_to_int<Int>(x, mode), testing::reference_to_int<Int>(x, mode))
          << std::hex << float_bits(x) << " (" << x << ") " << rounding_mode_name(mode);
    }
  }
}

TEST(ConvertInt, Fp32ToInt8MatchesReference) {
  expect_fp32_to_int_matches_reference<int8_t>(int_conversion_inputs());
}
TEST(ConvertInt, Fp32ToUint8MatchesReference) {
  expect_fp32_to_int_matches_reference<uint8_t>(int_conversion_inputs());
}
TEST(ConvertInt, Fp32ToInt16MatchesReference) {
  expect_fp32_to_int_matches_reference<int16_t>(int_conversion_inputs());
}
TEST(ConvertInt, Fp32ToInt32MatchesReference) {
  expect_fp32_to_int_matches_reference<int32_t>(int_conversion_inputs());
}

// Every fp16 value, every integer type, every mode.
TEST(ConvertInt, EveryFp16MatchesReference) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const Fp16 h{static_cast<uint16_t>(bits)};
    const double x = is_nan(h) ? std::numeric_limits<double>::quiet_NaN()
                               : static_cast<double>(testing::float16_from_bits(h.bits));
    for (RoundingMode mode : kAllRoundingModes) {
      ASSERT_EQ(fp16_to_int<int8_t>(h, mode), testing::reference_to_int<int8_t>(x, mode)) << bits;
      ASSERT_EQ(fp16_to_int<uint8_t>(h, mode), testing::reference_to_int<uint8_t>(x, mode));
      ASSERT_EQ(fp16_to_int<int16_t>(h, mode), testing::reference_to_int<int16_t>(x, mode));
      ASSERT_EQ(fp16_to_int<int32_t>(h, mode), testing::reference_to_int<int32_t>(x, mode));
    }
  }
}

// The saturation and rounding table of docs/numerics.md.
TEST(ConvertInt, CornerCases) {
  using R = RoundingMode;
  const float nan = fp32_from_bits(0x7FC00000u);
  const float inf = fp32_from_bits(0x7F800000u);
  EXPECT_EQ(fp32_to_int<int8_t>(127.5f, R::kRint), 127);  // 128 saturates
  EXPECT_EQ(fp32_to_int<int8_t>(126.5f, R::kRint), 126);  // tie -> even
  EXPECT_EQ(fp32_to_int<int8_t>(126.5f, R::kAway), 127);
  EXPECT_EQ(fp32_to_int<int8_t>(-128.5f, R::kRint), -128);
  EXPECT_EQ(fp32_to_int<int8_t>(-128.5f, R::kCeil), -128);
  EXPECT_EQ(fp32_to_int<int8_t>(-129.0f, R::kCeil), -128);
  EXPECT_EQ(fp32_to_int<int8_t>(-127.5f, R::kFloor), -128);
  EXPECT_EQ(fp32_to_int<int8_t>(-2.5f, R::kOdd), -3);  // odd on the magnitude
  EXPECT_EQ(fp32_to_int<int8_t>(-2.0f, R::kOdd), -2);  // exact stays
  EXPECT_EQ(fp32_to_int<int8_t>(2.25f, R::kOdd), 3);
  EXPECT_EQ(fp32_to_int<int8_t>(3.75f, R::kOdd), 3);
  EXPECT_EQ(fp32_to_int<int8_t>(-2.5f, R::kZero), -2);
  EXPECT_EQ(fp32_to_int<uint8_t>(-0.5f, R::kRint), 0);  // -0 -> 0
  EXPECT_EQ(fp32_to_int<uint8_t>(-0.6f, R::kRint), 0);  // -1 saturates to 0
  EXPECT_EQ(fp32_to_int<uint8_t>(255.5f, R::kRint), 255);
  EXPECT_EQ(fp32_to_int<uint8_t>(254.5f, R::kAway), 255);
  EXPECT_EQ(fp32_to_int<int16_t>(32767.5f, R::kRint), 32767);
  EXPECT_EQ(fp32_to_int<int16_t>(-32768.5f, R::kAway), -32768);
  EXPECT_EQ(fp32_to_int<int32_t>(0x1p31f, R::kRint), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(fp32_to_int<int32_t>(-0x1p31f, R::kRint), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(fp32_to_int<int32_t>(0x1.fffffep30f, R::kRint), 2147483520);
  EXPECT_EQ(fp32_to_int<int32_t>(-0x1p32f, R::kZero), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(fp32_to_int<int32_t>(8388607.5f, R::kRint), 8388608);
  EXPECT_EQ(fp32_to_int<int32_t>(0x1p-149f, R::kCeil), 1);
  EXPECT_EQ(fp32_to_int<int32_t>(-0x1p-149f, R::kFloor), -1);
  for (RoundingMode mode : kAllRoundingModes) {
    EXPECT_EQ(fp32_to_int<int8_t>(nan, mode), 0);
    EXPECT_EQ(fp32_to_int<int32_t>(-nan, mode), 0);
    EXPECT_EQ(fp32_to_int<int8_t>(inf, mode), 127);
    EXPECT_EQ(fp32_to_int<int8_t>(-inf, mode), -128);
    EXPECT_EQ(fp32_to_int<uint8_t>(-inf, mode), 0);
    EXPECT_EQ(fp32_to_int<int32_t>(inf, mode), std::numeric_limits<int32_t>::max());
    EXPECT_EQ(fp16_to_int<int16_t>(kFp16Inf, mode), 32767);
    EXPECT_EQ(fp16_to_int<int32_t>(kFp16NaN, mode), 0);
  }
  EXPECT_EQ(fp16_to_int<int32_t>(kFp16Max), 65504);
}

std::vector<int32_t> int32_inputs() {
  std::vector<int32_t> inputs;
  for (int32_t v = -70000; v <= 70000; ++v) {
    inputs.push_back(v);
  }
  for (int32_t base : {1 << 24, 1 << 25, 1 << 30, std::numeric_limits<int32_t>::max() - 200}) {
    for (int32_t d = 0; d < 200; ++d) {
      inputs.push_back(base + d);
      inputs.push_back(-base - d);
    }
  }
  inputs.push_back(std::numeric_limits<int32_t>::min());
  inputs.push_back(std::numeric_limits<int32_t>::max());
  testing::Random random(12);
  for (int i = 0; i < (1 << 18); ++i) {
    inputs.push_back(static_cast<int32_t>(random.next32()));
  }
  return inputs;
}

TEST(ConvertInt, Int32ToFp32MatchesReferences) {
  const std::vector<int32_t> inputs = int32_inputs();
  for (RoundingMode mode : kAllRoundingModes) {
    std::vector<uint32_t> host(inputs.size());
    const int fe = testing::fenv_mode(mode);
    if (fe >= 0) {
      testing::ScopedRounding rounding(fe);
      for (size_t i = 0; i < inputs.size(); ++i) {
        volatile int32_t in = inputs[i];
        volatile float converted = static_cast<float>(in);
        host[i] = float_bits(converted);
      }
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      const int32_t v = inputs[i];
      const uint32_t got = fp32_bits(int32_to_fp32(v, mode));
      ASSERT_EQ(got, testing::reference_fp32_bits(v, mode)) << v << " " << rounding_mode_name(mode);
      if (fe >= 0) {
        ASSERT_EQ(got, host[i]) << v << " " << rounding_mode_name(mode);
      }
    }
  }
}

TEST(ConvertInt, Int32ToFp32CornerCases) {
  EXPECT_EQ(fp32_bits(int32_to_fp32((1 << 24) + 1)), 0x4B800000u);  // tie -> even
  EXPECT_EQ(fp32_bits(int32_to_fp32((1 << 24) + 1, RoundingMode::kCeil)), 0x4B800001u);
  EXPECT_EQ(fp32_bits(int32_to_fp32((1 << 24) + 3)), 0x4B800002u);  // tie -> even (up)
  EXPECT_EQ(fp32_bits(int32_to_fp32(std::numeric_limits<int32_t>::min())), 0xCF000000u);
  EXPECT_EQ(fp32_bits(int32_to_fp32(std::numeric_limits<int32_t>::max())), 0x4F000000u);
  EXPECT_EQ(fp32_bits(int32_to_fp32(std::numeric_limits<int32_t>::max(), RoundingMode::kZero)),
            0x4EFFFFFFu);
  EXPECT_EQ(fp32_bits(int32_to_fp32(0)), 0x00000000u);
}

TEST(ConvertInt, Int32ToFp16MatchesReference) {
  for (int32_t v : int32_inputs()) {
    for (RoundingMode mode : kAllRoundingModes) {
      ASSERT_EQ(int32_to_fp16(v, mode).bits, testing::reference_fp16_bits(v, mode))
          << v << " " << rounding_mode_name(mode);
    }
  }
  using R = RoundingMode;
  EXPECT_EQ(int32_to_fp16(65504).bits, 0x7BFF);
  EXPECT_EQ(int32_to_fp16(65519).bits, 0x7BFF);
  EXPECT_EQ(int32_to_fp16(65520).bits, 0x7C00);  // overflow -> Inf
  EXPECT_EQ(int32_to_fp16(std::numeric_limits<int32_t>::min()).bits, 0xFC00);
  EXPECT_EQ(int32_to_fp16(std::numeric_limits<int32_t>::max(), R::kZero).bits, 0x7BFF);
  EXPECT_EQ(int32_to_fp16(2049).bits, 0x6800);  // 2048: tie -> even
  EXPECT_EQ(int32_to_fp16(2051).bits, 0x6802);  // 2052: tie -> even
  EXPECT_EQ(int32_to_fp16(2049, R::kOdd).bits, 0x6801);
}

TEST(ConvertInt, SmallIntegersToFp16AreExact) {
  for (int v = -128; v <= 127; ++v) {
    const int8_t i = static_cast<int8_t>(v);
    EXPECT_EQ(int8_to_fp16(i).bits, testing::float16_bits(static_cast<_Float16>(v))) << v;
  }
  for (int v = 0; v <= 255; ++v) {
    const uint8_t u = static_cast<uint8_t>(v);
    EXPECT_EQ(uint8_to_fp16(u).bits, testing::float16_bits(static_cast<_Float16>(v))) << v;
  }
}

template <typename Int>
void expect_arrays_match_scalars(const std::vector<float>& in, const std::vector<Fp16>& half) {
  std::vector<Int> out(in.size());
  std::vector<Int> out_half(half.size());
  for (RoundingMode mode : kAllRoundingModes) {
    convert(in, std::span<Int>(out), mode);
    convert(std::span<const Fp16>(half), std::span<Int>(out_half), mode);
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(out[i], fp32_to_int<Int>(in[i], mode)) << i;
      ASSERT_EQ(out_half[i], fp16_to_int<Int>(half[i], mode)) << i;
    }
  }
}

TEST(ConvertInt, ArraysMatchScalarConversions) {
  testing::Random random(13);
  std::vector<float> in(1003);  // not a multiple of a vector
  std::vector<Fp16> half(1003);
  for (size_t i = 0; i < in.size(); ++i) {
    const uint32_t r = random.next32();
    // Half small values with fractions, half arbitrary bit patterns.
    in[i] = i % 2 == 0 ? static_cast<float>(static_cast<int32_t>(r % 2000) - 1000) / 8
                       : float_from_bits(r);
    half[i] = Fp16{static_cast<uint16_t>(r)};
  }
  expect_arrays_match_scalars<int8_t>(in, half);
  expect_arrays_match_scalars<uint8_t>(in, half);
  expect_arrays_match_scalars<int16_t>(in, half);
  expect_arrays_match_scalars<int32_t>(in, half);
}

static_assert(fp32_to_int<int8_t>(127.5f) == 127);
static_assert(fp32_to_int<int8_t, RoundingMode::kFloor>(-0.5f) == -1);
static_assert(int32_to_fp16(65520) == kFp16Inf);

}  // namespace
}  // namespace npu::numerics
