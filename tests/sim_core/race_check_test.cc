// The race check across cores and for the scalar unit's GM accesses (--racecheck): two cores
// touching overlapping GM bytes, at least one writing, with no sync_all or cross-core flag
// ordering them; scalar ldg / stg against pipes and other cores. Each racy program has a
// properly synchronised twin that must pass. (The per-core checks of local buffers are in
// program_error_test.cc.)
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "tests/sim_core/sim_test_util.h"

namespace npu::test {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

sim::SimOptions racecheck() {
  sim::SimOptions o = SimRun::trace_on();
  o.racecheck = true;
  return o;
}

// Runs `body` (kernel `k`, argument `buf`: 4 KiB of GM in x2) on `cores` cores of `chip` with
// the race check on; returns the program error ("" when none).
std::string run_racecheck(const std::string& body, uint32_t cores,
                          const std::string& chip = "tiny") {
  SimRun sim(chip_config(chip, {"chip.cores=" + std::to_string(cores)}), racecheck());
  const uint64_t buf = sim.alloc(4096);
  return program_error(sim, kernel("ldg.s64 x2, 0(x1)\nli x3, 0\n" + body, ".arg buf, gm\n"),
                       {buf}, cores);
}

// Both coupled cores store UB [0, 256) to the same 256 bytes of GM.
const char* kBothCoresStore = "copy_ub_to_gm x2, x3, burst_len=8\n";

TEST(CrossCoreRace, TwoCoresWritingTheSameGmBytes) {
  const std::string e = run_racecheck(std::string(kBothCoresStore) + "end\n", 2);
  EXPECT_THAT(e, MatchesRegex("core [01] \\(block [01]\\), pipe mte3, pc 0x18 `copy_ub_to_gm "
                              "x2, x3, x31`: race: this instruction writes gm bytes "
                              "0x[0-9a-f]+\\.\\.0x[0-9a-f]+, which core [01] pipe mte3 wrote at "
                              "pc 0x18 `copy_ub_to_gm x2, x3, x31` \\(bytes 0x[0-9a-f]+\\.\\."
                              "0x[0-9a-f]+\\) with no sync_all or cross-core flag ordering the "
                              "two"));
}

TEST(CrossCoreRace, WriteThenReadOnAnotherCoreWithoutSync) {
  // Core 0 writes, core 1 reads the same bytes into its UB.
  const std::string e = run_racecheck(
      "rdsr x5, block_idx\nbnez x5, reader\ncopy_ub_to_gm x2, x3, burst_len=8\nend\n"
      "reader:\ncopy_gm_to_ub x3, x2, burst_len=8\nend\n",
      2);
  EXPECT_THAT(e, HasSubstr("race: this instruction"));
  EXPECT_THAT(e, HasSubstr("with no sync_all or cross-core flag ordering the two"));
}

TEST(CrossCoreRace, SyncAllOrdersTheCores) {
  EXPECT_EQ(run_racecheck("rdsr x5, block_idx\nbnez x5, wait\ncopy_ub_to_gm x2, x3, burst_len=8\n"
                          "wait:\nsync_all\nbeqz x5, done\ncopy_gm_to_ub x3, x2, burst_len=8\n"
                          "done:\nend\n",
                          2),
            "");
}

TEST(CrossCoreRace, BothCoresOnlyReading) {
  EXPECT_EQ(run_racecheck("copy_gm_to_ub x3, x2, burst_len=8\nend\n", 4), "");
}

TEST(CrossCoreRace, InterleavedBurstsOfDisjointTilesDoNotRace) {
  // Core b writes bursts of 64 bytes at 64 + 128 i + 64 b: the two cores' bounding intervals
  // overlap, their bytes do not (column tiles of one row-major matrix).
  EXPECT_EQ(run_racecheck("rdsr x5, block_idx\nslli x5, x5, 6\nadd x2, x2, x5\n"
                          "copy_ub_to_gm x2, x3, nburst=4, burst_len=2, dst_gap=2\nend\n",
                          2),
            "");
  // One more byte block per burst and the tiles overlap.
  EXPECT_THAT(run_racecheck("rdsr x5, block_idx\nslli x5, x5, 6\nadd x2, x2, x5\n"
                            "copy_ub_to_gm x2, x3, nburst=4, burst_len=3, dst_gap=1\nend\n",
                            2),
              HasSubstr("race: this instruction writes gm bytes"));
}

TEST(CrossCoreRace, AtomicAddsToTheSameBytesDoNotRace) {
  EXPECT_EQ(run_racecheck("copy_ub_to_gm_atomic_add.f32 x2, x3, burst_len=8\nend\n", 2), "");
  // A plain store against an atomic add still races.
  EXPECT_THAT(run_racecheck("rdsr x5, block_idx\nbnez x5, plain\n"
                            "copy_ub_to_gm_atomic_add.f32 x2, x3, burst_len=8\nend\n"
                            "plain:\ncopy_ub_to_gm x2, x3, burst_len=8\nend\n",
                            2),
              HasSubstr("race: this instruction writes gm bytes"));
}

// The fixpipe's atomic add commutes like MTE3's (split-K matmuls write partial tiles this way).
TEST(CrossCoreRace, FixpipeAtomicAddsToTheSameBytesDoNotRace) {
  const std::string fix =
      "fix_l0c_to_gm.f32.f32 x2, x3, x0, n=16, m=16, src_stride=1, dst_stride=16, layout=nd";
  EXPECT_EQ(run_racecheck(fix + ", atomic=1\nend\n", 2), "");
  EXPECT_THAT(run_racecheck(fix + "\nend\n", 2),
              HasSubstr("race: this instruction writes gm bytes"));
}

// Split chip, one AI core: AIC = core 0, AIV 0 = core 1, AIV 1 = core 2. AIV 0 stores to GM
// and AIV 1 loads the same bytes.
const char* kAivHandOff =
    "rdsr x5, core_type\nli x6, 2\nbne x5, x6, done\n"
    "rdsr x5, sub_block_idx\nbnez x5, consumer\n"
    "copy_ub_to_gm x2, x3, burst_len=8\n{}end\n"
    "consumer:\n{}copy_gm_to_ub x3, x2, burst_len=8\n"
    "done:\nend\n";

std::string hand_off(const std::string& producer_tail, const std::string& consumer_head) {
  std::string text = kAivHandOff;
  text.replace(text.find("{}"), 2, producer_tail);
  text.replace(text.find("{}"), 2, consumer_head);
  return text;
}

TEST(CrossCoreRace, AivHandOffWithoutAFlagRaces) {
  const std::string e = run_racecheck(hand_off("", ""), 1, "ascend910b");
  EXPECT_THAT(e, HasSubstr("race: this instruction"));
  EXPECT_THAT(e, MatchesRegex(".*which core [12] pipe mte[23] (wrote|read) at pc.*"));
}

TEST(CrossCoreRace, AivPairFlagOrdersTheHandOff) {
  EXPECT_EQ(run_racecheck(hand_off("cross_core_set_flag mte3, aiv_pair, 1\n",
                                   "cross_core_wait_flag mte2, 1\n"),
                          1, "ascend910b"),
            "");
}

TEST(CrossCoreRace, SameTypeRoundOrdersEveryArrival) {
  // Every core but the last stores its own 256 bytes and arrives; the last core waits for the
  // round and then reads all of them.
  EXPECT_EQ(run_racecheck("rdsr x5, block_idx\nslli x6, x5, 8\nadd x7, x2, x6\nli x8, 3\n"
                          "beq x5, x8, last\ncopy_ub_to_gm x7, x3, burst_len=8\n"
                          "cross_core_set_flag mte3, same_type, 0\nend\n"
                          "last:\ncross_core_set_flag s, same_type, 0\n"
                          "cross_core_wait_flag mte2, 0\ncopy_gm_to_ub x3, x2, burst_len=24\nend\n",
                          4),
            "");
}

TEST(ScalarGmRace, LoadOfWhatAPipeStoresNeedsAWait) {
  // The scalar unit runs ahead: its load happens before the pipe's store, unordered.
  const std::string e = run_racecheck("copy_ub_to_gm x2, x3, burst_len=8\nldg.s64 x9, 8(x2)\nend\n", 1);
  EXPECT_THAT(e, MatchesRegex("core 0 \\(block 0\\), pipe mte3, pc 0x18 `copy_ub_to_gm x2, x3, "
                              "x31`: race: this instruction writes gm bytes 0x[0-9a-f]+\\.\\."
                              "0x[0-9a-f]+, which pipe s read at pc 0x20 `ldg.s64 x9, 8\\(x2\\)` "
                              "\\(bytes 0x[0-9a-f]+8\\.\\.0x[0-9a-f]+0\\) with no "
                              "set_flag/wait_flag or barrier ordering the two"));
  EXPECT_EQ(run_racecheck("copy_ub_to_gm x2, x3, burst_len=8\nset_flag mte3, s, 0\n"
                          "wait_flag mte3, s, 0\nldg.s64 x9, 8(x2)\nend\n",
                          1),
            "");
}

TEST(ScalarGmRace, DispatchOrdersAnEarlierScalarStore) {
  // The store is issued before the copy is dispatched: ordered, no race.
  EXPECT_EQ(run_racecheck("li x9, 7\nstg.s64 x9, 0(x2)\ncopy_gm_to_ub x3, x2, burst_len=8\nend\n",
                          1),
            "");
}

TEST(ScalarGmRace, StoreAndLoadOnTwoCores) {
  const std::string racy =
      "rdsr x5, block_idx\nbnez x5, load\nli x9, 7\nstg.s64 x9, 0(x2)\nend\n"
      "load:\nldg.s64 x9, 0(x2)\nend\n";
  EXPECT_THAT(run_racecheck(racy, 2), HasSubstr("pipe s"));
  EXPECT_THAT(run_racecheck(racy, 2), HasSubstr("race: this instruction"));
  EXPECT_EQ(run_racecheck("rdsr x5, block_idx\nbnez x5, wait\nli x9, 7\nstg.s64 x9, 0(x2)\n"
                          "wait:\nsync_all\nldg.s64 x9, 0(x2)\nend\n",
                          2),
            "");
}

}  // namespace
}  // namespace npu::test
