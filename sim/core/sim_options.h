// How one chip simulates: the mode (functional + timing, or timing-only), the race check, the
// trace, the cycle limit and the cube backend. Fixed when the Chip is built; every launch uses them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "config/chip_config.h"
#include "sim/exec/cube_backend.h"
#include "sim/time.h"

namespace npu::sim {

struct SimOptions {
  // Skip every data effect (no buffer or GM bytes exist); cycles are identical for programs
  // whose control flow does not depend on computed data.
  bool timing_only = false;
  // Report unordered overlapping accesses of two pipes (functional mode only).
  bool racecheck = false;
  // Record one trace slice per pipe instruction (for trace.json).
  bool trace = false;
  // A launch that has not finished after this many cycles is a program error.
  Cycle cycle_limit = 100'000'000;
  // Slices kept in the trace; later ones are counted as dropped.
  uint64_t trace_limit = 1'000'000;
  // Makes the unit that computes mmad, one per core with a cube (empty: the C++ cube). Called
  // while a launch builds its SystemC model, so the backend may be a SystemC module of that
  // launch (the Verilated RTL cube, sim/cosim). Needs functional mode (not timing_only).
  std::function<std::unique_ptr<CubeBackend>(const config::ChipConfig&)> cube_backend;
};

}  // namespace npu::sim
