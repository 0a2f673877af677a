// Float <-> float conversions against independent references: GCC's _Float16 conversions run
// under fesetround() (libgcc's soft-float honours the host rounding mode) and the double-based
// reference_round(). The fp32 -> fp16 and fp32 -> bf16 tests cover every equivalence class of
// input exhaustively: every exponent and sign, every pattern of the bits that survive or decide
// the rounding, and zero / non-zero sticky bits, plus a seeded random sample.
// NPU_NUMERICS_EXHAUSTIVE=1 in the environment also runs all 2^32 fp32 inputs for nearest-even.
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "numerics/convert.h"
#include "tests/numerics/reference.h"

namespace npu::numerics {
namespace {

using testing::float_bits;
using testing::float_from_bits;

// Every fp32 input class that matters for a 16-bit destination keeping `kept` mantissa bits at
// the top: all signs, all values of the top `kept + 1` mantissa bits (kept bits plus the round
// bit, which also covers every subnormal rounding position), and four patterns for the rest
// (zero, lowest bit, highest bit, all ones). Exponents in [full_lo, full_hi] get every top
// pattern; outside, where the result is 0, the smallest subnormal, Inf or the largest finite
// value whatever the mantissa, 40 spread-out top patterns including the extremes suffice.
std::vector<uint32_t> fp32_rounding_classes(int kept, uint32_t full_lo, uint32_t full_hi) {
  const int top = kept + 1;
  const int low = 23 - top;
  const uint32_t top_count = 1u << top;
  const uint32_t low_mask = (1u << low) - 1;
  const uint32_t low_patterns[] = {0u, 1u, 1u << (low - 1), low_mask};
  std::vector<uint32_t> sparse_tops;
  for (uint32_t high = 0; high < top_count; high += top_count / 32) {
    sparse_tops.push_back(high);
  }
  for (uint32_t high : {1u, 2u, 3u, top_count / 2 - 1, top_count / 2 + 1, top_count - 3,
                        top_count - 2, top_count - 1}) {
    sparse_tops.push_back(high);
  }
  std::vector<uint32_t> all_tops(top_count);
  for (uint32_t high = 0; high < top_count; ++high) {
    all_tops[high] = high;
  }
  std::vector<uint32_t> inputs;
  for (uint32_t sign = 0; sign < 2; ++sign) {
    for (uint32_t exp = 0; exp < 256; ++exp) {
      const bool full = exp >= full_lo && exp <= full_hi;
      for (uint32_t high : full ? all_tops : sparse_tops) {
        for (uint32_t pattern : low_patterns) {
          inputs.push_back((sign << 31) | (exp << 23) | (high << low) | pattern);
        }
      }
    }
  }
  return inputs;
}

// fp16 results depend on the mantissa for fp32 exponents 101 (2^-26, below which everything
// rounds like 2^-26 does) to 142 (2^15, above which everything overflows).
std::vector<uint32_t> fp16_rounding_classes() { return fp32_rounding_classes(10, 101, 143); }
// bf16 has fp32's exponent range: every exponent matters.
std::vector<uint32_t> bf16_rounding_classes() { return fp32_rounding_classes(7, 0, 255); }

std::vector<uint32_t> random_fp32(size_t count, uint64_t seed) {
  testing::Random random(seed);
  std::vector<uint32_t> inputs(count);
  for (uint32_t& x : inputs) {
    x = random.next32();
  }
  return inputs;
}

TEST(ConvertFp16, WideningIsExactForEveryFp16) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const Fp16 h{static_cast<uint16_t>(bits)};
    const float got = fp16_to_fp32(h);
    if (is_nan(h)) {
      ASSERT_EQ(fp32_bits(got), 0x7FC00000u) << std::hex << bits;
    } else {
      const float expected = static_cast<float>(testing::float16_from_bits(h.bits));
      ASSERT_EQ(fp32_bits(got), float_bits(expected)) << std::hex << bits;
    }
  }
}

TEST(ConvertFp16, EveryFp16RoundTripsInEveryMode) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const Fp16 h{static_cast<uint16_t>(bits)};
    for (RoundingMode mode : kAllRoundingModes) {
      const Fp16 back = fp32_to_fp16(fp16_to_fp32(h), mode);
      ASSERT_EQ(back.bits, is_nan(h) ? 0x7E00 : h.bits) << std::hex << bits;
    }
  }
}

