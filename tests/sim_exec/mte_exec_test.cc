// MTE instructions against plain references: burst copies with gaps, overlap, the atomic add
// with special values, the pad copies, ND -> NZ, and the address generator itself.
#include <cmath>

#include "sim/exec/mte_address_gen.h"
#include "tests/sim_exec/exec_test_util.h"

namespace npu::sim::testing {
namespace {

using numerics::RoundingMode;
using numerics::testing::float16_bits;
using numerics::testing::float16_from_bits;
using numerics::testing::reference_bf16_bits;
using numerics::testing::reference_fp16_bits;

class MteTest : public ExecTest {};

uint64_t mte(uint32_t nburst, uint32_t len, uint32_t src_gap, uint32_t dst_gap) {
  return isa::pack_mte_params({nburst, len, src_gap, dst_gap});
}

TEST(MteAddressGenTest, IssuesOneBurstPerStepWithStrides) {
  MteAddressGen gen({0x100, 0x2000, 3, 64, 96, 160});
  std::vector<MteBurst> bursts;
  while (!gen.done()) bursts.push_back(gen.next());
  const std::vector<MteBurst> expected = {
      {0x100, 0x2000, 64}, {0x160, 0x20a0, 64}, {0x1c0, 0x2140, 64}};
  EXPECT_EQ(bursts, expected);
  EXPECT_EQ(MteAddressGen::src_extent({0x100, 0x2000, 3, 64, 96, 160}), 256u);
  EXPECT_EQ(MteAddressGen::dst_extent({0x100, 0x2000, 3, 64, 96, 160}), 384u);
}

TEST_F(MteTest, GmToUbBurstsWithGaps) {
  Random rng(1);
  const uint64_t src = gm.allocate(4096, "src");
  fill_random(gm_ptr(src, 4096), 4096, rng);
  std::memset(buf(Buffer::kUb), 0xAA, 4096);
  const Work w = run(inst(Opcode::kCopyGmToUb), {0x200, src + 64, mte(3, 2, 1, 3)});
  std::vector<uint8_t> expected(4096, 0xAA);
  for (int i = 0; i < 3; ++i) {
    std::memcpy(&expected[0x200 + i * 5 * 32], gm_ptr(src, 4096) + 64 + i * 3 * 32, 64);
  }
  EXPECT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kUb), 4096));
  EXPECT_EQ(w.bytes, 192u);
  ASSERT_TRUE(w.has_gm);
  EXPECT_FALSE(w.gm_write);
  EXPECT_EQ(w.gm.address, src + 64);
  EXPECT_EQ(w.gm.count, 3u);
  EXPECT_EQ(w.gm.length, 64u);
  EXPECT_EQ(w.gm.stride, 96u);
  ASSERT_EQ(w.access_count, 2);
  EXPECT_EQ(w.accesses[0].buffer, Buffer::kGm);
  EXPECT_EQ(w.accesses[0].bytes, 2u * 96 + 64);
  EXPECT_FALSE(w.accesses[0].write);
  EXPECT_EQ(w.accesses[1].buffer, Buffer::kUb);
  EXPECT_EQ(w.accesses[1].address, 0x200u);
  EXPECT_EQ(w.accesses[1].bytes, 2u * 160 + 64);
  EXPECT_TRUE(w.accesses[1].write);
}

TEST_F(MteTest, UbToGmAndL1PathsCopyBytes) {
  Random rng(2);
  fill_random(buf(Buffer::kUb), 1024, rng);
  const uint64_t dst = gm.allocate(1024, "dst");
  const Work w = run(inst(Opcode::kCopyUbToGm), {dst + 32, 0x40, mte(2, 1, 2, 0)});
  EXPECT_TRUE(w.gm_write);
  EXPECT_EQ(0, std::memcmp(gm_ptr(dst, 1024) + 32, buf(Buffer::kUb) + 0x40, 32));
  EXPECT_EQ(0, std::memcmp(gm_ptr(dst, 1024) + 64, buf(Buffer::kUb) + 0x40 + 96, 32));
  run(inst(Opcode::kCopyUbToL1), {0x400, 0, mte(1, 8, 0, 0)});
  EXPECT_EQ(0, std::memcmp(buf(Buffer::kL1) + 0x400, buf(Buffer::kUb), 256));
  run(inst(Opcode::kCopyL1ToUb), {0x800, 0x400, mte(1, 8, 0, 0)});
  EXPECT_EQ(0, std::memcmp(buf(Buffer::kUb) + 0x800, buf(Buffer::kUb), 256));
  run(inst(Opcode::kCopyL1ToBt), {64, 0x400, mte(1, 2, 0, 0)});
  EXPECT_EQ(0, std::memcmp(buf(Buffer::kBt) + 64, buf(Buffer::kL1) + 0x400, 64));
  const uint64_t a = gm.allocate(1024, "a");
  fill_random(gm_ptr(a, 1024), 1024, rng);
  run(inst(Opcode::kCopyGmToL0a), {512, a, mte(2, 16, 0, 0)});
  EXPECT_EQ(0, std::memcmp(buf(Buffer::kL0a) + 512, gm_ptr(a, 1024), 1024));
  run(inst(Opcode::kCopyGmToL0b), {0, a, mte(1, 16, 0, 0)});
  EXPECT_EQ(0, std::memcmp(buf(Buffer::kL0b), gm_ptr(a, 1024), 512));
  run(inst(Opcode::kCopyGmToL1), {96, a, mte(1, 1, 0, 0)});
  EXPECT_EQ(0, std::memcmp(buf(Buffer::kL1) + 96, gm_ptr(a, 1024), 32));
}

