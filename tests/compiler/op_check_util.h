// Runs an op spec on a simulated chip the way `npusim run --check --racecheck` does, for the op
// tests: any race, program error or mismatch with the host reference fails the test.
#pragma once

#include <gtest/gtest.h>

#include <string>

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

}  // namespace npu::compiler
