// Fixpipe against a plain reference: every output type with scale and ReLU, NZ and ND output,
// atomic add into GM, and the ND -> NZ / NZ -> ND round trip with copy_gm_to_l1_nd2nz.
#include <cmath>

#include "tests/sim_exec/exec_test_util.h"

namespace npu::sim::testing {
namespace {

using numerics::RoundingMode;
using numerics::testing::float_bits;
using numerics::testing::float_from_bits;
using numerics::testing::reference_bf16_bits;
using numerics::testing::reference_fp16_bits;
using numerics::testing::reference_to_int;

class FixpipeTest : public ExecTest {
 protected:
  static constexpr uint64_t kSrc = 2048;

  // Element (r, c) of the L0C tile: column blocks src_stride x 16 rows apart.
  static uint64_t src_offset(uint64_t src_stride, uint64_t r, uint64_t c) {
    return ((c / 16) * src_stride * 16 + r) * 64 + (c % 16) * 4;
  }

  uint64_t fix(uint32_t n, uint32_t m, uint32_t src_stride, uint32_t dst_stride) {
    return isa::pack_fixpipe_params({n, m, src_stride, dst_stride});
  }

  // Fills an m x n tile with values of every kind: ordinary, negative, large, NaN, Inf.
  void fill_tile(DataType src_type, uint32_t m, uint32_t n, uint32_t src_stride, Random& rng) {
    for (uint64_t r = 0; r < m; ++r) {
      for (uint64_t c = 0; c < n; ++c) {
        const uint64_t at = kSrc + src_offset(src_stride, r, c);
        if (src_type == DataType::kS32) {
          put<int32_t>(Buffer::kL0c, at, static_cast<int32_t>(rng.next()) >> (rng.next() % 31));
          continue;
        }
        const uint64_t k = rng.next() % 16;
        float v = static_cast<float>((static_cast<double>(rng.next() >> 11) * 0x1p-53 - 0.5) * 300);
        if (k == 0) v = NAN;
        if (k == 1) v = -INFINITY;
        if (k == 2) v = 1e6f;  // overflows fp16
        if (k == 3) v = -0.0f;
        if (k == 4) v = 1e-6f;  // fp16 subnormal
        put<float>(Buffer::kL0c, at, v);
      }
    }
  }
};

// The reference value of one element, as bytes of the output type.
uint32_t reference(DataType out, DataType in, uint32_t raw, float scale, bool relu) {
  double x = in == DataType::kS32 ? static_cast<double>(static_cast<int32_t>(raw))
                                  : static_cast<double>(float_from_bits(raw));
  if (in == DataType::kS32 && out != DataType::kS32) {
    x = static_cast<double>(static_cast<float>(x));  // RN to fp32
  }
  if (out == DataType::kS8 || (in == DataType::kS32 && out == DataType::kF16)) {
    x = static_cast<double>(static_cast<float>(x) * scale);
  }
  if (relu && !(x > 0) && !std::isnan(x)) x = 0.0;
  switch (out) {
    case DataType::kF32:
      return std::isnan(x) ? 0x7FC00000u : float_bits(static_cast<float>(x));
    case DataType::kF16:
      return reference_fp16_bits(x, RoundingMode::kRint);
    case DataType::kBf16:
      return reference_bf16_bits(x, RoundingMode::kRint);
    case DataType::kS8:
      return static_cast<uint8_t>(reference_to_int<int8_t>(x, RoundingMode::kRint));
    case DataType::kS32: {
      const int64_t v = static_cast<int32_t>(raw);
      return static_cast<uint32_t>(relu && v < 0 ? 0 : v);
    }
    default:
      return 0;
  }
}

TEST_F(FixpipeTest, EveryTypePairToUbInNdAndNzWithReluAndScale) {
  Random rng(21);
  const std::pair<DataType, DataType> pairs[] = {
      {DataType::kF32, DataType::kF32},  {DataType::kF16, DataType::kF32},
      {DataType::kBf16, DataType::kF32}, {DataType::kS8, DataType::kF32},
      {DataType::kF16, DataType::kS32},  {DataType::kS8, DataType::kS32},
      {DataType::kS32, DataType::kS32}};
  const float scale = 0.37f;
  for (auto [out, in] : pairs) {
    for (bool relu : {false, true}) {
      for (isa::FixLayout layout : {isa::FixLayout::kNd, isa::FixLayout::kNz}) {
        const uint32_t m = 19, n = 37, src_stride = 2;
        fill_tile(in, m, n, src_stride, rng);
        std::memset(buf(Buffer::kUb), 0xA5, 16384);
        const uint64_t es = isa::element_size(out);
        const uint64_t c0 = 32 / es;
        const bool nd = layout == isa::FixLayout::kNd;
        const uint32_t dst_stride = nd ? 40 : 32;
        isa::Instruction i = inst(Opcode::kFixL0cToUb, out, in);
        i.relu = relu;
        i.layout = layout;
        const Work w = run(i, {256, kSrc, fix(n, m, src_stride, dst_stride), float_bits(scale)});
        EXPECT_EQ(w.bytes, nd ? uint64_t{m} * n * es : 32u * ((n + c0 - 1) / c0 * c0) * es);
        // NZ writes whole 32-byte rows of whole 16-row fractals, reading L0C beyond m and n.
        const uint64_t rows = nd ? m : 32, cols = nd ? n : (n + c0 - 1) / c0 * c0;
        std::vector<uint8_t> expected(16384, 0xA5);
        for (uint64_t r = 0; r < rows; ++r) {
          for (uint64_t c = 0; c < cols; ++c) {
            const uint32_t raw = get<uint32_t>(Buffer::kL0c, kSrc + src_offset(src_stride, r, c));
            const uint32_t v = reference(out, in, raw, scale, relu);
            const uint64_t at =
                nd ? (r * dst_stride + c) * es : ((c / c0) * dst_stride + r) * 32 + (c % c0) * es;
            std::memcpy(&expected[256 + at], &v, es);
          }
        }
        ASSERT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kUb), 16384))
            << isa::name(out) << "." << isa::name(in) << " relu=" << relu
            << " layout=" << isa::name(layout);
      }
    }
  }
}

