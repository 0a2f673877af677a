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
  double get_double(const std::string& key, double min, double max, double fallback) const;
  std::string get_enum(const std::string& key, const std::vector<std::string>& allowed,
                       const std::string& fallback) const;
};

// Parses the text; checks every key against the op's known keys.
OpSpec parse_op_spec(const std::string& text);

}  // namespace npu::compiler
