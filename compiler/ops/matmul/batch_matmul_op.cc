// The `batch_matmul` op: C[i] (m x n) = op(A[i]) op(B[i]) [+ bias] for i < b, with the options
// of matmul; `broadcast_b=1` uses one B for every batch. The work items (batch x output tiles)
// are spread over the cores by the matmul generator (matmul_op.cc).
#include "compiler/ops/matmul/matmul_kernel.h"

namespace npu::compiler {
namespace {

OpKernel build_batch_matmul(const OpSpec& spec, const config::ChipConfig& chip) {
  return build_matmul_kernel(spec, chip, true);
}

Tensors reference_batch_matmul(const OpSpec& spec, const Tensors& in) {
  return reference_matmul_kernel(spec, in, true);
}

}  // namespace

const OpDef& batch_matmul_op() {
  static const OpDef def{"batch_matmul", matmul_keys(true),
                         "batch_matmul b=8 m=512 n=512 k=512 dtype=fp16", build_batch_matmul,
                         reference_batch_matmul};
  return def;
}

}  // namespace npu::compiler
