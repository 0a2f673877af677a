// The conv2d tilings of an op spec, for `--autotune` (compiler/ops/tuning.h): the cost model's
// ranking for the spec's shape on a chip, with the spec's forced tiling keys applied.
#pragma once

#include "compiler/ops/conv/conv_tiling.h"
#include "compiler/ops/op_spec.h"
#include "config/chip_config.h"

namespace npu::compiler {

// The ranking conv2d's generator picks its tiling from (UserError on a bad spec).
ConvTilingRanking conv2d_tilings(const OpSpec& spec, const config::ChipConfig& chip);

// True when the spec forces any part of the tiling (tile_rows, tile_images, tile_n, tile_k,
// slab, weights).
bool conv2d_tiling_forced(const OpSpec& spec);

}  // namespace npu::compiler
