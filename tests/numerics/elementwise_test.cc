// Vector-unit arithmetic against references computed in double and rounded by
// reference_round(): for fp16 every first operand against a set of second operands, for bf16
// and fp32 seeded random pairs plus special values. The basic operations must equal the
// correctly rounded result (the double result is exact for fp16 add, sub and mul, and double
// rounding through double is harmless for the rest since 53 >= 2p + 2).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "numerics/elementwise.h"
#include "tests/numerics/reference.h"

namespace npu::numerics {
namespace {

using testing::float_bits;
using testing::float_from_bits;
using R = RoundingMode;

enum class Op { kAdd, kSub, kMul, kDiv, kSqrt };

double reference_op(Op op, double a, double b) {
  switch (op) {
    case Op::kAdd:
      return a + b;
    case Op::kSub:
      return a - b;
    case Op::kMul:
      return a * b;
    case Op::kDiv:
      return a / b;
    case Op::kSqrt:
      return std::sqrt(a);
  }
  return 0;
}

template <VectorFloat T>
T library_op(Op op, T a, T b) {
  switch (op) {
    case Op::kAdd:
      return add(a, b);
    case Op::kSub:
      return sub(a, b);
    case Op::kMul:
      return mul(a, b);
    case Op::kDiv:
      return div(a, b);
    case Op::kSqrt:
      return numerics::sqrt(a);
  }
  return a;
}

constexpr Op kOps[] = {Op::kAdd, Op::kSub, Op::kMul, Op::kDiv, Op::kSqrt};

double fp16_value(uint16_t bits) { return static_cast<double>(testing::float16_from_bits(bits)); }

TEST(ElementwiseFp16, BasicOpsAreCorrectlyRounded) {
  std::vector<uint16_t> seconds = {0x0000, 0x8000, 0x3C00, 0xBC00, 0x3C01, 0x0001,
                                   0x8001, 0x03FF, 0x0400, 0x7BFF, 0xFBFF, 0x7C00,
                                   0xFC00, 0x7E00, 0x3555, 0x4200, 0x1400, 0x6800};
  testing::Random random(21);
  for (int i = 0; i < 6; ++i) {
    seconds.push_back(static_cast<uint16_t>(random.next32()));
  }
  for (uint32_t a_bits = 0; a_bits < 0x10000; ++a_bits) {
    const Fp16 a{static_cast<uint16_t>(a_bits)};
    for (uint16_t b_bits : seconds) {
      const Fp16 b{b_bits};
      for (Op op : kOps) {
        const double exact = reference_op(op, fp16_value(a.bits), fp16_value(b.bits));
        ASSERT_EQ(library_op(op, a, b).bits, testing::reference_fp16_bits(exact, R::kRint))
            << std::hex << a.bits << " " << b.bits << " op " << static_cast<int>(op);
      }
    }
  }
}

TEST(ElementwiseBf16, BasicOpsAreCorrectlyRounded) {
  testing::Random random(22);
  for (int i = 0; i < (1 << 18); ++i) {
    const uint64_t r = random.next();
    // Half the pairs share a nearby exponent, so that cancellation and carries happen.
    const uint16_t a_bits = static_cast<uint16_t>(r);
    const uint16_t b_bits = i % 2 == 0
                                ? static_cast<uint16_t>(r >> 16)
                                : static_cast<uint16_t>((a_bits & 0xFF80) ^ ((r >> 16) & 0x81FF));
    const Bf16 a{a_bits};
    const Bf16 b{b_bits};
    for (Op op : kOps) {
      const double exact = reference_op(op, bf16_to_fp32(a), bf16_to_fp32(b));
      ASSERT_EQ(library_op(op, a, b).bits, testing::reference_bf16_bits(exact, R::kRint))
          << std::hex << a.bits << " " << b.bits << " op " << static_cast<int>(op);
    }
  }
}

TEST(ElementwiseFp32, BasicOpsAreCorrectlyRoundedWithCanonicalNaN) {
  testing::Random random(23);
  for (int i = 0; i < (1 << 18); ++i) {
    const uint64_t r = random.next();
    const uint32_t a_bits = static_cast<uint32_t>(r);
    const uint32_t b_bits =
        i % 2 == 0 ? static_cast<uint32_t>(r >> 32)
                   : (a_bits & 0xFF800000u) ^ (static_cast<uint32_t>(r >> 32) & 0x81FFFFFFu);
    const float a = float_from_bits(a_bits);
    const float b = float_from_bits(b_bits);
    for (Op op : kOps) {
      const double exact = reference_op(op, a, b);
      ASSERT_EQ(fp32_bits(library_op(op, a, b)), testing::reference_fp32_bits(exact, R::kRint))
          << std::hex << a_bits << " " << b_bits << " op " << static_cast<int>(op);
    }
  }
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(fp32_bits(add(inf, -inf)), kFp32NaNBits);  // x86 itself makes 0xFFC00000
  EXPECT_EQ(fp32_bits(mul(0.0f, inf)), kFp32NaNBits);
  EXPECT_EQ(fp32_bits(numerics::sqrt(-1.0f)), kFp32NaNBits);
  EXPECT_EQ(fp32_bits(numerics::sqrt(-0.0f)), 0x80000000u);
  EXPECT_EQ(fp32_bits(add(0x1p-149f, 0x1p-149f)), 0x00000002u);  // subnormals kept
  EXPECT_EQ(fp32_bits(mul(0x1p-126f, 0.5f)), 0x00400000u);
}

// a * b + c rounds twice in fp32, then once to the destination; never fused.
TEST(Elementwise, MulAddRoundsEachStep) {
  // fp16: the product is exact, the sum rounds in fp32, then to fp16.
  const Fp16 a = fp32_to_fp16(1.0f + 0x1p-10f);
  const Fp16 c = fp32_to_fp16(-1.0f);
  EXPECT_EQ(mul_add(a, a, c).bits, 0x1800);  // 2^-9 + 2^-20 is a tie in fp16 -> 2^-9
  // bf16: 2^-100 * 2^-50 = 2^-150 rounds to 0 in fp32 (tie to even) before 2^-149 is added.
  // A fused operation would give 1.5 * 2^-149 -> 2^-148 (bits 0x00000002).
  const float x = 0x1p-100f;
  const float y = 0x1p-50f;
  EXPECT_EQ(fp32_bits(mul_add(x, y, 0x1p-149f)), 0x00000001u);
  // fp32: (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46 rounds to 1 + 2^-22 before - (1 + 2^-22).
  const float z = 1.0f + 0x1p-23f;
  EXPECT_EQ(fp32_bits(mul_add(z, z, -(1.0f + 0x1p-22f))), 0x00000000u);
}

TEST(Elementwise, MaxMinAbsReluSpecialValues) {
  const Fp16 pz{0x0000};
  const Fp16 nz{0x8000};
  const Fp16 nan{0x7E01};  // not canonical on input
  const Fp16 one = kFp16One;
  EXPECT_EQ(add(kFp16Inf, Fp16{0xFC00}).bits, 0x7E00);
  EXPECT_EQ(max(pz, nz).bits, 0x0000);
  EXPECT_EQ(max(nz, pz).bits, 0x0000);
  EXPECT_EQ(min(pz, nz).bits, 0x8000);
  EXPECT_EQ(min(nz, pz).bits, 0x8000);
  EXPECT_EQ(max(nz, nz).bits, 0x8000);
  EXPECT_EQ(max(one, nan).bits, 0x7E00);
  EXPECT_EQ(max(nan, one).bits, 0x7E00);
  EXPECT_EQ(min(one, nan).bits, 0x7E00);
  EXPECT_EQ(max(one, Fp16{0x3C01}).bits, 0x3C01);
  EXPECT_EQ(min(kFp16Inf, Fp16{0xFC00}).bits, 0xFC00);
  EXPECT_EQ(abs(Fp16{0xBC00}).bits, 0x3C00);
  EXPECT_EQ(abs(Fp16{0xFE00}).bits, 0x7E00);
  EXPECT_EQ(abs(Fp16{0x8001}).bits, 0x0001);
  EXPECT_EQ(relu(Fp16{0xBC00}).bits, 0x0000);
  EXPECT_EQ(relu(nz).bits, 0x0000);
  EXPECT_EQ(relu(Fp16{0x0001}).bits, 0x0001);
  EXPECT_EQ(relu(nan).bits, 0x7E00);
  EXPECT_EQ(leaky_relu(Fp16{0xC000}, Fp16{0x2E66}).bits, 0xB266);  // -2 * 0.09998 exact
  EXPECT_EQ(leaky_relu(nz, Fp16{0x2E66}).bits, 0x8000);
  EXPECT_EQ(leaky_relu(Fp16{0x4000}, Fp16{0x2E66}).bits, 0x4000);
  EXPECT_EQ(fp32_bits(max(-0.0f, 0.0f)), 0x00000000u);
  EXPECT_EQ(fp32_bits(min(0.0f, -0.0f)), 0x80000000u);
  EXPECT_EQ(fp32_bits(max(1.0f, fp32_from_bits(0xFFC00001u))), kFp32NaNBits);
  EXPECT_EQ(max(Bf16{0x8000}, Bf16{0x0000}).bits, 0x0000);
  EXPECT_EQ(relu(Bf16{0xFF80}).bits, 0x0000);
}

TEST(Elementwise, MaxMinPickTheRightOperand) {
  testing::Random random(24);
  for (int i = 0; i < (1 << 16); ++i) {
    const Fp16 a{static_cast<uint16_t>(random.next32())};
    const Fp16 b{static_cast<uint16_t>(random.next32())};
    if (is_nan(a) || is_nan(b)) {
      continue;
    }
    const double x = fp16_value(a.bits);
    const double y = fp16_value(b.bits);
    if (x == y) {
      continue;  // signed zeros are covered above
    }
    ASSERT_EQ(max(a, b).bits, x > y ? a.bits : b.bits);
    ASSERT_EQ(min(a, b).bits, x < y ? a.bits : b.bits);
  }
}

// The transcendental rule: the C library's double result rounded once (nearest even). Checked
// for every fp16 input and a sample of bf16 / fp32 inputs.
TEST(Elementwise, TranscendentalsRoundTheDoubleResultOnce) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const Fp16 h{static_cast<uint16_t>(bits)};
    const double x = fp16_value(h.bits);
    ASSERT_EQ(exp(h).bits, testing::reference_fp16_bits(std::exp(x), R::kRint)) << bits;
    ASSERT_EQ(ln(h).bits, testing::reference_fp16_bits(std::log(x), R::kRint)) << bits;
    ASSERT_EQ(rec(h).bits, testing::reference_fp16_bits(1.0 / x, R::kRint)) << bits;
    ASSERT_EQ(rsqrt(h).bits, testing::reference_fp16_bits(1.0 / std::sqrt(x), R::kRint)) << bits;
    const Bf16 b{static_cast<uint16_t>(bits)};
    const double y = bf16_to_fp32(b);
    ASSERT_EQ(exp(b).bits, testing::reference_bf16_bits(std::exp(y), R::kRint)) << bits;
    ASSERT_EQ(rsqrt(b).bits, testing::reference_bf16_bits(1.0 / std::sqrt(y), R::kRint)) << bits;
  }
  testing::Random random(25);
  for (int i = 0; i < (1 << 16); ++i) {
    const float f = float_from_bits(random.next32());
    const double x = f;
    ASSERT_EQ(fp32_bits(exp(f)), testing::reference_fp32_bits(std::exp(x), R::kRint));
    ASSERT_EQ(fp32_bits(ln(f)), testing::reference_fp32_bits(std::log(x), R::kRint));
    ASSERT_EQ(fp32_bits(rec(f)), testing::reference_fp32_bits(1.0 / x, R::kRint));
    ASSERT_EQ(fp32_bits(rsqrt(f)), testing::reference_fp32_bits(1.0 / std::sqrt(x), R::kRint));
  }
}

