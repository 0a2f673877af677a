// The steps of sync insertion alone: the statement tree and its program-order points, the
// accesses of each tile slot, the requests built from them and their merging, and the flags and
// event ids planned for merged requests.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "base/diagnostic.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/passes/body_tree.h"
#include "compiler/passes/sync_flags.h"
#include "compiler/passes/sync_requests.h"
#include "compiler/passes/tile_accesses.h"
#include "tests/compiler/compiler_test_util.h"

namespace npu::compiler {
namespace {

using isa::Pipe;

// MTE2 loads `in`, V adds into `out`, MTE3 stores it, twice per iteration of a loop after a
// first load outside it.
const char* kLoop =
    "kernel k\narg x gm\narg y gm\ntile in ub 512\ntile out ub 512\n"
    "copy_gm_to_ub in, x, burst_len=16\n"
    "for i in 3 {\n"
    "  vadds.f16 out, in, 15360, repeat=2\n"
    "  copy_ub_to_gm y[512*i], out, burst_len=16\n"
    "  if i < 2 {\n    copy_gm_to_ub in, x[512*i + 512], burst_len=16\n  }\n"
    "}\n";

// The requests of every tile slot of `k`, errors to `diags`.
std::vector<SyncRequest> build_requests(Kernel& k, DiagnosticList& diags) {
  BodyTree tree(k.body);
  RequestBuilder builder(tree, diags);
  for (auto& [tile, list] : collect_tile_accesses(k)) builder.tile_slot(tile, list);
  return builder.requests();
}

TEST(BodyTreeTest, ParentsLoopsAndProgramOrderPoints) {
  Kernel k = parse_kernel(kLoop, "k.nk");
  BodyTree tree(k.body);
  Body* loop = &k.body[1].loop->body;
  Body* guarded = &(*loop)[2].when->body;
  EXPECT_EQ(tree.root(), &k.body);
  EXPECT_EQ(tree.parent(guarded), loop);
  EXPECT_EQ(tree.parent(loop), &k.body);
  EXPECT_EQ(tree.index_in_parent(guarded), 2u);
  EXPECT_TRUE(tree.is_loop(loop));
  EXPECT_FALSE(tree.is_loop(guarded));
  EXPECT_FALSE(tree.is_loop(&k.body));
  // Points: enter/exit numbered in one walk, before = 2 * enter, after = 2 * exit + 1.
  EXPECT_EQ(tree.before(&k.body, 0), 0);
  EXPECT_EQ(tree.after(&k.body, 0), 3);
  EXPECT_EQ(tree.before(&k.body, 1), 4);
  EXPECT_EQ(tree.before(loop, 0), 6);
  EXPECT_EQ(tree.before(guarded, 0), 16);
  EXPECT_EQ(tree.after(guarded, 0), 19);
  EXPECT_EQ(tree.after(&k.body, 1), 23);
  EXPECT_EQ(tree.loops(guarded), std::vector<const void*>{loop});
  EXPECT_EQ(tree.common(guarded, loop), loop);
  EXPECT_EQ(tree.common(guarded, &k.body), &k.body);
  EXPECT_EQ(tree.holder(&k.body, guarded), 1u);
  EXPECT_EQ(tree.outermost_loop(guarded, &k.body), loop);
  EXPECT_EQ(tree.outermost_loop(&k.body, nullptr), nullptr);
}

TEST(TileAccessesTest, EveryOperandAndTheBiasTableInProgramOrder) {
  Kernel k = parse_kernel(kLoop, "k.nk");
  auto accesses = collect_tile_accesses(k);
  ASSERT_EQ(accesses.size(), 2u);
  const std::vector<TileAccess>& in = accesses.at("in.0");
  ASSERT_EQ(in.size(), 3u);
  EXPECT_EQ(in[0].pipe, Pipe::kMte2);
  EXPECT_TRUE(in[0].write);
  EXPECT_EQ(in[1].pipe, Pipe::kV);
  EXPECT_FALSE(in[1].write);
  EXPECT_EQ(in[2].path.size(), 3u);  // kernel body, loop body, if body
  EXPECT_EQ(in[2].path[1].second, 2u);
  EXPECT_EQ(in[1].loc.line, 8);
  EXPECT_EQ(accesses.at("out.0")[1].pipe, Pipe::kMte3);

  Kernel mm = parse_kernel(
      "kernel k\ntile s l1 512\ntile a l0a 512\ntile b l0b 512\ntile c l0c 1024\n"
      "tile bias bt 64\n"
      "copy_l1_to_bt bias, s, burst_len=1\n"
      "mmad.f32.f16 c, a, b, m=16, k=16, n=16, init=2, bias_addr=0\n",
      "mm.nk");
  auto mm_accesses = collect_tile_accesses(mm);
  ASSERT_TRUE(mm_accesses.count("bias.0"));
  ASSERT_EQ(mm_accesses.at("bias.0").size(), 2u);
  EXPECT_FALSE(mm_accesses.at("bias.0")[1].write);
  EXPECT_EQ(mm_accesses.at("bias.0")[1].pipe, Pipe::kM);
}

TEST(SyncRequestsTest, RawFlagsAndWarTokensOfOneTileSlotThenMerged) {
  Kernel k = parse_kernel(
      "kernel k\narg x gm\narg y gm\ntile a ub 512\ntile b ub 512\ntile o ub 512\n"
      "for i in 2 {\n"
      "  copy_gm_to_ub a, x, burst_len=16\n"
      "  copy_gm_to_ub b, x, burst_len=16\n"
      "  vadd.f16 o, a, b, repeat=2\n"
      "  copy_ub_to_gm y, o, burst_len=16\n"
      "}\n",
      "k.nk");
  DiagnosticList diags;
  std::vector<SyncRequest> requests = build_requests(k, diags);
  ASSERT_TRUE(diags.empty());
  Body* loop = &k.body[0].loop->body;
  // a, b: RAW MTE2 -> V (set after the load, wait before the vadd) and a WAR token V -> MTE2
  // (set after the vadd, waited before the next iteration's load: index + 4); o: the same with
  // V -> MTE3 and MTE3 -> V.
  ASSERT_EQ(requests.size(), 6u);
  EXPECT_EQ(requests[0].home, loop);
  EXPECT_EQ(requests[0].src, Pipe::kMte2);
  EXPECT_EQ(requests[0].dst, Pipe::kV);
  EXPECT_EQ(requests[0].set_after, 0u);
  EXPECT_EQ(requests[0].wait_before, 2u);
  EXPECT_EQ(requests[1].src, Pipe::kV);
  EXPECT_EQ(requests[1].set_after, 2u);
  EXPECT_EQ(requests[1].wait_before, 4u);
  EXPECT_EQ(requests[2].set_after, 1u);
  EXPECT_EQ(requests[3].wait_before, 5u);

  // a's and b's RAW flags become one set after b's load; their tokens one wait before a's.
  std::vector<SyncRequest> merged = merge_requests(requests, true);
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0].src, Pipe::kMte2);
  EXPECT_EQ(merged[0].set_after, 1u);
  EXPECT_EQ(merged[0].wait_before, 2u);
  EXPECT_FALSE(merged[0].token);
  EXPECT_EQ(merged[2].src, Pipe::kV);
  EXPECT_EQ(merged[2].dst, Pipe::kMte2);
  EXPECT_EQ(merged[2].set_after, 2u);
  EXPECT_EQ(merged[2].wait_before, 4u);
  EXPECT_TRUE(merged[2].token);
}

