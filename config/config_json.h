// Machine-readable form of a resolved chip config (`npusim config show --json`, and the
// `chip` section of report.json): every value nested by its key path, the derived values, the
// hash, and the files it came from.
#pragma once

#include <nlohmann/json.hpp>

#include "config/derived.h"
#include "config/loader.h"

namespace npu::config {

// {"name", "hash", "files", "values": {section: {key: value}}, "derived": {...}}
nlohmann::ordered_json to_json(const ResolvedConfig& resolved);

nlohmann::ordered_json derived_to_json(const DerivedValues& derived);

}  // namespace npu::config
