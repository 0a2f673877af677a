// Compiled conv2d kernels (img2col on load3d) run on the simulated chips through the runtime,
// checked against the fp64 host reference with the race check on: NHWC, NCHW (layout phases
// around the NHWC kernel), with a bias and with forced tilings; compile errors by text;
// `--autotune`'s conv2d candidates.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler/ops/tuning.h"
#include "runtime/autotune.h"
#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

class Conv2dTest : public ::testing::TestWithParam<OpCase> {};

TEST_P(Conv2dTest, MatchesTheReferenceRaceFree) {
  expect_op_matches_reference(GetParam().chip, GetParam().spec);
}

std::vector<OpCase> cases() {
  return op_cases_on_every_chip({
      "conv2d n=1 c=16 h=8 w=8 k=16 r=3 s=3 stride=1 pad=1 dtype=fp16",
      "conv2d n=2 c=32 h=5 w=7 k=24 r=1 s=1 dtype=fp16",  // 1x1
      "conv2d n=1 c=3 h=17 w=77 k=5 r=3 s=3 pad=1 dtype=fp16",
      "conv2d n=1 c=1 h=1 w=1 k=1 r=1 s=1 dtype=fp16",
      "conv2d n=1 c=20 h=15 w=13 k=33 r=3 s=3 stride=2 pad=1 dtype=fp16",
      "conv2d n=1 c=16 h=12 w=11 k=16 r=3 s=3 dilation=2 pad=2 dtype=fp16",
      "conv2d n=1 c=32 h=9 w=9 k=32 r=3 s=3 pad=1 groups=32 dtype=fp16",  // depthwise
      "conv2d n=2 c=24 h=7 w=6 k=20 r=3 s=3 groups=2 dtype=fp16",
      // 200 KB of input: more than tiny's L1, banded by output rows.
      "conv2d n=1 c=64 h=40 w=40 k=32 r=3 s=3 pad=1 dtype=fp16",
      "conv2d n=1 c=8 h=11 w=14 k=8 r=5 s=2 stride_h=2 stride_w=1 pad_h=2 pad_w=1 "
      "dtype=fp16 out_dtype=fp32",
      "conv2d n=1 c=40 h=9 w=10 k=20 r=3 s=3 pad=1 dtype=int8",
      "conv2d n=3 c=64 h=7 w=7 k=17 r=1 s=1 stride=2 dtype=int8",
      // Small maps: several images folded into one tile's M.
      "conv2d n=32 c=64 h=3 w=3 k=64 r=3 s=3 pad=1 dtype=fp16",
      "conv2d n=48 c=16 h=5 w=5 k=16 r=3 s=3 stride=2 pad=1 groups=2 dtype=fp16",
      // On tiny: the resident slab double buffered over pairs of tiles (27 tiles: the last
      // pair's second tile is skipped).
      "conv2d n=3 c=32 h=36 w=32 k=32 r=3 s=3 stride=2 pad=1 dtype=fp16",
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, Conv2dTest, ::testing::ValuesIn(cases()));

// layout=nchw: 1-sized dims, primes, stride 2, dilation 2, pad 0, groups, depthwise, fp32 out
// (the fp32 transpose), int8 (int8 and int32 transposes), several column tiles in either
// transpose, maps beyond tiny's L1.
std::vector<OpCase> nchw_cases() {
  return op_cases_on_every_chip({
      "conv2d n=1 c=16 h=8 w=8 k=16 r=3 s=3 pad=1 layout=nchw dtype=fp16",
      "conv2d n=1 c=1 h=1 w=1 k=1 r=1 s=1 layout=nchw dtype=fp16",
      "conv2d n=2 c=3 h=17 w=13 k=5 r=3 s=3 pad=1 layout=nchw dtype=fp16",
      "conv2d n=1 c=20 h=15 w=13 k=33 r=3 s=3 stride=2 pad=1 layout=nchw dtype=fp16",
      "conv2d n=1 c=16 h=12 w=11 k=16 r=3 s=3 dilation=2 pad=2 layout=nchw dtype=fp16",
      "conv2d n=1 c=32 h=9 w=9 k=32 r=3 s=3 pad=1 groups=32 layout=nchw dtype=fp16",
      "conv2d n=3 c=24 h=7 w=6 k=20 r=3 s=3 groups=2 layout=nchw dtype=fp16",
      "conv2d n=1 c=8 h=11 w=14 k=8 r=5 s=2 stride_h=2 stride_w=1 pad_h=2 pad_w=1 layout=nchw "
      "dtype=fp16 out_dtype=fp32",
      "conv2d n=5 c=7 h=3 w=3 k=130 r=1 s=1 layout=nchw dtype=fp16",
      "conv2d n=1 c=200 h=20 w=21 k=16 r=1 s=1 layout=nchw dtype=fp16",
      // Fewer row panels than workers: column tiles in groups (on the 910 a ragged last one).
      "conv2d n=10 c=8 h=24 w=25 k=16 r=3 s=3 pad=1 layout=nchw dtype=fp16",
      "conv2d n=10 c=8 h=24 w=25 k=16 r=3 s=3 pad=1 layout=nchw dtype=int8",
      // More row panels than AI cores: the AIVs of a split core take turns.
      "conv2d n=40 c=16 h=5 w=5 k=16 r=3 s=3 pad=1 layout=nchw dtype=fp16",
      // 200 KB of input: more than tiny's L1.
      "conv2d n=1 c=64 h=40 w=40 k=32 r=3 s=3 pad=1 layout=nchw dtype=fp16",
      // int8 in (fp16 copies through vtranspose), int32 out (two exact fp32 halves).
      "conv2d n=2 c=24 h=7 w=6 k=20 r=3 s=3 groups=2 layout=nchw dtype=int8",
      "conv2d n=1 c=40 h=9 w=10 k=300 r=3 s=3 pad=1 layout=nchw dtype=int8",
      "conv2d n=1 c=33 h=35 w=3 k=8 r=3 s=1 stride=2 dilation=2 pad_h=2 layout=nchw dtype=int8",
      "conv2d n=1 c=48 h=6 w=5 k=48 r=3 s=3 pad=1 groups=48 layout=nchw dtype=int8",
  });
}

INSTANTIATE_TEST_SUITE_P(Nchw, Conv2dTest, ::testing::ValuesIn(nchw_cases()));

// bias=1: the bias table (tiny, 910B) or the vector add in UB (910), every tile shape: one
// channel per group (depthwise: 4-byte bias offsets), several channel blocks with a ragged last
// one, images folded into one tile, int8 (int32 bias), fp32 out, NCHW.
std::vector<OpCase> bias_cases() {
  return op_cases_on_every_chip({
      "conv2d n=1 c=16 h=8 w=8 k=16 r=3 s=3 pad=1 bias=1 dtype=fp16",
      "conv2d n=1 c=1 h=1 w=1 k=1 r=1 s=1 bias=1 dtype=fp16",
      "conv2d n=1 c=3 h=17 w=19 k=5 r=3 s=3 pad=1 bias=1 dtype=fp16",
      "conv2d n=1 c=20 h=15 w=13 k=33 r=3 s=3 stride=2 pad=1 bias=1 dtype=fp16",
      "conv2d n=1 c=16 h=12 w=11 k=16 r=3 s=3 dilation=2 pad=2 bias=1 dtype=fp16 out_dtype=fp32",
      "conv2d n=1 c=32 h=9 w=9 k=32 r=3 s=3 pad=1 groups=32 bias=1 dtype=fp16",
      "conv2d n=2 c=24 h=7 w=6 k=20 r=3 s=3 groups=2 bias=1 dtype=int8",
      "conv2d n=3 c=64 h=7 w=7 k=17 r=1 s=1 stride=2 bias=1 dtype=int8",
      "conv2d n=1 c=40 h=9 w=10 k=300 r=3 s=3 pad=1 bias=1 dtype=int8",
      "conv2d n=32 c=64 h=3 w=3 k=64 r=3 s=3 pad=1 bias=1 dtype=fp16",
      "conv2d n=1 c=64 h=40 w=40 k=32 r=3 s=3 pad=1 bias=1 dtype=fp16",
      "conv2d n=2 c=5 h=9 w=7 k=24 r=3 s=3 stride=2 pad=1 layout=nchw bias=1 dtype=fp16",
      "conv2d n=3 c=64 h=7 w=7 k=17 r=1 s=1 stride=2 layout=nchw bias=1 dtype=int8",
  });
}

INSTANTIATE_TEST_SUITE_P(Bias, Conv2dTest, ::testing::ValuesIn(bias_cases()));

// Forced tilings (tile_rows, tile_images, tile_n, tile_k, slab, weights): every slab mode, a
// K step that is not a power of two with a ragged last step (kred 288 = 3 x 80 + 48), ragged
// row and channel tiles, folded images, weights from GM and from L1, with a bias.
std::vector<OpCase> forced_cases() {
  return op_cases_on_every_chip({
      "conv2d n=2 c=32 h=12 w=10 k=48 r=3 s=3 pad=1 dtype=fp16 tile_rows=2 tile_n=32 tile_k=80 "
      "slab=resident weights=gm",
      "conv2d n=2 c=32 h=12 w=10 k=16 r=3 s=3 pad=1 dtype=fp16 tile_rows=1 tile_n=16 tile_k=144 "
      "slab=streamed weights=l1",
      "conv2d n=3 c=32 h=16 w=12 k=32 r=3 s=3 stride=2 pad=1 dtype=fp16 tile_rows=3 tile_n=32 "
      "slab=double weights=l1 bias=1",
      "conv2d n=4 c=16 h=5 w=5 k=40 r=3 s=3 pad=1 dtype=fp16 tile_images=2 tile_n=16 "
      "slab=resident",
      "conv2d n=1 c=40 h=9 w=10 k=20 r=3 s=3 pad=1 dtype=int8 tile_rows=4 tile_k=64",
  });
}

INSTANTIATE_TEST_SUITE_P(Forced, Conv2dTest, ::testing::ValuesIn(forced_cases()));

// A double slab with each core's block of output channels in L1 (k / tile_n blocks dividing the
// cores used): the weights load once per core before its first tile; bias, stride 2, cores
// with one tile fewer than others (ragged), int8, stacked images, and 4 channel blocks.
std::vector<OpCase> core_weights_cases() {
  std::vector<OpCase> out;
  for (const char* c : {"ascend910", "ascend910b"})
    for (const char* s : {
             "conv2d n=3 c=32 h=16 w=12 k=64 r=3 s=3 stride=2 pad=1 dtype=fp16 tile_rows=3 "
             "tile_n=32 slab=double weights=l1 bias=1",
             "conv2d n=5 c=48 h=20 w=9 k=96 r=3 s=3 pad=1 dtype=fp16 tile_rows=2 tile_n=48 "
             "slab=double weights=l1",
             "conv2d n=2 c=64 h=11 w=11 k=128 r=3 s=3 stride=2 pad=1 dtype=int8 tile_rows=2 "
             "tile_n=32 slab=double weights=l1",
             "conv2d n=8 c=32 h=5 w=5 k=64 r=3 s=3 pad=1 dtype=fp16 tile_images=2 tile_n=32 "
             "slab=double weights=l1",
         })
      out.push_back({c, s});
  return out;
}

INSTANTIATE_TEST_SUITE_P(CoreWeights, Conv2dTest, ::testing::ValuesIn(core_weights_cases()));

// The slab in pieces of channel blocks through two L1 tiles, the next piece's copies spread over
// the K steps: stacked images with zero gaps at stride 2, an odd number of pieces with a partial
// channel block and a bias, bands of different geometry (first, middle, last), int8, groups,
// NCHW with fp32 out, dilation; a K step cut into load3d / mmad pairs whose last step skips a
// pair (tiny: 3 blocks = 432 columns, steps of 128 in pairs of 64, the last step 48).
std::vector<OpCase> pieces_cases() {
  return op_cases_on_every_chip({
      "conv2d n=4 c=64 h=7 w=7 k=32 r=3 s=3 stride=2 pad=1 dtype=fp16 tile_images=4 "
      "slab=pieces",
      "conv2d n=2 c=72 h=6 w=9 k=40 r=3 s=3 pad=1 dtype=fp16 bias=1 slab=pieces slab_blocks=2",
      "conv2d n=1 c=48 h=20 w=10 k=32 r=3 s=3 pad=1 dtype=fp16 tile_rows=6 slab=pieces",
      "conv2d n=2 c=96 h=6 w=6 k=32 r=3 s=3 pad=1 dtype=int8 slab=pieces",
      "conv2d n=2 c=64 h=6 w=6 k=32 r=3 s=3 pad=1 groups=2 dtype=fp16 slab=pieces",
      "conv2d n=2 c=48 h=8 w=8 k=24 r=3 s=3 stride=2 pad=1 layout=nchw out_dtype=fp32 "
      "dtype=fp16 slab=pieces",
      "conv2d n=1 c=100 h=5 w=6 k=17 r=2 s=3 pad=1 dilation=2 dtype=fp16 slab=pieces",
      "conv2d n=1 c=80 h=8 w=8 k=16 r=3 s=3 pad=1 dtype=fp16 slab=pieces slab_blocks=3 "
      "tile_k=128",
  });
}

INSTANTIATE_TEST_SUITE_P(Pieces, Conv2dTest, ::testing::ValuesIn(pieces_cases()));

TEST(Conv2dTilingKeysTest, PiecesSplitTheSlabAndTheKSteps) {
  // tiny: 2 x 64 img2col rows by 432 columns; L0A (16 KiB) holds 64 columns double buffered,
  // so a step of 128 is two pairs with the slots alternating, the last step one pair of 48.
  const OpKernel k = build_op(parse_op_spec("conv2d n=1 c=80 h=8 w=8 k=16 r=3 s=3 pad=1 "
                                            "dtype=fp16 slab=pieces slab_blocks=3 tile_k=128"),
                              chip("tiny"));
  EXPECT_NE(k.summary.find("K step 128 (slab in pieces of 3 channel blocks, 2 mmads per step)"),
            std::string::npos)
      << k.summary;
  const Tile* a = k.kernel.find_tile("fmap_l1_a");
  const Tile* b = k.kernel.find_tile("fmap_l1_b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->bytes, b->bytes);
  EXPECT_EQ(a->bytes, 3u * 8 * 8 * 32);  // 3 blocks of the 8 x 8 map
  EXPECT_EQ(k.kernel.find_tile("a_l0")->bytes, 64u * 64 * 2);
  EXPECT_EQ(k.kernel.find_tile("b_l0")->bytes, 128u * 16 * 2);
  const std::string base = "conv2d n=2 c=160 h=6 w=6 k=32 r=3 s=3 pad=1 dtype=fp16 ";
  EXPECT_EQ(op_build_error("tiny", base + "slab_blocks=2"),
            "<op>:1:68: error: slab_blocks sets the channel blocks of a slab piece: it needs "
            "slab=pieces");
  EXPECT_EQ(op_build_error("tiny", base + "slab=pieces weights=l1"),
            "<op>:1:76: error: slab=pieces takes the weights from GM (weights=gm): L1 holds the "
            "two slab pieces");
  EXPECT_EQ(op_build_error("tiny", base + "slab=pieces slab_blocks=1"),
            "<op>:1:80: error: no conv2d tiling with slab=pieces slab_blocks=1 fits chip 'tiny': "
            "10 channel blocks in pieces of 1 channel block are 10 pieces; slab=pieces takes 2 "
            "to 8 (pipes.event_ids)");
  EXPECT_EQ(op_build_error("tiny", base + "slab=pieces slab_blocks=2 tile_k=32"),
            "<op>:1:89: error: no conv2d tiling with tile_k=32 slab=pieces slab_blocks=2 fits "
            "chip 'tiny': slab=pieces needs an even number of K steps per piece (pieces of 2 "
            "channel blocks are 288 columns, 9 steps of 32): L0B's two slots alternate across "
            "the pieces");
}

TEST(Conv2dTilingKeysTest, CoreWeightsNeedTheBlocksToDivideTheCores) {
  // tiny has one core: two channel blocks cannot each stay in one core's L1.
  EXPECT_NE(op_build_error("tiny", "conv2d n=3 c=32 h=16 w=12 k=64 r=3 s=3 pad=1 dtype=fp16 "
                                   "tile_rows=3 tile_n=32 slab=double weights=l1")
                .find("or slab=double with tile_n dividing k and k / tile_n dividing the cores "
                      "used"),
            std::string::npos);
  // On the 910 the kernel loads the core's block once, in two pieces of K steps (w_l1_0 and
  // w_l1_1, the first one no smaller) that together are that block's size.
  const OpKernel k = build_op(parse_op_spec("conv2d n=3 c=32 h=16 w=12 k=64 r=3 s=3 pad=1 "
                                            "dtype=fp16 tile_rows=3 tile_n=32 slab=double "
                                            "weights=l1"),
                              chip("ascend910"));
  const Tile* w0 = k.kernel.find_tile("w_l1_0");
  const Tile* w1 = k.kernel.find_tile("w_l1_1");
  ASSERT_NE(w0, nullptr);
  ASSERT_NE(w1, nullptr);
  EXPECT_EQ(w0->bytes + w1->bytes, 288u * 32 * 2);  // kred 288 x 32 channels of fp16
  EXPECT_GE(w0->bytes, w1->bytes);
}

// Tiles of several images stacked in one feature map (one load3d, M padded once per tile): zero
// gap rows as the padding between images (pad 1, pad 2 with dilation 2, unequal pad_h), a gap
// widened to a whole number of strides (odd heights at stride 2, 3), no zeros without padding,
// primes, groups, depthwise, int8, bias (table or UB add), NCHW, streamed and double slabs, fp32
// out.
std::vector<OpCase> stacked_cases() {
  return op_cases_on_every_chip({
      "conv2d n=4 c=32 h=7 w=7 k=32 r=3 s=3 pad=1 dtype=fp16 tile_images=4",
      "conv2d n=6 c=20 h=9 w=5 k=24 r=3 s=3 stride=2 pad=1 dtype=fp16 tile_images=3",
      "conv2d n=3 c=16 h=11 w=3 k=16 r=3 s=3 stride=3 pad=1 dtype=fp16 tile_images=3 "
      "out_dtype=fp32",
      "conv2d n=4 c=16 h=6 w=6 k=16 r=3 s=3 pad=2 dilation=2 dtype=fp16 tile_images=4 bias=1",
      "conv2d n=3 c=17 h=5 w=7 k=19 r=3 s=2 pad_h=2 pad_w=1 dtype=fp16 tile_images=3",
      "conv2d n=4 c=16 h=7 w=7 k=16 r=3 s=3 dtype=int8 tile_images=2 bias=1",
      "conv2d n=4 c=32 h=5 w=5 k=32 r=3 s=3 pad=1 groups=32 dtype=fp16 tile_images=4",
      "conv2d n=6 c=24 h=7 w=6 k=20 r=3 s=3 pad=1 groups=2 dtype=int8 tile_images=3",
      "conv2d n=4 c=24 h=7 w=5 k=16 r=3 s=3 stride=2 pad=1 layout=nchw bias=1 dtype=fp16 "
      "tile_images=2",
      "conv2d n=4 c=48 h=7 w=4 k=16 r=3 s=1 pad_h=1 dtype=fp16 tile_images=2 slab=streamed "
      "tile_k=48",
      "conv2d n=8 c=16 h=5 w=5 k=16 r=3 s=3 pad=1 dtype=fp16 tile_images=2 slab=double "
      "weights=l1",
  });
}

INSTANTIATE_TEST_SUITE_P(Stacked, Conv2dTest, ::testing::ValuesIn(stacked_cases()));

// L1 keeps its contents from one launch to the next: after a kernel that left input data where
// the stacked feature map has its gap rows, the gaps must still read as zeros (they are copied
// from a zeroed workspace, not assumed): by every slab load (910: 28 tiles, one per core) or
// by each core's first tile (tiny, 910B: more tiles than cores).
TEST(Conv2dStackedTest, GapRowsAreZeroedNotAssumed) {
  for (const char* chip_name : {"tiny", "ascend910", "ascend910b"}) {
    sim::SimOptions options;
    options.racecheck = true;
    runtime::Device device = runtime::Device::simulated(chip(chip_name), options);
    const std::string shape = "conv2d n=8 c=32 h=7 w=7 k=112 r=3 s=3 pad=1 dtype=fp16 tile_n=16 "
                              "slab=resident weights=gm ";
    runtime::OpRun dirty = runtime::run_op(device, parse_op_spec(shape + "tile_images=1"), true);
    ASSERT_TRUE(dirty.check.passed) << chip_name;
    runtime::OpRun r = runtime::run_op(device, parse_op_spec(shape + "tile_images=2"), true);
    EXPECT_TRUE(r.check.passed) << chip_name << ": " << r.check.first_mismatch;
    EXPECT_EQ(r.check.mismatches, 0u) << chip_name;
  }
}

// A forced key is used as given; the other parts stay the model's.
TEST(Conv2dTilingKeysTest, ForcedKeysShowInTheKernelAndTheRestIsChosen) {
  const std::string base = "conv2d n=2 c=32 h=12 w=10 k=48 r=3 s=3 pad=1 dtype=fp16";
  const OpKernel k = build_op(parse_op_spec(base + " tile_rows=5 tile_k=80"), chip("ascend910"));
  EXPECT_NE(k.summary.find("tiles 5 rows x "), std::string::npos) << k.summary;
  EXPECT_NE(k.summary.find("K step 80 (resident slab"), std::string::npos) << k.summary;
  const OpKernel d = build_op(parse_op_spec(base + " slab=double"), chip("ascend910"));
  EXPECT_NE(
      d.summary.find("(resident slab, double buffered, the next one prefetched), weights in L1"),
      std::string::npos)
      << d.summary;
}

TEST(Conv2dTilingKeysTest, RejectsIllegalValuesAndTilingsThatDoNotFit) {
  const std::string base = "conv2d n=2 c=32 h=12 w=10 k=48 r=3 s=3 pad=1 dtype=fp16 ";
  EXPECT_EQ(op_build_error("tiny", base + "tile_n=24"),
            "<op>:1:64: error: tile_n = 24 is not a multiple of 16");
  EXPECT_EQ(op_build_error("tiny", base + "tile_n=272"),
            "<op>:1:64: error: 'tile_n' = 272 is out of range 16..48");
  EXPECT_EQ(op_build_error("tiny", base + "tile_k=40"),
            "<op>:1:64: error: tile_k = 40 is not a multiple of C0 = 16 (channels per 32 bytes)");
  EXPECT_EQ(op_build_error("tiny", base + "tile_rows=13"),
            "<op>:1:67: error: 'tile_rows' = 13 is out of range 1..12");
  EXPECT_EQ(op_build_error("tiny", base + "tile_rows=5 tile_images=2"),
            "<op>:1:81: error: tile_images > 1 folds whole output maps: it needs tile_rows = 12 "
            "(the output height)");
  EXPECT_EQ(op_build_error("tiny", "conv2d n=6 c=16 h=4 w=4 k=16 r=3 s=3 pad=1 dtype=fp16 "
                                   "tile_images=4"),
            "<op>:1:67: error: tile_images = 4 does not divide n = 6");
  EXPECT_EQ(op_build_error("tiny", base + "slab=streamed tile_k=32"),
            "<op>:1:78: error: slab=streamed steps whole channel blocks: tile_k must be a "
            "multiple of r x s x C0 = 144");
  EXPECT_EQ(op_build_error("tiny", base + "slab=single"),
            "<op>:1:62: error: unsupported slab 'single' (supported: auto, streamed, resident, "
            "double, pieces)");
  EXPECT_EQ(op_build_error("tiny", base + "weights=dram"),
            "<op>:1:65: error: unsupported weights 'dram' (supported: auto, gm, l1)");
  // Legal values whose tiling does not fit: the first reason of a tiling that agrees.
  EXPECT_EQ(op_build_error("tiny", base + "slab=double weights=gm"),
            "<op>:1:62: error: no conv2d tiling with slab=double weights=gm fits chip 'tiny': "
            "slab=double needs the weights in L1 (weights=l1)");
  EXPECT_EQ(op_build_error("tiny", base + "weights=l1 tile_n=16"),
            "<op>:1:65: error: no conv2d tiling with tile_n=16 weights=l1 fits chip 'tiny': "
            "weights=l1 needs every tile to use the same weights (one group, tile_n >= k / "
            "groups) and at most 65535 32-byte units of them, or slab=double with tile_n "
            "dividing k and k / tile_n dividing the cores used");
  EXPECT_EQ(op_build_error("tiny", base + "tile_rows=12 tile_n=48 slab=resident tile_k=288"),
            "<op>:1:101: error: no conv2d tiling with tile_rows=12 tile_n=48 tile_k=288 "
            "slab=resident fits chip 'tiny': a K step of 288 columns by 128 img2col rows (2 x "
            "73728 B, double buffered) does not fit l0a (16384 B)");
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=64 h=40 w=40 k=32 r=3 s=3 pad=1 dtype=fp16 "
                                   "tile_rows=40 slab=resident"),
            "<op>:1:67: error: no conv2d tiling with tile_rows=40 slab=resident fits chip "
            "'tiny': the L1 slab of 40 output rows (204800 B, or 2 x 51200 B streamed) does not "
            "fit l1 (65536 B)");
}

// --autotune: one candidate per tile shape, each a spec that forces its whole tiling; the
// runtime keeps the fastest, which is never slower than the model's own choice (the first
// candidate), and the same on every run.
TEST(Conv2dAutotuneTest, TriesDistinctTileShapesAndKeepsTheFastest) {
  const config::ChipConfig c = chip("ascend910");
  const OpSpec spec =
      parse_op_spec("conv2d n=4 c=64 h=16 w=16 k=64 r=3 s=3 stride=2 pad=1 dtype=fp16");
  const std::vector<TuningCandidate> cands = tuning_candidates(spec, c, 3);
  ASSERT_EQ(cands.size(), 3u);
  for (size_t i = 0; i < cands.size(); ++i) {
    EXPECT_NE(cands[i].spec.text.find(" tile_rows="), std::string::npos);
    EXPECT_NE(cands[i].spec.text.find(" weights="), std::string::npos);
    if (i > 0) {
      EXPECT_LE(cands[i - 1].estimated_cycles, cands[i].estimated_cycles);
    }
    // The model's estimate for the forced spec is the candidate's own.
    EXPECT_EQ(tuning_candidates(cands[i].spec, c, 3).size(), 1u);
  }
  const runtime::AutotuneResult r = runtime::autotune_op(c, spec, 3);
  ASSERT_EQ(r.trials.size(), 3u);
  for (const runtime::AutotuneTrial& t : r.trials) EXPECT_GE(t.cycles, r.trials[r.best].cycles);
  EXPECT_LE(r.trials[r.best].cycles, r.trials[0].cycles);
  // The default build is the model's first candidate: same cycles.
  sim::SimOptions options;
  options.timing_only = true;
  runtime::Device device = runtime::Device::simulated(c, options);
  EXPECT_EQ(runtime::run_op(device, spec, false).run.cycles, r.trials[0].cycles);
  const runtime::AutotuneResult again = runtime::autotune_op(c, spec, 3);
  EXPECT_EQ(again.best, r.best);
  EXPECT_EQ(again.trials[again.best].cycles, r.trials[r.best].cycles);
}

TEST(Conv2dErrorTest, ReportsBadSpecsAndTilesThatCannotFit) {
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=6 h=8 w=8 k=8 r=3 s=3 groups=4 dtype=fp16"),
            "<op>:1:43: error: groups = 4 does not divide c = 6");
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=8 h=8 w=8 k=6 r=3 s=3 groups=4 dtype=fp16"),
            "<op>:1:43: error: groups = 4 does not divide k = 6");
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=8 h=2 w=8 k=8 r=5 s=3 dtype=fp16"),
            "<op>:1:30: error: the filter (5 x 3, dilation 1 x 1) does not fit the padded "
            "input (2 x 8)");
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=8 h=8 w=8 k=8 r=1 s=1 pad=1 dtype=fp16"),
            "<op>:1:40: error: padding (1 x 1) must be smaller than the dilated filter (1 x 1)");
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=8 h=8 w=8 k=8 r=3 s=3 dtype=bf16"),
            "<op>:1:42: error: unsupported dtype 'bf16' (supported: fp16, int8)");
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=8 h=8 w=8 k=8 r=3 s=3 layout=nhcw dtype=fp16"),
            "<op>:1:43: error: unsupported layout 'nhcw' (supported: nhwc, nchw)");
  EXPECT_EQ(
      op_build_error("tiny", "conv2d n=1 c=16 h=1024 w=1024 k=16 r=1 s=1 layout=nchw dtype=fp16"),
      "<op>:1:51: error: layout=nchw: h * w = 1048576 and c must be at most 524287 (the "
      "layout transpose's copies)");
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=8 h=8 w=8 k=8 r=3 s=3 bias=2 dtype=fp16"),
            "<op>:1:41: error: 'bias' = 2 is out of range 0..1");
  // One output row of tiny's L0A: 16 KiB, double buffered, holds 256 img2col rows.
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=16 h=3 w=300 k=16 r=1 s=1 dtype=fp16"),
            "error: conv2d does not fit the buffers of chip 'tiny': one output row (304 img2col "
            "rows) by 16 columns does not fit l0a (16384 B, double buffered)");
  // Three input rows of 2000 pixels, one 16-channel block: 192000 B, twice (double buffered)
  // more than tiny's 64 KiB L1, and all 64 channels (resident) do not fit either.
  EXPECT_EQ(op_build_error("tiny", "conv2d n=1 c=64 h=8 w=2000 k=16 r=3 s=3 stride=8 dtype=fp16"),
            "error: conv2d does not fit the buffers of chip 'tiny': the L1 slab of one output row "
            "(2 x 192000 B: 3 input rows x 2000 x 16 channels, double buffered) does not fit in "
            "l1 (65536 B)");
  // 1104 img2col rows by 16 columns, twice: 70656 B. (1000 columns fit since the slab can come
  // in pieces of one channel block, K steps of 16 columns each.)
  EXPECT_EQ(op_build_error("ascend910", "conv2d n=1 c=256 h=8 w=1100 k=16 r=3 s=1 dtype=fp16"),
            "error: conv2d does not fit the buffers of chip 'ascend910': one output row (1104 "
            "img2col rows) by 16 columns does not fit l0a (65536 B, double buffered)");
}

