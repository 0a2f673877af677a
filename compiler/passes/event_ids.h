// Event-id allocation with reuse for the flags of one pipe pair.
//
// A flag's ids are busy from its first set to its last wait. Two flags may share an id when one
// is done before the other starts in program order and no loop holds both (in a loop they would
// alternate, and the second flag's set in the next iteration could overtake the first one's
// wait). Program order is not timing order, though: the later flag's set runs in its source pipe,
// which may run ahead of the earlier flag's wait in another pipe, and setting a set flag is a
// program error. So every reuse comes with a link: the earlier flag's last wait must be ordered
// before the later flag's first set (sync insertion makes the scalar unit wait for the waiting
// pipe there). Flags waited by the scalar unit itself need no link (everything after the wait
// is issued after it) and may share ids inside loops too.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace npu::compiler {

// A flag's lifetime in program-order points (larger = later; a flag's first set comes before its
// last wait) and the loops around its sets and waits (any ids that name loops, sorted).
struct FlagLife {
  int first_set = 0;
  int last_wait = 0;
  std::vector<const void*> loops;
  const void* scope = nullptr;  // flags of different scopes (`on` blocks) never share an id
};

struct EventIdPlan {
  std::vector<int> ids;  // per flag
  // (earlier, later): flags sharing an id one after the other; the later one's first set must
  // be ordered after the earlier one's last wait.
  std::vector<std::pair<size_t, size_t>> links;
};

// Lowest free id first, flags taken by their first set. nullopt when more than `available` ids
// are needed at once. `waited_by_scalar`: the flags' waits run in the scalar unit (no links, no
// loop restriction).
std::optional<EventIdPlan> plan_event_ids(const std::vector<FlagLife>& flags, size_t available,
                                          bool waited_by_scalar);

}  // namespace npu::compiler
