// Compiled matmuls and batch_matmuls (every dtype and option) run on the simulated chips
// through the runtime, checked against the host reference with the race check on; the cost
// model's choices (split K, L1 chunks), autotuning and compile errors by text; and a kernel with
// one inserted sync removed is caught by the race check.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/passes/codegen.h"
#include "compiler/passes/double_buffering.h"
#include "compiler/passes/sync_insertion.h"
#include "compiler/ops/tuning.h"
#include "config/loader.h"
#include "isa/assembler.h"
#include "runtime/autotune.h"
#include "runtime/op_runner.h"
#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

using Case = OpCase;

class MatmulTest : public ::testing::TestWithParam<Case> {};

TEST_P(MatmulTest, MatchesTheReferenceRaceFree) {
  expect_op_matches_reference(GetParam().chip, GetParam().spec);
}

// Shapes with 1-sized dims, primes, ragged tiles and a K past 4096.
const std::vector<std::string>& shapes() {
  static const std::vector<std::string> s = {
      "m=1 n=1 k=1",    "m=3 n=17 k=77",  "m=17 n=3 k=1000",   "m=77 n=77 k=77",
      "m=1 n=1000 k=3", "m=16 n=16 k=16", "m=300 n=200 k=150", "m=129 n=65 k=257",
      "m=64 n=90 k=40", "m=5 n=7 k=4099"};
  return s;
}

const char* const kChips[] = {"tiny", "ascend910", "ascend910b"};

// Every dtype x option combination over the ten shapes; the chip rotates with the shape so each
// combination runs on every chip. bf16 skips the 910 (no bf16 cube; its error is tested below).
std::vector<Case> cases() {
  const std::vector<std::string> combos = {
      "dtype=fp16",
      "dtype=fp16 trans_a=1",
      "dtype=fp16 trans_b=1 out_dtype=fp32",
      "dtype=fp16 trans_a=1 trans_b=1",
      "dtype=fp16 bias=1",
      "dtype=fp16 trans_a=1 bias=1 out_dtype=fp32",
      "dtype=bf16",
      "dtype=bf16 out_dtype=fp32 trans_b=1",
      "dtype=bf16 trans_a=1 bias=1",
      "dtype=int8 trans_b=1 out_dtype=fp16 scale=0.0001",
      "dtype=int8 trans_b=1 bias=1",
      "dtype=int8 trans_b=1 bias=1 out_dtype=fp16 scale=0.001",
      "dtype=int8 out_dtype=fp16 scale=0.0001",
      "dtype=int8 bias=1",
      "dtype=int8 trans_a=1 bias=1 out_dtype=fp16 scale=0.001",
      "dtype=int8 trans_a=1 trans_b=1 bias=1",
      "dtype=int8 trans_a=1 trans_b=1 out_dtype=fp16 scale=0.002"};
  std::vector<Case> out;
  for (size_t c = 0; c < combos.size(); ++c) {
    for (size_t i = 0; i < shapes().size(); ++i) {
      bool bf16 = combos[c].find("bf16") != std::string::npos;
      size_t chip_index = (i + c) % 3;
      if (bf16 && chip_index == 1) chip_index = 2 - (i % 2) * 2;  // not ascend910
      out.push_back({kChips[chip_index], "matmul " + shapes()[i] + " " + combos[c]});
    }
  }
  // int8 with every transpose combination (K-major operands go through 32 x 32 transposing
  // loads) on every shape, the chip rotating so that each combination runs on every chip.
  const char* const trans[] = {"trans_a=0 trans_b=0", "trans_a=0 trans_b=1",
                               "trans_a=1 trans_b=0", "trans_a=1 trans_b=1"};
  for (size_t t = 0; t < 4; ++t)
    for (size_t i = 0; i < shapes().size(); ++i)
      out.push_back(
          {kChips[(i + t) % 3], "matmul " + shapes()[i] + " dtype=int8 " + std::string(trans[t])});
  // Batches (one B per batch, or broadcast), bias, and split K (auto and forced) on every chip.
  for (const char* c : kChips) {
    out.push_back({c, "batch_matmul b=2 m=20 n=33 k=70 dtype=int8 trans_a=1"});
    out.push_back({c,
                   "batch_matmul b=3 m=17 n=40 k=100 dtype=int8 broadcast_b=1 out_dtype=fp16 "
                   "scale=0.01"});
    out.push_back({c, "matmul m=40 n=48 k=1000 dtype=int8 trans_a=1 split_k=2"});
    // Several cube steps per L1 chunk, with a short last step and chunk.
    out.push_back({c, "matmul m=70 n=90 k=900 dtype=int8 trans_a=1 tile_k=64 tile_kl=128"});
    out.push_back({c, "batch_matmul b=3 m=33 n=20 k=50 dtype=fp16"});
    out.push_back({c, "batch_matmul b=5 m=1 n=17 k=3 dtype=fp16 broadcast_b=1 trans_a=1"});
    out.push_back({c, "batch_matmul b=2 m=20 n=33 k=70 dtype=int8 trans_b=1"});
    out.push_back({c, "matmul m=16 n=16 k=2048 dtype=fp16 out_dtype=fp32 split_k=3"});
    out.push_back({c, "matmul m=40 n=48 k=1000 dtype=int8 trans_b=1 split_k=2"});
  }
  for (const char* c : {"tiny", "ascend910b"}) {
    out.push_back({c, "batch_matmul b=4 m=17 n=40 k=33 dtype=bf16 bias=1 broadcast_b=1"});
    out.push_back({c,
                   "matmul m=20 n=9 k=3000 dtype=fp16 out_dtype=fp32 bias=1 split_k=4 tile_k=64 "
                   "tile_kl=128"});
  }
  out.push_back({"ascend910b", "matmul m=64 n=64 k=8192 dtype=fp16 out_dtype=fp32"});
  // A K-major B of 1.2 MB, beyond the 910B's L1.
  out.push_back({"ascend910b", "matmul m=48 n=600 k=2000 dtype=int8 trans_a=1"});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, MatmulTest, ::testing::ValuesIn(cases()));

