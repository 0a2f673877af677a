// Declarations of configuration parameters: each one's key path, type, unit, default (or
// "required"), allowed range and help text, plus how to store it into / read it from a
// ChipConfig. The declarations are data: the loader validates against them, `config show` and
// the JSON dump print through them, and docs/config-reference.md is generated from them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "config/chip_config.h"

namespace npu::config {

enum class ParamType { kInt, kFloat, kBool, kString, kEnum, kCurve };

// A parsed value. kInt uses int64_t, kEnum uses the choice's name.
using ParamValue = std::variant<int64_t, double, bool, std::string, Curve>;

struct ParamDecl {
  std::string key;   // full dotted path, e.g. "buffers.l1_bytes"
  ParamType type = ParamType::kInt;
  std::string unit;  // "bytes", "cycles", "MHz", ... ("" for counts and names)
  std::string help;
  std::optional<ParamValue> default_value;  // nullopt: the key is required
  std::optional<double> min;                // inclusive, or exclusive with min_exclusive
  bool min_exclusive = false;
  std::optional<double> max;                // inclusive
  bool power_of_two = false;
  std::vector<std::string> choices;         // kEnum: allowed names, in order
  std::function<void(ChipConfig&, const ParamValue&)> store;
  std::function<ParamValue(const ChipConfig&)> load;

  bool required() const { return !default_value.has_value(); }
};

// Fluent refinement of a declaration just added to a ParamTable.
class ParamBuilder {
 public:
  explicit ParamBuilder(ParamDecl& decl) : m_decl(decl) {}
  ParamBuilder& unit(std::string unit);
  ParamBuilder& help(std::string help);
  ParamBuilder& fallback(ParamValue value);  // the default value
  ParamBuilder& at_least(double min);
  ParamBuilder& above(double min);           // exclusive lower bound
  ParamBuilder& at_most(double max);
  ParamBuilder& power_of_two();

 private:
  ParamDecl& m_decl;
};

// An ordered set of declarations with lookup by key and by section prefix.
class ParamTable {
 public:
  // Declaration helpers. `access` is a generic lambda `[](auto& c) -> auto& { return c.x.y; }`
  // returning the field for a const or non-const ChipConfig (see NPU_CONFIG_FIELD).
  template <class Access>
  ParamBuilder add_int(std::string key, Access access);
  template <class Access>
  ParamBuilder add_float(std::string key, Access access);
  template <class Access>
  ParamBuilder add_bool(std::string key, Access access);
  template <class Access>
  ParamBuilder add_string(std::string key, Access access);
  template <class Access>
  ParamBuilder add_curve(std::string key, Access access);
  template <class E, class Access>
  ParamBuilder add_enum(std::string key, Access access,
                        std::vector<std::pair<std::string, E>> choices);

  const std::vector<ParamDecl>& all() const { return m_decls; }
  const ParamDecl* find(std::string_view key) const;
  // True if some key starts with "prefix." (so `prefix` names a section of the file).
  bool is_section(std::string_view prefix) const;
  // Keys directly or indirectly under a section, in declaration order.
  std::vector<std::string> keys_under(std::string_view prefix) const;

 private:
  ParamBuilder add(ParamDecl decl);
  template <class Value, class Access>
  ParamBuilder add_value(std::string key, ParamType type, Access access);

  std::vector<ParamDecl> m_decls;
  std::unordered_map<std::string, size_t> m_index;
};

// Every parameter of a chip config (declared in config/chip_params.cc).
const ParamTable& chip_params();

// Text of a value as written in YAML and shown by `config show` ("1048576", "0.8", "true",
// "split", "[[1024, 0.2], [4096, 0.5]]").
std::string format_value(const ParamValue& value);

// ---- template definitions ----

// A field stored as `Value` in ParamValue and converted to and from the field's own type
// (uint64_t fields hold kInt values, and so on).
template <class Value, class Access>
ParamBuilder ParamTable::add_value(std::string key, ParamType type, Access access) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = type;
  d.store = [access](ChipConfig& c, const ParamValue& v) {
    auto& field = access(c);
    field = static_cast<std::remove_reference_t<decltype(field)>>(std::get<Value>(v));
  };
  d.load = [access](const ChipConfig& c) { return ParamValue(static_cast<Value>(access(c))); };
  return add(std::move(d));
}

template <class Access>
ParamBuilder ParamTable::add_int(std::string key, Access access) {
  return add_value<int64_t>(std::move(key), ParamType::kInt, access);
}
template <class Access>
ParamBuilder ParamTable::add_float(std::string key, Access access) {
  return add_value<double>(std::move(key), ParamType::kFloat, access);
}
template <class Access>
ParamBuilder ParamTable::add_bool(std::string key, Access access) {
  return add_value<bool>(std::move(key), ParamType::kBool, access);
}
template <class Access>
ParamBuilder ParamTable::add_string(std::string key, Access access) {
  return add_value<std::string>(std::move(key), ParamType::kString, access);
}
template <class Access>
ParamBuilder ParamTable::add_curve(std::string key, Access access) {
  return add_value<Curve>(std::move(key), ParamType::kCurve, access);
}

template <class E, class Access>
ParamBuilder ParamTable::add_enum(std::string key, Access access,
                                  std::vector<std::pair<std::string, E>> choices) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::kEnum;
  for (const auto& [name, value] : choices) d.choices.push_back(name);
  d.store = [access, choices](ChipConfig& c, const ParamValue& v) {
    for (const auto& [name, value] : choices) {
      if (name == std::get<std::string>(v)) access(c) = value;
    }
  };
  d.load = [access, choices](const ChipConfig& c) {
    for (const auto& [name, value] : choices) {
      if (value == access(c)) return ParamValue(name);
    }
    return ParamValue(std::string("?"));
  };
  return add(std::move(d));
}

}  // namespace npu::config

// The key of a ChipConfig field and its accessor, from one spelling of the path: the YAML key
// is the field path by construction.
#define NPU_CONFIG_FIELD(path) #path, [](auto& c) -> auto& { return c.path; }
