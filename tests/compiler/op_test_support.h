// Shared pieces of the op-library tests: a named chip config, the cases of a parameterised
// test (every spec on tiny, ascend910 and ascend910b), running one case through the runtime
// with --check and the race check, and the text of a spec's compile error.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "config/chip_config.h"

namespace npu::compiler {

config::ChipConfig test_chip(const std::string& name);  // configs/chips/<name>.yaml

struct OpCase {
  const char* chip;
  const char* spec;
};

// Every spec on each of the tiny, ascend910 and ascend910b chips.
std::vector<OpCase> op_cases_on_every_chip(std::initializer_list<const char*> specs);

// Builds, compiles and runs the case with the race check on and asserts (gtest) that the
// output matches the host reference.
void expect_matches_reference(const OpCase& c);

// The UserError text of building `spec` for the chip, or "no error".
std::string compile_error(const std::string& chip, const std::string& spec);

}  // namespace npu::compiler
