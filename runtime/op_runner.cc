// Running an op on a device (see op_runner.h).
#include "runtime/op_runner.h"

#include <cmath>
#include <random>

#include "base/error.h"
#include "runtime/tensor_codec.h"

namespace npu::runtime {
OpRun run_op(Device& device, const compiler::OpSpec& spec, bool check, uint64_t seed) {
  OpRun r;
  r.op = compiler::build_op(spec, device.config());
  r.compiled = compiler::compile_kernel(r.op.kernel, device.config());
  if (check && !device.has_data())
    throw UserError("--check needs a functional run (drop --timing-only)");
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> args;
  std::vector<std::vector<double>> inputs;
  for (const compiler::TensorDesc& t : r.op.tensors) {
    uint64_t bytes = t.elements * isa::element_size(t.dtype);
    uint64_t addr = device.malloc(bytes, t.name);
    args.push_back(addr);
    if (t.output || t.workspace) {
      if (t.zero_init && device.has_data())
        device.copy_to_device(addr, std::vector<uint8_t>(bytes, 0));
      continue;
    }
    std::vector<double> v(t.elements);
    std::uniform_real_distribution<double> dist(t.low, t.high);
    if (device.has_data())
      for (double& x : v) x = round_to(t.dtype, dist(rng));
    inputs.push_back(v);
    if (device.has_data()) device.copy_to_device(addr, encode(t.dtype, v));
  }
  device.load(r.compiled.binary);
  r.run = device.launch(r.op.kernel.name, args, r.op.block_dim);
  if (check) {
    auto ref = compiler::reference(spec, inputs);
    size_t out_index = 0;
    r.check.checked = true;
    for (size_t i = 0; i < r.op.tensors.size(); ++i) {
      const compiler::TensorDesc& t = r.op.tensors[i];
      if (!t.output) continue;
      std::vector<uint8_t> bytes(t.elements * isa::element_size(t.dtype));
      device.copy_to_host(bytes, args[i]);
      std::vector<double> got = decode(t.dtype, bytes);
      const std::vector<double>& want = ref[out_index++];
      for (size_t e = 0; e < got.size(); ++e) {
        double err = std::fabs(got[e] - want[e]);
        double rel = err / std::max(std::fabs(want[e]), 1e-6);
        if (!(err <= r.check.max_abs_error)) r.check.max_abs_error = std::isnan(err) ? INFINITY : err;
        r.check.max_rel_error = std::max(r.check.max_rel_error, std::isnan(rel) ? INFINITY : rel);
        if (!(err <= r.op.atol + r.op.rtol * std::fabs(want[e]))) {
          if (r.check.mismatches == 0)
            r.check.first_mismatch = t.name + "[" + std::to_string(e) + "] = " +
                                     std::to_string(got[e]) + ", expected " + std::to_string(want[e]);
          ++r.check.mismatches;
        }
      }
    }
    r.check.passed = r.check.mismatches == 0;
  }
  r.host_link_seconds = device.host_link_seconds();
  return r;
}

}  // namespace npu::runtime
