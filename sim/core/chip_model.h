// The SystemC top of one launch: the AI cores taking part in it, built in the launch's own
// simulation context (see chip.h for why a context per launch).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "sim/core/ai_core.h"
#include "sim/core/launch.h"

namespace npu::sim {

class ChipModel : public sc_core::sc_module {
 public:
  // `buffers[i]` are the buffers of `cores[i]`.
  ChipModel(sc_core::sc_module_name name, LaunchContext& context,
            const std::vector<CoreId>& cores, const std::vector<LocalBuffers*>& buffers,
            TraceBuffer* trace);

  std::vector<std::unique_ptr<AiCore>>& cores() { return m_cores; }
  // One line per blocked unit of every unfinished core.
  std::vector<std::string> blocked() const;
  // Ends every thread: releases the parked ones (AiCore::park) so they return, then kills those
  // still blocked or runnable (after a program error, a deadlock or the cycle limit), so the
  // simulation context can be destroyed with no live coroutine. Runs two more delta cycles;
  // call after sc_start returned.
  void end_threads();

 private:
  LaunchContext& m_context;
  std::vector<std::unique_ptr<AiCore>> m_cores;
};

}  // namespace npu::sim
