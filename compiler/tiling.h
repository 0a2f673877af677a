// Tiling by an analytical cost model built from the chip config: for a matmul it enumerates
// tile sizes (Mt, Nt, Kt multiples of 16) that fit the buffers with double buffering, estimates
// the time of each (cube fractals, MTE2 bytes over the GM->L1 bandwidth shared by the cores,
// MTE1 bytes, fixpipe bytes, scalar overhead per step, load balance over the cores) and keeps
// the fastest.
#pragma once

#include <cstdint>

#include "config/chip_config.h"

namespace npu::compiler {

struct MatmulTiling {
  int64_t mt = 16, nt = 16, kt = 16;
  double estimated_cycles = 0;
};

// out_bytes: bytes of one output element; via_ub: the result leaves L0C through UB.
MatmulTiling choose_matmul_tiling(int64_t m, int64_t n, int64_t k, int64_t out_bytes,
                                  bool via_ub, const config::ChipConfig& chip);

}  // namespace npu::compiler
