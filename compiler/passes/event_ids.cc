// Event-id allocation with reuse (see event_ids.h).
#include "compiler/passes/event_ids.h"

#include <algorithm>
#include <numeric>

namespace npu::compiler {
namespace {

bool share_a_loop(const std::vector<const void*>& a, const std::vector<const void*>& b) {
  std::vector<const void*> common;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
  return !common.empty();
}

}  // namespace

std::optional<EventIdPlan> plan_event_ids(const std::vector<FlagLife>& flags, size_t available,
                                          bool waited_by_scalar) {
  std::vector<size_t> order(flags.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return flags[a].first_set < flags[b].first_set;
  });
  EventIdPlan plan;
  plan.ids.assign(flags.size(), -1);
  std::vector<std::optional<size_t>> holder(available);  // the last flag given each id
  for (size_t f : order) {
    const FlagLife& life = flags[f];
    bool placed = false;
    for (size_t id = 0; id < available && !placed; ++id) {
      if (holder[id]) {
        const FlagLife& before = flags[*holder[id]];
        if (before.last_wait >= life.first_set || before.scope != life.scope) continue;
        if (!waited_by_scalar && share_a_loop(before.loops, life.loops)) continue;
        if (!waited_by_scalar) plan.links.emplace_back(*holder[id], f);
      }
      holder[id] = f;
      plan.ids[f] = static_cast<int>(id);
      placed = true;
    }
    if (!placed) return std::nullopt;
  }
  return plan;
}

}  // namespace npu::compiler
