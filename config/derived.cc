#include "config/derived.h"

#include <algorithm>

#include "base/error.h"

namespace npu::config {

const CubePeak& DerivedValues::peak(const std::string& dtype) const {
  for (const CubePeak& p : cube) {
    if (p.dtype == dtype) return p;
  }
  NPU_UNREACHABLE("no cube peak for " + dtype);
}

DerivedValues derive(const ChipConfig& c) {
  DerivedValues d;
  d.clock_hz = c.chip.clock_mhz * 1e6;
  d.cube_cores = c.chip.cores;
  d.vector_cores = c.split() ? c.chip.cores * c.chip.aiv_per_core : c.chip.cores;

  const std::pair<const char*, const CubeShape*> shapes[] = {
      {"fp16", &c.cube.fp16}, {"bf16", &c.cube.bf16}, {"int8", &c.cube.int8},
      {"fp32", &c.cube.fp32}};
  for (const auto& [name, shape] : shapes) {
    CubePeak p;
    p.dtype = name;
    p.enabled = shape->enabled;
    if (p.enabled) {
      p.macs_per_cycle_per_core = static_cast<double>(shape->m0 * shape->k0 * shape->n0) /
                                  static_cast<double>(shape->cycles_per_fractal);
      p.ops_per_second = static_cast<double>(d.cube_cores) * p.macs_per_cycle_per_core * 2.0 *
                         d.clock_hz;
    }
    d.cube.push_back(p);
  }

  constexpr double kRepeatBytes = 256;
  d.vector_fp16_ops_per_second = static_cast<double>(d.vector_cores) * (kRepeatBytes / 2) /
                                 c.vector.binary.cycles_per_repeat_b16 * d.clock_hz;
  d.vector_fp32_ops_per_second = static_cast<double>(d.vector_cores) * (kRepeatBytes / 4) /
                                 c.vector.binary.cycles_per_repeat_b32 * d.clock_hz;

  d.hbm_bytes_per_second = c.hbm.bandwidth_gbps * 1e9;
  d.hbm_effective_bytes_per_second = d.hbm_bytes_per_second * c.hbm.efficiency;
  d.hbm_bytes_per_cycle = d.hbm_effective_bytes_per_second / d.clock_hz;
  d.l2_bytes_per_second = c.l2.bytes_per_cycle * d.clock_hz;
  d.core_gm_to_l1_bytes_per_second =
      std::min(c.paths.gm_to_l1.bytes_per_cycle, c.noc.core_port_bytes_per_cycle) * d.clock_hz;

  const auto& b = c.buffers;
  d.cube_core_buffer_bytes =
      b.l1_bytes + b.l0a_bytes + b.l0b_bytes + b.l0c_bytes + b.bt_bytes + b.fb_bytes;
  if (c.split()) {
    d.vector_core_buffer_bytes = b.ub_bytes;
  } else {
    d.cube_core_buffer_bytes += b.ub_bytes;
  }
  d.chip_buffer_bytes =
      d.cube_cores * d.cube_core_buffer_bytes + (c.split() ? d.vector_cores * b.ub_bytes : 0);
  d.fp16_ridge_flops_per_byte = d.peak("fp16").ops_per_second / d.hbm_effective_bytes_per_second;
  return d;
}

}  // namespace npu::config
