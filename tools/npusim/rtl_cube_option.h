// --rtl-cube of `npusim exec` and `npusim run`: the cube backend that puts the Verilated RTL
// cube in the loop (sim/cosim/rtl_cube_backend.h), or a clear error when it cannot be had.
#pragma once

#include "base/error.h"
#include "config/chip_config.h"
#include "sim/core/sim_options.h"
#ifdef NPUSIM_HAVE_RTL_COSIM
#include "sim/cosim/rtl_cube_backend.h"
#include "sim/cosim/rtl_cube_config.h"
#endif

namespace npu::cli {

inline decltype(sim::SimOptions::cube_backend) rtl_cube_backend(
    [[maybe_unused]] const config::ChipConfig& chip, bool timing_only) {
  if (timing_only) {
    throw UserError("--rtl-cube: the RTL cube computes data, which --timing-only skips");
  }
#ifdef NPUSIM_HAVE_RTL_COSIM
  sim::rtl_cube_timing(chip);  // the config errors before the run starts
  return sim::rtl_cube_backend();
#else
  throw UserError(
      "--rtl-cube: this npusim was built without the RTL co-simulation (configure with "
      "-DNPUSIM_RTL_COSIM=ON on a machine with Verilator)");
#endif
}

}  // namespace npu::cli
