// load2d and load3d against plain references: fractal moves with start index, stride, gap and
// transpose (16 x 16 fractals of 16-bit elements, 32 x 32 blocks of 8-bit ones); img2col written from the convolution's definition with stride, dilation and
// padding, for 16-bit and 8-bit elements.
#include "sim/exec/img2col_address_gen.h"
#include "tests/sim_exec/exec_test_util.h"

namespace npu::sim::testing {
namespace {

class LoadTest : public ExecTest {
 protected:
  static Buffer destination(Opcode opcode) {
    return opcode == Opcode::kLoad2dL1ToL0a ? Buffer::kL0a : Buffer::kL0b;
  }
  // load2d from L1 512 to L0A / L0B 1024, the destination first filled with 0x11.
  Work load2d(Opcode opcode, DataType type, const isa::Load2dParams& params) {
    std::memset(buf(destination(opcode)), 0x11, 65536);
    return run(inst(opcode, type), {1024, 512, isa::pack_load2d_params(params)});
  }
  // The bytes moved and the two operands' intervals of a load2d above with start_index 2.
  static void expect_work(const Work& w, uint64_t bytes, uint64_t src_bytes, uint64_t dst_bytes) {
    EXPECT_EQ(w.bytes, bytes);
    ASSERT_EQ(w.access_count, 2);
    EXPECT_EQ(w.accesses[0].address, 512u + 2 * 512);
    EXPECT_EQ(w.accesses[0].bytes, src_bytes);
    EXPECT_EQ(w.accesses[1].address, 1024u);
    EXPECT_EQ(w.accesses[1].bytes, dst_bytes);
  }
};

TEST_F(LoadTest, Load2dWithStartIndexStrideGapAndTranspose) {
  Random rng(31);
  fill_random(buf(Buffer::kL1), 65536, rng);
  for (bool transpose : {false, true}) {
    for (Opcode opcode : {Opcode::kLoad2dL1ToL0a, Opcode::kLoad2dL1ToL0b}) {
      const Work w = load2d(opcode, DataType::kBf16, {2, 3, 4, 1, transpose});
      expect_work(w, 3u * 512, 2u * 4 * 512 + 512, 2u * 2 * 512 + 512);
      std::vector<uint8_t> expected(65536, 0x11);
      for (uint64_t i = 0; i < 3; ++i) {
        const uint8_t* from = buf(Buffer::kL1) + 512 + (2 + 4 * i) * 512;
        uint8_t* to = &expected[1024 + i * 2 * 512];
        for (uint64_t r = 0; r < 16; ++r) {
          for (uint64_t c = 0; c < 16; ++c) {
            const uint64_t src_at = transpose ? (c * 16 + r) * 2 : (r * 16 + c) * 2;
            std::memcpy(to + (r * 16 + c) * 2, from + src_at, 2);
          }
        }
      }
      EXPECT_EQ(0, std::memcmp(expected.data(), buf(destination(opcode)), 65536)) << transpose;
    }
  }
}

// An 8-bit transpose moves 32 x 32 blocks (two source fractals); the 2 * repeat destination
// fractals sit (1 + dst_gap) fractals apart, like 2 * repeat untransposed ones.
TEST_F(LoadTest, Load2dTransposes8BitBlocksOfTwoFractals) {
  Random rng(37);
  fill_random(buf(Buffer::kL1), 65536, rng);
  for (Opcode opcode : {Opcode::kLoad2dL1ToL0a, Opcode::kLoad2dL1ToL0b}) {
    // start 2, 3 blocks, blocks 6 fractals apart, destination fractals 3 apart (dst_gap 2).
    const Work w = load2d(opcode, DataType::kS8, {2, 3, 6, 2, true});
    expect_work(w, 3u * 1024, 2u * 6 * 512 + 1024, 5u * 3 * 512 + 512);
    std::vector<uint8_t> expected(65536, 0x11);
    for (uint64_t i = 0; i < 3; ++i) {
      const uint8_t* block = buf(Buffer::kL1) + 512 + (2 + 6 * i) * 512;
      for (uint64_t r = 0; r < 32; ++r) {
        for (uint64_t c = 0; c < 32; ++c) {
          // Row r of the transposed block is column r of the source.
          const uint64_t fractal = 2 * i + r / 16;
          expected[1024 + fractal * 3 * 512 + (r % 16) * 32 + c] = block[c * 32 + r];
        }
      }
    }
    EXPECT_EQ(0, std::memcmp(expected.data(), buf(destination(opcode)), 65536));
  }
}

TEST(Img2colAddressGenTest, WalksRowsInZzOrderAndMarksPadding) {
  Img2colParams p;
  p.fm_width = 2;
  p.fm_height = 2;
  p.pad_left = 1;
  p.channels = 16;
  p.c0 = 16;
  p.m_extension = 16;
  p.k_extension = 32;
  p.filter_w = 2;  // OW = 2, OH = 2: 4 valid rows, K = 2 blocks
  Img2colAddressGen gen(p);
  EXPECT_EQ(gen.rows(), 32u);
  std::vector<Img2colRow> rows;
  while (!gen.done()) rows.push_back(gen.next());
  // Fractal 0 is k block 0 (kw = 0): row m = (oh, ow) reads (oh, ow - 1).
  using S = Img2colSource;
  EXPECT_EQ(rows[0], (Img2colRow{0, 0, S::kPadding}));
  EXPECT_EQ(rows[1], (Img2colRow{32, 0, S::kFeatureMap}));
  EXPECT_EQ(rows[2], (Img2colRow{64, 0, S::kPadding}));
  EXPECT_EQ(rows[3], (Img2colRow{96, 64, S::kFeatureMap}));
  EXPECT_EQ(rows[4], (Img2colRow{128, 0, S::kZero}));  // m = 4 >= OH * OW
  // Fractal 1 is k block 1 (kw = 1): row m reads (oh, ow).
  EXPECT_EQ(rows[16], (Img2colRow{512, 0, S::kFeatureMap}));
  EXPECT_EQ(rows[17], (Img2colRow{544, 32, S::kFeatureMap}));
  EXPECT_EQ(rows[19], (Img2colRow{608, 96, S::kFeatureMap}));
  EXPECT_EQ(rows[20], (Img2colRow{640, 0, S::kZero}));
}

struct ConvCase {
  DataType type;
  uint32_t c1, h, w, fh, fw, sh, sw, dh, dw, pl, pr, pt, pb;
  uint32_t m_start, m_ext, k_start, k_ext;
};

TEST_F(LoadTest, Load3dImg2colMatchesTheConvolutionDefinition) {
  Random rng(32);
  const ConvCase cases[] = {
      {DataType::kF16, 2, 5, 6, 3, 2, 2, 1, 1, 2, 1, 2, 1, 0, 0, 16, 16, 160},
      {DataType::kS8, 1, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16, 48, 0, 288},
      {DataType::kBf16, 1, 4, 4, 1, 1, 3, 3, 1, 1, 0, 0, 0, 0, 0, 16, 0, 16},
      {DataType::kU8, 2, 3, 9, 2, 3, 1, 2, 2, 3, 3, 0, 2, 1, 0, 32, 64, 96},
  };
  for (const ConvCase& t : cases) {
    const uint64_t es = isa::element_size(t.type);
    const uint64_t c0 = 32 / es;
    const uint64_t fm_bytes = uint64_t{t.c1} * t.h * t.w * 32;
    fill_random(buf(Buffer::kL1) + 4096, fm_bytes, rng);
    std::memset(buf(Buffer::kL0a), 0x77, 65536);
    const uint64_t pad_bits = es == 2 ? 0x3C00 : 0x81;
    run(inst(Opcode::kSetFmatrix), {isa::pack_fmatrix_params({t.w, t.h, t.pl, t.pr, t.pt, t.pb})});
    run(inst(Opcode::kSetPadding), {pad_bits});
    const uint64_t pos = isa::pack_load3d_pos({t.k_ext, t.m_ext, t.k_start, t.m_start});
    const uint64_t geom =
        isa::pack_load3d_geom({t.sw, t.sh, t.fw, t.fh, t.dw, t.dh, t.c1 * uint32_t(c0)});
    const Work w = run(inst(Opcode::kLoad3dL1ToL0a, t.type), {512, 4096, pos, geom});
    EXPECT_EQ(w.bytes, uint64_t{t.m_ext} * t.k_ext * es);

    const int64_t oh_count =
        (int64_t{t.h} + t.pt + t.pb - (int64_t{t.dh} * (t.fh - 1) + 1)) / t.sh + 1;
    const int64_t ow_count =
        (int64_t{t.w} + t.pl + t.pr - (int64_t{t.dw} * (t.fw - 1) + 1)) / t.sw + 1;
    const uint64_t k_total = uint64_t{t.c1} * t.fh * t.fw * c0;
    std::vector<uint8_t> expected(65536, 0x77);
    const uint64_t k1 = t.k_ext / c0;
    for (uint64_t i = 0; i < t.m_ext; ++i) {
      for (uint64_t j = 0; j < t.k_ext; ++j) {
        const int64_t m = t.m_start + int64_t(i);
        const uint64_t k = t.k_start + j;
        uint64_t value = pad_bits;
        ASSERT_LT(k, k_total);
        if (m >= oh_count * ow_count) {
          value = 0;  // rows beyond the img2col matrix are zero
        } else {
          const int64_t oh = m / ow_count, ow = m % ow_count;
          const uint64_t c1 = k / (uint64_t{t.fh} * t.fw * c0);
          const uint64_t kh = k / (uint64_t{t.fw} * c0) % t.fh;
          const uint64_t kw = k / c0 % t.fw;
          const uint64_t cc = k % c0;
          const int64_t ih = oh * t.sh - t.pt + int64_t(kh) * t.dh;
          const int64_t iw = ow * t.sw - t.pl + int64_t(kw) * t.dw;
          if (ih >= 0 && ih < int64_t(t.h) && iw >= 0 && iw < int64_t(t.w)) {
            value = 0;
            std::memcpy(&value,
                        buf(Buffer::kL1) + 4096 +
                            ((c1 * t.h + uint64_t(ih)) * t.w + uint64_t(iw)) * 32 + cc * es,
                        es);
          }
        }
        const uint64_t at = 512 + ((i / 16) * k1 + j / c0) * 512 + ((i % 16) * c0 + j % c0) * es;
        std::memcpy(&expected[at], &value, es);
      }
    }
    EXPECT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kL0a), 65536)) << isa::name(t.type);
  }
}

}  // namespace
}  // namespace npu::sim::testing
