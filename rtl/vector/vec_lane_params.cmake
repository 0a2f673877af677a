# The Verilated vector lane's build parameters for its harness (tests/rtl): the RTL files, the
# timing parameters Verilator bakes in and the same values as C++ defines. The harness's chip
# config sets vector.binary / vector.simple to these (one startup for both classes keeps the
# lane's results in order).
set(NPU_RTL_VEC_STARTUP_CYCLES 2)
set(NPU_RTL_VEC_BINARY_CYCLES_B16 1)
set(NPU_RTL_VEC_BINARY_CYCLES_B32 2)
set(NPU_RTL_VEC_SIMPLE_CYCLES_B32 1)
set(NPU_RTL_VEC_SOURCES rtl/fp/npu_fp_pkg.sv rtl/vector/npu_vec_lane.sv)
set(NPU_RTL_VEC_VERILATOR_ARGS --unroll-count 4
    -GStartupCycles=${NPU_RTL_VEC_STARTUP_CYCLES}
    -GBinaryCyclesB16=${NPU_RTL_VEC_BINARY_CYCLES_B16}
    -GBinaryCyclesB32=${NPU_RTL_VEC_BINARY_CYCLES_B32}
    -GSimpleCyclesB32=${NPU_RTL_VEC_SIMPLE_CYCLES_B32})
set(NPU_RTL_VEC_DEFINITIONS
    NPU_RTL_VEC_STARTUP_CYCLES=${NPU_RTL_VEC_STARTUP_CYCLES}
    NPU_RTL_VEC_BINARY_CYCLES_B16=${NPU_RTL_VEC_BINARY_CYCLES_B16}
    NPU_RTL_VEC_BINARY_CYCLES_B32=${NPU_RTL_VEC_BINARY_CYCLES_B32}
    NPU_RTL_VEC_SIMPLE_CYCLES_B32=${NPU_RTL_VEC_SIMPLE_CYCLES_B32})
