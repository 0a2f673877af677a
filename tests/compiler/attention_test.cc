// The attention op on the simulated chips (tiny and ascend910 coupled, ascend910b split AIC /
// AIV) checked against the fp64 host reference with the race check on; its compile errors by
// text; and the split organisation alone: the hand-off example kernel (examples/nk) computed
// exactly on ascend910b, its IR round trip, where sync insertion puts an `on` block's tokens,
// and the errors of cross-core flags on a coupled chip.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "compiler/compile.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/ir/nk_printer.h"
#include "compiler/ops/op_spec.h"
#include "compiler/ops/ops.h"
#include "runtime/op_runner.h"
#include "runtime/tensor_codec.h"
#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

struct Case {
  const char* chip;
  const char* spec;
};

class AttentionTest : public ::testing::TestWithParam<Case> {};

TEST_P(AttentionTest, MatchesTheReferenceRaceFree) {
  runtime::OpRun r = expect_op_matches_reference(GetParam().chip, GetParam().spec);
  EXPECT_GT(r.check.max_abs_error, 0.0);  // the output is not bit-exact: the check compared
}

std::vector<Case> cases() {
  std::vector<Case> out;
  const std::vector<const char*> fp16 = {
      "attention b=1 h=1 s=17 d=64 dtype=fp16",
      "attention b=1 h=1 s=17 d=64 dtype=fp16 causal=1",
      "attention b=1 h=2 s=77 d=64 dtype=fp16 causal=1",
      "attention b=2 h=3 s=33 d=64 dtype=fp16",
      "attention b=1 h=1 s=128 d=128 dtype=fp16",
      "attention b=1 h=1 s=300 d=64 dtype=fp16 causal=1",
      "attention b=1 h=1 s=150 d=128 dtype=fp16",
      "attention b=1 h=1 s=40 d=32 dtype=fp16 causal=1 scale=0.5",
      "attention b=1 h=1 s=20 d=80 dtype=fp16",
      // The largest head the tiny chip's 32 KiB UB holds with the causal mask's tiles.
      "attention b=2 h=2 s=127 d=128 dtype=fp16 causal=1",
  };
  const std::vector<const char*> bf16 = {
      "attention b=1 h=1 s=77 d=64 dtype=bf16",
      "attention b=2 h=1 s=100 d=64 dtype=bf16 causal=1",
  };
  for (const char* c : {"tiny", "ascend910", "ascend910b"}) {
    for (const char* s : fp16) out.push_back({c, s});
    if (std::string(c) != "ascend910")  // the 910 has no bf16 cube
      for (const char* s : bf16) out.push_back({c, s});
  }
  // Larger blocks on the 910B: d = 128 and 256 (64-row blocks), several tasks per AI core.
  out.push_back({"ascend910b", "attention b=1 h=3 s=300 d=128 dtype=fp16 causal=1"});
  out.push_back({"ascend910b", "attention b=1 h=1 s=70 d=256 dtype=bf16"});
  out.push_back({"ascend910", "attention b=1 h=1 s=100 d=256 dtype=fp16 causal=1"});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, AttentionTest, ::testing::ValuesIn(cases()));

// s = 1: one key, so softmax is exactly 1 and the output is V rounded: checked exactly.
TEST(AttentionTest, OneKeyCopiesVExactly) {
  for (const char* c : {"tiny", "ascend910", "ascend910b"}) {
    runtime::Device device = runtime::Device::simulated(chip(c));
    runtime::OpRun r = runtime::run_op(device, parse_op_spec("attention b=2 h=2 s=1 d=64 dtype=fp16"), true);
    EXPECT_TRUE(r.check.passed) << c;
    EXPECT_EQ(r.check.max_abs_error, 0.0) << c;
  }
}

