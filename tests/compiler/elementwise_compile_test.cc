// The elementwise and data movement ops without a chip: every spec error by text, the streaming
// scheme's tile sizes, and the examples compiling for every chip (so that the sanitizer build,
// which cannot launch the chip yet, covers the generators and the passes on these kernels).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler/compile.h"
#include "compiler/ops/elementwise/general_broadcast.h"
#include "compiler/ops/elementwise/tile_grid.h"
#include "compiler/ops/elementwise/transpose.h"
#include "compiler/ops/elementwise/vector_stream.h"
#include "tests/compiler/compiler_test_util.h"

namespace npu::compiler {
namespace {

std::string build_error(const std::string& spec) {
  return error_of([&] { build_op(parse_op_spec(spec), chip("tiny")); });
}

TEST(ElementwiseErrorTest, BadSpecsAreReportedByText) {
  EXPECT_EQ(build_error("add n=16 dtype=int8"),
            "<op>:1:16: error: unsupported dtype 'int8' (supported: fp16, bf16, fp32)");
  EXPECT_EQ(build_error("add n=16 a=4 dtype=fp16"),
            "<op>:1:12: error: give either 'n' or the shapes 'a' and 'b', not both");
  EXPECT_EQ(build_error("add a=4x3 b=5 dtype=fp16"),
            "<op>:1:13: error: shapes 4x3 and 5 do not broadcast (dimension 1: 3 vs 5)");
  EXPECT_EQ(build_error("add a=8x1x5 b=7x4 dtype=fp16"),
            "<op>:1:15: error: shapes 8x1x5 and 7x4 do not broadcast (dimension 2: 5 vs 4)");
  EXPECT_EQ(build_error("max a=2x3x4 b=3x3x1 dtype=fp32"),
            "<op>:1:15: error: shapes 2x3x4 and 3x3x1 do not broadcast (dimension 0: 2 vs 3)");
  EXPECT_EQ(build_error("add a=1x2x3x4x5x6x7x8x9 b=1 dtype=fp16"),
            "<op>:1:7: error: 'a' has 9 dimensions (at most 8)");
  EXPECT_EQ(build_error("mul a=4x0 b=1 dtype=fp16"),
            "<op>:1:7: error: dimension 0 of 'a' is out of range 1..4294967296");
  EXPECT_EQ(build_error("sub a=4xy b=1 dtype=fp16"),
            "<op>:1:7: error: bad shape '4xy' for 'a' (expected dimensions like 4096x1024)");
  EXPECT_EQ(build_error("relu dtype=fp16"),
            "<op>:1:16: error: relu needs either 'n' or 'shape' (e.g. n=4096 or shape=64x1024)");
  EXPECT_EQ(build_error("gelu n=5 dtype=fp16 approx=fast"),
            "<op>:1:28: error: unsupported approx 'fast' (supported: none, tanh)");
  EXPECT_EQ(build_error("cast n=5 dtype=int8 to=int16"),
            "<op>:1:24: error: unsupported to 'int16' (supported: fp16, bf16, fp32, int8, uint8, "
            "int32)");
  EXPECT_EQ(build_error("reshape shape=4x6 to=5x5 dtype=fp16"),
            "<op>:1:22: error: cannot reshape 4x6 (24 elements) to 5x5 (25 elements)");
  EXPECT_EQ(build_error("concat shapes=4x3,5x3 axis=1 dtype=fp16"),
            "<op>:1:15: error: shapes 4x3,5x3 differ in dimension 0, which is not the axis");
  EXPECT_EQ(build_error("concat shapes=4x3,4 axis=0 dtype=fp16"),
            "<op>:1:15: error: every shape of 'shapes' needs 2 dimensions (4x3,4)");
  EXPECT_EQ(build_error("concat shapes=4x3 axis=2 dtype=fp16"),
            "<op>:1:24: error: 'axis' = 2 is out of range 0..1");
  EXPECT_EQ(build_error("transpose shape=4x3x2 perm=1,0 dtype=fp16"),
            "<op>:1:28: error: perm 1,0 has 2 dimensions but shape 4x3x2 has 3");
  EXPECT_EQ(build_error("transpose shape=4x3x2 perm=1,0,0 dtype=fp16"),
            "<op>:1:28: error: perm 1,0,0 is not a permutation of the 3 dimensions (0..2)");
  EXPECT_EQ(build_error("transpose shape=4x3x2 perm=1,x,0 dtype=fp16"),
            "<op>:1:28: error: bad perm '1,x,0' (expected dimension indices like 0,2,3,1)");
  EXPECT_EQ(build_error("transpose shape=4x3x2 perm=0,1,3 dtype=fp16"),
            "<op>:1:28: error: perm 0,1,3 is not a permutation of the 3 dimensions (0..2)");
  EXPECT_EQ(build_error("transpose shape=4x3 dtype=fp64"),
            "<op>:1:27: error: unsupported dtype 'fp64' (supported: fp16, bf16, fp32, int8, uint8, "
            "int16, int32)");
  EXPECT_EQ(build_error("transpose shape=2x3x4x5x6x7x8x9x2 dtype=fp16"),
            "<op>:1:17: error: 'shape' has 9 dimensions (at most 8)");
  EXPECT_EQ(build_error("cast n=5 dtype=fp16 to=fp32 round=up"),
            "<op>:1:35: error: unsupported round 'up' (supported: rint, floor, ceil, away, zero, "
            "odd)");
}

TEST(VectorStreamTest, TilesSpreadOverTheWorkersAndFillTheUb) {
  StreamSpec s;
  s.kernel_name = "add";
  s.inputs = {{"a", isa::DataType::kF16}, {"b", isa::DataType::kF16}};
  s.output = {"c", isa::DataType::kF16};
  s.compute = isa::DataType::kF16;
  s.emit = [](VectorBody& v, const std::vector<std::string>& in, const std::string& out) {
    v.binary("vadd", out, in[0], in[1]);
  };
  s.elements = 16777216;
  // 3 double-buffered fp16 tiles = 12 B per element: 256 KiB / 12 = 21845, less 256 elements of
  // slack per tile, rounded down to a multiple of 256.
  EXPECT_EQ(stream_tile_elements(s, chip("ascend910")), 21504);
  s.elements = 1000;  // 32 workers: 32 elements each, rounded up to 256
  EXPECT_EQ(stream_tile_elements(s, chip("ascend910")), 256);
  EXPECT_EQ(vector_workers(chip("ascend910b")), 48);
}

TEST(GeneralBroadcastTest, ShapesCollapseToRunsOfOnePattern) {
  // a=8x1x5 b=1x7x5: a has dimensions 0 and 2, b 1 and 2.
  CollapsedBroadcast c = collapse_broadcast({8, 1, 5}, {1, 7, 5});
  EXPECT_EQ(c.dims, (std::vector<int64_t>{8, 7, 5}));
  EXPECT_EQ(c.a_full, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(c.b_full, (std::vector<bool>{false, true, true}));
  // 1s drop out; neighbours of one pattern merge: a column of 6 x 5 over 7 x 3.
  c = collapse_broadcast({6, 1, 5, 1, 1}, {6, 1, 5, 7, 3});
  EXPECT_EQ(c.dims, (std::vector<int64_t>{30, 21}));
  EXPECT_EQ(c.a_full, (std::vector<bool>{true, false}));
  EXPECT_EQ(c.b_full, (std::vector<bool>{true, true}));
}

TEST(GeneralBroadcastTest, ColumnTilesHoldWholeRowsAndSpreadOverTheWorkers) {
  BroadcastSpec s;
  s.kernel_name = "add";
  s.shape = collapse_broadcast({8192, 1024}, {8192, 1});
  s.a = {"a", isa::DataType::kF16};
  s.b = {"b", isa::DataType::kF16};
  s.output = {"c", isa::DataType::kF16};
  s.compute = isa::DataType::kF16;
  s.mnemonic = "vadd";
  // 256 rows per core of the 910, 25 fit its UB: 11 tiles of 24.
  EXPECT_EQ(general_broadcast_tiles(s, chip("ascend910")), "tiles of 24 x 1024");
  // A column operand's row is spread by one repeat per row: at most 255 blocks (4080 fp16).
  s.shape = collapse_broadcast({2, 100000}, {2, 1});
  EXPECT_EQ(general_broadcast_tiles(s, chip("ascend910")), "tiles of 1 x 4080");
}

TEST(PermuteTest, CanonicalFormDropsOnesAndMergesNeighbours) {
  // NCHW -> NHWC: H and W stay neighbours.
  CanonicalPermute c = canonical_permute({32, 64, 56, 56}, {0, 2, 3, 1});
  EXPECT_EQ(c.shape, (std::vector<int64_t>{32, 64, 3136}));
  EXPECT_EQ(c.perm, (std::vector<int>{0, 2, 1}));
  c = canonical_permute({1, 5, 1, 7, 3}, {3, 0, 4, 2, 1});
  EXPECT_EQ(c.shape, (std::vector<int64_t>{5, 21}));
  EXPECT_EQ(c.perm, (std::vector<int>{1, 0}));
  c = canonical_permute({4, 5, 6}, {0, 1, 2});
  EXPECT_EQ(c.shape, (std::vector<int64_t>{120}));
  EXPECT_EQ(c.perm, (std::vector<int>{0}));
  EXPECT_EQ(permuted_shape({2, 3, 4}, {2, 0, 1}), (std::vector<int64_t>{4, 2, 3}));
  EXPECT_EQ(permute_problem({2, 3}, {0, 0}, isa::DataType::kF16),
            "perm 0,0 is not a permutation of the 2 dimensions (0..1)");
  EXPECT_EQ(permute_problem({2, 3, 4}, {1, 0, 2}, isa::DataType::kS8), "");
  // Every type of the transpose op moves the last dimension; int64 only keeps it.
  for (isa::DataType t :
       {isa::DataType::kF16, isa::DataType::kBf16, isa::DataType::kS16, isa::DataType::kF32,
        isa::DataType::kS8, isa::DataType::kU8, isa::DataType::kS32})
    EXPECT_EQ(permute_problem({2, 3, 4}, {2, 0, 1}, t), "") << isa::long_name(t);
  EXPECT_EQ(permute_problem({2, 3, 4}, {2, 0, 1}, isa::DataType::kS64),
            "perm 2,0,1 moves the last dimension, which int64 does not (it moves only with "
            "permutations that keep the last dimension last)");
  EXPECT_EQ(permute_problem({2, 3, 4}, {1, 0, 2}, isa::DataType::kS64), "");
  EXPECT_EQ(permute_max_stride(isa::DataType::kS8), 1048575);
  EXPECT_EQ(permute_max_stride(isa::DataType::kS32), 262143);
}

// The ways and tile sizes of the types that go through wider copies.
TEST(PermuteTest, EightBitAnd32BitTypesTakeTheirWays) {
  GmPermute p;
  p.shape = {100, 70};
  p.perm = {1, 0};
  p.dtype = isa::DataType::kS8;
  PermuteCode code = build_gm_permute(p, chip("ascend910b"));
  EXPECT_EQ(code.method, "16 x 16 blocks on fp16 copies, tiles 128x96");
  ASSERT_EQ(code.tiles.size(), 5u);
  EXPECT_EQ(code.tiles[0].bytes, 128u * 96u);      // x_ub, int8
  EXPECT_EQ(code.tiles[2].bytes, 128u * 96u * 2);  // z_ub, fp16
  // 32-bit: x_ub and z_ub, double buffered, 16 rb cb bytes; rows of at most 128 words, and on
  // a large UB 128 rows (whole 512-byte L2 lines both ways).
  p.dtype = isa::DataType::kS32;
  code = build_gm_permute(p, chip("ascend910b"));
  EXPECT_EQ(code.method, "16 x 16 blocks on 16-bit halves, tiles 112x72");
  ASSERT_EQ(code.tiles.size(), 2u);
  EXPECT_EQ(code.tiles[0].bytes, 112u * 72u * 4);
  EXPECT_TRUE(code.tiles[0].double_buffered && code.tiles[1].double_buffered);
  p.shape = {4096, 4096};
  p.dtype = isa::DataType::kF32;
  EXPECT_EQ(build_gm_permute(p, chip("ascend910")).method,
            "16 x 16 blocks on 16-bit halves, tiles 128x128");
  EXPECT_EQ(build_gm_permute(p, chip("ascend910b")).method,
            "16 x 16 blocks on 16-bit halves, tiles 96x128");
  EXPECT_EQ(build_gm_permute(p, chip("tiny")).method,
            "16 x 16 blocks on 16-bit halves, tiles 16x128");
  p.shape = {3, 300000};
  EXPECT_EQ(error_of([&] { build_gm_permute(p, chip("tiny")); }),
            "error: permute: a row stride of 300000 elements is beyond the copies' reach "
            "(1048575 bytes between rows)");
}

// In a kernel of both core types the AIVs of a core share the pfor's iterations.
TEST(PermuteTest, OnAivSharesIterationsBetweenTheAivsOfACore) {
  GmPermute p;
  p.shape = {64, 3136};
  p.perm = {1, 0};
  p.prefix = "in_";
  const config::ChipConfig split = chip("ascend910b");
  PermuteCode code = build_gm_permute(p, split);
  const int64_t iterations = code.body.back().loop->count;
  ASSERT_GT(iterations, 24);
  Stmt on = permute_on_aiv(code, 24, split);
  ASSERT_EQ(on.kind, Stmt::Kind::kOn);
  EXPECT_EQ(on.on->sub_var, "in_p_sub");
  const Body& per_iteration = on.on->body.back().loop->body;
  ASSERT_EQ(per_iteration.size(), 3u);  // let turn, let aiv, if
  EXPECT_EQ(per_iteration[0].let.name, "in_p_turn");
  EXPECT_EQ(per_iteration[0].let.divisor, 24);
  EXPECT_EQ(per_iteration[1].let.divisor, 2);
  EXPECT_TRUE(per_iteration[1].let.remainder);
  ASSERT_EQ(per_iteration[2].kind, Stmt::Kind::kIf);
  // A coupled chip runs the block as it is.
  const config::ChipConfig coupled = chip("ascend910");
  code = build_gm_permute(p, coupled);
  const Body plain = code.body.back().loop->body;
  on = permute_on_aiv(code, static_cast<int64_t>(code.block_dim), coupled);
  EXPECT_EQ(on.on->body.back().loop->body, plain);
}

TEST(PermuteTest, CodeForAnotherKernelHasPrefixedTilesAndLoops) {
  GmPermute p;
  p.src = "act";
  p.dst = "act_nhwc";
  p.shape = {2, 64, 7, 7};
  p.perm = {0, 2, 3, 1};
  p.prefix = "cv_";
  PermuteCode code = build_gm_permute(p, chip("ascend910b"));
  ASSERT_EQ(code.tiles.size(), 3u);
  EXPECT_EQ(code.tiles[0].name, "cv_x_ub");
  EXPECT_EQ(code.method, "16 x 16 blocks, tiles 64x64");
  ASSERT_FALSE(code.body.empty());
  EXPECT_EQ(code.body.back().kind, Stmt::Kind::kLoop);
  EXPECT_EQ(code.body.back().loop->var, "cv_p");
  EXPECT_TRUE(code.body.back().loop->parallel);
  p.shape = {2, 3};
  p.perm = {1, 2};
  EXPECT_EQ(error_of([&] { build_gm_permute(p, chip("tiny")); }),
            "error: permute: perm 1,2 is not a permutation of the 2 dimensions (0..1)");
}

TEST(TileGridTest, PanelsGiveEveryWorkerTilesAndRowsBalance) {
  EXPECT_EQ(balanced_tile_rows(8192, 25, 1, 32), 24);
  EXPECT_EQ(balanced_tile_rows(10, 25, 1, 32), 1);
  EXPECT_EQ(balanced_tile_rows(100, 7, 64, 32), 7);
  // 1 batch entry, 342 row tiles over 32 workers: 32 panels of 11.
  TileGrid g({}, 8192, 1024, 24, 1024, 32);
  EXPECT_EQ(g.row_tiles(), 342);
  EXPECT_EQ(g.panels(), 32);
  EXPECT_EQ(g.row_tail(), 8);
  // Many batch entries: one panel each, whole.
  TileGrid b({40, 3}, 100, 100, 16, 128, 32);
  EXPECT_EQ(b.panels(), 120);
  // One row: the columns split into panels of 3 tiles (the most any worker would get), 34 of them.
  TileGrid c({}, 1, 100000, 1, 1000, 48);
  EXPECT_EQ(c.panels(), 34);
  EXPECT_EQ(c.col_tiles(), 100);
}

TEST(ElementwiseCompileTest, EveryFormCompilesForEveryChip) {
  for (const char* c : {"tiny", "ascend910", "ascend910b"}) {
    config::ChipConfig cfg = chip(c);
    for (const char* spec :
         {"add n=16777216 dtype=fp16", "div a=9x3 b=3 dtype=bf16", "max a=1 b=4099 dtype=fp32",
          "mul a=300x1024 b=1x1024 dtype=fp16", "gelu n=77 dtype=bf16 approx=tanh",
          "gelu n=4099 dtype=fp16", "silu shape=3x5 dtype=fp32", "cast n=17 dtype=bf16 to=int32",
          "cast n=1000 dtype=fp16 to=uint8 round=odd", "reshape shape=6 to=2x3 dtype=int8",
          "concat shapes=5x20000,5x3 axis=1 dtype=fp16", "transpose shape=2x3x100x50 dtype=bf16",
          "transpose shape=64x4099 dtype=fp32", "add a=4x3 b=4x1 dtype=fp16",
          "mul a=4x1 b=1x3 dtype=bf16", "sub a=8x1x5 b=1x7x5 dtype=fp32",
          "transpose shape=32x64x56x56 perm=0,2,3,1 dtype=fp16",
          "transpose shape=3x5x7x9x11 perm=4,0,3,1,2 dtype=fp32",
          "transpose shape=3x5x7 perm=1,0,2 dtype=int8"}) {
      SCOPED_TRACE(std::string(c) + ": " + spec);
      OpKernel op = build_op(parse_op_spec(spec), cfg);
      CompileResult r = compile_kernel(op.kernel, cfg);
      EXPECT_FALSE(r.binary.code.empty());
      EXPECT_GE(op.block_dim, 1u);
    }
  }
}

}  // namespace
}  // namespace npu::compiler
