// Double buffering by unroll-by-two (see double_buffering.h).
#include "compiler/passes/double_buffering.h"

#include <cstddef>
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

void set_slots(Body& body, const std::set<std::string>& doubles, int slot) {
  for (Stmt& s : body) {
    if (s.kind == Stmt::Kind::kOp) {
      for (Operand& o : s.op.operands)
        if (o.kind == OperandKind::kTile && o.slot < 0 && doubles.count(o.name)) o.slot = slot;
    } else if (s.kind == Stmt::Kind::kLoop) {
      s.loop = std::make_shared<LoopStmt>(*s.loop);
      set_slots(s.loop->body, doubles, slot);
    } else if (s.kind == Stmt::Kind::kIf) {
      s.when = std::make_shared<IfStmt>(*s.when);
      set_slots(s.when->body, doubles, slot);
    } else if (s.kind == Stmt::Kind::kOn) {
      s.on = std::make_shared<OnStmt>(*s.on);
      set_slots(s.on->body, doubles, slot);
    }
  }
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