// Midpoints between neighbouring fp16 values, and one fp32 ulp either side: the inputs where
// rounding decides, exhaustively, compared with the host's own _Float16 conversion.
TEST(ConvertFp16, EveryMidpointMatchesHostInIeeeModes) {
  std::vector<uint32_t> inputs;
  for (uint32_t bits = 0; bits < 0x7C00; ++bits) {
    const double lo = static_cast<double>(testing::float16_from_bits(static_cast<uint16_t>(bits)));
    const double hi =
        bits == 0x7BFF
            ? 65536.0
            : static_cast<double>(testing::float16_from_bits(static_cast<uint16_t>(bits + 1)));
    const uint32_t mid = float_bits(static_cast<float>((lo + hi) / 2));  // exact in fp32
    for (uint32_t x : {mid - 1, mid, mid + 1}) {
      inputs.push_back(x);
      inputs.push_back(x | 0x80000000u);
    }
  }
  for (RoundingMode mode : kAllRoundingModes) {
    const int fe = testing::fenv_mode(mode);
    if (fe < 0) {
      continue;
    }
    const std::vector<uint16_t> expected = testing::host_float_to_float16(inputs, fe);
    for (size_t i = 0; i < inputs.size(); ++i) {
      ASSERT_EQ(fp32_to_fp16(float_from_bits(inputs[i]), mode).bits, expected[i])
          << std::hex << inputs[i] << " mode " << rounding_mode_name(mode);
    }
  }
}

TEST(ConvertFp16, EveryInputClassMatchesHostInIeeeModes) {
  const std::vector<uint32_t> inputs = fp16_rounding_classes();
  for (RoundingMode mode : kAllRoundingModes) {
    const int fe = testing::fenv_mode(mode);
    if (fe < 0) {
      continue;
    }
    const std::vector<uint16_t> host = testing::host_float_to_float16(inputs, fe);
    for (size_t i = 0; i < inputs.size(); ++i) {
      const uint32_t x = inputs[i];
      const uint16_t expected = (x & 0x7FFFFFFFu) > 0x7F800000u ? 0x7E00 : host[i];
      ASSERT_EQ(fp32_to_fp16(float_from_bits(x), mode).bits, expected)
          << std::hex << x << " mode " << rounding_mode_name(mode);
    }
  }
}

TEST(ConvertFp16, EveryInputClassMatchesDoubleReferenceInAllModes) {
  const std::vector<uint32_t> inputs = fp16_rounding_classes();
  for (RoundingMode mode : kAllRoundingModes) {
    for (uint32_t x : inputs) {
      const float f = float_from_bits(x);
      ASSERT_EQ(fp32_to_fp16(f, mode).bits, testing::reference_fp16_bits(f, mode))
          << std::hex << x << " mode " << rounding_mode_name(mode);
    }
  }
}

TEST(ConvertFp16, RandomInputsMatchReferences) {
  const std::vector<uint32_t> inputs = random_fp32(1 << 18, 1);
  for (RoundingMode mode : kAllRoundingModes) {
    const int fe = testing::fenv_mode(mode);
    const std::vector<uint16_t> host =
        fe >= 0 ? testing::host_float_to_float16(inputs, fe) : std::vector<uint16_t>();
    for (size_t i = 0; i < inputs.size(); ++i) {
      const float f = float_from_bits(inputs[i]);
      const uint16_t got = fp32_to_fp16(f, mode).bits;
      ASSERT_EQ(got, testing::reference_fp16_bits(f, mode)) << std::hex << inputs[i];
      if (fe >= 0 && !is_nan(f)) {
        ASSERT_EQ(got, host[i]) << std::hex << inputs[i];
      }
    }
  }
}

// All 2^32 inputs, nearest even, against the host conversion in the default mode. Opt-in: it
// takes about 7 CPU minutes (libgcc's soft-float conversion is the slow part); it passed when
// the library was written.
TEST(ConvertFp16, AllFp32InputsNearestEvenWhenRequested) {
  const char* env = std::getenv("NPU_NUMERICS_EXHAUSTIVE");
  if (env == nullptr || std::string(env) != "1") {
    GTEST_SKIP() << "set NPU_NUMERICS_EXHAUSTIVE=1";
  }
  uint32_t x = 0;
  do {
    const float f = float_from_bits(x);
    const uint16_t expected = is_nan(f) ? 0x7E00 : testing::float16_bits(static_cast<_Float16>(f));
    ASSERT_EQ(fp32_to_fp16(f).bits, expected) << std::hex << x;
  } while (++x != 0);
}

