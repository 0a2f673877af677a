// The C++ cube (cube_backend.h): each A and B fractal of an mmad is widened to fp32 once, then
// every (i, j) output fractal starts from its initial value (zero, bias rows or L0C) and
// accumulates its k fractals in increasing order through numerics/cube.h's fractal kernels, so
// every element gets mac_fp16 / mac_bf16 / mac_int8 / mac_uint8 (docs/numerics.md section 9).
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "base/error.h"
#include "numerics/cube.h"
#include "numerics/elementwise.h"
#include "sim/exec/cube_backend.h"

namespace npu::sim {
namespace {

constexpr uint64_t kAbFractalBytes = 512;  // one L0A / L0B fractal: 16 x 32 bytes
constexpr uint64_t kCFractalBytes = 1024;  // one L0C fractal: 16 x 16 x 4 bytes

template <typename T>
T load(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

// Initial value of output fractal (i, j): zero, the bias row, or the L0C contents.
template <typename Acc>
void init_fractal(Acc* c, const CubeJob& job, uint64_t i, uint64_t j) {
  switch (job.init) {
    case isa::MmadInit::kZero:
      std::fill(c, c + 256, Acc{});
      break;
    case isa::MmadInit::kBias:
      for (uint64_t n = 0; n < 16; ++n) {
        const Acc v = load<Acc>(job.bias + (j * 16 + n) * 4);
        for (uint64_t r = 0; r < 16; ++r) c[r * 16 + n] = v;
      }
      break;
    case isa::MmadInit::kAccumulate:
      std::memcpy(c, job.c + (j * job.m1 + i) * kCFractalBytes, kCFractalBytes);
      break;
  }
}

// Every output fractal (i, j) of the job: its initial value, its k fractals added in order by
// add_fractal(c, i, j, kk, k_count), the result written to L0C whole.
template <typename Acc, typename AddFractal>
void for_each_output(const CubeJob& job, AddFractal add_fractal) {
  for (uint64_t j = 0; j < job.n1; ++j) {
    for (uint64_t i = 0; i < job.m1; ++i) {
      Acc c[256];
      init_fractal(c, job, i, j);
      for (uint64_t kk = 0; kk < job.k1; ++kk) {
        add_fractal(c, i, j, kk, kk + 1 == job.k1 ? job.last_k : job.k0);
      }
      std::memcpy(job.c + (j * job.m1 + i) * kCFractalBytes, c, kCFractalBytes);
    }
  }
}

template <typename T>
void mmad_float(const CubeJob& job) {
  // Scratch reused across instructions: widened A fractals as a[m * 16 + k], B fractals
  // transposed to bt[k * 16 + n], the layout numerics::mmad_fractal_widened takes.
  thread_local std::vector<float> a32;
  thread_local std::vector<float> bt;
  a32.resize(job.m1 * job.k1 * 256);
  bt.resize(job.k1 * job.n1 * 256);
  const uint64_t a_elements = job.m1 * job.k1 * 256;
  for (uint64_t e = 0; e < a_elements; ++e) {
    a32[e] = numerics::widen(load<T>(job.a + e * 2));
  }
  for (uint64_t f = 0; f < job.k1 * job.n1; ++f) {
    const uint8_t* frac = job.b + f * kAbFractalBytes;
    float* out = bt.data() + f * 256;
    for (uint64_t n = 0; n < 16; ++n) {
      for (uint64_t k = 0; k < 16; ++k) {
        out[k * 16 + n] = numerics::widen(load<T>(frac + (n * 16 + k) * 2));
      }
    }
  }
  using CSpan = std::span<float, numerics::kFractalCSize>;
  using AbSpan = std::span<const float, numerics::kFractalAbSizeFp16>;
  for_each_output<float>(job, [&](float* c, uint64_t i, uint64_t j, uint64_t kk, uint64_t k_count) {
    numerics::mmad_fractal_widened(CSpan(c, 256), AbSpan(a32.data() + (i * job.k1 + kk) * 256, 256),
                                   AbSpan(bt.data() + (kk * job.n1 + j) * 256, 256), k_count);
  });
}

// int8 x int8 or uint8 x uint8 -> int32, wrapping (numerics::mmad_fractal_int8 / _uint8).
template <typename Int8>
void mmad_integer(const CubeJob& job) {
  using CSpan = std::span<int32_t, numerics::kFractalCSize>;
  using AbSpan = std::span<const Int8, numerics::kFractalAbSizeInt8>;
  for_each_output<int32_t>(
      job, [&](int32_t* c, uint64_t i, uint64_t j, uint64_t kk, uint64_t k_count) {
        const auto* af = reinterpret_cast<const Int8*>(job.a + (i * job.k1 + kk) * kAbFractalBytes);
        const auto* bf = reinterpret_cast<const Int8*>(job.b + (kk * job.n1 + j) * kAbFractalBytes);
        if constexpr (std::is_signed_v<Int8>) {
          numerics::mmad_fractal_int8(CSpan(c, 256), AbSpan(af, 512), AbSpan(bf, 512), k_count);
        } else {
          numerics::mmad_fractal_uint8(CSpan(c, 256), AbSpan(af, 512), AbSpan(bf, 512), k_count);
        }
      });
}

class CppCube final : public CubeBackend {
 public:
  void run(const CubeJob& job) override {
    switch (job.src) {
      case isa::DataType::kF16:
        mmad_float<numerics::Fp16>(job);
        break;
      case isa::DataType::kBf16:
        mmad_float<numerics::Bf16>(job);
        break;
      case isa::DataType::kS8:
        mmad_integer<int8_t>(job);
        break;
      case isa::DataType::kU8:
        mmad_integer<uint8_t>(job);
        break;
      default:
        NPU_UNREACHABLE("mmad source type describe() rejects");
    }
  }
};

}  // namespace

CubeBackend& cpp_cube_backend() {
  static CppCube cube;
  return cube;
}

}  // namespace npu::sim
