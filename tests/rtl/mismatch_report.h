// How the cube and vector-lane harnesses report: a harness streams its transactions (they
// overlap in the pipeline, so a mismatch is only meaningful in its stream) until the first
// mismatch, then replays the same seeded, deterministic stream with an FST waveform of the
// cycles before the mismatch, and returns one readable report: the block, the edge, what
// differed (the harness's text names the transaction and both results) and where the waveform
// is. (The one-transaction-at-a-time harnesses use cross_check.h instead.)
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace npu::rtl_test {

// Which rising edges to record, [first, last], into `path`. An empty path records nothing.
struct WaveWindow {
  std::string path;
  uint64_t first = 0;
  uint64_t last = 0;
};

// Opens and closes a VerilatedBench's waveform as its cycles enter and leave a window. Call
// before() ahead of every tick().
class WaveRecorder {
 public:
  explicit WaveRecorder(WaveWindow window) : m_window(std::move(window)) {}
  template <typename Bench>
  void before(Bench& bench) {
    if (m_window.path.empty()) return;
    const uint64_t next_edge = bench.cycle() + 1;
    if (!m_open && next_edge >= m_window.first && next_edge <= m_window.last) {
      bench.open_waveform(m_window.path);
      m_open = true;
    } else if (m_open && next_edge > m_window.last) {
      bench.close_waveform();
      m_open = false;
    }
  }

 private:
  WaveWindow m_window;
  bool m_open = false;
};

// The first disagreement of a stream: the edge and what differed.
struct StreamMismatch {
  uint64_t edge = 0;
  std::string text;
};

// `drive(window)` runs the whole stream once, recording the waveform window, and returns the
// first mismatch. Returns "" when the run agrees; otherwise runs it again with a waveform of
// edges [edge - before, edge + 2] into `wave_path` and returns the report.
template <typename Drive>
std::string report_first_mismatch(std::string_view block, Drive&& drive,
                                  const std::string& wave_path, uint64_t before) {
  const std::optional<StreamMismatch> m = drive(WaveWindow{});
  if (!m) return {};
  const uint64_t first = m->edge > before ? m->edge - before : 0;
  drive(WaveWindow{wave_path, first, m->edge + 2});
  return fmt::format(
      "{} RTL / C++ mismatch at edge {}: {}\nwaveform of edges {}..{}: {} (gtkwave {})", block,
      m->edge, m->text, first, m->edge + 2, wave_path, wave_path);
}

}  // namespace npu::rtl_test
