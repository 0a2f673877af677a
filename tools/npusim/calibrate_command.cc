// `npusim calibrate --chip CHIP.yaml [--markdown]`: the model against the measured Ascend
// 910B1 tables of ../shared/reference/ascend-hardware-facts.md (§1.4 data paths, §4.2 cube and
// vector), one row per measured point with the model's value and the relative error.
// docs/calibration.md is this command's --markdown output on configs/chips/ascend910b.yaml; a
// test regenerates it and fails when a point is more than 10% off or the file is stale.
//
// Every model value is a microbenchmark kernel run through the simulated chip
// (calibration_benchmarks.h): the cycles of the measured instruction, start to completion, as
// the chip's trace records them. Points on a data path the chip does not have are listed as
// skipped.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "config/chip_config.h"
#include "config/loader.h"
#include "isa/types.h"
#include "sim/memory/data_paths.h"
#include "tools/npusim/calibration_benchmarks.h"
#include "tools/npusim/commands.h"

namespace npu::cli {
namespace {

constexpr double kTolerance = 0.10;

// msKPP turns its GB/s into bytes per cycle with 1 GB = 2^30 bytes at 1800 MHz (reference
// §1.4, "How msKPP converts"); the model is compared in bytes per cycle, clock-independent.
double gbps_to_bytes_per_cycle(double gbps) { return gbps * 1073741824.0 / 1.8e9; }

struct Point {
  std::string quantity;   // "GM -> L1 bandwidth"
  std::string condition;  // "1 KiB"
  std::string unit;       // "B/cycle", "cycles", "cycles/repeat"
  double measured = 0;
  double model = 0;
  std::string source;  // where the measured value comes from
  std::string method;  // how the model value was obtained

