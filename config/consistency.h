// Cross-key rules of a chip config: the checks no single key's range can express (a buffer that
// must be a multiple of its alignment and hold one cube fractal, AIV counts that depend on the
// organisation, cache geometry, ...). Each broken rule is reported at the key to change.
#pragma once

#include <functional>
#include <string>

#include "base/diagnostic.h"
#include "config/chip_config.h"

namespace npu::config {

// `where(key)` gives the location of the value of `key` (or of the file if it was defaulted).
void check_consistency(const ChipConfig& config,
                       const std::function<SourceLocation(const std::string&)>& where,
                       DiagnosticList& diagnostics);

}  // namespace npu::config
