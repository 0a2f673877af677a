// The list of ops (see ops.h). Each op's OpDef lives in its own file; add one line here.
#include "base/error.h"
#include "compiler/ops/ops.h"

namespace npu::compiler {

const OpDef& matmul_op();
const OpDef& add_op();
const OpDef& sub_op();
const OpDef& mul_op();
const OpDef& div_op();
const OpDef& max_op();
const OpDef& min_op();
const OpDef& relu_op();
const OpDef& abs_op();
const OpDef& neg_op();
const OpDef& sqrt_op();
const OpDef& rsqrt_op();
const OpDef& exp_op();
const OpDef& sigmoid_op();
const OpDef& silu_op();
const OpDef& tanh_op();
const OpDef& gelu_op();
const OpDef& cast_op();
const OpDef& reshape_op();
const OpDef& concat_op();
const OpDef& transpose_op();
const OpDef& softmax_op();
const OpDef& layernorm_op();
const OpDef& rmsnorm_op();
const OpDef& reduce_sum_op();
const OpDef& reduce_max_op();
const OpDef& reduce_mean_op();
const OpDef& conv2d_op();
const OpDef& maxpool_op();
const OpDef& avgpool_op();
const OpDef& global_avgpool_op();
const OpDef& batch_matmul_op();
const OpDef& attention_op();

const std::vector<const OpDef*>& op_library() {
  static const std::vector<const OpDef*> ops = {
      &matmul_op(),
      &add_op(),
      &sub_op(),
      &mul_op(),
      &div_op(),
      &max_op(),
      &min_op(),
      &relu_op(),
      &abs_op(),
      &neg_op(),
      &sqrt_op(),
      &rsqrt_op(),
      &exp_op(),
      &sigmoid_op(),
      &silu_op(),
      &tanh_op(),
      &gelu_op(),
      &cast_op(),
      &reshape_op(),
      &concat_op(),
      &transpose_op(),
      &softmax_op(),
      &layernorm_op(),
      &rmsnorm_op(),
      &reduce_sum_op(),
      &reduce_max_op(),
      &reduce_mean_op(),
      &conv2d_op(),
      &maxpool_op(),
      &avgpool_op(),
      &global_avgpool_op(),
      &batch_matmul_op(),
      &attention_op(),
  };
  return ops;
}

const OpDef* find_op(const std::string& name) {
  for (const OpDef* d : op_library())
    if (d->name == name) return d;
  return nullptr;
}

OpKernel build_op(const OpSpec& spec, const config::ChipConfig& chip) {
  const OpDef* d = find_op(spec.op);
  NPU_CHECK(d != nullptr, "op spec parser accepted unknown op " + spec.op);
  return d->build(spec, chip);
}

Tensors reference(const OpSpec& spec, const Tensors& inputs) {
  const OpDef* d = find_op(spec.op);
  NPU_CHECK(d != nullptr, "reference for unknown op " + spec.op);
  return d->reference(spec, inputs);
}

}  // namespace npu::compiler
