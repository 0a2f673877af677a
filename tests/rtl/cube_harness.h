// The cube's Verilator harness: drives the RTL fractal MAC array (rtl/cube/npu_cube_fractal.sv)
// and the C++ cube the simulator uses (sim/exec/cpp_cube.cc through CubeBackend, timed by
// sim/exec/cube_timing.h) with the same stream of mmad-like transactions, and compares every
// output bit and every cycle: when each instruction starts (throughput: the previous one's
// occupancy) and when its result appears (latency).
//
// A transaction is one output fractal of an mmad: 1..k1 k fractals chained in the array
// (CUBE_INIT_KEEP), starting from zero or a loaded C0, the last fractal with a partial K. Each
// is issued at a request cycle; the model says it starts at max(request, previous start +
// previous occupancy), the cube pipe's rule (docs/sim.md), and completes latency cycles later.
//
// On the first mismatch the harness stops, describes the transaction, both results and the
// cycle, and replays the same stream with an FST waveform of the cycles around it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::rtl_test {

// Structural parameters of the Verilated cube (rtl/cube/cube_params.cmake passes the same
// values to Verilator and to the compiler).
inline constexpr uint64_t kCubeRowsPerCycle = NPU_RTL_CUBE_ROWS_PER_CYCLE;
inline constexpr uint64_t kCubeStartupCycles = NPU_RTL_CUBE_STARTUP_CYCLES;
inline constexpr uint64_t kCubeCyclesPerFractal = (16 / kCubeRowsPerCycle) * 16;

struct CubeTransaction {
  isa::DataType src = isa::DataType::kF16;  // kF16, kBf16, kS8, kU8
  bool zero_init = true;                    // else C0 = c0
  uint32_t last_k = 16;                     // valid k in the last k fractal
  std::vector<std::array<uint8_t, 512>> a;  // k fractals of A (L0A layout)
  std::vector<std::array<uint8_t, 512>> b;  // k fractals of B (L0B layout)
  std::array<uint8_t, 1024> c0{};           // L0C layout
  uint64_t request = 0;                     // first edge at which it may be accepted
};

struct CubeRunResult {
  bool ok = true;
  std::string report;     // the mismatch: transaction, both results, the cycle
  std::string wave_path;  // FST of the cycles around it ("" when ok)
  uint64_t transactions = 0;
  uint64_t fractals = 0;
  uint64_t cycles = 0;
};

// The chip config whose cube timing the RTL implements (cycles per fractal, startup).
config::ChipConfig rtl_cube_config();

// `count` seeded random transactions, a mix of dtypes, inits, chain lengths, partial K, special
// values, back-to-back and spaced requests.
std::vector<CubeTransaction> random_cube_transactions(uint64_t seed, size_t count);

// Request cycles one after another, each `gap` edges after the previous request.
void space_requests(std::vector<CubeTransaction>& stream, uint64_t gap);

// The C++ cube's result for one transaction (L0C layout).
std::array<uint8_t, 1024> cpp_cube_result(const CubeTransaction& t);

// Runs the stream through the RTL variant `Model` and compares (cube_harness_impl.h).
template <typename Model>
CubeRunResult run_cube_harness(const std::vector<CubeTransaction>& stream,
                               const std::string& wave_path);

}  // namespace npu::rtl_test
