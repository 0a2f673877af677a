// Tiling by an analytical cost model built from the chip config. For a (batched) matmul it
// enumerates the output tile Mt x Nt, the L0 K step Kt, the L1 K chunk Kl (a multiple of Kt: one
// GM -> L1 load feeds Kl / Kt cube steps) and the split of K over cores, keeps those that fit the
// buffers with double buffering, estimates the time of each (cube fractals; MTE2 transfers with
// their latency and the GM efficiency curve, limited by the core's share of the L2 bandwidth;
// MTE1 bytes; fixpipe bytes; scalar overhead; rounds of work over the cores) and ranks them.
#pragma once

#include <cstdint>
#include <vector>

#include "config/chip_config.h"

namespace npu::compiler {

// What the cost model needs to know about a matmul.
struct MatmulProblem {
  int64_t batch = 1, m = 1, n = 1, k = 1;
  int64_t in_bytes = 2;   // bytes of an input element (fp16 / bf16 2, int8 1)
  int64_t out_bytes = 2;  // bytes of an output element
  bool via_ub = false;    // the result leaves L0C through UB (coupled cores)
  // A bias row per output tile: into the bias table, or (via_ub) into UB, added by the vector
  // unit to an fp32 / int32 copy of the tile before conversion.
  bool bias = false;
  bool split_k_allowed = false;             // the output can be accumulated atomically in GM
  // Mt / Nt are multiples of these (32 where a K-major int8 operand is loaded in 32 x 32
  // transposed blocks, else 16).
  int64_t m_align = 16, n_align = 16;
  const config::CubeShape* cube = nullptr;  // the cube shape of the input type
};

struct MatmulTiling {
  int64_t mt = 16, nt = 16, kt = 16;
  int64_t kl = 16;               // K elements per GM -> L1 load, a multiple of kt
  int64_t split_k = 1;           // K is cut into this many parts, each accumulated atomically
  double estimated_cycles = -1;  // < 0: does not fit
};

// Every candidate that fits, fastest first (ties broken deterministically). Empty when no tile
// fits the buffers.
std::vector<MatmulTiling> rank_matmul_tilings(const MatmulProblem& p,
                                              const config::ChipConfig& chip);

// The estimate for one tiling (estimated_cycles < 0 when it does not fit).
MatmulTiling estimate_matmul_tiling(const MatmulProblem& p, const config::ChipConfig& chip,
                                    int64_t mt, int64_t nt, int64_t kt, int64_t kl,
                                    int64_t split_k);

}  // namespace npu::compiler
