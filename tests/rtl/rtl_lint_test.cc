// `verilator --lint-only -Wall` over every SystemVerilog file in rtl/: each module (one per
// file, named like the file) as top with the ISA package and rtl/'s folders on the module
// search path, once as written and once with NPU_RTL_MISMODEL when the file has that variant;
// and the generated package alone. Every file must be clean: waivers belong in the source,
// each with a comment saying why. (isa_test checks the package is up to date with the table.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/run_command.h"

namespace npu::rtl_test {
namespace {

namespace fs = std::filesystem;

const std::string kPackage = "rtl/generated/npu_isa_pkg.sv";

std::vector<fs::path> rtl_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(test::source_path("rtl"))) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".sv" || ext == ".v")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string search_path() {
  std::string dirs = " -y " + test::source_path("rtl");
  for (const auto& entry : fs::recursive_directory_iterator(test::source_path("rtl"))) {
    if (entry.is_directory()) dirs += " -y " + entry.path().string();
  }
  return dirs;
}

// Runs the lint; an empty string when clean, else the command and what Verilator said.
std::string lint(const std::string& arguments) {
  const std::string command = std::string(NPU_VERILATOR) + " --lint-only -Wall " + arguments;
  const test::CommandResult r = test::run_command(command + " 2>&1");
  return r.exit_code == 0 && r.out.empty() ? "" : command + "\n" + r.out + r.err;
}

TEST(RtlLint, EveryFileIsCleanUnderWall) {
  const std::vector<fs::path> files = rtl_files();
  ASSERT_GE(files.size(), 4u);  // the package and the blocks (a wrong path would pass vacuously)
  const std::string package = test::source_path(kPackage);
  for (const fs::path& file : files) {
    if (file == fs::path(package)) continue;
    const std::string args =
        package + " " + file.string() + search_path() + " --top-module " + file.stem().string();
    EXPECT_EQ(lint(args), "");
    if (test::read_file(file.string()).find("NPU_RTL_MISMODEL") != std::string::npos) {
      EXPECT_EQ(lint("+define+NPU_RTL_MISMODEL " + args), "");
    }
  }
  EXPECT_EQ(lint(package), "");
}

TEST(RtlLint, ReportsAWarningInAFile) {
  // The lint really looks: an unused signal is reported (and would fail the test above).
  const std::string dir = test::make_temp_dir();
  test::write_file(dir + "/unused_wire.sv",
                   "module unused_wire (input logic a_i, output logic b_o);\n"
                   "  logic spare;\n  assign b_o = a_i;\nendmodule\n");
  EXPECT_NE(lint(dir + "/unused_wire.sv").find("UNUSEDSIGNAL"), std::string::npos);
}

}  // namespace
}  // namespace npu::rtl_test
