// The launch's SystemC top (see chip_model.h).
#include "sim/core/chip_model.h"

#include <fmt/format.h>

namespace npu::sim {

ChipModel::ChipModel(sc_core::sc_module_name name, LaunchContext& context,
                     const std::vector<CoreId>& cores, const std::vector<LocalBuffers*>& buffers,
                     TraceBuffer* trace)
    : sc_core::sc_module(name), m_context(context) {
  m_cores.reserve(cores.size());
  for (size_t i = 0; i < cores.size(); ++i) {
    const std::string core_name = fmt::format("core{}", cores[i].index);
    m_cores.push_back(
        std::make_unique<AiCore>(core_name.c_str(), cores[i], context, *buffers[i], trace));
  }
}

void ChipModel::end_threads() {
  // An immediate notification from a process makes the parked threads run (and return) in the
  // same delta cycle.
  sc_core::sc_spawn([event = m_context.parked.get()] { event->notify(); }, "release");
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  std::vector<sc_core::sc_process_handle> threads;
  for (const auto& core : m_cores) {
    for (sc_core::sc_object* child : core->get_child_objects()) {
      sc_core::sc_process_handle h(child);
      if (h.valid() && !h.terminated()) threads.push_back(h);
    }
  }
  if (threads.empty()) return;
  // kill() must come from a running process: a one-shot reaper does it.
  sc_core::sc_spawn(
      [threads]() mutable {
        for (sc_core::sc_process_handle& h : threads) {
          if (!h.terminated()) h.kill();
        }
      },
      "reaper");
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
}

std::vector<std::string> ChipModel::blocked() const {
  std::vector<std::string> out;
  for (const auto& core : m_cores) {
    for (std::string& line : core->blocked()) out.push_back(std::move(line));
  }
  return out;
}

}  // namespace npu::sim
