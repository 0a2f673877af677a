// Exact-cycle tests of synchronisation (DESIGN.md section 4, rule 4, and docs/isa.md §5.2):
// set_flag takes effect in the producer's order once every earlier producer instruction has
// completed; wait_flag blocks the consumer until then; event ids are reused after a wait;
// the scalar unit as either side; pipe_barrier all; sync_all across cores; cross-core counter
// flags on a split chip.
#include <gtest/gtest.h>

#include "tests/sim_core/sim_test_util.h"

namespace npu::test {
namespace {

using isa::Pipe;
using sim::TraceSlice;

const std::vector<std::string> kVectorSet = {"vector.binary.startup_cycles=5",
                                             "vector.binary.cycles_per_repeat_b16=2"};
const char* kUbRegs = "li x3, 0\nli x4, 1024\nli x5, 2048\nli x6, 4096\n";
// Eight dependent multiplies: the scalar unit is busy for 8 x 3 cycles.
const char* kDelay =
    "li x20, 3\nmul x20, x20, x20\nmul x20, x20, x20\nmul x20, x20, x20\nmul x20, x20, x20\n"
    "mul x20, x20, x20\nmul x20, x20, x20\nmul x20, x20, x20\nmul x20, x20, x20\n";

// A delay long enough (about 800 cycles) that the delayed core arrives last even when the
// others' first instruction fetch missed L2 (the cores fetch the same line at once, so the
// first to ask waits for HBM and the others hit).
const std::string kLongDelay = std::string("li x21, 200\nspin:\naddi x21, x21, -1\nbnez x21, spin\n") +
                               kDelay;

class SyncTiming : public ::testing::Test {
 protected:
  void run(const std::string& body, const std::vector<std::string>& overrides = kVectorSet,
           const std::string& chip = "tiny", uint32_t block_dim = 1) {
    m_sim = std::make_unique<SimRun>(chip_config(chip, overrides));
    m_sim->run(kernel(body), {}, block_dim);
  }
  std::vector<TraceSlice> on(Pipe p, uint32_t core = 0) const { return m_sim->slices(core, p); }
  const sim::CoreStats& stats(uint32_t core = 0) const {
    for (const sim::CoreResult& c : m_sim->result().cores) {
      if (c.id.index == core) return c.stats;
    }
    ADD_FAILURE() << "no core " << core;
    return m_sim->result().cores.at(0).stats;
  }
  TraceSlice at(const std::string& prefix, uint32_t core = 0, int nth = 0) const {
    return m_sim->at(core, m_sim->pc_of(prefix, nth));
  }
  std::unique_ptr<SimRun> m_sim;
};

TEST_F(SyncTiming, WaitBeforeSetReleasesAtProducerCompletion) {
  // The vadd starts at a and completes at a + 13; set_flag v -> mte3 takes effect then; MTE3's
  // wait (already blocked) releases and the copy starts at a + 13.
  run(std::string(kUbRegs) +
      "vadd.f16 x3, x4, x5, repeat=4\nset_flag v, mte3, 0\nwait_flag v, mte3, 0\n"
      "copy_ub_to_ub x6, x3, burst_len=8\nend\n");
  const auto v = on(Pipe::kV);
  const auto m = on(Pipe::kMte3);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].start, v[0].start + 13);
  EXPECT_EQ(m[0].start + m[0].duration, v[0].start + 13);
  EXPECT_EQ(stats()(Pipe::kMte3, sim::PipeStat::kFlagWaitCycles), m[0].duration);
  // set_flag waited for the vadd's completion from its start at a + 8.
  EXPECT_EQ(stats()(Pipe::kV, sim::PipeStat::kBarrierCycles), 5u);
}

TEST_F(SyncTiming, SetBeforeWaitPassesAtOnce) {
  // The flag is set long before MTE3 reaches the wait: the wait costs nothing and the copy
  // starts the cycle after the wait's issue.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=1\nset_flag v, mte3, 0\n" + kDelay +
      "wait_flag v, mte3, 0\ncopy_ub_to_ub x6, x3, burst_len=8\nend\n");
  const auto m = on(Pipe::kMte3);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].duration, 0u);
  EXPECT_EQ(m[0].start, m[0].issue + 1);
  EXPECT_EQ(m[1].start, std::max(m[0].start, m[1].issue + 1));
  EXPECT_EQ(stats()(Pipe::kMte3, sim::PipeStat::kFlagWaitCycles), 0u);
}

