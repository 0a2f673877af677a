# The Verilated cube's build parameters, in one place for its harness (tests/rtl) and the
# co-simulation backend (sim/cosim): the RTL files, the parameters Verilator bakes into the model
# and the same values as C++ defines.
#   ROWS_PER_CYCLE  rows of C updated per cycle: 16 x ROWS_PER_CYCLE MAC lanes, one fractal per
#                   (16 / ROWS_PER_CYCLE) x 16 cycles (16 cycles at 16).
#   STARTUP_CYCLES  result latency after the last k step, the chip config's cube.startup_cycles.
set(NPU_RTL_CUBE_ROWS_PER_CYCLE 16)
set(NPU_RTL_CUBE_STARTUP_CYCLES 3)
set(NPU_RTL_CUBE_SOURCES rtl/fp/npu_fp_pkg.sv rtl/cube/npu_cube_pkg.sv rtl/cube/npu_cube_fractal.sv)
# --unroll-count 4 keeps the lane loop a loop in the C++ model: the MAC step is generated once,
# not once per lane (a 256-lane model is then ~4k lines instead of ~800k).
set(NPU_RTL_CUBE_VERILATOR_ARGS --unroll-count 4 -GRowsPerCycle=${NPU_RTL_CUBE_ROWS_PER_CYCLE}
    -GStartupCycles=${NPU_RTL_CUBE_STARTUP_CYCLES})
set(NPU_RTL_CUBE_DEFINITIONS NPU_RTL_CUBE_ROWS_PER_CYCLE=${NPU_RTL_CUBE_ROWS_PER_CYCLE}
    NPU_RTL_CUBE_STARTUP_CYCLES=${NPU_RTL_CUBE_STARTUP_CYCLES})
