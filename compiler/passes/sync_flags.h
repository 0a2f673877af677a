// Flags and event ids for merged sync requests.
//
// plan_flags joins the merged requests of one token chain (a tile slot used in nested loops)
// into one flag, then gives every flag an event id. A pipe pair with no more flags than
// `pipes.event_ids` gives each its own id, tokens set in the prologue and waited in the epilogue
// (the pipes run ahead across loops). Otherwise ids are reused by flags not pending at once
// (event_ids.h): tokens go around their outermost loop instead (or are dropped when nothing runs
// their home again), and each reuse is linked through the scalar unit (`set_flag P, s` after
// the earlier flag's last wait, `wait_flag P, s` before the later flag's first set), the links
// taking ids of their own pipe pair. More flags pending at once than ids is a UserError.
#pragma once

#include <cstddef>
#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "compiler/passes/body_tree.h"
#include "compiler/passes/sync_requests.h"
#include "config/chip_config.h"
#include "isa/instruction.h"

namespace npu::compiler {

// One event id: the merged requests that share it (the tokens of one chain) and where its
// tokens' first set and last wait go.
struct SyncFlag {
  isa::Pipe src, dst;
  std::vector<size_t> members;  // indices into the merged requests
  bool token = false;
  int id = 0;
  // Reuse mode only: tokens go around their outermost loop (anchor) instead of the prologue
  // and epilogue, or are dropped when nothing runs their home again.
  Body* anchor_body = nullptr;  // the body holding the anchor loop statement
  size_t anchor = 0;
  bool dropped = false;
  bool reuse = false;
};

// A place for a sync statement: before or after statement `index` of `body`.
struct SyncPoint {
  Body* body;
  size_t index;
  bool after;  // after statement `index` (else before it)
  int order;   // program-order point (BodyTree)
};

// The scalar unit waits (`wait_flag pipe, s` at `wait`) for a set by `pipe` (at `set`): the
// earlier flag of a reused id is waited before the later one is set.
struct SyncLink {
  isa::Pipe pipe;  // the waiting pipe of the reused flag
  SyncPoint set, wait;
  int id = 0;
};

struct FlagPlan {
  std::vector<SyncFlag> flags;
  std::vector<size_t> flag_of;  // per merged request
  std::vector<SyncLink> links;
};

FlagPlan plan_flags(const std::vector<SyncRequest>& merged, const BodyTree& tree,
                    const Kernel& kernel, const config::ChipConfig& chip);

}  // namespace npu::compiler
