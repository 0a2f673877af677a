// Every chip-config parameter, declared once: key, type, unit, default or required, range,
// help. Defaults of timing parameters are the measured Ascend 910B1 values of
// ../shared/reference/ascend-hardware-facts.md (§ numbers below refer to it); a default marked
// "assumption" has no published source.
#include <string>

#include "config/param_table.h"

namespace npu::config {
namespace {

constexpr double kMaxCount = 1 << 20;
constexpr double kMaxBytes = 1ull << 40;   // 1 TiB: beyond any on-chip or HBM size we model
constexpr double kMaxCycles = 1 << 24;

void declare_chip(ParamTable& t) {
  t.add_string(NPU_CONFIG_FIELD(name)).help("Short name of the chip, shown in every report.");
  t.add_string(NPU_CONFIG_FIELD(description)).fallback(std::string())
      .help("One line about the chip and where its numbers come from.");
  t.add_enum<Organisation>(NPU_CONFIG_FIELD(chip.organisation),
                           {{"coupled", Organisation::kCoupled}, {"split", Organisation::kSplit}})
      .help("coupled: each AI core holds cube, vector and scalar (910). split: each AI core is "
            "one AIC (cube) and chip.aiv_per_core AIV (vector) (910B).");
  t.add_int(NPU_CONFIG_FIELD(chip.cores)).at_least(1).at_most(4096)
      .help("AI cores (coupled) or AIC cube cores (split).");
  t.add_int(NPU_CONFIG_FIELD(chip.aiv_per_core)).fallback(int64_t{0}).at_least(0).at_most(2)
      .help("Vector cores (AIV) per AI core in the split organisation; 0 when coupled.");
  t.add_float(NPU_CONFIG_FIELD(chip.clock_mhz)).unit("MHz").above(0).at_most(10000)
      .help("Core clock. Every cycle count in the config is in this clock.");
}

void declare_scalar(ParamTable& t) {
  t.add_int(NPU_CONFIG_FIELD(scalar.issue_width)).fallback(int64_t{1}).at_least(1).at_most(8)
      .help("Instructions the scalar unit issues per cycle, in order (assumption: 1).");
  t.add_int(NPU_CONFIG_FIELD(scalar.branch_penalty_cycles)).unit("cycles").fallback(int64_t{2})
      .at_least(0).at_most(1000).help("Extra cycles of a taken branch (assumption).");
  t.add_int(NPU_CONFIG_FIELD(scalar.alu_latency_cycles)).unit("cycles").fallback(int64_t{1})
      .at_least(1).at_most(1000).help("Latency of a scalar ALU instruction.");
  t.add_int(NPU_CONFIG_FIELD(scalar.mul_latency_cycles)).unit("cycles").fallback(int64_t{3})
      .at_least(1).at_most(1000).help("Latency of a scalar multiply (assumption).");
  t.add_int(NPU_CONFIG_FIELD(scalar.smem_load_latency_cycles)).unit("cycles")
      .fallback(int64_t{2}).at_least(1).at_most(1000)
      .help("Latency of a load from the scalar data memory (assumption).");
  t.add_int(NPU_CONFIG_FIELD(scalar.gm_load_latency_cycles)).unit("cycles")
      .fallback(int64_t{100}).at_least(1).at_most(100000)
      .help("Latency of a scalar load from GM, e.g. of a kernel argument (assumption).");
  t.add_int(NPU_CONFIG_FIELD(scalar.system_latency_cycles)).unit("cycles").fallback(int64_t{1})
      .at_least(1).at_most(1000)
      .help("Latency of special-register reads (rdsr) and the scalar unit's other system "
            "instructions; pipe set-up instructions (set_mask, set_fmatrix, ...) take one "
            "cycle in their own pipe.");
  t.add_int(NPU_CONFIG_FIELD(scalar.data_memory_bytes)).unit("bytes").fallback(int64_t{16384})
      .at_least(64).at_most(1 << 24)
      .help("Scalar data memory per core (the DCache is about 16 KB, §1.1).");
  t.add_int(NPU_CONFIG_FIELD(scalar.icache_bytes)).unit("bytes").fallback(int64_t{32768})
      .at_least(64).at_most(1 << 24).power_of_two()
      .help("Instruction cache per core (16-32 KB, §1.1).");
  t.add_int(NPU_CONFIG_FIELD(scalar.icache_line_bytes)).unit("bytes").fallback(int64_t{2048})
      .at_least(8).at_most(1 << 16).power_of_two()
      .help("Instruction cache line; code is loaded in 2 KB units (§1.1).");
  t.add_int(NPU_CONFIG_FIELD(scalar.icache_ways)).fallback(int64_t{4}).at_least(1).at_most(64)
      .help("Instruction cache associativity (assumption).");
}

void declare_pipes(ParamTable& t) {
  t.add_int(NPU_CONFIG_FIELD(pipes.queue_depth)).fallback(int64_t{32}).at_least(1).at_most(4096)
      .help("Depth of each pipe's instruction queue; a full queue stalls the scalar unit "
            "(assumption).");
  t.add_int(NPU_CONFIG_FIELD(pipes.event_ids)).fallback(int64_t{8}).at_least(1).at_most(64)
      .help("Event ids per (source pipe, destination pipe) pair: 8 on 2201, 4 on 910A (§3.1).");
  t.add_int(NPU_CONFIG_FIELD(pipes.cross_core_flags)).fallback(int64_t{16}).at_least(1)
      .at_most(64).help("Cross-core counter flags per core, ids 0-15 in the C API (§3.1).");
}

void declare_buffers(ParamTable& t) {
  t.add_int(NPU_CONFIG_FIELD(buffers.l1_bytes)).unit("bytes").at_least(512).at_most(kMaxBytes)
      .help("L1 (cbuf) per AI core / AIC (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.l0a_bytes)).unit("bytes").at_least(512).at_most(kMaxBytes)
      .help("L0A, the cube's left-matrix buffer (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.l0b_bytes)).unit("bytes").at_least(512).at_most(kMaxBytes)
      .help("L0B, the cube's right-matrix buffer (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.l0c_bytes)).unit("bytes").at_least(1024).at_most(kMaxBytes)
      .help("L0C, the cube's accumulator buffer (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.ub_bytes)).unit("bytes").at_least(256).at_most(kMaxBytes)
      .help("Unified buffer per AI core (coupled) or per AIV (split) (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.bt_bytes)).unit("bytes").fallback(int64_t{0}).at_least(0)
      .at_most(kMaxBytes).help("Bias table; 0 if the core has none (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.fb_bytes)).unit("bytes").fallback(int64_t{0}).at_least(0)
      .at_most(kMaxBytes).help("Fixpipe buffer; 0 if the core has none (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.l1_align_bytes)).unit("bytes").fallback(int64_t{32})
      .at_least(1).at_most(4096).power_of_two().help("Address alignment in L1 (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.l0a_align_bytes)).unit("bytes").fallback(int64_t{512})
      .at_least(1).at_most(4096).power_of_two().help("Address alignment in L0A (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.l0b_align_bytes)).unit("bytes").fallback(int64_t{512})
      .at_least(1).at_most(4096).power_of_two().help("Address alignment in L0B (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.l0c_align_bytes)).unit("bytes").fallback(int64_t{64})
      .at_least(1).at_most(4096).power_of_two().help("Address alignment in L0C (§1.2).");
  t.add_int(NPU_CONFIG_FIELD(buffers.ub_align_bytes)).unit("bytes").fallback(int64_t{32})
      .at_least(1).at_most(4096).power_of_two().help("Address alignment in UB (§1.2).");
}

// One cube input type: shape of its fractal product and the cycles it takes.
template <class Access>
void declare_cube_shape(ParamTable& t, const std::string& dtype, Access shape, bool enabled,
                        int64_t m0, int64_t k0, int64_t n0, const std::string& source) {
  const std::string p = "cube." + dtype;
  t.add_bool(p + ".enabled", [shape](auto& c) -> auto& { return shape(c).enabled; })
      .fallback(enabled).help("Whether the cube accepts " + dtype + " inputs.");
  t.add_int(p + ".m0", [shape](auto& c) -> auto& { return shape(c).m0; }).fallback(m0)
      .at_least(1).at_most(1024).help("Rows of A per " + dtype + " cube fractal (" + source + ").");
  t.add_int(p + ".k0", [shape](auto& c) -> auto& { return shape(c).k0; }).fallback(k0)
      .at_least(1).at_most(1024).help("Reduction depth per " + dtype + " fractal (" + source + ").");
  t.add_int(p + ".n0", [shape](auto& c) -> auto& { return shape(c).n0; }).fallback(n0)
      .at_least(1).at_most(1024).help("Columns of B per " + dtype + " fractal (" + source + ").");
  t.add_int(p + ".cycles_per_fractal", [shape](auto& c) -> auto& {
     return shape(c).cycles_per_fractal;
   }).unit("cycles").fallback(int64_t{1}).at_least(1).at_most(1024)
      .help("Cycles per " + dtype + " fractal once started (§4.2: 1.0 measured for fp16).");
}

void declare_cube(ParamTable& t) {
  t.add_int(NPU_CONFIG_FIELD(cube.startup_cycles)).unit("cycles").fallback(int64_t{3})
      .at_least(0).at_most(kMaxCycles)
      .help("Fixed cycles of every mmad: cycles = startup + fractals x cycles_per_fractal "
            "(§4.2: fit 2.1 + 1.0 x fractals, but 2 fractals measure 4.9 cycles; 3 keeps both "
            "within 2%).");
  declare_cube_shape(t, "fp16", [](auto& c) -> auto& { return c.cube.fp16; }, true, 16, 16, 16,
                     "§1.1 DtypeMKN");
  declare_cube_shape(t, "bf16", [](auto& c) -> auto& { return c.cube.bf16; }, true, 16, 16, 16,
                     "§1.1 DtypeMKN");
  declare_cube_shape(t, "int8", [](auto& c) -> auto& { return c.cube.int8; }, true, 16, 32, 16,
                     "§1.1 DtypeMKN");
  declare_cube_shape(t, "fp32", [](auto& c) -> auto& { return c.cube.fp32; }, false, 16, 8, 16,
                     "§1.1 DtypeMKN, 950 only");
}

template <class Access>
void declare_vector_class(ParamTable& t, const std::string& name, Access cls, int64_t startup,
                          double b16, double b32, const std::string& what) {
  const std::string p = "vector." + name;
  t.add_int(p + ".startup_cycles", [cls](auto& c) -> auto& { return cls(c).startup_cycles; })
      .unit("cycles").fallback(startup).at_least(0).at_most(kMaxCycles)
      .help("Fixed cycles of a " + name + " instruction (" + what + ").");
  t.add_float(p + ".cycles_per_repeat_b16",
              [cls](auto& c) -> auto& { return cls(c).cycles_per_repeat_b16; })
      .unit("cycles").fallback(b16).above(0).at_most(4096)
      .help("Cycles per 256-byte repeat with 8- or 16-bit elements (§4.2).");
  t.add_float(p + ".cycles_per_repeat_b32",
              [cls](auto& c) -> auto& { return cls(c).cycles_per_repeat_b32; })
      .unit("cycles").fallback(b32).above(0).at_most(4096)
      .help("Cycles per 256-byte repeat with 32-bit elements (§4.2).");
}

void declare_vector(ParamTable& t) {
#define NPU_VECTOR_CLASS(name) #name, [](auto& c) -> auto& { return c.vector.name; }
  declare_vector_class(t, NPU_VECTOR_CLASS(simple), 2, 0.85, 0.85,
                       "unary, vector-scalar, conversion, copy, dup, broadcast");
  declare_vector_class(t, NPU_VECTOR_CLASS(binary), 1, 1.93, 1.93,
                       "add, sub, mul, max, min, and, or, compare, select, axpy");
  declare_vector_class(t, NPU_VECTOR_CLASS(transcendental), 1, 3.9, 1.93, "exp, ln");
  declare_vector_class(t, NPU_VECTOR_CLASS(sqrt), 1, 4.0, 1.93, "sqrt");
  declare_vector_class(t, NPU_VECTOR_CLASS(divide), 1, 4.0, 4.0, "div");
  declare_vector_class(t, NPU_VECTOR_CLASS(multiply_add), 1, 6.0, 6.0, "vmla, vmadd");
  declare_vector_class(t, NPU_VECTOR_CLASS(reduce), 2, 7.0, 3.0,
                       "whole-repeat add/max/min; b32 is the measured vcadd");
  declare_vector_class(t, NPU_VECTOR_CLASS(block_reduce), 2, 7.0, 0.85,
                       "per-block add/max/min");
  declare_vector_class(t, NPU_VECTOR_CLASS(gather), 2, 24.0, 12.0, "gather");
  declare_vector_class(t, NPU_VECTOR_CLASS(transpose), 2, 2.0, 2.0,
                       "16 x 16 transpose; assumption, not measured");
#undef NPU_VECTOR_CLASS
}

template <class Access>
void declare_path(ParamTable& t, const std::string& name, Access path, double bytes_per_cycle,
                  int64_t latency, const std::string& source, bool enabled = true) {
  const std::string p = "paths." + name;
  t.add_bool(p + ".enabled", [path](auto& c) -> auto& { return path(c).enabled; })
      .fallback(enabled).help("Whether the core has the " + name + " path.");
  t.add_float(p + ".bytes_per_cycle", [path](auto& c) -> auto& { return path(c).bytes_per_cycle; })
      .unit("bytes/cycle").fallback(bytes_per_cycle).above(0).at_most(1 << 20)
      .help("Peak bandwidth of " + name + " per core (" + source + ").");
  t.add_int(p + ".latency_cycles", [path](auto& c) -> auto& { return path(c).latency_cycles; })
      .unit("cycles").fallback(latency).at_least(0).at_most(kMaxCycles)
      .help("Fixed cycles of one " + name + " transfer before its bytes flow (" + source + ").");
}

void declare_paths(ParamTable& t) {
#define NPU_PATH(name) #name, [](auto& c) -> auto& { return c.paths.name; }
  // GM reads: path latency 50 + noc.latency_cycles 20 + l2.hit_latency_cycles 50 = 120 cycles
  // before the first byte, which with mte.gm_efficiency fits the measured GM -> L1 curve
  // (docs/calibration.md); a 1 KB copy measures 173 cycles in all, so the total must stay below.
  declare_path(t, NPU_PATH(gm_to_l1), 180, 50, "§1.4 measured 168 B/cycle at 480 KB");
  declare_path(t, NPU_PATH(gm_to_ub), 128, 50, "§1.4 theoretical; 47-113 measured");
  declare_path(t, NPU_PATH(gm_to_l0a), 128, 50, "§1.4 theoretical");
  declare_path(t, NPU_PATH(gm_to_l0b), 128, 50, "§1.4 theoretical");
  declare_path(t, NPU_PATH(l1_to_l0a), 256, 2, "§1.4 doc, measured 261; §4.2 half peak at 512 B");
  declare_path(t, NPU_PATH(l1_to_l0b), 128, 2, "§1.4 doc, measured 131");
  declare_path(t, NPU_PATH(l1_to_ub), 128, 2, "§1.4 ini l1_to_ub; coupled cores only");
  // Off by default: only cores with a bias table (buffers.bt_bytes) have it.
  declare_path(t, NPU_PATH(l1_to_bt), 64, 15, "§1.4 theoretical; measured 33 at 1 KB", false);
  // GM writes are posted (the core is done when the last byte has left its port), and the
  // measured fixpipe and MTE3 copies leave no room for more than a few cycles of set-up: an
  // 11 KB L0C -> GM copy takes 89 cycles in all.
  declare_path(t, NPU_PATH(l0c_to_gm), 128, 4, "§1.4 measured 126 at 11 KB and more");
  declare_path(t, NPU_PATH(l0c_to_l1), 256, 10, "§1.4 theoretical; latency assumed");
  declare_path(t, NPU_PATH(l0c_to_ub), 256, 10, "§1.4 ini l0_c_to_ub; latency assumed");
  declare_path(t, NPU_PATH(ub_to_gm), 64, 10, "§1.4 ini ub_to_ddr, measured 66");
  declare_path(t, NPU_PATH(ub_to_l1), 128, 10, "§1.4 ini ub_to_l1; latency assumed");
  declare_path(t, NPU_PATH(ub_to_ub), 256, 2, "§1.4 measured 263");
#undef NPU_PATH
  t.add_curve(NPU_CONFIG_FIELD(mte.gm_efficiency))
      .fallback(Curve{{{1024, 0.107}, {4096, 0.195}, {16384, 0.519}, {32768, 0.718},
                       {131072, 0.88}, {491520, 0.971}}})
      .help("Fraction of a GM-reading path's bandwidth reached by one transfer of x bytes, "
            "piecewise linear in [bytes, fraction] points; writes to GM run at the path's rate. "
            "Fitted to the measured GM -> L1 curve of §1.4 (9.9 / 29 / 93 / 147 / 232 / 281 GB/s "
            "at 1 / 4 / 16 / 32 / 128 / 480 KB) after the 120-cycle read latency: "
            "fraction = x / (180 B/cycle x (measured cycles - 120)).");
}

void declare_memory(ParamTable& t) {
  t.add_float(NPU_CONFIG_FIELD(noc.core_port_bytes_per_cycle)).unit("bytes/cycle")
      .fallback(256.0).above(0).at_most(1 << 20)
      .help("One core's port to L2: 2 x 1024 bit (§1.4, Hot Chips).");
  t.add_int(NPU_CONFIG_FIELD(noc.latency_cycles)).unit("cycles").fallback(int64_t{20}).at_least(0)
      .at_most(kMaxCycles).help("Core to L2 hop (assumption).");
  t.add_int(NPU_CONFIG_FIELD(l2.capacity_bytes)).unit("bytes").at_least(1024).at_most(kMaxBytes)
      .help("Shared L2 cache (§2).");
  t.add_int(NPU_CONFIG_FIELD(l2.line_bytes)).unit("bytes").fallback(int64_t{512}).at_least(32)
      .at_most(65536).power_of_two().help("L2 line: 128, 256 or 512 B by chip (§1.4, §4.3).");
  t.add_int(NPU_CONFIG_FIELD(l2.ways)).fallback(int64_t{16}).at_least(1).at_most(1024)
      .help("L2 associativity (assumption).");
  t.add_enum<ReplacementPolicy>(NPU_CONFIG_FIELD(l2.policy),
                                {{"lru", ReplacementPolicy::kLru}, {"fifo", ReplacementPolicy::kFifo}})
      .fallback(std::string("lru")).help("L2 replacement policy.");
  t.add_int(NPU_CONFIG_FIELD(l2.hit_latency_cycles)).unit("cycles").fallback(int64_t{50})
      .at_least(0).at_most(kMaxCycles).help("L2 hit latency (§4.3, PyPTO cost model: 50).");
  t.add_float(NPU_CONFIG_FIELD(l2.bytes_per_cycle)).unit("bytes/cycle").above(0)
      .at_most(1 << 24).help("Chip-wide L2 bandwidth shared by all cores.");
  t.add_int(NPU_CONFIG_FIELD(hbm.capacity_bytes)).unit("bytes").at_least(1 << 20)
      .at_most(kMaxBytes).help("Device memory (GM) size.");
  t.add_float(NPU_CONFIG_FIELD(hbm.bandwidth_gbps)).unit("GB/s").above(0).at_most(1e6)
      .help("Peak device-memory bandwidth, 1 GB/s = 1e9 bytes/s (§2).");
  t.add_float(NPU_CONFIG_FIELD(hbm.efficiency)).fallback(0.81).above(0).at_most(1)
      .help("Fraction of the peak that streaming reaches (§2: 1148 of 1420 GB/s measured on "
            "910B).");
  t.add_int(NPU_CONFIG_FIELD(hbm.latency_cycles)).unit("cycles").fallback(int64_t{150})
      .at_least(0).at_most(kMaxCycles)
      .help("Added to an L2 miss (§4.3, PyPTO cost model: +150 on a miss).");
  t.add_float(NPU_CONFIG_FIELD(host_link.bandwidth_gbps)).unit("GB/s").fallback(32.0).above(0)
      .at_most(1e6).help("Host <-> device copies: PCIe 4.0 x16 (§2: 910 has PCIe 4.0 x16).");
  t.add_float(NPU_CONFIG_FIELD(host_link.latency_us)).unit("us").fallback(5.0).at_least(0)
      .at_most(1e6).help("Fixed cost of one host <-> device copy (assumption).");
}

ParamTable make_chip_params() {
  ParamTable t;
  declare_chip(t);
  declare_scalar(t);
  declare_pipes(t);
  declare_buffers(t);
  declare_cube(t);
  declare_vector(t);
  declare_paths(t);
  declare_memory(t);
  return t;
}

}  // namespace

const ParamTable& chip_params() {
  static const ParamTable table = make_chip_params();
  return table;
}

}  // namespace npu::config
