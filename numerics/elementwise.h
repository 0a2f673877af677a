// The vector unit's arithmetic on fp16, bf16 and fp32, defined once for the simulator, the
// compiler's host reference and the RTL vector lane (docs/numerics.md, "Elementwise rule").
//
// The rule: widen the operands exactly to fp32, compute in IEEE fp32 with round to nearest even
// (one rounding per fp32 operation, in the order written here; never fused), round the result
// once to the destination type with round to nearest even. For fp16 and bf16, add, sub, mul, div
// and sqrt computed this way equal the correctly rounded fp16 / bf16 result (24 >= 2p + 2).
// Transcendentals (exp, ln, rec, rsqrt) are computed in double, then rounded once to the
// destination. Any NaN result is the destination's canonical NaN.
//
// Every function is a template over VectorFloat (Fp16, Bf16, float) with identical meaning; the
// vector-scalar instructions (vadds, vmuls, ...) are the same functions with a scalar operand.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/error.h"
#include "numerics/convert.h"
#include "numerics/formats.h"
#include "numerics/rounding.h"

namespace npu::numerics {

template <typename T>
concept VectorFloat = std::same_as<T, Fp16> || std::same_as<T, Bf16> || std::same_as<T, float>;

// Exact widening to fp32.
constexpr float widen(Fp16 x) { return fp16_to_fp32(x); }
constexpr float widen(Bf16 x) { return bf16_to_fp32(x); }
constexpr float widen(float x) { return x; }

// The one rounding of an fp32 result to the destination: nearest even, canonical NaN.
template <VectorFloat T>
constexpr T narrow(float x) {
  if constexpr (std::same_as<T, Fp16>) {
    return fp32_to_fp16<RoundingMode::kRint>(x);
  } else if constexpr (std::same_as<T, Bf16>) {
    return fp32_to_bf16<RoundingMode::kRint>(x);
  } else {
    return canonicalize(x);
  }
}

// The one rounding of a double result to the destination: nearest even, canonical NaN.
template <VectorFloat T>
constexpr T narrow_from_double(double x) {
  if constexpr (std::same_as<T, Fp16>) {
    return double_to_fp16<RoundingMode::kRint>(x);
  } else if constexpr (std::same_as<T, Bf16>) {
    return double_to_bf16<RoundingMode::kRint>(x);
  } else {
    return double_to_fp32<RoundingMode::kRint>(x);
  }
}

// ---- basic operations (correctly rounded for every type) ----------------------------------------

template <VectorFloat T>
constexpr T add(T a, T b) {
  return narrow<T>(widen(a) + widen(b));
}
template <VectorFloat T>
constexpr T sub(T a, T b) {
  return narrow<T>(widen(a) - widen(b));
}
template <VectorFloat T>
constexpr T mul(T a, T b) {
  return narrow<T>(widen(a) * widen(b));
}
template <VectorFloat T>
constexpr T div(T a, T b) {
  return narrow<T>(widen(a) / widen(b));
}
// sqrt(-0) = -0; sqrt(x < 0) = NaN.
template <VectorFloat T>
inline T sqrt(T a) {
  return narrow<T>(std::sqrt(widen(a)));
}

// a * b + c as two fp32 operations, each rounded (vmla, vmadd, vaxpy, with their operand
// orders). Never fused: npu_numerics compiles its users with -ffp-contract=off. For fp16 the
// product is exact, so only the sum and the final narrowing round.
template <VectorFloat T>
constexpr T mul_add(T a, T b, T c) {
  const float product = widen(a) * widen(b);
  return narrow<T>(product + widen(c));
}

// ---- max, min, abs, relu (exact: the result is one of the inputs, or 0) -------------------------

namespace detail {

// Maps a non-NaN fp32 bit pattern to an int32 that orders like the value, with -0 below +0:
// negative patterns get their magnitude bits flipped. Integer-only, so max and min stay
// branch-free and vectorise.
constexpr int32_t ordered_key(uint32_t bits) {
  const uint32_t flip = (0u - (bits >> 31)) >> 1;  // 0x7FFFFFFF for negatives, 0 otherwise
  return static_cast<int32_t>(bits ^ flip);
}

}  // namespace detail

// IEEE 754-2019 maximum: NaN if either input is NaN, and +0 is larger than -0.
template <VectorFloat T>
constexpr T max(T a, T b) {
  const float x = widen(a);
  const float y = widen(b);
  const uint32_t bx = fp32_bits(x);
  const uint32_t by = fp32_bits(y);
  const uint32_t larger =
      detail::select_bits(detail::ordered_key(bx) >= detail::ordered_key(by), bx, by);
  return narrow<T>(
      fp32_from_bits(detail::select_bits(is_nan(x) | is_nan(y), kFp32NaNBits, larger)));
}
// IEEE 754-2019 minimum: NaN if either input is NaN, and -0 is smaller than +0.
template <VectorFloat T>
constexpr T min(T a, T b) {
  const float x = widen(a);
  const float y = widen(b);
  const uint32_t bx = fp32_bits(x);
  const uint32_t by = fp32_bits(y);
  const uint32_t smaller =
      detail::select_bits(detail::ordered_key(bx) <= detail::ordered_key(by), bx, by);
  return narrow<T>(
      fp32_from_bits(detail::select_bits(is_nan(x) | is_nan(y), kFp32NaNBits, smaller)));
}
// Clears the sign; NaN -> canonical NaN.
template <VectorFloat T>
constexpr T abs(T a) {
  return narrow<T>(fp32_from_bits(fp32_bits(widen(a)) & 0x7FFFFFFFu));
}
// max(x, +0): negative values and -0 become +0, NaN stays NaN (canonical).
template <VectorFloat T>
constexpr T relu(T a) {
  return max(a, T{});
}
// x > 0 ? x : x * alpha, the product rounded in fp32 and then to the destination (vlrelu).
// -0 gives -0 * alpha; NaN -> canonical NaN.
template <VectorFloat T>
constexpr T leaky_relu(T a, T alpha) {
  const float x = widen(a);
  const float scaled = x * widen(alpha);
  const uint32_t bits = fp32_bits(x);
  const bool positive = bits - 1u < kFp32InfBits;  // (0, +Inf]: not zero, negative or NaN
  return narrow<T>(fp32_from_bits(detail::select_bits(positive, bits, fp32_bits(scaled))));
}

// ---- transcendentals: computed in double by the C library, rounded once -------------------------

// exp(-Inf) = +0, exp(+Inf) = +Inf.
template <VectorFloat T>
inline T exp(T a) {
  return narrow_from_double<T>(std::exp(static_cast<double>(widen(a))));
}
// Natural log. ln(+-0) = -Inf, ln(x < 0) = NaN, ln(+Inf) = +Inf.
template <VectorFloat T>
inline T ln(T a) {
  return narrow_from_double<T>(std::log(static_cast<double>(widen(a))));
}
// 1 / x. rec(+-0) = +-Inf, rec(+-Inf) = +-0. Correctly rounded (double has >= 2p + 2 bits).
template <VectorFloat T>
constexpr T rec(T a) {
  return narrow_from_double<T>(1.0 / static_cast<double>(widen(a)));
}
// 1 / sqrt(x), both in double. rsqrt(+0) = +Inf, rsqrt(-0) = -Inf, rsqrt(x < 0) = NaN.
template <VectorFloat T>
inline T rsqrt(T a) {
  return narrow_from_double<T>(1.0 / std::sqrt(static_cast<double>(widen(a))));
}

// ---- compare ------------------------------------------------------------------------------------

// vcmp conditions. IEEE comparisons of the exact values: -0 == +0; NaN is unordered, so every
// condition but kNe is false when an operand is NaN.
enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

template <VectorFloat T>
constexpr bool compare(CompareOp op, T a, T b) {
  const float x = widen(a);
  const float y = widen(b);
  switch (op) {
    case CompareOp::kEq:
      return x == y;
    case CompareOp::kNe:
      return !(x == y);
    case CompareOp::kLt:
      return x < y;
    case CompareOp::kLe:
      return x <= y;
    case CompareOp::kGt:
      return x > y;
    case CompareOp::kGe:
      return x >= y;
  }
  NPU_UNREACHABLE("bad CompareOp");
}

// ---- reductions ---------------------------------------------------------------------------------

namespace detail {

// Pairwise sum of x[0..n) in fp32: the first P elements (P the largest power of two below n)
// and the rest are summed recursively and added. This is the same tree as adding neighbours
// level by level (x0+x1, x2+x3, ...) with an odd last element passed up unchanged.
template <VectorFloat T>
constexpr float pairwise_sum(const T* x, std::size_t n) {
  if (n == 1) {
    return widen(x[0]);
  }
  std::size_t left = 1;
  while (left * 2 < n) {
    left *= 2;
  }
  return pairwise_sum(x, left) + pairwise_sum(x + left, n - left);
}

}  // namespace detail

// Sum of x for vcadd / vcgadd: the pairwise tree of detail::pairwise_sum in fp32, each addition
// rounded to nearest even, the total rounded once to T. An empty span sums to +0.
template <VectorFloat T>
constexpr T reduce_add(std::span<const T> x) {
  return x.empty() ? T{} : narrow<T>(detail::pairwise_sum(x.data(), x.size()));
}
// Largest / smallest element (vcmax / vcmin); order does not matter since max and min are
// associative and commutative as defined above. NPU_CHECKs that x is not empty.
template <VectorFloat T>
constexpr T reduce_max(std::span<const T> x) {
  NPU_CHECK(!x.empty(), "reduce_max of nothing");
  T result = x[0];
  for (std::size_t i = 1; i < x.size(); ++i) {
    result = max(result, x[i]);
  }
  return narrow<T>(widen(result));
}
template <VectorFloat T>
constexpr T reduce_min(std::span<const T> x) {
  NPU_CHECK(!x.empty(), "reduce_min of nothing");
  T result = x[0];
  for (std::size_t i = 1; i < x.size(); ++i) {
    result = min(result, x[i]);
  }
  return narrow<T>(widen(result));
}

}  // namespace npu::numerics
