// Set-associative LRU tag store (see icache.h).
#include "sim/core/icache.h"

namespace npu::sim {

Icache::Icache(uint64_t bytes, uint64_t line_bytes, uint64_t ways)
    : m_line_bytes(line_bytes),
      m_sets(bytes / (line_bytes * ways)),
      m_ways(ways),
      m_tags(m_sets * ways, 0),
      m_used(m_sets * ways, 0) {}

bool Icache::access(uint64_t address) {
  const uint64_t line = address / m_line_bytes;
  const uint64_t set = line % m_sets;
  uint64_t* tags = &m_tags[set * m_ways];
  uint64_t* used = &m_used[set * m_ways];
  ++m_tick;
  uint64_t victim = 0;
  for (uint64_t w = 0; w < m_ways; ++w) {
    if (tags[w] == line + 1) {
      used[w] = m_tick;
      return true;
    }
    if (used[w] < used[victim]) victim = w;
  }
  tags[victim] = line + 1;
  used[victim] = m_tick;
  return false;
}

}  // namespace npu::sim
