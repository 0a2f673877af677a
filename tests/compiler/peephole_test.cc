// The peephole clean-up alone, on hand-written assembly: what it removes and what it must keep.
#include <gtest/gtest.h>

#include "compiler/passes/peephole.h"

namespace npu::compiler {
namespace {

TEST(PeepholeTest, RedundantLoadsWithinABasicBlock) {
  PeepholeCounts counts;
  EXPECT_EQ(remove_redundant_instructions("    li x5, 32\n"
                                          "    copy_gm_to_ub x5, x6, x7\n"
                                          "    li x5, 32\n"   // still 32: removed
                                          "    li x6, 7\n"
                                          "    add x6, x6, x2\n"
                                          "    li x6, 7\n"    // x6 was written: kept
                                          "L1:\n"
                                          "    li x5, 32\n",  // a new block: kept
                                          &counts),
            "    li x5, 32\n    copy_gm_to_ub x5, x6, x7\n    li x6, 7\n    add x6, x6, x2\n"
            "    li x6, 7\nL1:\n    li x5, 32\n");
  EXPECT_EQ(counts.loads, 1u);
}

TEST(PeepholeTest, ALoadAfterAnInstructionNamingTheRegisterIsKept) {
  // rdsr writes x5; ldg writes x2 through `0(x1)`-style operands too.
  EXPECT_EQ(remove_redundant_instructions("    li x5, 1\n    rdsr x5, block_idx\n    li x5, 1\n"
                                          "    li x2, 0\n    ldg.s64 x2, 0(x1)\n    li x2, 0\n"),
            "    li x5, 1\n    rdsr x5, block_idx\n    li x5, 1\n"
            "    li x2, 0\n    ldg.s64 x2, 0(x1)\n    li x2, 0\n");
}

TEST(PeepholeTest, AddOfZeroAndJumpToTheNextInstruction) {
  PeepholeCounts counts;
  EXPECT_EQ(remove_redundant_instructions("    addi x3, x3, 0\n    addi x3, x4, 0\n    j L2\nL1:\n"
                                          "L2:\n    j L1\n    end\n",
                                          &counts),
            "    addi x3, x4, 0\nL1:\nL2:\n    j L1\n    end\n");
  EXPECT_EQ(counts.adds, 1u);
  EXPECT_EQ(counts.jumps, 1u);
}

TEST(PeepholeTest, SecondFlagPairBetweenTheSamePipesInOneRun) {
  PeepholeCounts counts;
  EXPECT_EQ(remove_redundant_instructions("    set_flag v, s, 0\n    set_flag v, s, 1\n"
                                          "    set_flag mte2, s, 0\n    wait_flag v, s, 0\n"
                                          "    wait_flag v, s, 1\n    wait_flag mte2, s, 0\n",
                                          &counts),
            "    set_flag v, s, 0\n    set_flag mte2, s, 0\n    wait_flag v, s, 0\n"
            "    wait_flag mte2, s, 0\n");
  EXPECT_EQ(counts.flag_pairs, 1u);
}

TEST(PeepholeTest, FlagPairsThatOrderSomethingAreKept) {
  // A lone pair orders mte2 before mte3; a wait of pipe v between the two sets makes the second
  // set later than the first; a set whose wait is elsewhere (a token) is not a pair here.
  const std::string kept =
      "    set_flag mte2, mte3, 0\n    wait_flag mte2, mte3, 0\n"
      "    set_flag v, mte3, 0\n    wait_flag mte2, v, 1\n    set_flag v, mte3, 1\n"
      "    wait_flag v, mte3, 0\n    wait_flag v, mte3, 1\n"
      "    set_flag mte3, v, 0\n    set_flag mte3, v, 1\n    wait_flag mte3, v, 0\n";
  PeepholeCounts counts;
  EXPECT_EQ(remove_redundant_instructions(kept, &counts), kept);
  EXPECT_EQ(counts.flag_pairs, 0u);
}

}  // namespace
}  // namespace npu::compiler
