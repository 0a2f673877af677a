// The chip config's entry for each ISA data path, and which paths face GM: one mapping that
// the memory system, the executor and the core all use.
#pragma once

#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::sim {

const config::DataPath& path_config(const config::ChipConfig& config, isa::DataPath path);

// GM -> core buffer paths (MTE2).
bool reads_gm(isa::DataPath path);
// Core buffer -> GM paths (fixpipe, MTE3).
bool writes_gm(isa::DataPath path);
inline bool gm_facing(isa::DataPath path) { return reads_gm(path) || writes_gm(path); }

}  // namespace npu::sim
