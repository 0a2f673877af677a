#include "config/param_table.h"

#include <fmt/format.h>

#include "base/error.h"

namespace npu::config {

ParamBuilder& ParamBuilder::unit(std::string unit) {
  m_decl.unit = std::move(unit);
  return *this;
}
ParamBuilder& ParamBuilder::help(std::string help) {
  m_decl.help = std::move(help);
  return *this;
}
ParamBuilder& ParamBuilder::fallback(ParamValue value) {
  m_decl.default_value = std::move(value);
  return *this;
}
ParamBuilder& ParamBuilder::at_least(double min) {
  m_decl.min = min;
  m_decl.min_exclusive = false;
  return *this;
}
ParamBuilder& ParamBuilder::above(double min) {
  m_decl.min = min;
  m_decl.min_exclusive = true;
  return *this;
}
ParamBuilder& ParamBuilder::at_most(double max) {
  m_decl.max = max;
  return *this;
}
ParamBuilder& ParamBuilder::power_of_two() {
  m_decl.power_of_two = true;
  return *this;
}

ParamBuilder ParamTable::add(ParamDecl decl) {
  NPU_CHECK(!m_index.contains(decl.key), "parameter declared twice: " + decl.key);
  m_index.emplace(decl.key, m_decls.size());
  m_decls.push_back(std::move(decl));
  return ParamBuilder(m_decls.back());
}

const ParamDecl* ParamTable::find(std::string_view key) const {
  auto it = m_index.find(std::string(key));
  return it == m_index.end() ? nullptr : &m_decls[it->second];
}

bool ParamTable::is_section(std::string_view prefix) const {
  const std::string p = std::string(prefix) + ".";
  for (const ParamDecl& d : m_decls) {
    if (d.key.starts_with(p)) return true;
  }
  return false;
}

std::vector<std::string> ParamTable::keys_under(std::string_view prefix) const {
  const std::string p = std::string(prefix) + ".";
  std::vector<std::string> out;
  for (const ParamDecl& d : m_decls) {
    if (d.key.starts_with(p)) out.push_back(d.key);
  }
  return out;
}

std::string format_value(const ParamValue& value) {
  struct Formatter {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return fmt::format("{}", v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const Curve& v) const {
      std::string out = "[";
      for (size_t i = 0; i < v.points.size(); ++i) {
        if (i != 0) out += ", ";
        out += fmt::format("[{}, {}]", v.points[i].first, v.points[i].second);
      }
      return out + "]";
    }
  };
  return std::visit(Formatter{}, value);
}

}  // namespace npu::config
