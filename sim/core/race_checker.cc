// Vector-clock race detection over local bounding intervals and exact GM burst patterns (see
// race_checker.h).
#include "sim/core/race_checker.h"

#include <algorithm>

namespace npu::sim {
namespace {

// Whether some burst of `a` shares a byte with some burst of `b`. Walks the bursts of the
// pattern with fewer of them and finds, for each, the range of `b`'s bursts it could touch.
bool patterns_overlap(const GmPattern& a, const GmPattern& b) {
  if (a.count > b.count) return patterns_overlap(b, a);
  for (uint64_t i = 0; i < a.count; ++i) {
    const uint64_t lo = a.address + i * a.stride;
    const uint64_t hi = lo + a.length;  // [lo, hi)
    if (b.count == 1 || b.stride == 0) {
      if (b.address < hi && lo < b.address + b.length) return true;
      continue;
    }
    // Burst j of b is [b.address + j * b.stride, + b.length). It starts before hi for
    // j < j_end = ceil((hi - b.address) / b.stride) and ends after lo for j >= j_begin; the
    // bursts in between (if any) overlap [lo, hi).
    if (hi <= b.address) continue;
    const uint64_t j_end = std::min(b.count, (hi - b.address + b.stride - 1) / b.stride);
    const uint64_t j_begin =
        lo >= b.address + b.length ? (lo - b.address - b.length) / b.stride + 1 : 0;
    if (j_begin < j_end) return true;
  }
  return false;
}

}  // namespace

RaceChecker::RaceChecker(uint32_t cores)
    : m_cores(cores),
      m_clock(static_cast<size_t>(cores) * kPipeCount, Clock(static_cast<size_t>(cores) * kPipeCount, 0)),
      m_version(static_cast<size_t>(cores) * kPipeCount, 0),
      m_local(cores) {}

std::vector<RaceChecker::Record>& RaceChecker::records(uint32_t core, isa::Buffer buffer) {
  if (buffer == isa::Buffer::kGm) return m_gm;
  return m_local[core][static_cast<size_t>(buffer)];
}

std::optional<RaceChecker::Conflict> RaceChecker::check(Unit u, uint64_t pc, const Touch* touches,
                                                        size_t count) {
  tick(u);
  Clock& mine = m_clock[u];
  const uint32_t core = u / static_cast<Unit>(kPipeCount);
  for (size_t i = 0; i < count; ++i) {
    const Touch& t = touches[i];
    if (t.pattern.bytes() == 0) continue;
    const uint64_t lo = t.pattern.address;
    const uint64_t hi = lo + (t.pattern.count - 1) * t.pattern.stride + t.pattern.length;
    const bool gm = t.buffer == isa::Buffer::kGm;
    for (const Record& r : records(core, t.buffer)) {
      if (r.unit == u || (!r.write && !t.write) || (r.atomic && t.atomic)) continue;
      if (r.hi <= lo || hi <= r.lo) continue;
      if (r.epoch <= mine[r.unit]) continue;
      if (gm && !patterns_overlap(r.pattern, t.pattern)) continue;
      return Conflict{r.unit / static_cast<Unit>(kPipeCount),
                      static_cast<isa::Pipe>(r.unit % kPipeCount),
                      r.pc,
                      r.write,
                      r.lo,
                      r.hi,
                      t};
    }
  }
  for (size_t i = 0; i < count; ++i) {
    const Touch& t = touches[i];
    if (t.pattern.bytes() == 0) continue;
    const uint64_t lo = t.pattern.address;
    const uint64_t hi = lo + (t.pattern.count - 1) * t.pattern.stride + t.pattern.length;
    std::vector<Record>& list = records(core, t.buffer);
    list.push_back(Record{t.pattern, lo, hi, mine[u], pc, u, t.write, t.atomic});
    if (list.size() >= kMaxRecords) {
      const bool gm = t.buffer == isa::Buffer::kGm;
      const Unit first = gm ? 0 : core * static_cast<Unit>(kPipeCount);
      const Unit end = gm ? static_cast<Unit>(m_clock.size()) : first + static_cast<Unit>(kPipeCount);
      prune(list, first, end);
    }
  }
  return std::nullopt;
}

void RaceChecker::prune(std::vector<Record>& list, Unit first, Unit end) const {
  // A record every unit that can reach the buffer is already ordered after can never conflict
  // again.
  std::erase_if(list, [&](const Record& r) {
    for (Unit q = first; q < end; ++q) {
      if (q != r.unit && m_clock[q][r.unit] < r.epoch) return false;
    }
    return true;
  });
  if (list.size() >= kMaxRecords) {
    list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(kMaxRecords / 2));
  }
}

void RaceChecker::join(Unit u, const Clock& other) {
  Clock& mine = m_clock[u];
  const size_t n = std::min(mine.size(), other.size());
  for (size_t q = 0; q < n; ++q) mine[q] = std::max(mine[q], other[q]);
  ++m_version[u];
}

void RaceChecker::join_core(uint32_t core) {
  const Unit first = core * static_cast<Unit>(kPipeCount);
  Clock all = m_clock[first];
  for (Unit u = first + 1; u < first + kPipeCount; ++u) {
    for (size_t q = 0; q < all.size(); ++q) all[q] = std::max(all[q], m_clock[u][q]);
  }
  for (Unit u = first; u < first + kPipeCount; ++u) {
    m_clock[u] = all;
    ++m_version[u];
  }
}

void RaceChecker::join_everything() {
  Clock all(m_clock.size(), 0);
  for (const Clock& c : m_clock) {
    for (size_t q = 0; q < all.size(); ++q) all[q] = std::max(all[q], c[q]);
  }
  for (Clock& c : m_clock) c = all;
  for (uint64_t& v : m_version) ++v;
}

void RaceChecker::signal(uint64_t channel, Unit from) {
  m_channels[channel].push_back(m_clock[from]);
}

void RaceChecker::arrive(uint64_t round, Unit from) {
  Clock& r = m_rounds[round];
  if (r.empty()) r.assign(m_clock.size(), 0);
  for (size_t q = 0; q < r.size(); ++q) r[q] = std::max(r[q], m_clock[from][q]);
}

void RaceChecker::release(uint64_t round, uint64_t channel) {
  m_channels[channel].push_back(m_rounds[round]);
}

void RaceChecker::end_round(uint64_t round) { m_rounds.erase(round); }

void RaceChecker::consume(uint64_t channel, Unit to) {
  auto it = m_channels.find(channel);
  if (it == m_channels.end() || it->second.empty()) return;
  join(to, it->second.front());
  it->second.pop_front();
}

}  // namespace npu::sim
