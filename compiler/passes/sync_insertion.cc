// Sync insertion (see sync_insertion.h).
#include "compiler/passes/sync_insertion.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/error.h"

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

struct Request {
  Body* home;
  size_t n;            // statements in home
  isa::Pipe src, dst;
  size_t set_after;    // index in home
  size_t wait_before;  // index in home; >= n: in the next execution (index - n)
  bool token;
  int slot;  // the tile slot: ping and pong flags stay apart so the slots overlap
  Body* on_body;  // tokens are set / waited at the start / end of this `on` block (or kernel)
};

struct Entry {
  size_t index;
  bool write = false;
  std::set<isa::Pipe> readers;  // pipes other than the writer
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
  std::vector<Request> requests;
  for (auto& [tile, list] : accesses) {
    // Home: deepest body common to every access path.
    size_t depth = 0;
    for (;;) {
      bool same = true;
      for (const Access& a : list)
        if (a.path.size() <= depth + 1 || a.path[depth].first != list[0].path[depth].first ||
            a.path[depth].second != list[0].path[depth].second)
          same = false;
      if (!same) break;
      ++depth;
    }
    Body* home = list[0].path[depth].first;
    Body* on_body = list[0].on_body;
    bool one_core_type = true;
    for (const Access& a : list) one_core_type = one_core_type && a.on_body == on_body;
    if (!one_core_type) {
      diags.error(list[0].loc, "tile '" + tile + "' is used in more than one 'on' block (or also "
                               "outside one): each core type has its own buffers");
      continue;
    }
    std::set<isa::Pipe> writers;
    for (const Access& a : list)
      if (a.write) writers.insert(a.pipe);
    if (writers.size() != 1) {
      diags.error(list[0].loc, "tile '" + tile + "' " +
                                   (writers.empty() ? "is never written"
                                                    : "is written by more than one pipe") +
                                   ": sync insertion needs one writer pipe per tile");
      continue;
    }
    isa::Pipe writer = *writers.begin();
    std::map<size_t, Entry> entries;
    for (const Access& a : list) {
      Entry& e = entries[a.path[depth].second];
      e.index = a.path[depth].second;
      if (a.write) e.write = true;
      else if (a.pipe != writer) e.readers.insert(a.pipe);
    }
    bool any_reader = false;
    for (auto& [i, e] : entries) {
      if (!e.readers.empty()) any_reader = true;
      if (e.write && !e.readers.empty() && (*home)[i].kind != Stmt::Kind::kOp) {
        diags.error(list[0].loc, "tile '" + tile + "' is written and read by different pipes "
                                 "inside one nested loop that also has accesses outside it");
      }
    }
    if (!any_reader) continue;
    if (!entries.begin()->second.write) {
      diags.error(list[0].loc, "tile '" + tile + "' is read before it is written");
      continue;
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
    bool cyclic = loop_bodies.count(home) > 0;
    size_t n = home->size();
    if (runs.back().write) {
      if (cyclic) {
        diags.error(list[0].loc, "tile '" + tile + "' is written at the end of a loop body and "
                                 "read at its start: not supported");
        continue;
      }
      runs.pop_back();  // dead trailing writes need no sync
    }
    for (size_t r = 0; r + 1 < runs.size() + 1; r += 2) {
      if (r + 1 >= runs.size()) break;
      const Run& w = runs[r];
      const Run& rd = runs[r + 1];
      size_t last_write = w.entries.back().index;
      std::set<isa::Pipe> pipes;
      for (const Entry& e : rd.entries) pipes.insert(e.readers.begin(), e.readers.end());
      // The write run after these reads: the next one, or the first one again next time.
      bool wraps = r + 2 >= runs.size();
      size_t next_write = wraps ? runs[0].entries.front().index + n : runs[r + 2].entries.front().index;
      for (isa::Pipe q : pipes) {
        size_t first_read = 0, last_read = 0;
        bool found = false;
        for (const Entry& e : rd.entries) {
          if (!e.readers.count(q)) continue;
          if (!found) first_read = e.index;
          last_read = e.index;
          found = true;
        }
        int slot = tile.back() == '1' ? 1 : 0;
        requests.push_back({home, n, writer, q, last_write, first_read, false, slot, on_body});
        requests.push_back({home, n, q, writer, last_read, next_write, true, slot, on_body});
      }
    }
  }
  diags.throw_if_any();

  // Merge overlapping requests of one pipe pair in one body.
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

  // Event ids: one per flag and pipe pair.
  std::map<std::pair<isa::Pipe, isa::Pipe>, int> next_id;
  struct Insert {
    std::vector<SyncStmt> before;  // waits
    std::vector<SyncStmt> after;   // sets
  };
  std::map<Body*, std::map<size_t, Insert>> inserts;
  std::map<Body*, Insert> on_tokens;  // per `on` block: token sets first, token waits last
  for (const Request& m : merged) {
    int id = next_id[{m.src, m.dst}]++;
    if (static_cast<uint64_t>(id) >= chip.pipes.event_ids)
      throw UserError("kernel '" + kernel.name + "' needs more than " +
                      std::to_string(chip.pipes.event_ids) + " event ids for " +
                      std::string(isa::name(m.src)) + " -> " + std::string(isa::name(m.dst)) +
                      " (pipes.event_ids of chip '" + chip.name + "')");
    SyncStmt set{false, m.src, m.dst, id};
    SyncStmt wait{true, m.src, m.dst, id};
    inserts[m.home][m.set_after].after.push_back(set);
    inserts[m.home][m.wait_before % m.n].before.push_back(wait);
    if (m.wait_before >= m.n && m.on_body) {
      on_tokens[m.on_body].after.push_back(set);
      on_tokens[m.on_body].before.push_back(wait);
    } else if (m.wait_before >= m.n) {
      kernel.prologue.push_back(set);
      kernel.epilogue.push_back(wait);
    }
  }
  for (auto& [home, at] : inserts) {
    Body out;
    for (size_t i = 0; i < home->size(); ++i) {
      auto it = at.find(i);
      if (it != at.end())
        for (const SyncStmt& s : it->second.before) out.push_back(make_sync(s));
      out.push_back((*home)[i]);
      if (it != at.end())
        for (const SyncStmt& s : it->second.after) out.push_back(make_sync(s));
    }
    *home = std::move(out);
  }
  for (auto& [on_body, tokens] : on_tokens) {
    Body out;
    for (const SyncStmt& s : tokens.after) out.push_back(make_sync(s));
    for (Stmt& s : *on_body) out.push_back(std::move(s));
    for (const SyncStmt& s : tokens.before) out.push_back(make_sync(s));
    *on_body = std::move(out);
  }
  kernel.syncs_inserted = true;
}

}  // namespace npu::compiler
