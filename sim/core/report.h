// What a user sees of a run: the terminal summary table, report.json (schema in
// docs/report-schema.md, versioned by kReportSchemaVersion) and trace.json (Chrome trace event
// format). All three are pure functions of the run, so the same inputs give the same bytes.
#pragma once

#include <string>

#include "config/chip_config.h"
#include "sim/core/chip.h"

namespace npu::sim {

inline constexpr int kReportSchemaVersion = 1;

// report.json, pretty-printed with two-space indentation and a final newline.
std::string report_json(const config::ChipConfig& config, const SimOptions& options,
                        const RunResult& run);

// Cube utilization of the whole chip: for each cube input type, its MACs over that type's peak
// (config::derive: m0 x k0 x n0 / cycles_per_fractal per core), summed, over cube cores x
// total cycles. So an int8 matmul is measured against the int8 peak, not the fp16 one, and a
// kernel mixing types gets each type's share of the cube's time. 0 when no cycles ran.
double cube_utilization(const config::ChipConfig& config, const RunResult& run);

// The part of cube_utilization that `useful_macs` of the executed cube MACs account for (the
// rest is padding of partial fractals or masked work); 0 when the cube ran nothing.
double useful_cube_utilization(const config::ChipConfig& config, const RunResult& run,
                               double useful_macs);

// The terminal summary: totals, per-core pipe utilization, stalls, cube utilization, memory.
std::string summary_table(const config::ChipConfig& config, const RunResult& run);

// trace.json: one process per core, one thread per pipe, one slice per instruction.
std::string trace_json(const config::ChipConfig& config, const RunResult& run);

}  // namespace npu::sim
