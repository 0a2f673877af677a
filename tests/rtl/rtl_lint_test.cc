// `verilator --lint-only -Wall` over every SystemVerilog file in rtl/: each module (one per
// file, named like the file) as top with the packages (`*_pkg.sv`: the ISA package first, each
// package after those it imports) and rtl/'s folders on the module search path, once as written
// and once with each NPU_RTL_MISMODEL* define the file has; and the packages alone. Every file must
// be clean: waivers belong in the source, each with a comment saying why. (isa_test checks the
// package is up to date with the table.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <utility>
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

bool is_package(const fs::path& file) { return file.stem().string().ends_with("_pkg"); }

// Every package of rtl/, each after the packages it imports (Verilator needs them declared
// first), as one command-line argument string.
std::string packages_in_order() {
  std::vector<std::pair<std::string, fs::path>> pending;  // (package name, file)
  for (const fs::path& file : rtl_files()) {
    if (is_package(file)) pending.emplace_back(file.stem().string(), file);
  }
  std::string args;
  while (!pending.empty()) {
    const auto ready = std::find_if(pending.begin(), pending.end(), [&](const auto& p) {
      const std::string text = test::read_file(p.second.string());
      for (const auto& [name, file] : pending) {
        if (name != p.first && text.find("import " + name + "::") != std::string::npos)
          return false;
      }
      return true;
    });
    if (ready == pending.end()) {
      ADD_FAILURE() << "the packages of rtl/ import each other in a cycle";
      break;
    }
    args += " " + ready->second.string();
    pending.erase(ready);
  }
  return args;
}

// The `define names of the file's deliberately mis-modelled variants (NPU_RTL_MISMODEL...).
std::vector<std::string> mismodel_defines(const fs::path& file) {
  const std::string text = test::read_file(file.string());
  std::vector<std::string> defines;
  for (size_t at = text.find("NPU_RTL_MISMODEL"); at != std::string::npos;
       at = text.find("NPU_RTL_MISMODEL", at + 1)) {
    size_t end = at;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_')) {
      ++end;
    }
    const std::string name = text.substr(at, end - at);
    if (std::find(defines.begin(), defines.end(), name) == defines.end()) defines.push_back(name);
    at = end;
  }
  return defines;
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
  const std::string packages = packages_in_order();
  ASSERT_EQ(packages.find(test::source_path(kPackage)), 1u) << "the ISA package comes first";
  for (const fs::path& file : files) {
    if (is_package(file)) continue;
    const std::string args =
        packages + " " + file.string() + search_path() + " --top-module " + file.stem().string();
    EXPECT_EQ(lint(args), "");
    for (const std::string& define : mismodel_defines(file)) {
      EXPECT_EQ(lint("+define+" + define + " " + args), "");
    }
  }
  EXPECT_EQ(lint(packages), "");
  for (const fs::path& file : files) {
    if (!is_package(file)) continue;
    for (const std::string& define : mismodel_defines(file)) {
      EXPECT_EQ(lint("+define+" + define + " " + packages), "");
    }
  }
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
