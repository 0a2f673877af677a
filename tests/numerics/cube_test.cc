// The cube's accumulation order: sequential k = 0..K-1 in fp32 with a rounding after every
// addition, starting from C; int8 sums wrap modulo 2^32. The fractal helpers must give the
// bits of the one-element functions, which in turn must give the bits of a plain double-checked
// sequential loop.
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <vector>

#include "numerics/cube.h"
#include "tests/numerics/reference.h"

namespace npu::numerics {
namespace {

using testing::float_bits;

Fp16 h(float x) { return fp32_to_fp16(x); }

// Products 2^24, 1, 1, 1: sequentially each +1 is a tie that stays at 2^24 (even); pairwise,
// (2^24 + 1) + (1 + 1) = 2^24 + 2. The contract is the sequential result.
TEST(CubeFp16, AccumulatesSequentiallyNotPairwise) {
  const std::vector<Fp16> a = {h(4096.0f), h(1.0f), h(1.0f), h(1.0f)};
  const std::vector<Fp16> b = {h(4096.0f), h(1.0f), h(1.0f), h(1.0f)};
  EXPECT_EQ(float_bits(mac_fp16(0.0f, a, b)), 0x4B800000u);  // 2^24
  const float pairwise = (0x1p24f + 1.0f) + (1.0f + 1.0f);
  EXPECT_EQ(float_bits(pairwise), 0x4B800001u);  // what a tree would give
  // The order is k = 0 first: reversed operands give 2^24 + 3 -> 2^24 + 4 (3 + 2^24 is a tie
  // between 2^24 + 2 and 2^24 + 4, and 2^24 + 4 is even).
  const std::vector<Fp16> ra(a.rbegin(), a.rend());
  const std::vector<Fp16> rb(b.rbegin(), b.rend());
  EXPECT_EQ(float_bits(mac_fp16(0.0f, ra, rb)), 0x4B800002u);
}

// The initial C is the first addend: 2^24 + 1 + 1 stays 2^24, where C + (sum of products)
// would give 2^24 + 2.
TEST(CubeFp16, StartsFromTheInitialValue) {
  const std::vector<Fp16> ones = {h(1.0f), h(1.0f)};
  EXPECT_EQ(float_bits(mac_fp16(0x1p24f, ones, ones)), 0x4B800000u);
  EXPECT_EQ(float_bits(mac_fp16(-0.0f, {}, {})), 0x80000000u);  // K = 0 returns C
}

TEST(CubeFp16, ProductsAreExactAndSubnormalsKept) {
  // (1 + 2^-10)^2 = 1 + 2^-9 + 2^-20: exact in fp32.
  const std::vector<Fp16> a = {Fp16{0x3C01}};
  EXPECT_EQ(float_bits(mac_fp16(0.0f, a, a)), 0x3F800000u | (1u << 14) | (1u << 3));
  // The smallest fp16 subnormals: 2^-24 * 2^-24 = 2^-48, a normal fp32.
  const std::vector<Fp16> tiny = {kFp16MinSubnormal};
  EXPECT_EQ(float_bits(mac_fp16(0.0f, tiny, tiny)), 0x27800000u);
  // 65504^2 = 4290774016 fits fp32 exactly.
  const std::vector<Fp16> big = {kFp16Max};
  EXPECT_EQ(float_bits(mac_fp16(0.0f, big, big)), float_bits(65504.0f * 65504.0f));
  EXPECT_EQ(float_bits(mac_fp16(0.0f, big, big)), 0x4F7FC004u);
}

TEST(CubeFp16, SpecialValues) {
  const std::vector<Fp16> inf_and_one = {kFp16Inf, kFp16One};
  const std::vector<Fp16> ninf_and_one = {Fp16{0xFC00}, kFp16One};
  const std::vector<Fp16> ones = {kFp16One, kFp16One};
  EXPECT_EQ(float_bits(mac_fp16(0.0f, inf_and_one, ones)), 0x7F800000u);
  // Inf + (-Inf) inside the sum: canonical NaN out.
  const std::vector<Fp16> a = {kFp16Inf, Fp16{0xFC00}};
  EXPECT_EQ(float_bits(mac_fp16(0.0f, a, ones)), kFp32NaNBits);
  EXPECT_EQ(float_bits(mac_fp16(1.0f, ninf_and_one, ones)), 0xFF800000u);
  const std::vector<Fp16> zero = {Fp16{0x0000}};
  const std::vector<Fp16> inf = {kFp16Inf};
  EXPECT_EQ(float_bits(mac_fp16(0.0f, zero, inf)), kFp32NaNBits);  // 0 * Inf
  // -0 + (+0 * 1) = +0 (round to nearest: exact zero sums are +0).
  const std::vector<Fp16> one = {kFp16One};
  EXPECT_EQ(float_bits(mac_fp16(-0.0f, zero, one)), 0x00000000u);
}

// bf16 products can leave fp32's range; they round like an fp32 multiply, before the add.
TEST(CubeBf16, ProductsRoundBeforeTheAdd) {
  const std::vector<Bf16> a = {fp32_to_bf16(0x1p-100f)};
  const std::vector<Bf16> b = {fp32_to_bf16(0x1p-50f)};
  // 2^-150 -> 0 (tie to even), then 2^-149 + 0. A fused MAC would give 2^-148.
  EXPECT_EQ(float_bits(mac_bf16(0x1p-149f, a, b)), 0x00000001u);
  const std::vector<Bf16> big = {fp32_to_bf16(0x1p100f)};
  EXPECT_EQ(float_bits(mac_bf16(0.0f, big, big)), 0x7F800000u);  // 2^200 -> Inf
  const std::vector<Bf16> c = {Bf16{0x3F81}};                    // 1 + 2^-7
  EXPECT_EQ(float_bits(mac_bf16(0.0f, c, c)), 0x3F820200u);      // 1 + 2^-6 + 2^-14, exact
}

TEST(CubeInt8, WrapsAroundModulo2To32) {
  const std::vector<int8_t> one = {1};
  EXPECT_EQ(mac_int8(std::numeric_limits<int32_t>::max(), one, one),
            std::numeric_limits<int32_t>::min());
  const std::vector<int8_t> minus = {-128, -128};
  const std::vector<int8_t> plus = {-128, 127};
  EXPECT_EQ(mac_int8(0, minus, plus), 16384 - 16256);
  const std::vector<int8_t> minus_one = {-1};
  EXPECT_EQ(mac_int8(std::numeric_limits<int32_t>::min(), one, minus_one),
            std::numeric_limits<int32_t>::max());
  std::vector<int8_t> full(32, -128);
  EXPECT_EQ(mac_int8(5, full, full), 5 + 32 * 16384);
}

template <typename T, size_t N>
std::array<T, N> random_operands(testing::Random& random, bool with_specials) {
  std::array<T, N> values{};
  for (T& v : values) {
    uint16_t bits = static_cast<uint16_t>(random.next32());
    // Mostly finite values of moderate size, so the sums have something to round.
    bits = static_cast<uint16_t>((bits & 0x83FF) | ((bits % 12 + 9) << 10));
    v = T{bits};
  }
  if (with_specials) {
    values[3] = T{0x0001};
    values[40] = T{0x8000};
  }
  return values;
}

TEST(CubeFractal, Fp16MatchesOneElementFunction) {
  testing::Random random(31);
  for (size_t trial = 0; trial < 50; ++trial) {
    const auto a = random_operands<Fp16, kFractalAbSizeFp16>(random, trial % 2 == 0);
    const auto b = random_operands<Fp16, kFractalAbSizeFp16>(random, trial % 3 == 0);
    std::array<float, kFractalCSize> c{};
    for (float& v : c) {
      v = static_cast<float>(static_cast<int32_t>(random.next32() % 2001) - 1000) * 0.37f;
    }
    const size_t k_count = trial < 40 ? kFractalKFp16 : trial - 40;  // a few partial fractals
    std::array<float, kFractalCSize> expected{};
    for (size_t m = 0; m < kFractalM; ++m) {
      for (size_t n = 0; n < kFractalN; ++n) {
        const std::span<const Fp16> row(a.data() + m * kFractalKFp16, k_count);
        const std::span<const Fp16> col(b.data() + n * kFractalKFp16, k_count);
        expected[m * kFractalN + n] = mac_fp16(c[m * kFractalN + n], row, col);
      }
    }
    mmad_fractal_fp16(c, a, b, k_count);
    for (size_t i = 0; i < kFractalCSize; ++i) {
      ASSERT_EQ(float_bits(c[i]), float_bits(expected[i])) << "trial " << trial << " at " << i;
    }
  }
}

TEST(CubeFractal, Bf16MatchesOneElementFunction) {
  testing::Random random(32);
  for (int trial = 0; trial < 20; ++trial) {
    std::array<Bf16, kFractalAbSizeFp16> a{};
    std::array<Bf16, kFractalAbSizeFp16> b{};
    for (Bf16& v : a) {
      v = Bf16{static_cast<uint16_t>(random.next32())};
    }
    for (Bf16& v : b) {
      v = Bf16{static_cast<uint16_t>(random.next32())};
    }
    std::array<float, kFractalCSize> c{};
    std::array<float, kFractalCSize> expected{};
    for (size_t m = 0; m < kFractalM; ++m) {
      for (size_t n = 0; n < kFractalN; ++n) {
        const std::span<const Bf16> row(a.data() + m * kFractalKFp16, kFractalKFp16);
        const std::span<const Bf16> col(b.data() + n * kFractalKFp16, kFractalKFp16);
        expected[m * kFractalN + n] = mac_bf16(0.0f, row, col);
      }
    }
    mmad_fractal_bf16(c, a, b);
    for (size_t i = 0; i < kFractalCSize; ++i) {
      ASSERT_EQ(float_bits(c[i]), float_bits(expected[i])) << "trial " << trial << " at " << i;
    }
  }
}

TEST(CubeFractal, Int8MatchesOneElementFunctionAndInt64Reference) {
  testing::Random random(33);
  for (size_t trial = 0; trial < 20; ++trial) {
    std::array<int8_t, kFractalAbSizeInt8> a{};
    std::array<int8_t, kFractalAbSizeInt8> b{};
    for (int8_t& v : a) {
      v = static_cast<int8_t>(random.next32());
    }
    for (int8_t& v : b) {
      v = static_cast<int8_t>(random.next32());
    }
    std::array<int32_t, kFractalCSize> c{};
    for (int32_t& v : c) {
      v = static_cast<int32_t>(random.next32());  // some sums wrap
    }
    const size_t k_count = trial < 15 ? kFractalKInt8 : trial;
    std::array<int32_t, kFractalCSize> expected{};
    for (size_t m = 0; m < kFractalM; ++m) {
      for (size_t n = 0; n < kFractalN; ++n) {
        const size_t i = m * kFractalN + n;
        const std::span<const int8_t> row(a.data() + m * kFractalKInt8, k_count);
        const std::span<const int8_t> col(b.data() + n * kFractalKInt8, k_count);
        // The independent reference: the sum in int64, reduced modulo 2^32.
        int64_t sum = c[i];
        for (size_t k = 0; k < k_count; ++k) {
          sum += int64_t{row[k]} * int64_t{col[k]};
        }
        expected[i] = static_cast<int32_t>(static_cast<uint32_t>(sum));
        ASSERT_EQ(mac_int8(c[i], row, col), expected[i]);
      }
    }
    mmad_fractal_int8(c, a, b, k_count);
    for (size_t i = 0; i < kFractalCSize; ++i) {
      ASSERT_EQ(c[i], expected[i]) << "trial " << trial << " at " << i;
    }
  }
}

TEST(CubeFractal, Uint8MatchesInt64Reference) {
  testing::Random random(34);
  for (size_t trial = 0; trial < 10; ++trial) {
    std::array<uint8_t, kFractalAbSizeInt8> a{};
    std::array<uint8_t, kFractalAbSizeInt8> b{};
    for (uint8_t& v : a) {
      v = static_cast<uint8_t>(random.next32());
    }
    for (uint8_t& v : b) {
      v = static_cast<uint8_t>(random.next32());
    }
    std::array<int32_t, kFractalCSize> c{};
    for (int32_t& v : c) {
      v = static_cast<int32_t>(random.next32());
    }
    const size_t k_count = trial < 8 ? kFractalKInt8 : trial;
    std::array<int32_t, kFractalCSize> expected{};
    for (size_t m = 0; m < kFractalM; ++m) {
      for (size_t n = 0; n < kFractalN; ++n) {
        const size_t i = m * kFractalN + n;
        const std::span<const uint8_t> row(a.data() + m * kFractalKInt8, k_count);
        const std::span<const uint8_t> col(b.data() + n * kFractalKInt8, k_count);
        int64_t sum = c[i];
        for (size_t k = 0; k < k_count; ++k) {
          sum += int64_t{row[k]} * int64_t{col[k]};
        }
        expected[i] = static_cast<int32_t>(static_cast<uint32_t>(sum));
        ASSERT_EQ(mac_uint8(c[i], row, col), expected[i]);
      }
    }
    mmad_fractal_uint8(c, a, b, k_count);
    for (size_t i = 0; i < kFractalCSize; ++i) {
      ASSERT_EQ(c[i], expected[i]) << "trial " << trial << " at " << i;
    }
  }
  const std::vector<uint8_t> max = {255};
  EXPECT_EQ(mac_uint8(std::numeric_limits<int32_t>::max(), max, max),
            std::numeric_limits<int32_t>::min() + 65024);
}

// The pre-widened entry point gives the bits of mmad_fractal_fp16 / _bf16.
TEST(CubeFractal, WidenedOperandsGiveTheSameBits) {
  testing::Random random(35);
  for (size_t trial = 0; trial < 10; ++trial) {
    const auto a = random_operands<Fp16, kFractalAbSizeFp16>(random, true);
    const auto b = random_operands<Fp16, kFractalAbSizeFp16>(random, false);
    std::array<float, kFractalAbSizeFp16> a32{};
    std::array<float, kFractalAbSizeFp16> bt{};
    for (size_t m = 0; m < kFractalM; ++m) {
      for (size_t k = 0; k < kFractalKFp16; ++k) {
        a32[m * kFractalKFp16 + k] = fp16_to_fp32(a[m * kFractalKFp16 + k]);
        bt[k * kFractalN + m] = fp16_to_fp32(b[m * kFractalKFp16 + k]);  // row m of L0B = n
      }
    }
    const size_t k_count = 16 - trial;
    std::array<float, kFractalCSize> c1{};
    std::array<float, kFractalCSize> c2{};
    c1.fill(0.125f);
    c2.fill(0.125f);
    mmad_fractal_fp16(c1, a, b, k_count);
    mmad_fractal_widened(c2, a32, bt, k_count);
    for (size_t i = 0; i < kFractalCSize; ++i) {
      ASSERT_EQ(float_bits(c1[i]), float_bits(c2[i])) << "trial " << trial << " at " << i;
    }
  }
}

// The sequential order inside a whole fractal: row 0 of A and column 0 of B hold the
// products 2^24, 1, 1, 1 (then zeros), the rest is zero.
TEST(CubeFractal, Fp16FractalKeepsTheSequentialOrder) {
  std::array<Fp16, kFractalAbSizeFp16> a{};
  std::array<Fp16, kFractalAbSizeFp16> b{};
  a[0] = h(4096.0f);
  b[0] = h(4096.0f);
  for (size_t k = 1; k < 4; ++k) {
    a[k] = kFp16One;
    b[k] = kFp16One;
  }
  std::array<float, kFractalCSize> c{};
  mmad_fractal_fp16(c, a, b);
  EXPECT_EQ(float_bits(c[0]), 0x4B800000u);
  EXPECT_EQ(float_bits(c[1]), 0x00000000u);
  // Two fractals along k accumulate in k order as well: C starts at 2^24 now.
  mmad_fractal_fp16(c, a, b);
  EXPECT_EQ(float_bits(c[0]), 0x4C000000u);  // 2^24 + 2^24 = 2^25, then each +1 < ulp/2
}

}  // namespace
}  // namespace npu::numerics
