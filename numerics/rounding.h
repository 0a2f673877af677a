// Rounding modes of the DaVinci `vconv` family and the one rounding step every conversion uses.
//
// Every rounding in npusim reduces to the same picture: an exact value is cut into a truncated
// magnitude q (an integer in units of the destination's last place), a round bit (the discarded
// part is >= 1/2 ulp) and a sticky bit (something is discarded below the round bit). The mode
// then decides whether q grows by one, from the sign, q's lowest bit, round and sticky only
// (docs/numerics.md, "Rounding modes"). For float destinations q is the magnitude's bit pattern
// (exponent and mantissa together), so a carry out of the mantissa bumps the exponent and the
// largest finite value rounds up to Inf exactly as IEEE 754 requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include "base/error.h"

namespace npu::numerics {

// The `vconv` suffixes r / f / c / a / z / o.
enum class RoundingMode : uint8_t {
  kRint,   // r: to nearest, ties to even (IEEE roundTiesToEven); the default everywhere
  kFloor,  // f: toward -Inf
  kCeil,   // c: toward +Inf
  kAway,   // a: to nearest, ties away from zero (IEEE roundTiesToAway, C round())
  kZero,   // z: toward zero (truncate)
  kOdd,    // o: truncate, then set the last bit if anything was discarded (round to odd)
};

inline constexpr RoundingMode kAllRoundingModes[] = {RoundingMode::kRint, RoundingMode::kFloor,
                                                     RoundingMode::kCeil, RoundingMode::kAway,
                                                     RoundingMode::kZero, RoundingMode::kOdd};

// The one-letter suffix of the instruction (`vconv_f322f16r`).
constexpr char rounding_mode_suffix(RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kRint:
      return 'r';
    case RoundingMode::kFloor:
      return 'f';
    case RoundingMode::kCeil:
      return 'c';
    case RoundingMode::kAway:
      return 'a';
    case RoundingMode::kZero:
      return 'z';
    case RoundingMode::kOdd:
      return 'o';
  }
  NPU_UNREACHABLE("bad RoundingMode");
}

// A readable name for messages and docs: "rint", "floor", "ceil", "away", "zero", "odd".
constexpr std::string_view rounding_mode_name(RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kRint:
      return "rint";
    case RoundingMode::kFloor:
      return "floor";
    case RoundingMode::kCeil:
      return "ceil";
    case RoundingMode::kAway:
      return "away";
    case RoundingMode::kZero:
      return "zero";
    case RoundingMode::kOdd:
      return "odd";
  }
  NPU_UNREACHABLE("bad RoundingMode");
}

// Inverse of rounding_mode_suffix; nullopt for any other character (the caller reports it).
constexpr std::optional<RoundingMode> rounding_mode_from_suffix(char suffix) {
  for (RoundingMode mode : kAllRoundingModes) {
    if (rounding_mode_suffix(mode) == suffix) {
      return mode;
    }
  }
  return std::nullopt;
}

// Calls f(std::integral_constant<RoundingMode, mode>{}) so a run-time mode selects a
// compile-time specialisation. Hoist it out of loops; with a constant mode it folds away.
template <typename F>
constexpr decltype(auto) with_rounding_mode(RoundingMode mode, F&& f) {
  using R = RoundingMode;
  switch (mode) {
    case R::kRint:
      return f(std::integral_constant<R, R::kRint>{});
    case R::kFloor:
      return f(std::integral_constant<R, R::kFloor>{});
    case R::kCeil:
      return f(std::integral_constant<R, R::kCeil>{});
    case R::kAway:
      return f(std::integral_constant<R, R::kAway>{});
    case R::kZero:
      return f(std::integral_constant<R, R::kZero>{});
    case R::kOdd:
      return f(std::integral_constant<R, R::kOdd>{});
  }
  NPU_UNREACHABLE("bad RoundingMode");
}

namespace detail {

// The rounding step. q is the truncated magnitude, round_bit and sticky describe what was cut
// off, negative is the sign of the exact value. Returns the rounded magnitude; it is q or q + 1
// (or q with its last bit set, for kOdd).
template <RoundingMode kMode, typename U>
constexpr U round_magnitude(U q, bool negative, bool round_bit, bool sticky) {
  static_assert(std::is_unsigned_v<U>);
  // Bitwise rather than && / ||, so that no branch appears for the vectoriser to trip over.
  const U r = static_cast<U>(round_bit);
  const U s = static_cast<U>(sticky);
  const U inexact = r | s;
  const U down = static_cast<U>(negative);
  if constexpr (kMode == RoundingMode::kRint) {
    return q + (r & (s | (q & 1u)));
  } else if constexpr (kMode == RoundingMode::kFloor) {
    return q + (inexact & down);
  } else if constexpr (kMode == RoundingMode::kCeil) {
    return q + (inexact & (down ^ 1u));
  } else if constexpr (kMode == RoundingMode::kAway) {
    return q + r;
  } else if constexpr (kMode == RoundingMode::kZero) {
    return q;
  } else {
    static_assert(kMode == RoundingMode::kOdd);
    return q | inexact;
  }
}

// True when a value too large for the destination becomes Inf under kMode, false when it
// becomes the largest finite value (IEEE 754 section 7.4, with kOdd treated like kZero).
template <RoundingMode kMode>
constexpr bool overflows_to_inf(bool negative) {
  if constexpr (kMode == RoundingMode::kRint || kMode == RoundingMode::kAway) {
    return true;
  } else if constexpr (kMode == RoundingMode::kFloor) {
    return negative;
  } else if constexpr (kMode == RoundingMode::kCeil) {
    return !negative;
  } else {
    return false;
  }
}

}  // namespace detail
}  // namespace npu::numerics
