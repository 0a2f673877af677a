// Conversions between npusim's data types: the `vconv` family, the cube's operand widening, the
// fixpipe's narrowing and the compiler's host reference all call these, so they agree bit for
// bit. The rules (docs/numerics.md): every conversion rounds the exact source value once, in the
// given mode; subnormals are kept; NaN becomes the destination's canonical NaN; an out-of-range
// float becomes Inf or the largest finite value as IEEE 754 says for the mode; a float to integer
// conversion saturates to the destination's range and sends NaN to 0.
//
// Each rounding conversion exists in two forms: `f(x, mode)` with a run-time mode (default
// RoundingMode::kRint) and `f<kMode>(x)` with a compile-time one for tight loops. Everything is
// inline and allocation-free; the conversions from fp32, fp16 and bf16 are also branch-free on
// the value, so loops over them vectorise (the span overloads of convert() at the end do).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>

#include "base/error.h"
#include "numerics/formats.h"
#include "numerics/rounding.h"

namespace npu::numerics {

namespace detail {

// fp32 -> fp16 on bit patterns, defined below; nearest even has its own shorter version.
template <RoundingMode kMode>
constexpr uint16_t fp32_to_fp16_bits(uint32_t x);

// The hot case, nearest even, in half the instructions. Normal results: adding 0xFFF plus the
// last kept bit before the shift rounds to nearest even (a carry may reach the exponent, up to
// Inf). Subnormal results: |x| + 0.5f has an ulp of 2^-24, so the FPU's own nearest-even
// addition (the default environment, numerics/fp_env.h) rounds |x| to the fp16 subnormal grid.
template <>
constexpr uint16_t fp32_to_fp16_bits<RoundingMode::kRint>(uint32_t x) {
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t a = x & 0x7FFFFFFFu;
  const bool subnormal = a < 0x38800000u;  // 2^-14
  const uint32_t normal = (a - 0x38000000u + 0xFFFu + ((a >> 13) & 1u)) >> 13;
  const uint32_t small =
      fp32_bits(fp32_from_bits(select_bits(subnormal, a, 0u)) + 0.5f) - 0x3F000000u;
  uint32_t magnitude = select_bits(subnormal, small, normal);
  magnitude = select_bits(a >= 0x47800000u, 0x7C00u, magnitude);  // |x| >= 2^16 and Inf
  return static_cast<uint16_t>(select_bits(a > kFp32InfBits, kFp16NaN.bits, sign | magnitude));
}

// The general case. Above 2^-14 the result is normal: rebias the exponent by subtracting
// 112 << 23 and cut 13 mantissa bits. Below, it is a subnormal m * 2^-24: scaling by 2^24 is
// exact, and the float -> int truncation and the subtraction that split off the fraction are
// exact too; the fraction's bit pattern then gives the round and sticky bits. (This avoids
// variable shifts, which SSE2 does not have, so the function vectorises.)
template <RoundingMode kMode>
constexpr uint16_t fp32_to_fp16_bits(uint32_t x) {
  const bool negative = (x >> 31) != 0;
  const uint32_t a = x & 0x7FFFFFFFu;
  const bool normal = a >= 0x38800000u;  // 2^-14
  const uint32_t q_normal = (a - 0x38000000u) >> 13;
  const bool round_normal = ((a >> 12) & 1u) != 0;
  const bool sticky_normal = (a & 0xFFFu) != 0;
  const float scaled = fp32_from_bits(select_bits(normal, 0u, a)) * 0x1p24f;
  const int32_t whole = static_cast<int32_t>(scaled);
  const uint32_t fraction = fp32_bits(scaled - static_cast<float>(whole));  // in [0, 1)
  constexpr uint32_t kHalf = 0x3F000000u;
  const bool round_sub = fraction >= kHalf;
  const bool sticky_sub = fraction != 0u && fraction != kHalf;

  uint32_t magnitude =
      round_magnitude<kMode>(select_bits(normal, q_normal, static_cast<uint32_t>(whole)), negative,
                             select_bits(normal, round_normal, round_sub) != 0,
                             select_bits(normal, sticky_normal, sticky_sub) != 0);
  const uint32_t overflow = overflows_to_inf<kMode>(negative) ? 0x7C00u : 0x7BFFu;
  magnitude = select_bits(a >= 0x47800000u, overflow, magnitude);  // |x| >= 2^16
  magnitude = select_bits(a == kFp32InfBits, 0x7C00u, magnitude);
  const uint32_t sign = negative ? 0x8000u : 0u;
  return static_cast<uint16_t>(select_bits(a > kFp32InfBits, kFp16NaN.bits, sign | magnitude));
}

// fp32 -> bf16: bf16 is the top half of fp32, so rounding is cutting 16 bits off the magnitude.
// The carry of round_magnitude takes the largest finite value to Inf where the mode says so.
template <RoundingMode kMode>
constexpr uint16_t fp32_to_bf16_bits(uint32_t x) {
  const bool negative = (x >> 31) != 0;
  const uint32_t a = x & 0x7FFFFFFFu;
  const uint32_t magnitude =
      round_magnitude<kMode>(a >> 16, negative, ((a >> 15) & 1u) != 0, (a & 0x7FFFu) != 0);
  const uint32_t sign = negative ? 0x8000u : 0u;
  return a > kFp32InfBits ? kBf16NaN.bits : static_cast<uint16_t>(sign | magnitude);
}

// binary64 -> a binary format with kExpBits exponent and kManBits mantissa bits (fp32, fp16 and
// bf16 here). The general algorithm, written for clarity rather than speed: it serves the
// transcendental functions, whose results are computed in double, and the directed-mode
// int32 -> fp32 conversion.
template <int kExpBits, int kManBits, RoundingMode kMode>
constexpr uint32_t double_to_bits(double value) {
  constexpr uint64_t kBias = (uint64_t{1} << (kExpBits - 1)) - 1;
  constexpr uint64_t kInf = ((uint64_t{1} << kExpBits) - 1) << kManBits;
  constexpr uint64_t kNaN = kInf | (uint64_t{1} << (kManBits - 1));
  // Biased double exponents of the destination's smallest normal binade and of the first binade
  // above its largest finite value.
  constexpr uint64_t kMinNormalExp = 1023 - kBias + 1;
  constexpr uint64_t kOverflowExp = 1023 + kBias + 1;
  constexpr uint64_t kNormalShift = 52 - kManBits;

  const uint64_t x = std::bit_cast<uint64_t>(value);
  const bool negative = (x >> 63) != 0;
  const uint64_t a = x & ~(uint64_t{1} << 63);
  const uint64_t biased_exp = a >> 52;
  const uint64_t exp = std::max<uint64_t>(biased_exp, 1);  // double subnormals share binade 1
  const uint64_t sig = (a & ((uint64_t{1} << 52) - 1)) | (biased_exp != 0 ? uint64_t{1} << 52 : 0);
  // Each binade below the destination's normal range shifts one more bit out; 54 clears all.
  const uint64_t below = exp < kMinNormalExp ? kMinNormalExp - exp : 0;
  const uint64_t shift = std::min<uint64_t>(kNormalShift + below, 54);
  const uint64_t base = exp < kMinNormalExp ? 0 : (exp - kMinNormalExp) << kManBits;
  const uint64_t q = base + (sig >> shift);
  const bool round_bit = ((sig >> (shift - 1)) & 1u) != 0;
  const bool sticky = (sig & ((uint64_t{1} << (shift - 1)) - 1)) != 0;
  uint64_t magnitude = round_magnitude<kMode>(q, negative, round_bit, sticky);
  magnitude = biased_exp >= kOverflowExp ? (overflows_to_inf<kMode>(negative) ? kInf : kInf - 1)
                                         : magnitude;
  magnitude = biased_exp == 2047 ? kInf : magnitude;
  const uint64_t sign = negative ? uint64_t{1} << (kExpBits + kManBits) : 0;
  const bool nan = a > (uint64_t{2047} << 52);
  return static_cast<uint32_t>(nan ? kNaN : (sign | magnitude));
}

template <typename Int>
inline constexpr bool kIsConversionInt =
    std::is_same_v<Int, int8_t> || std::is_same_v<Int, uint8_t> || std::is_same_v<Int, int16_t> ||
    std::is_same_v<Int, int32_t>;

}  // namespace detail

// ---- float <-> float ----------------------------------------------------------------------------

template <RoundingMode kMode>
constexpr Fp16 fp32_to_fp16(float x) {
  return Fp16{detail::fp32_to_fp16_bits<kMode>(fp32_bits(x))};
}
constexpr Fp16 fp32_to_fp16(float x, RoundingMode mode = RoundingMode::kRint) {
  return with_rounding_mode(mode, [x](auto m) { return fp32_to_fp16<decltype(m)::value>(x); });
}

template <RoundingMode kMode>
constexpr Bf16 fp32_to_bf16(float x) {
  return Bf16{detail::fp32_to_bf16_bits<kMode>(fp32_bits(x))};
}
constexpr Bf16 fp32_to_bf16(float x, RoundingMode mode = RoundingMode::kRint) {
  return with_rounding_mode(mode, [x](auto m) { return fp32_to_bf16<decltype(m)::value>(x); });
}

// Exact. Normal values rebias the exponent; a subnormal m * 2^-24 is m converted to float and
// scaled, both exact.
constexpr float fp16_to_fp32(Fp16 h) {
  const uint32_t a = h.bits & 0x7FFFu;
  const uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16;
  const uint32_t normal = (a << 13) + (112u << 23);
  const uint32_t subnormal = fp32_bits(static_cast<float>(a & 0x3FFu) * 0x1p-24f);
  uint32_t magnitude = detail::select_bits(a < 0x0400u, subnormal, normal);
  magnitude = detail::select_bits(a == 0x7C00u, kFp32InfBits, magnitude);
  return fp32_from_bits(detail::select_bits(a > 0x7C00u, kFp32NaNBits, sign | magnitude));
}

// Exact: bf16 is the top half of fp32.
constexpr float bf16_to_fp32(Bf16 h) {
  const uint32_t bits = static_cast<uint32_t>(h.bits) << 16;
  return fp32_from_bits((h.bits & 0x7FFFu) > 0x7F80u ? kFp32NaNBits : bits);
}

// fp16 <-> bf16: widen exactly to fp32, then round once.
template <RoundingMode kMode>
constexpr Bf16 fp16_to_bf16(Fp16 h) {
  return fp32_to_bf16<kMode>(fp16_to_fp32(h));
}
constexpr Bf16 fp16_to_bf16(Fp16 h, RoundingMode mode = RoundingMode::kRint) {
  return fp32_to_bf16(fp16_to_fp32(h), mode);
}
template <RoundingMode kMode>
constexpr Fp16 bf16_to_fp16(Bf16 h) {
  return fp32_to_fp16<kMode>(bf16_to_fp32(h));
}
constexpr Fp16 bf16_to_fp16(Bf16 h, RoundingMode mode = RoundingMode::kRint) {
  return fp32_to_fp16(bf16_to_fp32(h), mode);
}

// double -> fp32 / fp16 / bf16, rounding the exact double once. Used for results computed in
// double (transcendentals) and by host references.
template <RoundingMode kMode>
constexpr float double_to_fp32(double x) {
  return fp32_from_bits(detail::double_to_bits<8, 23, kMode>(x));
}
constexpr float double_to_fp32(double x, RoundingMode mode = RoundingMode::kRint) {
  return with_rounding_mode(mode, [x](auto m) { return double_to_fp32<decltype(m)::value>(x); });
}
template <RoundingMode kMode>
constexpr Fp16 double_to_fp16(double x) {
  return Fp16{static_cast<uint16_t>(detail::double_to_bits<5, 10, kMode>(x))};
}
constexpr Fp16 double_to_fp16(double x, RoundingMode mode = RoundingMode::kRint) {
  return with_rounding_mode(mode, [x](auto m) { return double_to_fp16<decltype(m)::value>(x); });
}
template <RoundingMode kMode>
constexpr Bf16 double_to_bf16(double x) {
  return Bf16{static_cast<uint16_t>(detail::double_to_bits<8, 7, kMode>(x))};
}
constexpr Bf16 double_to_bf16(double x, RoundingMode mode = RoundingMode::kRint) {
  return with_rounding_mode(mode, [x](auto m) { return double_to_bf16<decltype(m)::value>(x); });
}

// ---- float -> integer ---------------------------------------------------------------------------

// fp32 -> Int (int8_t, uint8_t, int16_t or int32_t): round the exact value to an integer in
// kMode, then clamp to Int's range. NaN -> 0; +-Inf -> the range's ends. kOdd works on the
// magnitude (-2.5 -> -3), like the float formats, which are sign-magnitude too.
template <typename Int, RoundingMode kMode>
constexpr Int fp32_to_int(float x) {
  static_assert(detail::kIsConversionInt<Int>, "fp32_to_int: int8, uint8, int16 or int32 only");
  // int8_t holds numbers here, so widening it with sign extension is the point.
  // NOLINTNEXTLINE(bugprone-signed-char-misuse)
  constexpr auto kMin = static_cast<int32_t>(std::numeric_limits<Int>::min());
  constexpr auto kMax = static_cast<int32_t>(std::numeric_limits<Int>::max());
  const uint32_t bits = fp32_bits(x);
  const bool negative = (bits >> 31) != 0;
  const uint32_t a = bits & 0x7FFFFFFFu;
  // |x| >= 2^31 (with Inf and NaN) saturates every destination. Below, float -> int32 is an
  // exact truncation and the fraction it leaves is exact.
  const bool huge = a >= 0x4F000000u;
  const float magnitude = fp32_from_bits(detail::select_bits(huge, 0u, a));
  const int32_t whole = static_cast<int32_t>(magnitude);
  const uint32_t fraction = fp32_bits(magnitude - static_cast<float>(whole));  // in [0, 1)
  constexpr uint32_t kHalf = 0x3F000000u;
  // At most 2^31 - 128: a rounding increment only happens below 2^23.
  const uint32_t q =
      detail::round_magnitude<kMode>(static_cast<uint32_t>(whole), negative, fraction >= kHalf,
                                     fraction != 0u && fraction != kHalf);
  const int32_t value =
      std::clamp(static_cast<int32_t>(detail::select_bits(negative, 0u - q, q)), kMin, kMax);
  const uint32_t saturated = static_cast<uint32_t>(negative ? kMin : kMax);
  const uint32_t result = detail::select_bits(huge, saturated, static_cast<uint32_t>(value));
  return static_cast<Int>(static_cast<int32_t>(detail::select_bits(a > kFp32InfBits, 0u, result)));
}
template <typename Int>
constexpr Int fp32_to_int(float x, RoundingMode mode = RoundingMode::kRint) {
  return with_rounding_mode(mode, [x](auto m) { return fp32_to_int<Int, decltype(m)::value>(x); });
}

// fp16 -> Int: the same rule applied to the exact fp32 value.
template <typename Int, RoundingMode kMode>
constexpr Int fp16_to_int(Fp16 h) {
  return fp32_to_int<Int, kMode>(fp16_to_fp32(h));
}
template <typename Int>
constexpr Int fp16_to_int(Fp16 h, RoundingMode mode = RoundingMode::kRint) {
  return fp32_to_int<Int>(fp16_to_fp32(h), mode);
}

// ---- integer -> float ---------------------------------------------------------------------------

// int32 -> fp32 rounds when |v| > 2^24. The host's int -> float conversion is round to nearest
// even in the default floating-point environment (numerics/fp_env.h checks it), so kRint uses
// it; the other modes go through the exact double.
template <RoundingMode kMode>
constexpr float int32_to_fp32(int32_t v) {
  if constexpr (kMode == RoundingMode::kRint) {
    return static_cast<float>(v);
  } else {
    return double_to_fp32<kMode>(static_cast<double>(v));
  }
}
constexpr float int32_to_fp32(int32_t v, RoundingMode mode = RoundingMode::kRint) {
  return with_rounding_mode(mode, [v](auto m) { return int32_to_fp32<decltype(m)::value>(v); });
}

// int32 -> fp16, rounded once. Any |v| >= 2^16 overflows fp16, and the overflow result depends
// only on the sign and the mode, so clamping to +-2^24 first (exact in fp32) changes nothing and
// makes the fp32 step exact.
template <RoundingMode kMode>
constexpr Fp16 int32_to_fp16(int32_t v) {
  constexpr int32_t kLimit = int32_t{1} << 24;
  return fp32_to_fp16<kMode>(static_cast<float>(std::clamp(v, -kLimit, kLimit)));
}
constexpr Fp16 int32_to_fp16(int32_t v, RoundingMode mode = RoundingMode::kRint) {
  return with_rounding_mode(mode, [v](auto m) { return int32_to_fp16<decltype(m)::value>(v); });
}

// Exact: every int8 and uint8 value is an fp16 value.
constexpr Fp16 int8_to_fp16(int8_t v) {
  return fp32_to_fp16<RoundingMode::kRint>(static_cast<float>(v));
}
constexpr Fp16 uint8_to_fp16(uint8_t v) {
  return fp32_to_fp16<RoundingMode::kRint>(static_cast<float>(v));
}

// ---- arrays -------------------------------------------------------------------------------------

namespace detail {

// Applies f elementwise. `omp simd` (enabled by -fopenmp-simd, which npu_numerics adds to its
// users' flags; no OpenMP run time is involved) makes GCC vectorise at -O2, whose default cost
// model refuses any loop that needs a scalar epilogue.
template <typename In, typename Out, typename F>
inline void map_elements(std::span<const In> in, std::span<Out> out, F f) {
  NPU_CHECK(in.size() == out.size(), "numerics::convert: input and output sizes differ");
  const std::size_t n = in.size();
  const In* src = in.data();
  Out* dst = out.data();
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    dst[i] = f(src[i]);
  }
}

}  // namespace detail

