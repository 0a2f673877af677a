// Packed parameter words: bit positions, typed round trips, range checks.
#include <gtest/gtest.h>

#include "isa/packed.h"

namespace npu::isa {
namespace {

TEST(IsaPacked, LayoutsAreWellFormed) {
  for (const PackedLayout* layout : all_packed_layouts()) {
    uint64_t used = 0;
    for (const PackedField& f : layout->fields) {
      EXPECT_LE(f.lo + f.width, 64) << layout->name << "." << f.name;
      EXPECT_EQ(used & (f.mask() << f.lo), 0u) << layout->name << "." << f.name;
      used |= f.mask() << f.lo;
      EXPECT_LE(f.max, f.mask()) << layout->name << "." << f.name;
      EXPECT_LE(f.min, f.default_value) << layout->name << "." << f.name;
      EXPECT_LE(f.default_value, f.max) << layout->name << "." << f.name;
      EXPECT_EQ(layout->find(f.name), static_cast<int>(&f - layout->fields.data()));
    }
    EXPECT_EQ(layout->reserved_mask(), ~used);
  }
  EXPECT_EQ(kVectorLayout.find("nope"), -1);
}

TEST(IsaPacked, MteBitPositions) {
  const uint64_t w = pack_mte_params({.nburst = 2, .burst_len = 3, .src_gap = 4, .dst_gap = 5});
  EXPECT_EQ(w, 2ull | 3ull << 12 | 4ull << 28 | 5ull << 44);
  const MteParams p = unpack_mte_params(w);
  EXPECT_EQ(p.nburst, 2u);
  EXPECT_EQ(p.burst_len, 3u);
  EXPECT_EQ(p.src_gap, 4u);
  EXPECT_EQ(p.dst_gap, 5u);
  const MteParams max = unpack_mte_params(pack_mte_params({4095, 65535, 65535, 65535}));
  EXPECT_EQ(max.nburst, 4095u);
  EXPECT_EQ(max.dst_gap, 65535u);
}

TEST(IsaPacked, VectorBitPositionsAndDefaults) {
  const uint64_t w = pack_vector_params({});
  EXPECT_EQ(w, 0x0008080801010101ull);  // repeat 1, block strides 1, repeat strides 8
  const VectorParams p = unpack_vector_params(pack_vector_params({.repeat = 255,
                                                                  .dst_blk_stride = 2,
                                                                  .src0_blk_stride = 3,
                                                                  .src1_blk_stride = 4,
                                                                  .dst_rep_stride = 5,
                                                                  .src0_rep_stride = 6,
                                                                  .src1_rep_stride = 7}));
  EXPECT_EQ(p.repeat, 255u);
  EXPECT_EQ(p.src1_blk_stride, 4u);
  EXPECT_EQ(p.src0_rep_stride, 6u);
  EXPECT_EQ(p.src1_rep_stride, 7u);
}

TEST(IsaPacked, EveryTypedHelperRoundTrips) {
  const PadParams pad = unpack_pad_params(pack_pad_params({7, 2097151, 1048575, 255}));
  EXPECT_EQ(pad.nburst, 7u);
  EXPECT_EQ(pad.burst_bytes, 2097151u);
  EXPECT_EQ(pad.gm_gap, 1048575u);
  EXPECT_EQ(pad.local_gap, 255u);
  const PadValue pv = unpack_pad_value(pack_pad_value({0xdeadbeef, 3, 32}));
  EXPECT_EQ(pv.value, 0xdeadbeefu);
  EXPECT_EQ(pv.left_pad, 3u);
  EXPECT_EQ(pv.right_pad, 32u);
  const Nd2NzParams nz = unpack_nd2nz_params(pack_nd2nz_params({16, 40, 64, 17}));
  EXPECT_EQ(nz.rows, 16u);
  EXPECT_EQ(nz.cols, 40u);
  EXPECT_EQ(nz.src_row_stride, 64u);
  EXPECT_EQ(nz.dst_c0_stride, 17u);
  const Load2dParams l2 = unpack_load2d_params(pack_load2d_params({9, 255, 0, 3, true}));
  EXPECT_EQ(l2.start_index, 9u);
  EXPECT_EQ(l2.repeat, 255u);
  EXPECT_EQ(l2.src_stride, 0u);
  EXPECT_EQ(l2.dst_gap, 3u);
  EXPECT_TRUE(l2.transpose);
  EXPECT_EQ(pack_load2d_params({0, 1, 1, 0, true}) >> 56, 1u);
  const FmatrixParams fm = unpack_fmatrix_params(pack_fmatrix_params({56, 57, 1, 2, 3, 4}));
  EXPECT_EQ(fm.width, 56u);
  EXPECT_EQ(fm.height, 57u);
  EXPECT_EQ(fm.pad_left, 1u);
  EXPECT_EQ(fm.pad_right, 2u);
  EXPECT_EQ(fm.pad_top, 3u);
  EXPECT_EQ(fm.pad_bottom, 4u);
  const Load3dPos pos = unpack_load3d_pos(pack_load3d_pos({144, 64, 16, 32}));
  EXPECT_EQ(pos.k_extension, 144u);
  EXPECT_EQ(pos.m_extension, 64u);
  EXPECT_EQ(pos.k_start, 16u);
  EXPECT_EQ(pos.m_start, 32u);
  const Load3dGeom g = unpack_load3d_geom(pack_load3d_geom({2, 3, 3, 5, 1, 2, 64}));
  EXPECT_EQ(g.stride_w, 2u);
  EXPECT_EQ(g.stride_h, 3u);
  EXPECT_EQ(g.filter_w, 3u);
  EXPECT_EQ(g.filter_h, 5u);
  EXPECT_EQ(g.dilation_w, 1u);
  EXPECT_EQ(g.dilation_h, 2u);
  EXPECT_EQ(g.channels, 64u);
  const MmadParams mm = unpack_mmad_params(pack_mmad_params({32, 64, 4095, MmadInit::kBias, 960}));
  EXPECT_EQ(mm.m, 32u);
  EXPECT_EQ(mm.k, 64u);
  EXPECT_EQ(mm.n, 4095u);
  EXPECT_EQ(mm.init, MmadInit::kBias);
  EXPECT_EQ(mm.bias_addr, 960u);
  const FixpipeParams fx = unpack_fixpipe_params(pack_fixpipe_params({48, 33, 3, 48}));
  EXPECT_EQ(fx.n, 48u);
  EXPECT_EQ(fx.m, 33u);
  EXPECT_EQ(fx.src_stride, 3u);
  EXPECT_EQ(fx.dst_stride, 48u);
}

TEST(IsaPacked, CheckPackedNamesTheProblem) {
  EXPECT_EQ(check_packed(kMteLayout, pack_mte_params({})), std::nullopt);
  EXPECT_EQ(check_packed(kMteLayout, 0), "nburst = 0 is out of range 1..4095");
  EXPECT_EQ(check_packed(kMteLayout, pack_mte_params({}) | 1ull << 63),
            "mte parameters have reserved bits set (0x8000000000000000)");
  EXPECT_EQ(check_packed(kMmadLayout, 3ull << 36), "init = 3 is out of range 0..2");
  EXPECT_EQ(check_packed(kLoad3dGeomLayout, pack_load3d_geom({}) & ~0x3full),
            "stride_w = 0 is out of range 1..63");
  EXPECT_EQ(check_packed(kVectorLayout, 0), std::nullopt);  // repeat 0 is legal: no work
}

}  // namespace
}  // namespace npu::isa
