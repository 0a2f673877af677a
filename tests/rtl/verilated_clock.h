// Drives a Verilated block with a clk_i / rst_ni pair from a C++ harness: reset, one rising edge
// at a time with a running edge count (the harness's cycle), and an optional FST waveform of a
// window of edges, which is how a harness shows the cycles around a mismatch (open the file
// with gtkwave). The model must be verilated with TRACE_FST (cmake/NpuVerilator.cmake).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <verilated.h>
#include <verilated_fst_c.h>

namespace npu::rtl_test {

// Which edges to record: [first, last], into `path`. An empty path records nothing.
struct WaveWindow {
  std::string path;
  uint64_t first = 0;
  uint64_t last = 0;
};

template <typename Model>
class VerilatedClock {
 public:
  // Builds a fresh context and model; `wave` (if its path is set) is written as the clock runs.
  explicit VerilatedClock(WaveWindow wave = {}) : m_wave(std::move(wave)) {
    m_context = std::make_unique<VerilatedContext>();
    m_context->traceEverOn(!m_wave.path.empty());
    m_model = std::make_unique<Model>(m_context.get(), "top");
    if (!m_wave.path.empty()) {
      m_fst = std::make_unique<VerilatedFstC>();
      m_model->trace(m_fst.get(), 99);
      m_fst->open(m_wave.path.c_str());
    }
  }
  ~VerilatedClock() {
    if (m_fst) m_fst->close();
    m_model->final();
  }
  VerilatedClock(const VerilatedClock&) = delete;
  VerilatedClock& operator=(const VerilatedClock&) = delete;

  Model& model() { return *m_model; }
  // Rising edges so far (after reset); the next edge is number edges() + 1.
  uint64_t edges() const { return m_edges; }

  // Two cycles with rst_ni low, then high; the edge count starts at 0 afterwards.
  void reset() {
    m_model->clk_i = 0;
    m_model->rst_ni = 0;
    m_model->eval();
    for (int i = 0; i < 2; ++i) half_cycles();
    m_model->rst_ni = 1;
    m_model->eval();
    m_edges = 0;
  }

  // Settles combinational logic after the harness changed inputs.
  void settle() { m_model->eval(); }

  // The rising edge (after which outputs show the new state); fall() ends the cycle.
  void rise() {
    ++m_edges;
    m_model->clk_i = 1;
    m_model->eval();
    dump(m_edges * 2);
  }
  void fall() {
    m_model->clk_i = 0;
    m_model->eval();
    dump(m_edges * 2 + 1);
  }

 private:
  void half_cycles() {
    m_model->clk_i = 1;
    m_model->eval();
    m_model->clk_i = 0;
    m_model->eval();
  }
  void dump(uint64_t time) {
    if (m_fst && m_edges >= m_wave.first && m_edges <= m_wave.last) m_fst->dump(time);
  }

  WaveWindow m_wave;
  std::unique_ptr<VerilatedContext> m_context;
  std::unique_ptr<Model> m_model;
  std::unique_ptr<VerilatedFstC> m_fst;
  uint64_t m_edges = 0;
};

}  // namespace npu::rtl_test
