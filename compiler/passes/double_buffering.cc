// Double buffering by unroll-by-two (see double_buffering.h).
#include "compiler/passes/double_buffering.h"

#include <cstddef>
#include <functional>
#include <iterator>
#include <optional>
#include <set>
#include <utility>

#include "base/diagnostic.h"

#include "compiler/passes/op_operands.h"

namespace npu::compiler {
namespace {

bool uses_unassigned(const Body& body, const std::set<std::string>& doubles) {
  for (const Stmt& s : body) {
    if (s.kind == Stmt::Kind::kOp) {
      for (const Operand& o : s.op.operands)
        if (o.kind == OperandKind::kTile && o.slot < 0 && doubles.count(o.name)) return true;
    } else if (const Body* inner = s.nested_body()) {
      if (uses_unassigned(*inner, doubles)) return true;
    }
  }
  return false;
}

// Applies `fn` to every tile operand of every op in `body` (nested bodies copied first: copies
// made by unrolling share them).
void for_each_tile_operand(Body& body, const std::function<void(Operand&)>& fn) {
  for (Stmt& s : body) {
    if (s.kind == Stmt::Kind::kOp) {
      for (Operand& o : s.op.operands)
        if (o.kind == OperandKind::kTile) fn(o);
    } else if (s.kind == Stmt::Kind::kLoop) {
      s.loop = std::make_shared<LoopStmt>(*s.loop);
      for_each_tile_operand(s.loop->body, fn);
    } else if (s.kind == Stmt::Kind::kIf) {
      s.when = std::make_shared<IfStmt>(*s.when);
      for_each_tile_operand(s.when->body, fn);
    } else if (s.kind == Stmt::Kind::kOn) {
      s.on = std::make_shared<OnStmt>(*s.on);
      for_each_tile_operand(s.on->body, fn);
    }
  }
}

void set_slots(Body& body, const std::set<std::string>& doubles, int slot) {
  for_each_tile_operand(body, [&](Operand& o) {
    if (o.slot < 0 && doubles.count(o.name)) o.slot = slot;
  });
}

// The first op of `body` (in program order, nested bodies included) with an unassigned operand
// naming `tile`: whether it only reads the tile, and where it is. nullopt if there is none.
std::optional<std::pair<bool, SourceLocation>> first_use(const Body& body,
                                                        const std::string& tile) {
  for (const Stmt& s : body) {
    if (s.kind == Stmt::Kind::kOp) {
      std::optional<bool> reads_only;
      for (size_t i = 0; i < s.op.operands.size(); ++i) {
        const Operand& o = s.op.operands[i];
        if (o.kind != OperandKind::kTile || o.slot >= 0 || o.name != tile) continue;
        reads_only = reads_only.value_or(true) && !operand_written(s.op, i);
      }
      if (reads_only) return std::make_pair(*reads_only, s.loc);
      continue;
    }
    const Body* inner = s.nested_body();
    if (!inner) continue;
    if (auto use = first_use(*inner, tile)) return use;
  }
  return std::nullopt;
}

void transform(Body& body, const std::set<std::string>& doubles, DiagnosticList& diags) {
  for (Stmt& s : body) {
    if (s.kind == Stmt::Kind::kIf) {
      transform(s.when->body, doubles, diags);
      continue;
    }
    if (s.kind == Stmt::Kind::kOn) {
      s.on = std::make_shared<OnStmt>(*s.on);
      transform(s.on->body, doubles, diags);
      continue;
    }
    if (s.kind != Stmt::Kind::kLoop) continue;
    LoopStmt& loop = *s.loop;
    // Innermost first: a double-buffered tile belongs to the innermost loop that uses it.
    transform(loop.body, doubles, diags);
    if (loop.parallel || !uses_unassigned(loop.body, doubles)) continue;
    // A tile read at the start of the body and written later in it is a prefetch for the next
    // iteration: its slot would have to alternate between the write and the next read, which
    // the even / odd copies do not do.
    bool prefetched = false;
    for (const std::string& tile : doubles) {
      auto use = first_use(loop.body, tile);
      if (!use || !use->first) continue;
      diags.error(use->second, "double-buffered tile '" + tile + "' is read at the start of a "
                               "loop body before it is written there (a prefetch for the next "
                               "iteration): a prefetched tile cannot be double-buffered");
      prefetched = true;
    }
    if (!prefetched) unroll_by_two(loop, doubles);
  }
}

// An op that writes one of `tiles` and touches no other tile, or an if holding only such ops.
bool is_load_of(const Stmt& s, const std::set<std::string>& tiles) {
  if (s.kind == Stmt::Kind::kIf) {
    for (const Stmt& inner : s.when->body)
      if (!is_load_of(inner, tiles)) return false;
    return !s.when->body.empty();
  }
  if (s.kind != Stmt::Kind::kOp) return false;
  bool writes = false;
  for (size_t i = 0; i < s.op.operands.size(); ++i) {
    const Operand& o = s.op.operands[i];
    if (o.kind != OperandKind::kTile) continue;
    if (!tiles.count(o.name) || !operand_written(s.op, i)) return false;
    writes = true;
  }
  return writes;
}

// The names the top level of `body` defines with let.
std::set<std::string> let_names(const Body& body) {
  std::set<std::string> out;
  for (const Stmt& s : body)
    if (s.kind == Stmt::Kind::kLet) out.insert(s.let.name);
  return out;
}

}  // namespace

void unroll_by_two(LoopStmt& loop, const std::set<std::string>& tiles, bool early_loads) {
  const std::string& v = loop.var;
  Body even = loop.body;
  substitute_var(even, v, v, 2, 0);
  set_slots(even, tiles, 0);
  Body next;
  for (Stmt& e : even) next.push_back(std::move(e));
  if (loop.count > 1) {
    Body odd = loop.body;
    substitute_var(odd, v, v, 2, 1);
    set_slots(odd, tiles, 1);
    for (const std::string& name : let_names(odd)) {
      for (Stmt& s : odd)
        if (s.kind == Stmt::Kind::kLet && s.let.name == name) s.let.name = name + "_odd";
      substitute_var(odd, name, name + "_odd", 1, 0);
    }
    Condition c;
    c.lhs.add(v, 2);
    c.lhs.constant = 1;
    c.op = Condition::Op::kLt;
    c.rhs = loop.count;
    if (early_loads) {
      // After the even copy's last load: the odd lets, then the odd loads (guarded when the
      // count is odd; the lets are harmless to compute either way).
      size_t at = 0;
      for (size_t i = 0; i < next.size(); ++i)
        if (is_load_of(next[i], tiles)) at = i + 1;
      Body lets, loads, rest;
      for (Stmt& o : odd) {
        if (o.kind == Stmt::Kind::kLet) lets.push_back(std::move(o));
        else if (is_load_of(o, tiles)) loads.push_back(std::move(o));
        else rest.push_back(std::move(o));
      }
      odd = std::move(rest);
      if (loop.count % 2 != 0 && !loads.empty()) {
        Body guarded;
        guarded.push_back(make_if(c, std::move(loads)));
        loads = std::move(guarded);
      }
      for (Stmt& l : loads) lets.push_back(std::move(l));
      next.insert(next.begin() + static_cast<std::ptrdiff_t>(at),
                  std::make_move_iterator(lets.begin()), std::make_move_iterator(lets.end()));
    }
    if (loop.count % 2 == 0) {
      for (Stmt& o : odd) next.push_back(std::move(o));
    } else {
      next.push_back(make_if(c, std::move(odd)));
    }
  }
  loop.body = std::move(next);
  loop.count = (loop.count + 1) / 2;
}

namespace {

// One item's copy of a loop body: its lets, its loads of the tile, the rest.
struct ItemCopy {
  Body lets, loads, rest;
};

// The copy of `body` for the item `item` (affine in the new loop variables): `let VAR_sfx =
// item`, the body's lets renamed NAME_sfx, `tile` renamed `to`.
ItemCopy item_copy(const Body& body, const std::string& var, const Affine& item,
                   const std::string& sfx, const std::string& tile, const std::string& to) {
  Body b = body;
  substitute_var(b, var, var + sfx, 1, 0);
  for (const std::string& name : let_names(b)) {
    for (Stmt& s : b)
      if (s.kind == Stmt::Kind::kLet && s.let.name == name) s.let.name = name + sfx;
    substitute_var(b, name, name + sfx, 1, 0);
  }
  for_each_tile_operand(b, [&](Operand& o) {
    if (o.name == tile) o.name = to;
  });
  ItemCopy out;
  out.lets.push_back(make_let(var + sfx, item, false, 1));
  for (Stmt& s : b) {
    if (s.kind == Stmt::Kind::kLet) out.lets.push_back(std::move(s));
    else if (is_load_of(s, {to})) out.loads.push_back(std::move(s));
    else out.rest.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Stmt prefetch_by_two(const std::string& var, int64_t count, const Body& body,
                     const std::string& tile, int64_t cores, const Body& first_pair) {
  const std::string core = var + "_core", pair = var + "_pair";
  Affine pair_var;
  pair_var.add(pair, 1);
  const int64_t per_core = (count + cores - 1) / cores, pairs = (per_core + 1) / 2;
  // Item k of pair p on core c: c + cores * (2p + k), k = 0 (even), 1 (odd), 2 (next even).
  const auto item = [&](int64_t k) {
    Affine a;
    a.add(core, 1).add(pair, 2 * cores);
    a.constant = k * cores;
    return a;
  };
  // Its statements, under `if item < count` unless every core has every odd item (then it has
  // every even one too). Even and odd items are guarded alike: sync insertion gives the tokens
  // of a tile read in both (a bias) one id only when both sit at the same depth.
  const bool all_there = cores - 1 + cores * (2 * pairs - 1) < count;
  const auto guarded = [&](int64_t k, Body stmts, Body& into) {
    if (stmts.empty()) return;
    if (k < 2 && all_there) {
      for (Stmt& s : stmts) into.push_back(std::move(s));
      return;
    }
    into.push_back(make_if(Condition{item(k), Condition::Op::kLt, count}, std::move(stmts)));
  };
  const std::string a = tile + "_a", b = tile + "_b";
  Body with_first_pair = first_pair;
  with_first_pair.insert(with_first_pair.end(), body.begin(), body.end());
  ItemCopy even = item_copy(with_first_pair, var, item(0), "", tile, a);
  ItemCopy odd = item_copy(body, var, item(1), "_odd", tile, b);
  ItemCopy next = item_copy(body, var, item(2), "_next", tile, a);
  Body loop;
  for (Stmt& s : even.lets) loop.push_back(std::move(s));
  for (Stmt& s : odd.lets) loop.push_back(std::move(s));
  // first_pair (no lets, no loads of the tile: the first statements of the even item's rest),
  // in the first pair only.
  if (!first_pair.empty()) {
    const auto end = even.rest.begin() + static_cast<std::ptrdiff_t>(first_pair.size());
    Body once(std::make_move_iterator(even.rest.begin()), std::make_move_iterator(end));
    even.rest.erase(even.rest.begin(), end);
    // One `if` each: sync insertion orders statements of the loop body, so each piece gets a
    // flag of its own and its readers wait for it alone.
    for (Stmt& st : once) {
      Body one;
      one.push_back(std::move(st));
      loop.push_back(make_if(Condition{pair_var, Condition::Op::kEq, 0}, std::move(one)));
    }
  }
  guarded(1, std::move(odd.loads), loop);
  guarded(0, std::move(even.rest), loop);
  // The next item's lets inside its guard: a let holds a register to the end of its body.
  for (Stmt& s : next.loads) next.lets.push_back(std::move(s));
  guarded(2, std::move(next.lets), loop);
  guarded(1, std::move(odd.rest), loop);

  Affine first;
  first.add(core, 1);
  ItemCopy head = item_copy(body, var, first, "_first", tile, a);
  Body first_item = std::move(head.lets);
  for (Stmt& s : head.loads) first_item.push_back(std::move(s));
  // In an `if` (its lets' registers are free again for the loop), which holds unless the
  // core has no item at all (more cores than items).
  Body per_core_body;
  per_core_body.push_back(
      make_if(Condition{first, Condition::Op::kLt, count}, std::move(first_item)));
  per_core_body.push_back(make_loop(pair, pairs, false, std::move(loop)));
  return make_loop(core, cores, true, std::move(per_core_body));
}

void double_buffer(Kernel& kernel) {
  std::set<std::string> doubles;
  for (const Tile& t : kernel.tiles)
    if (t.double_buffered) doubles.insert(t.name);
  if (doubles.empty()) return;
  DiagnosticList diags;
  transform(kernel.body, doubles, diags);
  diags.throw_if_any();
  set_slots(kernel.body, doubles, 0);
}

}  // namespace npu::compiler
