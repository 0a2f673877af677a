// The matmul tiling cost model (see tiling.h).
#include "compiler/tiling.h"

#include <algorithm>
#include <cmath>

namespace npu::compiler {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

MatmulTiling choose_matmul_tiling(int64_t m, int64_t n, int64_t k, int64_t out_bytes,
                                  bool via_ub, const config::ChipConfig& chip) {
  const auto& b = chip.buffers;
  const auto& cube = chip.cube.fp16;
  double cores = static_cast<double>(chip.chip.cores);
  // Every core streams from L2 at once: its share of the chip's L2 bandwidth.
  double gm_bw = std::min(chip.paths.gm_to_l1.bytes_per_cycle,
                          std::min(chip.noc.core_port_bytes_per_cycle,
                                   chip.l2.bytes_per_cycle / cores));
  double l1_l0 = std::min(chip.paths.l1_to_l0a.bytes_per_cycle, chip.paths.l1_to_l0b.bytes_per_cycle);
  double out_bw = via_ub ? chip.paths.l0c_to_ub.bytes_per_cycle : chip.paths.l0c_to_gm.bytes_per_cycle;
  MatmulTiling best;
  best.estimated_cycles = -1;
  int64_t mcap = ceil_div(m, 16) * 16, ncap = ceil_div(n, 16) * 16, kcap = ceil_div(k, 16) * 16;
  for (int64_t mt = 16; mt <= std::min<int64_t>(256, mcap); mt += 16) {
    for (int64_t nt = 16; nt <= std::min<int64_t>(256, ncap); nt += 16) {
      for (int64_t kt = 16; kt <= std::min<int64_t>(256, kcap); kt *= 2) {
        uint64_t a = static_cast<uint64_t>(mt * kt * 2), bb = static_cast<uint64_t>(kt * nt * 2);
        if (2 * a > b.l0a_bytes || 2 * bb > b.l0b_bytes) continue;
        if (static_cast<uint64_t>(mt * nt * 4) > b.l0c_bytes) continue;
        if (2 * (a + bb) > b.l1_bytes) continue;
        if (via_ub && static_cast<uint64_t>(mt * nt * out_bytes) > b.ub_bytes) continue;
        double fractals = static_cast<double>(ceil_div(mt, static_cast<int64_t>(cube.m0)) *
                                              ceil_div(nt, static_cast<int64_t>(cube.n0)) *
                                              ceil_div(kt, static_cast<int64_t>(cube.k0)));
        double t_cube = static_cast<double>(chip.cube.startup_cycles) +
                        fractals * static_cast<double>(cube.cycles_per_fractal);
        double t_mte2 = static_cast<double>(a + bb) / gm_bw;
        double t_mte1 = static_cast<double>(a + bb) / l1_l0;
        double t_scalar = 120.0 / static_cast<double>(chip.scalar.issue_width);
        double step = std::max({t_cube, t_mte2, t_mte1, t_scalar});
        double tiles = static_cast<double>(ceil_div(m, mt) * ceil_div(n, nt));
        double rounds = std::ceil(tiles / cores);
        double per_tile = static_cast<double>(ceil_div(k, kt)) * step +
                          static_cast<double>(mt * nt * out_bytes) / out_bw;
        double total = rounds * per_tile;
        if (best.estimated_cycles < 0 || total < best.estimated_cycles) {
          best = MatmulTiling{mt, nt, kt, total};
        }
      }
    }
  }
  return best;
}

}  // namespace npu::compiler
