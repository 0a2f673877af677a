// The output folder, report.json and trace.json of a simulated run (see run_outputs.h).
#include "tools/npusim/run_outputs.h"

#include <fmt/format.h>

#include <fstream>
#include <system_error>

#include "base/error.h"
#include "sim/core/report.h"

namespace npu::cli {

namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw UserError(fmt::format("cannot write '{}'", path.string()));
}

fs::path prepare_out_dir(const std::string& dir, const std::string& command) {
  fs::path path = dir;
  if (path.empty()) {
    for (int i = 1;; ++i) {
      path = fmt::format("out/{}-{}", command, i);
      if (!fs::exists(path)) break;
    }
  }
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    throw UserError(fmt::format("--out: cannot create '{}': {}", path.string(), ec.message()));
  }
  return path;
}

void TraceFlags::add_to(CLI::App& command) {
  command.add_option("--trace-limit", limit,
                     "Slices kept in trace.json; later ones are counted as dropped");
  command.add_flag("--no-trace", off, "Do not record or write trace.json (faster)");
}

void TraceFlags::apply(sim::SimOptions& options) const {
  options.trace = !off;
  options.trace_limit = limit;
}

std::string write_run_reports(const fs::path& dir, const config::ChipConfig& config,
                              const sim::SimOptions& options, const sim::RunResult& run) {
  write_text(dir / "report.json", sim::report_json(config, options, run));
  std::string written = (dir / "report.json").string();
  if (options.trace) {
    write_text(dir / "trace.json", sim::trace_json(config, run));
    written += ", " + (dir / "trace.json").string();
  }
  return written;
}

}  // namespace npu::cli
