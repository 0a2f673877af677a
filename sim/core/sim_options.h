// How one chip simulates: the mode (functional + timing, or timing-only), the race check, the
// trace and the cycle limit. Fixed when the Chip is built; every launch uses them.
#pragma once

#include <cstdint>

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
};

}  // namespace npu::sim
