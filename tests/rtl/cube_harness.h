// The cube's Verilator harness: drives the RTL fractal MAC array (rtl/cube/npu_cube_fractal.sv)
// and the C++ cube the simulator uses (sim/exec/cpp_cube.cc through CubeBackend, timed by
// sim/exec/cube_timing.h) with the same stream of mmad-like transactions, and compares every
// output bit and every cycle: when each instruction starts (throughput: the previous one's
// occupancy) and when its result appears (latency).
//
// The cube's timing (cycles per fractal of each type, startup cycles) is a chip config's, given
// to the block on its configuration inputs at reset (sim/cosim/rtl_cube_config.h).
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

// A chip config with this cube timing (the RTL's structure otherwise).
config::ChipConfig cube_config(uint64_t cpf_fp16, uint64_t cpf_bf16, uint64_t cpf_int8,
                               uint64_t startup);

// A seeded random cube timing: cycles per fractal mostly 1..20, sometimes up to 1024, each type
// its own; startup 0..kRtlCubeMaxStartupCycles.
config::ChipConfig random_cube_config(uint64_t seed);

// "cycles per fractal fp16 1, bf16 1, int8 1, startup 3" for reports.
std::string describe_cube_timing(const config::ChipConfig& config);

// `count` seeded random transactions, a mix of dtypes, inits, chain lengths, partial K, special
// values, back-to-back and spaced requests (spacing relative to `config`'s cube timing).
std::vector<CubeTransaction> random_cube_transactions(uint64_t seed, size_t count,
                                                      const config::ChipConfig& config);

// Request cycles one after another, each `gap` edges after the previous request.
void space_requests(std::vector<CubeTransaction>& stream, uint64_t gap);

// The C++ cube's result for one transaction (L0C layout).
std::array<uint8_t, 1024> cpp_cube_result(const CubeTransaction& t);

// Resets the RTL variant `Model` with `config`'s cube timing, runs the stream through it and
// compares with the C++ cube and cube_timing() for `config` (cube_harness_impl.h).
template <typename Model>
CubeRunResult run_cube_harness(const config::ChipConfig& config,
                               const std::vector<CubeTransaction>& stream,
                               const std::string& wave_path);

}  // namespace npu::rtl_test
