// The matmul kernel generator shared by `matmul` and `batch_matmul`: parses the spec (sizes,
// input / output types, transposes, bias, int8 dequantisation scale, optional forced tiling),
// asks the tiling cost model for the tiles and the split of K, and builds the kernel IR, the
// tensors, the tolerances and the host reference.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ops/ops.h"
#include "compiler/ops/matmul/matmul_tiling.h"

namespace npu::compiler {

struct MatmulSpec {
  bool batched = false;
  int64_t batch = 1, m = 1, n = 1, k = 1;
  bool broadcast_b = false;  // batch_matmul: one B (k x n) for every batch
  isa::DataType in = isa::DataType::kF16, out = isa::DataType::kF16;
  bool trans_a = false, trans_b = false, bias = false;
  double scale = 1.0;  // int8 -> fp16: the fixpipe's dequantisation scale
  // Forced tiling (0 = the cost model's choice): tile_m / tile_n / tile_k / tile_kl / split_k.
  int64_t tile_m = 0, tile_n = 0, tile_k = 0, tile_kl = 0, split_k = 0;
};

// The spec keys of matmul (batched = false) or batch_matmul.
std::vector<std::string> matmul_keys(bool batched);

// Parses and validates the spec (UserError on bad combinations).
MatmulSpec parse_matmul_spec(const OpSpec& spec, bool batched);

// The cost model's view of the matmul on this chip (UserError when the chip cannot run it).
MatmulProblem matmul_problem(const MatmulSpec& s, const config::ChipConfig& chip);

OpKernel build_matmul_kernel(const OpSpec& spec, const config::ChipConfig& chip, bool batched);
Tensors reference_matmul_kernel(const OpSpec& spec, const Tensors& inputs, bool batched);

}  // namespace npu::compiler
