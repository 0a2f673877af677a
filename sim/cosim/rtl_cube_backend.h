// The RTL cube in the loop: a CubeBackend (sim/exec/cube_backend.h) that computes every mmad
// with the Verilated fractal MAC array (rtl/cube/npu_cube_fractal.sv, verilated with SystemC
// output) as a SystemC module inside the launch's chip model, and measures the cycles it takes.
// `npusim exec --rtl-cube` and `npusim run --rtl-cube` select it; the chip then takes the cube
// pipe's occupancy and latency from the RTL instead of its timing model (docs/rtl.md).
//
// The cube pipe drives the module's clock itself, in SystemC delta cycles at the instruction's
// start time: the RTL runs its cycles without moving simulated time, and the pipe books the
// cycles it counted exactly as it books the model's. So the rest of the chip sees the same
// schedule whenever the RTL agrees with the model, and a different one (caught by the
// co-simulation test) when it does not.
#pragma once

#include <functional>
#include <memory>

#include "config/chip_config.h"
#include "sim/exec/cube_backend.h"

namespace npu::sim {

// For SimOptions::cube_backend: makes one RTL cube per core with a cube, configured with the
// chip's cube timing (rtl_cube_timing(): throws UserError for a cube the RTL cannot be).
std::function<std::unique_ptr<CubeBackend>(const config::ChipConfig&)> rtl_cube_backend();

}  // namespace npu::sim
