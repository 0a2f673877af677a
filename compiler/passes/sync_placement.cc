// Placement of the planned syncs into the kernel (see sync_placement.h).
#include "compiler/passes/sync_placement.h"

#include <map>
#include <set>
#include <utility>

namespace npu::compiler {
namespace {

// Insertions at one statement of a body, in the order they are emitted. Before it: link waits
// (scalar), first sets of anchored tokens, waits, link sets. After it: link waits, sets, last
// waits of anchored tokens and of prefetch flags, link sets.
struct Slots {
  std::vector<SyncStmt> lists[8];
};
enum SlotList : int {
  kBeforeLinkWait, kBeforeTokenSet, kBeforeWait, kBeforeLinkSet,
  kAfterLinkWait, kAfterSet, kAfterTokenWait, kAfterLinkSet
};

}  // namespace

void place_syncs(Kernel& kernel, const std::vector<SyncRequest>& merged, const FlagPlan& plan) {
  std::map<Body*, std::map<size_t, Slots>> inserts;
  auto put = [&](Body* body, size_t index, SlotList list, const SyncStmt& s) {
    inserts[body][index].lists[list].push_back(s);
  };
  // Links in the order of their waiting pipe.
  std::map<isa::Pipe, std::vector<size_t>> links_by_pipe;
  for (size_t l = 0; l < plan.links.size(); ++l) links_by_pipe[plan.links[l].pipe].push_back(l);
  for (const auto& pipe_links : links_by_pipe) {
    for (size_t l : pipe_links.second) {
      const SyncLink& link = plan.links[l];
      const isa::Pipe pipe = link.pipe;
      SyncStmt set{false, pipe, isa::Pipe::kS, link.id};
      SyncStmt wait{true, pipe, isa::Pipe::kS, link.id};
      if (link.set.body == link.wait.body && link.set.index == link.wait.index &&
          link.set.after == link.wait.after) {
        // Hoisting met both ends at one point (the earlier flag's wait just before a statement
        // holding the later flag's set, or the earlier flag's wait inside a statement whose
        // next set is the later flag's): the link's set, then its wait, between the two.
        const SlotList slot = link.set.after ? kAfterLinkWait : kBeforeLinkSet;
        put(link.set.body, link.set.index, slot, set);
        put(link.set.body, link.set.index, slot, wait);
        continue;
      }
      put(link.set.body, link.set.index, link.set.after ? kAfterLinkSet : kBeforeLinkSet, set);
      put(link.wait.body, link.wait.index, link.wait.after ? kAfterLinkWait : kBeforeLinkWait,
          wait);
    }
  }

  std::map<Body*, std::pair<std::vector<SyncStmt>, std::vector<SyncStmt>>> scope_tokens;
  std::set<size_t> tokens_placed;
  for (size_t m = 0; m < merged.size(); ++m) {
    const SyncRequest& r = merged[m];
    const SyncFlag& flag = plan.flags[plan.flag_of[m]];
    if (flag.dropped) continue;
    SyncStmt set{false, r.src, r.dst, flag.id};
    SyncStmt wait{true, r.src, r.dst, flag.id};
    put(r.home, r.set_after, kAfterSet, set);
    put(r.home, r.wait_before % r.n, kBeforeWait, wait);
    if (r.seed_body) {
      // A prefetch flag: first set after the write before the loop, last wait after the loop.
      put(r.seed_body, r.seed_after, kAfterSet, set);
      put(r.seed_body, r.loop_index, kAfterTokenWait, wait);
      continue;
    }
    if (!r.token || !tokens_placed.insert(plan.flag_of[m]).second) continue;
    if (flag.reuse && flag.anchor_body) {
      put(flag.anchor_body, flag.anchor, kBeforeTokenSet, set);
      put(flag.anchor_body, flag.anchor, kAfterTokenWait, wait);
    } else if (r.scope != &kernel.body) {
      scope_tokens[r.scope].first.push_back(set);
      scope_tokens[r.scope].second.push_back(wait);
    } else {
      kernel.prologue.push_back(set);
      kernel.epilogue.push_back(wait);
    }
  }
  for (auto& [home, at] : inserts) {
    Body out;
    for (size_t i = 0; i < home->size(); ++i) {
      auto it = at.find(i);
      if (it != at.end())
        for (int l = kBeforeLinkWait; l <= kBeforeLinkSet; ++l)
          for (const SyncStmt& s : it->second.lists[l]) out.push_back(make_sync(s));
      out.push_back((*home)[i]);
      if (it != at.end())
        for (int l = kAfterLinkWait; l <= kAfterLinkSet; ++l)
          for (const SyncStmt& s : it->second.lists[l]) out.push_back(make_sync(s));
    }
    *home = std::move(out);
  }
  for (auto& [scope, tokens] : scope_tokens) {
    Body out;
    for (const SyncStmt& s : tokens.first) out.push_back(make_sync(s));
    for (Stmt& s : *scope) out.push_back(std::move(s));
    for (const SyncStmt& s : tokens.second) out.push_back(make_sync(s));
    *scope = std::move(out);
  }
}

}  // namespace npu::compiler
