// Flags and event ids for merged sync requests (see sync_flags.h).
#include "compiler/passes/sync_flags.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "base/error.h"
#include "compiler/passes/event_ids.h"

namespace npu::compiler {
namespace {

UserError too_many(const Kernel& kernel, const config::ChipConfig& chip, isa::Pipe src,
                   isa::Pipe dst) {
  return UserError("kernel '" + kernel.name + "' needs more than " +
                   std::to_string(chip.pipes.event_ids) + " event ids for " +
                   std::string(isa::name(src)) + " -> " + std::string(isa::name(dst)) +
                   " at once (pipes.event_ids of chip '" + chip.name + "')");
}

UserError merged_differently(const Kernel& kernel, const SyncRequest& r, const SyncRequest& o) {
  std::string names;
  for (const std::string& c : r.chains) names += (names.empty() ? "" : ", ") + c;
  for (const std::string& c : o.chains) names += ", " + c;
  return UserError("kernel '" + kernel.name + "': the WAR tokens of a tile used in nested loops "
                   "are merged differently with other flags in different places; sync "
                   "insertion cannot give them one event id (" + names + ")");
}

// The merged requests, those of one token chain joined.
void join_chains(const std::vector<SyncRequest>& merged, const Kernel& kernel, FlagPlan& plan) {
  std::vector<SyncFlag>& flags = plan.flags;
  plan.flag_of.resize(merged.size());
  std::vector<size_t> root(merged.size());
  for (size_t m = 0; m < merged.size(); ++m) root[m] = m;
  auto find = [&](size_t m) {
    while (root[m] != m) m = root[m] = root[root[m]];
    return m;
  };
  std::map<std::string, size_t> chain_member;
  for (size_t m = 0; m < merged.size(); ++m)
    for (const std::string& c : merged[m].chains) {
      auto [it, fresh] = chain_member.emplace(c, m);
      if (!fresh) root[find(m)] = find(it->second);
    }
  std::map<size_t, size_t> flag_of_root;
  for (size_t m = 0; m < merged.size(); ++m) {
    auto [it, fresh] = flag_of_root.emplace(find(m), flags.size());
    if (fresh) flags.push_back({merged[m].src, merged[m].dst, {}, merged[m].token});
    SyncFlag& f = flags[it->second];
    // One id for flags that are pending at once in one body would not alternate sets and
    // waits (a token wraps: it is also pending at the start of the next execution).
    const SyncRequest& r = merged[m];
    for (size_t other : f.members) {
      const SyncRequest& o = merged[other];
      auto overlap = [](int64_t s1, int64_t w1, int64_t s2, int64_t w2) {
        return std::max(s1, s2) < std::min(w1, w2);
      };
      auto busy = [&](const SyncRequest& x, const SyncRequest& y) {
        auto sx = static_cast<int64_t>(x.set_after), wx = static_cast<int64_t>(x.wait_before);
        auto sy = static_cast<int64_t>(y.set_after), wy = static_cast<int64_t>(y.wait_before);
        auto n = static_cast<int64_t>(x.n);
        return overlap(sx, wx, sy, wy) || overlap(sx - n, wx - n, sy, wy) ||
               overlap(sx, wx, sy - n, wy - n);
      };
      if (o.home == r.home && busy(o, r)) throw merged_differently(kernel, r, o);
    }
    f.members.push_back(m);
    f.token = f.token || r.token;
    plan.flag_of[m] = it->second;
  }
  // A chain's flag may hold tokens and flags (a body that writes and reads the tile slot
  // twice: the first read run's flag waits before the second write run, the second one's token
  // before the first write run of the next execution). Sets and waits alternate through every
  // body of the chain only if each body ends on a token: its last set is what the next write
  // run anywhere waits for.
  for (const SyncFlag& f : flags) {
    if (!f.token) continue;
    for (size_t m : f.members) {
      bool home_token = false;
      for (size_t o : f.members)
        home_token = home_token || (merged[o].home == merged[m].home && merged[o].token);
      if (!home_token) throw merged_differently(kernel, merged[m], merged[f.members[0]]);
    }
  }
}

// Event ids of the flags of one pipe pair that has more flags than ids, and the links of each
// reuse.
void reuse_event_ids(const std::vector<SyncRequest>& merged, const BodyTree& tree,
                     const Kernel& kernel, const config::ChipConfig& chip,
                     std::pair<isa::Pipe, isa::Pipe> pair, const std::vector<size_t>& list,
                     FlagPlan& plan) {
  std::vector<SyncFlag>& flags = plan.flags;
  std::vector<SyncLink>& links = plan.links;
  // Lifetimes: first set and last wait of each flag, as program-order points.
  std::vector<FlagLife> lives;
  std::vector<std::pair<SyncPoint, SyncPoint>> ends;  // (first set, last wait) per flag of the pair
  std::vector<size_t> kept;
  for (size_t f : list) {
    SyncFlag& flag = flags[f];
    flag.reuse = true;
    std::optional<SyncPoint> first, last;
    std::vector<const void*> loops;
    auto widen = [&](SyncPoint set, SyncPoint wait) {
      if (!first || set.order < first->order) first = set;
      if (!last || wait.order > last->order) last = wait;
      auto l = tree.loops(set.body);
      loops.insert(loops.end(), l.begin(), l.end());
    };
    for (size_t m : flag.members) {
      const SyncRequest& r = merged[m];
      if (r.seed_body) {
        // A prefetch flag: from its seed after the write before the loop to its wait after it.
        widen({r.seed_body, r.seed_after, true, tree.after(r.seed_body, r.seed_after)},
              {r.seed_body, r.loop_index, true, tree.after(r.seed_body, r.loop_index)});
        continue;
      }
      if (!r.token) {
        widen({r.home, r.set_after, true, tree.after(r.home, r.set_after)},
              {r.home, r.wait_before, false, tree.before(r.home, r.wait_before)});
        continue;
      }
      Body* loop = tree.outermost_loop(r.home, r.scope);
      if (loop) {
        flag.anchor_body = tree.parent(loop);
        flag.anchor = tree.index_in_parent(loop);
        widen({flag.anchor_body, flag.anchor, false, tree.before(flag.anchor_body, flag.anchor)},
              {flag.anchor_body, flag.anchor, true, tree.after(flag.anchor_body, flag.anchor)});
      } else if (tree.loops(r.scope).empty()) {
        // Its home runs once: no next write to order (the other members go with it, so a
        // chain's flag that also orders writes inside the home may not be dropped).
        for (size_t o : flag.members)
          if (!merged[o].token) throw merged_differently(kernel, r, merged[o]);
        flag.dropped = true;
      } else {
        // The scope (an `on` block in a loop) runs again: tokens at its start and end, busy
        // over all of it.
        Body* p = tree.parent(r.scope);
        size_t i = tree.index_in_parent(r.scope);
        widen({p, i, false, tree.before(p, i)}, {p, i, true, tree.after(p, i)});
      }
    }
    if (flag.dropped) continue;
    std::sort(loops.begin(), loops.end());
    loops.erase(std::unique(loops.begin(), loops.end()), loops.end());
    // Flags of different `on` blocks may not share an id on a split chip (the blocks run on
    // different cores, which a link cannot order); a coupled core runs the blocks one after
    // the other like any other code.
    lives.push_back({first->order, last->order, loops,
                     chip.split() ? merged[flag.members[0]].scope : nullptr});
    ends.emplace_back(*first, *last);
    kept.push_back(f);
  }
  std::optional<EventIdPlan> ids =
      plan_event_ids(lives, chip.pipes.event_ids, pair.second == isa::Pipe::kS);
  if (!ids) throw too_many(kernel, chip, pair.first, pair.second);
  for (size_t i = 0; i < kept.size(); ++i) flags[kept[i]].id = ids->ids[i];
  for (auto [earlier, later] : ids->links) {
    // The scalar unit waits for the waiting pipe's last wait of `earlier` before it issues
    // the first set of `later`; both are hoisted to the deepest body holding the two.
    SyncPoint w = ends[earlier].second, s = ends[later].first;
    Body* c = tree.common(w.body, s.body);
    if (w.body != c) w = {c, tree.holder(c, w.body), true, 0};
    if (s.body != c) s = {c, tree.holder(c, s.body), false, 0};
    w.order = w.after ? tree.after(c, w.index) : tree.before(c, w.index);
    s.order = s.after ? tree.after(c, s.index) : tree.before(c, s.index);
    links.push_back({pair.second, w, s});
  }
}

// Link flags (waiting pipe -> scalar): ids of their own pipe pair, reused freely.
void link_event_ids(const Kernel& kernel, const config::ChipConfig& chip, FlagPlan& plan) {
  std::map<isa::Pipe, std::vector<size_t>> links_by_pipe;
  for (size_t l = 0; l < plan.links.size(); ++l) links_by_pipe[plan.links[l].pipe].push_back(l);
  for (auto& [pipe, list] : links_by_pipe) {
    std::vector<FlagLife> lives;
    for (size_t l : list)
      lives.push_back({plan.links[l].set.order, plan.links[l].wait.order, {}, nullptr});
    std::optional<EventIdPlan> ids = plan_event_ids(lives, chip.pipes.event_ids, true);
    if (!ids) throw too_many(kernel, chip, pipe, isa::Pipe::kS);
    for (size_t i = 0; i < list.size(); ++i) plan.links[list[i]].id = ids->ids[i];
  }
}

}  // namespace

FlagPlan plan_flags(const std::vector<SyncRequest>& merged, const BodyTree& tree,
                    const Kernel& kernel, const config::ChipConfig& chip) {
  FlagPlan plan;
  join_chains(merged, kernel, plan);
  std::map<std::pair<isa::Pipe, isa::Pipe>, std::vector<size_t>> by_pair;
  for (size_t f = 0; f < plan.flags.size(); ++f)
    by_pair[{plan.flags[f].src, plan.flags[f].dst}].push_back(f);
  for (auto& [pair, list] : by_pair) {
    if (list.size() <= chip.pipes.event_ids) {
      for (size_t i = 0; i < list.size(); ++i) plan.flags[list[i]].id = static_cast<int>(i);
      continue;
    }
    reuse_event_ids(merged, tree, kernel, chip, pair, list, plan);
  }
  link_event_ids(kernel, chip, plan);
  return plan;
}

}  // namespace npu::compiler
