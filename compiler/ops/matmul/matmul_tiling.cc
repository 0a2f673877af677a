// The matmul tiling cost model (see tiling.h).
#include "compiler/ops/matmul/matmul_tiling.h"

#include <algorithm>
#include <cmath>

#include "compiler/ir/ir_builder.h"
#include "compiler/ops/cube_bias.h"

namespace npu::compiler {
namespace {

using ir::ceil_div;
using ir::round_up;

// Cycles of one GM -> L1 transfer of `bytes` while `active` cores stream at once.
double gm_load_cycles(double bytes, double active, const config::ChipConfig& chip) {
  const config::DataPath& path = chip.paths.gm_to_l1;
  double efficiency = std::clamp(chip.mte.gm_efficiency.at(bytes), 1e-3, 1.0);
  double rate = std::min({path.bytes_per_cycle * efficiency, chip.noc.core_port_bytes_per_cycle,
                          chip.l2.bytes_per_cycle / active});
  double latency = static_cast<double>(path.latency_cycles + chip.noc.latency_cycles +
                                       chip.l2.hit_latency_cycles);
  return latency + bytes / rate;
}

}  // namespace

MatmulTiling estimate_matmul_tiling(const MatmulProblem& p, const config::ChipConfig& chip,
                                    int64_t mt, int64_t nt, int64_t kt, int64_t kl,
                                    int64_t split_k) {
  MatmulTiling t{mt, nt, kt, kl, split_k, -1};
  const auto& buf = chip.buffers;
  const config::CubeShape& cube = *p.cube;
  const int64_t k0 = static_cast<int64_t>(cube.k0);
  if (mt % p.m_align || nt % p.n_align || kt % k0 || kl % kt || mt <= 0 || nt <= 0 ||
      split_k < 1)
    return t;
  const auto in = p.in_bytes;
  auto fits = [](int64_t bytes, uint64_t cap) { return static_cast<uint64_t>(bytes) <= cap; };
  if (!fits(2 * mt * kt * in, buf.l0a_bytes) || !fits(2 * kt * nt * in, buf.l0b_bytes)) return t;
  if (!fits(mt * nt * 4, buf.l0c_bytes)) return t;
  const bool bias_table = p.bias && !p.via_ub;
  if (!fits(2 * (mt + nt) * kl * in + (bias_table ? nt * 4 : 0), buf.l1_bytes)) return t;
  // With a bias on the vector unit UB also holds the bias row and the 32-bit tiles.
  const int64_t ub_bytes =
      mt * nt * p.out_bytes + (p.bias ? cube_bias_ub_bytes(mt, nt, p.out_bytes) : 0);
  if (p.via_ub && !fits(ub_bytes, buf.ub_bytes)) return t;
  if (bias_table && !fits(nt * 4, buf.bt_bytes)) return t;
  // load2d moves at most 255 fractals per instruction.
  if (mt / 16 > 255 || nt / 16 > 255 || kt / k0 > 255) return t;
  // The cube steps of a chunk are unrolled with explicit L0 ping / pong slots, each with its own
  // mte1 -> m flag, in two copies (the L1 ping and pong): 2 * steps event ids of that pipe pair,
  // plus one for the bias table.
  const int64_t steps = kl / kt;
  if (steps > 1 && 2 * steps + (bias_table ? 1 : 0) > static_cast<int64_t>(chip.pipes.event_ids))
    return t;

  const int64_t MT = ceil_div(p.m, mt), NT = ceil_div(p.n, nt), KL = ceil_div(p.k, kl);
  const int64_t chunks_per_part = ceil_div(KL, split_k);
  if (ceil_div(KL, chunks_per_part) != split_k) return t;  // a part would be empty
  // Sync insertion needs every access of an explicit slot at one nesting level: no odd chunk
  // count (the double-buffering pass guards the odd copy) and no guard for a short last part.
  if (steps > 1 && ((chunks_per_part > 1 && chunks_per_part % 2) || KL % chunks_per_part)) return t;
  const double items = static_cast<double>(p.batch * MT * NT * split_k);
  const double cores = static_cast<double>(chip.chip.cores);
  const double active = std::min(items, cores);

  // Tiles are sized for the whole tile; ragged edges cost about the same on the cube.
  const double a_bytes = static_cast<double>(mt * kl * in),
               b_bytes = static_cast<double>(kl * nt * in);
  double t_mte2 = gm_load_cycles(a_bytes, active, chip) + gm_load_cycles(b_bytes, active, chip);
  double fractals =
      static_cast<double>(ceil_div(mt, static_cast<int64_t>(cube.m0)) *
                          ceil_div(nt, static_cast<int64_t>(cube.n0)) * ceil_div(kt, k0));
  double t_cube = static_cast<double>(chip.cube.startup_cycles) +
                  fractals * static_cast<double>(cube.cycles_per_fractal);
  double l1_l0 =
      std::min(chip.paths.l1_to_l0a.bytes_per_cycle, chip.paths.l1_to_l0b.bytes_per_cycle);
  double t_mte1 = static_cast<double>(chip.paths.l1_to_l0a.latency_cycles) +
                  static_cast<double>((mt + nt) * kt * in) / l1_l0;
  double t_scalar =
      (60.0 + 40.0 * static_cast<double>(steps)) / static_cast<double>(chip.scalar.issue_width);
  double chunk =
      std::max({t_mte2, static_cast<double>(steps) * std::max(t_cube, t_mte1), t_scalar});

  double out_bw =
      p.via_ub ? chip.paths.l0c_to_ub.bytes_per_cycle : chip.paths.l0c_to_gm.bytes_per_cycle;
  double t_out = static_cast<double>(mt * nt * p.out_bytes) / out_bw;
  if (p.via_ub)
    t_out += static_cast<double>(mt * nt * p.out_bytes) / chip.paths.ub_to_gm.bytes_per_cycle;
  // Bias row: GM -> L1 -> BT (or GM -> UB) once per item; on UB one vector pass per conversion.
  if (p.bias) t_out += gm_load_cycles(static_cast<double>(nt * 4), active, chip);
  if (p.bias && p.via_ub) t_out += 3.0 * static_cast<double>(mt * nt) / 64.0;
  double per_item = static_cast<double>(chunks_per_part) * chunk + t_out;
  double rounds = std::ceil(items / cores);
  // The first chunk's loads are not hidden behind any cube work.
  t.estimated_cycles = rounds * per_item + t_mte2;
  return t;
}

std::vector<MatmulTiling> rank_matmul_tilings(const MatmulProblem& p,
                                              const config::ChipConfig& chip) {
  std::vector<MatmulTiling> out;
  const int64_t k0 = static_cast<int64_t>(p.cube->k0);
  const int64_t mcap = std::min<int64_t>(256, round_up(p.m, p.m_align));
  const int64_t ncap = std::min<int64_t>(256, round_up(p.n, p.n_align));
  const int64_t kcap = round_up(p.k, k0);
  const int64_t cores = static_cast<int64_t>(chip.chip.cores);
  for (int64_t mt = p.m_align; mt <= mcap; mt += p.m_align) {
    for (int64_t nt = p.n_align; nt <= ncap; nt += p.n_align) {
      const int64_t items = p.batch * ceil_div(p.m, mt) * ceil_div(p.n, nt);
      for (int64_t kt = k0; kt <= std::min<int64_t>(16 * k0, kcap); kt *= 2) {
        for (int64_t steps = 1; steps <= 16; steps *= 2) {
          const int64_t kl = kt * steps;
          if (steps > 1 && kl / 2 >= kcap) break;  // a larger chunk only adds padding
          const int64_t KL = ceil_div(p.k, kl);
          // Split K only when the output tiles leave cores idle.
          int64_t max_split = p.split_k_allowed && items < cores ? std::min(KL, cores / items) : 1;
          for (int64_t split = 1; split <= max_split; ++split) {
            MatmulTiling t = estimate_matmul_tiling(p, chip, mt, nt, kt, kl, split);
            if (t.estimated_cycles >= 0) out.push_back(t);
          }
        }
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const MatmulTiling& a, const MatmulTiling& b) {
    return a.estimated_cycles < b.estimated_cycles;
  });
  return out;
}

}  // namespace npu::compiler
