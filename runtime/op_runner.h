// Runs a compiled op on a Device the way `npusim run --op` does: allocates its tensors, fills
// the inputs with seeded random data (uniform in the range each tensor gives, [-1, 1] by
// default, rounded to the tensor's type), copies them in, launches on the op's block_dim, copies
// the outputs back and, when asked, compares them with the op's host reference. Tests use it
// directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "compiler/ops/ops.h"
#include "runtime/device.h"

namespace npu::runtime {

struct CheckResult {
  bool checked = false;
  bool passed = true;
  double max_abs_error = 0;
  double max_rel_error = 0;  // relative to max(|ref|, 1e-6)
  uint64_t mismatches = 0;   // elements beyond atol + rtol * |ref|
  std::string first_mismatch;  // "c[3] = 1.5, expected 1.25"
};

struct OpRun {
  compiler::OpKernel op;
  compiler::CompileResult compiled;
  sim::RunResult run;
  CheckResult check;
  double host_link_seconds = 0;
  // The bytes of each output tensor, in the op's tensor order (empty without data: timing-only).
  std::vector<std::vector<uint8_t>> outputs;
};

// Builds and compiles the op for the device's chip, runs it, checks it when `check` (needs a
// device with data: not timing-only).
OpRun run_op(Device& device, const compiler::OpSpec& spec, bool check, uint64_t seed = 1);

}  // namespace npu::runtime
