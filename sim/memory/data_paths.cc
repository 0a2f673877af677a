#include "sim/memory/data_paths.h"

#include "base/error.h"

namespace npu::sim {

const config::DataPath& path_config(const config::ChipConfig& config, isa::DataPath path) {
  using P = isa::DataPath;
  const config::PathsSection& p = config.paths;
  switch (path) {
    case P::kGmToL1: return p.gm_to_l1;
    case P::kGmToUb: return p.gm_to_ub;
    case P::kGmToL0a: return p.gm_to_l0a;
    case P::kGmToL0b: return p.gm_to_l0b;
    case P::kL1ToL0a: return p.l1_to_l0a;
    case P::kL1ToL0b: return p.l1_to_l0b;
    case P::kL1ToUb: return p.l1_to_ub;
    case P::kL1ToBt: return p.l1_to_bt;
    case P::kL0cToGm: return p.l0c_to_gm;
    case P::kL0cToL1: return p.l0c_to_l1;
    case P::kL0cToUb: return p.l0c_to_ub;
    case P::kUbToGm: return p.ub_to_gm;
    case P::kUbToL1: return p.ub_to_l1;
    case P::kUbToUb: return p.ub_to_ub;
  }
  NPU_UNREACHABLE("unknown data path");
}

bool reads_gm(isa::DataPath path) {
  using P = isa::DataPath;
  return path == P::kGmToL1 || path == P::kGmToUb || path == P::kGmToL0a || path == P::kGmToL0b;
}

bool writes_gm(isa::DataPath path) {
  return path == isa::DataPath::kL0cToGm || path == isa::DataPath::kUbToGm;
}

}  // namespace npu::sim