TEST_F(MteTest, UbToUbCopiesAndRefusesOverlap) {
  for (int i = 0; i < 256; ++i) buf(Buffer::kUb)[i] = static_cast<uint8_t>(i);
  run(inst(Opcode::kCopyUbToUb), {128, 0, mte(1, 4, 0, 0)});
  for (int i = 0; i < 128; ++i) EXPECT_EQ(buf(Buffer::kUb)[128 + i], i) << i;
  EXPECT_EQ(fault_of(inst(Opcode::kCopyUbToUb), {32, 0, mte(1, 4, 0, 0)}),
            "dst UB [0x20, +128) overlaps src [0x0, +128): a local copy's source and destination "
            "may not overlap");
}

TEST_F(MteTest, AtomicAddF32WithSpecialValues) {
  const uint64_t dst = gm.allocate(256, "acc");
  const std::vector<float> g = {1.0f, -0.0f, INFINITY, INFINITY, 1e-45f, 3.4e38f, 1.0f, 0.1f};
  const std::vector<float> u = {2.0f, 0.0f, -INFINITY, 1.0f, 1e-45f, 3.4e38f, 0x1p-24f, 0.2f};
  std::memcpy(gm_ptr(dst, 32), g.data(), 32);
  std::memcpy(buf(Buffer::kUb), u.data(), 32);
  const Work w = run(inst(Opcode::kCopyUbToGmAtomicAdd, DataType::kF32), {dst, 0, mte(1, 1, 0, 0)});
  EXPECT_TRUE(w.gm_write);
  for (int i = 0; i < 8; ++i) {
    uint32_t got;
    std::memcpy(&got, gm_ptr(dst, 32) + i * 4, 4);
    const float sum = g[i] + u[i];
    const uint32_t expected = std::isnan(sum) ? 0x7FC00000u : numerics::testing::float_bits(sum);
    EXPECT_EQ(got, expected) << i;
  }
}

TEST_F(MteTest, AtomicAddF16Bf16AndS32) {
  Random rng(3);
  const uint64_t dst = gm.allocate(1024, "acc");
  for (DataType type : {DataType::kF16, DataType::kBf16, DataType::kS32}) {
    fill_random(gm_ptr(dst, 256), 256, rng);
    fill_random(buf(Buffer::kUb), 256, rng);
    // Special values in the first elements: Inf + -Inf, NaN, subnormals.
    if (type == DataType::kF16) {
      const uint16_t a[] = {0x7C00, 0x7E01, 0x0001, 0x7BFF};
      const uint16_t b[] = {0xFC00, 0x3C00, 0x0001, 0x7BFF};
      std::memcpy(gm_ptr(dst, 8), a, 8);
      std::memcpy(buf(Buffer::kUb), b, 8);
    }
    std::vector<uint8_t> before(gm_ptr(dst, 256), gm_ptr(dst, 256) + 256);
    run(inst(Opcode::kCopyUbToGmAtomicAdd, type), {dst, 0, mte(1, 8, 0, 0)});
    const uint8_t* out = gm_ptr(dst, 256);
    const uint8_t* ub = buf(Buffer::kUb);
    for (int i = 0; i < 256; i += static_cast<int>(isa::element_size(type))) {
      if (type == DataType::kS32) {
        uint32_t a, b, got;
        std::memcpy(&a, &before[i], 4);
        std::memcpy(&b, ub + i, 4);
        std::memcpy(&got, out + i, 4);
        EXPECT_EQ(got, a + b) << i;
        continue;
      }
      uint16_t a, b, got;
      std::memcpy(&a, &before[i], 2);
      std::memcpy(&b, ub + i, 2);
      std::memcpy(&got, out + i, 2);
      if (type == DataType::kF16) {
        const double sum =
            static_cast<double>(float16_from_bits(a)) + static_cast<double>(float16_from_bits(b));
        EXPECT_EQ(got, reference_fp16_bits(sum, RoundingMode::kRint)) << i;
      } else {
        const double sum =
            static_cast<double>(numerics::testing::float_from_bits(uint32_t{a} << 16)) +
            static_cast<double>(numerics::testing::float_from_bits(uint32_t{b} << 16));
        EXPECT_EQ(got, reference_bf16_bits(sum, RoundingMode::kRint)) << i;
      }
    }
  }
}

