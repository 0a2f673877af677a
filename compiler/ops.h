// The op library: builds a kernel (IR) for an op spec on a chip, describes its tensors for the
// runtime, and computes the host reference (fp64 accumulation) with the documented tolerance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/kernel_ir.h"
#include "compiler/op_spec.h"
#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::compiler {

struct TensorDesc {
  std::string name;  // the kernel argument
  isa::DataType dtype = isa::DataType::kF16;
  uint64_t elements = 0;
  bool output = false;
};

struct OpKernel {
  Kernel kernel;
  std::vector<TensorDesc> tensors;  // in argument order
  uint32_t block_dim = 1;
  double flops = 0;
  std::string summary;  // "matmul 64x64x64 fp16 -> fp16, tiles 64x64x64"
  // Relative tolerance: |got - ref| <= atol + rtol * |ref| (docs/ops.md).
  double atol = 0, rtol = 0;
};

OpKernel build_op(const OpSpec& spec, const config::ChipConfig& chip);

// Host reference: inputs as doubles (already rounded to their dtype) in argument order,
// returns the outputs in argument order.
std::vector<std::vector<double>> reference(const OpSpec& spec,
                                           const std::vector<std::vector<double>>& inputs);

}  // namespace npu::compiler
