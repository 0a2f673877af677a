// Independent references for the numerics tests: nothing here calls npu_numerics.
//
// Two sources of truth, each computed differently from the library:
//  * the compiler's own conversions (_Float16, float, int) executed under fesetround(), so the
//    hardware (or libgcc's soft-float, which honours MXCSR) does the rounding; this covers the
//    IEEE modes rint, floor, ceil and zero;
//  * reference_round(): rounding written with double arithmetic (frexp, ldexp and the C
//    library's floor / ceil / trunc / round / nearbyint), which also covers away and odd.
#pragma once

#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "numerics/rounding.h"

namespace npu::numerics::testing {

// Sets the host rounding mode for a scope. Tests that use it compile with -frounding-math so
// GCC does not fold conversions with the default mode.
class ScopedRounding {
 public:
  explicit ScopedRounding(int mode) : m_saved(std::fegetround()) { std::fesetround(mode); }
  ~ScopedRounding() { std::fesetround(m_saved); }
  ScopedRounding(const ScopedRounding&) = delete;
  ScopedRounding& operator=(const ScopedRounding&) = delete;

 private:
  int m_saved;
};

// The <cfenv> mode equal to an npusim mode, or -1 for away and odd, which IEEE hosts lack.
inline int fenv_mode(RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kRint:
      return FE_TONEAREST;
    case RoundingMode::kFloor:
      return FE_DOWNWARD;
    case RoundingMode::kCeil:
      return FE_UPWARD;
    case RoundingMode::kZero:
      return FE_TOWARDZERO;
    case RoundingMode::kAway:
    case RoundingMode::kOdd:
      return -1;
  }
  return -1;
}

inline uint16_t float16_bits(_Float16 h) {
  uint16_t bits;
  std::memcpy(&bits, &h, sizeof bits);
  return bits;
}
inline _Float16 float16_from_bits(uint16_t bits) {
  _Float16 h;
  std::memcpy(&h, &bits, sizeof h);
  return h;
}
inline uint32_t float_bits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}
inline float float_from_bits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// fp32 -> fp16 by the host under the given <cfenv> rounding mode, for each input bit pattern.
// volatile keeps GCC from moving the conversions across fesetround().
inline std::vector<uint16_t> host_float_to_float16(const std::vector<uint32_t>& inputs,
                                                   int fe_mode) {
  std::vector<uint16_t> out(inputs.size());
  ScopedRounding rounding(fe_mode);
  for (size_t i = 0; i < inputs.size(); ++i) {
    volatile float in = float_from_bits(inputs[i]);
    volatile _Float16 converted = static_cast<_Float16>(in);
    out[i] = float16_bits(converted);
  }
  return out;
}

// A binary floating-point format described by numbers, for reference_round().
struct Format {
  int mantissa_bits;  // stored bits after the binary point
  int min_exp;        // exponent of the smallest normal binade
  int max_exp;        // exponent of the largest finite binade
  double max_finite() const { return std::ldexp(2.0 - std::ldexp(1.0, -mantissa_bits), max_exp); }
};
inline constexpr Format kFp16Format{10, -14, 15};
inline constexpr Format kBf16Format{7, -126, 127};
inline constexpr Format kFp32Format{23, -126, 127};

// Rounds x to an integer in the given mode, with the C library in double.
inline double reference_round_integer(double x, RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kRint:
      return std::nearbyint(x);  // the tests run in the default mode
    case RoundingMode::kFloor:
      return std::floor(x);
    case RoundingMode::kCeil:
      return std::ceil(x);
    case RoundingMode::kAway:
      return std::round(x);
    case RoundingMode::kZero:
      return std::trunc(x);
    case RoundingMode::kOdd: {
      const double t = std::trunc(x);
      if (t == x || std::fmod(t, 2.0) != 0.0) {
        return t;
      }
      return t + std::copysign(1.0, x);  // the odd neighbour on x's side
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// Rounds x (NaN, Inf or any double) to the format, in double arithmetic: find the binade, scale
// x so that the format's last place is 1 (exact: a power of two), round to an integer, scale
// back, and apply the overflow rule. The result is a double holding the exact format value.
inline double reference_round(double x, const Format& format, RoundingMode mode) {
  if (std::isnan(x) || std::isinf(x) || x == 0.0) {
    return x;
  }
  int exp2 = 0;
  std::frexp(x, &exp2);  // |x| = m * 2^exp2, m in [0.5, 1)
  const int binade = std::max(exp2 - 1, format.min_exp);
  const double quantum = std::ldexp(1.0, binade - format.mantissa_bits);
  const double rounded = reference_round_integer(x / quantum, mode) * quantum;
  if (std::fabs(rounded) > format.max_finite()) {
    const bool to_inf = mode == RoundingMode::kRint || mode == RoundingMode::kAway ||
                        (mode == RoundingMode::kFloor && x < 0) ||
                        (mode == RoundingMode::kCeil && x > 0);
    const double magnitude = to_inf ? std::numeric_limits<double>::infinity() : format.max_finite();
    return std::copysign(magnitude, x);
  }
  return std::copysign(rounded, x);  // keeps the sign of a result that rounded to zero
}

// The bit patterns of reference results; NaN maps to the canonical NaN of the contract.
inline uint16_t reference_fp16_bits(double x, RoundingMode mode) {
  if (std::isnan(x)) {
    return 0x7E00;
  }
  return float16_bits(static_cast<_Float16>(reference_round(x, kFp16Format, mode)));
}
inline uint16_t reference_bf16_bits(double x, RoundingMode mode) {
  if (std::isnan(x)) {
    return 0x7FC0;
  }
  return static_cast<uint16_t>(
      float_bits(static_cast<float>(reference_round(x, kBf16Format, mode))) >> 16);
}
inline uint32_t reference_fp32_bits(double x, RoundingMode mode) {
  if (std::isnan(x)) {
    return 0x7FC00000u;
  }
  return float_bits(static_cast<float>(reference_round(x, kFp32Format, mode)));
}

// fp32 / double -> integer type: round in double, then clamp; NaN -> 0.
template <typename Int>
Int reference_to_int(double x, RoundingMode mode) {
  if (std::isnan(x)) {
    return 0;
  }
  const double r = reference_round_integer(x, mode);
  if (r <= static_cast<double>(std::numeric_limits<Int>::min())) {
    return std::numeric_limits<Int>::min();
  }
  if (r >= static_cast<double>(std::numeric_limits<Int>::max())) {
    return std::numeric_limits<Int>::max();
  }
  return static_cast<Int>(r);
}

// A small, fixed pseudo-random generator (splitmix64) so every run tests the same values.
class Random {
 public:
  explicit Random(uint64_t seed) : m_state(seed) {}
  uint64_t next() {
    uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t next32() { return static_cast<uint32_t>(next() >> 32); }

 private:
  uint64_t m_state;
};

}  // namespace npu::numerics::testing