// out[i] = in[i] converted; the spans must have equal sizes (checked).
inline void convert(std::span<const float> in, std::span<Fp16> out,
                    RoundingMode mode = RoundingMode::kRint) {
  with_rounding_mode(mode, [&](auto m) {
    detail::map_elements(in, out, [](float x) { return fp32_to_fp16<decltype(m)::value>(x); });
  });
}
inline void convert(std::span<const float> in, std::span<Bf16> out,
                    RoundingMode mode = RoundingMode::kRint) {
  with_rounding_mode(mode, [&](auto m) {
    detail::map_elements(in, out, [](float x) { return fp32_to_bf16<decltype(m)::value>(x); });
  });
}
inline void convert(std::span<const Fp16> in, std::span<float> out) {
  detail::map_elements(in, out, [](Fp16 h) { return fp16_to_fp32(h); });
}
inline void convert(std::span<const Bf16> in, std::span<float> out) {
  detail::map_elements(in, out, [](Bf16 h) { return bf16_to_fp32(h); });
}
// fp32 / fp16 -> Int (int8_t, uint8_t, int16_t, int32_t) with saturation. Pass the output as a
// std::span<Int> (a template cannot deduce Int through a vector's conversion).
template <typename Int>
requires detail::kIsConversionInt<Int>
inline void convert(std::span<const float> in, std::span<Int> out,
                    RoundingMode mode = RoundingMode::kRint) {
  with_rounding_mode(mode, [&](auto m) {
    detail::map_elements(in, out, [](float x) { return fp32_to_int<Int, decltype(m)::value>(x); });
  });
}
template <typename Int>
requires detail::kIsConversionInt<Int>
inline void convert(std::span<const Fp16> in, std::span<Int> out,
                    RoundingMode mode = RoundingMode::kRint) {
  with_rounding_mode(mode, [&](auto m) {
    detail::map_elements(in, out, [](Fp16 h) { return fp16_to_int<Int, decltype(m)::value>(h); });
  });
}

}  // namespace npu::numerics
