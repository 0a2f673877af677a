// run_cube_harness(): the lock-step loop of the cube harness (declared in cube_harness.h), a
// template over the Verilated class so one loop drives the real block and its deliberately
// mis-modelled variants.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "isa/types.h"
#include "sim/cosim/rtl_cube_config.h"
#include "sim/exec/cube_timing.h"
#include "tests/rtl/cube_harness.h"
#include "tests/rtl/mismatch_report.h"
#include "tests/rtl/verilated_bench.h"

namespace npu::rtl_test {
namespace cube_detail {

// Encodings of npu_cube_pkg::cube_init_e.
inline constexpr uint8_t kInitZero = 0;
inline constexpr uint8_t kInitLoad = 1;
inline constexpr uint8_t kInitKeep = 2;

template <size_t kWords, typename Wide>
void put_wide(Wide& port, const uint8_t* bytes) {
  for (size_t w = 0; w < kWords; ++w) {
    uint32_t v;
    std::memcpy(&v, bytes + 4 * w, 4);
    port[w] = v;
  }
}

inline std::string describe(const CubeTransaction& t, size_t index) {
  return fmt::format(
      "transaction {}: mmad {} ({} k fractals, last k {}, init {}), requested at "
      "edge {}",
      index, isa::name(t.src), t.a.size(), t.last_k, t.zero_init ? "zero" : "load C0", t.request);
}

inline uint32_t word(const uint8_t* bytes, size_t e) {
  uint32_t v;
  std::memcpy(&v, bytes + 4 * e, 4);
  return v;
}

template <typename Model>
std::optional<StreamMismatch> drive(const config::ChipConfig& config,
                                    const std::vector<CubeTransaction>& stream,
                                    CubeRunResult& result, const WaveWindow& wave) {
  VerilatedBench<Model> bench;
  WaveRecorder recorder(wave);
  Model& top = bench.top();
  const sim::RtlCubeTiming cfg = sim::rtl_cube_timing(config);
  top.cfg_cpf_f16_i = static_cast<uint16_t>(cfg.cycles_per_fractal_fp16);
  top.cfg_cpf_bf16_i = static_cast<uint16_t>(cfg.cycles_per_fractal_bf16);
  top.cfg_cpf_int8_i = static_cast<uint16_t>(cfg.cycles_per_fractal_int8);
  top.cfg_startup_i = static_cast<uint8_t>(cfg.startup_cycles);
  bench.reset();

  size_t issue = 0;    // transaction whose fractals are being presented
  size_t fractal = 0;  // next fractal of it
  size_t done = 0;     // transactions whose result arrived
  std::vector<uint64_t> expected_start(stream.size());
  std::vector<uint64_t> actual_start(stream.size());
  uint64_t model_free = 0;  // the model's earliest start of the next transaction
  const uint64_t limit =
      1000 + stream.size() * 8 * (sim::kRtlCubeMaxCyclesPerFractal + cfg.startup_cycles + 64);
  while (done < stream.size()) {
    if (bench.cycle() > limit) {
      return StreamMismatch{bench.cycle(),
                            fmt::format("no result for {} after {} edges: the RTL hangs",
                                        describe(stream[done], done), bench.cycle())};
    }
    const uint64_t next_edge = bench.cycle() + 1;
    const bool present = issue < stream.size() && stream[issue].request <= next_edge;
    top.in_valid_i = present ? 1 : 0;
    if (present) {
      const CubeTransaction& t = stream[issue];
      const bool last = fractal + 1 == t.a.size();
      const bool integer = t.src == isa::DataType::kS8 || t.src == isa::DataType::kU8;
      top.in_dtype_i = static_cast<uint8_t>(t.src);  // dtype_e is generated from isa::DataType
      top.in_init_i = fractal > 0 ? kInitKeep : t.zero_init ? kInitZero : kInitLoad;
      top.in_k_count_i = last ? t.last_k : integer ? 32 : 16;
      top.in_last_i = last ? 1 : 0;
      put_wide<128>(top.in_a_i, t.a[fractal].data());
      put_wide<128>(top.in_b_i, t.b[fractal].data());
      put_wide<256>(top.in_c_i, t.c0.data());
    }
    bench.settle();
    const bool accepted = present && top.in_ready_o;
    recorder.before(bench);
    bench.tick();
    const uint64_t edge = bench.cycle();
    if (accepted) {
      const CubeTransaction& t = stream[issue];
      ++result.fractals;
      if (fractal == 0) {
        const sim::PipeTiming timing = sim::cube_timing(config, t.src, t.a.size());
        expected_start[issue] = std::max(t.request, model_free);
        model_free = expected_start[issue] + timing.occupancy;
        actual_start[issue] = edge;
      }
      const uint64_t expected =
          expected_start[issue] + fractal * sim::cube_shape(config, t.src).cycles_per_fractal;
      if (edge != expected) {
        return StreamMismatch{edge,
                              fmt::format("{}: k fractal {} accepted at edge {}, the timing model "
                                          "starts it at edge {} (throughput)",
                                          describe(t, issue), fractal, edge, expected)};
      }
      if (++fractal == t.a.size()) {
        ++issue;
        fractal = 0;
      }
    }
    if (top.out_valid_o) {
      if (done >= issue) {
        return StreamMismatch{
            edge, fmt::format("a result at edge {} with no transaction outstanding", edge)};
      }
      const CubeTransaction& t = stream[done];
      const sim::PipeTiming timing = sim::cube_timing(config, t.src, t.a.size());
      const uint64_t expected = expected_start[done] + timing.latency;
      if (edge != expected) {
        return StreamMismatch{edge,
                              fmt::format("{}: started at edge {}, result at edge {}; the timing "
                                          "model completes it at edge {} (latency {}, expected {})",
                                          describe(t, done), actual_start[done], edge, expected,
                                          edge - actual_start[done], timing.latency)};
      }
      const std::array<uint8_t, 1024> want = cpp_cube_result(t);
      uint8_t got[1024];
      for (size_t w = 0; w < 256; ++w) {
        const uint32_t v = top.out_c_o[w];
        std::memcpy(got + 4 * w, &v, 4);
      }
      for (size_t e = 0; e < 256; ++e) {
        if (word(got, e) != word(want.data(), e)) {
          return StreamMismatch{edge,
                                fmt::format("{}: result at edge {}, C[{}][{}]: RTL {:08x}, C++ "
                                            "cube {:08x} (C0 {:08x})",
                                            describe(t, done), edge, e / 16, e % 16, word(got, e),
                                            word(want.data(), e), word(t.c0.data(), e))};
        }
      }
      ++done;
    }
  }
  result.cycles = bench.cycle();
  result.transactions = done;
  return std::nullopt;
}

}  // namespace cube_detail

template <typename Model>
CubeRunResult run_cube_harness(const config::ChipConfig& config,
                               const std::vector<CubeTransaction>& stream,
                               const std::string& wave_path) {
  CubeRunResult result;
  bool replay = false;
  const uint64_t slowest = std::max({config.cube.fp16.cycles_per_fractal,
                                     config.cube.bf16.cycles_per_fractal,
                                     config.cube.int8.cycles_per_fractal});
  result.report = report_first_mismatch(
      "cube (" + describe_cube_timing(config) + ")",
      [&](const WaveWindow& window) {
        CubeRunResult scratch;
        const std::optional<StreamMismatch> m =
            cube_detail::drive<Model>(config, stream, replay ? scratch : result, window);
        replay = true;
        return m;
      },
      wave_path, 4 * (slowest + config.cube.startup_cycles));
  result.ok = result.report.empty();
  if (!result.ok) result.wave_path = wave_path;
  return result;
}

}  // namespace npu::rtl_test