// The corner-case table of docs/numerics.md, fp32 -> fp16.
TEST(ConvertFp16, CornerCases) {
  using R = RoundingMode;
  struct Case {
    float in;
    R mode;
    uint16_t out;
  };
  const Case cases[] = {
      {1.0f, R::kRint, 0x3C00},
      {1.0f + 0x1p-11f, R::kRint, 0x3C00},      // tie -> even
      {1.0f + 0x1p-11f, R::kAway, 0x3C01},      // tie -> away
      {1.0f + 3 * 0x1p-11f, R::kRint, 0x3C02},  // tie -> even (up)
      {1.0f + 0x1p-11f, R::kOdd, 0x3C01},       // inexact -> odd
      {1.0f + 0x1p-10f, R::kOdd, 0x3C01},       // exact stays
      {1.0f + 0x1p-12f, R::kCeil, 0x3C01},
      {-1.0f - 0x1p-12f, R::kCeil, 0xBC00},
      {-1.0f - 0x1p-12f, R::kFloor, 0xBC01},
      {65504.0f, R::kRint, 0x7BFF},   // max finite
      {65519.99f, R::kRint, 0x7BFF},  // below the overflow midpoint
      {65520.0f, R::kRint, 0x7C00},   // the midpoint to 2^16: Inf
      {65520.0f, R::kAway, 0x7C00},
      {65520.0f, R::kZero, 0x7BFF},
      {65520.0f, R::kFloor, 0x7BFF},
      {65505.0f, R::kCeil, 0x7C00},
      {-65505.0f, R::kCeil, 0xFBFF},
      {-65505.0f, R::kFloor, 0xFC00},
      {1e10f, R::kOdd, 0x7BFF},
      {1e10f, R::kZero, 0x7BFF},
      {-1e10f, R::kRint, 0xFC00},
      {0x1p-24f, R::kRint, 0x0001},         // smallest subnormal
      {0x1p-25f, R::kRint, 0x0000},         // half of it: tie -> even (0)
      {-0x1p-25f, R::kRint, 0x8000},        // keeps the sign of zero
      {0x1.000002p-25f, R::kRint, 0x0001},  // just above the tie
      {0x1p-25f, R::kAway, 0x0001},
      {0x1p-40f, R::kCeil, 0x0001},
      {0x1p-40f, R::kRint, 0x0000},
      {0x1p-40f, R::kOdd, 0x0001},
      {-0x1p-40f, R::kFloor, 0x8001},
      {0x1p-149f, R::kZero, 0x0000},  // fp32 subnormal input
      {0x1p-149f, R::kCeil, 0x0001},
      {0x1.ff8p-15f, R::kRint, 0x03FF},  // largest subnormal
      {0x1.ffcp-15f, R::kRint, 0x0400},  // tie above it -> min normal
      {0x1p-14f, R::kRint, 0x0400},
      {0.0f, R::kRint, 0x0000},
      {-0.0f, R::kCeil, 0x8000},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(fp32_to_fp16(c.in, c.mode).bits, c.out) << c.in << " " << rounding_mode_name(c.mode);
  }
  for (RoundingMode mode : kAllRoundingModes) {
    EXPECT_EQ(fp32_to_fp16(fp32_from_bits(0x7F800000u), mode).bits, 0x7C00);
    EXPECT_EQ(fp32_to_fp16(fp32_from_bits(0xFF800000u), mode).bits, 0xFC00);
    EXPECT_EQ(fp32_to_fp16(fp32_from_bits(0x7F800001u), mode).bits, 0x7E00);  // signalling
    EXPECT_EQ(fp32_to_fp16(fp32_from_bits(0xFFFFFFFFu), mode).bits, 0x7E00);  // sign dropped
  }
}

TEST(ConvertBf16, EveryInputClassMatchesDoubleReference) {
  const std::vector<uint32_t> inputs = bf16_rounding_classes();
  for (RoundingMode mode : kAllRoundingModes) {
    for (uint32_t x : inputs) {
      const float f = float_from_bits(x);
      ASSERT_EQ(fp32_to_bf16(f, mode).bits, testing::reference_bf16_bits(f, mode))
          << std::hex << x << " mode " << rounding_mode_name(mode);
    }
  }
}

