// A clocked testbench around one Verilated RTL block: drives clk_i and rst_ni, counts cycles
// and, on demand, records an FST waveform (the harnesses re-run a mismatching transaction with
// the waveform on, so a failure leaves a file to open in gtkwave).
//
// Cycle convention (docs/rtl.md): in cycle c the harness sets the inputs and calls settle() to
// see the outputs of that cycle (registered state plus the combinational paths from the
// inputs); tick() then ends the cycle with a rising clock edge. Waveform time counts every
// clock since the bench was built (reset cycles included): clock n spans 10 * n .. 10 * n + 10
// with its rising edge at 10 * n + 5.
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace npu::rtl_test {

template <typename Top>
class VerilatedBench {
 public:
  VerilatedBench() : m_context(std::make_unique<VerilatedContext>()) {
    m_context->traceEverOn(true);  // before the model exists, so it builds its trace hooks
    m_top = std::make_unique<Top>(m_context.get());
  }
  ~VerilatedBench() {
    close_waveform();
    m_top->final();
  }
  VerilatedBench(const VerilatedBench&) = delete;
  VerilatedBench& operator=(const VerilatedBench&) = delete;

  Top& top() { return *m_top; }
  // Cycles since the end of the last reset (the first cycle after reset is cycle 0).
  uint64_t cycle() const { return m_cycle; }

  // Holds rst_ni low for two clock edges (the caller has set every input to its idle value).
  void reset() {
    m_top->rst_ni = 0;
    tick();
    tick();
    m_top->rst_ni = 1;
    m_cycle = 0;
  }
  // Evaluates the current cycle with the inputs as they are now.
  void settle() {
    m_top->clk_i = 0;
    m_top->eval();
  }
  // Ends the current cycle (rising edge) and starts the next one.
  void tick() {
    settle();
    dump(10 * m_clock);
    m_top->clk_i = 1;
    m_top->eval();
    dump(10 * m_clock + 5);
    ++m_clock;
    ++m_cycle;
  }

  // Starts recording every signal to an FST file (creating its directory).
  void open_waveform(const std::string& path) {
    close_waveform();
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    m_wave = std::make_unique<VerilatedFstC>();
    m_top->trace(m_wave.get(), 99);
    m_wave->open(path.c_str());
  }
  void close_waveform() {
    if (m_wave) {
      m_wave->close();
      m_wave.reset();
    }
  }

 private:
  void dump(uint64_t time) {
    if (m_wave) m_wave->dump(time);
  }

  std::unique_ptr<VerilatedContext> m_context;
  std::unique_ptr<Top> m_top;
  std::unique_ptr<VerilatedFstC> m_wave;
  uint64_t m_clock = 0;  // clock edges since construction: the waveform's time base
  uint64_t m_cycle = 0;
};

}  // namespace npu::rtl_test