TEST_F(FixpipeTest, AtomicAddIntoGmAndPlainStoreToL1) {
  Random rng(22);
  const uint32_t m = 5, n = 18;
  fill_tile(DataType::kF32, m, n, 1, rng);
  const uint64_t dst = gm.allocate(4096, "out");
  std::vector<float> initial(m * n);
  for (uint64_t i = 0; i < m * n; ++i) initial[i] = static_cast<float>(i) * 0.5f;
  std::memcpy(gm_ptr(dst, 4096), initial.data(), initial.size() * 4);
  isa::Instruction i = inst(Opcode::kFixL0cToGm, DataType::kF32, DataType::kF32);
  i.layout = isa::FixLayout::kNd;
  i.atomic = true;
  const Work w = run(i, {dst, kSrc, fix(n, m, 1, n), 0});
  ASSERT_TRUE(w.has_gm);
  EXPECT_TRUE(w.gm_write);
  EXPECT_EQ(w.gm.count, m);
  EXPECT_EQ(w.gm.length, n * 4u);
  for (uint64_t r = 0; r < m; ++r) {
    for (uint64_t c = 0; c < n; ++c) {
      const float x = get<float>(Buffer::kL0c, kSrc + src_offset(1, r, c));
      const float sum = initial[r * n + c] + x;
      uint32_t got;
      std::memcpy(&got, gm_ptr(dst, 4096) + (r * n + c) * 4, 4);
      EXPECT_EQ(got, std::isnan(sum) ? 0x7FC00000u : float_bits(sum)) << r << "," << c;
    }
  }
  // To L1 in NZ: fp16 output, C0 = 16.
  run(inst(Opcode::kFixL0cToL1, DataType::kF16, DataType::kF32), {0, kSrc, fix(n, m, 1, 16), 0});
  for (uint64_t r = 0; r < m; ++r) {
    for (uint64_t c = 0; c < n; ++c) {
      const float x = get<float>(Buffer::kL0c, kSrc + src_offset(1, r, c));
      EXPECT_EQ(get<uint16_t>(Buffer::kL1, ((c / 16) * 16 + r) * 32 + (c % 16) * 2),
                reference_fp16_bits(x, RoundingMode::kRint));
    }
  }
}

// NZ -> ND (fixpipe to GM) followed by ND -> NZ (copy_gm_to_l1_nd2nz) gives what fixpipe
// writes to L1 in NZ directly, on the m x n matrix (NZ output also fills the padding from
// L0C, nd2nz with zeros).
TEST_F(FixpipeTest, NzToNdToNzRoundTrip) {
  Random rng(23);
  for (DataType out : {DataType::kF16, DataType::kF32, DataType::kS8}) {
    const uint32_t m = 21, n = 45;
    fill_tile(DataType::kF32, m, n, 2, rng);
    const uint64_t nd = gm.allocate(m * n * 4, "nd");
    isa::Instruction to_nd = inst(Opcode::kFixL0cToGm, out, DataType::kF32);
    to_nd.layout = isa::FixLayout::kNd;
    run(to_nd, {nd, kSrc, fix(n, m, 2, n), float_bits(1.0f)});
    std::memset(buf(Buffer::kL1), 0, 65536);
    run(inst(Opcode::kCopyGmToL1Nd2nz, out), {0, nd, isa::pack_nd2nz_params({m, n, n, 32})});
    std::vector<uint8_t> via_nd(buf(Buffer::kL1), buf(Buffer::kL1) + 32768);
    std::memset(buf(Buffer::kL1), 0, 65536);
    run(inst(Opcode::kFixL0cToL1, out, DataType::kF32),
        {0, kSrc, fix(n, m, 2, 32), float_bits(1.0f)});
    const uint64_t es = isa::element_size(out), c0 = 32 / es;
    for (uint64_t r = 0; r < m; ++r) {
      for (uint64_t c = 0; c < n; ++c) {
        const uint64_t at = ((c / c0) * 32 + r) * 32 + (c % c0) * es;
        ASSERT_EQ(0, std::memcmp(&via_nd[at], buf(Buffer::kL1) + at, es))
            << isa::name(out) << " " << r << "," << c;
      }
    }
    // Columns of the last block beyond n: zero via nd2nz.
    EXPECT_EQ(via_nd[((n / c0) * 32) * 32 + (n % c0) * es], 0);
  }
}

}  // namespace
}  // namespace npu::sim::testing
