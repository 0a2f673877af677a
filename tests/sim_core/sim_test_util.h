// Helpers for the chip-model tests: assemble a kernel from text, run it on a shipped chip with
// --set style overrides, and look at what happened (trace slices per core and pipe, GM data,
// the program error's message).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/chip_config.h"
#include "isa/npubin.h"
#include "sim/core/chip.h"

namespace npu::test {

// A shipped chip config (configs/chips/NAME.yaml) with overrides ("scalar.issue_width=2").
config::ChipConfig chip_config(const std::string& name,
                               const std::vector<std::string>& overrides = {});

// Assembles `body` as kernel `k` with the given `.arg` lines.
isa::Binary kernel(const std::string& body, const std::string& args = "");

// A chip plus the last run. Tracing is on so tests can read every instruction's start and
// duration.
class SimRun {
 public:
  explicit SimRun(const config::ChipConfig& config, sim::SimOptions options = trace_on());
  static sim::SimOptions trace_on();

  sim::Chip& chip() { return *m_chip; }
  const sim::RunResult& run(const isa::Binary& binary, const std::vector<uint64_t>& args = {},
                            uint32_t block_dim = 1);
  const sim::RunResult& result() const { return m_result; }

  // Slices of one core's pipe, in start order.
  std::vector<sim::TraceSlice> slices(uint32_t core, isa::Pipe pipe) const;
  // The slice of the instruction at `pc` on `core` (its only slice; fails the test otherwise).
  sim::TraceSlice at(uint32_t core, uint64_t pc) const;

  // Byte pc of the `nth` (0-based) instruction whose text starts with `prefix`.
  uint64_t pc_of(const std::string& prefix, int nth = 0) const;

  // GM helpers.
  uint64_t alloc(uint64_t bytes, const std::string& name = "buf");
  void write(uint64_t address, const void* data, uint64_t bytes);
  void read(uint64_t address, void* data, uint64_t bytes);
  uint64_t read_u64(uint64_t address);

 private:
  std::unique_ptr<sim::Chip> m_chip;
  sim::RunResult m_result;
};

// Runs and returns the ProgramError's message ("" if none was thrown).
std::string program_error(SimRun& sim, const isa::Binary& binary,
                          const std::vector<uint64_t>& args = {}, uint32_t block_dim = 1);

}  // namespace npu::test
