// The cube's timing model, the one the chip's cube pipe uses (sim/core/ai_core.cc) and the one
// the RTL cube's harness (tests/rtl) holds the Verilated MAC array to: an mmad of F fractals
// occupies the pipe for F x cycles_per_fractal cycles (the next mmad can start then) and
// completes startup_cycles later (docs/sim.md; reference §4.2).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "config/chip_config.h"
#include "isa/instruction.h"
#include "sim/time.h"

namespace npu::sim {

// The config section of an mmad's source type; `name` is its key ("fp16", "bf16", "int8",
// "fp32") for messages.
inline const config::CubeShape& cube_shape(const config::ChipConfig& config, isa::DataType src,
                                           std::string_view* name = nullptr) {
  std::string_view key;
  const config::CubeShape* shape = nullptr;
  switch (src) {
    case isa::DataType::kBf16:
      key = "bf16";
      shape = &config.cube.bf16;
      break;
    case isa::DataType::kS8:
    case isa::DataType::kU8:
      key = "int8";
      shape = &config.cube.int8;
      break;
    case isa::DataType::kF32:
      key = "fp32";
      shape = &config.cube.fp32;
      break;
    default:
      key = "fp16";
      shape = &config.cube.fp16;
      break;
  }
  if (name != nullptr) *name = key;
  return *shape;
}

// How long one instruction keeps its pipe: the next one can start `occupancy` cycles after this
// one started; its results are there `latency` cycles after it started.
struct PipeTiming {
  Cycle occupancy = 1;
  Cycle latency = 1;
};

inline PipeTiming cube_timing(const config::ChipConfig& config, isa::DataType src,
                              uint64_t fractals) {
  PipeTiming t;
  t.occupancy = std::max<Cycle>(1, fractals * cube_shape(config, src).cycles_per_fractal);
  t.latency = config.cube.startup_cycles + t.occupancy;
  return t;
}

}  // namespace npu::sim
