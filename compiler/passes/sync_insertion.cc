// Sync insertion (see sync_insertion.h).
#include "compiler/passes/sync_insertion.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/passes/event_ids.h"

namespace npu::compiler {

const isa::InstructionInfo* op_info(const OpStmt& op) {
  return isa::find_mnemonic(op.mnemonic.substr(0, op.mnemonic.find('.')));
}

std::vector<const isa::FieldSpec*> operand_specs(const isa::InstructionInfo& info) {
  std::vector<const isa::FieldSpec*> out;
  for (const isa::FieldSpec& f : info.fields)
    if (f.syntax == isa::Syntax::kPositional && f.kind == isa::FieldKind::kReg &&
        f.role != isa::RegRole::kPacked)
      out.push_back(&f);
  return out;
}

isa::Pipe op_pipe(const OpStmt& op) {
  const isa::InstructionInfo* info = op_info(op);
  NPU_CHECK(info != nullptr, "op without a table row: " + op.mnemonic);
  return info->pipe;
}

bool operand_written(const OpStmt& op, size_t index) {
  const isa::InstructionInfo* info = op_info(op);
  NPU_CHECK(info != nullptr, "op without a table row: " + op.mnemonic);
  auto specs = operand_specs(*info);
  if (index >= specs.size()) return false;
  return specs[index]->name == "dst" || specs[index]->name == "c";
}

void unshare(Body& body) {
  for (Stmt& s : body) {
    if (s.kind == Stmt::Kind::kLoop) {
      s.loop = std::make_shared<LoopStmt>(*s.loop);
      unshare(s.loop->body);
    } else if (s.kind == Stmt::Kind::kIf) {
      s.when = std::make_shared<IfStmt>(*s.when);
      unshare(s.when->body);
    } else if (s.kind == Stmt::Kind::kOn) {
      s.on = std::make_shared<OnStmt>(*s.on);
      unshare(s.on->body);
    }
  }
}

namespace {

struct Access {
  std::vector<std::pair<Body*, size_t>> path;  // (body, statement index) from the root down
  isa::Pipe pipe;
  bool write;
  SourceLocation loc;
  Body* on_body;  // the body of the innermost enclosing `on` block, nullptr if none
};

// An mmad whose `init` may be `bias` (2) reads the bias table through its bias_addr field, not
// through an operand: it counts as a read of every BT tile (a kernel has one or two).
bool may_read_bias_table(const OpStmt& op) {
  if (op.mnemonic.rfind("mmad", 0) != 0) return false;
  for (const Field& f : op.fields)
    if (f.name == "init") return f.value.value == 2 || (f.value.cond && f.value.other == 2);
  return false;
}

void collect(Body& body, std::vector<std::pair<Body*, size_t>>& path, Body* on_body,
             const std::vector<std::string>& bias_tiles,
             std::map<std::string, std::vector<Access>>& out) {
  for (size_t i = 0; i < body.size(); ++i) {
    Stmt& s = body[i];
    path.emplace_back(&body, i);
    if (s.kind == Stmt::Kind::kOp) {
      isa::Pipe pipe = op_pipe(s.op);
      for (size_t k = 0; k < s.op.operands.size(); ++k) {
        const Operand& o = s.op.operands[k];
        if (o.kind != OperandKind::kTile) continue;
        std::string key = o.name + "." + std::to_string(std::max(0, o.slot));
        out[key].push_back({path, pipe, operand_written(s.op, k), s.loc, on_body});
      }
      if (may_read_bias_table(s.op))
        for (const std::string& t : bias_tiles)
          out[t + ".0"].push_back({path, pipe, false, s.loc, on_body});
    } else if (s.kind == Stmt::Kind::kLoop) {
      collect(s.loop->body, path, on_body, bias_tiles, out);
    } else if (s.kind == Stmt::Kind::kIf) {
      collect(s.when->body, path, on_body, bias_tiles, out);
    } else if (s.kind == Stmt::Kind::kOn) {
      collect(s.on->body, path, &s.on->body, bias_tiles, out);
    }
    path.pop_back();
  }
}

// Where each body sits in the statement tree, and program-order points around its statements:
// before(b, i) < every point inside statement i < after(b, i) < before(b, i + 1).
class BodyTree {
 public:
  explicit BodyTree(Body& root) : m_root(&root) { walk(root, nullptr, 0, false); }