TEST(AttentionTest, SplitChipHandsOffThroughAWorkspace) {
  OpKernel split = build_op(parse_op_spec("attention b=1 h=32 s=1024 d=128 dtype=fp16 causal=1"),
                            chip("ascend910b"));
  EXPECT_EQ(split.summary,
            "attention b=1 h=32 s=1024 d=128 fp16 causal, blocks of 128 rows, 256 tasks, "
            "AIC -> AIV hand-off through GM");
  EXPECT_EQ(split.block_dim, 24u);
  ASSERT_EQ(split.tensors.size(), 5u);
  EXPECT_TRUE(split.tensors[4].workspace);
  // Per AI core: S (2 x 128 x 128 fp32), P (2 x 128 x 128 fp16), P V (2 x 128 x 128 fp32).
  EXPECT_EQ(split.tensors[4].elements, 24u * (131072 + 65536 + 131072));
  // Causal: 32 heads x 1024 x 1025 / 2 (query, key) pairs, 4 d FLOPs each.
  EXPECT_DOUBLE_EQ(split.flops, 32.0 * 1024 * 1025 / 2 * 4 * 128);
  OpKernel coupled = build_op(parse_op_spec("attention b=1 h=32 s=1024 d=128 dtype=fp16 causal=1"),
                              chip("ascend910"));
  EXPECT_EQ(coupled.tensors.size(), 4u);
  EXPECT_NE(coupled.summary.find("one core per task"), std::string::npos);
}

TEST(AttentionTest, CompileErrorsByText) {
  auto build = [](const char* spec, const char* c) {
    return error_of([&] { build_op(parse_op_spec(spec), chip(c)); });
  };
  EXPECT_EQ(build("attention b=1 h=1 s=16 d=100 dtype=fp16", "tiny"),
            "<op>:1:26: error: 'd' = 100 must be a multiple of 16");
  EXPECT_EQ(build("attention b=1 h=1 s=16 d=512 dtype=fp16", "tiny"),
            "<op>:1:26: error: 'd' = 512 is out of range 16..256");
  EXPECT_EQ(build("attention b=1 h=1 s=16 d=64 dtype=fp32", "tiny"),
            "<op>:1:35: error: unsupported dtype 'fp32' (supported: fp16, bf16)");
  EXPECT_EQ(build("attention b=1 h=1 s=16 d=64 dtype=bf16", "ascend910"),
            "error: chip 'ascend910' has no bf16 cube (cube.bf16.enabled is false)");
  EXPECT_EQ(build("attention b=1 h=1 s=16 d=256 dtype=fp16 causal=1", "tiny"),
            "error: attention d=256 does not fit the buffers of chip 'tiny' even with 16-row blocks");
  EXPECT_EQ(build("attention b=1 h=1 s=16 d=64 dtype=fp16 scale=x", "tiny"),
            "<op>:1:46: error: bad value 'x' for 'scale' (expected a number)");
  EXPECT_EQ(build("attention b=1 h=1 s=16 d=64 dtype=fp16 scale=0", "tiny"),
            "<op>:1:46: error: 'scale' = 0 is out of range 1e-06..1e+06");
  EXPECT_EQ(build("attention b=1 h=1 d=64 dtype=fp16", "tiny"),
            "<op>:1:34: error: attention needs key 's'");
}

// ---- the split organisation alone -------------------------------------------------------

Kernel handoff_example() {
  return parse_kernel_file(std::string(NPUSIM_SOURCE_DIR) + "/examples/nk/split_handoff.nk");
}

TEST(SplitHandoffTest, ExampleKernelComputesExactlyOnTheSplitChip) {
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(chip("ascend910b"), options);
  CompileResult c = compile_kernel(handoff_example(), device.config());
  // Small integers: every product and sum is exact in fp32.
  std::vector<double> a(4 * 256), b(256);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<double>(static_cast<int>(i * 7 % 5) - 2);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<double>(static_cast<int>(i * 3 % 7) - 3);
  uint64_t pa = device.malloc(2048, "a"), pb = device.malloc(512, "b");
  uint64_t po = device.malloc(4096, "out"), pw = device.malloc(2048, "ws");
  device.copy_to_device(pa, runtime::encode(isa::DataType::kF16, a));
  device.copy_to_device(pb, runtime::encode(isa::DataType::kF16, b));
  device.load(c.binary);
  std::vector<uint64_t> args = {pa, pb, po, pw};
  device.launch("split_handoff", args, 1);
  std::vector<uint8_t> bytes(4096);
  device.copy_to_host(bytes, po);
  std::vector<double> got = runtime::decode(isa::DataType::kF32, bytes);
  for (int t = 0; t < 4; ++t)
    for (int r = 0; r < 16; ++r)
      for (int col = 0; col < 16; ++col) {
        double want = 0;
        for (int k = 0; k < 16; ++k) want += a[t * 256 + r * 16 + k] * b[k * 16 + col];
        ASSERT_EQ(got[t * 256 + r * 16 + col], 2 * want) << "tile " << t << " row " << r << " col " << col;
      }
}

