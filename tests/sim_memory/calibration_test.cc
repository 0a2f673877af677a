// `npusim calibrate`: every measured 910B1 point within 10% on the ascend910b config, and
// docs/calibration.md is exactly what the command prints (not stale).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

#include "tests/support/run_command.h"

namespace npu::test {
namespace {

// Runs npusim from the source tree, so the chip path in the output is the one in the doc.
CommandResult calibrate(const std::string& arguments) {
  return run_command(std::string("cd '") + NPUSIM_SOURCE_DIR + "' && '" + NPUSIM_BINARY +
                     "' calibrate --chip configs/chips/ascend910b.yaml " + arguments);
}

TEST(Calibration, DocIsTheCommandsOutput) {
  const CommandResult r = calibrate("--markdown");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, read_file(source_path("docs/calibration.md")))
      << "docs/calibration.md is stale: regenerate it with `build/bin/npusim calibrate --chip "
         "configs/chips/ascend910b.yaml --markdown > docs/calibration.md`";
}

TEST(Calibration, EveryPointIsWithinTenPercent) {
  const CommandResult r = calibrate("--markdown");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    // Table rows: | quantity | point | unit | measured | model | error | source | model |
    if (line.rfind("| ", 0) != 0 || line.rfind("| Quantity", 0) == 0) continue;
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|')) cells.push_back(cell);
    ASSERT_GE(cells.size(), 6u) << line;
    const double measured = std::strtod(cells[3].c_str(), nullptr);
    const double model = std::strtod(cells[4].c_str(), nullptr);
    ASSERT_GT(measured, 0) << line;
    EXPECT_LE(std::abs(model - measured) / measured, 0.10) << line;
    EXPECT_EQ(line.find("outside"), std::string::npos) << line;
    ++rows;
  }
  // 6 GM -> L1 sizes, L1 -> L0A, L1 -> L0B, UB -> GM, 2 L0C -> GM, 2 mmad, 18 vector.
  EXPECT_EQ(rows, 31);
  EXPECT_NE(r.out.find("31 points, all within 10%."), std::string::npos);
}

TEST(Calibration, TextTableNamesEachPoint) {
  const CommandResult r = calibrate("");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("GM -> L1 bandwidth (MTE2)                480 KiB"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("31 points, all within 10%."), std::string::npos);
}

TEST(Calibration, AMistunedConfigIsReportedOutside) {
  // 200 cycles of extra GM read latency: a 1 KiB copy takes 373 instead of 173 cycles.
  const CommandResult r = calibrate("--set paths.gm_to_l1.latency_cycles=250");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("OUTSIDE"), std::string::npos);
  EXPECT_EQ(r.out.find("all within"), std::string::npos);
}

TEST(Calibration, BadChipFileIsExitCodeTwo) {
  const CommandResult r = run_npusim("calibrate --chip /nonexistent/chip.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/chip.yaml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace npu::test
