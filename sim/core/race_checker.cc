// Vector-clock race detection over bounding byte intervals (see race_checker.h).
#include "sim/core/race_checker.h"

#include <algorithm>

namespace npu::sim {

std::optional<std::pair<RaceChecker::Conflict, Access>> RaceChecker::check(
    isa::Pipe pipe, uint64_t pc, const Access* accesses, size_t count) {
  const auto p = static_cast<size_t>(pipe);
  Clock& mine = m_clock[p];
  ++mine[p];
  for (size_t i = 0; i < count; ++i) {
    const Access& a = accesses[i];
    if (a.bytes == 0) continue;
    const uint64_t lo = a.address;
    const uint64_t hi = a.address + a.bytes;
    std::vector<Record>& records = m_records[static_cast<size_t>(a.buffer)];
    for (const Record& r : records) {
      if (r.pipe == pipe || (!r.write && !a.write)) continue;
      if (r.hi <= lo || hi <= r.lo) continue;
      if (r.epoch <= mine[static_cast<size_t>(r.pipe)]) continue;
      Conflict c;
      c.pipe = r.pipe;
      c.pc = r.pc;
      c.write = r.write;
      c.access = Access{a.buffer, r.lo, r.hi - r.lo, r.write};
      return std::make_pair(c, a);
    }
  }
  for (size_t i = 0; i < count; ++i) {
    const Access& a = accesses[i];
    if (a.bytes == 0) continue;
    std::vector<Record>& records = m_records[static_cast<size_t>(a.buffer)];
    records.push_back(Record{a.address, a.address + a.bytes, mine[p], pc, pipe, a.write});
    if (records.size() >= kMaxRecords) prune(records);
  }
  return std::nullopt;
}

void RaceChecker::prune(std::vector<Record>& records) const {
  // A record every other pipe is already ordered after can never conflict again.
  std::erase_if(records, [this](const Record& r) {
    const auto rp = static_cast<size_t>(r.pipe);
    for (size_t q = 0; q < kPipeCount; ++q) {
      if (q != rp && m_clock[q][rp] < r.epoch) return false;
    }
    return true;
  });
  // Still too many (pipes that never synchronise): forget the oldest half. The check is then
  // incomplete for those, never wrong about the ones it reports.
  if (records.size() >= kMaxRecords) {
    records.erase(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(kMaxRecords / 2));
  }
}

void RaceChecker::join(isa::Pipe pipe, const Clock& other) {
  Clock& mine = m_clock[static_cast<size_t>(pipe)];
  for (size_t q = 0; q < kPipeCount; ++q) mine[q] = std::max(mine[q], other[q]);
}

void RaceChecker::join_all() {
  Clock all{};
  for (const Clock& c : m_clock) {
    for (size_t q = 0; q < kPipeCount; ++q) all[q] = std::max(all[q], c[q]);
  }
  m_clock.fill(all);
}

}  // namespace npu::sim
