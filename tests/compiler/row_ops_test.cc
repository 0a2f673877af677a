// The row ops (softmax, layernorm, rmsnorm, reduce_sum / reduce_max / reduce_mean) run on the
// simulated chips through the runtime, checked against the fp64 host reference with the race
// check on: every op x dtype x shapes with 1-sized, prime and long rows (longer than a vector
// repeat count or UB allows, which takes the column-tiled path) on tiny, ascend910 and
// ascend910b; plus their spec errors by text and the layout choices they make.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "compiler/ops/rows/row_tiling.h"
#include "runtime/op_runner.h"
#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

using Case = OpCase;

class RowOpTest : public ::testing::TestWithParam<Case> {};

TEST_P(RowOpTest, MatchesTheReferenceRaceFree) {
  expect_op_matches_reference(GetParam().chip, GetParam().spec);
}

// rows x cols of the matrix ops: 1-sized, primes, a row longer than 255 vector repeats (20000
// columns: column tiles on every chip) and one longer than tiny's UB holds (4099).
const char* kMatrixShapes[] = {"rows=1 cols=1",    "rows=3 cols=17",    "rows=17 cols=3",
                               "rows=77 cols=77",  "rows=1 cols=1000",  "rows=5 cols=4099",
                               "rows=64 cols=64",  "rows=130 cols=200", "rows=300 cols=33",
                               "rows=2 cols=20000"};
// Reductions: last and inner axes, N-D, negative axis.
const char* kReduceShapes[] = {
    "shape=1 axis=0",       "shape=3x17 axis=1",     "shape=17x3 axis=0",  "shape=77x77 axis=0",
    "shape=1000x3 axis=1",  "shape=2x4099x3 axis=1", "shape=4x5x6 axis=0", "shape=3x20000 axis=-1",
    "shape=77x1000 axis=1", "shape=2x3x4x5 axis=2"};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const char* c : {"tiny", "ascend910", "ascend910b"})
    for (const char* dtype : {"fp16", "bf16", "fp32"}) {
      for (const char* op : {"softmax", "layernorm", "rmsnorm"})
        for (const char* shape : kMatrixShapes)
          out.push_back({c, std::string(op) + " " + shape + " dtype=" + dtype});
      for (const char* op : {"reduce_sum", "reduce_max", "reduce_mean"})
        for (const char* shape : kReduceShapes)
          out.push_back({c, std::string(op) + " " + shape + " dtype=" + dtype});
    }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, RowOpTest, ::testing::ValuesIn(cases()));

TEST(RowOpSpecTest, ErrorsAreLocated) {
  auto c = chip("tiny");
  auto build = [&](const std::string& s) {
    return error_of([&] { build_op(parse_op_spec(s), c); });
  };
  EXPECT_EQ(build("softmax rows=0 cols=4"),
            "<op>:1:14: error: 'rows' = 0 is out of range 1..16777216");
  EXPECT_EQ(build("softmax rows=4 cols=4 dtype=int8"),
            "<op>:1:29: error: unsupported dtype 'int8' (supported: fp16, bf16, fp32)");
  EXPECT_EQ(build("layernorm rows=4 cols=4 eps=abc"),
            "<op>:1:29: error: bad value 'abc' for 'eps' (expected a number)");
  EXPECT_EQ(build("rmsnorm rows=4 cols=4 eps=2"),
            "<op>:1:27: error: 'eps' = 2 is out of range 0..1");
  EXPECT_EQ(build("reduce_sum shape=4x0x3 axis=1"),
            "<op>:1:18: error: dimension 0 of 'shape' is out of range 1..1073741824");
  EXPECT_EQ(build("reduce_max shape=4x4 axis=2"),
            "<op>:1:27: error: 'axis' = 2 is out of range -2..1");
  EXPECT_EQ(build("reduce_mean axis=0"), "<op>:1:19: error: reduce_mean needs key 'shape'");
  EXPECT_EQ(build("softmax rows=65536 cols=65536"),
            "error: softmax: rows x cols = 4294967296 elements is more than the 2^30 supported");
}

TEST(RowOpCompileTest, ExtremeShapesCompileOnEveryChip) {
  // Rows longer than a copy's GM gap, a million rows, huge inner axes: every field in range.
  for (const char* c : {"tiny", "ascend910", "ascend910b"}) {
    auto config = chip(c);
    for (const char* dtype : {"fp16", "bf16", "fp32"})
      for (const char* spec :
           {"softmax rows=2 cols=1000000", "layernorm rows=1000000 cols=3",
            "rmsnorm rows=3 cols=600000", "layernorm rows=5 cols=70000",
            "reduce_sum shape=3x300000 axis=0", "reduce_max shape=1000000x7 axis=1",
            "reduce_mean shape=7x1000000 axis=1", "reduce_sum shape=9x9x9x9x9x9 axis=3"}) {
        std::string s = std::string(spec) + " dtype=" + dtype;
        EXPECT_EQ(
            error_of([&] { compile_kernel(build_op(parse_op_spec(s), config).kernel, config); }),
            "no error")
            << c << ": " << s;
      }
  }
}

