// Exact-cycle tests of the pipes (DESIGN.md section 4, rules 2, 3, 5, 6, 7 for core-local
// paths): a pipe starts an instruction the cycle after the scalar unit issued it at the
// earliest, and no earlier than the previous instruction's start + occupancy; it completes
// after its latency. Vector: latency = startup + ceil(repeats x cycles_per_repeat), occupancy
// = the repeats part. Cube: latency = startup + fractals x cycles_per_fractal, occupancy = the
// fractals part. Core-local moves: latency = path latency + bytes / path bandwidth, occupancy
// = latency - path latency. Every slice's issue cycle comes from the trace.
#include <gtest/gtest.h>

#include "tests/sim_core/sim_test_util.h"

namespace npu::test {
namespace {

using isa::Pipe;
using sim::TraceSlice;

// tiny with round vector numbers: binary class startup 5, 2 cycles per repeat (b16), 4 (b32).
const std::vector<std::string> kVectorSet = {"vector.binary.startup_cycles=5",
                                             "vector.binary.cycles_per_repeat_b16=2",
                                             "vector.binary.cycles_per_repeat_b32=4"};

const char* kUbRegs = "li x3, 0\nli x4, 1024\nli x5, 2048\n";

class PipeTiming : public ::testing::Test {
 protected:
  void run(const std::string& body, const std::vector<std::string>& overrides = kVectorSet) {
    m_sim = std::make_unique<SimRun>(chip_config("tiny", overrides));
    m_sim->run(kernel(body));
  }
  std::vector<TraceSlice> on(Pipe p) const { return m_sim->slices(0, p); }
  const sim::CoreStats& stats() const { return m_sim->result().cores.at(0).stats; }
  std::unique_ptr<SimRun> m_sim;
};

TEST_F(PipeTiming, VectorStartsTheCycleAfterIssue) {
  // Rule 2/3: issued at t, started at t + 1; latency 5 + 4 x 2 = 13.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=4\nend\n");
  const auto v = on(Pipe::kV);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].start, v[0].issue + 1);
  EXPECT_EQ(v[0].duration, 13u);
  EXPECT_EQ(stats()(Pipe::kV, sim::PipeStat::kBusyCycles), 8u);
  EXPECT_EQ(stats()(Pipe::kV, sim::PipeStat::kInstructions), 1u);
}

TEST_F(PipeTiming, VectorOccupancyPipelinesBackToBack) {
  // Rule 3: the second vadd starts at the first's start + occupancy (4 x 2), not after its
  // latency.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=4\nvadd.f16 x3, x4, x5, x31\nend\n");
  const auto v = on(Pipe::kV);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].start, v[0].start + 8);
  EXPECT_EQ(v[1].duration, 13u);
}

TEST_F(PipeTiming, VectorB32UsesItsRate) {
  // Rule 6: 32-bit elements use cycles_per_repeat_b32: 5 + 3 x 4 = 17.
  run(std::string(kUbRegs) + "vadd.f32 x3, x4, x5, repeat=3\nend\n");
  EXPECT_EQ(on(Pipe::kV).at(0).duration, 17u);
}

TEST_F(PipeTiming, VectorFractionalRateRoundsUp) {
  // Rule 6 with the shipped numbers: binary startup 1, 1.93 per repeat: 1 + ceil(5.79) = 7.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=3\nend\n", {});
  EXPECT_EQ(on(Pipe::kV).at(0).duration, 7u);
  EXPECT_EQ(stats()(Pipe::kV, sim::PipeStat::kBusyCycles), 6u);
}

TEST_F(PipeTiming, VectorClassComesFromTheTable) {
  // vexp is transcendental: startup 10 + 2 x 3 = 16.
  run(std::string(kUbRegs) + "vexp.f16 x3, x4, repeat=2\nend\n",
      {"vector.transcendental.startup_cycles=10",
       "vector.transcendental.cycles_per_repeat_b16=3"});
  EXPECT_EQ(on(Pipe::kV).at(0).duration, 16u);
}

TEST_F(PipeTiming, VectorElementOpsCountActiveElements) {
  // Full mask, fp16: 128 elements per repeat x 4 repeats.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=4\nend\n");
  EXPECT_EQ(stats()[sim::CoreStat::kVectorElementOps], 512u);
}

TEST_F(PipeTiming, LongThenShortStaysInOrder) {
  // Rule 3: in order within a pipe: the 1-repeat vadd starts after the 8-repeat one's
  // occupancy (16) although it was issued right after it.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=8\nvadd.f16 x3, x4, x5, repeat=1\nend\n");
  const auto v = on(Pipe::kV);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].start, v[0].start + 16);
  EXPECT_EQ(v[1].duration, 7u);
}

TEST_F(PipeTiming, ControlInstructionTakesOneCycle) {
  // set_mask runs in V for one cycle; the vadd after it starts one cycle later.
  run(std::string(kUbRegs) + "li x6, -1\nset_mask x6, x6\nvadd.f16 x3, x4, x5, repeat=1\nend\n");
  const auto v = on(Pipe::kV);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].duration, 1u);
  EXPECT_GE(v[1].start, v[0].start + 1);
  EXPECT_EQ(v[1].start, std::max(v[0].start + 1, v[1].issue + 1));
}

TEST_F(PipeTiming, CubeLatencyIsStartupPlusFractals) {
  // Rule 5: m 16, k 32, n 48 in fp16: 1 x 2 x 3 = 6 fractals; startup 2: 8 cycles.
  run("li x3, 0\nli x4, 0\nli x5, 0\nmmad.f32.f16 x3, x4, x5, m=16, k=32, n=48, init=zero\nend\n",
      {"cube.startup_cycles=2"});
  const auto m = on(Pipe::kM);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].start, m[0].issue + 1);
  EXPECT_EQ(m[0].duration, 8u);
  EXPECT_EQ(stats()[sim::CoreStat::kCubeMacs], 16u * 32 * 48);
}

