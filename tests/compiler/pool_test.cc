// Compiled pooling kernels (maxpool, avgpool, global_avgpool on the vector unit) run on the
// simulated chips through the runtime, checked against the fp64 host reference with the race
// check on; compile errors by text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

class PoolTest : public ::testing::TestWithParam<OpCase> {};

TEST_P(PoolTest, MatchesTheReferenceRaceFree) {
  expect_op_matches_reference(GetParam().chip, GetParam().spec);
}

std::vector<OpCase> cases() {
  return op_cases_on_every_chip({
      "maxpool n=1 c=16 h=8 w=8 kernel=2 dtype=fp16",
      "maxpool n=2 c=64 h=15 w=15 kernel=3 stride=2 pad=1 dtype=fp16",
      "maxpool n=1 c=1 h=1 w=1 kernel=1 dtype=fp16",
      "maxpool n=1 c=3 h=17 w=77 kernel=3 stride=1 pad=1 dtype=fp16",
      // 1000 channels x 33 pixels: more than tiny's UB, in channel chunks.
      "maxpool n=1 c=1000 h=5 w=33 kernel=2 stride=2 dtype=fp16",
      "maxpool n=1 c=20 h=13 w=11 kernel_h=3 kernel_w=2 stride_h=2 stride_w=1 pad_h=1 "
      "pad_w=1 dtype=fp16",
      "maxpool n=3 c=130 h=7 w=9 kernel=5 stride=3 pad=2 dtype=fp16",
      "avgpool n=1 c=3 h=17 w=77 kernel=3 stride=1 pad=1 dtype=fp16",
      "avgpool n=1 c=40 h=9 w=10 kernel=3 stride=2 pad=1 count_include_pad=0 dtype=fp16",
      "avgpool n=2 c=32 h=8 w=8 kernel=2 dtype=fp16",
      "avgpool n=1 c=300 h=6 w=40 kernel=4 stride=4 dtype=fp16",
      "avgpool n=1 c=17 h=11 w=11 kernel=5 stride=2 pad=2 count_include_pad=0 dtype=fp16",
      "global_avgpool n=2 c=200 h=7 w=7 dtype=fp16",
      "global_avgpool n=1 c=1 h=1 w=1 dtype=fp16",
      "global_avgpool n=1 c=64 h=13 w=17 dtype=fp16",
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, PoolTest, ::testing::ValuesIn(cases()));

TEST(PoolErrorTest, ReportsBadSpecsAndRowsThatCannotFit) {
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=8 h=8 w=8 kernel=3 pad=2 dtype=fp16"),
            "<op>:1:38: error: padding (2 x 2) must be at most half the kernel (3 x 3)");
  EXPECT_EQ(op_build_error("tiny", "avgpool n=1 c=8 h=2 w=8 kernel=3 dtype=fp16"),
            "<op>:1:32: error: the kernel (3 x 3) does not fit the padded input (2 x 8)");
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=8 h=8 w=8 dtype=fp16"),
            "<op>:1:35: error: maxpool needs key 'kernel'");
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=8 h=8 w=8 kernel=2 dtype=int8"),
            "<op>:1:40: error: unsupported dtype 'int8' (supported: fp16)");
  EXPECT_EQ(op_build_error("tiny", "global_avgpool n=1 c=8 h=3000 w=8 dtype=fp16"),
            "<op>:1:26: error: 'h' = 3000 is out of range 1..2048");
  // One row of 4000 pixels x 16 channels, double buffered (256000 B), and the accumulator row of
  // 2000 pixels (64000 B): more than tiny's UB.
  EXPECT_EQ(op_build_error("tiny", "maxpool n=1 c=16 h=2 w=4000 kernel=2 dtype=fp16"),
            "error: maxpool does not fit the buffers of chip 'tiny': one row of 4000 input pixels "
            "x 16 channels needs 320000 B of ub (32768 B, 1024 B kept for constants)");
}

}  // namespace
}  // namespace npu::compiler
