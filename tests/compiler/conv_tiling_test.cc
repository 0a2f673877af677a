// The conv2d tiling cost model alone: the forms it picks for ResNet-50 layers on the 910 and
// the reasons it gives when nothing fits.
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

TEST(ConvTilingTest, StreamsSlabsWithWeightsInL1ForTheFirstResNetStage) {
  ConvTiling t = choose_conv_tiling(resnet_layer(64, 56), true, chip("ascend910"));
  EXPECT_TRUE(t.streamed);
  EXPECT_TRUE(t.weights_in_l1);
  EXPECT_EQ(t.rows, 2);
  EXPECT_EQ(t.images, 1);
  EXPECT_EQ(t.nt, 64);
  EXPECT_EQ(t.kt, 144);  // one channel block x 3 x 3 taps x 16
  EXPECT_GT(t.estimated_cycles, 0);
}

TEST(ConvTilingTest, FoldsImagesForSmallMaps) {
  ConvTiling t = choose_conv_tiling(resnet_layer(512, 7), true, chip("ascend910"));
  EXPECT_FALSE(t.streamed);
  EXPECT_EQ(t.rows, 7);
  EXPECT_EQ(t.images, 2);
  EXPECT_EQ(t.nt, 256);
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
