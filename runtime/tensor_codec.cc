// Tensor encoding (see tensor_codec.h).
#include "runtime/tensor_codec.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "base/error.h"
#include "numerics/convert.h"

namespace npu::runtime {
namespace {

template <typename Int>
Int to_int(double v) {
  if (std::isnan(v)) return 0;
  double r = std::nearbyint(v);
  if (r <= static_cast<double>(std::numeric_limits<Int>::min())) return std::numeric_limits<Int>::min();
  if (r >= static_cast<double>(std::numeric_limits<Int>::max())) return std::numeric_limits<Int>::max();
  return static_cast<Int>(r);
}

template <typename T>
void put(std::vector<uint8_t>& out, size_t i, T v) {
  std::memcpy(&out[i * sizeof(T)], &v, sizeof(T));
}

template <typename T>
T get(const std::vector<uint8_t>& in, size_t i) {
  T v{};
  std::memcpy(&v, &in[i * sizeof(T)], sizeof(T));
  return v;
}

}  // namespace

double round_to(isa::DataType t, double v) {
  using isa::DataType;
  switch (t) {
    case DataType::kF16: return numerics::fp16_to_fp32(numerics::double_to_fp16(v));
    case DataType::kBf16: return numerics::bf16_to_fp32(numerics::double_to_bf16(v));
    case DataType::kF32: return numerics::double_to_fp32(v);
    case DataType::kS8: return to_int<int8_t>(v);
    case DataType::kU8: return to_int<uint8_t>(v);
    case DataType::kS16: return to_int<int16_t>(v);
    case DataType::kS32: return to_int<int32_t>(v);
    case DataType::kS64: return static_cast<double>(to_int<int64_t>(v));
  }
  NPU_UNREACHABLE("tensor of an unknown data type");
}

std::vector<uint8_t> encode(isa::DataType t, const std::vector<double>& values) {
  using isa::DataType;
  std::vector<uint8_t> out(values.size() * isa::element_size(t));
  for (size_t i = 0; i < values.size(); ++i) {
    double v = values[i];
    switch (t) {
      case DataType::kF16: put(out, i, numerics::double_to_fp16(v).bits); break;
      case DataType::kBf16: put(out, i, numerics::double_to_bf16(v).bits); break;
      case DataType::kF32: put(out, i, numerics::double_to_fp32(v)); break;
      case DataType::kS8: put(out, i, to_int<int8_t>(v)); break;
      case DataType::kU8: put(out, i, to_int<uint8_t>(v)); break;
      case DataType::kS16: put(out, i, to_int<int16_t>(v)); break;
      case DataType::kS32: put(out, i, to_int<int32_t>(v)); break;
      case DataType::kS64: put(out, i, to_int<int64_t>(v)); break;
    }
  }
  return out;
}

std::vector<double> decode(isa::DataType t, const std::vector<uint8_t>& bytes) {
  using isa::DataType;
  const size_t n = bytes.size() / isa::element_size(t);
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) {
    switch (t) {
      case DataType::kF16: out[i] = numerics::fp16_to_fp32(numerics::Fp16{get<uint16_t>(bytes, i)}); break;
      case DataType::kBf16: out[i] = numerics::bf16_to_fp32(numerics::Bf16{get<uint16_t>(bytes, i)}); break;
      case DataType::kF32: out[i] = get<float>(bytes, i); break;
      case DataType::kS8: out[i] = get<int8_t>(bytes, i); break;
      case DataType::kU8: out[i] = get<uint8_t>(bytes, i); break;
      case DataType::kS16: out[i] = get<int16_t>(bytes, i); break;
      case DataType::kS32: out[i] = get<int32_t>(bytes, i); break;
      case DataType::kS64: out[i] = static_cast<double>(get<int64_t>(bytes, i)); break;
    }
  }
  return out;
}

}  // namespace npu::runtime