OpKernel build(const std::string& chip_name, const std::string& spec) {
  return build_op(parse_op_spec(spec), chip(chip_name));
}

std::string build_error(const std::string& chip_name, const std::string& spec) {
  return error_of([&] { build(chip_name, spec); });
}

TEST(MatmulOpTest, CostModelSplitsKWhenOutputTilesLeaveCoresIdle) {
  OpKernel op = build("ascend910b", "matmul m=64 n=64 k=65535 dtype=fp16 out_dtype=fp32");
  EXPECT_NE(op.summary.find("K split"), std::string::npos) << op.summary;
  EXPECT_GT(op.block_dim, 12u);
  EXPECT_TRUE(op.tensors.back().zero_init);
  // fp16 outputs are never split (atomic fp16 adds would round every partial sum).
  OpKernel half = build("ascend910b", "matmul m=64 n=64 k=65535 dtype=fp16");
  EXPECT_EQ(half.summary.find("K split"), std::string::npos) << half.summary;
  EXPECT_FALSE(half.tensors.back().zero_init);
}

// K-major int8 operands cost no extra cube or MTE1 work: the transposing loads move the same
// bytes, so with one tiling no transpose combination is slower than K innermost (within the
// scalar set-up of a few more load instructions; K-major rows can even make longer GM bursts).
TEST(MatmulOpTest, Int8KMajorOperandsCostNoExtraTime) {
  sim::SimOptions options;
  options.timing_only = true;
  runtime::Device device = runtime::Device::simulated(chip("ascend910b"), options);
  auto cycles = [&](const char* trans) {
    const std::string spec = std::string("matmul m=512 n=512 k=512 dtype=int8 tile_m=128 ") +
                             "tile_n=128 tile_k=64 tile_kl=256 " + trans;
    return static_cast<double>(runtime::run_op(device, parse_op_spec(spec), false).run.cycles);
  };
  const double k_inner = cycles("trans_b=1");
  for (const char* trans : {"trans_a=0 trans_b=0", "trans_a=1 trans_b=0", "trans_a=1 trans_b=1"})
    EXPECT_LE(cycles(trans), 1.02 * k_inner) << trans << " vs " << k_inner;
}