  Body* root() const { return m_root; }
  Body* parent(const Body* b) const { return m_info.at(b).parent; }
  size_t index_in_parent(const Body* b) const { return m_info.at(b).index; }
  int before(const Body* b, size_t i) const { return 2 * m_info.at(b).enter.at(i); }
  int after(const Body* b, size_t i) const { return 2 * m_info.at(b).exit.at(i) + 1; }

  // The loop bodies holding b (b included), sorted.
  std::vector<const void*> loops(const Body* b) const {
    std::vector<const void*> out;
    for (; b; b = parent(b))
      if (m_info.at(b).loop) out.push_back(b);
    std::sort(out.begin(), out.end());
    return out;
  }
  // The deepest body holding both.
  Body* common(Body* a, Body* b) const {
    std::set<const Body*> up;
    for (Body* x = a; x; x = parent(x)) up.insert(x);
    while (!up.count(b)) b = parent(b);
    return b;
  }
  // The statement of `ancestor` that holds `b` (a body strictly below it).
  size_t holder(const Body* ancestor, const Body* b) const {
    while (parent(b) != ancestor) b = parent(b);
    return index_in_parent(b);
  }
  // The outermost loop holding `home` below `scope` (its body, or nullptr).
  Body* outermost_loop(Body* home, const Body* scope) const {
    Body* found = nullptr;
    for (Body* b = home; b && b != scope; b = parent(b))
      if (m_info.at(b).loop) found = b;
    return found;
  }

 private:
  struct Info {
    Body* parent = nullptr;
    size_t index = 0;
    bool loop = false;
    std::vector<int> enter, exit;
  };

  void walk(Body& body, Body* parent, size_t index, bool loop) {
    Info& info = m_info[&body];
    info.parent = parent;
    info.index = index;
    info.loop = loop;
    for (size_t i = 0; i < body.size(); ++i) {
      info.enter.push_back(m_counter++);
      Stmt& s = body[i];
      if (s.kind == Stmt::Kind::kLoop) walk(s.loop->body, &body, i, true);
      if (s.kind == Stmt::Kind::kIf) walk(s.when->body, &body, i, false);
      if (s.kind == Stmt::Kind::kOn) walk(s.on->body, &body, i, false);
      info.exit.push_back(m_counter++);
    }
  }

  Body* m_root;
  std::map<const Body*, Info> m_info;  // node-based: references stay valid while walking
  int m_counter = 0;
};

struct Request {
  Body* home;
  size_t n;            // statements in home
  isa::Pipe src, dst;
  size_t set_after;    // index in home
  size_t wait_before;  // index in home; >= n: in the next execution (index - n)
  bool token;
  int slot;  // the tile slot: ping and pong flags stay apart so the slots overlap
  Body* scope;  // tokens are set / waited at the start / end of this `on` block or kernel body
  // WAR tokens of a tile slot used in nested loops (see RequestBuilder::order): requests
  // naming one chain share an event id.
  std::vector<std::string> chains;
};

struct Entry {
  size_t index;
  bool write = false;
  std::set<isa::Pipe> readers;  // pipes other than the writer
};

// Size of the deepest body holding every access: its depth in Access::path, from `from` on.
size_t common_depth(const std::vector<Access>& list, size_t from) {
  for (size_t depth = from;; ++depth)
    for (const Access& a : list)
      if (a.path.size() <= depth + 1 || a.path[depth] != list[0].path[depth]) return depth;
}

// Turns the accesses of each tile slot, and the byte sharing of placed tiles, into requests.
class RequestBuilder {
 public:
  RequestBuilder(const BodyTree& tree, const std::set<Body*>& loop_bodies, DiagnosticList& diags)
      : m_tree(tree), m_loop_bodies(loop_bodies), m_diags(diags) {}

