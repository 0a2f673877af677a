// `npusim calibrate --chip CHIP.yaml [--markdown]`: the model against the measured Ascend
// 910B1 tables of ../shared/reference/ascend-hardware-facts.md (§1.4 data paths, §4.2 cube and
// vector), one row per measured point with the model's value and the relative error.
// docs/calibration.md is this command's --markdown output on configs/chips/ascend910b.yaml; a
// test regenerates it and fails when a point is more than 10% off or the file is stale.
//
// How each model value is obtained (the conditions of the msKPP single-core measurements):
//  * GM-facing paths: one transfer through the MemorySystem of an otherwise idle chip, the
//    source lines already in L2 (the benchmark repeats the same copy); bandwidth = bytes /
//    (done - start).
//  * Core-local paths: MemorySystem::local_transfer_cycles.
//  * Cube and vector: timing rules 5 and 6 of DESIGN.md section 4 on the config's tables.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "config/chip_config.h"
#include "config/loader.h"
#include "isa/types.h"
#include "sim/memory/global_memory.h"
#include "sim/memory/memory_system.h"
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

constexpr const char* kMemoryMethod = "memory system, 1 core, warm L2";

double gm_bandwidth(const config::ChipConfig& chip, isa::DataPath path, uint64_t bytes,
                    bool write) {
  sim::MemorySystem memory(chip, 1);
  const sim::GmPattern gm{sim::GlobalMemory::kBase, 1, bytes, bytes};
  memory.transfer(0, path, 0, gm, write);  // warms L2, as the repeated benchmark copy does
  constexpr sim::Cycle kStart = 10'000'000;  // long after: every shared resource is idle
  const sim::TransferTiming t = memory.transfer(0, path, kStart, gm, write);
  return static_cast<double>(bytes) / static_cast<double>(t.done - kStart);
}

double local_bandwidth(const config::ChipConfig& chip, isa::DataPath path, uint64_t bytes) {
  const sim::MemorySystem memory(chip, 1);
  return static_cast<double>(bytes) /
         static_cast<double>(memory.local_transfer_cycles(path, bytes));
}

void add_memory_points(const config::ChipConfig& chip, std::vector<Point>& points) {
  struct Measured {
    uint64_t bytes;
    double gbps;
  };
  // §1.4 and §4.2 "Transfer efficiency": msKPP GM -> L1 on 910B1.
  const Measured gm_to_l1[] = {{1 << 10, 9.9},  {4 << 10, 29},    {16 << 10, 93},
                               {32 << 10, 147}, {128 << 10, 232}, {480 << 10, 281}};
  for (const Measured& m : gm_to_l1) {
    points.push_back({"GM -> L1 bandwidth (MTE2)", size_text(m.bytes), "B/cycle",
                      gbps_to_bytes_per_cycle(m.gbps),
                      gm_bandwidth(chip, isa::DataPath::kGmToL1, m.bytes, false),
                      fmt::format("§1.4 msKPP {} GB/s", m.gbps), kMemoryMethod});
  }
  const uint64_t l0 = 64 << 10;
  points.push_back({"L1 -> L0A bandwidth (MTE1)", size_text(l0), "B/cycle",
                    gbps_to_bytes_per_cycle(437.6),
                    local_bandwidth(chip, isa::DataPath::kL1ToL0a, l0), "§1.4 msKPP 437.6 GB/s",
                    "local_transfer_cycles"});
  points.push_back({"L1 -> L0B bandwidth (MTE1)", size_text(l0), "B/cycle",
                    gbps_to_bytes_per_cycle(219.6),
                    local_bandwidth(chip, isa::DataPath::kL1ToL0b, l0), "§1.4 msKPP 219.6 GB/s",
                    "local_transfer_cycles"});
  const uint64_t ub = 68 << 10;
  points.push_back({"UB -> GM bandwidth (MTE3)", size_text(ub), "B/cycle",
                    gbps_to_bytes_per_cycle(110.7),
                    gm_bandwidth(chip, isa::DataPath::kUbToGm, ub, true),
                    "§1.4 msKPP 110.7 GB/s", kMemoryMethod});
  // §1.4: 211 GB/s "at >= 11 KB": the measured curve is flat from 11 KB on.
  for (const uint64_t bytes : {uint64_t{11} << 10, uint64_t{64} << 10}) {
    points.push_back({"L0C -> GM bandwidth (FIXPIPE)", size_text(bytes), "B/cycle",
                      gbps_to_bytes_per_cycle(211),
                      gm_bandwidth(chip, isa::DataPath::kL0cToGm, bytes, true),
                      "§1.4 msKPP 211 GB/s from 11 KB", kMemoryMethod});
  }
}

