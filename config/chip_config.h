// The chip configuration: every architectural and timing parameter of a simulated chip, as
// typed values. Filled only by config/loader.h from YAML (+ overrides), after validation, so
// code that receives a ChipConfig may trust every value to be in range and consistent.
//
// The YAML key of every field is its path in this struct ("buffers.l1_bytes" is
// ChipConfig::buffers.l1_bytes); config/chip_params.cc declares each one exactly once with its
// type, unit, default, range and help text (docs/config-reference.md is generated from there).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace npu::config {

// How cube and vector units are grouped into cores (reference §"Architecture generations").
enum class Organisation {
  kCoupled,  // 910-style: one AI core holds scalar, cube and vector units
  kSplit,    // 910B-style: each AI core is one AIC (cube) plus 1 or 2 AIV (vector)
};

enum class ReplacementPolicy { kLru, kFifo };

// A piecewise-linear curve through (x, y) points, x strictly increasing; flat outside the ends.
struct Curve {
  std::vector<std::pair<double, double>> points;

  double at(double x) const;
  bool operator==(const Curve&) const = default;
};

struct ChipSection {
  Organisation organisation = Organisation::kCoupled;
  uint64_t cores = 1;          // AI cores (coupled) or AIC (split)
  uint64_t aiv_per_core = 0;   // split only: AIV per AI core
  double clock_mhz = 1000.0;
};

struct ScalarSection {
  uint64_t issue_width = 1;
  uint64_t branch_penalty_cycles = 0;
  uint64_t alu_latency_cycles = 1;
  uint64_t mul_latency_cycles = 1;
  uint64_t smem_load_latency_cycles = 1;
  uint64_t gm_load_latency_cycles = 1;
  uint64_t system_latency_cycles = 1;
  uint64_t data_memory_bytes = 0;
  uint64_t icache_bytes = 0;
  uint64_t icache_line_bytes = 0;
  uint64_t icache_ways = 1;
};

struct PipesSection {
  uint64_t queue_depth = 1;
  uint64_t event_ids = 1;       // event ids per (source pipe, destination pipe) pair
  uint64_t cross_core_flags = 1;
};

struct BuffersSection {
  uint64_t l1_bytes = 0, l0a_bytes = 0, l0b_bytes = 0, l0c_bytes = 0, ub_bytes = 0;
  uint64_t bt_bytes = 0, fb_bytes = 0;
  uint64_t l1_align_bytes = 32, l0a_align_bytes = 512, l0b_align_bytes = 512;
  uint64_t l0c_align_bytes = 64, ub_align_bytes = 32;
};

// Timing shape of one cube operation for one input type: an (m0 x k0) by (k0 x n0) fractal
// product takes cycles_per_fractal cycles once the pipe is started.
struct CubeShape {
  bool enabled = true;
  uint64_t m0 = 16, k0 = 16, n0 = 16;
  uint64_t cycles_per_fractal = 1;
};

struct CubeSection {
  uint64_t startup_cycles = 0;
  CubeShape fp16, bf16, int8, fp32;
};

// Cost of one vector instruction of a timing class:
// startup_cycles + ceil(repeats x cycles_per_repeat_bNN), bNN by element width (8/16-bit
// types use b16).
struct VectorClass {
  uint64_t startup_cycles = 0;
  double cycles_per_repeat_b16 = 1.0;
  double cycles_per_repeat_b32 = 1.0;
};

struct VectorSection {
  VectorClass simple, binary, transcendental, sqrt, divide, multiply_add, reduce, block_reduce,
      gather, transpose;
};

// One data path of a core: a transfer of B bytes takes latency_cycles + B / bytes_per_cycle,
// GM-facing paths further limited by the shared L2 / HBM and the small-transfer efficiency.
struct DataPath {
  bool enabled = true;
  double bytes_per_cycle = 1.0;
  uint64_t latency_cycles = 0;
};

struct PathsSection {
  DataPath gm_to_l1, gm_to_ub, gm_to_l0a, gm_to_l0b, l1_to_l0a, l1_to_l0b, l1_to_ub, l1_to_bt,
      l0c_to_gm, l0c_to_l1, l0c_to_ub, ub_to_gm, ub_to_l1, ub_to_ub;
};

struct MteSection {
  Curve gm_efficiency;  // fraction of path bandwidth reached by one burst of x bytes
};

struct NocSection {
  double core_port_bytes_per_cycle = 1.0;  // one core's port to L2
  uint64_t latency_cycles = 0;
};

struct L2Section {
  uint64_t capacity_bytes = 0;
  uint64_t line_bytes = 512;
  uint64_t ways = 16;
  ReplacementPolicy policy = ReplacementPolicy::kLru;
  uint64_t hit_latency_cycles = 0;  // a miss adds hbm.latency_cycles
  double bytes_per_cycle = 1.0;  // chip-wide
};

struct HbmSection {
  uint64_t capacity_bytes = 0;
  double bandwidth_gbps = 1.0;  // GB/s = 1e9 bytes per second, chip-wide
  double efficiency = 1.0;      // fraction of bandwidth_gbps that streaming reaches
  uint64_t latency_cycles = 0;  // added to an L2 miss
};

struct HostLinkSection {
  double bandwidth_gbps = 1.0;
  double latency_us = 0.0;
};

struct ChipConfig {
  std::string name;
  std::string description;
  ChipSection chip;
  ScalarSection scalar;
  PipesSection pipes;
  BuffersSection buffers;
  CubeSection cube;
  VectorSection vector;
  PathsSection paths;
  MteSection mte;
  NocSection noc;
  L2Section l2;
  HbmSection hbm;
  HostLinkSection host_link;

  bool split() const { return chip.organisation == Organisation::kSplit; }
};

}  // namespace npu::config