  std::vector<Request>& requests() { return m_requests; }

  void tile_slot(const std::string& tile, const std::vector<Access>& list) {
    size_t depth = common_depth(list, 0);
    Body* on_body = list[0].on_body;
    for (const Access& a : list) {
      if (a.on_body == on_body) continue;
      m_diags.error(list[0].loc, "tile '" + tile + "' is used in more than one 'on' block (or "
                                 "also outside one): each core type has its own buffers");
      return;
    }
    std::set<isa::Pipe> writers;
    for (const Access& a : list)
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

  // Tiles `first` and `second` share bytes and `first` is used before `second` (buffer
  // allocation found their live ranges disjoint): every pipe's last access of `first` is
  // ordered before the first write of `second` by another pipe (the reads of `second` follow
  // its writes through its own flags). In a loop body the two alternate, so the wrap-around
  // direction is ordered too.
  void shared_bytes(const std::string& a, const std::vector<Access>& a_list, const std::string& b,
                    const std::vector<Access>& b_list) {
    std::vector<Access> both = a_list;
    both.insert(both.end(), b_list.begin(), b_list.end());
    size_t depth = common_depth(both, 0);
    Body* home = both[0].path[depth].first;
    auto span = [&](const std::vector<Access>& list) {
      std::pair<size_t, size_t> s{SIZE_MAX, 0};
      for (const Access& x : list) {
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
    const std::vector<Access>& before = a_first ? a_list : b_list;
    const std::vector<Access>& after = a_first ? b_list : a_list;
    Body* scope = both[0].on_body ? both[0].on_body : m_tree.root();
    size_t n = home->size();
    order_pair(before, after, depth, home, n, 0, scope);
    if (m_loop_bodies.count(home)) order_pair(after, before, depth, home, n, n, scope);
  }

 private:
  // `first`'s last access by each pipe Q before `second`'s first write by each other pipe P;
  // `shift` = n puts the writes in the next execution of home.
  void order_pair(const std::vector<Access>& first, const std::vector<Access>& second,
                  size_t depth, Body* home, size_t n, size_t shift, Body* scope) {
    std::map<isa::Pipe, size_t> last_access, first_write;
    for (const Access& x : first) {
      size_t i = x.path[depth].second;
      auto it = last_access.find(x.pipe);
      if (it == last_access.end() || it->second < i) last_access[x.pipe] = i;
    }
    for (const Access& x : second) {
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
  void order(const std::string& tile, const std::vector<Access>& list, size_t from,
             isa::Pipe writer, Body* scope, const std::string& chain_of_caller) {
    size_t depth = common_depth(list, from);
    Body* home = list[0].path[depth].first;
    std::map<size_t, Entry> entries;
    for (const Access& a : list) {
      Entry& e = entries[a.path[depth].second];
      e.index = a.path[depth].second;
      if (a.write) e.write = true;
      else if (a.pipe != writer) e.readers.insert(a.pipe);
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
        std::vector<Access> sub;
        for (const Access& a : list)
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
      m_diags.error(list[0].loc, "tile '" + tile + "' is read before it is written");
      return;
    }
    // Runs of writes and reads, in order.
    struct Run {
      bool write;
      std::vector<Entry> entries;
    };
    std::vector<Run> runs;
    for (auto& [i, e] : entries) {
      bool w = e.write;
      if (runs.empty() || runs.back().write != w) runs.push_back({w, {}});
      runs.back().entries.push_back(e);
    }
    bool cyclic = m_loop_bodies.count(home) > 0;
    size_t n = home->size();
    if (runs.back().write) {
      if (cyclic) {
        m_diags.error(list[0].loc, "tile '" + tile + "' is written at the end of a loop body and "
                                   "read at its start: not supported");
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
        m_requests.push_back(
            {home, n, writer, q, last_write, first_read, false, slot, scope, link(":raw")});
        m_requests.push_back(
            {home, n, q, writer, last_read, next_write, true, slot, scope, link(":war")});
      }
    }
  }

  const BodyTree& m_tree;
  const std::set<Body*>& m_loop_bodies;
  DiagnosticList& m_diags;
  std::vector<Request> m_requests;
};

// Merges requests of one pipe pair in one body and one tile slot whose intervals overlap.
std::vector<Request> merge(std::vector<Request> requests) {
  std::vector<Request> merged;
  std::stable_sort(requests.begin(), requests.end(), [](const Request& a, const Request& b) {
    return a.wait_before < b.wait_before;
  });
  for (const Request& r : requests) {
    bool done = false;
    for (Request& m : merged) {
      if (m.home != r.home || m.src != r.src || m.dst != r.dst || m.slot != r.slot) continue;
      size_t s = std::max(m.set_after, r.set_after);
      size_t w = std::min(m.wait_before, r.wait_before);
      if (s < w) {
        m.set_after = s;
        m.wait_before = w;
        m.token = m.wait_before >= m.n;
        m.chains.insert(m.chains.end(), r.chains.begin(), r.chains.end());
        done = true;
        break;
      }
    }
    if (!done) {
      Request c = r;
      c.token = c.wait_before >= c.n;
      merged.push_back(c);
    }
  }
  return merged;
}

// One event id: the merged requests that share it (the tokens of one chain) and where its
// tokens' first set and last wait go.
struct Flag {
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

// Insertions at one statement of a body, in the order they are emitted. Before it: link waits
// (scalar), first sets of anchored tokens, waits, link sets. After it: link waits, sets, last
// waits of anchored tokens, link sets.
struct Slots {
  std::vector<SyncStmt> lists[8];
};
enum SlotList : int {
  kBeforeLinkWait, kBeforeTokenSet, kBeforeWait, kBeforeLinkSet,
  kAfterLinkWait, kAfterSet, kAfterTokenWait, kAfterLinkSet
};

}  // namespace

void insert_syncs(Kernel& kernel, const config::ChipConfig& chip) {
  if (kernel.syncs_inserted) return;
  unshare(kernel.body);
  std::map<std::string, std::vector<Access>> accesses;
  std::vector<std::pair<Body*, size_t>> path;
  std::vector<std::string> bias_tiles;
  for (const Tile& t : kernel.tiles)
    if (t.buffer == isa::Buffer::kBt) bias_tiles.push_back(t.name);
  collect(kernel.body, path, nullptr, bias_tiles, accesses);
  BodyTree tree(kernel.body);

  std::set<Body*> loop_bodies;
  std::vector<Body*> stack{&kernel.body};
  while (!stack.empty()) {
    Body* b = stack.back();
    stack.pop_back();
    for (Stmt& s : *b) {
      if (s.kind == Stmt::Kind::kLoop) {
        loop_bodies.insert(&s.loop->body);
        stack.push_back(&s.loop->body);
      } else if (s.kind == Stmt::Kind::kIf) {
        stack.push_back(&s.when->body);
      } else if (s.kind == Stmt::Kind::kOn) {
        stack.push_back(&s.on->body);
      }
    }
  }

  DiagnosticList diags;
  RequestBuilder builder(tree, loop_bodies, diags);
  for (auto& [tile, list] : accesses) builder.tile_slot(tile, list);
  diags.throw_if_any();

  // Tiles of one buffer placed on common bytes (disjoint live ranges).
  std::map<std::string, std::vector<Access>> by_tile;
  for (auto& [key, list] : accesses) {
    auto& all = by_tile[key.substr(0, key.rfind('.'))];
    all.insert(all.end(), list.begin(), list.end());
  }
  for (size_t i = 0; i < kernel.tiles.size(); ++i) {
    const Tile& a = kernel.tiles[i];
    if (!a.offset || !by_tile.count(a.name)) continue;
    for (size_t j = i + 1; j < kernel.tiles.size(); ++j) {
      const Tile& b = kernel.tiles[j];
      if (!b.offset || b.buffer != a.buffer || !by_tile.count(b.name)) continue;
      auto extent = [&](const Tile& t) {
        uint64_t align = std::max<uint64_t>(1, buffer_align(chip, t.buffer));
        uint64_t slot = (t.bytes + align - 1) / align * align;
        return std::pair<uint64_t, uint64_t>{*t.offset,
                                             *t.offset + (t.double_buffered ? 2 * slot : t.bytes)};
      };
      auto [alo, ahi] = extent(a);
      auto [blo, bhi] = extent(b);
      if (ahi <= blo || bhi <= alo) continue;
      const auto& al = by_tile[a.name];
      const auto& bl = by_tile[b.name];
      // Different core types have their own buffers on split chips.
      if (al[0].on_body != bl[0].on_body && chip.split()) continue;
      builder.shared_bytes(a.name, al, b.name, bl);
    }
  }
  diags.throw_if_any();

  std::vector<Request> merged = merge(std::move(builder.requests()));

  // Flags: the merged requests, those of one token chain joined.
  std::vector<size_t> flag_of(merged.size());
  std::vector<Flag> flags;
  {
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
      Flag& f = flags[it->second];
      // One id for flags that are pending at once in one body would not alternate sets and
      // waits (a token wraps: it is also pending at the start of the next execution).
      const Request& r = merged[m];
      for (size_t other : f.members) {
        const Request& o = merged[other];
        auto overlap = [](int64_t s1, int64_t w1, int64_t s2, int64_t w2) {
          return std::max(s1, s2) < std::min(w1, w2);
        };
        auto busy = [&](const Request& x, const Request& y) {
          auto sx = static_cast<int64_t>(x.set_after), wx = static_cast<int64_t>(x.wait_before);
          auto sy = static_cast<int64_t>(y.set_after), wy = static_cast<int64_t>(y.wait_before);
          auto n = static_cast<int64_t>(x.n);
          return overlap(sx, wx, sy, wy) || overlap(sx - n, wx - n, sy, wy) ||
                 overlap(sx, wx, sy - n, wy - n);
        };
        if (o.token != r.token || (o.home == r.home && busy(o, r)))
          throw UserError("kernel '" + kernel.name + "': the WAR tokens of a tile used in "
                          "nested loops are merged differently with other flags in different "
                          "places; sync insertion cannot give them one event id");
      }
      f.members.push_back(m);
      flag_of[m] = it->second;
    }
  }

  // Event ids. A pipe pair with no more flags than ids gives each its own, tokens set in the
  // prologue and waited in the epilogue (the pipes run ahead across loops). Otherwise ids are
  // reused (event_ids.h): tokens go around their outermost loop, and reuse is linked.
  std::map<std::pair<isa::Pipe, isa::Pipe>, std::vector<size_t>> by_pair;
  for (size_t f = 0; f < flags.size(); ++f) by_pair[{flags[f].src, flags[f].dst}].push_back(f);
  std::map<Body*, std::map<size_t, Slots>> inserts;
  auto put = [&](Body* body, size_t index, SlotList list, const SyncStmt& s) {
    inserts[body][index].lists[list].push_back(s);
  };
  struct Point {
    Body* body;
    size_t index;
    bool after;  // after statement `index` (else before it)
    int order;   // program-order point
  };
  struct Link {
    isa::Pipe pipe;  // the waiting pipe of the reused flag
    Point set, wait;
  };
  std::vector<Link> links;
  auto too_many = [&](isa::Pipe src, isa::Pipe dst, const char* how) {
    return UserError("kernel '" + kernel.name + "' needs more than " +
                     std::to_string(chip.pipes.event_ids) + " event ids for " +
                     std::string(isa::name(src)) + " -> " + std::string(isa::name(dst)) + how +
                     " (pipes.event_ids of chip '" + chip.name + "')");
  };
  for (auto& [pair, list] : by_pair) {
    if (list.size() <= chip.pipes.event_ids) {
      for (size_t i = 0; i < list.size(); ++i) flags[list[i]].id = static_cast<int>(i);
      continue;
    }
    // Lifetimes: first set and last wait of each flag, as program-order points.
    std::vector<FlagLife> lives;
    std::vector<std::pair<Point, Point>> ends;  // (first set, last wait) per flag of the pair
    std::vector<size_t> kept;
    for (size_t f : list) {
      Flag& flag = flags[f];
      flag.reuse = true;
      std::optional<Point> first, last;
      std::vector<const void*> loops;
      auto widen = [&](Point set, Point wait) {
        if (!first || set.order < first->order) first = set;
        if (!last || wait.order > last->order) last = wait;
        auto l = tree.loops(set.body);
        loops.insert(loops.end(), l.begin(), l.end());
      };
      for (size_t m : flag.members) {
        const Request& r = merged[m];
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
          flag.dropped = true;  // its home runs once: no next write to order
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
    std::optional<EventIdPlan> plan =
        plan_event_ids(lives, chip.pipes.event_ids, pair.second == isa::Pipe::kS);
    if (!plan) throw too_many(pair.first, pair.second, " at once");
    for (size_t i = 0; i < kept.size(); ++i) flags[kept[i]].id = plan->ids[i];
    for (auto [earlier, later] : plan->links) {
      // The scalar unit waits for the waiting pipe's last wait of `earlier` before it issues
      // the first set of `later`; both are hoisted to the deepest body holding the two.
      Point w = ends[earlier].second, s = ends[later].first;
      Body* c = tree.common(w.body, s.body);
      if (w.body != c) w = {c, tree.holder(c, w.body), true, 0};
      if (s.body != c) s = {c, tree.holder(c, s.body), false, 0};
      w.order = w.after ? tree.after(c, w.index) : tree.before(c, w.index);
      s.order = s.after ? tree.after(c, s.index) : tree.before(c, s.index);
      links.push_back({pair.second, w, s});
    }
  }

  // Link flags (waiting pipe -> scalar): ids of their own pipe pair, reused freely.
  std::map<isa::Pipe, std::vector<size_t>> links_by_pipe;
  for (size_t l = 0; l < links.size(); ++l) links_by_pipe[links[l].pipe].push_back(l);
  for (auto& [pipe, list] : links_by_pipe) {
    std::vector<FlagLife> lives;
    for (size_t l : list) lives.push_back({links[l].set.order, links[l].wait.order, {}, nullptr});
    std::optional<EventIdPlan> plan = plan_event_ids(lives, chip.pipes.event_ids, true);
    if (!plan) throw too_many(pipe, isa::Pipe::kS, " at once");
    for (size_t i = 0; i < list.size(); ++i) {
      const Link& link = links[list[i]];
      SyncStmt set{false, pipe, isa::Pipe::kS, plan->ids[i]};
      SyncStmt wait{true, pipe, isa::Pipe::kS, plan->ids[i]};
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
    const Request& r = merged[m];
    const Flag& flag = flags[flag_of[m]];
    if (flag.dropped) continue;
    SyncStmt set{false, r.src, r.dst, flag.id};
    SyncStmt wait{true, r.src, r.dst, flag.id};
    put(r.home, r.set_after, kAfterSet, set);
    put(r.home, r.wait_before % r.n, kBeforeWait, wait);
    if (!r.token || !tokens_placed.insert(flag_of[m]).second) continue;
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
  kernel.syncs_inserted = true;
}

}  // namespace npu::compiler
