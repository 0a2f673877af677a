// The fixpipe's value conversions: fp32 -> fp16 / bf16 / fp32 / int8, int32 -> fp16 (dequant)
// and int32 -> int8 (requant), with and without ReLU, including the double rounding that the
// contract prescribes for large int32 accumulators.
#include <gtest/gtest.h>

#include <limits>

#include "numerics/fixpipe.h"
#include "tests/numerics/reference.h"

namespace npu::numerics {
namespace {

using testing::float_bits;

TEST(Fixpipe, Fp32AccumulatorToFp16) {
  EXPECT_EQ(fixpipe_fp32_to_fp16(1.0f).bits, 0x3C00);
  EXPECT_EQ(fixpipe_fp32_to_fp16(1.0f + 0x1p-11f).bits, 0x3C00);  // tie -> even
  EXPECT_EQ(fixpipe_fp32_to_fp16(65520.0f).bits, 0x7C00);         // overflow -> Inf
  EXPECT_EQ(fixpipe_fp32_to_fp16(-65520.0f).bits, 0xFC00);
  EXPECT_EQ(fixpipe_fp32_to_fp16(0x1p-25f).bits, 0x0000);    // tie -> even (0)
  EXPECT_EQ(fixpipe_fp32_to_fp16(0x1.8p-24f).bits, 0x0002);  // subnormal tie -> even
  EXPECT_EQ(fixpipe_fp32_to_fp16(-0.0f).bits, 0x8000);
  EXPECT_EQ(fixpipe_fp32_to_fp16(-0.0f, Relu::kOn).bits, 0x0000);
  EXPECT_EQ(fixpipe_fp32_to_fp16(-3.0f, Relu::kOn).bits, 0x0000);
  EXPECT_EQ(fixpipe_fp32_to_fp16(-0x1p-30f, Relu::kOn).bits, 0x0000);
  EXPECT_EQ(fixpipe_fp32_to_fp16(3.0f, Relu::kOn).bits, 0x4200);
  EXPECT_EQ(fixpipe_fp32_to_fp16(fp32_from_bits(0xFFC00001u)).bits, 0x7E00);
  EXPECT_EQ(fixpipe_fp32_to_fp16(fp32_from_bits(0xFFC00001u), Relu::kOn).bits, 0x7E00);
  EXPECT_EQ(fixpipe_fp32_to_fp16(fp32_from_bits(0xFF800000u), Relu::kOn).bits, 0x0000);
}

TEST(Fixpipe, Fp32AccumulatorToBf16AndFp32) {
  EXPECT_EQ(fixpipe_fp32_to_bf16(fp32_from_bits(0x3F808000u)).bits, 0x3F80);  // tie -> even
  EXPECT_EQ(fixpipe_fp32_to_bf16(fp32_from_bits(0x3F818000u)).bits, 0x3F82);
  EXPECT_EQ(fixpipe_fp32_to_bf16(fp32_from_bits(0x7F7FFFFFu)).bits, 0x7F80);
  EXPECT_EQ(fixpipe_fp32_to_bf16(-2.0f, Relu::kOn).bits, 0x0000);
  EXPECT_EQ(float_bits(fixpipe_fp32_to_fp32(fp32_from_bits(0xFFC00001u))), kFp32NaNBits);
  EXPECT_EQ(float_bits(fixpipe_fp32_to_fp32(-0.0f, Relu::kOn)), 0x00000000u);
  EXPECT_EQ(float_bits(fixpipe_fp32_to_fp32(-0.0f)), 0x80000000u);
  EXPECT_EQ(float_bits(fixpipe_fp32_to_fp32(0x1p-149f, Relu::kOn)), 0x00000001u);
}

TEST(Fixpipe, Fp32AccumulatorToInt8) {
  EXPECT_EQ(fixpipe_fp32_to_int8(2.5f, 1.0f), 2);  // tie -> even
  EXPECT_EQ(fixpipe_fp32_to_int8(3.5f, 1.0f), 4);
  EXPECT_EQ(fixpipe_fp32_to_int8(100.0f, 2.0f), 127);
  EXPECT_EQ(fixpipe_fp32_to_int8(-100.0f, 2.0f), -128);
  EXPECT_EQ(fixpipe_fp32_to_int8(-1.5f, 1.0f, Relu::kOn), 0);
  EXPECT_EQ(fixpipe_fp32_to_int8(5.0f, -1.0f, Relu::kOn), 0);  // ReLU after the scale
  EXPECT_EQ(fixpipe_fp32_to_int8(fp32_from_bits(kFp32NaNBits), 1.0f), 0);
}

TEST(Fixpipe, Int32Dequantisation) {
  EXPECT_EQ(fixpipe_int32_to_fp16(3, 0.5f).bits, 0x3E00);
  EXPECT_EQ(fixpipe_int32_to_fp16(1000, 1.0f / 3.0f).bits, 0x5D35);  // RN32(1000 * RN32(1/3))
  EXPECT_EQ(fixpipe_int32_to_fp16(2049, 1.0f).bits, 0x6800);         // tie -> even
  EXPECT_EQ(fixpipe_int32_to_fp16(65520, 1.0f).bits, 0x7C00);
  EXPECT_EQ(fixpipe_int32_to_fp16(std::numeric_limits<int32_t>::min(), 1.0f).bits, 0xFC00);
  EXPECT_EQ(fixpipe_int32_to_fp16(-7, 1.0f, Relu::kOn).bits, 0x0000);
  EXPECT_EQ(fixpipe_int32_to_fp16(7, -1.0f, Relu::kOn).bits, 0x0000);
  EXPECT_EQ(fixpipe_int32_to_fp16(-7, -1.0f, Relu::kOn).bits, 0x4700);
  // 2^24 + 2^13 + 1 first rounds to fp32 (a tie: down to 2^24 + 2^13), then * 2^-14 = 1024.5,
  // a tie in fp16 -> 1024. Rounding the exact product once would give 1025.
  EXPECT_EQ(fixpipe_int32_to_fp16((1 << 24) + (1 << 13) + 1, 0x1p-14f).bits, 0x6400);
}

TEST(Fixpipe, Int32Requantisation) {
  EXPECT_EQ(fixpipe_int32_to_int8(255, 0.5f), 127);  // 127.5 -> 128 -> saturates
  EXPECT_EQ(fixpipe_int32_to_int8(253, 0.5f), 126);  // 126.5 -> even
  EXPECT_EQ(fixpipe_int32_to_int8(251, 0.5f), 126);  // 125.5 -> even
  EXPECT_EQ(fixpipe_int32_to_int8(-300, 1.0f), -128);
  EXPECT_EQ(fixpipe_int32_to_int8(-257, 0.5f), -128);  // -128.5 -> -128
  EXPECT_EQ(fixpipe_int32_to_int8(5, -1.0f, Relu::kOn), 0);
  EXPECT_EQ(fixpipe_int32_to_int8(-5, -1.0f, Relu::kOn), 5);
  EXPECT_EQ(fixpipe_int32_to_int8(1, fp32_from_bits(kFp32NaNBits)), 0);
  EXPECT_EQ(fixpipe_int32_to_int8(std::numeric_limits<int32_t>::max(), 1.0f), 127);
  EXPECT_EQ(fixpipe_int32_to_int32(-7, Relu::kOn), 0);
  EXPECT_EQ(fixpipe_int32_to_int32(std::numeric_limits<int32_t>::min(), Relu::kOn), 0);
  EXPECT_EQ(fixpipe_int32_to_int32(-7), -7);
}

}  // namespace
}  // namespace npu::numerics
