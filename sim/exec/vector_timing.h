// The vector pipe's timing model, the one the chip's vector pipe uses (sim/core/ai_core.cc) and
// the one the RTL vector lane's harness (tests/rtl) holds the Verilated lane to: an instruction
// of R repeats occupies the pipe for ceil(R x cycles_per_repeat) cycles of its timing class
// (b16 or b32 by its widest element) and completes startup_cycles later (docs/sim.md).
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

// `width_bytes`: the instruction's widest element (destination or source), 4 or more -> b32.
inline PipeTiming vector_timing(const config::ChipConfig& config, isa::VectorClass cls,
                                uint64_t repeats, uint32_t width_bytes) {
  const config::VectorClass& c = vector_class_config(config, cls);
  const double per_repeat = width_bytes >= 4 ? c.cycles_per_repeat_b32 : c.cycles_per_repeat_b16;
  PipeTiming t;
  t.occupancy =
      std::max<Cycle>(1, static_cast<Cycle>(std::ceil(static_cast<double>(repeats) * per_repeat)));
  t.latency = c.startup_cycles + t.occupancy;
  return t;
}

}  // namespace npu::sim
