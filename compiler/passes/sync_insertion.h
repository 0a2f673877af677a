// Automatic set_flag / wait_flag insertion from dependence analysis between pipes.
//
// For every tile slot the pass finds its home: the innermost body holding all its accesses
// (a nested loop or if that touches it counts as one access there). A tile has one writer pipe
// P; each run of writes is followed by a run of reads by other pipes Q. It inserts
//  * RAW: set_flag P->Q after the last write of the run, wait_flag P->Q before Q's first read;
//  * WAR tokens: set_flag Q->P after Q's last read of a run, wait_flag Q->P before the next
//    write run (in the next iteration when the home is a loop: those flags are set once in the
//    kernel prologue and waited once in the epilogue, so every iteration sees the same state).
// Requests of one pipe pair in one body and one tile slot whose intervals overlap are merged
// into one flag (a later set covers earlier writes of its pipe, an earlier wait covers later
// reads), so there are no redundant syncs; ping and pong flags stay apart, or the next ping
// load would wait for the pong reads and double buffering would be lost. Also:
//  * tiles that buffer allocation placed on common bytes (disjoint live ranges) are ordered:
//    the earlier tile's last access by each pipe before the later tile's first write by another;
//  * nested loops that write and read one tile slot (sibling loops, e.g. the two unrolled copies
//    of a double-buffered K loop inside an outer loop) are ordered one by one, and the slot's
//    RAW flags and WAR tokens per pipe pair share one event id across them;
//  * event ids: a pipe pair with no more flags than `pipes.event_ids` gives each its own id;
//    otherwise ids are reused by flags not pending at once (event_ids.h), tokens set before and
//    waited after their outermost loop, each reuse linked through the scalar unit (`set_flag P,
//    s` after the last wait, `wait_flag P, s` before the next set); more flags pending at once
//    than ids is a compile error.
//  * a loop that reads a tile at the start of its body and writes it later in it for the next
//    iteration (a prefetch), written just before the loop for the first: the RAW flag across
//    the back edge is set after the write before the loop, waited before the first read and set
//    after the last write in each iteration, and waited once after the loop (sync_requests.h);
// Tiles of an `on aic` / `on aiv` block belong to that core type: their wrap-around tokens are
// set at the start of the block and waited at its end (the other core type never runs them).
// Cross-core flags are not inserted here: the op generator places them (see
// compiler/ops/handoff.h).
//
// The steps, one file each: tile_accesses (every tile slot's accesses), body_tree (where bodies
// sit, program-order points), sync_requests (requests from accesses, merging), sync_flags
// (flags and event ids, links of reused ids), sync_placement (the set / wait statements).
#pragma once

#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "config/chip_config.h"

namespace npu::compiler {

// Does nothing when kernel.syncs_inserted (a .nk file with hand-written syncs).
void insert_syncs(Kernel& kernel, const config::ChipConfig& chip);

// Every loop and if of `body` gets its own copy (passes that edit in place need unshared
// bodies).
void unshare(Body& body);

}  // namespace npu::compiler