TEST(MatmulOpTest, LargeMatmulUsesLargeL1Chunks) {
  OpKernel op = build("ascend910b", "matmul m=4096 n=4096 k=4096 dtype=fp16");
  EXPECT_NE(op.summary.find("(L1 K 256)"), std::string::npos) << op.summary;
}

TEST(MatmulOpTest, TimingOnlyLargeShapesRun) {
  sim::SimOptions options;
  options.timing_only = true;
  for (const char* c : {"ascend910", "ascend910b"}) {
    runtime::Device device = runtime::Device::simulated(chip(c), options);
    const char* dtype = std::string(c) == "ascend910" ? "fp16" : "bf16";  // the 910 has no bf16
    runtime::OpRun r = runtime::run_op(
        device,
        parse_op_spec(std::string("batch_matmul b=4 m=1000 n=4099 k=513 out_dtype=fp32"
                                  " trans_b=1 dtype=") +
                      dtype),
        false);
    EXPECT_GT(r.run.cycles, 0u);
  }
}

TEST(MatmulOpTest, ErrorsNameTheProblem) {
  EXPECT_EQ(build_error("ascend910", "matmul m=8 n=8 k=8 dtype=bf16"),
            "error: chip 'ascend910' has no bf16 cube (cube.bf16.enabled is false)");
  config::ChipConfig no_bt = chip("tiny");
  no_bt.buffers.bt_bytes = 0;
  EXPECT_EQ(
      error_of([&] { build_op(parse_op_spec("matmul m=8 n=8 k=8 dtype=fp16 bias=1"), no_bt); }),
      "error: bias=1 needs a bias table on chip 'tiny' (its results leave L0C straight to "
      "GM, so the vector unit cannot add it)");
  // A K-major int8 B (trans_b=0) is loaded in 32 x 32 transposed blocks: tile_n of 32.
  EXPECT_EQ(build_error("tiny", "matmul m=8 n=8 k=64 dtype=int8 tile_n=16"),
            "error: tiling tile_m=16 tile_n=16 tile_k=32 tile_kl=32 split_k=1 is not valid on chip "
            "'tiny' (tile_m a multiple of 16, tile_n of 32, tile_k of the cube's k0 = 32, tile_kl "
            "of tile_k, the buffers must hold them double buffered, split_k at most the K chunks)");
  EXPECT_EQ(build_error("tiny", "matmul m=8 n=8 k=8 dtype=fp16 scale=2"),
            "<op>:1:37: error: 'scale' applies only to dtype=int8 out_dtype=fp16 (dequantisation)");
  EXPECT_EQ(build_error("tiny", "matmul m=8 n=8 k=8 dtype=int8 trans_b=1 out_dtype=fp16 scale=x"),
            "<op>:1:62: error: bad value 'x' for 'scale' (expected a number)");
  EXPECT_EQ(build_error("tiny", "matmul m=8 n=8 k=64 dtype=fp16 split_k=2"),
            "error: split_k needs an fp32 or int32 output (atomic accumulation in GM)");
  EXPECT_EQ(build_error("ascend910", "matmul m=8 n=9 k=64 dtype=fp16 out_dtype=fp32 split_k=2"),
            "error: split_k needs an fp32 or int32 output whose rows are whole 32-byte units "
            "(n * 4 % 32 == 0), and no bias on this chip, (atomic accumulation in GM)");
  EXPECT_EQ(build_error("tiny", "matmul m=8 n=8 k=64 dtype=fp16 tile_m=24 tile_k=48"),
            "error: tiling tile_m=24 tile_n=16 tile_k=48 tile_kl=48 split_k=1 is not valid on chip "
            "'tiny' (tile_m a multiple of 16, tile_n of 16, tile_k of the cube's k0 = 16, tile_kl "
            "of tile_k, the buffers must hold them double buffered, split_k at most the K chunks)");
  EXPECT_EQ(build_error("tiny", "batch_matmul m=8 n=8 k=8 dtype=fp16"),
            "<op>:1:36: error: batch_matmul needs key 'b'");
}

