// The cube's dot products, defined once for the simulator's cube, the compiler's host reference
// and the RTL MAC array's harness (docs/numerics.md, "Cube accumulation").
//
// fp16 x fp16 and bf16 x bf16: each product is computed in fp32 (exact for fp16; for bf16 exact
// unless it leaves fp32's range, and then rounded to nearest even like any fp32 multiply), and
// added to the accumulator in fp32 with round to nearest even after every addition, strictly in
// the order k = 0, 1, ..., K-1, starting from the accumulator's initial value (0, the L0C value
// or the bias). Never fused: a fused multiply-add would differ for bf16 products that underflow.
// int8 x int8 (and uint8 x uint8): each product is exact in int32 and the sum wraps around
// modulo 2^32.
//
// Fractal layouts are those of the buffers (ascend-hardware-facts.md section 1.3): in an L0A
// fractal A is row-major, a[m * K0 + k]; in an L0B fractal B is column-major, b[n * K0 + k];
// in an L0C fractal C is row-major, c[m * 16 + n]. So both operands of a dot product are
// contiguous in k.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/error.h"
#include "numerics/convert.h"
#include "numerics/formats.h"

namespace npu::numerics {

// Shape of one cube fractal operation: C[16 x 16] += A[16 x K0] * B[K0 x 16].
inline constexpr std::size_t kFractalM = 16;
inline constexpr std::size_t kFractalN = 16;
inline constexpr std::size_t kFractalKFp16 = 16;  // fp16 and bf16: 16 x 16 x 16
inline constexpr std::size_t kFractalKInt8 = 32;  // int8: 16 x 16 x 32 (32 bytes of k, like fp16)
inline constexpr std::size_t kFractalCSize = kFractalM * kFractalN;
inline constexpr std::size_t kFractalAbSizeFp16 = kFractalM * kFractalKFp16;
inline constexpr std::size_t kFractalAbSizeInt8 = kFractalM * kFractalKInt8;

namespace detail {

// C[16 x 16] += A * B on widened operands: a32[m * 16 + k] and bt[k * 16 + n] (B transposed so
// that the inner loop runs over n). Each lane of the inner loop is one output element, so the
// loop vectorises while every element still adds its products in order k = 0, 1, ...
inline void mmad_widened(float* c, const float* a32, const float* bt, std::size_t k_count) {
  for (std::size_t m = 0; m < kFractalM; ++m) {
    float acc[kFractalN];
    for (std::size_t n = 0; n < kFractalN; ++n) {
      acc[n] = c[m * kFractalN + n];
    }
    for (std::size_t k = 0; k < k_count; ++k) {
      const float a = a32[m * kFractalKFp16 + k];
      const float* b = bt + k * kFractalN;
#pragma omp simd
      for (std::size_t n = 0; n < kFractalN; ++n) {
        const float product = a * b[n];
        acc[n] = acc[n] + product;
      }
    }
    for (std::size_t n = 0; n < kFractalN; ++n) {
      c[m * kFractalN + n] = canonicalize(acc[n]);
    }
  }
}

template <typename T, typename Widen>
inline void mmad_fractal_16(std::span<float, kFractalCSize> c,
                            std::span<const T, kFractalAbSizeFp16> a,
                            std::span<const T, kFractalAbSizeFp16> b, std::size_t k_count,
                            Widen widen) {
  NPU_CHECK(k_count <= kFractalKFp16, "mmad_fractal: k_count out of range");
  float a32[kFractalAbSizeFp16];
  float bt[kFractalAbSizeFp16];
  for (std::size_t i = 0; i < kFractalAbSizeFp16; ++i) {
    a32[i] = widen(a[i]);
  }
  for (std::size_t n = 0; n < kFractalN; ++n) {
    for (std::size_t k = 0; k < kFractalKFp16; ++k) {
      bt[k * kFractalN + n] = widen(b[n * kFractalKFp16 + k]);
    }
  }
  mmad_widened(c.data(), a32, bt, k_count);
}

// C[16 x 16] += A[16 x 32] * B[32 x 16] for int8_t or uint8_t operands, modulo 2^32.
template <typename Int8>
inline void mmad_fractal_integer(std::span<int32_t, kFractalCSize> c,
                                 std::span<const Int8, kFractalAbSizeInt8> a,
                                 std::span<const Int8, kFractalAbSizeInt8> b, std::size_t k_count) {
  NPU_CHECK(k_count <= kFractalKInt8, "mmad_fractal_int8: k_count out of range");
  // B transposed to [k][n] and widened, so the inner loop runs over n (see mmad_widened).
  // The int8_t operands are numbers: sign-extending them is intended (hence the NOLINTs).
  int32_t bt[kFractalAbSizeInt8];
  for (std::size_t n = 0; n < kFractalN; ++n) {
    for (std::size_t k = 0; k < kFractalKInt8; ++k) {
      bt[k * kFractalN + n] =
          static_cast<int32_t>(b[n * kFractalKInt8 + k]);  // NOLINT(bugprone-signed-char-misuse)
    }
  }
  for (std::size_t m = 0; m < kFractalM; ++m) {
    uint32_t acc[kFractalN];
    for (std::size_t n = 0; n < kFractalN; ++n) {
      acc[n] = static_cast<uint32_t>(c[m * kFractalN + n]);
    }
    for (std::size_t k = 0; k < k_count; ++k) {
      const auto av =
          static_cast<int32_t>(a[m * kFractalKInt8 + k]);  // NOLINT(bugprone-signed-char-misuse)
      const int32_t* brow = bt + k * kFractalN;
#pragma omp simd
      for (std::size_t n = 0; n < kFractalN; ++n) {
        acc[n] += static_cast<uint32_t>(av * brow[n]);
      }
    }
    for (std::size_t n = 0; n < kFractalN; ++n) {
      c[m * kFractalN + n] = static_cast<int32_t>(acc[n]);
    }
  }
}

template <typename Int8>
inline int32_t mac_integer(int32_t c, std::span<const Int8> a, std::span<const Int8> b) {
  NPU_CHECK(a.size() == b.size(), "mac_int8: operand lengths differ");
  auto acc = static_cast<uint32_t>(c);
  for (std::size_t k = 0; k < a.size(); ++k) {
    // NOLINTNEXTLINE(bugprone-signed-char-misuse): the operands are numbers
    acc += static_cast<uint32_t>(static_cast<int32_t>(a[k]) * static_cast<int32_t>(b[k]));
  }
  return static_cast<int32_t>(acc);
}

}  // namespace detail

// ---- one output element -------------------------------------------------------------------------

// c + sum_{k=0}^{K-1} a[k] * b[k] in the contract's order (K = a.size() = b.size(), checked).
inline float mac_fp16(float c, std::span<const Fp16> a, std::span<const Fp16> b) {
  NPU_CHECK(a.size() == b.size(), "mac_fp16: operand lengths differ");
  float acc = c;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const float product = fp16_to_fp32(a[k]) * fp16_to_fp32(b[k]);
    acc = acc + product;
  }
  return canonicalize(acc);
}

