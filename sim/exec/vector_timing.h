// The vector pipe's timing model, the one the chip's vector pipe uses (sim/core/ai_core.cc) and
// the one the RTL vector lane's harness (tests/rtl) holds the Verilated lane to: an instruction
// of R repeats occupies the pipe for ceil(R x cycles_per_repeat) cycles of its timing class
// (b16 or b32 by its widest element) and completes startup_cycles later (docs/sim.md).
//
// Fixed point: cycles_per_repeat counts in units of 1/10,000 cycle (rounded to the nearest unit,
// at least one), and ceil(R x cycles_per_repeat) is computed exactly in integers. The chip
// configs' measured averages (1.93, 0.85, ...) are whole units, so the occupancy is the exact
// ceiling of the decimal product, with no binary floating-point rounding; the RTL vector lane
// (rtl/vector/npu_vec_lane.sv) keeps the same units in its accumulator.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "base/error.h"
#include "config/chip_config.h"
#include "isa/types.h"
#include "sim/exec/cube_timing.h"

namespace npu::sim {

inline const config::VectorClass& vector_class_config(const config::ChipConfig& c,
                                                      isa::VectorClass cls) {
  using V = isa::VectorClass;
  const config::VectorSection& v = c.vector;
  switch (cls) {
    case V::kSimple:
      return v.simple;
    case V::kBinary:
      return v.binary;
    case V::kTranscendental:
      return v.transcendental;
    case V::kSqrt:
      return v.sqrt;
    case V::kDivide:
      return v.divide;
    case V::kMultiplyAdd:
      return v.multiply_add;
    case V::kReduce:
      return v.reduce;
    case V::kBlockReduce:
      return v.block_reduce;
    case V::kGather:
      return v.gather;
    case V::kTranspose:
      return v.transpose;
  }
  NPU_UNREACHABLE("bad vector class");
}

// The fixed-point unit of cycles_per_repeat: 1/kVectorTimeUnitsPerCycle cycle.
inline constexpr uint64_t kVectorTimeUnitsPerCycle = 10000;

// cycles_per_repeat in units (at least one: the config only requires > 0).
inline uint64_t vector_time_units(double cycles_per_repeat) {
  const double units =
      std::round(cycles_per_repeat * static_cast<double>(kVectorTimeUnitsPerCycle));
  return std::max<uint64_t>(1, static_cast<uint64_t>(units));
}

// The units per repeat of an instruction of class `cls` whose widest element (destination or
// source) has `width_bytes`: 4 or more -> b32.
inline uint64_t vector_repeat_units(const config::ChipConfig& config, isa::VectorClass cls,
                                    uint32_t width_bytes) {
  const config::VectorClass& c = vector_class_config(config, cls);
  return vector_time_units(width_bytes >= 4 ? c.cycles_per_repeat_b32 : c.cycles_per_repeat_b16);
}

// ceil(repeats x units / kVectorTimeUnitsPerCycle), exactly and without overflow: the cycles
// `repeats` repeats take.
inline Cycle vector_repeat_cycles(uint64_t repeats, uint64_t units) {
  constexpr uint64_t kUnit = kVectorTimeUnitsPerCycle;
  return repeats / kUnit * units + (repeats % kUnit * units + kUnit - 1) / kUnit;
}

inline PipeTiming vector_timing(const config::ChipConfig& config, isa::VectorClass cls,
                                uint64_t repeats, uint32_t width_bytes) {
  PipeTiming t;
  t.occupancy = std::max<Cycle>(
      1, vector_repeat_cycles(repeats, vector_repeat_units(config, cls, width_bytes)));
  t.latency = vector_class_config(config, cls).startup_cycles + t.occupancy;
  return t;
}

}  // namespace npu::sim