TEST(SyncRequestsTest, APrefetchLoopsCarriedFlagIsSeededBeforeTheLoopAndDrainedAfterIt) {
  Kernel k = parse_kernel(
      "kernel k\narg x gm\narg y gm\ntile in ub 512\n"
      "copy_gm_to_ub in, x, burst_len=16\n"
      "for i in 2 {\n"
      "  copy_ub_to_gm y[512*i], in, burst_len=16\n"
      "  copy_gm_to_ub in, x[512*i + 512], burst_len=16\n"
      "}\n",
      "k.nk");
  DiagnosticList diags;
  std::vector<SyncRequest> requests = build_requests(k, diags);
  ASSERT_TRUE(diags.empty());
  // In the loop: the WAR of the read before the load (same iteration, not a token) and the RAW
  // of the load before the next iteration's read (wait index 0 + 2), seeded after statement 0
  // of the kernel body and waited after statement 1 (the loop). Nothing at the kernel level:
  // the loop counts as the write it ends with.
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].src, Pipe::kMte3);
  EXPECT_EQ(requests[0].set_after, 0u);
  EXPECT_EQ(requests[0].wait_before, 1u);
  EXPECT_EQ(requests[0].seed_body, nullptr);
  EXPECT_EQ(requests[1].home, &k.body[1].loop->body);
  EXPECT_EQ(requests[1].src, Pipe::kMte2);
  EXPECT_EQ(requests[1].dst, Pipe::kMte3);
  EXPECT_EQ(requests[1].set_after, 1u);
  EXPECT_EQ(requests[1].wait_before, 2u);
  EXPECT_EQ(requests[1].seed_body, &k.body);
  EXPECT_EQ(requests[1].seed_after, 0u);
  EXPECT_EQ(requests[1].loop_index, 1u);
  // Not a token: its first set is the seed, not a prologue set.
  std::vector<SyncRequest> merged = merge_requests(requests, true);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_FALSE(merged[0].token);
  EXPECT_FALSE(merged[1].token);
}

