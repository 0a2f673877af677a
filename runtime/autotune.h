// `--autotune`: runs the best few tiling candidates of an op (compiler/ops/tuning.h) on the
// simulator, timing-only, and keeps the fastest. Deterministic: ties keep the cost model's order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ops/op_spec.h"
#include "config/chip_config.h"

namespace npu::runtime {

struct AutotuneTrial {
  compiler::OpSpec spec;         // the candidate (tiling keys appended)
  double estimated_cycles = -1;  // the cost model's estimate
  uint64_t cycles = 0;           // simulated, timing-only
};

struct AutotuneResult {
  std::vector<AutotuneTrial> trials;  // in the cost model's order
  size_t best = 0;                    // index of the fastest
};

AutotuneResult autotune_op(const config::ChipConfig& chip, const compiler::OpSpec& spec,
                           size_t candidates = 4);

// For the command line: autotune_op, prints what it tried to stdout ("autotune: ..." and
// describe_autotune) and returns the fastest candidate's spec.
compiler::OpSpec autotuned_spec(const config::ChipConfig& chip, const compiler::OpSpec& spec);

// One line per trial: "  tile_m=128 ... : 123456 cycles (estimate 120000)", the best marked.
std::string describe_autotune(const AutotuneResult& r);

}  // namespace npu::runtime