inline float mac_bf16(float c, std::span<const Bf16> a, std::span<const Bf16> b) {
  NPU_CHECK(a.size() == b.size(), "mac_bf16: operand lengths differ");
  float acc = c;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const float product = bf16_to_fp32(a[k]) * bf16_to_fp32(b[k]);
    acc = acc + product;
  }
  return canonicalize(acc);
}

// c + sum a[k] * b[k] modulo 2^32 (two's complement wrap-around, no saturation).
inline int32_t mac_int8(int32_t c, std::span<const int8_t> a, std::span<const int8_t> b) {
  return detail::mac_integer(c, a, b);
}
// The same for uint8 operands (every uint8 product, at most 65025, is exact in int32 too).
inline int32_t mac_uint8(int32_t c, std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return detail::mac_integer(c, a, b);
}

// ---- one fractal --------------------------------------------------------------------------------

// c[m * 16 + n] = mac_fp16(c[m * 16 + n], a[m * 16 + k], b[n * 16 + k]) over k < k_count, for
// all m, n < 16. c holds the initial values (0, bias or the previous partial sums) on entry.
// k_count (0..16) is the number of valid k in this fractal: products beyond it are not added.
inline void mmad_fractal_fp16(std::span<float, kFractalCSize> c,
                              std::span<const Fp16, kFractalAbSizeFp16> a,
                              std::span<const Fp16, kFractalAbSizeFp16> b,
                              std::size_t k_count = kFractalKFp16) {
  detail::mmad_fractal_16(c, a, b, k_count, [](Fp16 x) { return fp16_to_fp32(x); });
}

// The same for bf16 operands.
inline void mmad_fractal_bf16(std::span<float, kFractalCSize> c,
                              std::span<const Bf16, kFractalAbSizeFp16> a,
                              std::span<const Bf16, kFractalAbSizeFp16> b,
                              std::size_t k_count = kFractalKFp16) {
  detail::mmad_fractal_16(c, a, b, k_count, [](Bf16 x) { return bf16_to_fp32(x); });
}

// c[m * 16 + n] = mac_int8(c[m * 16 + n], a[m * 32 + k], b[n * 32 + k]) over k < k_count
// (0..32), for all m, n < 16.
inline void mmad_fractal_int8(std::span<int32_t, kFractalCSize> c,
                              std::span<const int8_t, kFractalAbSizeInt8> a,
                              std::span<const int8_t, kFractalAbSizeInt8> b,
                              std::size_t k_count = kFractalKInt8) {
  detail::mmad_fractal_integer(c, a, b, k_count);
}

// The same for uint8 operands (mac_uint8).
inline void mmad_fractal_uint8(std::span<int32_t, kFractalCSize> c,
                               std::span<const uint8_t, kFractalAbSizeInt8> a,
                               std::span<const uint8_t, kFractalAbSizeInt8> b,
                               std::size_t k_count = kFractalKInt8) {
  detail::mmad_fractal_integer(c, a, b, k_count);
}

// ---- one fractal from widened operands --------------------------------------------------------

// For callers that widen each A and B fractal once and reuse it (the simulator's cube): the
// mmad_fractal_fp16 / _bf16 computation on a32[m * 16 + k] = widen(A[m][k]) and
// bt[k * 16 + n] = widen(B[k][n]) (note: B transposed relative to the L0B fractal). The operands
// must be exact fp32 copies of fp16 or bf16 values for the result to be the contract's.
inline void mmad_fractal_widened(std::span<float, kFractalCSize> c,
                                 std::span<const float, kFractalAbSizeFp16> a32,
                                 std::span<const float, kFractalAbSizeFp16> bt,
                                 std::size_t k_count = kFractalKFp16) {
  NPU_CHECK(k_count <= kFractalKFp16, "mmad_fractal_widened: k_count out of range");
  detail::mmad_widened(c.data(), a32.data(), bt.data(), k_count);
}

}  // namespace npu::numerics