// How many instructions of each mnemonic the kernel body holds (loops counted once).
void count_ops(const Body& body, std::map<std::string, int>& counts) {
  for (const Stmt& s : body) {
    if (s.kind == Stmt::Kind::kOp) ++counts[s.op.mnemonic];
    if (s.loop) count_ops(s.loop->body, counts);
    if (s.when) count_ops(s.when->body, counts);
    if (s.on) count_ops(s.on->body, counts);
  }
}
// Expects these instruction counts (loops counted once) in the kernel of `spec` on ascend910.
void expect_ops(const std::string& spec, const std::map<std::string, int>& expected) {
  std::map<std::string, int> counts;
  count_ops(build_op(parse_op_spec(spec), chip("ascend910")).kernel.body, counts);
  for (const auto& [mnemonic, n] : expected)
    EXPECT_EQ(counts[mnemonic], n) << spec << ": " << mnemonic;
}

TEST(RowOpKernelTest, Fp16OutputsFinishInFp16) {
  // 4 rows x 1024 columns per block (4096 x 1024 on 32 cores): 1024 fp16 are 8 repeats, so the
  // per-row multiply by 1 / sum is 4 row-form vmul.f16 of 8 repeats; no fp32 multiply is left.
  expect_ops("softmax rows=4096 cols=1024 dtype=fp16",
             {{"vmul.f16", 4}, {"vmul.f32", 0}, {"vbrcb.f16", 1}});
  // layernorm: times gamma and plus beta in fp16 (one instruction per row), gamma and beta
  // loaded as fp16 without widening (the only widening is the rows').
  expect_ops("layernorm rows=4096 cols=1024 dtype=fp16",
             {{"vmul.f16", 4}, {"vadd.f16", 4}, {"vconv.f32.f16", 1}});
  // bf16 has no vector arithmetic: the steps stay in fp32 before the narrowing.
  expect_ops("softmax rows=4096 cols=1024 dtype=bf16", {{"vmul.f16", 0}, {"vmul.f32", 4}});
  // Rows of 33 fp16 (pitch 64: half a repeat) take the fp16 multiply as one masked half repeat:
  // its set_mask pair comes on top of the padding fill's.
  expect_ops("rmsnorm rows=300 cols=33 dtype=fp16", {{"vmul.f16", 1}, {"set_mask", 4}});
}

TEST(RowOpKernelTest, ReductionsFoldByPerBlockLevels) {
  // softmax rows of 1024 fp32: vcg 8 -> 1 (128 per row), again (16 per row), one vmax of the two
  // blocks of 8 rows' partials, a last vcg: 3 vcgmax and 1 vmax, no whole-repeat vcmax.
  expect_ops("softmax rows=4096 cols=1024 dtype=fp32",
             {{"vcgmax.f32", 3}, {"vmax.f32", 1}, {"vcmax.f32", 0}});
  // reduce_sum over rows of 200 (pitch 256): 32 partials, 4 blocks: 3 block folds + 2 vcgadd.
  expect_ops("reduce_sum shape=4096x200 axis=1 dtype=fp32",
             {{"vadd.f32", 3}, {"vcgadd.f32", 2}, {"vcadd.f32", 0}});
}

TEST(RowLayoutTest, BlocksFitUbAndSpreadOverTheVectorCores) {
  auto bytes = [](int64_t rows, int64_t pitch) { return rows * pitch * 12; };
  // 910B: 48 AIVs; 16 rows of 1024 fit (192 KiB / 12 KiB), but 32 blocks per worker want
  // ceil(4096 / (48 * 32)) = 3 rows and 8 KiB of fp16 input 4: blocks of 4 rows, 22 rounds
  // (1024 blocks; more rounds balance no better: a worker gets at most 88 rows, ideal 85.3).
  RowLayout b = choose_row_layout("t", 4096, 1024, 2, chip("ascend910b"), bytes);
  EXPECT_EQ(b.workers, 48);
  EXPECT_EQ(b.block_dim, 24u);
  EXPECT_EQ(b.block_rows, 4);
  EXPECT_EQ(b.blocks, 1024);
  EXPECT_EQ(b.rounds, 22);
  EXPECT_EQ(b.column_tiles, 1);
  // 910: 32 cores; fp32 rows of 256 (1 KiB): 8 KiB is 8 rows, more than 32 rounds need (4).
  RowLayout f = choose_row_layout("t", 4096, 256, 4, chip("ascend910"), bytes);
  EXPECT_EQ(f.block_rows, 8);
  EXPECT_EQ(f.rounds, 16);
  // Few rows: every worker gets one block of what there is.
  RowLayout few = choose_row_layout("t", 64, 1024, 2, chip("ascend910"), bytes);
  EXPECT_EQ(few.block_rows, 2);
  EXPECT_EQ(few.rounds, 1);
  // tiny: 32 KiB UB; a row of 20000 columns becomes column tiles.
  RowLayout t = choose_row_layout("t", 2, 20000, 2, chip("tiny"), bytes);
  EXPECT_EQ(t.workers, 1);
  EXPECT_GT(t.column_tiles, 1);
  EXPECT_EQ(t.tile_cols % 64, 0);
  EXPECT_LE(bytes(t.block_rows, t.pitch), 32 * 1024);
  EXPECT_EQ(
      error_of([&] {
        choose_row_layout("t", 1, 64, 2, chip("tiny"),
                          [](int64_t, int64_t) { return int64_t{1} << 20; });
      }),
      "error: 't' does not fit the unified buffer of chip 'tiny' (32768 B): one row of 64 columns "
      "needs 1048576 B");
}

}  // namespace
}  // namespace npu::compiler
