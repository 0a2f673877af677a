// What every core of one launch shares: the config and options, GM, the memory system, the
// decoded program, the cross-core barrier and counter flags, and the first program error.
// One LaunchContext lives for exactly one launch (one SystemC simulation, see chip.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "config/chip_config.h"
#include "sim/core/program.h"
#include "sim/core/race_checker.h"
#include "sim/core/sim_options.h"
#include "sim/memory/global_memory.h"
#include "sim/memory/memory_system.h"
#include "sim/time.h"

namespace npu::sim {

// Where a core sits in the launch (the values of its special registers).
struct CoreId {
  uint32_t index = 0;  // position in the chip's core list (stats, trace, memory-system port)
  isa::CoreType type = isa::CoreType::kCoupled;
  uint32_t block_idx = 0;
  uint32_t sub_block_idx = 0;  // AIV: 0..aiv_per_core-1; otherwise 0
  uint32_t sub_block_dim = 1;  // split chips: aiv_per_core; coupled: 1
  uint32_t aic = 0;            // split: chip index of this block's AIC
  std::vector<uint32_t> aivs;  // split: chip indices of this block's AIVs

  std::string name() const;  // "core 3 (aiv 1.0)"
};

// The pipes a core of this type has (reference §1.4): a coupled core all of them, an AIC the
// scalar, MTE1, MTE2, cube and fixpipe, an AIV the scalar, MTE2, MTE3 and vector pipes.
inline bool core_has_pipe(isa::CoreType type, isa::Pipe p) {
  using isa::Pipe;
  switch (type) {
    case isa::CoreType::kCoupled: return p != Pipe::kAll;
    case isa::CoreType::kAic:
      return p == Pipe::kS || p == Pipe::kMte1 || p == Pipe::kMte2 || p == Pipe::kM ||
             p == Pipe::kFix;
    case isa::CoreType::kAiv:
      return p == Pipe::kS || p == Pipe::kMte2 || p == Pipe::kMte3 || p == Pipe::kV;
  }
  return false;
}

// The all-core barrier of sync_all and the counter flags of cross_core_set/wait_flag.
struct CrossCore {
  static constexpr uint32_t kCounterMax = 15;  // reference §3.1

  std::vector<isa::CoreType> types;  // per core of the chip
  std::vector<bool> in_launch;       // per core of the chip
  // Arrivals of the current round of a same_type flag ([type * flags + flag]) and of an AI
  // core's AIVs at an aic_aiv flag ([aic * flags + flag]); arrived marks who already counted.
  std::vector<uint32_t> type_arrivals;
  std::vector<uint32_t> block_arrivals;
  std::vector<uint8_t> arrived_type;   // [core * flags + flag]
  std::vector<uint8_t> arrived_block;  // [core * flags + flag]
  uint32_t flags = 0;  // counter flags per core
  std::vector<uint8_t> counters;  // [core * flags + flag]
  // SystemC events belong to the launch's simulation context: made and destroyed inside it.
  std::vector<std::unique_ptr<sc_core::sc_event>> raised;  // per core
  uint32_t barrier_arrived = 0;
  uint32_t barrier_participants = 0;
  uint64_t barrier_generation = 0;
  std::unique_ptr<sc_core::sc_event> barrier_release;
};

struct LaunchContext {
  LaunchContext(const config::ChipConfig& c, const SimOptions& o, GlobalMemory& g,
                MemorySystem& m, const Program& p)
      : config(c), options(o), gm(g), memory(m), program(p) {}

  const config::ChipConfig& config;
  const SimOptions& options;
  GlobalMemory& gm;
  MemorySystem& memory;
  const Program& program;
  uint32_t block_dim = 1;
  Cycle base = 0;  // chip cycle of this launch's cycle 0 (the memory system's clock)
  CrossCore cross;
  std::optional<std::string> error;  // the first program error; stops the simulation
  bool data_dependent_control = false;  // timing-only: a branch read a value not computed
  std::unique_ptr<RaceChecker> race;     // --racecheck in functional mode
  // Threads that finished their work wait on this until the launch ends (AiCore::park). Made
  // and destroyed inside the launch's simulation context, like the cross-core events.
  std::unique_ptr<sc_core::sc_event> parked;

  // Records the first error and stops the simulation.
  void fail(std::string message);
};

}  // namespace npu::sim
