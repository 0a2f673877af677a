// The conv2d tiling cost model alone: the forms it picks for ResNet-50 layers on the 910, the
// ranking with forced parts, and the reasons it gives when nothing fits.
#include <gtest/gtest.h>

#include "compiler/ops/conv/conv_tiling.h"
#include "tests/compiler/compiler_test_util.h"

namespace npu::compiler {
namespace {

ConvShape resnet_layer(int64_t channels, int64_t size) {
  ConvShape s;
  s.batch = 32;
  s.height = s.width = size;
  s.group_channels = s.group_out_channels = channels;
  s.filter_h = s.filter_w = 3;
  s.pad_top = s.pad_bottom = s.pad_left = s.pad_right = 1;
  return s;
}

TEST(ConvTilingTest, DoubleSlabsWithWeightsInL1ForTheFirstResNetStage) {
  // 4 rows x 56 = 224 img2col rows (no padding), the next slab prefetched under the K steps.
  ConvTiling t = choose_conv_tiling(resnet_layer(64, 56), true, chip("ascend910"));
  EXPECT_FALSE(t.streamed);
  EXPECT_TRUE(t.slab_double);
  EXPECT_TRUE(t.weights_in_l1);
  EXPECT_EQ(t.rows, 4);
  EXPECT_EQ(t.images, 1);
  EXPECT_EQ(t.nt, 64);
  EXPECT_GT(t.estimated_cycles, 0);
  // Forced to stream, it steps one channel block x 3 x 3 taps x 16 at a time.
  ConvForce f;
  f.slab = SlabMode::kStreamed;
  const ConvTiling s = choose_conv_tiling(resnet_layer(64, 56), true, chip("ascend910"), f);
  EXPECT_TRUE(s.streamed);
  EXPECT_TRUE(s.weights_in_l1);
  EXPECT_EQ(s.kt, 144);
}

TEST(ConvTilingTest, FoldsImagesForSmallMaps) {
  // 4 images of 7 x 7 (M 224) by 128 channels: 32 tiles for the 32 cores, whose 4.7 MB of
  // weights stream from GM. Their 868 KB slab comes in pieces, so the cube waits for the first
  // piece only, and each K step's weights come in one 32 KiB copy for two mmads.
  ConvTiling t = choose_conv_tiling(resnet_layer(512, 7), true, chip("ascend910"));
  EXPECT_FALSE(t.streamed);
  EXPECT_EQ(t.rows, 7);
  EXPECT_EQ(t.images, 4);
  EXPECT_EQ(t.nt, 128);
  EXPECT_TRUE(t.slab_pieces);
  EXPECT_FALSE(t.weights_in_l1);
  EXPECT_EQ(t.kt, 128);
  EXPECT_EQ(t.mmad_k, 64);
  EXPECT_EQ(t.blocks, 12);  // 12 + 12 + 8 blocks: the first piece is 3/8 of the slab
}

TEST(ConvTilingTest, StacksImagesWithZeroGapsAndPadsMOncePerTile) {
  ConvShape s = resnet_layer(512, 7);  // 7 x 7 out
  EXPECT_EQ(s.stack_gap(), 1);
  EXPECT_EQ(s.stacked_rows(2), 15);
  EXPECT_EQ(s.stacked_row_period(), 8);
  EXPECT_EQ(s.stacked_pixels(2), 105);  // 49, a dropped row of 7, 49
  EXPECT_EQ(conv_tile_m(s, 7, 2), 112);  // not 2 x 64
  EXPECT_EQ(conv_tile_m(s, 7, 1), 64);
  EXPECT_EQ(conv_tile_slab_bytes(s, 7, 2, 32), 32 * 15 * 7 * 32);
  EXPECT_EQ(conv_tile_slab_bytes(s, 7, 1, 32), 32 * 7 * 7 * 32);
  // Stride 2 on 14 rows (7 out): a gap of 2 keeps each image's first row on a stride.
  ConvShape s2 = resnet_layer(512, 14);
  s2.stride_h = s2.stride_w = 2;
  EXPECT_EQ(s2.stack_gap(), 2);
  EXPECT_EQ(s2.stacked_row_period(), 8);
  EXPECT_EQ(s2.stacked_pixels(16), (15 * 8 + 7) * 7);
  // Odd height at stride 2, padding 2 / 0 rows: the gap grows to a whole number of strides.
  ConvShape s3 = resnet_layer(16, 9);
  s3.stride_h = 2;
  s3.pad_top = 2;
  s3.pad_bottom = 0;
  EXPECT_EQ(s3.stack_gap(), 3);
  s3.pad_top = 0;
  EXPECT_EQ(s3.stack_gap(), 1);
  s3.stride_h = 1;
  EXPECT_EQ(s3.stack_gap(), 0);
  EXPECT_EQ(s3.stacked_rows(3), 27);
}

ConvShape stride2_layer(int64_t channels, int64_t size) {
  ConvShape s = resnet_layer(channels, size);
  s.stride_h = s.stride_w = 2;
  return s;
}

TEST(ConvTilingTest, RanksFastestFirstAndHonoursForcedParts) {
  const config::ChipConfig c = chip("ascend910");
  const ConvTilingRanking all = rank_conv_tilings(stride2_layer(128, 56), true, c);
  ASSERT_GT(all.ranked.size(), 100u);
  for (size_t i = 1; i < all.ranked.size(); ++i)
    ASSERT_LE(all.ranked[i - 1].estimated_cycles, all.ranked[i].estimated_cycles) << i;
  // choose_conv_tiling is the ranking's first.
  const ConvTiling best = choose_conv_tiling(stride2_layer(128, 56), true, c);
  EXPECT_EQ(conv_tiling_keys(best), conv_tiling_keys(all.ranked.front()));
  ConvForce f;
  f.rows = 5;
  f.slab = SlabMode::kDouble;
  const ConvTilingRanking forced = rank_conv_tilings(stride2_layer(128, 56), true, c, f);
  ASSERT_FALSE(forced.ranked.empty());
  for (const ConvTiling& t : forced.ranked) {
    EXPECT_EQ(t.rows, 5);
    EXPECT_TRUE(t.slab_double);
    EXPECT_TRUE(t.weights_in_l1);  // a double slab needs them in L1
  }
  EXPECT_EQ(conv_tiling_keys(forced.ranked.front()),
            " tile_rows=5 tile_images=1 tile_n=64 tile_k=64 slab=double weights=l1");
  // A forced K step that is no power of two is taken as given.
  f = ConvForce{};
  f.kt = 48;
  for (const ConvTiling& t : rank_conv_tilings(stride2_layer(128, 56), true, c, f).ranked) {
    EXPECT_EQ(t.kt, 48);
    EXPECT_FALSE(t.streamed);  // a streamed step is whole channel blocks (144 columns)
  }
}

TEST(ConvTilingTest, NamesTheForcedKeyThatCannotFit) {
  ConvForce f;
  f.kt = 1024;  // 1024 columns x 208 img2col rows x 2 B: 416 KiB, twice, in a 64 KiB L0A
  f.rows = 7;
  const ConvTilingRanking r = rank_conv_tilings(stride2_layer(128, 56), true, chip("ascend910"), f);
  EXPECT_TRUE(r.ranked.empty());
  EXPECT_EQ(r.reason_key, "tile_k");
  EXPECT_EQ(r.reason,
            "a K step of 1024 columns by 208 img2col rows (2 x 425984 B, double buffered) does "
            "not fit l0a (65536 B)");
}

TEST(ConvTilingTest, SaysWhyNothingFits) {
  ConvShape s = resnet_layer(16, 8);
  s.width = 300;  // 300 img2col rows per output row: more than tiny's L0A holds
  s.filter_h = s.filter_w = 1;
  s.pad_top = s.pad_bottom = s.pad_left = s.pad_right = 0;
  ConvTiling t = choose_conv_tiling(s, false, chip("tiny"));
  EXPECT_LT(t.estimated_cycles, 0);
  EXPECT_EQ(t.reason,
            "one output row (304 img2col rows) by 16 columns does not fit l0a (16384 B, double "
            "buffered)");
}

}  // namespace
}  // namespace npu::compiler
