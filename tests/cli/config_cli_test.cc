// `npusim --version` and `npusim config ...`: output and exit codes of the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/run_command.h"

namespace npu::test {
namespace {

std::string chip(const std::string& name) {
  return source_path("configs/chips/" + name + ".yaml");
}

TEST(CliBasics, VersionNamesTheGitRevision) {
  const CommandResult r = run_npusim("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("npusim 0.1.0 (git ", 0), 0u) << r.out;
}

TEST(CliBasics, NoSubcommandIsAUsageError) {
  const CommandResult r = run_npusim("");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("A subcommand is required"), std::string::npos) << r.err;
}

TEST(CliBasics, UnknownSubcommandIsAUsageError) {
  const CommandResult r = run_npusim("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("subcommand"), std::string::npos) << r.err;
}

TEST(CliBasics, HelpExitsZero) {
  const CommandResult r = run_npusim("config show --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--set"), std::string::npos);
}

TEST(ConfigCli, CheckAcceptsEveryShippedChip) {
  const CommandResult r = run_npusim("config check " + chip("ascend910") + " " +
                                     chip("ascend910b") + " " + chip("ascend310") + " " +
                                     chip("tiny"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find(chip("ascend910b") + ": ok (ascend910b, hash "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(chip("tiny") + ": ok (tiny, hash "), std::string::npos) << r.out;
}

TEST(ConfigCli, CheckReportsEveryBadFileAndExitsTwo) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/a.yaml", "name: a\nchip: {cores: 0}\n");
  write_file(dir + "/b.yaml", "name: [\n");
  const CommandResult r =
      run_npusim("config check " + chip("tiny") + " " + dir + "/a.yaml " + dir + "/b.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(": ok (tiny"), std::string::npos);
  EXPECT_NE(r.err.find(dir + "/a.yaml:2:15: error: chip.cores: must be at least 1, got 0\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(dir + "/b.yaml:2:1: error: malformed YAML: "), std::string::npos) << r.err;
}

TEST(ConfigCli, CheckOfADirectory) {
  const std::string dir = make_temp_dir();
  const CommandResult r = run_npusim("config check " + dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, dir + ": error: is a directory, not a chip config file\n");
}

TEST(ConfigCli, ShowPrintsValuesWithTheirOriginAndDerivedPeaks) {
  const CommandResult r = run_npusim("config show " + chip("ascend910"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("chip ascend910 (config hash ", 0), 0u);
  EXPECT_NE(r.out.find("chip.cores"), std::string::npos);
  EXPECT_NE(r.out.find(chip("ascend910") + ":10:10"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cube fp16  peak      262.14 TFLOPS (32 cores x 4096 MAC/cycle x 2 x "
                       "1.00 GHz)"),
            std::string::npos)
      << r.out;
}

TEST(ConfigCli, ShowJsonWithOverrides) {
  const CommandResult r =
      run_npusim("config show " + chip("ascend910b") + " --set chip.cores=12 --set "
                 "cube.fp16.m0=32 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["values"]["chip"]["cores"], 12);
  EXPECT_DOUBLE_EQ(j["derived"]["cube_peak"]["fp16"]["ops_per_second"].get<double>(),
                   12.0 * 32 * 16 * 16 * 2 * 1.85e9);
  EXPECT_EQ(j["files"][0], chip("ascend910b"));
}

TEST(ConfigCli, ShowWithABadOverride) {
  const CommandResult r = run_npusim("config show " + chip("tiny") + " --set l2.wayz=4");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "<command line>:1:1: error: l2.wayz: unknown key (did you mean 'l2.ways'?)\n");
}

TEST(ConfigCli, ShowOfAMissingFile) {
  const CommandResult r = run_npusim("config show /no/such.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "/no/such.yaml: error: cannot read the file: no such file\n");
}

TEST(ConfigCli, CorruptedCopiesOfAShippedChipNeverCrash) {
  const std::string original = read_file(chip("ascend910b"));
  const std::string dir = make_temp_dir();
  // Truncations at every 97th byte: each is rejected (a required key or section is cut off)
  // or still valid, and never crashes.
  int rejected = 0;
  for (size_t cut = 0; cut < original.size(); cut += 97) {
    write_file(dir + "/c.yaml", original.substr(0, cut));
    const CommandResult r = run_npusim("config check " + dir + "/c.yaml");
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 2) << "exit " << r.exit_code << " at " << cut;
    if (r.exit_code == 2) {
      ++rejected;
      EXPECT_EQ(r.err.rfind(dir + "/c.yaml", 0), 0u) << r.err;
      EXPECT_NE(r.err.find(": error: "), std::string::npos) << r.err;
    }
  }
  EXPECT_GT(rejected, 10);
}

TEST(ConfigCli, ReferenceMatchesTheCheckedInDoc) {
  const CommandResult r = run_npusim("config reference");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, read_file(source_path("docs/config-reference.md")));
}

}  // namespace
}  // namespace npu::test