TEST(SplitHandoffTest, OnBlocksAndCrossCoreFlagsRoundTrip) {
  Kernel k = handoff_example();
  std::string text = print_kernel(k);
  EXPECT_NE(text.find("on aiv sub {\n  cross_core_set_flag mte2, aic_aiv, 2\n"), std::string::npos);
  EXPECT_NE(text.find("    vmuls.f32 d_ub, c_ub, 1073741824, repeat=2\n"), std::string::npos);
  EXPECT_EQ(parse_kernel(text, "printed.nk"), k);
  // After the passes too (offsets, syncs and tokens inside the `on` blocks).
  CompileResult c = compile_kernel(k, chip("ascend910b"));
  std::string lowered = print_kernel(c.lowered);
  EXPECT_EQ(parse_kernel(lowered, "lowered.nk"), c.lowered);
}

TEST(SplitHandoffTest, SyncInsertionKeepsTokensInsideTheOnBlock) {
  CompileResult c = compile_kernel(handoff_example(), chip("ascend910b"));
  // Both cores' tiles have wrap-around WAR tokens; none may go to the kernel prologue, which
  // both core types run (the AIV has no MTE1, the AIC no V).
  EXPECT_TRUE(c.lowered.prologue.empty());
  EXPECT_TRUE(c.lowered.epilogue.empty());
  std::string text = print_kernel(c.lowered);
  size_t aiv = text.find("on aiv sub {\n");
  ASSERT_NE(aiv, std::string::npos);
  // The AIV's first statements: its tokens for c_ub (V -> MTE2) and d_ub (MTE3 -> V), then
  // the priming credits.
  const std::string start =
      "on aiv sub {\n  set_flag v, mte2, 1\n  set_flag mte3, v, 1\n"
      "  cross_core_set_flag mte2, aic_aiv, 2\n  cross_core_set_flag mte2, aic_aiv, 3\n";
  EXPECT_EQ(text.substr(aiv, start.size()), start);
  // The assembly branches on core_type and reads the AIV's sub-block index.
  EXPECT_NE(c.assembly.find("rdsr x"), std::string::npos);
  EXPECT_NE(c.assembly.find(", sub_block_idx\n"), std::string::npos);
}

TEST(SplitHandoffTest, CrossCoreFlagsOnACoupledChipAreAnError) {
  std::string e = error_of([] { compile_kernel(handoff_example(), chip("ascend910")); });
  EXPECT_NE(e.find("split_handoff.nk:29:5: error: cross-core flags need a split chip; chip "
                   "'ascend910' is coupled"),
            std::string::npos)
      << e;
}

TEST(SplitHandoffTest, NkErrorsOfOnBlocksAndCrossCoreFlags) {
  std::string e = error_of([] {
    parse_kernel(
        "kernel k\ntile x ub 256\non aic sub {\non gpu {\n"
        "cross_core_set_flag mte2, both, 1\n",
        "k.nk");
  });
  EXPECT_EQ(e,
            "k.nk:3:8: error: only 'on aiv' names a sub-block variable\n"
            "k.nk:4:4: error: expected aic or aiv, found 'gpu'\n"
            "k.nk:5:27: error: unknown cross-core mode 'both' (expected same_type, aiv_pair or "
            "aic_aiv)");
}

}  // namespace
}  // namespace npu::compiler
