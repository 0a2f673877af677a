// Loading a chip config: YAML file(s) -> validated ChipConfig.
//
// Order of application: the deepest `extends:` ancestor first, then each file down to the one
// named, then the `--set KEY=VALUE` overrides in command-line order; a later value replaces an
// earlier one. Then defaults fill the keys nobody set, required keys are checked, and the
// cross-key consistency rules run. Every problem of every file is collected and thrown at once
// as a UserError of "FILE:LINE:COL: error: <key.path>: <rule>" lines.
//
// Overrides are located as "<command line>:N:COL", N the override's position (1 = first --set)
// and COL the column inside its KEY=VALUE text.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "config/chip_config.h"

namespace npu::config {

struct ResolvedConfig {
  ChipConfig config;
  // The file given and every file it extends, the given file first.
  std::vector<std::string> files;
  // Where each key that was set got its final value; keys absent here took their default.
  std::map<std::string, SourceLocation> origin;
};

inline constexpr const char* kCommandLineFile = "<command line>";

// Throws UserError listing every problem found.
ResolvedConfig load_chip_config(const std::string& path,
                                const std::vector<std::string>& overrides = {});

}  // namespace npu::config
