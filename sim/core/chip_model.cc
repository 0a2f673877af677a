// The launch's SystemC top (see chip_model.h).
#include "sim/core/chip_model.h"

#include <fmt/format.h>

namespace npu::sim {

ChipModel::ChipModel(sc_core::sc_module_name name, LaunchContext& context,
                     const std::vector<CoreId>& cores, const std::vector<LocalBuffers*>& buffers,
                     TraceBuffer* trace)
    : sc_core::sc_module(name) {
  m_cores.reserve(cores.size());
  for (size_t i = 0; i < cores.size(); ++i) {
    const std::string core_name = fmt::format("core{}", cores[i].index);
    m_cores.push_back(
        std::make_unique<AiCore>(core_name.c_str(), cores[i], context, *buffers[i], trace));
  }
}

std::vector<std::string> ChipModel::blocked() const {
  std::vector<std::string> out;
  for (const auto& core : m_cores) {
    for (std::string& line : core->blocked()) out.push_back(std::move(line));
  }
  return out;
}

}  // namespace npu::sim