TEST(Elementwise, TranscendentalSpecialValues) {
  const Fp16 pz{0x0000};
  const Fp16 nz{0x8000};
  const Fp16 ninf{0xFC00};
  EXPECT_EQ(exp(pz).bits, 0x3C00);
  EXPECT_EQ(exp(ninf).bits, 0x0000);
  EXPECT_EQ(exp(kFp16Inf).bits, 0x7C00);
  EXPECT_EQ(exp(Fp16{0x4A00}).bits, 0x7C00);  // exp(12) = 162755 overflows fp16
  EXPECT_EQ(exp(Fp16{0xCE00}).bits, 0x0000);  // exp(-24) = 3.8e-11 underflows to 0
  EXPECT_EQ(ln(kFp16One).bits, 0x0000);
  EXPECT_EQ(ln(pz).bits, 0xFC00);
  EXPECT_EQ(ln(nz).bits, 0xFC00);
  EXPECT_EQ(ln(Fp16{0xBC00}).bits, 0x7E00);
  EXPECT_EQ(ln(kFp16Inf).bits, 0x7C00);
  EXPECT_EQ(rec(pz).bits, 0x7C00);
  EXPECT_EQ(rec(nz).bits, 0xFC00);
  EXPECT_EQ(rec(ninf).bits, 0x8000);
  EXPECT_EQ(rec(Fp16{0x0001}).bits, 0x7C00);  // 2^24 overflows
  EXPECT_EQ(rec(Fp16{0x4000}).bits, 0x3800);
  EXPECT_EQ(rsqrt(pz).bits, 0x7C00);
  EXPECT_EQ(rsqrt(nz).bits, 0xFC00);
  EXPECT_EQ(rsqrt(Fp16{0xBC00}).bits, 0x7E00);
  EXPECT_EQ(rsqrt(kFp16Inf).bits, 0x0000);
  EXPECT_EQ(rsqrt(Fp16{0x4400}).bits, 0x3800);  // 1/sqrt(4) = 0.5
  EXPECT_EQ(numerics::sqrt(nz).bits, 0x8000);
  EXPECT_EQ(exp(kFp16NaN).bits, 0x7E00);
  EXPECT_EQ(fp32_bits(exp(-std::numeric_limits<float>::infinity())), 0x00000000u);
  EXPECT_EQ(fp32_bits(ln(-1.0f)), kFp32NaNBits);
}

