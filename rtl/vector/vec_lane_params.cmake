# The Verilated vector lane's build parameters for its harness (tests/rtl): the RTL files, the
# structure Verilator bakes in and the same values as C++ defines. The lane's timing (startup and
# cycles per repeat of the binary and simple classes) is not a build parameter: the block takes
# it on configuration inputs at reset.
#   WIDTH                  elements taken and delivered per cycle at most (cycles per repeat
#                          >= 1 / WIDTH)
#   MAX_STARTUP_CYCLES     the largest vector.<class>.startup_cycles
#   MAX_CYCLES_PER_REPEAT  the largest vector.<class>.cycles_per_repeat_<bNN>
set(NPU_RTL_VEC_WIDTH 2)
set(NPU_RTL_VEC_MAX_STARTUP_CYCLES 15)
set(NPU_RTL_VEC_MAX_CYCLES_PER_REPEAT 16)
set(NPU_RTL_VEC_SOURCES rtl/fp/npu_fp_pkg.sv rtl/vector/npu_vec_lane.sv)
set(NPU_RTL_VEC_VERILATOR_ARGS --unroll-count 4
    -GWidth=${NPU_RTL_VEC_WIDTH}
    -GMaxStartupCycles=${NPU_RTL_VEC_MAX_STARTUP_CYCLES}
    -GMaxCyclesPerRepeat=${NPU_RTL_VEC_MAX_CYCLES_PER_REPEAT})
set(NPU_RTL_VEC_DEFINITIONS
    NPU_RTL_VEC_WIDTH=${NPU_RTL_VEC_WIDTH}
    NPU_RTL_VEC_MAX_STARTUP_CYCLES=${NPU_RTL_VEC_MAX_STARTUP_CYCLES}
    NPU_RTL_VEC_MAX_CYCLES_PER_REPEAT=${NPU_RTL_VEC_MAX_CYCLES_PER_REPEAT})
