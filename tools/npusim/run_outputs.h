// The files a simulated run leaves in its output folder, shared by `npusim exec` and
// `npusim run`: the folder itself (a fresh out/<command>-N unless --out names one), report.json,
// and trace.json (Chrome trace events, bounded by --trace-limit, switched off by --no-trace).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "config/chip_config.h"
#include "sim/core/chip.h"
#include "sim/core/sim_options.h"

namespace npu::cli {

// Writes `text` to `path`; UserError when the file cannot be written.
void write_text(const std::filesystem::path& path, const std::string& text);

// `dir`, created with its parents, or a fresh out/<command>-N when `dir` is empty. UserError
// when it cannot be created.
std::filesystem::path prepare_out_dir(const std::string& dir, const std::string& command);

// --trace-limit N and --no-trace.
struct TraceFlags {
  uint64_t limit = sim::SimOptions{}.trace_limit;
  bool off = false;

  void add_to(CLI::App& command);
  // Records the trace unless --no-trace.
  void apply(sim::SimOptions& options) const;
};

// Writes report.json and, when the run recorded a trace, trace.json into `dir`; returns the
// paths written, comma separated, for the "wrote ..." line.
std::string write_run_reports(const std::filesystem::path& dir, const config::ChipConfig& config,
                              const sim::SimOptions& options, const sim::RunResult& run);

}  // namespace npu::cli