TEST(SyncRequestsTest, ReadBeforeWriteIsALocatedError) {
  Kernel k = parse_kernel(
      "kernel k\narg y gm\ntile o ub 512\n"
      "copy_ub_to_gm y, o, burst_len=16\n"
      "vadds.f16 o, o, 15360, repeat=2\n",
      "k.nk");
  DiagnosticList diags;
  std::vector<SyncRequest> requests = build_requests(k, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].to_string(),
            "k.nk:4:1: error: tile 'o.0' is read before it is written");
}

TEST(SyncFlagsTest, OwnIdsWhenTheyFitReusedAndLinkedWhenNot) {
  // Three loops one after the other, each with its own MTE2 -> MTE3 flag and MTE3 -> MTE2
  // token: 3 ids per pair on a chip with 4; on a chip with 2, one id per pair reused by every
  // loop, each reuse linked through the scalar unit.
  std::string text = "kernel k\narg x gm\n";
  for (int p = 0; p < 3; ++p) text += "tile t" + std::to_string(p) + " ub 512\n";
  for (int p = 0; p < 3; ++p)
    text += "for i in 2 {\n  copy_gm_to_ub t" + std::to_string(p) +
            ", x, burst_len=16\n  copy_ub_to_gm x, t" +
            std::to_string(p) + ", burst_len=16\n}\n";
  for (int ids : {4, 2}) {
    Kernel k = parse_kernel(text, "k.nk");
    DiagnosticList diags;
    std::vector<SyncRequest> merged = merge_requests(build_requests(k, diags), true);
    ASSERT_TRUE(diags.empty());
    BodyTree tree(k.body);
    config::ChipConfig c = chip("tiny");
    c.pipes.event_ids = static_cast<size_t>(ids);
    FlagPlan plan = plan_flags(merged, tree, k, c);
    std::map<std::pair<Pipe, Pipe>, std::vector<int>> id_list;
    for (const SyncFlag& f : plan.flags) id_list[{f.src, f.dst}].push_back(f.id);
    const std::vector<int> expected =
        ids == 4 ? std::vector<int>{0, 1, 2} : std::vector<int>{0, 0, 0};
    EXPECT_EQ(id_list[std::make_pair(Pipe::kMte2, Pipe::kMte3)], expected) << ids;
    EXPECT_EQ(id_list[std::make_pair(Pipe::kMte3, Pipe::kMte2)], expected) << ids;
    for (const SyncFlag& f : plan.flags) {
      EXPECT_EQ(f.reuse, ids == 2);
      // Reused tokens go around their loop, not the prologue / epilogue.
      EXPECT_EQ(f.anchor_body != nullptr, ids == 2 && f.token);
    }
    // Each reuse (loop 0 -> 1, 1 -> 2) of each pair: the scalar unit waits for the waiting
    // pipe after one loop (point 11 or 23) before the next loop (12 or 24) sets the id again.
    ASSERT_EQ(plan.links.size(), ids == 4 ? 0u : 4u) << ids;
    for (size_t l = 0; l < plan.links.size(); ++l) {
      EXPECT_EQ(plan.links[l].pipe, l < 2 ? Pipe::kMte3 : Pipe::kMte2);
      EXPECT_EQ(plan.links[l].set.order, l % 2 == 0 ? 11 : 23);
      EXPECT_EQ(plan.links[l].wait.order, l % 2 == 0 ? 12 : 24);
      EXPECT_EQ(plan.links[l].set.body, &k.body);
    }
  }
}

}  // namespace
}  // namespace npu::compiler
