// Tuning candidates (see tuning.h).
#include "compiler/ops/tuning.h"

#include <algorithm>
#include <string>

#include "compiler/ops/conv/conv2d_tilings.h"
#include "compiler/ops/matmul/matmul_kernel.h"

namespace npu::compiler {
namespace {

// conv2d: the spec with each of the best tilings forced by its keys (conv_tiling_keys), one per
// tile shape (rows, images, channels, slab mode, weights: the best K step and piece size of
// each), so the trials differ in what the model is least sure of (how much of the slab load
// hides) rather than only in the K step.
std::vector<TuningCandidate> conv2d_candidates(const OpSpec& spec, const config::ChipConfig& chip,
                                               size_t count) {
  if (conv2d_tiling_forced(spec)) return {{spec, -1}};
  std::vector<TuningCandidate> out;
  std::vector<ConvTiling> shapes;
  for (const ConvTiling& t : conv2d_tilings(spec, chip).ranked) {
    if (out.size() >= count) break;
    const bool seen = std::any_of(shapes.begin(), shapes.end(), [&](const ConvTiling& o) {
      return o.rows == t.rows && o.images == t.images && o.nt == t.nt &&
             o.streamed == t.streamed && o.slab_double == t.slab_double &&
             o.slab_pieces == t.slab_pieces && o.weights_in_l1 == t.weights_in_l1;
    });
    if (seen) continue;
    shapes.push_back(t);
    out.push_back({parse_op_spec(spec.text + conv_tiling_keys(t)), t.estimated_cycles});
  }
  if (out.empty()) out.push_back({spec, -1});
  return out;
}

}  // namespace

std::vector<TuningCandidate> tuning_candidates(const OpSpec& spec, const config::ChipConfig& chip,
                                               size_t count) {
  if (spec.op == "conv2d") return conv2d_candidates(spec, chip, count);
  const bool batched = spec.op == "batch_matmul";
  if (spec.op != "matmul" && !batched) return {{spec, -1}};
  const MatmulSpec s = parse_matmul_spec(spec, batched);
  if (s.tile_m || s.tile_n || s.tile_k || s.tile_kl || s.split_k) return {{spec, -1}};
  std::vector<TuningCandidate> out;
  for (const MatmulTiling& t : rank_matmul_tilings(matmul_problem(s, chip), chip)) {
    if (out.size() >= count) break;
    std::string text = spec.text + " tile_m=" + std::to_string(t.mt) +
                       " tile_n=" + std::to_string(t.nt) + " tile_k=" + std::to_string(t.kt) +
                       " tile_kl=" + std::to_string(t.kl) + " split_k=" + std::to_string(t.split_k);
    out.push_back({parse_op_spec(text), t.estimated_cycles});
  }
  if (out.empty()) out.push_back({spec, -1});
  return out;
}

}  // namespace npu::compiler
