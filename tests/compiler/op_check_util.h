// Runs an op spec on a simulated chip the way `npusim run --check --racecheck` does, for the op
// tests: any race, program error or mismatch with the host reference fails the test.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "runtime/op_runner.h"
#include "tests/compiler/compiler_test_util.h"

namespace npu::compiler {

inline runtime::OpRun expect_op_matches_reference(const std::string& chip_name,
                                                  const std::string& spec) {
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(chip(chip_name), options);
  runtime::OpRun r = runtime::run_op(device, parse_op_spec(spec), true);
  EXPECT_TRUE(r.check.passed) << chip_name << ": " << spec << ": " << r.check.first_mismatch;
  EXPECT_EQ(r.check.mismatches, 0u);
  EXPECT_GT(r.run.cycles, 0u);
  return r;
}

// A case of a parameterised op test: a chip by name and an op spec.
struct OpCase {
  std::string chip;
  std::string spec;
};
inline void PrintTo(const OpCase& c, std::ostream* os) { *os << c.chip << ": " << c.spec; }

// Cases run in one parameterised test (one process under CTest), named for the test's name.
struct OpCaseGroup {
  std::string name;
  std::vector<OpCase> cases;
};
inline void PrintTo(const OpCaseGroup& g, std::ostream* os) { *os << g.name; }

// Every spec on each of the tiny, ascend910 and ascend910b chips.
inline std::vector<OpCase> op_cases_on_every_chip(const std::vector<std::string>& specs) {
  std::vector<OpCase> out;
  for (const char* c : {"tiny", "ascend910", "ascend910b"})
    for (const std::string& s : specs) out.push_back({c, s});
  return out;
}

// The UserError text of building `spec` for the chip, or "no error".
inline std::string op_build_error(const std::string& chip_name, const std::string& spec) {
  return error_of([&] { build_op(parse_op_spec(spec), chip(chip_name)); });
}

}  // namespace npu::compiler
