// Executor: dispatch by opcode to the family files. Scalar, sync and branch instructions are
// the core's; describe() reports no work for them and execute() does nothing.
#include "sim/exec/executor.h"

#include "base/error.h"
#include "sim/exec/exec_common.h"

namespace npu::sim {

using isa::Opcode;

Executor::Executor(const config::ChipConfig& config, isa::CoreType type)
    : m_config(config), m_type(type) {}

void Executor::describe(const Operands& op, const PipeState& state, const LocalBuffers& buffers,
                        const GlobalMemory& gm, Work& work) const {
  NPU_CHECK(op.inst != nullptr, "Executor::describe without an instruction");
  work.clear();
  const exec::Context ctx{m_config, m_type, m_cube};
  const Opcode opcode = op.inst->opcode;
  if (exec::is_mte(opcode)) {
    exec::describe_mte(ctx, op, buffers, gm, work);
  } else if (exec::is_load(opcode)) {
    exec::describe_load(ctx, op, state, buffers, work);
  } else if (opcode == Opcode::kMmad) {
    exec::describe_mmad(ctx, op, buffers, work);
  } else if (exec::is_fixpipe(opcode)) {
    exec::describe_fixpipe(ctx, op, buffers, gm, work);
  } else if (exec::is_vector(opcode)) {
    exec::describe_vector(ctx, op, state, buffers, work);
  }
}

void Executor::execute(const Operands& op, PipeState& state, LocalBuffers& buffers,
                       GlobalMemory& gm) const {
  NPU_CHECK(op.inst != nullptr, "Executor::execute without an instruction");
  const exec::Context ctx{m_config, m_type, m_cube};
  const Opcode opcode = op.inst->opcode;
  if (exec::is_mte(opcode)) {
    exec::execute_mte(ctx, op, buffers, gm);
  } else if (exec::is_load(opcode)) {
    exec::execute_load(ctx, op, state, buffers);
  } else if (opcode == Opcode::kMmad) {
    exec::execute_mmad(ctx, op, buffers);
  } else if (exec::is_fixpipe(opcode)) {
    exec::execute_fixpipe(ctx, op, buffers, gm);
  } else if (exec::is_vector(opcode)) {
    exec::execute_vector(ctx, op, state, buffers);
  } else {
    apply_state(op, state);
  }
}

void Executor::apply_state(const Operands& op, PipeState& state) const {
  switch (op.inst->opcode) {
    case Opcode::kSetMask:
      state.mask_hi = op.rs[0];
      state.mask_lo = op.rs[1];
      break;
    case Opcode::kSetMaskMode:
      state.mask_mode = op.inst->mask_mode();
      break;
    case Opcode::kSetFmatrix:
      state.fmatrix[0] = op.rs[0];
      break;
    case Opcode::kSetPadding:
      state.padding = op.rs[0];
      break;
    default:
      break;
  }
}

}  // namespace npu::sim
