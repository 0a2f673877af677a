// The microbenchmarks behind `npusim calibrate`: each measured point of the 910B1 tables is a
// small assembly kernel run through the simulated chip (the SystemC cores, their pipes and the
// shared memory system, exactly as a user kernel runs), and the model's value is read off the
// trace: the cycles of the one instruction being measured, from its start on its pipe to its
// completion.
//
// The kernels run on one AI core, on the core type that owns the unit (coupled core, or the AIC
// for L1 / L0 / cube / fixpipe and the first AIV for UB / vector on a split chip); every other
// core of the launch ends at once. Data-movement kernels issue the measured copy twice with a
// pipe_barrier between, so the second copy finds its source in L2 and every shared resource
// idle, as msKPP's repeated copies do.
#pragma once

#include <cstdint>
#include <string>

#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::cli {

// Cycles of one GM-facing copy of `bytes` on `path` (the second of two), start to completion.
uint64_t measure_gm_copy(const config::ChipConfig& chip, isa::DataPath path, uint64_t bytes);
// Cycles of one load2d of `bytes` (whole 512-byte fractals) from L1 into L0A or L0B.
uint64_t measure_load2d(const config::ChipConfig& chip, isa::DataPath path, uint64_t bytes);
// Cycles of one fp16 mmad of m x k x n.
uint64_t measure_mmad(const config::ChipConfig& chip, uint64_t m, uint64_t k, uint64_t n);
// Cycles of one vector instruction, e.g. "vadd.f16", with `repeats` repeats.
uint64_t measure_vector(const config::ChipConfig& chip, const std::string& instruction,
                        uint64_t repeats);

}  // namespace npu::cli
