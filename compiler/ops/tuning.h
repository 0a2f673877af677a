// Tuning candidates for `--autotune`: the variants of an op spec that the cost model ranks
// best, each the original spec with its tiling forced by keys (matmul / batch_matmul:
// tile_m, tile_n, tile_k, tile_kl, split_k; conv2d: tile_rows, tile_images, tile_n, tile_k,
// slab, weights). Ops without tunable tiling give the spec alone.
#pragma once

#include <cstddef>
#include <vector>

#include "compiler/ops/op_spec.h"
#include "config/chip_config.h"

namespace npu::compiler {

struct TuningCandidate {
  OpSpec spec;
  double estimated_cycles = -1;  // the cost model's estimate (< 0: none)
};

// At most `count` candidates, the cost model's favourite first.
std::vector<TuningCandidate> tuning_candidates(const OpSpec& spec, const config::ChipConfig& chip,
                                               size_t count);

}  // namespace npu::compiler
