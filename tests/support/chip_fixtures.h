// Helpers the compiler and runtime tests share: the repository's chip configs by name, and the
// message of the UserError a piece of code throws (for error-text assertions).
#pragma once

#include <functional>
#include <string>

#include "base/error.h"
#include "config/loader.h"

namespace npu::test {

// configs/chips/<name>.yaml of the source tree.
inline config::ChipConfig chip_config(const std::string& name) {
  return config::load_chip_config(std::string(NPUSIM_SOURCE_DIR) + "/configs/chips/" + name +
                                  ".yaml")
      .config;
}

// What `fn` throws as a UserError, or "no error".
inline std::string user_error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace npu::test