TEST(MatmulOpTest, AutotuneRunsTheBestCandidatesAndKeepsTheFastest) {
  config::ChipConfig c = chip("ascend910b");
  OpSpec spec = parse_op_spec("matmul m=512 n=384 k=1024 dtype=fp16");
  std::vector<TuningCandidate> cands = tuning_candidates(spec, c, 3);
  ASSERT_EQ(cands.size(), 3u);
  EXPECT_LE(cands[0].estimated_cycles, cands[1].estimated_cycles);
  EXPECT_NE(cands[0].spec.text.find(" tile_m="), std::string::npos);
  runtime::AutotuneResult r = runtime::autotune_op(c, spec, 3);
  ASSERT_EQ(r.trials.size(), 3u);
  for (const runtime::AutotuneTrial& t : r.trials) {
    EXPECT_GT(t.cycles, 0u);
    EXPECT_GE(t.cycles, r.trials[r.best].cycles);
  }
  std::string text = runtime::describe_autotune(r);
  EXPECT_NE(text.find("* " + r.trials[r.best].spec.text), std::string::npos) << text;
  // A spec with its tiling already forced is the only candidate.
  EXPECT_EQ(tuning_candidates(cands[1].spec, c, 3).size(), 1u);
}

// Removes the first RAW flag mte2 -> mte1 (its set and its wait) from a body.
bool remove_flag(Body& body) {
  for (size_t i = 0; i < body.size(); ++i) {
    Stmt& s = body[i];
    if (s.kind == Stmt::Kind::kSync && !s.sync.wait && s.sync.src == isa::Pipe::kMte2 &&
        s.sync.dst == isa::Pipe::kMte1) {
      SyncStmt f = s.sync;
      body.erase(body.begin() + static_cast<std::ptrdiff_t>(i));
      for (size_t j = 0; j < body.size(); ++j) {
        if (body[j].kind == Stmt::Kind::kSync && body[j].sync.wait && body[j].sync.src == f.src &&
            body[j].sync.dst == f.dst && body[j].sync.event == f.event) {
          body.erase(body.begin() + static_cast<std::ptrdiff_t>(j));
          return true;
        }
      }
      return false;
    }
    if (s.kind == Stmt::Kind::kLoop && remove_flag(s.loop->body)) return true;
    if (s.kind == Stmt::Kind::kIf && remove_flag(s.when->body)) return true;
  }
  return false;
}

TEST(RaceCheckTest, RemovingOneInsertedSyncIsCaught) {
  config::ChipConfig c = chip("tiny");
  OpSpec spec = parse_op_spec("matmul m=32 n=32 k=64 dtype=fp16");
  OpKernel op = build_op(spec, c);
  Kernel k = op.kernel;
  double_buffer(k);
  allocate_buffers(k, c);
  insert_syncs(k, c);
  ASSERT_TRUE(remove_flag(k.body));
  isa::Binary bin = isa::assemble(generate_assembly(k, c), "racy.s");
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(c, options);
  std::vector<uint64_t> args;
  for (const TensorDesc& t : op.tensors)
    args.push_back(device.malloc(t.elements * isa::element_size(t.dtype), t.name));
  device.load(bin);
  try {
    device.launch("matmul", args, op.block_dim);
    FAIL() << "the race went unnoticed";
  } catch (const ProgramError& e) {
    EXPECT_NE(std::string(e.what()).find("race: this instruction"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace npu::compiler
