// The L2 cache's contents: a set-associative tag array with LRU or FIFO replacement and dirty
// lines written back on eviction. Only tags are kept (data lives in GlobalMemory), so one line
// costs 16 bytes of host memory and a lookup scans one set.
#pragma once

#include <cstdint>
#include <vector>

#include "config/chip_config.h"

namespace npu::sim {

class L2Cache {
 public:
  // `capacity_bytes` is a whole number of sets (config/consistency.cc checks it).
  L2Cache(uint64_t capacity_bytes, uint64_t line_bytes, uint64_t ways,
          config::ReplacementPolicy policy);

  struct Outcome {
    bool hit = false;
    bool writeback = false;  // a miss evicted a dirty line
  };

  // Looks up the line holding byte address `line * line_bytes`. A miss allocates the line
  // (writes allocate too), evicting an empty way or else the policy's victim: the least
  // recently used line (LRU) or the oldest filled one (FIFO). A write leaves the line dirty.
  Outcome access(uint64_t line, bool write);

  // Whether the line is present and whether it is dirty; no state change (for tests, stats).
  bool contains(uint64_t line) const;
  bool dirty(uint64_t line) const;

  uint64_t sets() const { return m_sets; }
  uint64_t ways() const { return m_ways; }

 private:
  struct Way {
    uint64_t key = 0;    // 0: empty; else (line + 1) << 1 | dirty
    uint64_t stamp = 0;  // LRU: last use; FIFO: fill order
  };
  const Way* find(uint64_t line) const;

  uint64_t m_sets;
  uint64_t m_ways;
  config::ReplacementPolicy m_policy;
  uint64_t m_clock = 0;
  std::vector<Way> m_ways_of_sets;  // set s occupies [s * ways, (s + 1) * ways)
};

}  // namespace npu::sim
