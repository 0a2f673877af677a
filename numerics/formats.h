// The floating-point formats of npusim as bit patterns: fp16 (IEEE 754 binary16), bf16 (bfloat16:
// the top half of an IEEE binary32) and fp32 (IEEE binary32), with their special values.
//
// Fp16 and Bf16 are plain 16-bit wrappers, not arithmetic types: they are what sits in a buffer.
// All arithmetic on them goes through numerics/elementwise.h and numerics/cube.h, which define
// the rounding (docs/numerics.md). Their == compares bit patterns, not IEEE values (so NaN == NaN
// and +0 != -0): it is meant for tests and golden data.
#pragma once

#include <bit>
#include <cstdint>

namespace npu::numerics {

// An fp16 value: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
struct Fp16 {
  uint16_t bits;
  friend constexpr bool operator==(Fp16, Fp16) = default;
};

// A bf16 value: 1 sign bit, 8 exponent bits (bias 127), 7 mantissa bits.
struct Bf16 {
  uint16_t bits;
  friend constexpr bool operator==(Bf16, Bf16) = default;
};

static_assert(sizeof(Fp16) == 2 && sizeof(Bf16) == 2, "buffers hold these types directly");

// Every operation that produces a NaN produces this one (quiet, positive, zero payload).
inline constexpr Fp16 kFp16NaN{0x7E00};
inline constexpr Fp16 kFp16Inf{0x7C00};
inline constexpr Fp16 kFp16Max{0x7BFF};           // 65504
inline constexpr Fp16 kFp16MinNormal{0x0400};     // 2^-14
inline constexpr Fp16 kFp16MinSubnormal{0x0001};  // 2^-24
inline constexpr Fp16 kFp16One{0x3C00};

inline constexpr Bf16 kBf16NaN{0x7FC0};
inline constexpr Bf16 kBf16Inf{0x7F80};
inline constexpr Bf16 kBf16Max{0x7F7F};           // (2 - 2^-7) * 2^127
inline constexpr Bf16 kBf16MinNormal{0x0080};     // 2^-126
inline constexpr Bf16 kBf16MinSubnormal{0x0001};  // 2^-133
inline constexpr Bf16 kBf16One{0x3F80};

inline constexpr uint32_t kFp32NaNBits = 0x7FC00000u;
inline constexpr uint32_t kFp32InfBits = 0x7F800000u;
inline constexpr uint32_t kFp32MaxBits = 0x7F7FFFFFu;

// fp32 <-> its bit pattern.
constexpr uint32_t fp32_bits(float f) { return std::bit_cast<uint32_t>(f); }
constexpr float fp32_from_bits(uint32_t bits) { return std::bit_cast<float>(bits); }

constexpr bool is_nan(Fp16 h) { return (h.bits & 0x7FFFu) > 0x7C00u; }
constexpr bool is_inf(Fp16 h) { return (h.bits & 0x7FFFu) == 0x7C00u; }
constexpr bool is_subnormal(Fp16 h) { return (h.bits & 0x7C00u) == 0 && (h.bits & 0x03FFu) != 0; }
constexpr bool is_nan(Bf16 h) { return (h.bits & 0x7FFFu) > 0x7F80u; }
constexpr bool is_inf(Bf16 h) { return (h.bits & 0x7FFFu) == 0x7F80u; }
constexpr bool is_subnormal(Bf16 h) { return (h.bits & 0x7F80u) == 0 && (h.bits & 0x007Fu) != 0; }
// fp32 tests on the bits, so they work whatever the compiler assumes about NaN.
constexpr bool is_nan(float f) { return (fp32_bits(f) & 0x7FFFFFFFu) > kFp32InfBits; }
constexpr bool is_inf(float f) { return (fp32_bits(f) & 0x7FFFFFFFu) == kFp32InfBits; }

namespace detail {

// A branch-free choice between two bit patterns. A plain ?: lets GCC turn the choice into a
// branch and sink the float arithmetic feeding one side into it, and float arithmetic under a
// branch (it "could trap") stops the loop vectoriser.
constexpr uint32_t select_bits(bool take_a, uint32_t a, uint32_t b) {
  const uint32_t mask = 0u - static_cast<uint32_t>(take_a);
  return (a & mask) | (b & ~mask);
}

}  // namespace detail

// Replaces any NaN by the canonical fp32 NaN; other values pass unchanged. Host arithmetic
// produces NaNs with other signs and payloads (x86 makes 0xFFC00000), so every fp32 result of
// this library passes through here.
constexpr float canonicalize(float f) {
  return fp32_from_bits(detail::select_bits(is_nan(f), kFp32NaNBits, fp32_bits(f)));
}

}  // namespace npu::numerics
