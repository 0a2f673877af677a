// The fixpipe's value conversions on the way out of L0C (docs/numerics.md, "Fixpipe"): fp32
// accumulators to fp16 / bf16 / fp32, int32 accumulators dequantised to fp16 or requantised to
// int8 with an fp32 scale, and the optional ReLU. Layout work (NZ -> ND, channel merge) is the
// simulator's; these functions only say what one element becomes.
//
// Order of steps for every path: (1) an int32 accumulator becomes fp32 with round to nearest
// even, (2) it is multiplied by the scale in fp32 (round to nearest even), if the path has one,
// (3) ReLU, if enabled, (4) one rounding to the destination type (nearest even; integers
// saturate, NaN -> 0).
#pragma once

#include <cstdint>

#include "numerics/convert.h"
#include "numerics/formats.h"
#include "numerics/rounding.h"

namespace npu::numerics {

// Whether the fixpipe applies ReLU (the reluEn field).
enum class Relu : uint8_t { kOff, kOn };

// ReLU on an fp32 value: max(x, +0); -0 -> +0; NaN -> canonical NaN.
constexpr float apply_relu(float x, Relu relu) {
  const bool zero = relu == Relu::kOn && !(x > 0.0f) && !is_nan(x);
  return canonicalize(zero ? 0.0f : x);
}
// ReLU on an int32 value.
constexpr int32_t apply_relu(int32_t x, Relu relu) { return relu == Relu::kOn && x < 0 ? 0 : x; }

// fp32 accumulator -> output.
constexpr Fp16 fixpipe_fp32_to_fp16(float acc, Relu relu = Relu::kOff) {
  return fp32_to_fp16<RoundingMode::kRint>(apply_relu(acc, relu));
}
constexpr Bf16 fixpipe_fp32_to_bf16(float acc, Relu relu = Relu::kOff) {
  return fp32_to_bf16<RoundingMode::kRint>(apply_relu(acc, relu));
}
constexpr float fixpipe_fp32_to_fp32(float acc, Relu relu = Relu::kOff) {
  return apply_relu(acc, relu);
}
// fp32 accumulator quantised to int8: RN(acc * scale), ReLU, round to nearest even, saturate.
constexpr int8_t fixpipe_fp32_to_int8(float acc, float scale, Relu relu = Relu::kOff) {
  return fp32_to_int<int8_t, RoundingMode::kRint>(apply_relu(acc * scale, relu));
}

// int32 accumulator -> output.
constexpr int32_t fixpipe_int32_to_int32(int32_t acc, Relu relu = Relu::kOff) {
  return apply_relu(acc, relu);
}
// Dequantisation: RN32(RN32(acc) * scale), ReLU, round to fp16 (nearest even; overflow -> Inf).
constexpr Fp16 fixpipe_int32_to_fp16(int32_t acc, float scale, Relu relu = Relu::kOff) {
  const float scaled = int32_to_fp32<RoundingMode::kRint>(acc) * scale;
  return fp32_to_fp16<RoundingMode::kRint>(apply_relu(scaled, relu));
}
// Requantisation: RN32(RN32(acc) * scale), ReLU, round to nearest even, saturate to int8.
constexpr int8_t fixpipe_int32_to_int8(int32_t acc, float scale, Relu relu = Relu::kOff) {
  const float scaled = int32_to_fp32<RoundingMode::kRint>(acc) * scale;
  return fp32_to_int<int8_t, RoundingMode::kRint>(apply_relu(scaled, relu));
}

}  // namespace npu::numerics