  double error() const { return (model - measured) / measured; }
  bool within() const { return std::abs(error()) <= kTolerance; }
};

std::string size_text(uint64_t bytes) {
  return bytes % 1024 == 0 ? fmt::format("{} KiB", bytes / 1024) : fmt::format("{} B", bytes);
}

// --- memory paths --------------------------------------------------------------------------

constexpr const char* kCopyMethod = "second of two copies, 1 core (warm L2)";

void add_memory_points(const config::ChipConfig& chip, std::vector<Point>& points,
                       std::vector<std::string>& skipped) {
  auto enabled = [&](isa::DataPath path, const std::string& quantity) {
    if (sim::path_config(chip, path).enabled) return true;
    skipped.push_back(fmt::format("{}: paths.{}.enabled is false on this chip", quantity,
                                  isa::name(path)));
    return false;
  };
  auto gm_bandwidth = [&](isa::DataPath path, uint64_t bytes) {
    return static_cast<double>(bytes) / static_cast<double>(measure_gm_copy(chip, path, bytes));
  };
  struct Measured {
    uint64_t bytes;
    double gbps;
  };
  // §1.4 and §4.2 "Transfer efficiency": msKPP GM -> L1 on 910B1.
  const Measured gm_to_l1[] = {{1 << 10, 9.9},  {4 << 10, 29},    {16 << 10, 93},
                               {32 << 10, 147}, {128 << 10, 232}, {480 << 10, 281}};
  const std::string gm_l1 = "GM -> L1 bandwidth (MTE2)";
  if (enabled(isa::DataPath::kGmToL1, gm_l1)) {
    for (const Measured& m : gm_to_l1) {
      points.push_back({gm_l1, size_text(m.bytes), "B/cycle", gbps_to_bytes_per_cycle(m.gbps),
                        gm_bandwidth(isa::DataPath::kGmToL1, m.bytes),
                        fmt::format("§1.4 msKPP {} GB/s", m.gbps),
                        "copy_gm_to_l1: " + std::string(kCopyMethod)});
    }
  }
  const uint64_t l0 = 64 << 10;
  const struct {
    isa::DataPath path;
    const char* quantity;
    const char* mnemonic;
    double gbps;
  } loads[] = {{isa::DataPath::kL1ToL0a, "L1 -> L0A bandwidth (MTE1)", "load2d_l1_to_l0a", 437.6},
               {isa::DataPath::kL1ToL0b, "L1 -> L0B bandwidth (MTE1)", "load2d_l1_to_l0b", 219.6}};
  for (const auto& load : loads) {
    if (!enabled(load.path, load.quantity)) continue;
    points.push_back({load.quantity, size_text(l0), "B/cycle", gbps_to_bytes_per_cycle(load.gbps),
                      static_cast<double>(l0) /
                          static_cast<double>(measure_load2d(chip, load.path, l0)),
                      fmt::format("§1.4 msKPP {} GB/s", load.gbps),
                      std::string(load.mnemonic) + ": one load of 128 fractals"});
  }
  const uint64_t ub = 68 << 10;
  const std::string ub_gm = "UB -> GM bandwidth (MTE3)";
  if (enabled(isa::DataPath::kUbToGm, ub_gm)) {
    points.push_back({ub_gm, size_text(ub), "B/cycle", gbps_to_bytes_per_cycle(110.7),
                      gm_bandwidth(isa::DataPath::kUbToGm, ub), "§1.4 msKPP 110.7 GB/s",
                      "copy_ub_to_gm: " + std::string(kCopyMethod)});
  }
  // §1.4: 211 GB/s "at >= 11 KB": the measured curve is flat from 11 KB on.
  const std::string l0c_gm = "L0C -> GM bandwidth (FIXPIPE)";
  if (enabled(isa::DataPath::kL0cToGm, l0c_gm)) {
    for (const uint64_t bytes : {uint64_t{11} << 10, uint64_t{64} << 10}) {
      points.push_back({l0c_gm, size_text(bytes), "B/cycle", gbps_to_bytes_per_cycle(211),
                        gm_bandwidth(isa::DataPath::kL0cToGm, bytes),
                        "§1.4 msKPP 211 GB/s from 11 KB",
                        "fix_l0c_to_gm f32, 16 rows: " + std::string(kCopyMethod)});
    }
  }
}

// --- cube and vector ------------------------------------------------------------------------

void add_cube_points(const config::ChipConfig& chip, std::vector<Point>& points) {
  struct Measured {
    uint64_t m, k, n;
    double cycles;
  };
  // §4.2 cube, fp16 -> fp32 on 910B1.
  const Measured mmad[] = {{32, 16, 16, 4.9}, {32, 16, 1024, 130}};
  const config::CubeShape& s = chip.cube.fp16;
  for (const Measured& m : mmad) {
    const uint64_t fractals = ((m.m + s.m0 - 1) / s.m0) * ((m.n + s.n0 - 1) / s.n0) *
                              ((m.k + s.k0 - 1) / s.k0);
    points.push_back({"mmad fp16 cycles",
                      fmt::format("m{} k{} n{} ({} fractals)", m.m, m.k, m.n, fractals), "cycles",
                      m.cycles, static_cast<double>(measure_mmad(chip, m.m, m.k, m.n)),
                      "§4.2 msKPP", "one mmad.f32.f16, start to completion"});
  }
}

void add_vector_points(const config::ChipConfig& chip, std::vector<Point>& points) {
  struct Measured {
    const char* cls;
    const char* instruction;  // what runs in the chip
    const char* example;      // what the reference measured
    double cycles_per_repeat;
  };
  // §4.2 vector table (cycles per 256-byte repeat, fitted by the reference from msKPP).
  const Measured table[] = {
      {"simple", "vadds.f16", "vadds / vconv / vcopy f16", 0.85},
      {"simple", "vadds.f32", "vadds / vconv / vcopy f32", 0.85},
      {"binary", "vadd.f16", "vadd f16", 1.93},
      {"binary", "vadd.f32", "vadd f32", 1.93},
      {"transcendental", "vexp.f16", "vexp f16", 3.9},
      {"transcendental", "vexp.f32", "vexp f32", 1.93},
      {"sqrt", "vsqrt.f16", "vsqrt f16", 4.0},
      {"sqrt", "vsqrt.f32", "vsqrt f32", 1.93},
      {"divide", "vdiv.f16", "vdiv f16", 4.0},
      {"divide", "vdiv.f32", "vdiv f32", 4.0},
      {"multiply_add", "vmla.f16", "vmla f16", 6.0},
      {"multiply_add", "vmla.f32", "vmla f32", 6.0},
      {"reduce", "vcadd.f16", "vcadd f16", 7.0},
      {"reduce", "vcadd.f32", "vcadd f32", 3.0},
      {"block_reduce", "vcgadd.f16", "vcgadd f16", 7.0},
      {"block_reduce", "vcgadd.f32", "vcgadd f32", 0.85},
      {"gather", "vgather.f16", "vgather u16", 24.0},
      {"gather", "vgather.f32", "vgather u32", 12.0},
  };
  // The slope between 8 and 128 repeats: what the measured per-repeat figures are (a fit).
  constexpr uint64_t kFew = 8;
  constexpr uint64_t kMany = 128;
  for (const Measured& m : table) {
    const uint64_t few = measure_vector(chip, m.instruction, kFew);
    const uint64_t many = measure_vector(chip, m.instruction, kMany);
    points.push_back({fmt::format("vector {} cycles per repeat", m.cls), m.example,
                      "cycles/repeat", m.cycles_per_repeat,
                      static_cast<double>(many - few) / static_cast<double>(kMany - kFew),
                      "§4.2 msKPP",
                      fmt::format("{}: slope from {} to {} repeats", m.instruction, kFew, kMany)});
  }
}

std::vector<Point> calibrate(const config::ChipConfig& chip, std::vector<std::string>& skipped) {
  std::vector<Point> points;
  add_memory_points(chip, points, skipped);
  add_cube_points(chip, points);
  add_vector_points(chip, points);
  return points;
}

// --- output ---------------------------------------------------------------------------------

std::string number(double value) { return fmt::format("{:.2f}", value); }

std::string error_text(const Point& p) { return fmt::format("{:+.1f}%", p.error() * 100); }

size_t outside(const std::vector<Point>& points) {
  size_t n = 0;
  for (const Point& p : points) n += p.within() ? 0 : 1;
  return n;
}

std::string summary(const std::vector<Point>& points, const std::vector<std::string>& skipped) {
  const size_t bad = outside(points);
  std::string text =
      bad == 0 ? fmt::format("{} points, all within {:.0f}%.", points.size(), kTolerance * 100)
               : fmt::format("{} points, {} outside {:.0f}%.", points.size(), bad,
                             kTolerance * 100);
  for (const std::string& s : skipped) text += "\nskipped: " + s;
  return text;
}

void print_text(const std::string& chip_file, const std::vector<Point>& points,
                const std::vector<std::string>& skipped) {
  fmt::print("calibration of {} against the measured 910B1 tables\n\n", chip_file);
  fmt::print("{:<40} {:<30} {:>10} {:>10} {:>8}  {}\n", "quantity", "point", "measured", "model",
             "error", "");
  for (const Point& p : points) {
    fmt::print("{:<40} {:<30} {:>10} {:>10} {:>8}  {}\n", p.quantity, p.condition,
               number(p.measured), number(p.model), error_text(p), p.within() ? "ok" : "OUTSIDE");
  }
  fmt::print("\n{}\n", summary(points, skipped));
}

void print_markdown(const std::string& chip_file, const std::vector<Point>& points,
                    const std::vector<std::string>& skipped) {
  fmt::print("<!-- Generated by `npusim calibrate --chip {} --markdown`; do not edit. -->\n",
             chip_file);
  fmt::print(R"(# Calibration: the model against the measured Ascend 910B1

Chip config: `{}`.

Each row is a value measured on a single 910B1 core (msKPP tables, cited by section of
`../shared/reference/ascend-hardware-facts.md`) next to the model's value on this chip config,
and the relative error (model - measured) / measured. The target is every point within {:.0f}%; a test
(`tests/sim_memory/calibration_test.cc`) regenerates this file and fails if a point leaves that
band or this file is stale.

How the model values are obtained: every row is a microbenchmark kernel run through the
simulated chip (`tools/npusim/calibration_benchmarks.cc`): one AI core (the AIC for L1, L0,
cube and fixpipe, the first AIV for UB and vector on a split chip) runs the measured
instruction, and its cycles from start to completion are read from the chip's trace.
- Bandwidths are bytes per cycle, measured GB/s converted as msKPP does (1 GB = 2^30 bytes at
  1800 MHz), so the comparison does not depend on the chip's clock.
- GM-facing copies: the kernel issues the copy twice with a `pipe_barrier` between and the
  second is measured, so its source is in L2 and every shared resource is idle, as msKPP's
  repeated copies are: bytes / cycles, latency included (docs/memory-model.md).
- L1 -> L0A / L0B: one `load2d` of 128 fractals.
- Cube: one `mmad.f32.f16` of the measured shape.
- Vector: the measured figures are per-repeat slopes, so the model's is the slope of the
  instruction's cycles between 8 and 128 repeats.

| Quantity | Point | Unit | Measured | Model | Error | Measured source | Model |
|---|---|---|---:|---:|---:|---|---|
)",
             chip_file, kTolerance * 100);
  for (const Point& p : points) {
    fmt::print("| {} | {} | {} | {} | {} | {}{} | {} | {} |\n", p.quantity, p.condition, p.unit,
               number(p.measured), number(p.model), error_text(p), p.within() ? "" : " **outside**",
               p.source, p.method);
  }
  fmt::print("\n{}\n", summary(points, skipped));
}

}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "calibrate", "Compare the model with the measured Ascend 910B1 tables (docs/calibration.md)");
  static std::string chip_file;
  static std::vector<std::string> overrides;
  static bool markdown = false;
  cmd->add_option("--chip", chip_file, "Chip config file (CHIP.yaml)")->required();
  cmd->add_option("--set", overrides, "Override a key: --set paths.gm_to_l1.latency_cycles=60")
      ->allow_extra_args(false);
  cmd->add_flag("--markdown", markdown, "Print docs/calibration.md");
  cmd->callback([] {
    const config::ResolvedConfig resolved = config::load_chip_config(chip_file, overrides);
    std::vector<std::string> skipped;
    const std::vector<Point> points = calibrate(resolved.config, skipped);
    if (markdown) {
      print_markdown(chip_file, points, skipped);
    } else {
      print_text(chip_file, points, skipped);
    }
  });
}

}  // namespace npu::cli
