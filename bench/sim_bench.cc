// Simulation speed (DESIGN.md section 11): simulated instructions per host second for a mixed
// multi-core kernel (scalar address arithmetic, MTE2 / V / MTE3 with flags, double-buffered)
// in timing-only and in functional mode, and peak memory of a 32-core chip with all buffers.
// Run: build-core/bin/sim_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include "config/loader.h"
#include "isa/assembler.h"
#include "sim/core/chip.h"

namespace {

// Every core streams `tiles` tiles of 2048 fp16 through UB, double-buffered (ping / pong),
// doing a vmuls and a vadd on each: 2 x 15 instructions per loop trip plus set-up.
constexpr const char* kMixed = R"(
.kernel mixed
.arg x, gm
.arg y, gm
.arg tiles, s64
    ldg.s64 x2, 0(x1)
    ldg.s64 x3, 8(x1)
    ldg.s64 x5, 16(x1)
    rdsr x6, block_idx
    mul x7, x6, x5
    slli x7, x7, 12
    add x2, x2, x7
    add x3, x3, x7
    li x10, 0
    li x11, 8192
    li x13, 4096
    li x14, 0x3c00
    set_flag mte3, mte2, 0
    set_flag mte3, mte2, 1
loop:
    wait_flag mte3, mte2, 0
    copy_gm_to_ub x10, x2, burst_len=128
    set_flag mte2, v, 0
    wait_flag mte2, v, 0
    vmuls.f16 x10, x10, x14, repeat=16
    vadd.f16 x10, x10, x10, x31
    set_flag v, mte3, 0
    wait_flag v, mte3, 0
    copy_ub_to_gm x3, x10, burst_len=128
    set_flag mte3, mte2, 0
    add x2, x2, x13
    add x3, x3, x13
    wait_flag mte3, mte2, 1
    copy_gm_to_ub x11, x2, burst_len=128
    set_flag mte2, v, 1
    wait_flag mte2, v, 1
    vmuls.f16 x11, x11, x14, repeat=16
    vadd.f16 x11, x11, x11, x31
    set_flag v, mte3, 1
    wait_flag v, mte3, 1
    copy_ub_to_gm x3, x11, burst_len=128
    set_flag mte3, mte2, 1
    add x2, x2, x13
    add x3, x3, x13
    addi x5, x5, -2
    bnez x5, loop
    wait_flag mte3, mte2, 0
    wait_flag mte3, mte2, 1
    end
)";

void run_mixed(benchmark::State& state, bool timing_only) {
  const npu::config::ChipConfig config =
      npu::config::load_chip_config(std::string(NPUSIM_SOURCE_DIR) +
                                    "/configs/chips/ascend910.yaml")
          .config;
  const uint32_t cores = static_cast<uint32_t>(state.range(0));
  const uint64_t tiles = static_cast<uint64_t>(state.range(1));
  const npu::isa::Binary binary = npu::isa::assemble(kMixed, "mixed.s");
  npu::sim::SimOptions options;
  options.timing_only = timing_only;
  npu::sim::Chip chip(config, options);
  const uint64_t bytes = cores * tiles * 4096;
  const uint64_t x = chip.gm().allocate(bytes, "x");
  const uint64_t y = chip.gm().allocate(bytes, "y");
  const std::vector<uint64_t> args = {x, y, tiles};
  uint64_t instructions = 0;
  uint64_t cycles = 0;
  for (auto _ : state) {
    const npu::sim::RunResult run = chip.launch(binary, "mixed", args, cores);
    for (const npu::sim::CoreResult& c : run.cores) {
      instructions += c.stats[npu::sim::CoreStat::kScalarInstructions];
    }
    cycles += run.cycles;
  }
  state.counters["sim_instructions_per_s"] =
      benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
  state.counters["sim_cycles_per_s"] =
      benchmark::Counter(static_cast<double>(cycles), benchmark::Counter::kIsRate);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void BM_MixedTimingOnly(benchmark::State& state) { run_mixed(state, true); }
void BM_MixedFunctional(benchmark::State& state) { run_mixed(state, false); }

BENCHMARK(BM_MixedTimingOnly)
    ->Args({1, 256})
    ->Args({32, 64})
    ->Args({32, 512})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MixedFunctional)
    ->Args({1, 256})
    ->Args({32, 64})
    ->Args({32, 512})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
