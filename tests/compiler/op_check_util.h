// Runs an op spec on a simulated chip the way `npusim run --check --racecheck` does, for the op
// tests: any race, program error or mismatch with the host reference fails the test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "runtime/device.h"
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

// Runs `spec` on the chip (race check on) with its input tensors' bytes given, in the op's
// tensor order; returns the bytes of its first output. For bit-exact tests: NaN payloads,
// every value of a type.
inline std::vector<uint8_t> run_op_on_bytes(const std::string& chip_name, const std::string& spec,
                                            const std::vector<std::vector<uint8_t>>& inputs) {
  const config::ChipConfig config = chip(chip_name);
  const OpKernel op = build_op(parse_op_spec(spec), config);
  const CompileResult compiled = compile_kernel(op.kernel, config);
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(config, options);
  std::vector<uint64_t> args;
  size_t next_input = 0, first_output = op.tensors.size();
  for (size_t i = 0; i < op.tensors.size(); ++i) {
    const TensorDesc& t = op.tensors[i];
    const uint64_t bytes = t.elements * isa::element_size(t.dtype);
    args.push_back(device.malloc(bytes, t.name));
    if (t.output || t.workspace) {
      if (t.output && first_output == op.tensors.size()) first_output = i;
      if (t.zero_init) device.copy_to_device(args.back(), std::vector<uint8_t>(bytes, 0));
      continue;
    }
    NPU_CHECK(next_input < inputs.size() && inputs[next_input].size() == bytes,
              "run_op_on_bytes: input " + t.name + " needs " + std::to_string(bytes) + " bytes");
    device.copy_to_device(args.back(), inputs[next_input++]);
  }
  device.load(compiled.binary);
  device.launch(op.kernel.name, args, op.block_dim);
  const TensorDesc& y = op.tensors.at(first_output);
  std::vector<uint8_t> out(y.elements * isa::element_size(y.dtype));
  device.copy_to_host(out, args[first_output]);
  return out;
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
