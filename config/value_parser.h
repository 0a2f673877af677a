// Turning one YAML value into a typed, range-checked ParamValue for its declaration. On failure
// the result carries the broken rule as text ("must be at least 1, got 0"), which the loader
// prefixes with the location and key path.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/param_table.h"

namespace npu::config {

struct ParsedValue {
  std::optional<ParamValue> value;
  std::string error;  // set when value is empty
};

ParsedValue parse_value(const ParamDecl& decl, const YAML::Node& node);

// What a declaration accepts, for messages and docs: "integer", "number", "true or false", ...
std::string describe_type(const ParamDecl& decl);

}  // namespace npu::config
