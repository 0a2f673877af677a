// What a run leaves for the user: report.json (schema docs/report-schema.md), trace.json
// (Chrome trace events, bounded) and the summary table; determinism (same inputs, same bytes);
// timing-only mode (same cycles, and a warning when control flow used uncomputed data).
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/core/report.h"
#include "tests/sim_core/sim_test_util.h"

namespace npu::test {
namespace {

// Two cores: each copies a tile in, adds, copies out, with flags; then sync_all.
const char* kProgram =
    "ldg.s64 x2, 0(x1)\nrdsr x5, block_idx\nslli x5, x5, 12\nadd x2, x2, x5\n"
    "li x10, 0\nli x11, 4096\n"
    "copy_gm_to_ub x10, x2, burst_len=128\nset_flag mte2, v, 0\nwait_flag mte2, v, 0\n"
    "vadd.f16 x11, x10, x10, repeat=16\nset_flag v, mte3, 0\nwait_flag v, mte3, 0\n"
    "copy_ub_to_gm x2, x11, burst_len=128\nsync_all\nend\n";

struct Outputs {
  std::string report;
  std::string trace;
  std::string summary;
  sim::RunResult run;
};

Outputs run_once(sim::SimOptions options, const std::vector<std::string>& set = {"chip.cores=2"}) {
  const config::ChipConfig config = chip_config("tiny", set);
  SimRun sim(config, options);
  const uint64_t buf = sim.alloc(2 * 4096);
  sim.run(kernel(kProgram, ".arg buf, gm\n"), {buf}, 2);
  Outputs o;
  o.run = sim.result();
  o.report = sim::report_json(config, options, o.run);
  o.trace = sim::trace_json(config, o.run);
  o.summary = sim::summary_table(config, o.run);
  return o;
}

TEST(Report, SameInputsGiveByteIdenticalReportAndTrace) {
  const Outputs a = run_once(SimRun::trace_on());
  const Outputs b = run_once(SimRun::trace_on());
  EXPECT_EQ(a.report, b.report);
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.summary, b.summary);
}

TEST(Report, SchemaFields) {
  const Outputs o = run_once(SimRun::trace_on());
  const nlohmann::json r = nlohmann::json::parse(o.report);
  EXPECT_EQ(r["schema"], "npusim-report");
  EXPECT_EQ(r["schema_version"], sim::kReportSchemaVersion);
  EXPECT_EQ(r["chip"]["name"], "tiny");
  EXPECT_EQ(r["chip"]["config_hash"].get<std::string>().size() > 0, true);
  EXPECT_EQ(r["mode"], "functional");
  EXPECT_EQ(r["kernel"], "k");
  EXPECT_EQ(r["block_dim"], 2);
  EXPECT_EQ(r["total_cycles"], o.run.cycles);
  ASSERT_EQ(r["cores"].size(), 2u);
  const auto& core0 = r["cores"][0];
  const uint64_t busy = o.run.cores[0].stats(isa::Pipe::kV, sim::PipeStat::kBusyCycles);
  EXPECT_EQ(core0["pipes"]["v"]["busy_cycles"], busy);
  EXPECT_DOUBLE_EQ(core0["pipes"]["v"]["utilization"].get<double>(),
                   static_cast<double>(static_cast<int64_t>(
                       static_cast<double>(busy) / static_cast<double>(o.run.cycles) * 1e6 +
                       0.5)) /
                       1e6);
  EXPECT_EQ(core0["bytes_per_path"]["gm_to_ub"], 4096);
  EXPECT_EQ(r["totals"]["bytes_per_path"]["gm_to_ub"], 8192);
  EXPECT_EQ(r["totals"]["bytes_per_path"]["ub_to_gm"], 8192);
  EXPECT_EQ(r["totals"]["vector_element_ops"], 2 * 16 * 128);
  EXPECT_EQ(r["memory"]["bytes_per_level"]["l2"], 4 * 4096);
  EXPECT_TRUE(r["memory"].contains("l2_hit_rate"));
  EXPECT_TRUE(r["totals"]["stalls"].contains("flag_wait"));
  EXPECT_TRUE(r["totals"]["stalls"].contains("queue_full"));
  EXPECT_EQ(r["stat_declarations"][0]["name"], "busy_cycles");
  EXPECT_EQ(r["stat_declarations"][0]["unit"], "cycles");
}

// Cube utilization weighs each input type's MACs by that type's own peak: on tiny one fp16
// fractal (16 x 16 x 16 = 4096 MACs, one cycle at full rate) and one int8 fractal (16 x 32 x 16
// = 8192 MACs, also one cycle) are two full-rate cycles, not the three an fp16-only peak makes
// of 12288 MACs.
TEST(Report, CubeUtilizationIsAgainstThePeakOfEachTypeRun) {
  const config::ChipConfig config = chip_config("tiny");
  const sim::SimOptions options;
  SimRun sim(config, options);
  sim.run(kernel("li x3, 0\nli x4, 0\nli x5, 0\n"
                 "mmad.f32.f16 x3, x4, x5, m=16, k=16, n=16, init=zero\n"
                 "mmad.s32.s8 x3, x4, x5, m=16, k=32, n=16, init=zero\nend\n"),
          {}, 1);
  const sim::RunResult run = sim.result();
  const nlohmann::json r = nlohmann::json::parse(sim::report_json(config, options, run));
  EXPECT_EQ(r["totals"]["cube_macs"], 4096 + 8192);
  EXPECT_EQ(r["totals"]["cube_macs_fp16"], 4096);
  EXPECT_EQ(r["totals"]["cube_macs_bf16"], 0);
  EXPECT_EQ(r["totals"]["cube_macs_int8"], 8192);
  const double cycles = static_cast<double>(run.cycles);
  EXPECT_DOUBLE_EQ(sim::cube_utilization(config, run), 2.0 / cycles);
  EXPECT_NE(sim::cube_utilization(config, run), 3.0 / cycles);  // the fp16-only figure
  EXPECT_NEAR(r["totals"]["cube_utilization"].get<double>(), 2.0 / cycles, 1e-6);
  EXPECT_NEAR(r["cores"][0]["cube_utilization"].get<double>(), 2.0 / cycles, 1e-6);
  const std::string summary = sim::summary_table(config, run);
  EXPECT_NE(summary.find(fmt::format("cube utilization: {:.1f}% of the peak of the types run "
                                     "(fp16 + int8)\n",
                                     200.0 / cycles)),
            std::string::npos)
      << summary;
}

TEST(Report, TraceIsChromeTraceEvents) {
  const Outputs o = run_once(SimRun::trace_on());
  const nlohmann::json t = nlohmann::json::parse(o.trace);
  EXPECT_EQ(t["otherData"]["dropped_slices"], 0);
  size_t slices = 0;
  size_t thread_names = 0;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "X") ++slices;
    if (e["ph"] == "M" && e["name"] == "thread_name") ++thread_names;
  }
  EXPECT_EQ(slices, o.run.trace.slices.size());
  EXPECT_EQ(thread_names, 2u * 7);  // one track per core x pipe
}

