# The Verilated cube's build parameters, in one place for its harness (tests/rtl) and the
# co-simulation backend (sim/cosim): the RTL files, the parameters Verilator bakes into the model
# and the same values as C++ defines. The cube's timing (cycles per fractal per dtype, startup
# cycles) is not a build parameter: the block takes it on configuration inputs at reset.
#   MAX_STARTUP_CYCLES  the largest cube.startup_cycles the block supports (its result queue
#                       holds MAX_STARTUP_CYCLES + 1 output fractals).
set(NPU_RTL_CUBE_MAX_STARTUP_CYCLES 15)
set(NPU_RTL_CUBE_SOURCES rtl/fp/npu_fp_pkg.sv rtl/cube/npu_cube_pkg.sv rtl/cube/npu_cube_fractal.sv)
# --unroll-count 4 keeps the lane and k-step loops loops in the C++ model: the MAC step is
# generated once, not once per lane and step (a few thousand lines instead of a million).
set(NPU_RTL_CUBE_VERILATOR_ARGS --unroll-count 4
    -GMaxStartupCycles=${NPU_RTL_CUBE_MAX_STARTUP_CYCLES})
set(NPU_RTL_CUBE_DEFINITIONS NPU_RTL_CUBE_MAX_STARTUP_CYCLES=${NPU_RTL_CUBE_MAX_STARTUP_CYCLES})
