#include "config/consistency.h"

#include <fmt/format.h>

#include <cstdint>

namespace npu::config {
namespace {

struct Checker {
  const std::function<SourceLocation(const std::string&)>& where;
  DiagnosticList& diagnostics;

  void fail(const std::string& key, const std::string& rule) {
    diagnostics.error(where(key), key + ": " + rule);
  }

  void multiple_of(const std::string& key, uint64_t value, const std::string& unit_key,
                   uint64_t unit) {
    if (unit != 0 && value % unit != 0) {
      fail(key, fmt::format("must be a multiple of {} ({}), got {}", unit_key, unit, value));
    }
  }
};

struct CubeInput {
  const char* name;
  const CubeShape& shape;
  uint64_t element_bytes;
};

}  // namespace

void check_consistency(const ChipConfig& c,
                       const std::function<SourceLocation(const std::string&)>& where,
                       DiagnosticList& diagnostics) {
  Checker check{where, diagnostics};

  // Organisation: the AIV count only exists for split chips (reference §3.5 kernel types).
  if (c.split() && c.chip.aiv_per_core == 0) {
    check.fail("chip.aiv_per_core", "a split chip needs 1 or 2 AIV per AI core, got 0");
  }
  if (!c.split() && c.chip.aiv_per_core != 0) {
    check.fail("chip.aiv_per_core",
               fmt::format("a coupled chip has no separate AIV; must be 0, got {}",
                           c.chip.aiv_per_core));
  }

  // Buffers hold whole aligned units.
  const auto& b = c.buffers;
  check.multiple_of("buffers.l1_bytes", b.l1_bytes, "buffers.l1_align_bytes", b.l1_align_bytes);
  check.multiple_of("buffers.l0a_bytes", b.l0a_bytes, "buffers.l0a_align_bytes", b.l0a_align_bytes);
  check.multiple_of("buffers.l0b_bytes", b.l0b_bytes, "buffers.l0b_align_bytes", b.l0b_align_bytes);
  check.multiple_of("buffers.l0c_bytes", b.l0c_bytes, "buffers.l0c_align_bytes", b.l0c_align_bytes);
  check.multiple_of("buffers.ub_bytes", b.ub_bytes, "buffers.ub_align_bytes", b.ub_align_bytes);
  // Fractal layouts (reference §1.2, §1.3): 512-byte fractals in L1/L0A/L0B, 16 x 16 x 4 B in L0C.
  check.multiple_of("buffers.l1_bytes", b.l1_bytes, "the 512-byte fractal", 512);
  check.multiple_of("buffers.l0a_bytes", b.l0a_bytes, "the 512-byte fractal", 512);
  check.multiple_of("buffers.l0b_bytes", b.l0b_bytes, "the 512-byte fractal", 512);
  check.multiple_of("buffers.l0c_bytes", b.l0c_bytes, "the 1024-byte L0C fractal", 1024);
  check.multiple_of("buffers.ub_bytes", b.ub_bytes, "the 32-byte block", 32);

  // Every enabled cube input type must fit one fractal product into L0A / L0B / L0C.
  const CubeInput inputs[] = {{"fp16", c.cube.fp16, 2},
                              {"bf16", c.cube.bf16, 2},
                              {"int8", c.cube.int8, 1},
                              {"fp32", c.cube.fp32, 4}};
  bool any_enabled = false;
  for (const CubeInput& in : inputs) {
    if (!in.shape.enabled) continue;
    any_enabled = true;
    const uint64_t a = in.shape.m0 * in.shape.k0 * in.element_bytes;
    const uint64_t bb = in.shape.k0 * in.shape.n0 * in.element_bytes;
    const uint64_t acc = in.shape.m0 * in.shape.n0 * 4;
    if (a > b.l0a_bytes) {
      check.fail("buffers.l0a_bytes",
                 fmt::format("must hold one cube.{} fractal of A (m0 x k0 = {} bytes), got {}",
                             in.name, a, b.l0a_bytes));
    }
    if (bb > b.l0b_bytes) {
      check.fail("buffers.l0b_bytes",
                 fmt::format("must hold one cube.{} fractal of B (k0 x n0 = {} bytes), got {}",
                             in.name, bb, b.l0b_bytes));
    }
    if (acc > b.l0c_bytes) {
      check.fail("buffers.l0c_bytes",
                 fmt::format("must hold one cube.{} fractal of C (m0 x n0 x 4 = {} bytes), got {}",
                             in.name, acc, b.l0c_bytes));
    }
  }
  if (!any_enabled) {
    check.fail("cube.fp16.enabled", "at least one cube input type must be enabled");
  }

  // Paths into buffers that do not exist.
  if (b.bt_bytes == 0 && c.paths.l1_to_bt.enabled) {
    check.fail("paths.l1_to_bt.enabled", "the core has no bias table (buffers.bt_bytes is 0)");
  }

  // Cache geometry: whole sets.
  check.multiple_of("l2.capacity_bytes", c.l2.capacity_bytes, "l2.line_bytes x l2.ways",
                    c.l2.line_bytes * c.l2.ways);
  check.multiple_of("scalar.icache_bytes", c.scalar.icache_bytes,
                    "scalar.icache_line_bytes x scalar.icache_ways",
                    c.scalar.icache_line_bytes * c.scalar.icache_ways);
  check.multiple_of("scalar.data_memory_bytes", c.scalar.data_memory_bytes, "the 8-byte word", 8);
}

}  // namespace npu::config