// --- cube and vector ------------------------------------------------------------------------

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

void add_cube_points(const config::ChipConfig& chip, std::vector<Point>& points) {
  struct Measured {
    uint64_t m, k, n;
    double cycles;
  };
  // §4.2 cube, fp16 -> fp32 on 910B1.
  const Measured mmad[] = {{32, 16, 16, 4.9}, {32, 16, 1024, 130}};
  const config::CubeShape& s = chip.cube.fp16;
  for (const Measured& m : mmad) {
    const uint64_t fractals = ceil_div(m.m, s.m0) * ceil_div(m.n, s.n0) * ceil_div(m.k, s.k0);
    const uint64_t cycles = chip.cube.startup_cycles + fractals * s.cycles_per_fractal;
    points.push_back({"mmad fp16 cycles", fmt::format("m{} k{} n{} ({} fractals)", m.m, m.k, m.n,
                                                      fractals),
                      "cycles", m.cycles, static_cast<double>(cycles), "§4.2 msKPP",
                      "rule 5: startup + fractals x cycles"});
  }
}

// Cycles of one vector instruction of `repeats` repeats (timing rule 6).
uint64_t vector_cycles(const config::VectorClass& c, bool b32, uint64_t repeats) {
  const double per_repeat = b32 ? c.cycles_per_repeat_b32 : c.cycles_per_repeat_b16;
  return c.startup_cycles +
         static_cast<uint64_t>(std::ceil(static_cast<double>(repeats) * per_repeat - 1e-9));
}

void add_vector_points(const config::ChipConfig& chip, std::vector<Point>& points) {
  struct Measured {
    const char* name;
    const config::VectorClass& cls;
    bool b32;
    const char* example;
    double cycles_per_repeat;
  };
  const config::VectorSection& v = chip.vector;
  // §4.2 vector table (cycles per 256-byte repeat, fitted by the reference from msKPP).
  const Measured table[] = {
      {"simple", v.simple, false, "vadds / vconv / vcopy f16", 0.85},
      {"simple", v.simple, true, "vadds / vconv / vcopy f32", 0.85},
      {"binary", v.binary, false, "vadd f16", 1.93},
      {"binary", v.binary, true, "vadd f32", 1.93},
      {"transcendental", v.transcendental, false, "vexp f16", 3.9},
      {"transcendental", v.transcendental, true, "vexp f32", 1.93},
      {"sqrt", v.sqrt, false, "vsqrt f16", 4.0},
      {"sqrt", v.sqrt, true, "vsqrt f32", 1.93},
      {"divide", v.divide, false, "vdiv f16", 4.0},
      {"divide", v.divide, true, "vdiv f32", 4.0},
      {"multiply_add", v.multiply_add, false, "vmla f16", 6.0},
      {"multiply_add", v.multiply_add, true, "vmla f32", 6.0},
      {"reduce", v.reduce, false, "vcadd f16", 7.0},
      {"reduce", v.reduce, true, "vcadd f32", 3.0},
      {"block_reduce", v.block_reduce, false, "vcgadd f16", 7.0},
      {"block_reduce", v.block_reduce, true, "vcgadd f32", 0.85},
      {"gather", v.gather, false, "vgather u16", 24.0},
      {"gather", v.gather, true, "vgather u32", 12.0},
  };
  // The slope between 8 and 128 repeats: what the measured per-repeat figures are (a fit).
  constexpr uint64_t kFew = 8;
  constexpr uint64_t kMany = 128;
  for (const Measured& m : table) {
    const double slope =
        static_cast<double>(vector_cycles(m.cls, m.b32, kMany) - vector_cycles(m.cls, m.b32, kFew)) /
        static_cast<double>(kMany - kFew);
    points.push_back({fmt::format("vector {} cycles per repeat", m.name), m.example,
                      "cycles/repeat", m.cycles_per_repeat, slope, "§4.2 msKPP",
                      "rule 6: slope from 8 to 128 repeats"});
  }
}