TEST_F(SyncTiming, EventIdIsReusedAfterAWait) {
  // Two rounds on event 0: each copy starts at its vadd's completion.
  run(std::string(kUbRegs) +
      "vadd.f16 x3, x4, x5, repeat=4\nset_flag v, mte3, 0\nwait_flag v, mte3, 0\n"
      "copy_ub_to_ub x6, x3, burst_len=8\n"
      "vadd.f16 x3, x4, x5, repeat=2\nset_flag v, mte3, 0\nwait_flag v, mte3, 0\n"
      "copy_ub_to_ub x6, x3, burst_len=8\nend\n");
  const auto v = on(Pipe::kV);
  const auto m = on(Pipe::kMte3);
  ASSERT_EQ(v.size(), 4u);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[1].start, v[0].start + 13);
  EXPECT_EQ(m[3].start, v[2].start + 9);
}

TEST_F(SyncTiming, EventIdsAreIndependent) {
  // MTE3 waits for event 1 first; event 0 was set earlier and stays set until its own wait.
  run(std::string(kUbRegs) +
      "vadd.f16 x3, x4, x5, repeat=1\nset_flag v, mte3, 0\nvadd.f16 x3, x4, x5, repeat=4\n"
      "set_flag v, mte3, 1\nwait_flag v, mte3, 1\nwait_flag v, mte3, 0\n"
      "copy_ub_to_ub x6, x3, burst_len=8\nend\n");
  const auto v = on(Pipe::kV);
  const auto m = on(Pipe::kMte3);
  ASSERT_EQ(m.size(), 3u);
  // Second vadd: starts after the first set_flag (which waited for the first vadd: 7 cycles).
  EXPECT_EQ(v[2].start, v[0].start + 7);
  EXPECT_EQ(m[2].start, v[2].start + 13);
  EXPECT_EQ(m[1].duration, 0u);
}

TEST_F(SyncTiming, ScalarSetFlagWaitsForScalarResults) {
  // set_flag s, v takes effect when the mul before it has completed (issue + 3); the vadd
  // behind V's wait starts then.
  run(std::string(kUbRegs) +
      "wait_flag s, v, 0\nvadd.f16 x3, x4, x5, repeat=1\nli x7, 7\nmul x8, x7, x7\n"
      "set_flag s, v, 0\nend\n");
  const auto v = on(Pipe::kV);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].start, at("mul").start + 3);
}

TEST_F(SyncTiming, ScalarWaitFlagBlocksIssue) {
  // wait_flag v, s: the scalar unit issues the next instruction when the vadd completes.
  run(std::string(kUbRegs) +
      "vadd.f16 x3, x4, x5, repeat=4\nset_flag v, s, 0\nwait_flag v, s, 0\naddi x9, x0, 1\nend\n");
  EXPECT_EQ(at("addi x9").start, on(Pipe::kV).at(0).start + 13);
}

TEST_F(SyncTiming, PipeBarrierAllDrainsEveryPipe) {
  // pipe_barrier all: the next instruction issues when the vadd (5 + 8 x 2 = 21) and the copy
  // have completed.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=8\ncopy_ub_to_ub x6, x4, burst_len=8\n"
                             "pipe_barrier all\naddi x9, x0, 1\nend\n");
  EXPECT_EQ(at("addi x9").start, on(Pipe::kV).at(0).start + 21);
}

TEST_F(SyncTiming, SyncAllReleasesEveryCoreAtTheLastArrival) {
  // Core 1 runs eight multiplies first; both cores leave sync_all when core 1's last mul has
  // completed (its issue + 3), and core 0 counts the wait as barrier stall.
  run(std::string("rdsr x5, block_idx\nbeqz x5, skip\n") + kLongDelay +
          "skip:\nsync_all\nrdsr x7, cycle\nend\n",
      {"chip.cores=2"}, "tiny", 2);
  const sim::Cycle release = at("mul", 1, 7).start + 3;
  EXPECT_EQ(at("rdsr x7", 0).start, release);
  EXPECT_EQ(at("rdsr x7", 1).start, release);
  EXPECT_EQ(stats(0)(Pipe::kS, sim::PipeStat::kBarrierCycles), release - at("sync_all", 0).start);
}

TEST_F(SyncTiming, SyncAllWithFourCores) {
  run(std::string("rdsr x5, block_idx\nli x6, 3\nbne x5, x6, skip\n") + kLongDelay +
          "skip:\nsync_all\nrdsr x7, cycle\nend\n",
      {"chip.cores=4"}, "tiny", 4);
  const sim::Cycle release = at("mul", 3, 7).start + 3;
  for (uint32_t c = 0; c < 4; ++c) EXPECT_EQ(at("rdsr x7", c).start, release) << c;
}

