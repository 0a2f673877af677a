// conv2d's layout phases for `layout=nchw`: the TransData steps a real stack runs around a
// convolution whose hardware path wants channels innermost. Before the convolution the vector
// cores transpose the NCHW input (per image a C x H*W matrix) into an NHWC workspace; after it
// they transpose the convolution's NHWC result (per image Ho*Wo x K) into the NCHW output. The
// phases are ordered by `sync_all` (every core of the launch, both core types, drains and
// meets), so the convolution between them is the NHWC kernel unchanged, reading and writing
// workspaces. The transposes are compiler/ops/elementwise/transpose_tiles.h's.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/kernel_ir.h"
#include "compiler/ops/elementwise/transpose_tiles.h"
#include "config/chip_config.h"

namespace npu::compiler {

// Vector workers per AI core: the AIVs of a split chip, 1 on a coupled one.
int64_t layout_workers_per_core(const config::ChipConfig& chip);

// The statement of one layout phase: `on aiv` (coupled cores run it too), a `pfor` over the
// plan's units, GM `names.src` -> `names.dst`. Unit p goes to AI core p mod block_dim (the
// launch's block_dim, which the `pfor` steps by) and, on a split chip, to its AIV
// (p / block_dim) mod aiv_per_core, so every AIV takes its share.
Stmt layout_phase(const TransposePlan& plan, const TransposeNames& names, int64_t block_dim,
                  const config::ChipConfig& chip);

// The all-core barrier between phases.
Stmt layout_barrier();

}  // namespace npu::compiler