TEST_F(MteTest, PadCopyGmToUbPadsEachRow) {
  const uint64_t src = gm.allocate(256, "src");
  for (int i = 0; i < 256; ++i) gm_ptr(src, 256)[i] = static_cast<uint8_t>(i);
  std::memset(buf(Buffer::kUb), 0xEE, 512);
  const uint64_t params = isa::pack_pad_params({3, 6, 4, 1});
  const uint64_t pad = isa::pack_pad_value({0x1234, 2, 1});
  const Work w = run(inst(Opcode::kCopyGmToUbPad, DataType::kF16), {64, src + 2, params, pad});
  // Row i: 2 pad elements, 3 data elements from GM (src + 2 + 10 i), 1 pad element, pad up to
  // 32 bytes; rows 64 bytes apart (32 + local_gap 32).
  std::vector<uint8_t> expected(512, 0xEE);
  for (int i = 0; i < 3; ++i) {
    uint8_t* row = &expected[64 + i * 64];
    for (int e = 0; e < 16; ++e) {
      row[e * 2] = 0x34;
      row[e * 2 + 1] = 0x12;
    }
    std::memcpy(row + 4, gm_ptr(src, 256) + 2 + i * 10, 6);
  }
  EXPECT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kUb), 512));
  EXPECT_EQ(w.bytes, 3u * 32);  // nburst * row_bytes
  EXPECT_EQ(w.gm.count, 3u);
  EXPECT_EQ(w.gm.length, 6u);
  EXPECT_EQ(w.gm.stride, 10u);
  EXPECT_EQ(w.accesses[1].bytes, 2u * 64 + 32);
}

TEST_F(MteTest, PadCopyGmToL1Int8OddLengths) {
  const uint64_t src = gm.allocate(256, "src");
  for (int i = 0; i < 256; ++i) gm_ptr(src, 256)[i] = static_cast<uint8_t>(i + 1);
  const uint64_t params = isa::pack_pad_params({2, 33, 0, 0});
  const uint64_t pad = isa::pack_pad_value({0x7F, 0, 0});
  run(inst(Opcode::kCopyGmToL1Pad, DataType::kS8), {0, src, params, pad});
  // 33 bytes per row round up to 64: rows at 0 and 64.
  for (int i = 0; i < 2; ++i) {
    for (int b = 0; b < 64; ++b) {
      const uint8_t expected = b < 33 ? static_cast<uint8_t>(i * 33 + b + 1) : 0x7F;
      EXPECT_EQ(buf(Buffer::kL1)[i * 64 + b], expected) << i << " " << b;
    }
  }
}

TEST_F(MteTest, PadCopyUbToGmTakesBytesFromAlignedRows) {
  for (int i = 0; i < 256; ++i) buf(Buffer::kUb)[i] = static_cast<uint8_t>(i);
  const uint64_t dst = gm.allocate(64, "dst");
  std::memset(gm_ptr(dst, 64), 0, 64);
  const Work w =
      run(inst(Opcode::kCopyUbToGmPad), {dst + 1, 32, isa::pack_pad_params({2, 10, 3, 1})});
  // UB rows at 32 and 32 + 64; GM rows at dst + 1 and dst + 14.
  for (int b = 0; b < 10; ++b) {
    EXPECT_EQ(gm_ptr(dst, 64)[1 + b], 32 + b);
    EXPECT_EQ(gm_ptr(dst, 64)[14 + b], 96 + b);
  }
  EXPECT_EQ(gm_ptr(dst, 64)[11], 0);
  EXPECT_EQ(gm_ptr(dst, 64)[24], 0);
  EXPECT_EQ(w.gm.stride, 13u);
  EXPECT_TRUE(w.gm_write);
}

// ND -> NZ against the layout formula, for each element size.
TEST_F(MteTest, Nd2NzPlacesColumnBlocksAndZeroFillsTheLastBlock) {
  Random rng(4);
  const uint64_t src = gm.allocate(8192, "nd");
  for (DataType type : {DataType::kF16, DataType::kS8, DataType::kF32}) {
    fill_random(gm_ptr(src, 8192), 8192, rng);
    std::memset(buf(Buffer::kL1), 0xCC, 8192);
    const uint64_t es = isa::element_size(type);
    const uint64_t c0 = 32 / es;
    const uint32_t rows = 5, cols = static_cast<uint32_t>(c0 + 4), stride = cols + 3, c0_stride = 6;
    run(inst(Opcode::kCopyGmToL1Nd2nz, type),
        {64, src, isa::pack_nd2nz_params({rows, cols, stride, c0_stride})});
    std::vector<uint8_t> expected(8192, 0xCC);
    for (uint64_t r = 0; r < rows; ++r) {
      for (uint64_t c = 0; c < 2 * c0; ++c) {
        uint8_t* to = &expected[64 + (c / c0) * c0_stride * 32 + r * 32 + (c % c0) * es];
        if (c < cols) {
          std::memcpy(to, gm_ptr(src, 8192) + (r * stride + c) * es, es);
        } else {
          std::memset(to, 0, es);
        }
      }
    }
    EXPECT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kL1), 8192)) << isa::name(type);
  }
}

}  // namespace
}  // namespace npu::sim::testing
