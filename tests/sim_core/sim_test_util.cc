// Chip-model test helpers (see sim_test_util.h).
#include "tests/sim_core/sim_test_util.h"

#include <algorithm>
#include <cstring>

#include <gtest/gtest.h>

#include "base/error.h"
#include "config/loader.h"
#include "isa/assembler.h"
#include "tests/support/run_command.h"

namespace npu::test {

config::ChipConfig chip_config(const std::string& name,
                               const std::vector<std::string>& overrides) {
  return config::load_chip_config(source_path("configs/chips/" + name + ".yaml"), overrides)
      .config;
}

isa::Binary kernel(const std::string& body, const std::string& args) {
  return isa::assemble(".text\n.kernel k\n" + args + body, "test.s");
}

SimRun::SimRun(const config::ChipConfig& config, sim::SimOptions options)
    : m_chip(std::make_unique<sim::Chip>(config, options)) {}

sim::SimOptions SimRun::trace_on() {
  sim::SimOptions o;
  o.trace = true;
  o.cycle_limit = 1'000'000;
  return o;
}

const sim::RunResult& SimRun::run(const isa::Binary& binary, const std::vector<uint64_t>& args,
                                  uint32_t block_dim) {
  m_result = m_chip->launch(binary, "k", args, block_dim);
  return m_result;
}

std::vector<sim::TraceSlice> SimRun::slices(uint32_t core, isa::Pipe pipe) const {
  std::vector<sim::TraceSlice> out;
  for (const sim::TraceSlice& s : m_result.trace.slices) {
    if (s.core == core && s.pipe == static_cast<uint8_t>(pipe)) out.push_back(s);
  }
  std::stable_sort(out.begin(), out.end(), [](const sim::TraceSlice& a,
                                              const sim::TraceSlice& b) {
    return a.start < b.start;
  });
  return out;
}

sim::TraceSlice SimRun::at(uint32_t core, uint64_t pc) const {
  std::vector<sim::TraceSlice> found;
  for (const sim::TraceSlice& s : m_result.trace.slices) {
    if (s.core == core && s.pc == pc) found.push_back(s);
  }
  EXPECT_EQ(found.size(), 1u) << "slices of core " << core << " pc " << pc;
  return found.empty() ? sim::TraceSlice{} : found.front();
}

uint64_t SimRun::pc_of(const std::string& prefix, int nth) const {
  const std::vector<std::string>& text = m_result.instruction_text;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i].rfind(prefix, 0) == 0 && nth-- == 0) return i * 8;
  }
  ADD_FAILURE() << "no instruction starting with " << prefix;
  return ~0ull;
}

uint64_t SimRun::alloc(uint64_t bytes, const std::string& name) {
  return m_chip->gm().allocate(bytes, name);
}

void SimRun::write(uint64_t address, const void* data, uint64_t bytes) {
  std::memcpy(m_chip->gm().span(address, bytes).data(), data, bytes);
}

void SimRun::read(uint64_t address, void* data, uint64_t bytes) {
  std::memcpy(data, m_chip->gm().span(address, bytes).data(), bytes);
}

uint64_t SimRun::read_u64(uint64_t address) {
  uint64_t v = 0;
  read(address, &v, 8);
  return v;
}

std::string program_error(SimRun& sim, const isa::Binary& binary,
                          const std::vector<uint64_t>& args, uint32_t block_dim) {
  try {
    sim.run(binary, args, block_dim);
  } catch (const ProgramError& e) {
    return e.what();
  }
  return "";
}

}  // namespace npu::test
