// report.json, the summary table and trace.json (see report.h; the schema is documented in
// docs/report-schema.md and must change together with kReportSchemaVersion).
#include "sim/core/report.h"

#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/config_hash.h"
#include "config/derived.h"
#include "sim/memory/data_paths.h"

namespace npu::sim {

namespace {

using Json = nlohmann::ordered_json;
using isa::Pipe;

double ratio(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// Rounded so that reports stay readable and stable across platforms' printing.
double round6(double x) { return static_cast<double>(static_cast<int64_t>(x * 1e6 + 0.5)) / 1e6; }

struct Totals {
  std::array<std::array<uint64_t, static_cast<size_t>(PipeStat::kCount)>, kPipeCount> pipe{};
  std::array<uint64_t, kPipeCount> pipe_cores{};  // cores having each pipe
  CoreStats core;
};

Totals totals(const RunResult& run) {
  Totals t;
  for (const CoreResult& c : run.cores) {
    for (size_t p = 0; p < kPipeCount; ++p) {
      if (!core_has_pipe(c.id.type, static_cast<Pipe>(p))) continue;
      ++t.pipe_cores[p];
      for (size_t s = 0; s < t.pipe[p].size(); ++s) t.pipe[p][s] += c.stats.pipe[p][s];
    }
    for (size_t s = 0; s < t.core.core.size(); ++s) t.core.core[s] += c.stats.core[s];
    for (size_t s = 0; s < kPathCount; ++s) t.core.path_bytes[s] += c.stats.path_bytes[s];
  }
  return t;
}

// The per-type MAC counters and the cube shape (config::CubePeak::dtype) of each.
constexpr std::pair<CoreStat, const char*> kCubeMacTypes[] = {
    {CoreStat::kCubeMacsFp16, "fp16"},
    {CoreStat::kCubeMacsBf16, "bf16"},
    {CoreStat::kCubeMacsInt8, "int8"}};

// Cycles a cube would need at full rate for the MACs in `stats`: each input type's MACs over
// that type's peak MACs per cycle (a type whose cube is disabled cannot have run).
double cube_full_rate_cycles(const config::DerivedValues& d, const CoreStats& stats) {
  double cycles = 0;
  for (const auto& [stat, dtype] : kCubeMacTypes) {
    const double rate = d.peak(dtype).macs_per_cycle_per_core;
    if (rate > 0) cycles += static_cast<double>(stats[stat]) / rate;
  }
  return cycles;
}

// The input types the cube ran, for the summary ("int8", "fp16 + int8"; "none").
std::string cube_types_run(const CoreStats& stats) {
  std::string out;
  for (const auto& [stat, dtype] : kCubeMacTypes) {
    if (stats[stat] == 0) continue;
    out += (out.empty() ? "" : " + ") + std::string(dtype);
  }
  return out.empty() ? "none" : out;
}

Json stalls(const std::array<std::array<uint64_t, static_cast<size_t>(PipeStat::kCount)>,
                             kPipeCount>& pipe,
            const CoreStats& core) {
  uint64_t flag = 0, barrier = 0, bandwidth = 0;
  for (size_t p = 0; p < kPipeCount; ++p) {
    flag += pipe[p][static_cast<size_t>(PipeStat::kFlagWaitCycles)];
    barrier += pipe[p][static_cast<size_t>(PipeStat::kBarrierCycles)];
    bandwidth += pipe[p][static_cast<size_t>(PipeStat::kBandwidthCycles)];
  }
  Json j;
  j["flag_wait"] = flag;
  j["queue_full"] = core[CoreStat::kQueueFullCycles];
  j["bandwidth"] = bandwidth;
  j["barrier"] = barrier;
  j["dependency"] = core[CoreStat::kDependencyCycles];
  j["fetch"] = core[CoreStat::kFetchCycles];
  j["branch"] = core[CoreStat::kBranchCycles];
  return j;
}

Json path_bytes(const CoreStats& stats) {
  Json j = Json::object();
  for (size_t p = 0; p < kPathCount; ++p) {
    j[std::string(isa::name(static_cast<isa::DataPath>(p)))] = stats.path_bytes[p];
  }
  return j;
}

}  // namespace

double cube_utilization(const config::ChipConfig& config, const RunResult& run) {
  const config::DerivedValues d = config::derive(config);
  const double whole = static_cast<double>(d.cube_cores) * static_cast<double>(run.cycles);
  return whole > 0 ? cube_full_rate_cycles(d, totals(run).core) / whole : 0.0;
}

double useful_cube_utilization(const config::ChipConfig& config, const RunResult& run,
                               double useful_macs) {
  const auto executed = static_cast<double>(totals(run).core[CoreStat::kCubeMacs]);
  return executed > 0 ? cube_utilization(config, run) * useful_macs / executed : 0.0;
}

std::string report_json(const config::ChipConfig& config, const SimOptions& options,
                        const RunResult& run) {
  const config::DerivedValues derived = config::derive(config);
  Json r;
  r["schema"] = "npusim-report";
  r["schema_version"] = kReportSchemaVersion;
  Json chip;
  chip["name"] = config.name;
  chip["config_hash"] = config::config_hash(config);
  chip["organisation"] = config.split() ? "split" : "coupled";
  chip["ai_cores"] = config.chip.cores;
  chip["aiv_per_core"] = config.chip.aiv_per_core;
  chip["clock_mhz"] = config.chip.clock_mhz;
  r["chip"] = chip;
  r["mode"] = run.timing_only ? "timing-only" : "functional";
  r["racecheck"] = options.racecheck && !run.timing_only;
  r["kernel"] = run.kernel;
  r["block_dim"] = run.block_dim;
  r["total_cycles"] = run.cycles;
  r["time_seconds"] = run.seconds;
  r["data_dependent_control"] = run.data_dependent_control;

  const Totals t = totals(run);
  Json pipes = Json::object();
  for (size_t p = 0; p < kPipeCount; ++p) {
    if (t.pipe_cores[p] == 0) continue;
    Json j;
    for (size_t s = 0; s < kPipeStats.size(); ++s) {
      j[std::string(kPipeStats[s].name)] = t.pipe[p][s];
    }
    j["utilization"] = round6(ratio(t.pipe[p][static_cast<size_t>(PipeStat::kBusyCycles)],
                                    run.cycles * t.pipe_cores[p]));
    pipes[std::string(isa::name(static_cast<Pipe>(p)))] = j;
  }
  Json total;
  total["pipes"] = pipes;
  total["stalls"] = stalls(t.pipe, t.core);
  for (size_t s = 0; s < kCoreStats.size(); ++s) {
    total[std::string(kCoreStats[s].name)] = t.core.core[s];
  }
  total["cube_utilization"] = round6(cube_utilization(config, run));
  total["bytes_per_path"] = path_bytes(t.core);
  r["totals"] = total;

  uint64_t gm_bytes = 0, local_bytes = 0;
  for (size_t p = 0; p < kPathCount; ++p) {
    (gm_facing(static_cast<isa::DataPath>(p)) ? gm_bytes : local_bytes) += t.core.path_bytes[p];
  }
  Json memory;
  Json levels;
  levels["hbm"] = run.memory.hbm_read_bytes + run.memory.hbm_write_bytes;
  levels["l2"] = gm_bytes;
  levels["core_local"] = local_bytes;
  memory["bytes_per_level"] = levels;
  memory["l2_hits"] = run.memory.l2_hits;
  memory["l2_misses"] = run.memory.l2_misses;
  memory["l2_hit_rate"] =
      round6(ratio(run.memory.l2_hits, run.memory.l2_hits + run.memory.l2_misses));
  memory["l2_writebacks"] = run.memory.l2_writebacks;
  memory["hbm_read_bytes"] = run.memory.hbm_read_bytes;
  memory["hbm_write_bytes"] = run.memory.hbm_write_bytes;
  r["memory"] = memory;

  Json cores = Json::array();
  for (const CoreResult& c : run.cores) {
    Json j;
    j["index"] = c.id.index;
    j["type"] = isa::name(c.id.type);
    j["block_idx"] = c.id.block_idx;
    j["sub_block_idx"] = c.id.sub_block_idx;
    j["finish_cycle"] = c.finish;
    Json cp = Json::object();
    for (size_t p = 0; p < kPipeCount; ++p) {
      if (!core_has_pipe(c.id.type, static_cast<Pipe>(p))) continue;
      Json pj;
      for (size_t s = 0; s < kPipeStats.size(); ++s) {
        pj[std::string(kPipeStats[s].name)] = c.stats.pipe[p][s];
      }
      pj["utilization"] =
          round6(ratio(c.stats.pipe[p][static_cast<size_t>(PipeStat::kBusyCycles)], run.cycles));
      cp[std::string(isa::name(static_cast<Pipe>(p)))] = pj;
    }
    j["pipes"] = cp;
    j["stalls"] = stalls(c.stats.pipe, c.stats);
    for (size_t s = 0; s < kCoreStats.size(); ++s) {
      j[std::string(kCoreStats[s].name)] = c.stats.core[s];
    }
    if (core_has_pipe(c.id.type, Pipe::kM)) {
      const double cycles = static_cast<double>(run.cycles);
      j["cube_utilization"] =
          round6(cycles > 0 ? cube_full_rate_cycles(derived, c.stats) / cycles : 0.0);
    }
    j["bytes_per_path"] = path_bytes(c.stats);
    cores.push_back(j);
  }
  r["cores"] = cores;

  Json decls = Json::array();
  auto declare = [&decls](const StatDecl& d, std::string_view scope) {
    decls.push_back(Json{{"name", d.name}, {"scope", scope}, {"unit", d.unit},
                         {"description", d.description}});
  };
  for (const StatDecl& d : kPipeStats) declare(d, "pipe");
  for (const StatDecl& d : kCoreStats) declare(d, "core");
  declare(kPathBytesStat, "path");
  r["stat_declarations"] = decls;
  return r.dump(2) + "\n";
}

std::string summary_table(const config::ChipConfig& config, const RunResult& run) {
  std::string out;
  const size_t used = run.cores.size();
  out += fmt::format("npusim: kernel {} on {} ({}, block_dim {}, {} cores), {}\n", run.kernel,
                     config.name, config.split() ? "split" : "coupled", run.block_dim, used,
                     run.timing_only ? "timing-only" : "functional");
  out += fmt::format("total: {} cycles = {:.3f} us at {} MHz\n", run.cycles, run.seconds * 1e6,
                     config.chip.clock_mhz);
  if (run.data_dependent_control) {
    out += "warning: timing-only run branched on GM data that was not computed; cycles may "
           "differ from a functional run\n";
  }
  out += fmt::format("\n{:<24}", "utilization");
  for (size_t p = 0; p < kPipeCount; ++p) {
    out += fmt::format("{:>8}", isa::name(static_cast<Pipe>(p)));
  }
  out += fmt::format("{:>12}\n", "finish");
  for (const CoreResult& c : run.cores) {
    out += fmt::format("{:<24}", c.id.name());
    for (size_t p = 0; p < kPipeCount; ++p) {
      if (!core_has_pipe(c.id.type, static_cast<Pipe>(p))) {
        out += fmt::format("{:>8}", "-");
        continue;
      }
      const double u =
          ratio(c.stats.pipe[p][static_cast<size_t>(PipeStat::kBusyCycles)], run.cycles);
      out += fmt::format("{:>7.1f}%", 100.0 * u);
    }
    out += fmt::format("{:>12}\n", c.finish);
  }
  const Totals t = totals(run);
  const Json s = stalls(t.pipe, t.core);
  out += "\nstall cycles (all cores):";
  for (const auto& [name, value] : s.items()) {
    out += fmt::format(" {} {}", name, value.get<uint64_t>());
  }
  out += "\n";
  out += fmt::format(
      "instructions: {} issued, cube MACs {}, vector element ops {}\n",
      t.core[CoreStat::kScalarInstructions], t.core[CoreStat::kCubeMacs],
      t.core[CoreStat::kVectorElementOps]);
  out += fmt::format("cube utilization: {:.1f}% of the peak of the types run ({})\n",
                     100.0 * cube_utilization(config, run), cube_types_run(t.core));
  const uint64_t lines = run.memory.l2_hits + run.memory.l2_misses;
  out += fmt::format("memory: L2 {} hits, {} misses ({:.1f}% hit rate); HBM {} B read, {} B written\n",
                     run.memory.l2_hits, run.memory.l2_misses,
                     100.0 * ratio(run.memory.l2_hits, lines), run.memory.hbm_read_bytes,
                     run.memory.hbm_write_bytes);
  return out;
}

std::string trace_json(const config::ChipConfig& config, const RunResult& run) {
  const double us_per_cycle = 1.0 / config.chip.clock_mhz;
  std::vector<TraceSlice> slices = run.trace.slices;
  std::stable_sort(slices.begin(), slices.end(), [](const TraceSlice& a, const TraceSlice& b) {
    if (a.core != b.core) return a.core < b.core;
    if (a.pipe != b.pipe) return a.pipe < b.pipe;
    return a.start < b.start;
  });
  std::string out;
  out += "{\"displayTimeUnit\":\"ns\",\"otherData\":";
  Json other;
  other["chip"] = config.name;
  other["kernel"] = run.kernel;
  other["time_unit"] = "microseconds; one cycle is 1/clock_mhz us";
  other["slices"] = run.trace.slices.size();
  other["dropped_slices"] = run.trace.dropped;
  other["slice_limit"] = run.trace.limit;
  out += other.dump();
  out += ",\n\"traceEvents\":[\n";
  bool first = true;
  auto emit = [&](const std::string& event) {
    if (!first) out += ",\n";
    first = false;
    out += event;
  };
  for (const CoreResult& c : run.cores) {
    emit(fmt::format(
        "{{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":{},\"args\":{{\"name\":{}}}}}",
        c.id.index, Json(c.id.name()).dump()));
    emit(fmt::format(
        "{{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":{},\"args\":{{\"sort_index\":{}}}}}",
        c.id.index, c.id.index));
    for (size_t p = 0; p < kPipeCount; ++p) {
      if (!core_has_pipe(c.id.type, static_cast<Pipe>(p))) continue;
      emit(fmt::format(
          "{{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":\"{}\"}}}}",
          c.id.index, p, isa::name(static_cast<Pipe>(p))));
    }
  }
  for (const TraceSlice& s : slices) {
    const size_t index = s.pc / 8;
    std::string name = index < run.instruction_text.size() ? run.instruction_text[index] : "?";
    emit(fmt::format(
        "{{\"ph\":\"X\",\"name\":{},\"pid\":{},\"tid\":{},\"ts\":{:.6f},\"dur\":{:.6f},"
        "\"args\":{{\"pc\":\"0x{:x}\",\"issue_cycle\":{},\"start_cycle\":{},\"cycles\":{}}}}}",
        Json(name).dump(), s.core, s.pipe, static_cast<double>(s.start) * us_per_cycle,
        static_cast<double>(s.duration) * us_per_cycle, s.pc, s.issue, s.start, s.duration));
  }
  if (run.trace.dropped > 0) {
    emit(fmt::format(
        "{{\"ph\":\"i\",\"s\":\"g\",\"name\":\"trace truncated: {} slices dropped after the "
        "first {}\",\"pid\":0,\"tid\":0,\"ts\":0}}",
        run.trace.dropped, run.trace.limit));
  }
  out += "\n]}\n";
  return out;
}

}  // namespace npu::sim
