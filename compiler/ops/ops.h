// The op library: builds a kernel (IR) for an op spec on a chip, describes its tensors for the
// runtime, and computes the host reference (fp64 accumulation) with the documented tolerance.
// Every op is one OpDef (name, keys, builder, reference) defined in its own `<op>_op.cc` and
// listed once in op_library.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "compiler/ops/op_spec.h"
#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::compiler {

struct TensorDesc {
  std::string name;  // the kernel argument
  isa::DataType dtype = isa::DataType::kF16;
  uint64_t elements = 0;
  bool output = false;
  // Inputs: `npusim run --check` fills them uniformly in [low, high], rounded to dtype.
  double low = -1.0, high = 1.0;
  // Outputs: the kernel accumulates into it (atomic adds), so the runtime zeroes it first.
  bool zero_init = false;
  // Scratch GM the kernel needs (e.g. the AIC <-> AIV hand-off workspace): allocated, neither
  // filled nor checked. Last, so that positional initialisers of the fields above stay valid.
  bool workspace = false;
};

struct OpKernel {
  Kernel kernel;
  std::vector<TensorDesc> tensors;  // in argument order
  uint32_t block_dim = 1;
  double flops = 0;
  // Cube MACs the op itself needs: no padding of partial fractals, no masked work (causal
  // attention's hidden halves). 0 for ops that do not use the cube. `npusim run` prints the
  // cube utilization these alone would give next to the executed one.
  double useful_macs = 0;
  std::string summary;  // "matmul 64x64x64 fp16 -> fp16, tiles 64x64x64"
  // Relative tolerance: |got - ref| <= atol + rtol * |ref| (docs/ops.md).
  double atol = 0, rtol = 0;
};

// Host reference: inputs as doubles (already rounded to their dtype) in argument order,
// returns the outputs in argument order.
using Tensors = std::vector<std::vector<double>>;

struct OpDef {
  std::string name;               // "matmul"
  std::vector<std::string> keys;  // every key the spec may give
  std::string example;            // a spec that works, for messages and docs
  OpKernel (*build)(const OpSpec& spec, const config::ChipConfig& chip) = nullptr;
  Tensors (*reference)(const OpSpec& spec, const Tensors& inputs) = nullptr;
};

// Every op, in the order op_library.cc lists them.
const std::vector<const OpDef*>& op_library();
const OpDef* find_op(const std::string& name);  // nullptr if unknown

OpKernel build_op(const OpSpec& spec, const config::ChipConfig& chip);
Tensors reference(const OpSpec& spec, const Tensors& inputs);

}  // namespace npu::compiler
