// Values derived from a chip config (peaks, bandwidths, totals), computed in exactly one place
// so reports, rooflines, `config show` and the compiler's cost model agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/chip_config.h"

namespace npu::config {

struct CubePeak {
  std::string dtype;  // input type: fp16, bf16, int8, fp32
  bool enabled = false;
  double macs_per_cycle_per_core = 0;  // m0 * k0 * n0 / cycles_per_fractal
  double ops_per_second = 0;           // chip: cube cores x MACs x 2 x clock
};

struct DerivedValues {
  double clock_hz = 0;
  uint64_t cube_cores = 0;    // cores holding a cube unit
  uint64_t vector_cores = 0;  // cores holding a vector unit
  std::vector<CubePeak> cube;  // in the order fp16, bf16, int8, fp32
  // Vector peak on the binary class: elements per repeat / cycles per repeat, x vector cores.
  double vector_fp16_ops_per_second = 0;
  double vector_fp32_ops_per_second = 0;
  double hbm_bytes_per_second = 0;            // peak
  double hbm_effective_bytes_per_second = 0;  // peak x efficiency
  double hbm_bytes_per_cycle = 0;             // effective, per core clock
  double l2_bytes_per_second = 0;
  double core_gm_to_l1_bytes_per_second = 0;  // min(path, core port), one core
  uint64_t cube_core_buffer_bytes = 0;        // L1 + L0A + L0B + L0C + BT + FB (+ UB if coupled)
  uint64_t vector_core_buffer_bytes = 0;      // UB of one AIV (split); 0 when coupled
  uint64_t chip_buffer_bytes = 0;             // every on-chip buffer of every core
  double fp16_ridge_flops_per_byte = 0;       // fp16 peak / effective HBM bandwidth

  const CubePeak& peak(const std::string& dtype) const;
};

DerivedValues derive(const ChipConfig& config);

}  // namespace npu::config
