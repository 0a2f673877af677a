// Simulated time. The model counts in core clock cycles; SystemC time is mapped one to one,
// 1 SC_NS of simulated time = 1 core cycle, so every wait is a whole number of cycles and
// reports convert to seconds with chip.clock_mhz.
#pragma once

#include <cstdint>

namespace npu::sim {

using Cycle = uint64_t;

}  // namespace npu::sim
