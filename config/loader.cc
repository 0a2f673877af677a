#include "config/loader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <unordered_set>

#include "base/error.h"
#include "config/consistency.h"
#include "config/param_table.h"
#include "config/value_parser.h"

namespace npu::config {
namespace fs = std::filesystem;
namespace {

// A value as set by some file or override, before defaults and consistency.
struct Setting {
  ParamValue value;
  SourceLocation where;
};

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown key", with the nearest declared key of the same section when one is close.
std::string unknown_key_message(const std::string& key) {
  const size_t dot = key.rfind('.');
  const std::string section = dot == std::string::npos ? "" : key.substr(0, dot);
  const std::string leaf = dot == std::string::npos ? key : key.substr(dot + 1);
  std::string best;
  size_t best_distance = 3;  // suggest only near misses
  std::unordered_set<std::string> seen;
  for (const ParamDecl& decl : chip_params().all()) {
    if (!section.empty() && !decl.key.starts_with(section + ".")) continue;
    std::string candidate = decl.key.substr(section.empty() ? 0 : section.size() + 1);
    candidate = candidate.substr(0, candidate.find('.'));
    if (!seen.insert(candidate).second) continue;
    const size_t d = edit_distance(leaf, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = section.empty() ? candidate : section + "." + candidate;
    }
  }
  return best.empty() ? "unknown key" : "unknown key (did you mean '" + best + "'?)";
}

SourceLocation location_of(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {file, 0, 0};
  return {file, static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1)};
}

class Loader {
 public:
  explicit Loader(DiagnosticList& diagnostics) : m_diagnostics(diagnostics) {}

  // Applies `path` (after its ancestors). `chain` holds the files being loaded, outermost first,
  // for cycle detection.
  void load_file(const std::string& path, std::vector<std::string>& chain,
                 const SourceLocation& extended_from);
  void apply_override(const std::string& text, uint32_t index);

  std::map<std::string, Setting>& settings() { return m_settings; }
  // Keys given a value that failed to parse: not "missing" as well.
  const std::set<std::string>& invalid_keys() const { return m_invalid_keys; }
  // True when some file could not be read or parsed at all.
  bool unreadable() const { return m_unreadable; }
  std::vector<std::string>& files() { return m_files; }
  // Where a section first appeared (for "missing required key" messages).
  const std::map<std::string, SourceLocation>& sections() const { return m_sections; }

 private:
  std::optional<YAML::Node> read_yaml(const std::string& path, const SourceLocation& from);
  void walk(const YAML::Node& map, const std::string& prefix, const std::string& file);
  void set_value(const ParamDecl& decl, const YAML::Node& value, SourceLocation where);

  DiagnosticList& m_diagnostics;
  std::map<std::string, Setting> m_settings;
  std::set<std::string> m_invalid_keys;
  bool m_unreadable = false;
  std::map<std::string, SourceLocation> m_sections;
  std::vector<std::string> m_files;
};

std::optional<YAML::Node> Loader::read_yaml(const std::string& path, const SourceLocation& from) {
  // A problem opening a file named by `extends:` is reported where it was named.
  auto report = [&](const std::string& message) {
    if (from.file.empty()) {
      m_diagnostics.error({path, 0, 0}, message);
    } else {
      m_diagnostics.error(from, "extends: " + message + ": " + path);
    }
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    report("cannot read the file: no such file");
    return std::nullopt;
  }
  if (fs::is_directory(status)) {
    report("is a directory, not a chip config file");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    report("cannot read the file: permission denied");
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    YAML::Node root = YAML::Load(text.str());
    if (root.IsNull()) {
      m_diagnostics.error({path, 1, 1},
                          "empty file; a chip config is a mapping of keys such as 'name:' and "
                          "'chip:'");
      return std::nullopt;
    }
    if (!root.IsMap()) {
      m_diagnostics.error(location_of(path, root.Mark()),
                          "expected a mapping of keys at the top level, got " +
                              std::string(root.IsSequence() ? "a list" : "a single value"));
      return std::nullopt;
    }
    return root;
  } catch (const YAML::Exception& e) {
    m_diagnostics.error(location_of(path, e.mark), "malformed YAML: " + e.msg);
    return std::nullopt;
  }
}

void Loader::load_file(const std::string& path, std::vector<std::string>& chain,
                       const SourceLocation& extended_from) {
  std::error_code ec;
  const std::string canonical = fs::weakly_canonical(path, ec).string();
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string cycle;
    for (const std::string& f : chain) cycle += fs::path(f).filename().string() + " -> ";
    cycle += fs::path(canonical).filename().string();
    m_diagnostics.error(extended_from, "extends: cyclic extends: " + cycle);
    m_unreadable = true;
    return;
  }
  std::optional<YAML::Node> root = read_yaml(path, extended_from);
  if (!root) {
    m_unreadable = true;
    return;
  }
  chain.push_back(canonical);
  m_files.insert(m_files.begin(), path);  // ancestors end up after the file that extends them

  const YAML::Node extends = (*root)["extends"];
  if (extends) {
    const SourceLocation where = location_of(path, extends.Mark());
    if (!extends.IsScalar() || extends.Scalar().empty()) {
      m_diagnostics.error(where, "extends: expected the path of another chip config file");
      m_unreadable = true;
    } else {
      const fs::path parent = fs::path(path).parent_path() / extends.Scalar();
      load_file(parent.lexically_normal().string(), chain, where);
    }
  }
  walk(*root, "", path);
  chain.pop_back();
}

