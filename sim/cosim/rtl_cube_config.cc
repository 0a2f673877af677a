// The RTL cube's configuration for a chip (rtl_cube_config.h).
#include "sim/cosim/rtl_cube_config.h"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace npu::sim {

RtlCubeTiming rtl_cube_timing(const config::ChipConfig& config) {
  std::vector<std::string> problems;
  auto at_most = [&](const std::string& key, uint64_t have, uint64_t limit) {
    if (have > limit) problems.push_back(fmt::format("{} = {} (at most {})", key, have, limit));
  };
  auto need = [&](const std::string& key, uint64_t have, uint64_t want) {
    if (have != want) problems.push_back(fmt::format("{} = {} (needs {})", key, have, want));
  };
  at_most("cube.startup_cycles", config.cube.startup_cycles, kRtlCubeMaxStartupCycles);
  const std::pair<const char*, const config::CubeShape*> shapes[] = {
      {"fp16", &config.cube.fp16}, {"bf16", &config.cube.bf16}, {"int8", &config.cube.int8}};
  for (const auto& [name, shape] : shapes) {
    const std::string p = std::string("cube.") + name;
    at_most(p + ".cycles_per_fractal", shape->cycles_per_fractal, kRtlCubeMaxCyclesPerFractal);
    if (!shape->enabled) continue;
    need(p + ".m0", shape->m0, 16);
    need(p + ".n0", shape->n0, 16);
    need(p + ".k0", shape->k0, std::string(name) == "int8" ? 32 : 16);
  }
  if (config.cube.fp32.enabled) {
    problems.push_back("cube.fp32.enabled = true (needs false: the RTL has no fp32 mode)");
  }
  if (!problems.empty()) {
    std::string text = fmt::format(
        "--rtl-cube: the RTL cube cannot be this chip's cube (it has 16 x 16 fractals with k0 16 "
        "for fp16 / bf16 and 32 for int8, no fp32 mode, and at most {} startup cycles):",
        kRtlCubeMaxStartupCycles);
    for (const std::string& p : problems) text += "\n  " + p;
    text += "\nchange them with --set KEY=VALUE";
    throw UserError(text);
  }
  RtlCubeTiming t;
  t.cycles_per_fractal_fp16 = static_cast<uint32_t>(config.cube.fp16.cycles_per_fractal);
  t.cycles_per_fractal_bf16 = static_cast<uint32_t>(config.cube.bf16.cycles_per_fractal);
  t.cycles_per_fractal_int8 = static_cast<uint32_t>(config.cube.int8.cycles_per_fractal);
  t.startup_cycles = static_cast<uint32_t>(config.cube.startup_cycles);
  return t;
}

}  // namespace npu::sim
