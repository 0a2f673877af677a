// Every program error of the chip model (DESIGN.md section 4, "program errors"), triggered by a
// small program, with its message: core, pipe, pc, instruction text and the offending values.
// Bad requests of the host (unknown kernel, wrong arguments) are UserErrors instead.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "base/error.h"
#include "isa/assembler.h"
#include "tests/sim_core/sim_test_util.h"

namespace npu::test {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string error_of(const std::string& body, const std::vector<std::string>& overrides = {},
                     const std::string& chip = "tiny", uint32_t block_dim = 1,
                     sim::SimOptions options = SimRun::trace_on()) {
  SimRun sim(chip_config(chip, overrides), options);
  return program_error(sim, kernel(body), {}, block_dim);
}

TEST(ProgramError, IllegalEncoding) {
  isa::Binary binary = kernel("addi x5, x0, 1\naddi x6, x0, 1\nend\n");
  binary.code[1] = 0;  // major opcode 0x00 never decodes
  SimRun sim(chip_config("tiny"));
  EXPECT_EQ(program_error(sim, binary),
            "core 0 (block 0), pipe s, pc 0x8 `.dword 0x0000000000000000`: " +
                isa::decode_error(0));
}

TEST(ProgramError, RunningPastTheLastInstruction) {
  EXPECT_EQ(error_of("addi x5, x0, 1\n"),
            "core 0 (block 0), pipe s: pc 0x8 is outside the code (0x0..0x8): the kernel ran "
            "past its last instruction without `end`");
}

TEST(ProgramError, BranchOutsideTheCode) {
  EXPECT_EQ(error_of("j 5\nend\n"),
            "core 0 (block 0), pipe s, pc 0x0 `jal x0, 5`: branch target 0x28 is outside the "
            "code (0x0..0x10) or not a multiple of 8");
}

TEST(ProgramError, JalrToAMisalignedTarget) {
  EXPECT_THAT(error_of("li x5, 4\njalr x0, x5, 0\nend\n"),
              HasSubstr("branch target 0x4 is outside the code"));
}

TEST(ProgramError, FlagSetTwice) {
  EXPECT_EQ(error_of("set_flag v, mte3, 2\nset_flag v, mte3, 2\nend\n"),
            "core 0 (block 0), pipe v, pc 0x8 `set_flag v, mte3, 2`: flag v -> mte3 event 2 set "
            "twice: it is still set (no wait_flag consumed it since the last set_flag)");
}

TEST(ProgramError, ScalarFlagSetTwice) {
  EXPECT_THAT(error_of("set_flag s, v, 0\nset_flag s, v, 0\nend\n"),
              StartsWith("core 0 (block 0), pipe s, pc 0x8 `set_flag s, v, 0`: flag s -> v "
                         "event 0 set twice"));
}

TEST(ProgramError, WaitOnAFlagNeverSet) {
  // The cycle is when the last unit stopped (after the first instruction fetch).
  const std::string e = error_of("wait_flag v, mte3, 1\nend\n");
  EXPECT_THAT(e, StartsWith("deadlock at cycle "));
  EXPECT_THAT(e, EndsWith(": kernel 'k' cannot go on, every unfinished unit is blocked:\n"
                          "  core 0 (block 0): pipe mte3 waits for flag v -> mte3 event 1 "
                          "(wait_flag), which is not set"));
}

TEST(ProgramError, DeadlockBetweenTwoPipes) {
  const std::string e = error_of(
      "wait_flag mte3, v, 0\nset_flag v, mte3, 0\nwait_flag v, mte3, 0\nset_flag mte3, v, 0\n"
      "end\n");
  EXPECT_THAT(e, StartsWith("deadlock at cycle "));
  EXPECT_THAT(e, HasSubstr("\n  core 0 (block 0): pipe v waits for flag mte3 -> v event 0 "
                           "(wait_flag), which is not set"));
  EXPECT_THAT(e, HasSubstr("\n  core 0 (block 0): pipe mte3 waits for flag v -> mte3 event 0 "
                           "(wait_flag), which is not set"));
}

TEST(ProgramError, ScalarWaitNeverReleased) {
  EXPECT_THAT(error_of("wait_flag v, s, 0\nend\n"),
              HasSubstr("core 0 (block 0): scalar unit waits for flag v -> s event 0 "
                        "(wait_flag), which is not set"));
}

TEST(ProgramError, QueueFullBehindABlockedPipe) {
  // V is blocked forever; the scalar unit fills V's queue (depth 1) and waits for a slot.
  const std::string e = error_of(
      "wait_flag mte3, v, 0\nset_mask x0, x0\nset_mask x0, x0\nend\n", {"pipes.queue_depth=1"});
  EXPECT_THAT(e, HasSubstr("scalar unit waits for a free slot in the queue of pipe v"));
  EXPECT_THAT(e, HasSubstr("pipe v waits for flag mte3 -> v event 0"));
}

TEST(ProgramError, SyncAllNotReachedByEveryCore) {
  const std::string e =
      error_of("rdsr x5, block_idx\nbnez x5, out\nsync_all\nout:\nend\n", {"chip.cores=2"},
               "tiny", 2);
  EXPECT_THAT(e, HasSubstr("core 0 (block 0): scalar unit waits for sync_all: the other cores "
                           "to arrive (1 of 2 have)"));
}

TEST(ProgramError, CycleLimit) {
  sim::SimOptions options = SimRun::trace_on();
  options.cycle_limit = 5000;
  EXPECT_EQ(error_of("spin:\nj spin\nend\n", {}, "tiny", 1, options),
            "cycle limit reached: kernel 'k' has not finished after 5000 cycles (raise the "
            "limit with --cycle-limit if it is expected to run longer)");
}

TEST(ProgramError, BufferAccessOutOfBoundsFromTheExecutor) {
  // UB of tiny is 32 KiB: a vadd writing at 32 KiB is out of bounds.
  const std::string e = error_of("li x3, 32768\nvadd.f16 x3, x0, x0, repeat=1\nend\n");
  EXPECT_THAT(e, StartsWith("core 0 (block 0), pipe v, pc 0x"));
  EXPECT_THAT(e, HasSubstr("`vadd.f16 x3, x0, x0, x31`: "));
  EXPECT_THAT(e, HasSubstr("UB"));
}

TEST(ProgramError, MisalignedBufferAccess) {
  const std::string e = error_of("li x3, 2\nvadd.f16 x3, x0, x0, repeat=1\nend\n");
  EXPECT_THAT(e, StartsWith("core 0 (block 0), pipe v, pc 0x"));
  EXPECT_THAT(e, HasSubstr("align"));
}

TEST(ProgramError, GmLoadOutsideAnAllocation) {
  const std::string e = error_of("li x5, 16\nldg.s64 x6, 0(x5)\nend\n");
  EXPECT_THAT(e, StartsWith("core 0 (block 0), pipe s, pc 0x8 `ldg.s64 x6, 0(x5)`: "));
  EXPECT_THAT(e, HasSubstr("0x10"));
}

TEST(ProgramError, MteReadOutsideAnAllocation) {
  const std::string e = error_of("li x5, 16\nli x3, 0\ncopy_gm_to_ub x3, x5, burst_len=1\nend\n");
  EXPECT_THAT(e, StartsWith("core 0 (block 0), pipe mte2, pc 0x"));
}

TEST(ProgramError, SmemOutOfBounds) {
  EXPECT_EQ(error_of("li x5, 16384\nlds.s64 x6, 0(x5)\nend\n"),
            "core 0 (block 0), pipe s, pc 0x8 `lds.s64 x6, 0(x5)`: SMEM address 0x4000 + 8 "
            "bytes is outside SMEM (16384 bytes) or not 8-byte aligned");
}

TEST(ProgramError, MisalignedScalarLoad) {
  EXPECT_THAT(error_of("lds.s32 x6, 2(x0)\nend\n"),
              HasSubstr("SMEM address 0x2 + 4 bytes is outside SMEM (16384 bytes) or not "
                        "4-byte aligned"));
}

TEST(ProgramError, StoreIntoReadOnlyData) {
  const isa::Binary binary =
      isa::assemble(".rodata\ntable: .dword 1, 2\n.text\n.kernel k\nla x5, table\n"
                    "stg.s64 x0, 8(x5)\nend\n",
                    "test.s");
  SimRun sim(chip_config("tiny"));
  EXPECT_THAT(program_error(sim, binary),
              HasSubstr("pipe s, pc 0x10 `stg.s64 x0, 8(x5)`: store to GM 0x"));
  EXPECT_THAT(program_error(sim, binary), HasSubstr("hits the read-only data"));
}

TEST(ProgramError, EventIdBeyondTheConfig) {
  EXPECT_EQ(error_of("set_flag v, mte3, 5\nend\n", {"pipes.event_ids=4"}),
            "core 0 (block 0), pipe v, pc 0x0 `set_flag v, mte3, 5`: event id 5 is out of "
            "range: the chip has 4 event ids per pipe pair (pipes.event_ids)");
}

TEST(ProgramError, PipeTheCoreDoesNotHave) {
  // On a split chip the AIC has no vector pipe.
  EXPECT_EQ(error_of("li x3, 0\nvadd.f16 x3, x3, x3, x0\nend\n", {"chip.cores=1"}, "ascend910b"),
            "core 0 (aic, block 0), pipe s, pc 0x8 `vadd.f16 x3, x3, x3, x0`: pipe v does not "
            "exist on a aic core");
}

TEST(ProgramError, CrossCoreModeOnACoupledCore) {
  EXPECT_EQ(error_of("cross_core_set_flag s, aic_aiv, 0\nend\n"),
            "core 0 (block 0), pipe s, pc 0x0 `cross_core_set_flag s, aic_aiv, 0`: mode aic_aiv "
            "needs a split chip (this is a coupled core)");
}

TEST(ProgramError, AivPairOnAnAic) {
  EXPECT_THAT(error_of("rdsr x5, core_type\nli x6, 1\nbne x5, x6, out\n"
                       "cross_core_set_flag s, aiv_pair, 0\nout:\nend\n",
                       {"chip.cores=1"}, "ascend910b"),
              HasSubstr("core 0 (aic, block 0), pipe s, pc 0x18 `cross_core_set_flag s, "
                        "aiv_pair, 0`: mode aiv_pair is only allowed on an AIV core (this is a "
                        "aic core)"));
}

TEST(ProgramError, CrossCoreCounterOverflow) {
  std::string body = "rdsr x5, core_type\nli x6, 1\nbne x5, x6, out\n";
  for (int i = 0; i < 16; ++i) body += "cross_core_set_flag s, aic_aiv, 0\n";
  body += "out:\nend\n";
  EXPECT_THAT(error_of(body, {"chip.cores=1"}, "ascend910b"),
              HasSubstr("cross-core flag 0 of core 1 overflows: it already counts 15 (the "
                        "maximum)"));
}

TEST(ProgramError, CrossCoreFlagBeyondTheConfig) {
  EXPECT_THAT(error_of("cross_core_wait_flag s, 9\nend\n", {"pipes.cross_core_flags=4"}),
              HasSubstr("cross-core flag 9 is out of range: the chip has 4 "
                        "(pipes.cross_core_flags)"));
}

TEST(ProgramError, DisabledDataPath) {
  EXPECT_THAT(error_of("li x3, 0\ncopy_ub_to_ub x3, x3, burst_len=1\nend\n",
                       {"paths.ub_to_ub.enabled=false"}),
              HasSubstr("core 0 (block 0), pipe mte3, pc 0x10 `copy_ub_to_ub x3, x3, x31`: data "
                        "path ub_to_ub is disabled"));
}

sim::SimOptions racecheck() {
  sim::SimOptions o = SimRun::trace_on();
  o.racecheck = true;
  return o;
}

TEST(RaceCheck, UnorderedWriteAndReadOfUb) {
  // V writes UB [0, 256); MTE3 reads it with no flag between them.
  const std::string e = error_of(
      "li x3, 0\nli x4, 4096\nvadd.f16 x3, x4, x4, repeat=1\ncopy_ub_to_ub x4, x3, burst_len=8\n"
      "end\n",
      {}, "tiny", 1, racecheck());
  EXPECT_THAT(e, StartsWith("core 0 (block 0), pipe mte3, pc 0x"));
  EXPECT_THAT(e, HasSubstr("`copy_ub_to_ub x4, x3, x31`: race: this instruction reads ub bytes "
                           "0x0..0x100, which pipe v wrote at pc 0x"));
  EXPECT_THAT(e, HasSubstr("`vadd.f16 x3, x4, x4, x31`"));
  EXPECT_THAT(e, HasSubstr("with no set_flag/wait_flag or barrier ordering the two"));
}

TEST(RaceCheck, FlagOrdersTheAccesses) {
  SimRun sim(chip_config("tiny"), racecheck());
  EXPECT_EQ(program_error(sim, kernel("li x3, 0\nli x4, 4096\nvadd.f16 x3, x4, x4, repeat=1\n"
                                      "set_flag v, mte3, 0\nwait_flag v, mte3, 0\n"
                                      "copy_ub_to_ub x4, x3, burst_len=8\nend\n")),
            "");
}

TEST(RaceCheck, BarrierAllOrdersTheAccesses) {
  SimRun sim(chip_config("tiny"), racecheck());
  EXPECT_EQ(program_error(sim, kernel("li x3, 0\nli x4, 4096\nvadd.f16 x3, x4, x4, repeat=1\n"
                                      "pipe_barrier all\ncopy_ub_to_ub x4, x3, burst_len=8\n"
                                      "end\n")),
            "");
}

TEST(RaceCheck, DisjointBytesDoNotRace) {
  SimRun sim(chip_config("tiny"), racecheck());
  EXPECT_EQ(program_error(sim, kernel("li x3, 0\nli x4, 4096\nli x5, 8192\n"
                                      "vadd.f16 x3, x4, x4, repeat=1\n"
                                      "copy_ub_to_ub x5, x4, burst_len=8\nend\n")),
            "");
}

TEST(RaceCheck, WriteAfterReadRaces) {
  // MTE3 reads UB [4096, 4352); V then overwrites it unordered.
  const std::string e = error_of(
      "li x3, 0\nli x4, 4096\ncopy_ub_to_ub x3, x4, burst_len=8\nvadd.f16 x4, x3, x3, repeat=1\n"
      "end\n",
      {}, "tiny", 1, racecheck());
  EXPECT_THAT(e, HasSubstr("pipe v, pc 0x"));
  EXPECT_THAT(e, HasSubstr("race: this instruction writes ub bytes 0x1000..0x1100, which pipe "
                           "mte3 read at pc 0x"));
}

TEST(HostRequest, UnknownKernel) {
  SimRun sim(chip_config("tiny"));
  EXPECT_THROW(
      {
        try {
          sim.chip().launch(kernel("end\n"), "other", {}, 1);
        } catch (const UserError& e) {
          EXPECT_STREQ(e.what(), "error: no kernel named 'other' in the binary (it has: k)");
          throw;
        }
      },
      UserError);
}

TEST(HostRequest, WrongArgumentCount) {
  SimRun sim(chip_config("tiny"));
  const std::vector<uint64_t> args = {1, 2};
  try {
    sim.chip().launch(kernel("end\n", ".arg n, s32\n"), "k", args, 1);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "error: kernel 'k' takes 1 arguments, 2 given");
  }
}

TEST(HostRequest, BlockDimBeyondTheChip) {
  SimRun sim(chip_config("tiny"));
  try {
    sim.chip().launch(kernel("end\n"), "k", {}, 2);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "error: block_dim 2 is out of range: the chip has 1 AI cores");
  }
}

TEST(HostRequest, ChipStaysUsableAfterAProgramError) {
  SimRun sim(chip_config("tiny"));
  EXPECT_NE(program_error(sim, kernel("wait_flag v, s, 0\nend\n")), "");
  EXPECT_EQ(program_error(sim, kernel("addi x5, x0, 1\nend\n")), "");
  EXPECT_EQ(sim.result().cores.size(), 1u);
}

}  // namespace
}  // namespace npu::test
