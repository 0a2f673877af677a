// Cross-core flags of an AIC <-> AIV hand-off (see handoff.h).
#include "compiler/ops/handoff.h"

#include <string>

#include "base/error.h"

namespace npu::compiler {
namespace {

Stmt cross(bool wait, isa::Pipe pipe, int flag) {
  return make_sync(SyncStmt{wait, pipe, pipe, flag, true, isa::CrossCoreMode::kAicAiv});
}

// The flag of `slot`, chosen at run time: one guarded statement per slot.
Body per_slot(const Handoff& h, const Affine& slot, bool wait, isa::Pipe pipe, bool full) {
  Body out;
  for (int s = 0; s < h.slots; ++s) {
    Stmt sync = cross(wait, pipe, full ? h.full_flag(s) : h.free_flag(s));
    if (h.slots == 1) {
      out.push_back(sync);
    } else {
      out.push_back(make_if(Condition{slot, Condition::Op::kEq, s}, Body{sync}));
    }
  }
  return out;
}

}  // namespace

void check_handoff(const Handoff& h, const config::ChipConfig& chip, const std::string& op) {
  NPU_CHECK(h.producer != CoreSelect::kAll, "a hand-off needs a producer core type");
  NPU_CHECK(h.slots >= 1 && h.slots <= 15, "hand-off slots must fit a counter flag");
  if (!chip.split())
    throw UserError(op + ": chip '" + chip.name + "' is not split; an AIC <-> AIV hand-off needs "
                         "chip.organisation split");
  int flags = static_cast<int>(chip.pipes.cross_core_flags);
  if (h.end_flag() > flags)
    throw UserError(op + " needs " + std::to_string(h.end_flag()) + " cross-core flags but chip '" +
                    chip.name + "' has " + std::to_string(flags) + " (pipes.cross_core_flags)");
}

Body wait_free(const Handoff& h, const Affine& slot) {
  return per_slot(h, slot, true, h.write_pipe, false);
}
Body signal_full(const Handoff& h, const Affine& slot) {
  return per_slot(h, slot, false, h.write_pipe, true);
}
Body wait_full(const Handoff& h, const Affine& slot) {
  return per_slot(h, slot, true, h.read_pipe, true);
}
Body signal_free(const Handoff& h, const Affine& slot) {
  return per_slot(h, slot, false, h.read_pipe, false);
}

Body prime_free(const Handoff& h) {
  Body out;
  for (int s = 0; s < h.slots; ++s) out.push_back(cross(false, h.read_pipe, h.free_flag(s)));
  return out;
}

Body drain_free(const Handoff& h) {
  Body out;
  for (int s = 0; s < h.slots; ++s) out.push_back(cross(true, h.write_pipe, h.free_flag(s)));
  return out;
}

}  // namespace npu::compiler