void Loader::walk(const YAML::Node& map, const std::string& prefix, const std::string& file) {
  std::unordered_set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key_node = it->first;  // copies: `it->` yields a temporary
    const YAML::Node value = it->second;
    const SourceLocation key_where = location_of(file, key_node.Mark());
    if (!key_node.IsScalar()) {
      m_diagnostics.error(key_where, (prefix.empty() ? "" : prefix + ": ") +
                                         "keys must be plain names");
      continue;
    }
    const std::string key = prefix.empty() ? key_node.Scalar() : prefix + "." + key_node.Scalar();
    if (!seen.insert(key_node.Scalar()).second) {
      m_diagnostics.error(key_where, key + ": duplicate key");
      continue;
    }
    if (key == "extends") continue;  // handled by load_file
    const ParamDecl* decl = chip_params().find(key);
    if (decl != nullptr) {
      // A missing value has no position of its own (yaml-cpp marks the next token).
      SourceLocation where = value.IsNull() ? key_where : location_of(file, value.Mark());
      if (where.line == 0) where = key_where;
      set_value(*decl, value, where);
    } else if (chip_params().is_section(key)) {
      m_sections.emplace(key, key_where);
      if (!value.IsMap()) {
        m_diagnostics.error(key_where, key + ": is a section; expected a mapping of its keys (" +
                                           chip_params().keys_under(key).front() + ", ...)");
        continue;
      }
      walk(value, key, file);
    } else {
      m_diagnostics.error(key_where, key + ": " + unknown_key_message(key));
    }
  }
}

void Loader::set_value(const ParamDecl& decl, const YAML::Node& value, SourceLocation where) {
  ParsedValue parsed = parse_value(decl, value);
  if (!parsed.value) {
    m_diagnostics.error(where, decl.key + ": " + parsed.error);
    m_invalid_keys.insert(decl.key);
    return;
  }
  m_settings[decl.key] = Setting{std::move(*parsed.value), std::move(where)};
}

void Loader::apply_override(const std::string& text, uint32_t index) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    m_diagnostics.error({kCommandLineFile, index, 1},
                        "--set '" + text + "': expected KEY=VALUE, e.g. chip.cores=8");
    return;
  }
  const std::string key = text.substr(0, eq);
  const std::string value_text = text.substr(eq + 1);
  const SourceLocation key_where{kCommandLineFile, index, 1};
  const SourceLocation value_where{kCommandLineFile, index, static_cast<uint32_t>(eq + 2)};
  const ParamDecl* decl = chip_params().find(key);
  if (decl == nullptr) {
    if (chip_params().is_section(key)) {
      m_diagnostics.error(key_where, key + ": is a section; set one of its keys, e.g. " +
                                         chip_params().keys_under(key).front());
    } else {
      m_diagnostics.error(key_where, key + ": " + unknown_key_message(key));
    }
    return;
  }
  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::Exception& e) {
    m_diagnostics.error(value_where, key + ": malformed value: " + e.msg);
    return;
  }
  set_value(*decl, value, value_where);
}

}  // namespace

ResolvedConfig load_chip_config(const std::string& path,
                                const std::vector<std::string>& overrides) {
  DiagnosticList diagnostics;
  Loader loader(diagnostics);
  std::vector<std::string> chain;
  loader.load_file(path, chain, SourceLocation{});
  for (size_t i = 0; i < overrides.size(); ++i) {
    loader.apply_override(overrides[i], static_cast<uint32_t>(i + 1));
  }
  // Unreadable or malformed files stop here: later checks would only add noise.
  if (loader.unreadable()) diagnostics.throw_if_any();

  ResolvedConfig resolved;
  resolved.files = loader.files();
  std::reverse(resolved.files.begin(), resolved.files.end());
  for (const ParamDecl& decl : chip_params().all()) {
    auto it = loader.settings().find(decl.key);
    if (it != loader.settings().end()) {
      decl.store(resolved.config, it->second.value);
      resolved.origin[decl.key] = it->second.where;
    } else if (decl.default_value) {
      decl.store(resolved.config, *decl.default_value);
    } else if (!loader.invalid_keys().contains(decl.key)) {
      // Report at the innermost section that the files do have, else at the top of the file.
      SourceLocation where{path, 1, 1};
      std::string section = decl.key;
      while (section.find('.') != std::string::npos) {
        section = section.substr(0, section.rfind('.'));
        auto s = loader.sections().find(section);
        if (s != loader.sections().end()) {
          where = s->second;
          break;
        }
      }
      diagnostics.error(where, decl.key + ": missing required key");
    }
  }
  // Consistency rules assume every value is present and in range.
  diagnostics.throw_if_any();

  check_consistency(resolved.config,
                    [&](const std::string& key) {
                      auto it = resolved.origin.find(key);
                      return it != resolved.origin.end() ? it->second
                                                         : SourceLocation{path, 1, 1};
                    },
                    diagnostics);
  diagnostics.throw_if_any();
  return resolved;
}

}  // namespace npu::config
