// Exact-cycle tests of GM-facing transfers as the cores see them (DESIGN.md section 4, rule 7;
// the memory system's own model is docs/memory-model.md): a read takes path latency + NoC
// latency + L2 hit latency (+ HBM latency on a miss), then bytes / min(path rate x efficiency,
// core port), sharing the chip-wide L2 bandwidth with the other cores' transfers; a write is
// posted (path latency + bytes / rate). The config below makes every number round:
// gm_to_ub 64 B/cycle after 10 cycles, L2 hit 5, HBM +20, no NoC latency, efficiency 1, port
// 64 B/cycle, L2 64 B/cycle chip-wide, HBM effectively unlimited.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/sim_core/sim_test_util.h"

namespace npu::test {
namespace {

using isa::Pipe;
using sim::TraceSlice;

std::vector<std::string> round_numbers(std::vector<std::string> more = {}) {
  std::vector<std::string> set = {
      "paths.gm_to_ub.bytes_per_cycle=64", "paths.gm_to_ub.latency_cycles=10",
      "paths.ub_to_gm.bytes_per_cycle=64", "paths.ub_to_gm.latency_cycles=10",
      "noc.latency_cycles=0",              "l2.hit_latency_cycles=5",
      "hbm.latency_cycles=20",             "mte.gm_efficiency=[[1, 1.0]]",
      "noc.core_port_bytes_per_cycle=64",  "l2.bytes_per_cycle=64",
      "hbm.bandwidth_gbps=100000",         "hbm.efficiency=1"};
  set.insert(set.end(), more.begin(), more.end());
  return set;
}

// Every core of the launch syncs, then copies 2048 B from src + block_idx * 2048 into UB.
const char* kParallelRead =
    "ldg.s64 x9, 0(x1)\nrdsr x5, block_idx\nslli x5, x5, 11\nadd x9, x9, x5\nli x3, 0\n"
    "sync_all\ncopy_gm_to_ub x3, x9, burst_len=64\nend\n";

std::vector<sim::Cycle> durations(SimRun& sim, uint32_t cores) {
  std::vector<sim::Cycle> out;
  sim::Cycle start = 0;
  for (uint32_t c = 0; c < cores; ++c) {
    const auto m = sim.slices(c, Pipe::kMte2);
    EXPECT_EQ(m.size(), 1u);
    if (m.empty()) continue;
    if (c == 0) start = m[0].start;
    EXPECT_EQ(m[0].start, start) << "the copies should start together";
    out.push_back(m[0].duration);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(MemoryTiming, L2MissThenHit) {
  // First read misses: 10 + 5 + 20 + 2048 / 64 = 67 cycles, 4 L2 lines of 512 B from HBM. The
  // second read of the same bytes hits: 10 + 5 + 32 = 47; it starts after the first's
  // occupancy (67 - 10 = 57), when the first's data has passed.
  SimRun sim(chip_config("tiny", round_numbers()));
  const uint64_t src = sim.alloc(2048);
  sim.run(kernel("ldg.s64 x9, 0(x1)\nli x3, 0\nli x4, 4096\ncopy_gm_to_ub x3, x9, burst_len=64\n"
                 "copy_gm_to_ub x4, x9, x31\nend\n",
                 ".arg src, gm\n"),
          {src});
  const auto m = sim.slices(0, Pipe::kMte2);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].duration, 67u);
  EXPECT_EQ(m[1].start, m[0].start + 57);
  EXPECT_EQ(m[1].duration, 47u);
  EXPECT_EQ(sim.result().cores[0].stats.path_bytes[static_cast<size_t>(isa::DataPath::kGmToUb)],
            4096u);
}

TEST(MemoryTiming, SmallTransfersAreLessEfficient) {
  // Efficiency 0.5 at 1 KiB: 1024 B flow at 32 B/cycle: 10 + 5 + 20 + 32 = 67.
  SimRun sim(chip_config("tiny", round_numbers({"mte.gm_efficiency=[[1024, 0.5], [4096, 1.0]]"})));
  const uint64_t src = sim.alloc(1024);
  sim.run(kernel("ldg.s64 x9, 0(x1)\nli x3, 0\ncopy_gm_to_ub x3, x9, burst_len=32\nend\n",
                 ".arg src, gm\n"),
          {src});
  EXPECT_EQ(sim.slices(0, Pipe::kMte2).at(0).duration, 67u);
}

TEST(MemoryTiming, CorePortLimitsOneCore) {
  // A 32 B/cycle port halves the path's rate: 35 + 2048 / 32 = 99.
  SimRun sim(chip_config("tiny", round_numbers({"noc.core_port_bytes_per_cycle=32"})));
  const uint64_t src = sim.alloc(2048);
  sim.run(kernel("ldg.s64 x9, 0(x1)\nli x3, 0\ncopy_gm_to_ub x3, x9, burst_len=64\nend\n",
                 ".arg src, gm\n"),
          {src});
  EXPECT_EQ(sim.slices(0, Pipe::kMte2).at(0).duration, 99u);
}

TEST(MemoryTiming, WritesArePosted) {
  // UB -> GM: 10 + 2048 / 64 = 42, no L2 or HBM latency.
  SimRun sim(chip_config("tiny", round_numbers()));
  const uint64_t dst = sim.alloc(2048);
  sim.run(kernel("ldg.s64 x9, 0(x1)\nli x3, 0\ncopy_ub_to_gm x9, x3, burst_len=64\nend\n",
                 ".arg dst, gm\n"),
          {dst});
  EXPECT_EQ(sim.slices(0, Pipe::kMte3).at(0).duration, 42u);
}

TEST(MemoryTiming, OneCoreAloneGetsTheFullRate) {
  SimRun sim(chip_config("tiny", round_numbers()));
  const uint64_t src = sim.alloc(2048);
  sim.run(kernel(kParallelRead, ".arg src, gm\n"), {src}, 1);
  EXPECT_EQ(durations(sim, 1), (std::vector<sim::Cycle>{67}));
}

TEST(MemoryTiming, TwoCoresShareL2Bandwidth) {
  // Both start together; L2 passes 64 B/cycle in all, so the second transfer's bytes flow after
  // the first's: 67 and 35 + 64 = 99. The 32 extra cycles are bandwidth stall.
  SimRun sim(chip_config("tiny", round_numbers({"chip.cores=2"})));
  const uint64_t src = sim.alloc(2 * 2048);
  sim.run(kernel(kParallelRead, ".arg src, gm\n"), {src}, 2);
  EXPECT_EQ(durations(sim, 2), (std::vector<sim::Cycle>{67, 99}));
  uint64_t stall = 0;
  for (const sim::CoreResult& c : sim.result().cores) {
    stall += c.stats(Pipe::kMte2, sim::PipeStat::kBandwidthCycles);
  }
  EXPECT_EQ(stall, 32u);
}

TEST(MemoryTiming, FourCoresShareL2Bandwidth) {
  // Four transfers of 32 flow cycles each, one after another through L2.
  SimRun sim(chip_config("tiny", round_numbers({"chip.cores=4"})));
  const uint64_t src = sim.alloc(4 * 2048);
  sim.run(kernel(kParallelRead, ".arg src, gm\n"), {src}, 4);
  EXPECT_EQ(durations(sim, 4), (std::vector<sim::Cycle>{67, 99, 131, 163}));
}

TEST(MemoryTiming, WideL2DoesNotSlowFourCores) {
  // With 256 B/cycle of L2 bandwidth four 64 B/cycle cores stream at full rate.
  SimRun sim(chip_config("tiny", round_numbers({"chip.cores=4", "l2.bytes_per_cycle=256"})));
  const uint64_t src = sim.alloc(4 * 2048);
  sim.run(kernel(kParallelRead, ".arg src, gm\n"), {src}, 4);
  EXPECT_EQ(durations(sim, 4), (std::vector<sim::Cycle>{67, 67, 67, 67}));
}

TEST(MemoryTiming, LaunchReportsItsMemoryTraffic) {
  // The 2048 B read misses 4 lines: 2048 HBM bytes beyond the code fetch's.
  SimRun sim(chip_config("tiny", round_numbers()));
  const uint64_t src = sim.alloc(2048);
  sim.run(kernel("ldg.s64 x9, 0(x1)\nli x3, 0\ncopy_gm_to_ub x3, x9, burst_len=64\nend\n",
                 ".arg src, gm\n"),
          {src});
  const sim::MemoryStats first = sim.result().memory;
  EXPECT_EQ(first.l2_misses, 4u + 4u);  // 4 data lines + the 2 KiB instruction line
  EXPECT_EQ(first.l2_hits, 0u);
  EXPECT_EQ(first.hbm_read_bytes, 8u * 512);
  // Run again: the data is in L2 now; the code is placed at a new GM address and misses.
  sim.run(kernel("ldg.s64 x9, 0(x1)\nli x3, 0\ncopy_gm_to_ub x3, x9, burst_len=64\nend\n",
                 ".arg src, gm\n"),
          {src});
  EXPECT_EQ(sim.result().memory.l2_hits, 4u);
  EXPECT_EQ(sim.result().memory.l2_misses, 4u);
}

}  // namespace
}  // namespace npu::test
