// Op-spec parsing (see op_spec.h).
#include "compiler/ops/op_spec.h"

#include <cmath>
#include <set>
#include <sstream>
#include <vector>

#include "base/error.h"
#include "compiler/ops/ops.h"

namespace npu::compiler {
namespace {

constexpr const char* kFile = "<op>";

[[noreturn]] void fail(uint32_t col, const std::string& message) {
  throw UserError(SourceLocation{kFile, 1, col}, message);
}

// Shortest text that reads back as the same double ("0.5", "1e+06").
std::string format_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

OpSpec parse_op_spec(const std::string& text) {
  OpSpec spec;
  spec.text = text;
  DiagnosticList diags;
  size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  skip();
  size_t start = i;
  while (i < text.size() && text[i] != ' ') ++i;
  spec.op = text.substr(start, i - start);
  if (spec.op.empty()) fail(1, "empty op spec (expected e.g. \"matmul m=64 n=64 k=64 dtype=fp16\")");
  const OpDef* def = find_op(spec.op);
  if (def == nullptr) {
    std::string names;
    for (const OpDef* d : op_library()) names += (names.empty() ? "" : ", ") + d->name;
    fail(static_cast<uint32_t>(start + 1), "unknown op '" + spec.op + "' (expected one of: " + names + ")");
  }
  const std::set<std::string> keys(def->keys.begin(), def->keys.end());
  for (;;) {
    skip();
    if (i >= text.size()) break;
    size_t kstart = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '=') ++i;
    std::string key = text.substr(kstart, i - kstart);
    uint32_t col = static_cast<uint32_t>(kstart + 1);
    if (i >= text.size() || text[i] != '=') {
      diags.error({kFile, 1, col}, "expected key=value, found '" + key + "'");
      while (i < text.size() && text[i] != ' ') ++i;
      continue;
    }
    ++i;
    size_t vstart = i;
    while (i < text.size() && text[i] != ' ') ++i;
    std::string value = text.substr(vstart, i - vstart);
    if (!keys.count(key)) {
      std::string list;
      for (const std::string& k : keys) list += (list.empty() ? "" : ", ") + k;
      diags.error({kFile, 1, col}, "unknown key '" + key + "' for " + spec.op + " (expected " +
                                       list + ")");
      continue;
    }
    if (spec.values.count(key)) {
      diags.error({kFile, 1, col}, "key '" + key + "' given twice");
      continue;
    }
    if (value.empty()) {
      diags.error({kFile, 1, static_cast<uint32_t>(vstart + 1)}, "missing value for '" + key + "'");
      continue;
    }
    spec.values[key] = value;
    spec.columns[key] = static_cast<uint32_t>(vstart + 1);
  }
  diags.throw_if_any();
  return spec;
}

int64_t OpSpec::get_int(const std::string& key, int64_t min, int64_t max) const {
  auto it = values.find(key);
  if (it == values.end())
    fail(static_cast<uint32_t>(text.size() + 1), op + " needs key '" + key + "'");
  const std::string& v = it->second;
  int64_t out = 0;
  size_t used = 0;
  try {
    out = std::stoll(v, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || used == 0)
    fail(columns.at(key), "bad value '" + v + "' for '" + key + "' (expected an integer)");
  if (out < min || out > max)
    fail(columns.at(key), "'" + key + "' = " + v + " is out of range " + std::to_string(min) +
                              ".." + std::to_string(max));
  return out;
}

int64_t OpSpec::get_int(const std::string& key, int64_t min, int64_t max, int64_t fallback) const {
  if (!values.count(key)) return fallback;
  return get_int(key, min, max);
}

double OpSpec::get_double(const std::string& key, double min, double max,
                          double fallback) const {
  auto it = values.find(key);
  if (it == values.end()) return fallback;
  const std::string& v = it->second;
  double out = 0;
  size_t used = 0;
  try {
    out = std::stod(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || used == 0 || !std::isfinite(out))
    fail_at(key, "bad value '" + v + "' for '" + key + "' (expected a number)");
  if (out < min || out > max)
    fail_at(key, "'" + key + "' = " + v + " is out of range " + format_number(min) + ".." +
                     format_number(max));
  return out;
}

std::string OpSpec::get_enum(const std::string& key, const std::vector<std::string>& allowed,
                             const std::string& fallback) const {
  auto it = values.find(key);
  if (it == values.end()) {
    if (fallback.empty())
      fail(static_cast<uint32_t>(text.size() + 1), op + " needs key '" + key + "'");
    return fallback;
  }
  for (const std::string& a : allowed)
    if (a == it->second) return a;
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(columns.at(key), "unsupported " + key + " '" + it->second + "' (supported: " + list + ")");
}

std::vector<int64_t> OpSpec::get_shape(const std::string& key, size_t max_dims,
                                       int64_t max_dim) const {
  auto it = values.find(key);
  if (it == values.end()) fail_at(key, op + " needs key '" + key + "'");
  return parse_shape(key, it->second, max_dims, max_dim);
}

std::vector<std::vector<int64_t>> OpSpec::get_shapes(const std::string& key, size_t max_shapes,
                                                     size_t max_dims, int64_t max_dim) const {
  auto it = values.find(key);
  if (it == values.end()) fail_at(key, op + " needs key '" + key + "'");
  std::vector<std::vector<int64_t>> out;
  std::stringstream list(it->second);
  std::string one;
  while (std::getline(list, one, ',')) out.push_back(parse_shape(key, one, max_dims, max_dim));
  if (out.empty() || out.size() > max_shapes)
    fail_at(key, "'" + key + "' lists " + std::to_string(out.size()) + " shapes (1.." +
                     std::to_string(max_shapes) + ")");
  return out;
}

std::vector<int64_t> OpSpec::parse_shape(const std::string& key, const std::string& v,
                                         size_t max_dims, int64_t max_dim) const {
  std::vector<int64_t> dims;
  size_t start = 0;
  for (;;) {
    size_t end = v.find('x', start);
    std::string piece = v.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t used = 0;
    int64_t d = 0;
    try {
      d = std::stoll(piece, &used, 10);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != piece.size() || piece[0] == '-' || piece[0] == '+')
      fail_at(key, "bad shape '" + v + "' for '" + key + "' (expected dimensions like 4096x1024)");
    if (d < 1 || d > max_dim)
      fail_at(key, "dimension " + piece + " of '" + key + "' is out of range 1.." +
                       std::to_string(max_dim));
    dims.push_back(d);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (dims.size() > max_dims)
    fail_at(key, "'" + key + "' has " + std::to_string(dims.size()) + " dimensions (at most " +
                     std::to_string(max_dims) + ")");
  return dims;
}

void OpSpec::fail_at(const std::string& key, const std::string& message) const {
  auto it = columns.find(key);
  fail(it == columns.end() ? static_cast<uint32_t>(text.size() + 1) : it->second, message);
}

}  // namespace npu::compiler
