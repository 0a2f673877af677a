// The shared memory system's timing: every GM-facing transfer of every core goes through one
// MemorySystem, which models the path's latency and bandwidth, the small-transfer efficiency
// curve, the core's NoC port, the L2 cache (capacity, line, ways, policy, hit latency) and the
// chip-wide L2 and HBM bandwidth shared by all cores (DESIGN.md section 4, timing rule 7).
//
// Calls arrive in simulated-time order (the SystemC kernel guarantees it: a pipe calls
// transfer() at the cycle its instruction starts), so bandwidth is shared by reservation:
// a transfer takes the earliest slots the shared resources have free after `start`. The model
// is deterministic: same calls in the same order, same answers.
#pragma once

#include <cstdint>
#include <memory>

#include "config/chip_config.h"
#include "isa/types.h"
#include "sim/time.h"

namespace npu::sim {

// The GM side of a transfer: `count` bursts of `length` bytes, the first at `address`, each
// `stride` bytes after the previous one (stride == length: one contiguous block).
struct GmPattern {
  uint64_t address = 0;
  uint64_t count = 1;
  uint64_t length = 0;
  uint64_t stride = 0;

  uint64_t bytes() const { return count * length; }
};

struct TransferTiming {
  Cycle done = 0;         // cycle the last byte has arrived
  Cycle uncontended = 0;  // when it would have been done on an idle chip (stall = difference)
};

// Counters of the shared memory system (per chip; per-core byte counts are the core's).
struct MemoryStats {
  uint64_t l2_hits = 0;       // lines
  uint64_t l2_misses = 0;     // lines
  uint64_t l2_writebacks = 0; // dirty lines evicted
  uint64_t hbm_read_bytes = 0;
  uint64_t hbm_write_bytes = 0;
};

class MemorySystem {
 public:
  MemorySystem(const config::ChipConfig& config, uint32_t cores);
  ~MemorySystem();
  MemorySystem(const MemorySystem&) = delete;
  MemorySystem& operator=(const MemorySystem&) = delete;

  // A transfer between GM and a core buffer on `path` (a GM-facing path), started by core
  // `core` at cycle `start`. `write` is true for transfers into GM (atomic adds included).
  TransferTiming transfer(uint32_t core, isa::DataPath path, Cycle start, const GmPattern& gm,
                          bool write);

  // An instruction-cache line fill of `bytes` at `address` for `core` at `start`.
  TransferTiming fetch(uint32_t core, Cycle start, uint64_t address, uint64_t bytes);

  // Cycles of a core-local transfer (no GM side, no sharing): latency + bytes / bandwidth.
  Cycle local_transfer_cycles(isa::DataPath path, uint64_t bytes) const;

  const MemoryStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace npu::sim
