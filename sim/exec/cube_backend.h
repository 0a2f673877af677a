// Where the cube's arithmetic happens: the interface between the mmad instruction (cube_exec.cc:
// operand checks, fractal bookkeeping) and the unit that multiplies. Two implementations: the
// C++ cube (cpp_cube.cc, numerics/cube.h), which every simulation uses by default, and the
// Verilated RTL MAC array in the loop (sim/cosim/rtl_cube_backend.h, `npusim exec --rtl-cube`).
// Both compute the same bits; the RTL one also reports the cycles it took.
#pragma once

#include <cstdint>
#include <optional>

#include "isa/packed.h"
#include "isa/types.h"
#include "sim/exec/cube_timing.h"

namespace npu::sim {

// One mmad, as fractals in the buffers' layouts (docs/isa.md 5.5, docs/numerics.md section 9).
// Output fractal (i, j) is C0 + sum over kk of A fractal (i, kk) x B fractal (kk, j), the kk in
// increasing order; every k fractal holds k0 valid k but the last, which holds last_k.
struct CubeJob {
  isa::DataType src = isa::DataType::kF16;  // kF16, kBf16, kS8 or kU8
  uint64_t m1 = 0, k1 = 0, n1 = 0;          // fractals along m, k and n
  uint32_t k0 = 16;                         // k per fractal: 16 (fp16, bf16) or 32 (int8)
  uint32_t last_k = 16;                     // valid k in the last k fractal (1..k0)
  isa::MmadInit init = isa::MmadInit::kZero;
  const uint8_t* a = nullptr;     // L0A: fractal (i, kk) at (i * k1 + kk) * 512
  const uint8_t* b = nullptr;     // L0B: fractal (kk, j) at (kk * n1 + j) * 512
  const uint8_t* bias = nullptr;  // init kBias: n1 * 16 fp32 / int32 values of BT
  uint8_t* c = nullptr;           // L0C: fractal (i, j) at (j * m1 + i) * 1024; C0 when kAccumulate
};

class CubeBackend {
 public:
  virtual ~CubeBackend() = default;

  // Computes `job` into job.c, every output fractal written whole. Called by the cube pipe when
  // its mmad executes (functional mode only).
  virtual void run(const CubeJob& job) = 0;

  // The cycles the latest run() took, measured, once (the next call returns nullopt until
  // run() is called again). nullopt from a backend that does not measure time: the chip then
  // uses its timing model (cube_timing.h) alone.
  virtual std::optional<PipeTiming> take_measured_timing() { return std::nullopt; }
};

// The C++ cube: numerics/cube.h's fractal kernels. Stateless; shared by every core.
CubeBackend& cpp_cube_backend();

}  // namespace npu::sim
