// The AIC <-> AIV hand-off of the split organisation (910B-class chips): one core type writes a
// tile to a GM workspace, the other reads it, ordered by cross-core counter flags.
//
// A Handoff is a one-way channel of `slots` workspace buffers between the AIC of an AI core and
// its AIVs. Every item passes through four flag operations, each in the pipe that touches the
// workspace, so the flag covers exactly that transfer:
//   producer: wait_free (write pipe) -> write the slot -> signal_full (write pipe)
//   consumer: wait_full (read pipe)  -> read the slot  -> signal_free (read pipe)
// `full` is a counter on the consumer's core, `free` one on the producer's; both use mode
// aic_aiv, so an AIC's signal reaches every AIV of its AI core and the AIVs' signals reach the
// AIC once all of them arrived (docs/isa.md §5.2). An AIV's second arrival at a flag before the
// other AIVs arrived would be lost (arrivals count once per round), so every slot has its own
// pair of flags: an AIV can only signal a slot's flag again after the other side used the
// slot, which needed every AIV's previous signal. The consumer primes each slot's `free` flag
// at the start of its `on` block and the producer takes the credits back at its end, so every
// counter is zero when the kernel ends and the producer never runs more than `slots` items
// ahead. Items are consumed in the order they are produced; item i uses slot i % slots, given
// to the helpers as an affine expression (e.g. a `let` of the loop variable modulo 2).
#pragma once

#include "compiler/ir/kernel_ir.h"
#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::compiler {

struct Handoff {
  CoreSelect producer = CoreSelect::kAic;  // kAic or kAiv; the consumer is the other one
  isa::Pipe write_pipe = isa::Pipe::kFix;   // the producer's pipe writing the workspace
  isa::Pipe read_pipe = isa::Pipe::kMte2;   // the consumer's pipe reading it
  int first_flag = 0;  // counter flags first_flag .. first_flag + 2 * slots - 1
  int slots = 2;

  int full_flag(int slot) const { return first_flag + slot; }
  int free_flag(int slot) const { return first_flag + slots + slot; }
  int end_flag() const { return first_flag + 2 * slots; }  // the next channel's first flag
};

// Checks that the chip is split and has the flags; a UserError names the op otherwise.
void check_handoff(const Handoff& h, const config::ChipConfig& chip, const std::string& op);

// The flag operation of the item in slot `slot` (affine, 0 .. slots - 1 at run time).
Body wait_free(const Handoff& h, const Affine& slot);
Body signal_full(const Handoff& h, const Affine& slot);
Body wait_full(const Handoff& h, const Affine& slot);
Body signal_free(const Handoff& h, const Affine& slot);

// The consumer's priming credits (start of its `on` block) and the producer's matching drain
// (end of its `on` block).
Body prime_free(const Handoff& h);
Body drain_free(const Handoff& h);

}  // namespace npu::compiler
