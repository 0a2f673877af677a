// conv2d's NCHW layout phases (see conv_layout.h).
#include "compiler/ops/conv/conv_layout.h"

#include "compiler/ir/ir_builder.h"

namespace npu::compiler {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

int64_t layout_workers_per_core(const config::ChipConfig& chip) {
  return chip.split() ? static_cast<int64_t>(chip.chip.aiv_per_core) : 1;
}

Stmt layout_phase(const TransposePlan& plan, const TransposeNames& names, int64_t block_dim,
                  const config::ChipConfig& chip) {
  const int64_t aivs = layout_workers_per_core(chip);
  Body panel = transpose_unit(plan, "lp", names);
  Body body = transpose_setup(plan);
  if (aivs > 1 && plan.units() > block_dim) {
    // This AIV's units: (p / block_dim) mod aivs == sub.
    Body mine;
    mine.push_back(make_let("lr", "lp", false, block_dim));
    mine.push_back(make_let("la", "lr", true, aivs));
    add_guarded(mine, Condition{var_expr("la").add("sub", -1), Condition::Op::kEq, 0},
                std::move(panel));
    panel = std::move(mine);
  } else if (aivs > 1) {
    // One unit per AI core at most: its first AIV takes it.
    Body mine;
    add_guarded(mine, Condition{var_expr("sub"), Condition::Op::kEq, 0}, std::move(panel));
    panel = std::move(mine);
  }
  body.push_back(make_loop("lp", plan.units(), true, std::move(panel)));
  return make_on(CoreSelect::kAiv, "sub", std::move(body));
}

Stmt layout_barrier() { return op("sync_all", {}, {}); }

}  // namespace npu::compiler
