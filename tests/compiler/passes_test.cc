// Each pass alone on small kernels, asserted by the printed IR or exact values; op-spec errors.
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/passes/codegen.h"
#include "compiler/compile.h"
#include "compiler/passes/double_buffering.h"
#include "compiler/passes/event_ids.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/ir/nk_printer.h"
#include "compiler/ops/op_spec.h"
#include "compiler/ops/ops.h"
#include "compiler/passes/sync_insertion.h"
#include "compiler/ops/matmul/matmul_tiling.h"
#include "config/loader.h"
#include "isa/packed.h"
#include "tests/compiler/compiler_test_util.h"

#ifndef NPUSIM_SOURCE_DIR
#error "tests need NPUSIM_SOURCE_DIR"
#endif

namespace npu::compiler {
namespace {

const char* kCopy =
    "kernel copy\n"
    "arg x gm\n"
    "arg y gm\n"
    "tile buf ub 1024 double\n"
    "for i in 3 {\n"
    "  copy_gm_to_ub buf, x[1024*i], burst_len=32\n"
    "  copy_ub_to_gm y[1024*i], buf, burst_len=32\n"
    "}\n";

TEST(DoubleBufferingTest, UnrollsByTwoWithAGuardedOddCopy) {
  Kernel k = parse_kernel(kCopy, "copy.nk");
  double_buffer(k);
  EXPECT_EQ(print_kernel(k),
            "kernel copy\narg x gm\narg y gm\ntile buf ub 1024 double\n"
            "for i in 2 {\n"
            "  copy_gm_to_ub buf.0, x[2048*i], burst_len=32\n"
            "  copy_ub_to_gm y[2048*i], buf.0, burst_len=32\n"
            "  if 2*i + 1 < 3 {\n"
            "    copy_gm_to_ub buf.1, x[2048*i + 1024], burst_len=32\n"
            "    copy_ub_to_gm y[2048*i + 1024], buf.1, burst_len=32\n"
            "  }\n"
            "}\n");
}

TEST(DoubleBufferingTest, UnrollByTwoInPairsWithEarlyLoadsAndRenamedLets) {
  Kernel k = parse_kernel(
      "kernel k\narg x gm\ntile s ub 512 double\ntile a ub 256\n"
      "pfor t in 3 {\n"
      "  let q = t / 2\n"
      "  copy_gm_to_ub s, x[512*q], burst_len=16\n"
      "  for i in 2 {\n    vadds.f16 a, s, 15360, repeat=1\n  }\n"
      "}\n",
      "k.nk");
  unroll_by_two(*k.body[0].loop, {"s"}, true);
  EXPECT_EQ(print_kernel(k).substr(print_kernel(k).find("pfor")),
            "pfor t in 2 {\n"
            "  let q = (2*t) / 2\n"
            "  copy_gm_to_ub s.0, x[512*q], burst_len=16\n"
            "  let q_odd = (2*t + 1) / 2\n"
            "  if 2*t + 1 < 3 {\n"
            "    copy_gm_to_ub s.1, x[512*q_odd], burst_len=16\n"
            "  }\n"
            "  for i in 2 {\n    vadds.f16 a, s.0, 15360, repeat=1\n  }\n"
            "  if 2*t + 1 < 3 {\n"
            "    for i in 2 {\n      vadds.f16 a, s.1, 15360, repeat=1\n    }\n"
            "  }\n"
            "}\n");
  // The printed form parses back (lets of an affine value).
  EXPECT_EQ(parse_kernel(print_kernel(k), "printed.nk"), k);
}

TEST(SyncInsertionTest, SiblingLoopsShareOneFlagPerTileSlotAndPipePair) {
  // Two unrolled copies of a double-buffered loop in one body: a.0 and a.1 are written (V) and
  // read (MTE3) in both; each slot's RAW flags and WAR tokens keep one id across the two loops.
  Kernel k = parse_kernel(
      "kernel k\narg x gm\ntile a ub 256 double\n"
      "for t in 2 {\n"
      "  for i in 2 {\n    vadds.f16 a, a, 15360, repeat=1\n"
      "    copy_ub_to_gm x, a, burst_len=8\n  }\n"
      "  for i in 2 {\n    vadds.f16 a, a, 15360, repeat=1\n"
      "    copy_ub_to_gm x, a, burst_len=8\n  }\n"
      "}\n",
      "k.nk");
  double_buffer(k);
  allocate_buffers(k, chip("tiny"));
  insert_syncs(k, chip("tiny"));
  const std::string loop =
      "    wait_flag mte3, v, 0\n    vadds.f16 a.0, a.0, 15360, repeat=1\n"
      "    set_flag v, mte3, 0\n    wait_flag v, mte3, 0\n    copy_ub_to_gm x, a.0, burst_len=8\n"
      "    set_flag mte3, v, 0\n"
      "    wait_flag mte3, v, 1\n    vadds.f16 a.1, a.1, 15360, repeat=1\n"
      "    set_flag v, mte3, 1\n    wait_flag v, mte3, 1\n    copy_ub_to_gm x, a.1, burst_len=8\n"
      "    set_flag mte3, v, 1\n";
  EXPECT_EQ(print_kernel(k).substr(print_kernel(k).find("prologue")),
            "prologue set_flag mte3, v, 0\nprologue set_flag mte3, v, 1\n"
            "for t in 2 {\n  for i in 1 {\n" + loop + "  }\n  for i in 1 {\n" + loop +
                "  }\n}\nepilogue wait_flag mte3, v, 0\nepilogue wait_flag mte3, v, 1\n");
}

TEST(BufferAllocationTest, TilesWithDisjointLifetimesShareBytes) {
  Kernel k = parse_kernel(
      "kernel k\narg x gm\ntile a ub 1000\ntile b ub 2048\ntile c ub 64\n"
      "for i in 2 {\n  copy_gm_to_ub a, x, burst_len=1\n}\n"
      "for i in 2 {\n  copy_gm_to_ub b, x, burst_len=1\n  copy_gm_to_ub c, x, burst_len=1\n}\n",
      "k.nk");
  allocate_buffers(k, chip("tiny"));
  EXPECT_EQ(k.find_tile("b")->offset, 0u);
  EXPECT_EQ(k.find_tile("a")->offset, 0u);     // dead before b is born
  EXPECT_EQ(k.find_tile("c")->offset, 2048u);  // live with b
}

TEST(BufferAllocationTest, TileThatCannotFitIsAnErrorNamingTheLiveTiles) {
  Kernel k = parse_kernel(
      "kernel k\narg x gm\ntile a ub 20000\ntile b ub 8000 double\n"
      "for i in 2 {\n  copy_gm_to_ub a, x, burst_len=1\n  copy_gm_to_ub b, x, burst_len=1\n}\n",
      "k.nk");
  EXPECT_EQ(error_of([&] { allocate_buffers(k, chip("tiny")); }),
            "k.nk:4:6: error: tile 'b' (2 x 8000 B) does not fit in ub (32768 B, 20000 B used "
            "by a)");
}

TEST(SyncInsertionTest, RawFlagsAndWarTokensWithPrologueAndEpilogue) {
  Kernel k = parse_kernel(kCopy, "copy.nk");
  double_buffer(k);
  allocate_buffers(k, chip("tiny"));
  insert_syncs(k, chip("tiny"));
  EXPECT_EQ(print_kernel(k),
            "kernel copy\narg x gm\narg y gm\ntile buf ub 1024 double at 0\nsyncs inserted\n"
            "prologue set_flag mte3, mte2, 0\n"
            "prologue set_flag mte3, mte2, 1\n"
            "for i in 2 {\n"
            "  wait_flag mte3, mte2, 1\n"
            "  copy_gm_to_ub buf.0, x[2048*i], burst_len=32\n"
            "  set_flag mte2, mte3, 0\n"
            "  wait_flag mte2, mte3, 0\n"
            "  copy_ub_to_gm y[2048*i], buf.0, burst_len=32\n"
            "  set_flag mte3, mte2, 1\n"
            "  if 2*i + 1 < 3 {\n"
            "    wait_flag mte3, mte2, 0\n"
            "    copy_gm_to_ub buf.1, x[2048*i + 1024], burst_len=32\n"
            "    set_flag mte2, mte3, 1\n"
            "    wait_flag mte2, mte3, 1\n"
            "    copy_ub_to_gm y[2048*i + 1024], buf.1, burst_len=32\n"
            "    set_flag mte3, mte2, 0\n"
            "  }\n"
            "}\n"
            "epilogue wait_flag mte3, mte2, 0\n"
            "epilogue wait_flag mte3, mte2, 1\n");
}

// Two tiles loaded by MTE2 and read by MTE1, a read first (`a` declared apart or not).
Kernel two_loads_kernel(bool reads_together, bool apart = true) {
  const std::string loads =
      "load2d_l1_to_l0a.f16 p, a, repeat=1\nload2d_l1_to_l0b.f16 q, b, repeat=1\n";
  Kernel k = parse_kernel(
      std::string("kernel k\narg x gm\ntile a l1 512") + (apart ? " apart" : "") +
          "\ntile b l1 512\ntile p l0a 512\ntile q l0b 512\n"
          "copy_gm_to_l1 a, x, burst_len=16\ncopy_gm_to_l1 b, x, burst_len=16\n" +
          (reads_together ? "for i in 1 {\n" + loads + "}\n" : loads),
      "k.nk");
  allocate_buffers(k, chip("tiny"));
  return k;
}

TEST(SyncInsertionTest, MergesOverlappingRequestsIntoOneFlag) {
  // Both read in one statement (a loop): one flag covers both loads.
  Kernel k = two_loads_kernel(true);
  insert_syncs(k, chip("tiny"));
  std::string text = print_kernel(k);
  EXPECT_EQ(text.substr(text.find("copy_gm_to_l1 a")),
            "copy_gm_to_l1 a, x, burst_len=16\ncopy_gm_to_l1 b, x, burst_len=16\n"
            "set_flag mte2, mte1, 0\nwait_flag mte2, mte1, 0\nfor i in 1 {\n"
            "  load2d_l1_to_l0a.f16 p, a, repeat=1\n  load2d_l1_to_l0b.f16 q, b, repeat=1\n}\n"
            "set_flag mte1, mte2, 0\nepilogue wait_flag mte1, mte2, 0\n");
}

TEST(SyncInsertionTest, EachReaderOfAnApartTileWaitsForItsOwnLoadWhileTheIdsLast) {
  // a's reader comes first: joined with b's flag it would wait for b's load as well.
  Kernel k = two_loads_kernel(false);
  insert_syncs(k, chip("tiny"));
  std::string text = print_kernel(k);
  EXPECT_EQ(text.substr(text.find("copy_gm_to_l1 a")),
            "copy_gm_to_l1 a, x, burst_len=16\nset_flag mte2, mte1, 0\n"
            "wait_flag mte1, mte2, 1\ncopy_gm_to_l1 b, x, burst_len=16\n"
            "set_flag mte2, mte1, 1\nwait_flag mte2, mte1, 0\n"
            "load2d_l1_to_l0a.f16 p, a, repeat=1\nset_flag mte1, mte2, 0\n"
            "wait_flag mte2, mte1, 1\nload2d_l1_to_l0b.f16 q, b, repeat=1\n"
            "set_flag mte1, mte2, 1\nepilogue wait_flag mte1, mte2, 0\n"
            "epilogue wait_flag mte1, mte2, 1\n");
  // With one event id per pipe pair the flags are joined again (the fewest flags), and so
  // they are when `a` is not apart.
  config::ChipConfig one = chip("tiny");
  one.pipes.event_ids = 1;
  Kernel j = two_loads_kernel(false);
  insert_syncs(j, one);
  text = print_kernel(j);
  Kernel plain = two_loads_kernel(false, false);
  insert_syncs(plain, chip("tiny"));
  const std::string plain_text = print_kernel(plain);
  EXPECT_EQ(plain_text.substr(plain_text.find("copy_gm_to_l1 a")),
            text.substr(text.find("copy_gm_to_l1 a")));
  EXPECT_EQ(text.substr(text.find("copy_gm_to_l1 a")),
            "copy_gm_to_l1 a, x, burst_len=16\ncopy_gm_to_l1 b, x, burst_len=16\n"
            "set_flag mte2, mte1, 0\nwait_flag mte2, mte1, 0\n"
            "load2d_l1_to_l0a.f16 p, a, repeat=1\nload2d_l1_to_l0b.f16 q, b, repeat=1\n"
            "set_flag mte1, mte2, 0\nepilogue wait_flag mte1, mte2, 0\n");
}

TEST(SyncInsertionTest, OnBlockTokensStayInTheBlockAndCrossCoreFlagsAreKept) {
  // A loop in an `on aiv` block: its WAR token is set at the block's start and waited at its
  // end (not in the kernel prologue, which the AIC runs too); the hand-written cross-core flags
  // stay where they are and are not ordering requests.
  Kernel k = parse_kernel(
      "kernel k\narg x gm\ntile buf ub 256\n"
      "on aiv sub {\n"
      "  for i in 2 {\n"
      "    cross_core_wait_flag mte2, 0\n"
      "    copy_gm_to_ub buf, x[256*sub], burst_len=8\n"
      "    copy_ub_to_gm x[256*sub], buf, burst_len=8\n"
      "  }\n"
      "}\n",
      "k.nk");
  allocate_buffers(k, chip("ascend910b"));
  insert_syncs(k, chip("ascend910b"));
  EXPECT_TRUE(k.prologue.empty());
  EXPECT_EQ(print_kernel(k),
            "kernel k\narg x gm\ntile buf ub 256 at 0\nsyncs inserted\n"
            "on aiv sub {\n"
            "  set_flag mte3, mte2, 0\n"
            "  for i in 2 {\n"
            "    cross_core_wait_flag mte2, 0\n"
            "    wait_flag mte3, mte2, 0\n"
            "    copy_gm_to_ub buf, x[256*sub], burst_len=8\n"
            "    set_flag mte2, mte3, 0\n"
            "    wait_flag mte2, mte3, 0\n"
            "    copy_ub_to_gm x[256*sub], buf, burst_len=8\n"
            "    set_flag mte3, mte2, 0\n"
            "  }\n"
            "  wait_flag mte3, mte2, 0\n"
            "}\n");
}

TEST(CodegenTest, OnBlocksBranchOnTheCoreTypeAndImmediatesLoadRegisters) {
  Kernel k = parse_kernel(
      "kernel k\ntile a ub 256 at 0\n"
      "on aiv sub {\n  vmuls.f32 a, a, select(sub == 0, 7, 9), repeat=1\n}\n",
      "k.nk");
  k.syncs_inserted = true;
  std::string text = generate_assembly(k, chip("ascend910b"));
  EXPECT_NE(text.find("    rdsr x2, core_type\n    li x3, 1\n    beq x2, x3, L0\n"
                      "    rdsr x2, sub_block_idx\n"),
            std::string::npos)
      << text;
  // The scalar operand: 7 for sub-block 0, else 9, in its own register.
  EXPECT_NE(text.find("    li x5, 7\n    li x6, 0\n    add x6, x6, x2\n    li x7, 0\n"
                      "    beq x6, x7, L1\n    li x5, 9\nL1:\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    vmuls.f32 x3, x4, x5, x6\nL0:\n"), std::string::npos) << text;
}

TEST(EventIdsTest, ReusesIdsOfFlagsDoneBeforeAndLinksEachReuse) {
  int loop = 0;
  std::vector<FlagLife> flags = {{0, 10, {}, nullptr}, {12, 20, {}, nullptr}, {5, 15, {}, nullptr}};
  std::optional<EventIdPlan> plan = plan_event_ids(flags, 2, false);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->ids, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(plan->links, (std::vector<std::pair<size_t, size_t>>{{0, 1}}));
  // Waited by the scalar unit: reuse needs no link.
  EXPECT_TRUE(plan_event_ids(flags, 2, true)->links.empty());
  // One id is too few: flags 0 and 2 are pending at once.
  EXPECT_FALSE(plan_event_ids(flags, 1, false));
  // In one loop two flags would alternate; in different scopes they never share.
  flags[0].loops = flags[1].loops = {&loop};
  EXPECT_FALSE(plan_event_ids(flags, 2, false));
  EXPECT_EQ(plan_event_ids(flags, 2, true)->ids, (std::vector<int>{0, 0, 1}));
  flags[0].loops = flags[1].loops = {};
  flags[1].scope = &loop;
  EXPECT_FALSE(plan_event_ids(flags, 2, false));
  EXPECT_EQ(plan_event_ids(flags, 3, false)->ids, (std::vector<int>{0, 2, 1}));
}

TEST(SyncInsertionTest, TooManyEventIdsAtOnceIsAnError) {
  // Five nested loops, each loading its tile before the inner loop and storing it after: five
  // mte2 -> mte3 flags are pending at once, more than the 910's 4 ids.
  std::string src = "kernel k\narg x gm\n";
  for (int i = 0; i < 5; ++i) src += "tile t" + std::to_string(i) + " ub 32\n";
  for (int i = 0; i < 5; ++i)
    src += "for l" + std::to_string(i) + " in 2 {\ncopy_gm_to_ub t" + std::to_string(i) +
           ", x, burst_len=1\n";
  for (int i = 4; i >= 0; --i)
    src += "copy_ub_to_gm x, t" + std::to_string(i) + ", burst_len=1\n}\n";
  Kernel k = parse_kernel(src, "k.nk");
  allocate_buffers(k, chip("ascend910"));
  EXPECT_EQ(error_of([&] { insert_syncs(k, chip("ascend910")); }),
            "error: kernel 'k' needs more than 4 event ids for mte2 -> mte3 at once "
            "(pipes.event_ids of chip 'ascend910')");
}

// Two loops one after the other, each with its own UB tile (MTE2 -> MTE3).
const char* kTwoPhases =
    "kernel k\narg x gm\narg y gm\ntile a ub 256\ntile b ub 256\n"
    "for i in 2 {\n  copy_gm_to_ub a, x[256*i], burst_len=8\n"
    "  copy_ub_to_gm y[256*i], a, burst_len=8\n}\n"
    "for i in 2 {\n  copy_gm_to_ub b, x[256*i + 512], burst_len=8\n"
    "  copy_ub_to_gm y[256*i + 512], b, burst_len=8\n}\n";

TEST(SyncInsertionTest, TilesSharingBytesAreOrderedAcrossTheirLoops) {
  Kernel k = parse_kernel(kTwoPhases, "k.nk");
  allocate_buffers(k, chip("tiny"));
  ASSERT_EQ(k.find_tile("b")->offset, k.find_tile("a")->offset);
  insert_syncs(k, chip("tiny"));
  std::string text = print_kernel(k);
  // The first load of b (MTE2) waits for the last store of a (MTE3), between the loops.
  EXPECT_NE(text.find("  set_flag mte3, mte2, 1\n}\nset_flag mte3, mte2, 0\n"
                      "wait_flag mte3, mte2, 0\nfor i in 2 {\n  wait_flag mte3, mte2, 2\n"
                      "  copy_gm_to_ub b, "),
            std::string::npos)
      << text;
}

TEST(SyncInsertionTest, EventIdsAreReusedByFlagsThatAreNotPendingAtOnce) {
  // Two ids per pipe pair for three mte3 -> mte2 flags: the tokens of the two loops go around
  // their loop (not the prologue / epilogue) and take turns on id 0; id 1 orders a's last store
  // before b's first load. Before the second loop sets id 0 the scalar unit waits (through flag
  // mte2 -> s) for MTE2's last wait on it.
  config::ChipConfig one_id = chip("tiny");
  one_id.pipes.event_ids = 2;
  Kernel k = parse_kernel(kTwoPhases, "k.nk");
  allocate_buffers(k, one_id);
  insert_syncs(k, one_id);
  EXPECT_EQ(print_kernel(k).substr(print_kernel(k).find("syncs inserted")),
            "syncs inserted\n"
            "set_flag mte3, mte2, 0\n"
            "for i in 2 {\n"
            "  wait_flag mte3, mte2, 0\n"
            "  copy_gm_to_ub a, x[256*i], burst_len=8\n"
            "  set_flag mte2, mte3, 0\n"
            "  wait_flag mte2, mte3, 0\n"
            "  copy_ub_to_gm y[256*i], a, burst_len=8\n"
            "  set_flag mte3, mte2, 0\n"
            "}\n"
            "set_flag mte3, mte2, 1\n"
            "wait_flag mte3, mte2, 0\n"
            "set_flag mte2, s, 0\n"
            "wait_flag mte2, s, 0\n"
            "set_flag mte3, mte2, 0\n"
            "wait_flag mte3, mte2, 1\n"
            "for i in 2 {\n"
            "  wait_flag mte3, mte2, 0\n"
            "  copy_gm_to_ub b, x[256*i + 512], burst_len=8\n"
            "  set_flag mte2, mte3, 1\n"
            "  wait_flag mte2, mte3, 1\n"
            "  copy_ub_to_gm y[256*i + 512], b, burst_len=8\n"
            "  set_flag mte3, mte2, 0\n"
            "}\n"
            "wait_flag mte3, mte2, 0\n");
}

TEST(CodegenTest, LoopsAddressesAndPackedWords) {
  Kernel k = parse_kernel(
      "kernel k\narg x gm\ntile a ub 64 at 32\n"
      "pfor t in 5 {\n  copy_gm_to_ub a, x[96*t + 4], burst_len=select(t == 4, 1, 2)\n}\n",
      "k.nk");
  std::string s = generate_assembly(k, chip("tiny"));
  isa::MteParams p;
  p.burst_len = 1;
  uint64_t base = isa::pack_mte_params(p) & ~(isa::kMteLayout.fields[1].mask() << isa::kMteLayout.fields[1].lo);
  EXPECT_EQ(s,
            ".kernel k\n.arg x, gm\n    ldg.s64 x2, 0(x1)\n"
            "    rdsr x3, block_idx\n    rdsr x4, block_dim\nL0:\n    li x5, 5\n"
            "    bge x3, x5, L1\n"
            "    li x5, 32\n"
            "    li x6, 4\n    muli x7, x3, 96\n    add x6, x6, x7\n    add x6, x6, x2\n"
            "    li x7, " + std::to_string(base) + "\n"
            "    li x8, 1\n    li x9, 0\n    add x9, x9, x3\n    li x10, 4\n    beq x9, x10, L2\n"
            "    li x8, 2\nL2:\n    slli x8, x8, " + std::to_string(isa::kMteLayout.fields[1].lo) + "\n"
            "    or x7, x7, x8\n"
            "    copy_gm_to_ub x5, x6, x7\n"
            "    add x3, x3, x4\n    j L0\nL1:\nLskip:\n    end\n");
}

TEST(CodegenTest, OutOfRangeFieldIsALocatedError) {
  Kernel k = parse_kernel("kernel k\narg x gm\ntile a ub 64 at 0\ncopy_gm_to_ub a, x, burst_len=0\n",
                          "k.nk");
  EXPECT_EQ(error_of([&] { generate_assembly(k, chip("tiny")); }),
            "k.nk:4:1: error: 'copy_gm_to_ub' field burst_len = 0 is out of range 1..65535");
}

TEST(CodegenTest, IntegerOperandsAndMaskSetUp) {
  // Integer operands become registers loaded with li (0 stays x0); set_mask_mode's positional
  // mode is given as a field; the text round-trips.
  const char* text =
      "kernel v cores=aiv\n"
      "arg x gm 512\n"
      "tile b ub 512\n"
      "tile c ub 512\n"
      "copy_gm_to_ub b, x, nburst=1, burst_len=16\n"
      "set_mask 0, 255\n"
      "set_mask_mode mode=1\n"
      "vmuls.f32 c, b, 1065353216, repeat=2\n"
      "copy_ub_to_gm x, c, nburst=1, burst_len=16\n";
  Kernel k = parse_kernel(text, "v.nk");
  EXPECT_EQ(print_kernel(k), text);
  std::string a = compile_kernel(k, chip("ascend910b")).assembly;
  EXPECT_NE(a.find("li x3, 255\n    set_mask x0, x3\n    set_mask_mode counter\n"),
            std::string::npos)
      << a;
  EXPECT_NE(a.find("li x5, 1065353216\n    li x6, 2260630283288834\n"
                   "    vmuls.f32 x3, x4, x5, x6\n"),
            std::string::npos)
      << a;
  Kernel bad = parse_kernel("kernel v\ntile b ub 512\nset_mask_mode\n", "m.nk");
  EXPECT_EQ(error_of([&] { compile_kernel(bad, chip("tiny")); }),
            "m.nk:3:1: error: 'set_mask_mode' needs field mode");
}

// The cost model's choice for a fp16 matmul on a chip, as "Mt Nt Kt Kl split".
std::string best_tiling(int64_t m, int64_t n, int64_t k, const std::string& chip_name,
                        int64_t out_bytes = 2, bool split_ok = false) {
  config::ChipConfig c = chip(chip_name);
  MatmulProblem p;
  p.m = m, p.n = n, p.k = k, p.out_bytes = out_bytes, p.cube = &c.cube.fp16;
  p.via_ub = !c.paths.l0c_to_gm.enabled;
  p.split_k_allowed = split_ok;
  std::vector<MatmulTiling> ranked = rank_matmul_tilings(p, c);
  if (ranked.empty()) return "none";
  const MatmulTiling& t = ranked.front();
  return std::to_string(t.mt) + " " + std::to_string(t.nt) + " " + std::to_string(t.kt) + " " +
         std::to_string(t.kl) + " " + std::to_string(t.split_k);
}

TEST(TilingTest, CostModelPicksLargeTilesForLargeMatmuls) {
  EXPECT_EQ(best_tiling(4096, 4096, 4096, "ascend910"), "256 256 64 64 1");
  // 910B: GM -> L1 transfers are inefficient below ~128 KB, so one load feeds 4 cube steps.
  EXPECT_EQ(best_tiling(4096, 4096, 4096, "ascend910b"), "128 256 64 256 1");
  EXPECT_EQ(best_tiling(1, 1, 1, "tiny"), "16 16 16 16 1");
}

TEST(TilingTest, SplitsKOnlyWhenAllowedAndCoresWouldIdle) {
  std::string whole = best_tiling(64, 64, 32768, "ascend910b", 4, false);
  EXPECT_EQ(whole.substr(whole.rfind(' ')), " 1") << whole;
  std::string split = best_tiling(64, 64, 32768, "ascend910b", 4, true);
  EXPECT_NE(split.substr(split.rfind(' ')), " 1") << split;
  EXPECT_EQ(best_tiling(4096, 4096, 4096, "ascend910b", 4, true), "128 256 64 256 1");
}

TEST(OpSpecTest, ErrorsPointAtTheKeyOrValue) {
  // The list names every op of the library (others join it), matmul first.
  EXPECT_EQ(error_of([] { parse_op_spec("matmal m=1"); }).rfind(
                "<op>:1:1: error: unknown op 'matmal' (expected one of: matmul, ", 0),
            0u);
  EXPECT_EQ(error_of([] { parse_op_spec("matmul m=1 q=2 n"); }),
            "<op>:1:12: error: unknown key 'q' for matmul (expected bias, dtype, k, m, n, "
            "out_dtype, scale, split_k, tile_k, tile_kl, tile_m, tile_n, trans_a, trans_b)\n"
            "<op>:1:16: error: expected key=value, found 'n'");
  auto c = chip("tiny");
  EXPECT_EQ(error_of([&] { build_op(parse_op_spec("matmul m=4 n=4 dtype=fp16"), c); }),
            "<op>:1:26: error: matmul needs key 'k'");
  EXPECT_EQ(error_of([&] { build_op(parse_op_spec("matmul m=x n=4 k=4 dtype=fp16"), c); }),
            "<op>:1:10: error: bad value 'x' for 'm' (expected an integer)");
  EXPECT_EQ(error_of([&] { build_op(parse_op_spec("matmul m=4 n=4 k=4 dtype=fp8"), c); }),
            "<op>:1:26: error: unsupported dtype 'fp8' (supported: fp16, bf16, int8)");
  EXPECT_EQ(error_of([&] { build_op(parse_op_spec("matmul m=0 n=4 k=4 dtype=fp16"), c); }),
            "<op>:1:10: error: 'm' = 0 is out of range 1..65535");
}

// Numbers and shapes: the accessors op generators share.
TEST(OpSpecTest, NumbersAndShapes) {
  OpSpec s;
  s.op = "x";
  s.text = "x eps=1e-5 a=4x1x3 b=2x0 c=abc d=1x2,3 z=7";
  s.values = {{"eps", "1e-5"}, {"a", "4x1x3"}, {"b", "2x0"}, {"c", "abc"}, {"d", "1x2,3"}, {"z", "7"}};
  s.columns = {{"eps", 7}, {"a", 14}, {"b", 22}, {"c", 28}, {"d", 34}, {"z", 42}};
  EXPECT_DOUBLE_EQ(s.get_double("eps", 0, 1, 0.5), 1e-5);
  EXPECT_DOUBLE_EQ(s.get_double("missing", 0, 1, 0.5), 0.5);
  EXPECT_EQ(error_of([&] { s.get_double("c", 0, 1, 0); }),
            "<op>:1:28: error: bad value 'abc' for 'c' (expected a number)");
  EXPECT_EQ(error_of([&] { s.get_double("z", 0, 1, 0); }),
            "<op>:1:42: error: 'z' = 7 is out of range 0..1");
  EXPECT_EQ(s.get_shape("a", 4, 100), (std::vector<int64_t>{4, 1, 3}));
  EXPECT_EQ(error_of([&] { s.get_shape("a", 2, 100); }),
            "<op>:1:14: error: 'a' has 3 dimensions (at most 2)");
  EXPECT_EQ(error_of([&] { s.get_shape("b", 4, 100); }),
            "<op>:1:22: error: dimension 0 of 'b' is out of range 1..100");
  EXPECT_EQ(error_of([&] { s.get_shape("c", 4, 100); }),
            "<op>:1:28: error: bad shape 'abc' for 'c' (expected dimensions like 4096x1024)");
  EXPECT_EQ(s.get_shapes("d", 2, 4, 100), (std::vector<std::vector<int64_t>>{{1, 2}, {3}}));
  EXPECT_EQ(error_of([&] { s.get_shape("q", 4, 100); }), "<op>:1:43: error: x needs key 'q'");
  EXPECT_TRUE(s.has("z"));
  EXPECT_FALSE(s.has("q"));
}

TEST(CompileTest, MatmulCompilesForEveryChipInUnderASecond) {
  for (const char* name : {"tiny", "ascend910", "ascend910b"}) {
    auto c = chip(name);
    OpKernel op = build_op(parse_op_spec("matmul m=4096 n=4096 k=4096 dtype=fp16"), c);
    CompileResult r = compile_kernel(op.kernel, c);
    EXPECT_EQ(r.binary.kernels.size(), 1u);
    EXPECT_EQ(r.binary.kernels[0].name, "matmul");
  }
}

}  // namespace
}  // namespace npu::compiler