std::vector<Point> calibrate(const config::ChipConfig& chip) {
  std::vector<Point> points;
  add_memory_points(chip, points);
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

std::string summary(const std::vector<Point>& points) {
  const size_t bad = outside(points);
  return bad == 0 ? fmt::format("{} points, all within {:.0f}%.", points.size(), kTolerance * 100)
                  : fmt::format("{} points, {} outside {:.0f}%.", points.size(), bad,
                                kTolerance * 100);
}

void print_text(const std::string& chip_file, const std::vector<Point>& points) {
  fmt::print("calibration of {} against the measured 910B1 tables\n\n", chip_file);
  fmt::print("{:<40} {:<30} {:>10} {:>10} {:>8}  {}\n", "quantity", "point", "measured", "model",
             "error", "");
  for (const Point& p : points) {
    fmt::print("{:<40} {:<30} {:>10} {:>10} {:>8}  {}\n", p.quantity, p.condition,
               number(p.measured), number(p.model), error_text(p), p.within() ? "ok" : "OUTSIDE");
  }
  fmt::print("\n{}\n", summary(points));
}

void print_markdown(const std::string& chip_file, const std::vector<Point>& points) {
  fmt::print("<!-- Generated by `npusim calibrate --chip {} --markdown`; do not edit. -->\n",
             chip_file);
  fmt::print(R"(# Calibration: the model against the measured Ascend 910B1

Chip config: `{}`.

Each row is a value measured on a single 910B1 core (msKPP tables, cited by section of
`../shared/reference/ascend-hardware-facts.md`) next to the model's value on this chip config,
and the relative error (model - measured) / measured. The target is every point within {:.0f}%; a test
(`tests/sim_memory/calibration_test.cc`) regenerates this file and fails if a point leaves that
band or this file is stale.

How the model values are obtained:
- Bandwidths are bytes per cycle, measured GB/s converted as msKPP does (1 GB = 2^30 bytes at
  1800 MHz), so the comparison does not depend on the chip's clock.
- GM-facing paths: one transfer through the memory system of an idle chip with the source
  already in L2 (the benchmark repeats the same copy): bytes / (done - start), latency included
  (docs/memory-model.md).
- Core-local paths: latency + bytes / bandwidth of the path.
- Cube: timing rule 5, `cube.startup_cycles + fractals x cycles_per_fractal`.
- Vector: timing rule 6; the measured figures are per-repeat slopes, so the model's is the slope
  of `startup + ceil(repeats x cycles_per_repeat)` between 8 and 128 repeats.

| Quantity | Point | Unit | Measured | Model | Error | Measured source | Model |
|---|---|---|---:|---:|---:|---|---|
)",
             chip_file, kTolerance * 100);
  for (const Point& p : points) {
    fmt::print("| {} | {} | {} | {} | {} | {}{} | {} | {} |\n", p.quantity, p.condition, p.unit,
               number(p.measured), number(p.model), error_text(p), p.within() ? "" : " **outside**",
               p.source, p.method);
  }
  fmt::print("\n{}\n", summary(points));
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
    const std::vector<Point> points = calibrate(resolved.config);
    if (markdown) {
      print_markdown(chip_file, points);
    } else {
      print_text(chip_file, points);
    }
  });
}

}  // namespace npu::cli
