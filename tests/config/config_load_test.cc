// Loading valid configs: shipped chips, derived peaks against hand-computed values, extends,
// overrides, value syntax, the stable hash and the generated reference.
#include <gtest/gtest.h>

#include "config/config_hash.h"
#include "config/config_json.h"
#include "config/derived.h"
#include "config/param_table.h"
#include "config/reference_doc.h"
#include "tests/config/config_test_util.h"

namespace npu::test {
namespace {

config::ResolvedConfig load_shipped(const std::string& name) {
  return config::load_chip_config(source_path("configs/chips/" + name + ".yaml"));
}

TEST(ShippedChips, Ascend910PeaksMatchHandComputedValues) {
  const config::ResolvedConfig r = load_shipped("ascend910");
  const config::DerivedValues d = config::derive(r.config);
  EXPECT_EQ(r.config.name, "ascend910");
  EXPECT_EQ(d.cube_cores, 32u);
  EXPECT_EQ(d.vector_cores, 32u);
  // 32 cores x 4096 MACs x 2 x 1 GHz.
  EXPECT_DOUBLE_EQ(d.peak("fp16").ops_per_second, 32.0 * 4096 * 2 * 1e9);
  EXPECT_DOUBLE_EQ(d.peak("int8").ops_per_second, 32.0 * 8192 * 2 * 1e9);
  EXPECT_FALSE(d.peak("bf16").enabled);
  EXPECT_DOUBLE_EQ(d.hbm_bytes_per_second, 1.2e12);
  EXPECT_DOUBLE_EQ(d.hbm_effective_bytes_per_second, 1.2e12 * 0.81);
  EXPECT_EQ(d.cube_core_buffer_bytes, (1024u + 64 + 64 + 256 + 256) * 1024);
  EXPECT_EQ(d.chip_buffer_bytes, 32u * (1024 + 64 + 64 + 256 + 256) * 1024);
  EXPECT_EQ(r.config.pipes.event_ids, 4u);
  EXPECT_FALSE(r.config.paths.l0c_to_gm.enabled);
  EXPECT_TRUE(r.config.paths.l0c_to_ub.enabled);
}

TEST(ShippedChips, Ascend910bPeaksMatchHandComputedValues) {
  const config::ResolvedConfig r = load_shipped("ascend910b");
  const config::DerivedValues d = config::derive(r.config);
  EXPECT_TRUE(r.config.split());
  EXPECT_EQ(d.cube_cores, 24u);
  EXPECT_EQ(d.vector_cores, 48u);
  // 24 x 8192 FLOP x 1.85 GHz = 363.7 TFLOPS (reference §2).
  EXPECT_DOUBLE_EQ(d.peak("fp16").ops_per_second, 24.0 * 4096 * 2 * 1.85e9);
  EXPECT_DOUBLE_EQ(d.peak("bf16").ops_per_second, 24.0 * 4096 * 2 * 1.85e9);
  EXPECT_DOUBLE_EQ(d.peak("int8").ops_per_second, 24.0 * 8192 * 2 * 1.85e9);
  // Vector binary fp16: 128 elements per repeat / 1.93 cycles x 48 AIV x 1.85 GHz.
  EXPECT_DOUBLE_EQ(d.vector_fp16_ops_per_second, 48.0 * 128 / 1.93 * 1.85e9);
  EXPECT_EQ(d.vector_core_buffer_bytes, 192u * 1024);
  EXPECT_EQ(d.chip_buffer_bytes, 24u * (512 + 64 + 64 + 128 + 1 + 2) * 1024 + 48u * 192 * 1024);
  EXPECT_EQ(r.config.pipes.event_ids, 8u);
  EXPECT_FALSE(r.config.paths.l1_to_ub.enabled);
}

TEST(ShippedChips, Ascend310PeaksMatchThePublishedFigures) {
  const config::DerivedValues d = config::derive(load_shipped("ascend310").config);
  // §2: 8 TFLOPS fp16, 16 TOPS int8 (the clock is derived from them).
  EXPECT_NEAR(d.peak("fp16").ops_per_second, 8e12, 0.01e12);
  EXPECT_NEAR(d.peak("int8").ops_per_second, 16e12, 0.02e12);
  EXPECT_DOUBLE_EQ(d.hbm_bytes_per_second, 68.3e9);
}

TEST(ShippedChips, TinyIsOneCoupledCore) {
  const config::ResolvedConfig r = load_shipped("tiny");
  EXPECT_EQ(r.config.chip.cores, 1u);
  EXPECT_FALSE(r.config.split());
  EXPECT_EQ(r.config.buffers.ub_bytes, 32u * 1024);
  EXPECT_TRUE(r.config.paths.l0c_to_gm.enabled);
}

TEST(ShippedChips, TimingDefaultsAreThe910bMeasurements) {
  const config::ChipConfig c = load_shipped("tiny").config;
  EXPECT_EQ(c.cube.startup_cycles, 3u);
  EXPECT_EQ(c.cube.fp16.cycles_per_fractal, 1u);
  EXPECT_DOUBLE_EQ(c.vector.binary.cycles_per_repeat_b16, 1.93);
  EXPECT_DOUBLE_EQ(c.vector.transcendental.cycles_per_repeat_b16, 3.9);
  EXPECT_DOUBLE_EQ(c.paths.l1_to_l0a.bytes_per_cycle, 256);
  EXPECT_DOUBLE_EQ(c.paths.l1_to_l0b.bytes_per_cycle, 128);
  EXPECT_DOUBLE_EQ(c.mte.gm_efficiency.at(1024), 0.107);
  EXPECT_DOUBLE_EQ(c.mte.gm_efficiency.at(1 << 30), 0.971);
  EXPECT_DOUBLE_EQ(c.mte.gm_efficiency.at((4096 + 16384) / 2), (0.195 + 0.519) / 2);
}

TEST(ConfigLoad, ExtendsAppliesTheParentThenTheChild) {
  const std::string parent = write_config(join_lines(base_config_lines()), "parent.yaml");
  const std::string dir = parent.substr(0, parent.rfind('/'));
  write_file(dir + "/child.yaml", "extends: parent.yaml\nname: child\nchip:\n  cores: 4\n");
  const config::ResolvedConfig r = config::load_chip_config(dir + "/child.yaml");
  EXPECT_EQ(r.config.name, "child");
  EXPECT_EQ(r.config.chip.cores, 4u);
  EXPECT_EQ(r.config.buffers.l1_bytes, 64u * 1024);  // inherited
  EXPECT_EQ(r.files, (std::vector<std::string>{dir + "/child.yaml", dir + "/parent.yaml"}));
  EXPECT_EQ(r.origin.at("chip.cores").to_string(), dir + "/child.yaml:4:10");
  EXPECT_EQ(r.origin.at("buffers.l1_bytes").to_string(), dir + "/parent.yaml:7:13");
}

TEST(ConfigLoad, ExtendsAShippedChip) {
  const std::string path = write_config("extends: " + source_path("configs/chips/ascend910.yaml") +
                                        "\nname: big910\nchip: {cores: 64}\n");
  // An absolute path still works: the directory is only prefixed to relative paths.
  const config::ResolvedConfig r = config::load_chip_config(path);
  EXPECT_EQ(r.config.chip.cores, 64u);
  EXPECT_DOUBLE_EQ(config::derive(r.config).peak("fp16").ops_per_second, 64.0 * 4096 * 2 * 1e9);
}

TEST(ConfigLoad, OverridesReplaceFileValuesInOrder) {
  const std::string path = write_config(join_lines(base_config_lines()));
  const config::ResolvedConfig r = config::load_chip_config(
      path, {"chip.cores=8", "cube.fp16.m0=32", "chip.cores=16", "mte.gm_efficiency=[[1, 0.5]]"});
  EXPECT_EQ(r.config.chip.cores, 16u);
  EXPECT_EQ(r.config.cube.fp16.m0, 32u);
  EXPECT_EQ(r.config.mte.gm_efficiency.points.size(), 1u);
  EXPECT_EQ(r.origin.at("chip.cores").to_string(), "<command line>:3:12");
  EXPECT_DOUBLE_EQ(config::derive(r.config).peak("fp16").macs_per_cycle_per_core, 32.0 * 16 * 16);
}

TEST(ConfigLoad, IntegerSyntax) {
  std::vector<std::string> lines = base_config_lines();
  lines[6] = "  l1_bytes: 0x10000";
  lines[7] = "  l0a_bytes: 16KiB";
  const config::ChipConfig c = config::load_chip_config(write_config(join_lines(lines))).config;
  EXPECT_EQ(c.buffers.l1_bytes, 65536u);
  EXPECT_EQ(c.buffers.l0a_bytes, 16384u);
  EXPECT_EQ(c.hbm.capacity_bytes, 1ull << 30);
}

TEST(ConfigHash, SameResolvedValuesSameHash) {
  const std::string a = write_config(join_lines(base_config_lines()));
  // Same values, other key order and layout, plus a default written out.
  const std::string b = write_config(
      "hbm: {bandwidth_gbps: 64.0, capacity_bytes: 1073741824}\n"
      "l2: {bytes_per_cycle: 512, capacity_bytes: 262144, ways: 16}\n"
      "buffers: {ub_bytes: 32768, l0c_bytes: 32768, l0b_bytes: 16384, l0a_bytes: 16384, "
      "l1_bytes: 65536}\n"
      "chip: {clock_mhz: 1000, cores: 1, organisation: coupled}\nname: t\n");
  const std::string ha = config::config_hash(config::load_chip_config(a).config);
  EXPECT_EQ(ha.size(), 16u);
  EXPECT_EQ(ha, config::config_hash(config::load_chip_config(b).config));
  EXPECT_EQ(ha, config::config_hash(config::load_chip_config(a, {"l2.ways=16"}).config));
  EXPECT_NE(ha, config::config_hash(config::load_chip_config(a, {"l2.ways=8"}).config));
}

TEST(ConfigJson, NestsValuesAndCarriesDerivedPeaks) {
  const config::ResolvedConfig r = load_shipped("ascend910");
  const auto j = config::to_json(r);
  EXPECT_EQ(j["name"], "ascend910");
  EXPECT_EQ(j["hash"], config::config_hash(r.config));
  EXPECT_EQ(j["values"]["buffers"]["l1_bytes"], 1048576);
  EXPECT_EQ(j["values"]["chip"]["organisation"], "coupled");
  EXPECT_EQ(j["values"]["cube"]["int8"]["k0"], 32);
  EXPECT_DOUBLE_EQ(j["derived"]["cube_peak"]["fp16"]["ops_per_second"].get<double>(),
                   32.0 * 4096 * 2 * 1e9);
}

TEST(ConfigReference, CheckedInDocIsUpToDate) {
  EXPECT_EQ(read_file(source_path("docs/config-reference.md")), config::reference_markdown())
      << "docs/config-reference.md is stale: regenerate it with "
         "`build/bin/npusim config reference > docs/config-reference.md`";
}

TEST(ConfigReference, EveryKeyWithAUnitNamesItInTheKey) {
  // CONVENTIONS: units live in key names.
  const std::pair<std::string, std::string> tokens[] = {
      {"bytes", "bytes"}, {"cycles", "cycles"}, {"bytes/cycle", "bytes_per_cycle"},
      {"MHz", "_mhz"}, {"GB/s", "_gbps"}, {"us", "_us"}};
  for (const config::ParamDecl& d : config::chip_params().all()) {
    if (d.unit.empty()) continue;
    const std::string leaf = d.key.substr(d.key.rfind('.') + 1);
    bool named = false;
    for (const auto& [unit, token] : tokens) {
      if (d.unit == unit && leaf.find(token) != std::string::npos) named = true;
    }
    EXPECT_TRUE(named) << d.key << " has unit " << d.unit;
    EXPECT_FALSE(d.help.empty()) << d.key;
  }
}

}  // namespace
}  // namespace npu::test