// The bias's way depends on the chip: a chip whose results leave L0C straight to GM needs a bias
// table (the vector unit never sees the tile).
TEST(Conv2dErrorTest, BiasNeedsTheBiasTableWhereResultsGoStraightToGm) {
  config::ChipConfig no_table = chip("tiny");
  no_table.buffers.bt_bytes = 0;
  const std::string spec = "conv2d n=1 c=8 h=8 w=8 k=8 r=3 s=3 bias=1 dtype=fp16";
  EXPECT_EQ(error_of([&] { build_op(parse_op_spec(spec), no_table); }),
            "error: bias=1 needs a bias table on chip 'tiny' (its results leave L0C straight to "
            "GM, so the vector unit cannot add it)");
  EXPECT_EQ(op_build_error("tiny", spec), "no error");
}

// The NCHW kernel is the NHWC one between two transposes through GM workspaces ordered by
// sync_all; the bias row is a fourth tensor before the output.
TEST(Conv2dLayoutTest, NchwRunsLayoutPhasesAroundTheNhwcKernel) {
  const OpKernel k =
      build_op(parse_op_spec("conv2d n=2 c=5 h=9 w=7 k=24 r=3 s=3 layout=nchw bias=1 dtype=fp16"),
               chip("ascend910b"));
  std::vector<std::string> names;
  for (const TensorDesc& t : k.tensors)
    names.push_back(t.name + (t.output ? "(out)" : t.workspace ? "(ws)" : ""));
  EXPECT_EQ(names,
            (std::vector<std::string>{"x", "wgt", "bias", "y(out)", "x_nhwc(ws)", "y_nhwc(ws)"}));
  EXPECT_EQ(k.tensors[2].dtype, isa::DataType::kF32);
  EXPECT_EQ(k.tensors[2].elements, 24u);
  ASSERT_EQ(k.kernel.body.size(), 5u);
  EXPECT_EQ(k.kernel.body[0].on->cores, CoreSelect::kAiv);
  EXPECT_EQ(k.kernel.body[1].op.mnemonic, "sync_all");
  EXPECT_EQ(k.kernel.body[2].on->cores, CoreSelect::kAic);
  EXPECT_EQ(k.kernel.body[3].op.mnemonic, "sync_all");
  EXPECT_EQ(k.kernel.body[4].on->cores, CoreSelect::kAiv);
}

// A large NCHW layer with a bias on the 910 (4 event ids per pipe pair, no bias table): each
// permute block double buffers its input, the convolution's bias row adds a v -> mte2 flag of
// its own, and the `on` blocks of one coupled core share event ids. Compiled only (a run is
// the performance table's).
TEST(Conv2dLayoutTest, LargeNchwWithBiasFitsTheEventIdsOfThe910) {
  const config::ChipConfig c = chip("ascend910");
  const OpKernel k = build_op(
      parse_op_spec("conv2d n=32 c=64 h=56 w=56 k=64 r=3 s=3 pad=1 layout=nchw bias=1 dtype=fp16"),
      c);
  EXPECT_FALSE(compile_kernel(k.kernel, c).binary.code.empty());
}

}  // namespace
}  // namespace npu::compiler