TEST(Report, TraceIsBoundedAndSaysWhatItDropped) {
  sim::SimOptions options = SimRun::trace_on();
  options.trace_limit = 5;
  const Outputs o = run_once(options);
  const nlohmann::json t = nlohmann::json::parse(o.trace);
  EXPECT_EQ(o.run.trace.slices.size(), 5u);
  EXPECT_GT(o.run.trace.dropped, 0u);
  EXPECT_EQ(t["otherData"]["dropped_slices"], o.run.trace.dropped);
  EXPECT_EQ(t["otherData"]["slice_limit"], 5);
  EXPECT_NE(o.trace.find("trace truncated: " + std::to_string(o.run.trace.dropped) +
                         " slices dropped after the first 5"),
            std::string::npos);
}

TEST(Report, SummaryTable) {
  const Outputs o = run_once(SimRun::trace_on());
  EXPECT_EQ(o.summary.rfind("npusim: kernel k on tiny (coupled, block_dim 2, 2 cores), "
                            "functional\n",
                            0),
            0u);
  EXPECT_NE(o.summary.find("total: " + std::to_string(o.run.cycles) + " cycles"),
            std::string::npos);
  EXPECT_NE(o.summary.find("core 1 (block 1)"), std::string::npos);
  EXPECT_NE(o.summary.find("stall cycles (all cores): flag_wait "), std::string::npos);
}

TEST(TimingOnly, SameCyclesAsFunctional) {
  sim::SimOptions fast = SimRun::trace_on();
  fast.timing_only = true;
  const Outputs f = run_once(SimRun::trace_on());
  const Outputs t = run_once(fast);
  EXPECT_EQ(t.run.cycles, f.run.cycles);
  for (size_t c = 0; c < 2; ++c) {
    EXPECT_EQ(t.run.cores[c].finish, f.run.cores[c].finish);
    EXPECT_EQ(t.run.cores[c].stats.pipe, f.run.cores[c].stats.pipe);
  }
  EXPECT_EQ(nlohmann::json::parse(t.report)["mode"], "timing-only");
  EXPECT_FALSE(t.run.data_dependent_control);
}

TEST(TimingOnly, SaysSoWhenControlFlowUsedUncomputedData) {
  sim::SimOptions fast = SimRun::trace_on();
  fast.timing_only = true;
  SimRun sim(chip_config("tiny"), fast);
  const uint64_t buf = sim.alloc(64);
  sim.run(kernel("ldg.s64 x2, 0(x1)\nldg.s64 x3, 0(x2)\nbeqz x3, out\nout:\nend\n",
                 ".arg buf, gm\n"),
          {buf});
  EXPECT_TRUE(sim.result().data_dependent_control);
  // Arguments are not computed data: branching on them is fine.
  sim.run(kernel("ldg.s64 x2, 0(x1)\nbeqz x2, out\nout:\nend\n", ".arg n, s64\n"), {0});
  EXPECT_FALSE(sim.result().data_dependent_control);
}

}  // namespace
}  // namespace npu::test
