// Tag array of the L2 cache; see l2_cache.h.
#include "sim/memory/l2_cache.h"

#include "base/error.h"

namespace npu::sim {
namespace {

uint64_t key_of(uint64_t line) { return (line + 1) << 1; }

}  // namespace

L2Cache::L2Cache(uint64_t capacity_bytes, uint64_t line_bytes, uint64_t ways,
                 config::ReplacementPolicy policy)
    : m_sets(capacity_bytes / (line_bytes * ways)), m_ways(ways), m_policy(policy) {
  NPU_CHECK(line_bytes > 0 && ways > 0 && m_sets > 0,
            "the L2 needs at least one set of whole lines");
  m_ways_of_sets.resize(m_sets * m_ways);
}

const L2Cache::Way* L2Cache::find(uint64_t line) const {
  const Way* set = &m_ways_of_sets[(line % m_sets) * m_ways];
  const uint64_t key = key_of(line);
  for (uint64_t w = 0; w < m_ways; ++w) {
    if ((set[w].key & ~uint64_t{1}) == key) return &set[w];
  }
  return nullptr;
}

L2Cache::Outcome L2Cache::access(uint64_t line, bool write) {
  Outcome outcome;
  ++m_clock;
  Way* set = &m_ways_of_sets[(line % m_sets) * m_ways];
  const uint64_t key = key_of(line);
  Way* victim = nullptr;
  for (uint64_t w = 0; w < m_ways; ++w) {
    Way& way = set[w];
    if ((way.key & ~uint64_t{1}) == key) {
      outcome.hit = true;
      if (m_policy == config::ReplacementPolicy::kLru) way.stamp = m_clock;
      if (write) way.key |= 1;
      return outcome;
    }
    // The first empty way, else the smallest stamp (lowest way on a tie: deterministic).
    if (victim == nullptr || (victim->key != 0 && (way.key == 0 || way.stamp < victim->stamp))) {
      victim = &way;
    }
  }
  outcome.writeback = (victim->key & 1) != 0;
  victim->key = key | (write ? 1 : 0);
  victim->stamp = m_clock;
  return outcome;
}

bool L2Cache::contains(uint64_t line) const { return find(line) != nullptr; }

bool L2Cache::dirty(uint64_t line) const {
  const Way* way = find(line);
  return way != nullptr && (way->key & 1) != 0;
}

}  // namespace npu::sim
