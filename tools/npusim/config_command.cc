// `npusim config check|show|reference`: validate chip configs, print a resolved config with
// its derived peaks, and print the generated configuration reference.
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "base/error.h"
#include "config/config_hash.h"
#include "config/config_json.h"
#include "config/derived.h"
#include "config/loader.h"
#include "config/param_table.h"
#include "config/reference_doc.h"
#include "tools/npusim/commands.h"

namespace npu::cli {
namespace {

void check(const std::vector<std::string>& files) {
  std::vector<Diagnostic> problems;
  for (const std::string& file : files) {
    try {
      const config::ResolvedConfig resolved = config::load_chip_config(file);
      fmt::print("{}: ok ({}, hash {})\n", file, resolved.config.name,
                 config::config_hash(resolved.config));
    } catch (const UserError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!problems.empty()) throw UserError(problems);
}

std::string si(double value, const char* unit) {
  static constexpr std::pair<double, const char*> kPrefixes[] = {
      {1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  for (const auto& [scale, prefix] : kPrefixes) {
    if (value >= scale) return fmt::format("{:.2f} {}{}", value / scale, prefix, unit);
  }
  return fmt::format("{:.2f} {}", value, unit);
}

std::string bytes(uint64_t value) {
  if (value >= (1ull << 20) && value % (1ull << 20) == 0) {
    return fmt::format("{} MiB", value >> 20);
  }
  if (value >= (1ull << 10) && value % (1ull << 10) == 0) {
    return fmt::format("{} KiB", value >> 10);
  }
  return fmt::format("{} B", value);
}

void print_text(const config::ResolvedConfig& resolved) {
  const config::ChipConfig& c = resolved.config;
  fmt::print("chip {} (config hash {})\n", c.name, config::config_hash(c));
  fmt::print("files: {}\n\n", fmt::join(resolved.files, " <- "));
  size_t width = 0;
  for (const config::ParamDecl& d : config::chip_params().all()) width = std::max(width, d.key.size());
  for (const config::ParamDecl& d : config::chip_params().all()) {
    auto origin = resolved.origin.find(d.key);
    const std::string from =
        origin == resolved.origin.end() ? "default" : origin->second.to_string();
    const std::string value = config::format_value(d.load(c));
    fmt::print("{:<{}} = {:<24} # {}{}\n", d.key, width, value, d.unit.empty() ? "" : d.unit + ", ",
               from);
  }

  const config::DerivedValues d = config::derive(c);
  fmt::print("\nderived\n");
  fmt::print("  cores                {} cube, {} vector ({})\n", d.cube_cores, d.vector_cores,
             c.split() ? "split" : "coupled");
  fmt::print("  clock                {}\n", si(d.clock_hz, "Hz"));
  for (const config::CubePeak& p : d.cube) {
    if (!p.enabled) continue;
    fmt::print("  cube {:<5} peak      {} ({} cores x {} MAC/cycle x 2 x {})\n", p.dtype,
               si(p.ops_per_second, p.dtype == "int8" ? "OPS" : "FLOPS"), d.cube_cores,
               p.macs_per_cycle_per_core, si(d.clock_hz, "Hz"));
  }
  fmt::print("  vector fp16 peak     {}\n", si(d.vector_fp16_ops_per_second, "FLOPS"));
  fmt::print("  vector fp32 peak     {}\n", si(d.vector_fp32_ops_per_second, "FLOPS"));
  fmt::print("  HBM bandwidth        {} peak, {} effective ({:.1f} B/cycle)\n",
             si(d.hbm_bytes_per_second, "B/s"), si(d.hbm_effective_bytes_per_second, "B/s"),
             d.hbm_bytes_per_cycle);
  fmt::print("  L2 bandwidth         {}\n", si(d.l2_bytes_per_second, "B/s"));
  fmt::print("  GM -> L1 per core    {}\n", si(d.core_gm_to_l1_bytes_per_second, "B/s"));
  fmt::print("  buffers per {:<8} {}\n", c.split() ? "AIC" : "core", bytes(d.cube_core_buffer_bytes));
  if (c.split()) fmt::print("  buffers per AIV      {}\n", bytes(d.vector_core_buffer_bytes));
  fmt::print("  buffers on chip      {}\n", bytes(d.chip_buffer_bytes));
  fmt::print("  fp16 ridge point     {:.1f} FLOP/byte of HBM traffic\n",
             d.fp16_ridge_flops_per_byte);
}

}  // namespace

void add_config_command(CLI::App& app) {
  CLI::App* config = app.add_subcommand("config", "Check and inspect chip configurations");
  config->require_subcommand(1);

  auto* check_cmd = config->add_subcommand("check", "Validate chip configs; exit 2 on any error");
  static std::vector<std::string> check_files;
  check_cmd->add_option("CHIP.yaml", check_files, "Chip config files")->required();
  check_cmd->callback([] { check(check_files); });

  auto* show_cmd =
      config->add_subcommand("show", "Print a resolved chip config and its derived peaks");
  static std::string show_file;
  static std::vector<std::string> show_overrides;
  static bool show_json = false;
  show_cmd->add_option("CHIP.yaml", show_file, "Chip config file")->required();
  show_cmd->add_option("--set", show_overrides, "Override a key: --set cube.fp16.m0=32")
      ->allow_extra_args(false);
  show_cmd->add_flag("--json", show_json, "Machine-readable output");
  show_cmd->callback([] {
    const config::ResolvedConfig resolved = config::load_chip_config(show_file, show_overrides);
    if (show_json) {
      fmt::print("{}\n", config::to_json(resolved).dump(2));
    } else {
      print_text(resolved);
    }
  });

  auto* reference_cmd = config->add_subcommand(
      "reference", "Print the configuration reference (docs/config-reference.md)");
  reference_cmd->callback([] { fmt::print("{}", config::reference_markdown()); });
}

}  // namespace npu::cli
