// The list of ops (see ops.h). Each op's OpDef lives in its own file; add one line here.
#include "base/error.h"
#include "compiler/ops.h"

namespace npu::compiler {

const OpDef& matmul_op();
const OpDef& attention_op();

const std::vector<const OpDef*>& op_library() {
  static const std::vector<const OpDef*> ops = {
      &matmul_op(),
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