TEST(Elementwise, CompareFollowsIeee) {
  const Fp16 nan = kFp16NaN;
  const Fp16 one = kFp16One;
  EXPECT_TRUE(compare(CompareOp::kEq, Fp16{0x0000}, Fp16{0x8000}));
  EXPECT_FALSE(compare(CompareOp::kEq, nan, nan));
  EXPECT_TRUE(compare(CompareOp::kNe, nan, nan));
  EXPECT_FALSE(compare(CompareOp::kLt, nan, one));
  EXPECT_FALSE(compare(CompareOp::kGe, one, nan));
  EXPECT_TRUE(compare(CompareOp::kLt, Fp16{0x8001}, Fp16{0x0000}));
  EXPECT_TRUE(compare(CompareOp::kLe, one, one));
  EXPECT_TRUE(compare(CompareOp::kGt, kFp16Inf, kFp16Max));
  EXPECT_FALSE(compare(CompareOp::kGt, one, one));
}

// The pairwise tree gives 1 + 2^-23 where a sequential sum stays at 1.
TEST(Elementwise, ReduceAddUsesThePairwiseTree) {
  const float tiny = 0x1p-24f;
  const std::vector<float> x = {1.0f, tiny, tiny, tiny};
  EXPECT_EQ(fp32_bits(reduce_add(std::span<const float>(x))), 0x3F800001u);
  float sequential = 0.0f;
  for (float v : x) {
    sequential += v;
  }
  EXPECT_EQ(fp32_bits(sequential), 0x3F800000u);
  // Five elements: ((x0 + x1) + (x2 + x3)) + x4 = (1 + 2^-23) + 2^-24, a tie -> 1 + 2^-22.
  const std::vector<float> y = {1.0f, tiny, tiny, tiny, tiny};
  EXPECT_EQ(fp32_bits(reduce_add(std::span<const float>(y))), 0x3F800002u);
  // fp16 sums in fp32 and rounds once: 2048 + 1 + 1 = 2050 (fp16 steps would give 2048).
  const std::vector<Fp16> h = {Fp16{0x6800}, kFp16One, kFp16One};
  EXPECT_EQ(reduce_add(std::span<const Fp16>(h)).bits, 0x6801);
  EXPECT_EQ(reduce_add(std::span<const Fp16>()).bits, 0x0000);
  const std::vector<Fp16> m = {Fp16{0x8000}, Fp16{0x0000}, Fp16{0xBC00}, Fp16{0x3C01}};
  EXPECT_EQ(reduce_max(std::span<const Fp16>(m)).bits, 0x3C01);
  EXPECT_EQ(reduce_min(std::span<const Fp16>(m)).bits, 0xBC00);
  const std::vector<Fp16> zeros = {Fp16{0x8000}, Fp16{0x0000}};
  EXPECT_EQ(reduce_max(std::span<const Fp16>(zeros)).bits, 0x0000);
  EXPECT_EQ(reduce_min(std::span<const Fp16>(zeros)).bits, 0x8000);
}

static_assert(add(kFp16One, kFp16One) == Fp16{0x4000});
static_assert(rec(Fp16{0x4000}) == Fp16{0x3800});

}  // namespace
}  // namespace npu::numerics