TEST(ConvertBf16, RandomInputsMatchDoubleReference) {
  const std::vector<uint32_t> inputs = random_fp32(1 << 18, 2);
  for (RoundingMode mode : kAllRoundingModes) {
    for (uint32_t x : inputs) {
      const float f = float_from_bits(x);
      ASSERT_EQ(fp32_to_bf16(f, mode).bits, testing::reference_bf16_bits(f, mode)) << std::hex << x;
    }
  }
}

TEST(ConvertBf16, WideningIsExact) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const Bf16 h{static_cast<uint16_t>(bits)};
    const uint32_t expected = is_nan(h) ? 0x7FC00000u : bits << 16;
    ASSERT_EQ(fp32_bits(bf16_to_fp32(h)), expected) << std::hex << bits;
  }
}

TEST(ConvertBf16, CornerCases) {
  using R = RoundingMode;
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x3F808000u), R::kRint).bits, 0x3F80);  // tie -> even
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x3F818000u), R::kRint).bits, 0x3F82);  // tie -> even
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x3F808000u), R::kAway).bits, 0x3F81);
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x3F808001u), R::kRint).bits, 0x3F81);
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x7F7FFFFFu), R::kRint).bits, 0x7F80);  // -> Inf
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x7F7FFFFFu), R::kZero).bits, 0x7F7F);
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x7F7FFFFFu), R::kOdd).bits, 0x7F7F);
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0xFF7FFFFFu), R::kCeil).bits, 0xFF7F);
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0xFF7FFFFFu), R::kFloor).bits, 0xFF80);
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x00000001u), R::kRint).bits, 0x0000);  // fp32 subnormal
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x00000001u), R::kCeil).bits, 0x0001);
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x00008000u), R::kRint).bits, 0x0000);  // tie -> even
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x00018000u), R::kRint).bits, 0x0002);
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x007F8000u), R::kRint).bits, 0x0080);  // -> min normal
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0xFFC12345u), R::kRint).bits, 0x7FC0);  // NaN
  EXPECT_EQ(fp32_to_bf16(fp32_from_bits(0x7F800001u), R::kZero).bits, 0x7FC0);  // NaN
}

// fp16 <-> bf16 round once from the exact value: every input, every mode.
TEST(ConvertFp16Bf16, EveryInputMatchesDoubleReference) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const uint16_t b = static_cast<uint16_t>(bits);
    const double from_fp16 = static_cast<double>(testing::float16_from_bits(b));
    const double from_bf16 = static_cast<double>(float_from_bits(bits << 16));
    for (RoundingMode mode : kAllRoundingModes) {
      ASSERT_EQ(fp16_to_bf16(Fp16{b}, mode).bits, testing::reference_bf16_bits(from_fp16, mode))
          << std::hex << bits;
      ASSERT_EQ(bf16_to_fp16(Bf16{b}, mode).bits, testing::reference_fp16_bits(from_bf16, mode))
          << std::hex << bits;
    }
  }
}

std::vector<double> random_doubles(size_t count, uint64_t seed) {
  testing::Random random(seed);
  std::vector<double> values;
  for (size_t i = 0; i < count; ++i) {
    const uint64_t bits = random.next();
    double d;
    // Half anywhere in double's range, half near the 16-bit formats' ranges.
    if (i % 2 == 0) {
      std::memcpy(&d, &bits, sizeof d);
    } else {
      d = std::ldexp(static_cast<double>(bits >> 11) * 0x1p-53, static_cast<int>(bits % 300) - 150);
      if (((bits >> 8) & 1) != 0) {
        d = -d;
      }
    }
    values.push_back(d);
  }
  return values;
}

TEST(ConvertDouble, RandomInputsMatchReferences) {
  const std::vector<double> inputs = random_doubles(1 << 17, 3);
  for (RoundingMode mode : kAllRoundingModes) {
    const int fe = testing::fenv_mode(mode);
    for (double d : inputs) {
      ASSERT_EQ(double_to_fp16(d, mode).bits, testing::reference_fp16_bits(d, mode)) << d;
      ASSERT_EQ(double_to_bf16(d, mode).bits, testing::reference_bf16_bits(d, mode)) << d;
      const uint32_t got = fp32_bits(double_to_fp32(d, mode));
      ASSERT_EQ(got, testing::reference_fp32_bits(d, mode)) << d;
      if (fe >= 0 && !std::isnan(d)) {
        testing::ScopedRounding rounding(fe);
        volatile double in = d;
        volatile float host = static_cast<float>(in);
        ASSERT_EQ(got, float_bits(host)) << d;
      }
    }
  }
}

