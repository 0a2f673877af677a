// Helpers for config tests: a small valid config with known line numbers, edited per test, and
// the exact error text a load produces.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "config/loader.h"
#include "tests/support/run_command.h"

namespace npu::test {

// Line numbers are part of the tests' expected messages: keep this text stable.
inline std::vector<std::string> base_config_lines() {
  return {
      "name: t",                    // 1
      "chip:",                      // 2
      "  organisation: coupled",    // 3
      "  cores: 1",                 // 4
      "  clock_mhz: 1000",          // 5
      "buffers:",                   // 6
      "  l1_bytes: 64 KiB",         // 7
      "  l0a_bytes: 16 KiB",        // 8
      "  l0b_bytes: 16 KiB",        // 9
      "  l0c_bytes: 32 KiB",        // 10
      "  ub_bytes: 32 KiB",         // 11
      "l2:",                        // 12
      "  capacity_bytes: 256 KiB",  // 13
      "  bytes_per_cycle: 512",     // 14
      "hbm:",                       // 15
      "  capacity_bytes: 1 GiB",    // 16
      "  bandwidth_gbps: 64",       // 17
  };
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// Writes `text` as `name` in a fresh temp dir and returns its path.
inline std::string write_config(const std::string& text, const std::string& name = "c.yaml") {
  const std::string path = make_temp_dir() + "/" + name;
  write_file(path, text);
  return path;
}

// The full error text of loading `path` (with `overrides`), or "" if it loads.
inline std::string load_error(const std::string& path,
                              const std::vector<std::string>& overrides = {}) {
  try {
    config::load_chip_config(path, overrides);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace npu::test
