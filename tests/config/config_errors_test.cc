// Bad chip configs: each case asserts the exact message, line and column.
#include <gtest/gtest.h>

#include "tests/config/config_test_util.h"

namespace npu::test {
namespace {

// Loads the base config with line `line` (1-based) replaced by `text` ("" deletes it) and
// returns the error text with the temp path replaced by "F".
std::string error_with_line(int line, const std::string& text) {
  std::vector<std::string> lines = base_config_lines();
  if (text.empty()) {
    lines.erase(lines.begin() + line - 1);
  } else {
    lines[line - 1] = text;
  }
  const std::string path = write_config(join_lines(lines));
  std::string error = load_error(path);
  for (size_t pos; (pos = error.find(path)) != std::string::npos;) error.replace(pos, path.size(), "F");
  return error;
}

std::string error_with_extra(const std::string& extra) {
  const std::string path = write_config(join_lines(base_config_lines()) + extra);
  std::string error = load_error(path);
  for (size_t pos; (pos = error.find(path)) != std::string::npos;) error.replace(pos, path.size(), "F");
  return error;
}

TEST(ConfigErrors, BaseConfigIsValid) { EXPECT_EQ(error_with_extra(""), ""); }

TEST(ConfigErrors, UnknownTopLevelKey) {
  EXPECT_EQ(error_with_extra("colour: blue\n"), "F:18:1: error: colour: unknown key");
}

TEST(ConfigErrors, UnknownNestedKeySuggestsTheNearestKey) {
  EXPECT_EQ(error_with_line(4, "  corse: 1"),
            "F:2:1: error: chip.cores: missing required key\n"
            "F:4:3: error: chip.corse: unknown key (did you mean 'chip.cores'?)");
}

TEST(ConfigErrors, UnknownKeyInsideNestedSection) {
  EXPECT_EQ(error_with_extra("cube:\n  fp16:\n    m1: 4\n"),
            "F:20:5: error: cube.fp16.m1: unknown key (did you mean 'cube.fp16.m0'?)");
}

TEST(ConfigErrors, WrongTypeStringForInteger) {
  EXPECT_EQ(error_with_line(4, "  cores: many"),
            "F:4:10: error: chip.cores: expected an integer, got 'many'");
}

TEST(ConfigErrors, WrongTypeFractionForInteger) {
  EXPECT_EQ(error_with_line(4, "  cores: 1.5"),
            "F:4:10: error: chip.cores: expected an integer, got '1.5'");
}

TEST(ConfigErrors, WrongTypeMappingForNumber) {
  EXPECT_EQ(error_with_line(5, "  clock_mhz: {value: 3}"),
            "F:5:14: error: chip.clock_mhz: expected a number, got a mapping");
}

TEST(ConfigErrors, NegativeSize) {
  EXPECT_EQ(error_with_line(7, "  l1_bytes: -4096"),
            "F:7:13: error: buffers.l1_bytes: must be at least 512, got -4096");
}

TEST(ConfigErrors, ZeroClock) {
  EXPECT_EQ(error_with_line(5, "  clock_mhz: 0"),
            "F:5:14: error: chip.clock_mhz: must be greater than 0, got 0");
}

TEST(ConfigErrors, NotAPowerOfTwo) {
  EXPECT_EQ(error_with_line(14, "  bytes_per_cycle: 512\n  line_bytes: 384"),
            "F:15:15: error: l2.line_bytes: must be a power of two, got 384");
}

TEST(ConfigErrors, AboveMaximum) {
  EXPECT_EQ(error_with_extra("scalar:\n  issue_width: 9\n"),
            "F:19:16: error: scalar.issue_width: must be at most 8, got 9");
}

TEST(ConfigErrors, BufferNotAMultipleOfItsAlignmentAndFractal) {
  EXPECT_EQ(error_with_line(8, "  l0a_bytes: 1000"),
            "F:8:14: error: buffers.l0a_bytes: must be a multiple of buffers.l0a_align_bytes "
            "(512), got 1000\n"
            "F:8:14: error: buffers.l0a_bytes: must be a multiple of the 512-byte fractal (512), "
            "got 1000");
}

TEST(ConfigErrors, BufferTooSmallForACubeFractal) {
  EXPECT_EQ(error_with_extra("cube:\n  int8: {m0: 128, k0: 256}\n"),
            "F:8:14: error: buffers.l0a_bytes: must hold one cube.int8 fractal of A (m0 x k0 = "
            "32768 bytes), got 16384");
}

TEST(ConfigErrors, CoupledChipWithAiv) {
  EXPECT_EQ(error_with_line(4, "  cores: 1\n  aiv_per_core: 2"),
            "F:5:17: error: chip.aiv_per_core: a coupled chip has no separate AIV; must be 0, "
            "got 2");
}

TEST(ConfigErrors, SplitChipWithoutAiv) {
  EXPECT_EQ(error_with_line(3, "  organisation: split"),
            "F:1:1: error: chip.aiv_per_core: a split chip needs 1 or 2 AIV per AI core, got 0");
}

TEST(ConfigErrors, MoreAivThanTheOrganisationAllows) {
  EXPECT_EQ(error_with_line(3, "  organisation: split\n  aiv_per_core: 3"),
            "F:4:17: error: chip.aiv_per_core: must be at most 2, got 3");
}

TEST(ConfigErrors, EnumOutsideItsChoices) {
  EXPECT_EQ(error_with_line(3, "  organisation: fused"),
            "F:3:17: error: chip.organisation: must be one of coupled, split; got 'fused'");
}

TEST(ConfigErrors, BooleanExpected) {
  EXPECT_EQ(error_with_extra("paths:\n  gm_to_l1: {enabled: maybe}\n"),
            "F:19:23: error: paths.gm_to_l1.enabled: expected true or false, got 'maybe'");
}

TEST(ConfigErrors, CurveWithDecreasingPoints) {
  EXPECT_EQ(error_with_extra("mte:\n  gm_efficiency: [[4096, 0.5], [1024, 0.9]]\n"),
            "F:19:18: error: mte.gm_efficiency: point 2: bytes must increase from point to "
            "point");
}

TEST(ConfigErrors, CurveFractionAboveOne) {
  EXPECT_EQ(error_with_extra("mte:\n  gm_efficiency: [[4096, 1.5]]\n"),
            "F:19:18: error: mte.gm_efficiency: point 1: fraction must be in (0, 1], got 1.5");
}

TEST(ConfigErrors, MissingRequiredKeyInASection) {
  EXPECT_EQ(error_with_line(17, ""),
            "F:15:1: error: hbm.bandwidth_gbps: missing required key");
}

TEST(ConfigErrors, MissingRequiredTopLevelKey) {
  EXPECT_EQ(error_with_line(1, ""),
            "F:1:1: error: name: missing required key");
}

TEST(ConfigErrors, SectionGivenAValue) {
  EXPECT_EQ(error_with_extra("cube: 3\n"),
            "F:18:1: error: cube: is a section; expected a mapping of its keys "
            "(cube.startup_cycles, ...)");
}

TEST(ConfigErrors, DuplicateKey) {
  EXPECT_EQ(error_with_line(4, "  cores: 1\n  cores: 2"), "F:5:3: error: chip.cores: duplicate key");
}

TEST(ConfigErrors, NullValue) {
  EXPECT_EQ(error_with_line(4, "  cores:"), "F:4:3: error: chip.cores: expected an integer, got nothing");
}

TEST(ConfigErrors, L2NotWholeSets) {
  EXPECT_EQ(error_with_line(13, "  capacity_bytes: 12288"),
            "F:13:19: error: l2.capacity_bytes: must be a multiple of l2.line_bytes x l2.ways "
            "(8192), got 12288");
}

TEST(ConfigErrors, PathToAMissingBiasTable) {
  EXPECT_EQ(error_with_extra("paths:\n  l1_to_bt: {enabled: true}\n"),
            "F:19:23: error: paths.l1_to_bt.enabled: the core has no bias table "
            "(buffers.bt_bytes is 0)");
}

TEST(ConfigErrors, MalformedYaml) {
  EXPECT_EQ(error_with_line(4, "  cores: [1, 2"),
            "F:5:12: error: malformed YAML: end of sequence flow not found");
}

TEST(ConfigErrors, TopLevelList) {
  const std::string path = write_config("- a\n- b\n");
  EXPECT_EQ(load_error(path),
            path + ":1:1: error: expected a mapping of keys at the top level, got a list");
}

TEST(ConfigErrors, EmptyFile) {
  const std::string path = write_config("# only a comment\n");
  EXPECT_EQ(load_error(path), path +
                                  ":1:1: error: empty file; a chip config is a mapping of keys "
                                  "such as 'name:' and 'chip:'");
}

TEST(ConfigErrors, DirectoryInsteadOfFile) {
  const std::string dir = make_temp_dir();
  EXPECT_EQ(load_error(dir), dir + ": error: is a directory, not a chip config file");
}

TEST(ConfigErrors, MissingFile) {
  EXPECT_EQ(load_error("/nonexistent/chip.yaml"),
            "/nonexistent/chip.yaml: error: cannot read the file: no such file");
}

TEST(ConfigErrors, BadExtendsTarget) {
  const std::string path = write_config("extends: nowhere.yaml\nname: x\n");
  const std::string dir = path.substr(0, path.rfind('/'));
  EXPECT_EQ(load_error(path), path + ":1:10: error: extends: cannot read the file: no such file: " +
                                  dir + "/nowhere.yaml");
}

TEST(ConfigErrors, CyclicExtends) {
  const std::string a = write_config("extends: b.yaml\nname: a\n", "a.yaml");
  const std::string dir = a.substr(0, a.rfind('/'));
  write_file(dir + "/b.yaml", "extends: a.yaml\nname: b\n");
  EXPECT_EQ(load_error(a),
            dir + "/b.yaml:1:10: error: extends: cyclic extends: a.yaml -> b.yaml -> a.yaml");
}

TEST(ConfigErrors, EveryErrorOfAFileAtOnceInLineOrder) {
  std::vector<std::string> lines = base_config_lines();
  lines[4] = "  clock_mhz: fast";  // line 5
  lines[0] = "name: t\nbogus: 1";  // lines 1-2, shifting the rest by one
  const std::string path = write_config(join_lines(lines));
  EXPECT_EQ(load_error(path), path + ":2:1: error: bogus: unknown key\n" + path +
                                  ":6:14: error: chip.clock_mhz: expected a number, got 'fast'");
}

TEST(ConfigErrors, SetUnknownKey) {
  const std::string path = write_config(join_lines(base_config_lines()));
  EXPECT_EQ(load_error(path, {"chip.cores=2", "cube.m0=32"}),
            "<command line>:2:1: error: cube.m0: unknown key");
}

TEST(ConfigErrors, SetBadValue) {
  const std::string path = write_config(join_lines(base_config_lines()));
  EXPECT_EQ(load_error(path, {"chip.cores=zero"}),
            "<command line>:1:12: error: chip.cores: expected an integer, got 'zero'");
}

TEST(ConfigErrors, SetOutOfRange) {
  const std::string path = write_config(join_lines(base_config_lines()));
  EXPECT_EQ(load_error(path, {"pipes.event_ids=0"}),
            "<command line>:1:17: error: pipes.event_ids: must be at least 1, got 0");
}

TEST(ConfigErrors, SetWithoutEquals) {
  const std::string path = write_config(join_lines(base_config_lines()));
  EXPECT_EQ(load_error(path, {"chip.cores"}),
            "<command line>:1:1: error: --set 'chip.cores': expected KEY=VALUE, e.g. "
            "chip.cores=8");
}

TEST(ConfigErrors, SetASection) {
  const std::string path = write_config(join_lines(base_config_lines()));
  EXPECT_EQ(load_error(path, {"cube=1"}),
            "<command line>:1:1: error: cube: is a section; set one of its keys, e.g. "
            "cube.startup_cycles");
}

TEST(ConfigErrors, SetMakesTheConfigInconsistent) {
  const std::string path = write_config(join_lines(base_config_lines()));
  EXPECT_EQ(load_error(path, {"buffers.ub_bytes=1000"}),
            "<command line>:1:18: error: buffers.ub_bytes: must be a multiple of "
            "buffers.ub_align_bytes (32), got 1000\n"
            "<command line>:1:18: error: buffers.ub_bytes: must be a multiple of the 32-byte "
            "block (32), got 1000");
}

}  // namespace
}  // namespace npu::test
