// Runs a command line (through /bin/sh) and captures what the CLI tests check: exit code,
// standard output and standard error, separately.
#pragma once

#include <string>

namespace npu::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` with /bin/sh -c. Exit code is the process's, or 128 + signal if it was killed.
CommandResult run_command(const std::string& command);

// Runs the built npusim binary with `arguments` (already shell-quoted as needed).
CommandResult run_npusim(const std::string& arguments);

// Absolute path of a file in the source tree, e.g. source_path("configs/chips/tiny.yaml").
std::string source_path(const std::string& relative);

// A fresh, empty temporary directory for this test (removed at process exit is not promised).
std::string make_temp_dir();

// Writes `content` to `path`, creating or truncating the file.
void write_file(const std::string& path, const std::string& content);

// Reads a whole file; empty string if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace npu::test
