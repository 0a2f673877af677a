// The instruction cache of one core: set-associative, LRU, line-granular; a miss is filled
// through MemorySystem::fetch by the scalar unit (the cache only keeps tags).
#pragma once

#include <cstdint>
#include <vector>

namespace npu::sim {

class Icache {
 public:
  Icache(uint64_t bytes, uint64_t line_bytes, uint64_t ways);

  uint64_t line_bytes() const { return m_line_bytes; }
  // Looks up the line holding `address`; on a miss, installs it (evicting the LRU way).
  // Returns true on a hit.
  bool access(uint64_t address);

 private:
  uint64_t m_line_bytes;
  uint64_t m_sets;
  uint64_t m_ways;
  uint64_t m_tick = 0;
  std::vector<uint64_t> m_tags;  // [set * ways + way], line number + 1; 0 = empty
  std::vector<uint64_t> m_used;  // last-use tick per way
};

}  // namespace npu::sim
