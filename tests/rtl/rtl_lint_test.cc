// `verilator --lint-only -Wall` over every SystemVerilog file in rtl/: each module (one per
// file, named like the file) as top, with every package of rtl/ in front (a package before the
// packages that import it) and rtl/'s folders on the module search path, once as written and
// once per NPU_RTL_MISMODEL* macro the file tests (its deliberately wrong variants); and the
// packages alone. Every file must be clean: waivers belong in the source, each with a comment
// saying why. (isa_test checks the generated ISA package is up to date with the table.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/run_command.h"

namespace npu::rtl_test {
namespace {

namespace fs = std::filesystem;

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

// The package files among `files`, each after the packages it imports.
std::vector<fs::path> packages_in_order(const std::vector<fs::path>& files) {
  static const std::regex kPackage(R"((?:^|\n)\s*package\s+(\w+)\s*;)");
  static const std::regex kImport(R"(\bimport\s+(\w+)::)");
  std::map<std::string, fs::path> path_of;
  std::map<std::string, std::vector<std::string>> imports;
  for (const fs::path& file : files) {
    const std::string text = test::read_file(file.string());
    std::smatch m;
    if (!std::regex_search(text, m, kPackage)) continue;
    const std::string name = m[1];
    path_of[name] = file;
    for (std::sregex_iterator it(text.begin(), text.end(), kImport), end; it != end; ++it) {
      imports[name].push_back((*it)[1]);
    }
  }
  std::vector<fs::path> ordered;
  std::set<std::string> placed;
  std::function<void(const std::string&)> place = [&](const std::string& name) {
    if (!path_of.count(name) || !placed.insert(name).second) return;
    for (const std::string& dependency : imports[name]) place(dependency);
    ordered.push_back(path_of[name]);
  };
  for (const auto& [name, path] : path_of) place(name);
  return ordered;
}

// The NPU_RTL_MISMODEL* macros a file tests (each builds a deliberately wrong variant).
std::set<std::string> mismodel_macros(const fs::path& file) {
  static const std::regex kVariant(R"(`ifn?def\s+(NPU_RTL_MISMODEL\w*))");
  const std::string text = test::read_file(file.string());
  std::set<std::string> macros;
  for (std::sregex_iterator it(text.begin(), text.end(), kVariant), end; it != end; ++it) {
    macros.insert((*it)[1]);
  }
  return macros;
}

// Runs the lint; an empty string when clean, else the command and what Verilator said.
std::string lint(const std::string& arguments) {
  const std::string command = std::string(NPU_VERILATOR) + " --lint-only -Wall " + arguments;
  const test::CommandResult r = test::run_command(command + " 2>&1");
  return r.exit_code == 0 && r.out.empty() ? "" : command + "\n" + r.out + r.err;
}

TEST(RtlLint, EveryFileIsCleanUnderWall) {
  const std::vector<fs::path> files = rtl_files();
  const std::vector<fs::path> packages = packages_in_order(files);
  // The ISA package and the blocks at least (a wrong path would pass vacuously).
  ASSERT_GE(files.size(), 4u);
  ASSERT_FALSE(packages.empty());
  std::string package_args;
  for (const fs::path& package : packages) {
    package_args += package.string() + " ";
    EXPECT_EQ(lint(package_args), "");  // each package with the ones before it
  }
  for (const fs::path& file : files) {
    if (std::find(packages.begin(), packages.end(), file) != packages.end()) continue;
    const std::string args =
        package_args + file.string() + search_path() + " --top-module " + file.stem().string();
    EXPECT_EQ(lint(args), "");
    for (const std::string& variant : mismodel_macros(file)) {
      EXPECT_EQ(lint("+define+" + variant + " " + args), "");
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
