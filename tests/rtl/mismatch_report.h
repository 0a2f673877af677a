// How every RTL harness reports: it runs its stream until the first mismatch, then replays the
// same (seeded, deterministic) stream with an FST waveform of the cycles before the mismatch, and
// returns one readable report: the block, the edge, what differed (the harness's text names the
// transaction and both results) and where the waveform is.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/rtl/verilated_clock.h"

namespace npu::rtl_test {

// The first disagreement of a run: the edge and what differed.
struct Mismatch {
  uint64_t edge = 0;
  std::string text;
};

// `drive(window)` runs the whole stream once, recording the waveform window, and returns the
// first mismatch. Returns "" when the run agrees; otherwise runs it again with a waveform of
// edges [edge - before, edge + 2] into `wave_path` and returns the report.
template <typename Drive>
std::string report_first_mismatch(std::string_view block, Drive&& drive,
                                  const std::string& wave_path, uint64_t before) {
  const std::optional<Mismatch> m = drive(WaveWindow{});
  if (!m) return {};
  const uint64_t first = m->edge > before ? m->edge - before : 0;
  drive(WaveWindow{wave_path, first, m->edge + 2});
  return fmt::format(
      "{} RTL / C++ mismatch at edge {}: {}\nwaveform of edges {}..{}: {} "
      "(gtkwave {})",
      block, m->edge, m->text, first, m->edge + 2, wave_path, wave_path);
}

}  // namespace npu::rtl_test
