// Shared pieces of the op-library tests (see op_test_support.h).
#include "tests/compiler/op_test_support.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "compiler/ops.h"
#include "config/loader.h"
#include "runtime/op_runner.h"

namespace npu::compiler {

config::ChipConfig test_chip(const std::string& name) {
  return config::load_chip_config(std::string(NPUSIM_SOURCE_DIR) + "/configs/chips/" + name +
                                  ".yaml")
      .config;
}

std::vector<OpCase> op_cases_on_every_chip(std::initializer_list<const char*> specs) {
  std::vector<OpCase> out;
  for (const char* c : {"tiny", "ascend910", "ascend910b"})
    for (const char* s : specs) out.push_back({c, s});
  return out;
}

void expect_matches_reference(const OpCase& c) {
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(test_chip(c.chip), options);
  runtime::OpRun r = runtime::run_op(device, parse_op_spec(c.spec), true);
  ASSERT_TRUE(r.check.checked);
  EXPECT_TRUE(r.check.passed) << r.check.first_mismatch << " (" << r.op.summary << ")";
  EXPECT_EQ(r.check.mismatches, 0u);
  EXPECT_GT(r.run.cycles, 0u);
}

std::string compile_error(const std::string& chip, const std::string& spec) {
  try {
    build_op(parse_op_spec(spec), test_chip(chip));
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace npu::compiler
