// FlagUnit: the flag table of one core (see the header for the semantics and the timing).
#include "sim/core/flag_unit.h"

#include "base/error.h"

namespace npu::sim {

FlagUnit::FlagUnit(uint32_t event_ids)
    : m_event_ids(event_ids), m_slots(kPipeCount * kPipeCount * event_ids) {}

size_t FlagUnit::index(isa::Pipe src, isa::Pipe dst, uint32_t event) const {
  const auto s = static_cast<size_t>(src);
  const auto d = static_cast<size_t>(dst);
  NPU_CHECK(s < kPipeCount && d < kPipeCount && event < m_event_ids,
            "flag unit: pipe pair or event id out of range");
  return (s * kPipeCount + d) * m_event_ids + event;
}

bool FlagUnit::is_set(isa::Pipe src, isa::Pipe dst, uint32_t event) const {
  return m_slots[index(src, dst, event)].set;
}

bool FlagUnit::set(isa::Pipe src, isa::Pipe dst, uint32_t event) {
  Slot& slot = m_slots[index(src, dst, event)];
  if (slot.set) return false;
  slot.set = true;
  return true;
}

bool FlagUnit::consume(isa::Pipe src, isa::Pipe dst, uint32_t event) {
  Slot& slot = m_slots[index(src, dst, event)];
  if (!slot.set) return false;
  slot.set = false;
  return true;
}

RaceChecker::Clock& FlagUnit::clock(isa::Pipe src, isa::Pipe dst, uint32_t event) {
  return m_slots[index(src, dst, event)].clock;
}

}  // namespace npu::sim
