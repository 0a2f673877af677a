// The flag / event unit of one core: one flag per (source pipe, destination pipe, event id).
// set_flag on the source pipe sets it; wait_flag on the destination pipe waits until it is set
// and clears it (consumes it), so one set releases exactly one wait. AiCore owns one and does
// the waiting (SystemC) around it; rtl/flag_unit.sv is the same unit in Verilog and
// tests/rtl/flag_unit_harness.cc checks the two agree cycle by cycle.
//
// Cycle behaviour: a set is visible to a wait in the same cycle (the wait completes in the
// cycle of the set), and a completing wait clears the flag in that cycle. Within one cycle the
// sets act before the waits (docs/rtl.md, "flag unit").
#pragma once

#include <cstdint>
#include <vector>

#include "isa/instruction.h"
#include "sim/core/race_checker.h"

namespace npu::sim {

class FlagUnit {
 public:
  // `event_ids` flags per ordered pipe pair (config pipes.event_ids).
  explicit FlagUnit(uint32_t event_ids);

  uint32_t event_ids() const { return m_event_ids; }

  // The flag's state. Preconditions (all methods): src, dst are pipes (not kAll) and
  // event < event_ids(); the caller checks the program's operands before.
  bool is_set(isa::Pipe src, isa::Pipe dst, uint32_t event) const;
  // set_flag: sets the flag and returns true; returns false, changing nothing, when it is
  // already set (no wait_flag consumed the previous set): a program error the caller reports.
  [[nodiscard]] bool set(isa::Pipe src, isa::Pipe dst, uint32_t event);
  // wait_flag's completion: clears the flag and returns true if it is set; returns false when
  // it is clear (the wait blocks; the caller retries after a set towards `dst`).
  [[nodiscard]] bool consume(isa::Pipe src, isa::Pipe dst, uint32_t event);
  // The race checker's clock, carried from a set to the wait that consumes it (--racecheck).
  RaceChecker::Clock& clock(isa::Pipe src, isa::Pipe dst, uint32_t event);

 private:
  struct Slot {
    bool set = false;
    RaceChecker::Clock clock{};
  };
  size_t index(isa::Pipe src, isa::Pipe dst, uint32_t event) const;

  uint32_t m_event_ids;
  std::vector<Slot> m_slots;  // [(src * kPipeCount + dst) * event_ids + event]
};

}  // namespace npu::sim