TEST_F(PipeTiming, CubeOccupancyIsTheFractals) {
  run("li x3, 0\nli x4, 0\nli x5, 0\nmmad.f32.f16 x3, x4, x5, m=16, k=32, n=48, init=zero\n"
      "mmad.f32.f16 x3, x4, x5, x31\nend\n",
      {"cube.startup_cycles=2"});
  const auto m = on(Pipe::kM);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].start, m[0].start + 6);
}

TEST_F(PipeTiming, CubePartialFractalsRoundUp) {
  // m 17 needs two row fractals: 2 x 1 x 1 = 2 fractals, 2 + 2 = 4.
  run("li x3, 0\nli x4, 0\nli x5, 0\nmmad.f32.f16 x3, x4, x5, m=17, k=16, n=16, init=zero\nend\n",
      {"cube.startup_cycles=2"});
  EXPECT_EQ(on(Pipe::kM).at(0).duration, 4u);
}

TEST_F(PipeTiming, CubeInt8HasDeeperK0) {
  // int8: k0 = 32, so k 64 is 2 fractals deep: 1 x 2 x 1 = 2 fractals -> 4 cycles; with
  // cycles_per_fractal 3: 2 + 6 = 8.
  run("li x3, 0\nli x4, 0\nli x5, 0\nmmad.s32.s8 x3, x4, x5, m=16, k=64, n=16, init=zero\nend\n",
      {"cube.startup_cycles=2", "cube.int8.cycles_per_fractal=3"});
  EXPECT_EQ(on(Pipe::kM).at(0).duration, 8u);
}

TEST_F(PipeTiming, LocalMoveIsLatencyPlusBytesOverBandwidth) {
  // Rule 7, core-local: copy_ub_to_ub of 8 x 32 B: 2 + 256 / 256 = 3, occupancy 1.
  run("li x3, 0\nli x4, 1024\ncopy_ub_to_ub x3, x4, burst_len=8\ncopy_ub_to_ub x3, x4, x31\nend\n");
  const auto m = on(Pipe::kMte3);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].duration, 3u);
  EXPECT_EQ(m[1].start, std::max(m[0].start + 1, m[1].issue + 1));
  EXPECT_EQ(stats().path_bytes[static_cast<size_t>(isa::DataPath::kUbToUb)], 512u);
}

TEST_F(PipeTiming, Load2dMovesWholeFractals) {
  // load2d of 2 fractals (1024 B) on l1_to_l0a: 2 + 1024 / 256 = 6, occupancy 4.
  run("li x3, 0\nli x4, 0\nload2d_l1_to_l0a.f16 x3, x4, repeat=2, src_stride=1\n"
      "load2d_l1_to_l0a.f16 x3, x4, x31\nend\n");
  const auto m = on(Pipe::kMte1);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].duration, 6u);
  EXPECT_EQ(m[1].start, m[0].start + 4);
}

TEST_F(PipeTiming, FullQueueStallsTheScalarUnit) {
  // Rule 2, queue depth 2, each vadd occupies V for 8 cycles. vadd 1 issues at t and starts
  // at t + 1 (leaving the queue), vadd 2 and 3 queue up; vadd 4 finds the queue full until
  // vadd 2 starts at t + 9, and issues then: 6 cycles of queue-full stall.
  std::vector<std::string> set = kVectorSet;
  set.push_back("pipes.queue_depth=2");
  run(std::string(kUbRegs) +
          "vadd.f16 x3, x4, x5, repeat=4\nvadd.f16 x3, x4, x5, x31\nvadd.f16 x3, x4, x5, x31\n"
          "vadd.f16 x3, x4, x5, x31\nend\n",
      set);
  const auto v = on(Pipe::kV);
  ASSERT_EQ(v.size(), 4u);
  const sim::Cycle t = v[0].issue;
  EXPECT_EQ(v[1].issue, t + 1);
  EXPECT_EQ(v[2].issue, t + 2);
  EXPECT_EQ(v[3].issue, t + 9);
  EXPECT_EQ(v[3].start, t + 25);
  EXPECT_EQ(stats()[sim::CoreStat::kQueueFullCycles], 6u);
}

TEST_F(PipeTiming, PipesRunInParallel) {
  // Different pipes do not wait for each other: the MTE3 copy starts the cycle after its issue
  // although the vadd is still running.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=8\nli x6, 4096\n"
                             "copy_ub_to_ub x6, x4, burst_len=8\nend\n");
  const auto v = on(Pipe::kV);
  const auto m = on(Pipe::kMte3);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].start, m[0].issue + 1);
  EXPECT_LT(m[0].start, v[0].start + v[0].duration);
}

TEST_F(PipeTiming, PipeBarrierWaitsForCompletion) {
  // Rule 4: after pipe_barrier v the next vadd starts at the first's completion (start + 13),
  // not at start + occupancy (8); the 5 cycles count as barrier stall.
  run(std::string(kUbRegs) + "vadd.f16 x3, x4, x5, repeat=4\npipe_barrier v\n"
                             "vadd.f16 x3, x4, x5, x31\nend\n");
  const auto v = on(Pipe::kV);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[2].start, v[0].start + 13);
  EXPECT_EQ(stats()(Pipe::kV, sim::PipeStat::kBarrierCycles), 5u);
}

}  // namespace
}  // namespace npu::test