TEST(ConvertDouble, AgreesWithFp32PathOnFp32Inputs) {
  const std::vector<uint32_t> inputs = random_fp32(1 << 18, 4);
  for (RoundingMode mode : kAllRoundingModes) {
    for (uint32_t x : inputs) {
      const float f = float_from_bits(x);
      ASSERT_EQ(double_to_fp16(f, mode), fp32_to_fp16(f, mode)) << std::hex << x;
      ASSERT_EQ(double_to_bf16(f, mode), fp32_to_bf16(f, mode)) << std::hex << x;
    }
  }
}

TEST(ConvertDouble, CornerCases) {
  EXPECT_EQ(fp32_bits(double_to_fp32(0x1p-150)), 0x00000000u);    // tie -> even (0)
  EXPECT_EQ(fp32_bits(double_to_fp32(0x1.8p-149)), 0x00000002u);  // tie -> even (2)
  EXPECT_EQ(fp32_bits(double_to_fp32(0x1p-1000, RoundingMode::kCeil)), 0x00000001u);
  EXPECT_EQ(fp32_bits(double_to_fp32(-0x1p-1000, RoundingMode::kOdd)), 0x80000001u);
  EXPECT_EQ(fp32_bits(double_to_fp32(1e300)), 0x7F800000u);
  EXPECT_EQ(fp32_bits(double_to_fp32(1e300, RoundingMode::kZero)), 0x7F7FFFFFu);
  EXPECT_EQ(fp32_bits(double_to_fp32(0x1.ffffffp127)), 0x7F800000u);  // rounds up to Inf
  EXPECT_EQ(fp32_bits(double_to_fp32(0x1.fffffe8p127, RoundingMode::kRint)), 0x7F7FFFFFu);
  EXPECT_EQ(double_to_fp16(0x1p-25).bits, 0x0000);
  EXPECT_EQ(double_to_fp16(0x1.0000000000001p-25).bits, 0x0001);  // a double-only sticky bit
  EXPECT_EQ(double_to_fp16(65519.999999).bits, 0x7BFF);
  EXPECT_EQ(double_to_fp16(-std::numeric_limits<double>::infinity()).bits, 0xFC00);
  EXPECT_EQ(double_to_fp16(-std::numeric_limits<double>::quiet_NaN()).bits, 0x7E00);
  EXPECT_EQ(double_to_bf16(std::numeric_limits<double>::denorm_min(), RoundingMode::kCeil).bits,
            0x0001);
}

TEST(ConvertArrays, MatchScalarConversions) {
  const std::vector<uint32_t> bits = random_fp32(1003, 5);  // not a multiple of a vector
  std::vector<float> in(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    in[i] = float_from_bits(bits[i]);
  }
  for (RoundingMode mode : kAllRoundingModes) {
    std::vector<Fp16> half(in.size());
    std::vector<Bf16> brain(in.size());
    convert(in, half, mode);
    convert(in, brain, mode);
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(half[i], fp32_to_fp16(in[i], mode)) << i;
      ASSERT_EQ(brain[i], fp32_to_bf16(in[i], mode)) << i;
    }
    std::vector<float> wide(in.size());
    convert(std::span<const Fp16>(half), wide);
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(fp32_bits(wide[i]), fp32_bits(fp16_to_fp32(half[i])));
    }
    convert(std::span<const Bf16>(brain), wide);
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(fp32_bits(wide[i]), fp32_bits(bf16_to_fp32(brain[i])));
    }
  }
}

// Evaluated by the compiler: the conversions are usable in constant expressions.
static_assert(fp32_to_fp16(65520.0f) == kFp16Inf);
static_assert(fp32_to_fp16(0x1p-24f) == kFp16MinSubnormal);
static_assert(fp32_to_bf16(1.0f) == kBf16One);
static_assert(fp16_to_fp32(kFp16Max) == 65504.0f);
static_assert(double_to_fp16(1.0 / 3.0) == Fp16{0x3555});

}  // namespace
}  // namespace npu::numerics
