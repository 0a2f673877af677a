// The timeline of a launch: one slice per pipe instruction (core, pipe, start, duration, pc),
// kept in memory up to SimOptions::trace_limit slices and counted beyond, and written as Chrome
// trace event JSON (trace.json, opens in Perfetto): one process per core, one thread per pipe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/time.h"

namespace npu::sim {

struct TraceSlice {
  Cycle issue = 0;  // cycle the scalar unit issued it (dispatch to the pipe's queue)
  Cycle start = 0;
  Cycle duration = 0;
  uint64_t pc = 0;
  uint32_t core = 0;
  uint8_t pipe = 0;  // isa::Pipe
};

struct TraceBuffer {
  uint64_t limit = 0;
  uint64_t dropped = 0;
  std::vector<TraceSlice> slices;

  void add(const TraceSlice& slice) {
    if (slices.size() < limit) {
      slices.push_back(slice);
    } else {
      ++dropped;
    }
  }
};

}  // namespace npu::sim
