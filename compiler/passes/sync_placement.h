// Placement of the planned syncs into the kernel: every merged request's set_flag after its
// last write (or read) and wait_flag before its first read (or write), tokens' first sets and
// last waits (kernel prologue / epilogue, the start / end of their `on` block, or around their
// outermost loop when ids are reused), prefetch flags' first sets (after the write before their
// loop) and last waits (after the loop), and the links of reused ids. At one statement the
// order is: before it, link waits, first sets of anchored tokens, waits, link sets; after it,
// link waits, sets, last waits of anchored tokens and prefetch flags, link sets.
#pragma once

#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "compiler/passes/sync_flags.h"
#include "compiler/passes/sync_requests.h"

namespace npu::compiler {

void place_syncs(Kernel& kernel, const std::vector<SyncRequest>& merged, const FlagPlan& plan);

}  // namespace npu::compiler
