// Sync requests from tile accesses (see sync_requests.h).
#include "compiler/passes/sync_requests.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <iterator>
#include <set>
#include <utility>

namespace npu::compiler {
namespace {

struct Entry {
  size_t index;
  bool write = false;
  std::set<isa::Pipe> readers;  // pipes other than the writer
};

// A run of consecutive write entries or read entries.
struct Run {
  bool write;
  std::vector<Entry> entries;
};

// The accesses of `list` grouped by the statement at path depth `depth` holding them.
std::map<size_t, Entry> entries_at(const std::vector<TileAccess>& list, size_t depth,
                                   isa::Pipe writer) {
  std::map<size_t, Entry> entries;
  for (const TileAccess& a : list) {
    Entry& e = entries[a.path[depth].second];
    e.index = a.path[depth].second;
    if (a.write) e.write = true;
    else if (a.pipe != writer) e.readers.insert(a.pipe);
  }
  return entries;
}

// Size of the deepest body holding every access: its depth in TileAccess::path, from `from` on.
size_t common_depth(const std::vector<TileAccess>& list, size_t from) {
  for (size_t depth = from;; ++depth)
    for (const TileAccess& a : list)
      if (a.path.size() <= depth + 1 || a.path[depth] != list[0].path[depth]) return depth;
}

}  // namespace

void RequestBuilder::tile_slot(const std::string& tile, const std::vector<TileAccess>& list) {
  size_t depth = common_depth(list, 0);
  Body* on_body = list[0].on_body;
  for (const TileAccess& a : list) {
    if (a.on_body == on_body) continue;
    m_diags.error(list[0].loc, "tile '" + tile + "' is used in more than one 'on' block (or "
                               "also outside one): each core type has its own buffers");
    return;
  }
  std::set<isa::Pipe> writers;
  for (const TileAccess& a : list)
    if (a.write) writers.insert(a.pipe);
  if (writers.size() != 1) {
    m_diags.error(list[0].loc, "tile '" + tile + "' " +
                                   (writers.empty() ? "is never written"
                                                    : "is written by more than one pipe") +
                                   ": sync insertion needs one writer pipe per tile");
    return;
  }
  order(tile, list, depth, *writers.begin(), on_body ? on_body : m_tree.root(), "");
}

void RequestBuilder::shared_bytes(const std::string& a, const std::vector<TileAccess>& a_list,
                                  const std::string& b, const std::vector<TileAccess>& b_list) {
  std::vector<TileAccess> both = a_list;
  both.insert(both.end(), b_list.begin(), b_list.end());
  size_t depth = common_depth(both, 0);
  Body* home = both[0].path[depth].first;
  auto span = [&](const std::vector<TileAccess>& list) {
    std::pair<size_t, size_t> s{SIZE_MAX, 0};
    for (const TileAccess& x : list) {
      s.first = std::min(s.first, x.path[depth].second);
      s.second = std::max(s.second, x.path[depth].second);
    }
    return s;
  };
  auto sa = span(a_list), sb = span(b_list);
  if (sa.second >= sb.first && sb.second >= sa.first) {
    m_diags.error(b_list[0].loc, "tiles '" + a + "' and '" + b + "' share bytes but are used "
                                 "at the same time (a fixed offset?)");
    return;
  }
  bool a_first = sa.second < sb.first;
  const std::vector<TileAccess>& before = a_first ? a_list : b_list;
  const std::vector<TileAccess>& after = a_first ? b_list : a_list;
  Body* scope = both[0].on_body ? both[0].on_body : m_tree.root();
  size_t n = home->size();
  order_pair(before, after, depth, home, n, 0, scope);
  if (m_tree.is_loop(home)) order_pair(after, before, depth, home, n, n, scope);
}

// `first`'s last access by each pipe Q before `second`'s first write by each other pipe P;
// `shift` = n puts the writes in the next execution of home.
void RequestBuilder::order_pair(const std::vector<TileAccess>& first,
                                const std::vector<TileAccess>& second, size_t depth, Body* home,
                                size_t n, size_t shift, Body* scope) {
  std::map<isa::Pipe, size_t> last_access, first_write;
  for (const TileAccess& x : first) {
    size_t i = x.path[depth].second;
    auto it = last_access.find(x.pipe);
    if (it == last_access.end() || it->second < i) last_access[x.pipe] = i;
  }
  for (const TileAccess& x : second) {
    if (!x.write) continue;
    size_t i = x.path[depth].second;
    auto it = first_write.find(x.pipe);
    if (it == first_write.end() || it->second > i) first_write[x.pipe] = i;
  }
  for (const auto& [p, w] : first_write)
    for (const auto& [q, r] : last_access)
      if (q != p) m_requests.push_back({home, n, q, p, r, w + shift, shift > 0, 0, scope, {}});
}

// The RAW flags and WAR tokens of one tile slot whose accesses are `list`, all below
// path depth `from`.
void RequestBuilder::order(const std::string& tile, const std::vector<TileAccess>& list,
                           size_t from, isa::Pipe writer, Body* scope,
                           const std::string& chain_of_caller) {
  size_t depth = common_depth(list, from);
  Body* home = list[0].path[depth].first;
  std::map<size_t, Entry> entries = entries_at(list, depth, writer);
  // Prefetch loops: nested loops that read the tile at the start of their body (before any
  // write there) and write it later in it for the next iteration. Ordered on their own, the
  // write just before the loop seeding their flags; here they count as the writes they end
  // with, and the pipes that waited in them need no RAW flag for reads after them.
  std::map<size_t, std::set<isa::Pipe>> prefetch_readers;
  for (auto& [i, e] : entries) {
    if (!e.write || e.readers.empty() || (*home)[i].kind != Stmt::Kind::kLoop) continue;
    std::vector<TileAccess> sub;
    for (const TileAccess& a : list)
      if (a.path[depth].second == i) sub.push_back(a);
    size_t first = SIZE_MAX;  // the first statement of the loop body using the tile
    for (const TileAccess& a : sub) first = std::min(first, a.path[depth + 1].second);
    bool first_writes = false;
    for (const TileAccess& a : sub)
      first_writes = first_writes || (a.write && a.path[depth + 1].second == first);
    if (first_writes) continue;
    auto it = entries.find(i);
    const SourceLocation& loc = sub[0].loc;
    if (!chain_of_caller.empty()) {
      m_diags.error(loc, "tile '" + tile + "' is prefetched in a loop nested in another loop "
                         "that writes and reads it: not supported");
      return;
    }
    if (it == entries.begin() || !std::prev(it)->second.write) {
      m_diags.error(loc, "tile '" + tile + "' is read at the start of a loop body and written "
                         "later in it (a prefetch for the next iteration), but not written "
                         "just before the loop (the first iteration's data)");
      return;
    }
    if ((*home)[i].loop->parallel) {
      m_diags.error(loc, "tile '" + tile + "' is prefetched across the iterations of a 'pfor' "
                         "(its iterations run on different cores): use 'for'");
      return;
    }
    std::optional<std::set<isa::Pipe>> readers = prefetch_loop(
        tile, sub, depth + 1, writer, scope, home, std::prev(it)->first, i);
    if (!readers) return;
    prefetch_readers[i] = *readers;
    e.readers.clear();
  }
  // Nested loops / ifs that both write the tile and read it in another pipe (sibling loops,
  // e.g. a double-buffered inner loop unrolled with its outer one, or one of them in the `if`
  // of an odd trip count) are ordered on their own, the rest of the home around them. All
  // WAR tokens of the tile slot and reader pipe then share one event id: each read run sets
  // it and each write run waits for it, so going round the home in any path (a nested loop's
  // iterations, an `if` skipped or not) alternates sets and waits, and a nested loop's last
  // read is what the next write run anywhere waits for. Their RAW flags share one id per
  // reader pipe likewise (a set of the next write run comes after that write, which waited for
  // the token set after the reads that waited for the previous set).
  std::set<size_t> mixed;
  bool any_reader = false;
  for (auto& [i, e] : entries) {
    if (!e.readers.empty()) any_reader = true;
    if (e.write && !e.readers.empty() && (*home)[i].kind != Stmt::Kind::kOp) mixed.insert(i);
  }
  std::string chain = chain_of_caller;
  if (!mixed.empty() && !prefetch_readers.empty()) {
    m_diags.error(list[0].loc, "tile '" + tile + "' is prefetched in one loop and written and "
                               "read in another nested loop of the same body: not supported");
    return;
  }
  if (!mixed.empty()) {
    chain = tile + ":";
    const Entry* before = nullptr;  // the nearest other entry before a nested one
    for (auto& [i, e] : entries) {
      if (!mixed.count(i)) {
        before = &e;
        continue;
      }
      if (before && before->write) {
        m_diags.error(list[0].loc, "tile '" + tile + "' is written and read by different "
                                   "pipes inside a nested loop placed between its writes and "
                                   "reads outside it: not supported");
        return;
      }
      std::vector<TileAccess> sub;
      for (const TileAccess& a : list)
        if (a.path[depth].second == i) sub.push_back(a);
      order(tile, sub, depth + 1, writer, scope, chain);
    }
    for (size_t i : mixed) entries.erase(i);
    if (entries.empty()) return;
    any_reader = false;
    for (auto& [i, e] : entries) any_reader = any_reader || !e.readers.empty();
  }
  if (!any_reader) return;
  if (!entries.begin()->second.write) {
    bool written_later = false;
    for (auto& [i, e] : entries) written_later = written_later || e.write;
    m_diags.error(list[0].loc, "tile '" + tile + "' is read before it is written" +
                                   (m_tree.is_loop(home) && written_later
                                        ? std::string(" (a prefetch for the next iteration also "
                                                      "needs a write before the loop)")
                                        : std::string()));
    return;
  }
  // Runs of writes and reads, in order.
  std::vector<Run> runs;
  for (auto& [i, e] : entries) {
    bool w = e.write;
    if (runs.empty() || runs.back().write != w) runs.push_back({w, {}});
    runs.back().entries.push_back(e);
  }
  bool cyclic = m_tree.is_loop(home);
  size_t n = home->size();
  if (runs.back().write) {
    if (cyclic) {
      m_diags.error(list[0].loc, "tile '" + tile + "' is written at the end of a loop body and "
                                 "again at its start before any read: the write at the end is "
                                 "never read (a prefetch reads the tile first in the body)");
      return;
    }
    runs.pop_back();  // dead trailing writes need no sync
  }
  int slot = tile.back() == '1' ? 1 : 0;
  for (size_t r = 0; r + 1 < runs.size(); r += 2) {
    const Run& w = runs[r];
    const Run& rd = runs[r + 1];
    size_t last_write = w.entries.back().index;
    std::set<isa::Pipe> pipes;
    for (const Entry& e : rd.entries) pipes.insert(e.readers.begin(), e.readers.end());
    // The write run after these reads: the next one, or the first one again next time.
    bool wraps = r + 2 >= runs.size();
    size_t next_write =
        wraps ? runs[0].entries.front().index + n : runs[r + 2].entries.front().index;
    auto prefetch = prefetch_readers.find(last_write);
    for (isa::Pipe q : pipes) {
      size_t first_read = 0, last_read = 0;
      bool found = false;
      for (const Entry& e : rd.entries) {
        if (!e.readers.count(q)) continue;
        if (!found) first_read = e.index;
        last_read = e.index;
        found = true;
      }
      auto link = [&](const char* kind) {
        return chain.empty() ? std::vector<std::string>{}
                             : std::vector<std::string>{chain + std::string(isa::name(q)) + kind};
      };
      // After a prefetch loop, its readers have waited for its last write right after it.
      if (prefetch == prefetch_readers.end() || !prefetch->second.count(q))
        m_requests.push_back(
            {home, n, writer, q, last_write, first_read, false, slot, scope, link(":raw")});
      m_requests.push_back(
          {home, n, q, writer, last_read, next_write, true, slot, scope, link(":war")});
    }
  }
}

std::optional<std::set<isa::Pipe>> RequestBuilder::prefetch_loop(
    const std::string& tile, const std::vector<TileAccess>& list, size_t depth, isa::Pipe writer,
    Body* scope, Body* outer, size_t seed_after, size_t loop_index) {
  Body* body = list[0].path[depth].first;
  size_t n = body->size();
  std::map<size_t, Entry> entries = entries_at(list, depth, writer);
  // Runs of reads and writes: reads first, writes last (reads of the writer pipe need no sync).
  std::vector<Run> runs;
  for (auto& [i, e] : entries) {
    if (e.write && !e.readers.empty()) {
      m_diags.error(list[0].loc, "tile '" + tile + "' is prefetched in a loop whose body holds a "
                                 "nested loop or if that writes and reads it: not supported");
      return std::nullopt;
    }
    if (!e.write && e.readers.empty()) continue;
    if (runs.empty() || runs.back().write != e.write) runs.push_back({e.write, {}});
    runs.back().entries.push_back(e);
  }
  if (runs.empty() || runs.front().write || !runs.back().write) {
    m_diags.error(list[0].loc, "tile '" + tile + "' is read at the start of a loop body and not "
                               "written at its end: a prefetch for the next iteration writes it "
                               "after its last read");
    return std::nullopt;
  }
  int slot = tile.back() == '1' ? 1 : 0;
  auto pipes_of = [](const Run& run) {
    std::set<isa::Pipe> pipes;
    for (const Entry& e : run.entries) pipes.insert(e.readers.begin(), e.readers.end());
    return pipes;
  };
  auto reads_of = [](const Run& run, isa::Pipe q) {
    std::pair<size_t, size_t> span{SIZE_MAX, 0};
    for (const Entry& e : run.entries) {
      if (!e.readers.count(q)) continue;
      span.first = std::min(span.first, e.index);
      span.second = std::max(span.second, e.index);
    }
    return span;
  };
  for (size_t r = 0; r < runs.size(); r += 2) {
    const Run& reads = runs[r];
    const Run& writes = runs[r + 1];
    // WAR: this run's reads before the write run after them, in the same iteration.
    for (isa::Pipe q : pipes_of(reads))
      m_requests.push_back({body, n, q, writer, reads_of(reads, q).second,
                            writes.entries.front().index, false, slot, scope, {}});
    // RAW: the writes before the next read run, the first one again in the next iteration
    // (the loop-carried flag, seeded before the loop and waited after it).
    bool wraps = r + 2 >= runs.size();
    const Run& next = wraps ? runs[0] : runs[r + 2];
    for (isa::Pipe q : pipes_of(next)) {
      SyncRequest raw{body, n, writer, q, writes.entries.back().index,
                      reads_of(next, q).first + (wraps ? n : 0), false, slot, scope, {}};
      if (wraps) {
        raw.seed_body = outer;
        raw.seed_after = seed_after;
        raw.loop_index = loop_index;
      }
      m_requests.push_back(raw);
    }
  }
  return pipes_of(runs[0]);
}

std::vector<SyncRequest> merge_requests(std::vector<SyncRequest> requests, bool keep_apart) {
  std::vector<SyncRequest> merged;
  std::stable_sort(requests.begin(), requests.end(),
                   [](const SyncRequest& a, const SyncRequest& b) {
                     return a.wait_before < b.wait_before;
                   });
  for (const SyncRequest& r : requests) {
    bool done = false;
    for (SyncRequest& m : merged) {
      if (m.home != r.home || m.src != r.src || m.dst != r.dst || m.slot != r.slot ||
          m.seed_body != r.seed_body)
        continue;
      size_t s = std::max(m.set_after, r.set_after);
      size_t w = std::min(m.wait_before, r.wait_before);
      // Requests come by their waits. Joined, m's reader would also wait for r's write: when
      // that write comes later and r's reader too, r keeps a flag of its own if m's tile is
      // `apart` (a piece of data loaded after another and read after it: each reader waits
      // for its own piece).
      const bool delays = keep_apart && m.apart && r.set_after > m.set_after &&
                          r.wait_before > m.wait_before;
      if (s < w && !delays) {
        m.set_after = s;
        m.wait_before = w;
        m.token = m.wait_before >= m.n && !m.seed_body;
        m.seed_after = std::max(m.seed_after, r.seed_after);
        m.chains.insert(m.chains.end(), r.chains.begin(), r.chains.end());
        done = true;
        break;
      }
    }
    if (!done) {
      SyncRequest c = r;
      c.token = c.wait_before >= c.n && !c.seed_body;
      merged.push_back(c);
    }
  }
  return merged;
}

}  // namespace npu::compiler
