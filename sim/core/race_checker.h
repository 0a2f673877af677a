// The race check of one core (--racecheck, functional mode): finds two pipes touching
// overlapping bytes of a buffer, at least one writing, with no set/wait or barrier between
// them. Happens-before is tracked with a vector clock per pipe: each pipe instruction ticks
// its pipe's own entry; set_flag snapshots the setter's clock into the flag and wait_flag joins
// it; pipe_barrier(all) and sync_all join every clock. An access by pipe q of an earlier
// access by pipe p (epoch e) is ordered iff clock[q][p] >= e. Uses the bounding interval of
// each operand (Work::accesses), so it can report a race that strided accesses would avoid.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/stats.h"
#include "sim/exec/executor.h"

namespace npu::sim {

class RaceChecker {
 public:
  using Clock = std::array<uint64_t, kPipeCount>;

  // An earlier access that conflicts with the one being checked.
  struct Conflict {
    isa::Pipe pipe = isa::Pipe::kS;
    uint64_t pc = 0;
    bool write = false;
    Access access;
  };

  // Ticks `pipe`'s clock (one instruction) and checks and records its accesses. Returns the
  // first conflict with an unordered earlier access of another pipe, and which of `accesses`.
  std::optional<std::pair<Conflict, Access>> check(isa::Pipe pipe, uint64_t pc,
                                                   const Access* accesses, size_t count);

  const Clock& clock(isa::Pipe pipe) const { return m_clock[static_cast<size_t>(pipe)]; }
  // `pipe` now happens after everything `other` covers.
  void join(isa::Pipe pipe, const Clock& other);
  // Every pipe happens after every earlier instruction of every pipe.
  void join_all();

 private:
  struct Record {
    uint64_t lo = 0, hi = 0;  // [lo, hi)
    uint64_t epoch = 0;
    uint64_t pc = 0;
    isa::Pipe pipe = isa::Pipe::kS;
    bool write = false;
  };
  static constexpr size_t kBuffers = isa::enum_count<isa::Buffer>();
  static constexpr size_t kMaxRecords = 4096;  // per buffer; oldest ordered ones go first
  void prune(std::vector<Record>& records) const;

  std::array<Clock, kPipeCount> m_clock{};
  std::array<std::vector<Record>, kBuffers> m_records;
};

}  // namespace npu::sim
