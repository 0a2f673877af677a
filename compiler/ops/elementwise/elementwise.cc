// Shared helpers of the elementwise op generators (see elementwise.h).
#include "compiler/ops/elementwise/elementwise.h"

#include <cmath>

#include "base/error.h"

namespace npu::compiler {

isa::DataType dtype_named(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(isa::DataType::kS64); ++i) {
    auto t = static_cast<isa::DataType>(i);
    if (isa::long_name(t) == name) return t;
  }
  NPU_CHECK(false, "unknown data type name " + name);
  return isa::DataType::kF16;
}

isa::DataType get_dtype(const OpSpec& spec, const std::string& key,
                        const std::vector<std::string>& allowed, const std::string& fallback) {
  return dtype_named(spec.get_enum(key, allowed, fallback));
}

int64_t get_elements(const OpSpec& spec) {
  constexpr int64_t kMax = int64_t{1} << 32;
  if (spec.has("n") == spec.has("shape"))
    spec.fail_at(spec.has("n") ? "shape" : "n",
                 spec.op + " needs either 'n' or 'shape' (e.g. n=4096 or shape=64x1024)");
  if (spec.has("n")) return spec.get_int("n", 1, kMax);
  int64_t n = 1;
  for (int64_t d : spec.get_shape("shape", 8, kMax)) n *= d;
  if (n > kMax) spec.fail_at("shape", "'shape' has more than 2^32 elements");
  return n;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string out;
  for (int64_t d : shape) out += (out.empty() ? "" : "x") + std::to_string(d);
  return out;
}

double unit_roundoff(isa::DataType t) {
  switch (t) {
    case isa::DataType::kF16: return std::ldexp(1.0, -11);
    case isa::DataType::kBf16: return std::ldexp(1.0, -8);
    case isa::DataType::kF32: return std::ldexp(1.0, -24);
    default: return 0;  // integers: exact
  }
}

double smallest_normal(isa::DataType t) {
  switch (t) {
    case isa::DataType::kF16: return std::ldexp(1.0, -14);
    case isa::DataType::kBf16:
    case isa::DataType::kF32: return std::ldexp(1.0, -126);
    default: return 0;
  }
}

}  // namespace npu::compiler
