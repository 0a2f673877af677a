// What the RTL cube (rtl/cube/npu_cube_fractal.sv) can be configured to, and the values of its
// configuration inputs for a chip: the chip's own cube timing (cycles per fractal of each input
// type, startup cycles) goes to the block at reset, so the RTL runs every shipped chip's cube
// unmodified. The structure it cannot change (16 x 16 fractals with k0 16 / 32, no fp32 mode,
// a result queue for at most kRtlCubeMaxStartupCycles) is checked here, with a message naming
// the keys. Shared by the co-simulation backend (rtl_cube_backend.h) and the RTL harness
// (tests/rtl), which has no SystemC.
#pragma once

#include <cstdint>

#include "config/chip_config.h"

namespace npu::sim {

// rtl/cube/cube_params.cmake's NPU_RTL_CUBE_MAX_STARTUP_CYCLES (the module's MaxStartupCycles).
inline constexpr uint64_t kRtlCubeMaxStartupCycles = NPU_RTL_CUBE_MAX_STARTUP_CYCLES;
// The widest cycles per fractal the 11-bit configuration inputs carry (the config's own limit).
inline constexpr uint64_t kRtlCubeMaxCyclesPerFractal = 1024;

// The block's configuration inputs (cfg_*_i).
struct RtlCubeTiming {
  uint32_t cycles_per_fractal_fp16 = 1;  // cfg_cpf_f16_i
  uint32_t cycles_per_fractal_bf16 = 1;  // cfg_cpf_bf16_i
  uint32_t cycles_per_fractal_int8 = 1;  // cfg_cpf_int8_i
  uint32_t startup_cycles = 0;           // cfg_startup_i
};

// The configuration inputs for `config`'s cube. Throws UserError unless the RTL can be that cube:
// m0 = n0 = 16 and k0 = 16 (fp16, bf16) / 32 (int8) for every enabled type, fp32 mode off,
// startup_cycles up to kRtlCubeMaxStartupCycles. The message names each key, its value and what
// the RTL needs.
RtlCubeTiming rtl_cube_timing(const config::ChipConfig& config);

}  // namespace npu::sim