// Split chip: one AI core = AIC (core 0) + 2 AIV (cores 1, 2).
const std::vector<std::string> kSplit = {"chip.cores=1"};
const char* kBranchOnType = "rdsr x5, core_type\nli x6, 1\nbeq x5, x6, aic\n";

TEST_F(SyncTiming, CrossCoreAicToBothAivs) {
  // The AIC raises flag 0 on both AIVs (aic_aiv) after its multiplies; each AIV's wait
  // releases at that cycle.
  run(std::string(kBranchOnType) + "cross_core_wait_flag s, 0\nrdsr x7, cycle\nend\n" +
          "aic:\n" + kLongDelay + "cross_core_set_flag s, aic_aiv, 0\nend\n",
      kSplit, "ascend910b", 1);
  const sim::Cycle set = at("mul", 0, 7).start + 3;
  EXPECT_EQ(at("cross_core_set_flag", 0).start + at("cross_core_set_flag", 0).duration, set);
  EXPECT_EQ(at("rdsr x7", 1).start, set);
  EXPECT_EQ(at("rdsr x7", 2).start, set);
}

TEST_F(SyncTiming, CrossCoreAivsToAicNeedsEveryAiv) {
  // Each AIV arrives at aic_aiv flag 2; the AIC's counter rises when the second (the delayed
  // sub-block 1) arrives.
  run(std::string(kBranchOnType) + "rdsr x8, sub_block_idx\nbeqz x8, go\n" + kLongDelay +
          "go:\ncross_core_set_flag s, aic_aiv, 2\nend\n"
          "aic:\ncross_core_wait_flag s, 2\nrdsr x7, cycle\nend\n",
      kSplit, "ascend910b", 1);
  EXPECT_EQ(at("rdsr x7", 0).start, at("mul", 2, 7).start + 3);
}

TEST_F(SyncTiming, CrossCoreAivPair) {
  // AIV 0 raises flag 1 on AIV 1 (aiv_pair); AIV 1 continues then.
  run(std::string(kBranchOnType) + "rdsr x8, sub_block_idx\nbnez x8, second\n" + kLongDelay +
          "cross_core_set_flag s, aiv_pair, 1\nend\n"
          "second:\ncross_core_wait_flag s, 1\nrdsr x7, cycle\nend\naic:\nend\n",
      kSplit, "ascend910b", 1);
  EXPECT_EQ(at("rdsr x7", 2).start, at("mul", 1, 7).start + 3);
}

TEST_F(SyncTiming, CrossCoreSameTypeIsARound) {
  // Two coupled cores arrive at same_type flag 3; both counters rise when the later (core 1,
  // delayed) arrives: core 0's wait releases then, core 1's wait issues the next cycle and
  // passes at once.
  run(std::string("rdsr x5, block_idx\nbeqz x5, go\n") + kLongDelay +
          "go:\ncross_core_set_flag s, same_type, 3\ncross_core_wait_flag s, 3\nrdsr x7, cycle\n"
          "end\n",
      {"chip.cores=2"}, "tiny", 2);
  const sim::Cycle release = at("mul", 1, 7).start + 3;
  EXPECT_EQ(at("rdsr x7", 0).start, release);
  EXPECT_EQ(at("rdsr x7", 1).start, release + 1);
}

TEST_F(SyncTiming, CrossCoreSetInAPipeWaitsForItsWork) {
  // cross_core_set_flag mte2 takes effect when the AIV's earlier MTE2 instructions have
  // completed: both AIVs copy GM -> UB first, and the AIC continues when the later copy is done.
  m_sim = std::make_unique<SimRun>(chip_config("ascend910b", kSplit));
  const uint64_t src = m_sim->alloc(4096);
  m_sim->run(kernel(std::string(kBranchOnType) +
                        "ldg.s64 x9, 0(x1)\nli x3, 0\ncopy_gm_to_ub x3, x9, burst_len=4\n"
                        "cross_core_set_flag mte2, aic_aiv, 0\nend\n"
                        "aic:\ncross_core_wait_flag s, 0\nrdsr x7, cycle\nend\n",
                    ".arg src, gm\n"),
             {src});
  sim::Cycle done = 0;
  for (uint32_t core : {1u, 2u}) {
    const auto m = on(Pipe::kMte2, core);
    ASSERT_EQ(m.size(), 2u);
    done = std::max(done, m[0].start + m[0].duration);
  }
  EXPECT_EQ(at("rdsr x7", 0).start, done);
}

}  // namespace
}  // namespace npu::test
