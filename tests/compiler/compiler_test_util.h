// Helpers shared by the compiler tests: a chip config by name and the text of a UserError.
#pragma once

#include <functional>
#include <string>

#include "base/error.h"
#include "config/loader.h"

#ifndef NPUSIM_SOURCE_DIR
#error "tests need NPUSIM_SOURCE_DIR"
#endif

namespace npu::compiler {

// configs/chips/<name>.yaml
inline config::ChipConfig chip(const std::string& name) {
  return config::load_chip_config(std::string(NPUSIM_SOURCE_DIR) + "/configs/chips/" + name + ".yaml")
      .config;
}

// What `fn` throws as a UserError, or "no error".
inline std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace npu::compiler
