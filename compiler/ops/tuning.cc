// Tuning candidates (see tuning.h).
#include "compiler/ops/tuning.h"

#include <string>

#include "compiler/ops/matmul/matmul_kernel.h"

namespace npu::compiler {

std::vector<TuningCandidate> tuning_candidates(const OpSpec& spec, const config::ChipConfig& chip,
                                               size_t count) {
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
