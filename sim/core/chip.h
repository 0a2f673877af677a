// The simulated chip as the runtime, the CLI and the tests see it: a chip config, GM, the
// shared memory system, the cores' buffers, and launch(), which runs one kernel on block_dim
// AI cores and returns its cycles and statistics.
//
// Launch model (docs/sim.md, "The launch model"):
//  * All cores of a launch start at the kernel's entry. Coupled chip: block_dim cores with
//    block_idx 0..block_dim-1. Split chip: block_dim AIC plus block_dim x aiv_per_core AIV;
//    the AIC and AIVs of one AI core share block_idx; they read core_type and sub_block_idx
//    to pick their part (a core with nothing to do executes `end`).
//  * The chip places code, read-only data and the argument block (one 8-byte slot per kernel
//    argument, value in the low bytes) in GM; x1 holds the argument block's address at entry,
//    rdsr args_base / rodata_base read the two addresses.
//
// SystemC elaborates a design once per simulation context and cannot restart one after
// sc_stop, so each launch builds its cores in a fresh sc_simcontext, runs it to the end (one
// sc_start) and destroys it. What outlives a launch lives in Chip: GM contents, the memory
// system (L2 state, its clock continues where the previous launch ended) and the buffers.
// One launch at a time per process; any number of Chip objects.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/chip_config.h"
#include "isa/npubin.h"
#include "sim/core/ai_core.h"
#include "sim/core/sim_options.h"
#include "sim/core/trace.h"
#include "sim/exec/local_buffers.h"
#include "sim/memory/global_memory.h"
#include "sim/memory/memory_system.h"

namespace npu::sim {

struct RunResult {
  std::string kernel;
  uint32_t block_dim = 0;
  bool timing_only = false;
  Cycle cycles = 0;      // from the launch until the last core's last instruction completed
  double seconds = 0.0;  // cycles / clock
  // Timing-only: a branch or jump used a value loaded from GM data that was not computed, so
  // the control flow (and the cycles) may differ from a functional run.
  bool data_dependent_control = false;
  std::vector<CoreResult> cores;  // in chip order: coupled cores, or AICs then AIVs
  MemoryStats memory;             // this launch's share of the memory system's counters
  TraceBuffer trace;              // empty unless SimOptions::trace
  std::vector<std::string> instruction_text;  // by pc / 8, filled when tracing
};

class Chip {
 public:
  Chip(const config::ChipConfig& config, const SimOptions& options = {});
  ~Chip();
  Chip(const Chip&) = delete;
  Chip& operator=(const Chip&) = delete;

  const config::ChipConfig& config() const { return m_config; }
  const SimOptions& options() const { return m_options; }
  GlobalMemory& gm() { return m_gm; }
  MemorySystem& memory() { return *m_memory; }
  // Every core of the chip: coupled cores, or AICs then AIVs.
  uint32_t core_count() const { return m_core_count; }

  // Runs `kernel` of `binary` on `block_dim` AI cores with `args` (one raw 64-bit value per
  // kernel argument: GM address, integer, or float bits in the low bytes). Throws UserError for
  // a bad request (unknown kernel, wrong argument count, block_dim out of range) and
  // ProgramError when the program fails (the message names core, pipe, pc and instruction).
  RunResult launch(const isa::Binary& binary, std::string_view kernel,
                   std::span<const uint64_t> args, uint32_t block_dim);

 private:
  std::vector<CoreId> launch_cores(uint32_t block_dim) const;
  LocalBuffers& buffers(uint32_t core, isa::CoreType type);

  config::ChipConfig m_config;
  SimOptions m_options;
  uint32_t m_core_count;
  GlobalMemory m_gm;
  std::unique_ptr<MemorySystem> m_memory;
  std::vector<std::unique_ptr<LocalBuffers>> m_buffers;  // per core, made on first use
  Cycle m_clock = 0;  // chip cycles simulated by earlier launches
};

}  // namespace npu::sim
