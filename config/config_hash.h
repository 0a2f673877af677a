// A stable identity for a resolved chip config: the same resolved values give the same hash,
// whatever files, `extends` chains, key order, comments or overrides produced them. Reports and
// sweep results carry it so results can be matched to the exact machine they describe.
#pragma once

#include <string>

#include "config/chip_config.h"

namespace npu::config {

// "key = value" lines, one per declared parameter, in declaration order.
std::string canonical_text(const ChipConfig& config);

// 16 hex digits: FNV-1a 64 of canonical_text().
std::string config_hash(const ChipConfig& config);

}  // namespace npu::config
