// Exact-cycle tests of the scalar unit (DESIGN.md section 4, rule 1): issue order and width,
// per-class latencies through the register scoreboard, taken-branch penalty, the instruction
// cache. Times are read from the trace (a scalar instruction's slice starts at its issue
// cycle), relative to the first instruction so the first instruction-cache fill (memory
// system timing, tested there) does not enter. tiny: issue_width 1, branch penalty 2, ALU 1,
// MUL 3, SMEM load 2, GM load 100, system 1.
#include <gtest/gtest.h>

#include "tests/sim_core/sim_test_util.h"

namespace npu::test {
namespace {

using isa::Pipe;

// Issue cycle of the instruction at `pc`, relative to the first instruction's.
class ScalarTiming : public ::testing::Test {
 protected:
  void run(const std::string& body, const std::vector<std::string>& overrides = {}) {
    m_sim = std::make_unique<SimRun>(chip_config("tiny", overrides));
    m_sim->run(kernel(body));
    m_t0 = m_sim->at(0, 0).start;
  }
  sim::Cycle issue(uint64_t pc) const { return m_sim->at(0, pc).start - m_t0; }
  const sim::CoreStats& stats() const { return m_sim->result().cores.at(0).stats; }

  std::unique_ptr<SimRun> m_sim;
  sim::Cycle m_t0 = 0;
};

TEST_F(ScalarTiming, IndependentAluIssueOnePerCycle) {
  // Rule 1, issue_width 1: one instruction a cycle in program order.
  run("addi x5, x0, 1\naddi x6, x0, 2\naddi x7, x0, 3\nend\n");
  EXPECT_EQ(issue(8), 1u);
  EXPECT_EQ(issue(16), 2u);
  EXPECT_EQ(issue(24), 3u);
  EXPECT_EQ(stats()[sim::CoreStat::kScalarInstructions], 4u);
  EXPECT_EQ(stats()[sim::CoreStat::kDependencyCycles], 0u);
}

TEST_F(ScalarTiming, DependentAluWaitsForAluLatency) {
  // Rule 1: x6 needs x5, ready alu_latency (3 here) cycles after its producer issued.
  run("addi x5, x0, 1\naddi x6, x5, 1\nend\n", {"scalar.alu_latency_cycles=3"});
  EXPECT_EQ(issue(8), 3u);
  EXPECT_EQ(stats()[sim::CoreStat::kDependencyCycles], 2u);
}

TEST_F(ScalarTiming, AluLatencyOneHidesDependency) {
  run("addi x5, x0, 1\naddi x6, x5, 1\nend\n");
  EXPECT_EQ(issue(8), 1u);
}

TEST_F(ScalarTiming, MultiplyLatency) {
  // mul latency 3: the consumer issues 3 cycles after the mul; an independent one does not wait.
  run("addi x5, x0, 7\nmul x6, x5, x5\naddi x8, x0, 1\naddi x7, x6, 1\nend\n");
  EXPECT_EQ(issue(8), 1u);
  EXPECT_EQ(issue(16), 2u);
  EXPECT_EQ(issue(24), 4u);  // mul at 1 + 3
}

TEST_F(ScalarTiming, DivideUsesMultiplyClass) {
  run("addi x5, x0, 7\ndiv x6, x5, x5\naddi x7, x6, 1\nend\n",
      {"scalar.mul_latency_cycles=10"});
  EXPECT_EQ(issue(16), 11u);
}

TEST_F(ScalarTiming, IssueWidthTwo) {
  // Rule 1: up to issue_width instructions in one cycle.
  run("addi x5, x0, 1\naddi x6, x0, 2\naddi x7, x0, 3\naddi x8, x0, 4\naddi x9, x0, 5\nend\n",
      {"scalar.issue_width=2"});
  EXPECT_EQ(issue(8), 0u);
  EXPECT_EQ(issue(16), 1u);
  EXPECT_EQ(issue(24), 1u);
  EXPECT_EQ(issue(32), 2u);
}

TEST_F(ScalarTiming, IssueWidthTwoStopsAtDependency) {
  // The second of a pair needs the first's result: it waits a cycle, and a new pair starts.
  run("addi x5, x0, 1\naddi x6, x5, 2\naddi x7, x0, 3\nend\n", {"scalar.issue_width=2"});
  EXPECT_EQ(issue(8), 1u);
  EXPECT_EQ(issue(16), 1u);
}

TEST_F(ScalarTiming, TakenBranchPenalty) {
  // A taken branch: the target issues 1 + branch_penalty_cycles (2) after the branch.
  run("beq x0, x0, 2\naddi x5, x0, 1\naddi x6, x0, 1\nend\n");
  EXPECT_EQ(issue(16), 3u);
  EXPECT_EQ(stats()[sim::CoreStat::kBranchCycles], 2u);
}

TEST_F(ScalarTiming, NotTakenBranchHasNoPenalty) {
  run("bne x0, x0, 2\naddi x5, x0, 1\naddi x6, x0, 1\nend\n");
  EXPECT_EQ(issue(8), 1u);
  EXPECT_EQ(issue(16), 2u);
  EXPECT_EQ(stats()[sim::CoreStat::kBranchCycles], 0u);
}

TEST_F(ScalarTiming, BranchPenaltyFromConfig) {
  run("j 2\naddi x5, x0, 1\naddi x6, x0, 1\nend\n", {"scalar.branch_penalty_cycles=7"});
  EXPECT_EQ(issue(16), 8u);
}

TEST_F(ScalarTiming, LoopCostsFourCyclesPerIteration) {
  // Per iteration: addi (1 cycle) + taken bne (1 + penalty 2) = 4 cycles; the last bne falls
  // through. 5 iterations: the end issues at 1 (li) + 4 * 4 + 2 = 19.
  run("li x5, 5\nloop:\naddi x5, x5, -1\nbnez x5, loop\nend\n");
  EXPECT_EQ(issue(24), 19u);
  EXPECT_EQ(stats()[sim::CoreStat::kScalarInstructions], 12u);
}

TEST_F(ScalarTiming, SmemLoadLatency) {
  // sts then lds then a use: the use waits smem_load_latency (2) after the load.
  run("li x5, 42\nsts.s64 x5, 8(x0)\nlds.s64 x6, 8(x0)\naddi x7, x6, 1\nend\n");
  EXPECT_EQ(issue(16), 2u);
  EXPECT_EQ(issue(24), 4u);
}

TEST_F(ScalarTiming, GmLoadLatency) {
  // ldg of the argument block: the use waits gm_load_latency (100).
  m_sim = std::make_unique<SimRun>(chip_config("tiny"));
  m_sim->run(kernel("ldg.s64 x5, 0(x1)\naddi x6, x5, 1\nend\n", ".arg n, s64\n"), {9});
  EXPECT_EQ(m_sim->at(0, 8).start - m_sim->at(0, 0).start, 100u);
}

TEST_F(ScalarTiming, CycleRegisterReadsIssueCycle) {
  // rdsr cycle returns the cycle the rdsr issues; stored to GM to check the value.
  m_sim = std::make_unique<SimRun>(chip_config("tiny"));
  const uint64_t out = m_sim->alloc(64);
  m_sim->run(kernel("ldg.s64 x2, 0(x1)\nrdsr x5, cycle\nrdsr x6, cycle\nstg.s64 x5, 0(x2)\n"
                    "stg.s64 x6, 8(x2)\nend\n",
                    ".arg out, gm\n"),
             {out});
  EXPECT_EQ(m_sim->read_u64(out), m_sim->at(0, 8).start);
  EXPECT_EQ(m_sim->read_u64(out + 8), m_sim->at(0, 8).start + 1);
}

TEST_F(ScalarTiming, IcacheMissStallsTheFirstInstructionOfANewLine) {
  // 64-byte lines hold 8 instructions: the 9th instruction (pc 64) would issue at 8; it waits
  // for its line's fill, which starts then (the fill's length is the memory system's). The
  // fetch stall is the first fill (until the first issue) plus the second.
  std::string body;
  for (int i = 0; i < 10; ++i) body += "addi x6, x0, 1\n";
  body += "end\n";
  run(body, {"scalar.icache_line_bytes=64", "scalar.icache_bytes=256"});
  EXPECT_EQ(stats()[sim::CoreStat::kIcacheMisses], 2u);
  EXPECT_EQ(stats()[sim::CoreStat::kIcacheHits], 0u);
  const sim::Cycle second_fill = issue(64) - 8;
  EXPECT_GT(second_fill, 0u);
  EXPECT_EQ(issue(72), issue(64) + 1);
  EXPECT_EQ(stats()[sim::CoreStat::kFetchCycles], m_t0 + second_fill);
}

TEST_F(ScalarTiming, IcacheHitsWhenALoopReturnsToALine) {
  // Lines visited: 0, 1 (miss), back to 0 (hit), 1 (hit).
  std::string body = "li x5, 2\nloop:\n";
  for (int i = 0; i < 9; ++i) body += "addi x6, x0, 1\n";
  body += "addi x5, x5, -1\nbnez x5, loop\nend\n";
  run(body, {"scalar.icache_line_bytes=64", "scalar.icache_bytes=256"});
  EXPECT_EQ(stats()[sim::CoreStat::kIcacheMisses], 2u);
  EXPECT_EQ(stats()[sim::CoreStat::kIcacheHits], 2u);
}

TEST_F(ScalarTiming, IcacheConflictEvictsWithOneWay) {
  // A direct-mapped cache of 2 lines: lines 0 and 2 map to set 0 and evict each other.
  std::string body = "li x5, 2\nloop:\n";
  for (int i = 0; i < 16; ++i) body += "addi x6, x0, 1\n";
  body += "addi x5, x5, -1\nbnez x5, loop\nend\n";
  // Code: 1 + 16 + 3 = 20 instructions = lines 0, 1, 2 (of 8 instructions).
  run(body, {"scalar.icache_line_bytes=64", "scalar.icache_bytes=128", "scalar.icache_ways=1"});
  // Pass 1: 0 miss, 1 miss, 2 miss (evicts 0); pass 2: 0 miss (evicts 2), 1 hit, 2 miss.
  EXPECT_EQ(stats()[sim::CoreStat::kIcacheMisses], 5u);
  EXPECT_EQ(stats()[sim::CoreStat::kIcacheHits], 1u);
}

}  // namespace
}  // namespace npu::test
