// The race check of a launch (--racecheck, functional mode): finds two units (a pipe or the
// scalar unit of any core) touching overlapping bytes, at least one writing, with nothing
// ordering the two. Local buffers belong to one core, so there the units are that core's pipes;
// GM is shared, so there every pipe and scalar unit of every core counts (copies, fixpipe
// writes, scalar ldg / stg). Two atomic-add stores to the same bytes do not race.
//
// Happens-before is tracked with vector clocks over every unit of the chip (unit = core x pipe,
// see unit()): each recorded instruction ticks its unit's own entry; a unit that waits for
// another joins the other's clock:
//  * set_flag / wait_flag: the setter's clock goes into the flag (snapshot), the waiter joins it;
//  * dispatch: a pipe instruction joins the scalar unit's clock at the cycle it was dispatched
//    (everything the scalar did before, including what it waited for, is ordered before it);
//  * pipe_barrier all: every unit of the core joins every other;
//  * sync_all: every unit of the chip joins every other;
//  * cross-core flags: cross_core_set_flag puts the setter's clock into the target's counter
//    (one snapshot per count, first in first out; a round of same_type or aic_aiv arrivals
//    carries the join of every arrival) and cross_core_wait_flag joins the oldest.
// An access by unit v of an earlier access by unit u at u's epoch e is ordered iff
// clock[v][u] >= e. Local buffers use the bounding interval of each operand
// (Work::accesses), so a strided pattern can be reported although its bytes interleave; GM
// accesses use their exact burst pattern (Work::gm), so cores writing disjoint tiles of one
// matrix never race.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "sim/core/stats.h"
#include "sim/exec/executor.h"
#include "sim/memory/memory_system.h"

namespace npu::sim {

class RaceChecker {
 public:
  using Clock = std::vector<uint64_t>;  // one entry per unit
  using Unit = uint32_t;

  // One byte range an instruction touches. GM accesses carry their burst pattern.
  struct Touch {
    isa::Buffer buffer = isa::Buffer::kGm;
    GmPattern pattern;  // local buffers: one burst, the bounding interval
    bool write = false;
    bool atomic = false;  // an atomic-add store (GM)
  };

  // The earlier access that conflicts with the one being checked.
  struct Conflict {
    uint32_t core = 0;
    isa::Pipe pipe = isa::Pipe::kS;
    uint64_t pc = 0;
    bool write = false;
    uint64_t lo = 0, hi = 0;  // its bounding interval
    Touch now;                // the access being checked that conflicts
  };

  explicit RaceChecker(uint32_t cores);

  static Unit unit(uint32_t core, isa::Pipe pipe) {
    return core * static_cast<Unit>(kPipeCount) + static_cast<Unit>(pipe);
  }

  // Ticks `u`'s clock (one instruction) and checks and records its accesses. Returns the first
  // conflict with an unordered earlier access of another unit.
  std::optional<Conflict> check(Unit u, uint64_t pc, const Touch* touches, size_t count);
  // Ticks `u`'s clock without an access (before a snapshot that must cover its latest epoch).
  void tick(Unit u) {
    ++m_clock[u][u];
    ++m_version[u];
  }

  const Clock& clock(Unit u) const { return m_clock[u]; }
  // Changes whenever clock(u) changes (for callers that keep a copy).
  uint64_t version(Unit u) const { return m_version[u]; }
  // `u` now happens after everything `other` covers.
  void join(Unit u, const Clock& other);
  // Every unit of `core` happens after every earlier instruction of every unit of the core.
  void join_core(uint32_t core);
  // Every unit of the chip happens after every earlier instruction of every unit.
  void join_everything();

  // Cross-core counter flags: `channel` names one counter (core x flag), `round` one round of
  // arrivals (any key distinct from other rounds).
  void signal(uint64_t channel, Unit from);  // one count, carrying from's clock
  void arrive(uint64_t round, Unit from);    // from's clock joins the round
  void release(uint64_t round, uint64_t channel);  // one count carrying the round's clock
  void end_round(uint64_t round);
  void consume(uint64_t channel, Unit to);  // to joins the oldest count's clock

 private:
  struct Record {
    GmPattern pattern;
    uint64_t lo = 0, hi = 0;  // bounding interval of the pattern
    uint64_t epoch = 0;
    uint64_t pc = 0;
    Unit unit = 0;
    bool write = false;
    bool atomic = false;
  };
  static constexpr size_t kBuffers = isa::enum_count<isa::Buffer>();
  static constexpr size_t kMaxRecords = 4096;  // per list; oldest ordered ones go first

  std::vector<Record>& records(uint32_t core, isa::Buffer buffer);
  // Drops records every unit that can reach them is ordered after; then, if still too many,
  // the oldest half (the check is then incomplete for those, never wrong about what it reports).
  void prune(std::vector<Record>& records, Unit first, Unit end) const;

  uint32_t m_cores;
  std::vector<Clock> m_clock;       // [unit]
  std::vector<uint64_t> m_version;  // [unit]
  std::vector<std::array<std::vector<Record>, kBuffers>> m_local;  // [core][buffer]
  std::vector<Record> m_gm;
  std::unordered_map<uint64_t, std::deque<Clock>> m_channels;
  std::unordered_map<uint64_t, Clock> m_rounds;
};

}  // namespace npu::sim
