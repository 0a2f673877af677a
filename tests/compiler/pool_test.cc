// Compiled pooling kernels (maxpool, avgpool, global_avgpool on the vector unit) in every dtype
// and GM layout run on the simulated chips through the runtime, checked against the fp64 host
// reference with the race check on; compile errors by text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

// Windows for maxpool and avgpool: 1-sized dims, primes, a kernel larger than the map (with
// padding), stride > kernel, rectangular windows, more channels than tiny's UB holds in one
// row (channel chunks), channel counts that end in a partial 8-block group, a large map.
const std::vector<std::string> kWindows = {
    "n=1 c=1 h=1 w=1 kernel=1",
    "n=2 c=3 h=17 w=13 kernel=3 stride=2 pad=1",
    "n=1 c=5 h=2 w=3 kernel=4 pad=2",
    "n=1 c=20 h=13 w=11 kernel=2 stride=3",
    "n=1 c=1000 h=5 w=33 kernel=2 stride=2",
    "n=1 c=37 h=9 w=10 kernel_h=3 kernel_w=2 stride_h=2 stride_w=1 pad_h=1 pad_w=1",
    "n=3 c=130 h=7 w=9 kernel=5 stride=3 pad=2",
    "n=1 c=257 h=4 w=4 kernel=2",
    "n=1 c=16 h=1 w=40 kernel_h=1 kernel_w=3 stride_w=2",
    "n=2 c=64 h=56 w=56 kernel=3 stride=2 pad=1",
};

// Maps for global_avgpool.
const std::vector<std::string> kMaps = {
    "n=1 c=1 h=1 w=1",    "n=2 c=200 h=7 w=7",  "n=1 c=64 h=13 w=17", "n=3 c=5 h=1 w=9",
    "n=1 c=37 h=5 w=3",   "n=1 c=1000 h=7 w=7", "n=1 c=3 h=61 w=1",   "n=2 c=129 h=2 w=2",
    "n=1 c=16 h=40 w=40", "n=4 c=512 h=7 w=7",  "n=1 c=8 h=300 w=70",
};

// One group (one process under CTest) per op, dtype and layout: every shape on tiny, ascend910
// and ascend910b.
std::vector<OpCaseGroup> groups() {
  std::vector<OpCaseGroup> out;
  const auto add = [&](const std::string& op, const std::vector<std::string>& shapes,
                       const std::vector<std::string>& dtypes, const std::string& extra = "") {
    for (const std::string& dtype : dtypes)
      for (const char* layout : {"nhwc", "nchw"}) {
        std::vector<std::string> specs;
        for (const std::string& shape : shapes)
          specs.push_back(op + " " + shape + extra + " dtype=" + dtype + " layout=" + layout);
        out.push_back({op + (extra.empty() ? "" : "_exclusive") + "_" + dtype + "_" + layout,
                       op_cases_on_every_chip(specs)});
      }
  };
  add("maxpool", kWindows, {"fp16", "bf16", "fp32", "int8", "uint8"});
  add("avgpool", kWindows, {"fp16", "bf16", "fp32"});
  std::vector<std::string> padded;  // count_include_pad=0 matters where windows overhang
  for (const std::string& w : kWindows)
    if (w.find("pad") != std::string::npos) padded.push_back(w);
  add("avgpool", padded, {"fp16", "bf16", "fp32"}, " count_include_pad=0");
  add("global_avgpool", kMaps, {"fp16", "bf16", "fp32"});
  return out;
}

class PoolTest : public ::testing::TestWithParam<OpCaseGroup> {};

TEST_P(PoolTest, MatchesTheReferenceRaceFree) {
  for (const OpCase& c : GetParam().cases) expect_op_matches_reference(c.chip, c.spec);
}

INSTANTIATE_TEST_SUITE_P(Shapes, PoolTest, ::testing::ValuesIn(groups()),
                         [](const auto& p) { return p.param.name; });

TEST(PoolErrorTest, ReportsBadSpecsAndRowsThatCannotFit) {
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=8 h=8 w=8 kernel=3 pad=2 dtype=fp16"),
            "<op>:1:38: error: padding (2 x 2) must be at most half the kernel (3 x 3)");
  EXPECT_EQ(op_build_error("tiny", "avgpool n=1 c=8 h=2 w=8 kernel=3 dtype=fp16"),
            "<op>:1:32: error: the kernel (3 x 3) does not fit the padded input (2 x 8)");
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=8 h=8 w=8 dtype=fp16"),
            "<op>:1:35: error: maxpool needs key 'kernel'");
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=8 h=8 w=8 kernel=2 dtype=int16"),
            "<op>:1:40: error: unsupported dtype 'int16' (supported: fp16, bf16, fp32, int8, "
            "uint8)");
  EXPECT_EQ(op_build_error("tiny", "avgpool n=1 c=8 h=8 w=8 kernel=2 dtype=int8"),
            "<op>:1:40: error: unsupported dtype 'int8' (supported: fp16, bf16, fp32)");
  EXPECT_EQ(op_build_error("tiny", "global_avgpool n=1 c=8 h=8 w=8 dtype=uint8"),
            "<op>:1:38: error: unsupported dtype 'uint8' (supported: fp16, bf16, fp32)");
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=8 h=8 w=8 kernel=2 dtype=fp16 layout=nc1hwc0"),
            "<op>:1:52: error: unsupported layout 'nc1hwc0' (supported: nhwc, nchw)");
  EXPECT_EQ(op_build_error("tiny", "global_avgpool n=1 c=8 h=3000 w=5000 dtype=fp16"),
            "<op>:1:33: error: 'w' = 5000 is out of range 1..4095");
  EXPECT_EQ(op_build_error("tiny", "global_avgpool n=64 c=2048 h=100 w=100 dtype=fp16"),
            "<op>:1:18: error: n x c x h x w = 1310720000 elements is more than the 2^30 "
            "supported");
  // One row of 4000 pixels x 16 channels, double buffered (256000 B), and the accumulator row of
  // 2000 pixels (64000 B): more than tiny's UB. fp32 avgpool: 8-channel granules, plus the
  // window counts (count_include_pad=0).
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=16 h=2 w=4000 kernel=2 dtype=fp16"),
            "error: maxpool does not fit the buffers of chip 'tiny': one row of 4000 input pixels "
            "x 16 channels needs 320000 B of ub (32768 B)");
  EXPECT_EQ(
      op_build_error("tiny", "avgpool n=1 c=8 h=2 w=1000 kernel=2 count_include_pad=0 dtype=fp32"),
      "error: avgpool does not fit the buffers of chip 'tiny': one row of 1000 input pixels "
      "x 8 channels needs 96256 B of ub (32768 B)");
  // layout=nchw: a 10^6-pixel plane with 2 channels is beyond the layout transpose's copies.
  EXPECT_EQ(op_build_error("ascend910",
                           "maxpool n=1 c=2 h=1000 w=1000 kernel=1 dtype=fp16 "
                           "layout=nchw"),
            "<op>:1:58: error: layout=nchw: h * w = 1000000 and c must be at most 524287 (the "
            "layout transpose's copies)");
}

}  // namespace
}  // namespace npu::compiler
