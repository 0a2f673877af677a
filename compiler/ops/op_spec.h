// Op specs: the command-line description of an operator, e.g.
// "matmul m=1024 n=1024 k=1024 dtype=fp16 trans_b=1" (syntax in docs/ops.md). Errors point at
// the offending character as "<op>:1:COL: error: message".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace npu::compiler {

struct OpSpec {
  std::string op;  // "matmul"
  std::map<std::string, std::string> values;
  std::map<std::string, uint32_t> columns;  // column of each key (for later errors)
  std::string text;

  // Typed accessors; a missing required key or a bad value is a located UserError.
  int64_t get_int(const std::string& key, int64_t min, int64_t max) const;
  int64_t get_int(const std::string& key, int64_t min, int64_t max, int64_t fallback) const;
  // A finite decimal number (`eps=1e-5`, `scale=0.125`) in [min, max].
  double get_double(const std::string& key, double min, double max, double fallback) const;
  std::string get_enum(const std::string& key, const std::vector<std::string>& allowed,
                       const std::string& fallback) const;
  // A shape "4096x1024" (1..max_dims dimensions, each 1..max_dim).
  std::vector<int64_t> get_shape(const std::string& key, size_t max_dims, int64_t max_dim) const;
  // Shapes separated by commas: "4x3,4x5" (1..max_shapes of them).
  std::vector<std::vector<int64_t>> get_shapes(const std::string& key, size_t max_shapes,
                                               size_t max_dims, int64_t max_dim) const;
  std::vector<int64_t> parse_shape(const std::string& key, const std::string& text,
                                   size_t max_dims, int64_t max_dim) const;
  bool has(const std::string& key) const { return values.count(key) != 0; }
  // A UserError located at the key's value (or at the end of the spec when the key is absent).
  [[noreturn]] void fail_at(const std::string& key, const std::string& message) const;
};

// Parses the text; checks every key against the op's known keys.
OpSpec parse_op_spec(const std::string& text);

}  // namespace npu::compiler
