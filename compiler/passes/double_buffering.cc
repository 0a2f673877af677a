// Double buffering by unroll-by-two (see double_buffering.h).
#include "compiler/passes/double_buffering.h"

#include <set>

namespace npu::compiler {
namespace {

bool uses_unassigned(const Body& body, const std::set<std::string>& doubles) {
  for (const Stmt& s : body) {
    if (s.kind == Stmt::Kind::kOp) {
      for (const Operand& o : s.op.operands)
        if (o.kind == OperandKind::kTile && o.slot < 0 && doubles.count(o.name)) return true;
    } else if (s.kind == Stmt::Kind::kLoop) {
      if (uses_unassigned(s.loop->body, doubles)) return true;
    } else if (s.kind == Stmt::Kind::kIf) {
      if (uses_unassigned(s.when->body, doubles)) return true;
    } else if (s.kind == Stmt::Kind::kOn) {
      if (uses_unassigned(s.on->body, doubles)) return true;
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

void transform(Body& body, const std::set<std::string>& doubles) {
  for (Stmt& s : body) {
    if (s.kind == Stmt::Kind::kIf) {
      transform(s.when->body, doubles);
      continue;
    }
    if (s.kind == Stmt::Kind::kOn) {
      s.on = std::make_shared<OnStmt>(*s.on);
      transform(s.on->body, doubles);
      continue;
    }
    if (s.kind != Stmt::Kind::kLoop) continue;
    LoopStmt& loop = *s.loop;
    // Innermost first: a double-buffered tile belongs to the innermost loop that uses it.
    transform(loop.body, doubles);
    if (loop.parallel || !uses_unassigned(loop.body, doubles)) continue;
    const std::string& v = loop.var;
    Body even = loop.body;
    substitute_var(even, v, v, 2, 0);
    set_slots(even, doubles, 0);
    Body next;
    for (Stmt& e : even) next.push_back(std::move(e));
    if (loop.count > 1) {
      Body odd = loop.body;
      substitute_var(odd, v, v, 2, 1);
      set_slots(odd, doubles, 1);
      Condition c;
      c.lhs.add(v, 2);
      c.lhs.constant = 1;
      c.op = Condition::Op::kLt;
      c.rhs = loop.count;
      if (loop.count % 2 == 0) {
        for (Stmt& o : odd) next.push_back(std::move(o));
      } else {
        next.push_back(make_if(c, std::move(odd)));
      }
    }
    loop.body = std::move(next);
    loop.count = (loop.count + 1) / 2;
  }
}

}  // namespace

void double_buffer(Kernel& kernel) {
  std::set<std::string> doubles;
  for (const Tile& t : kernel.tiles)
    if (t.double_buffered) doubles.insert(t.name);
  if (doubles.empty()) return;
  transform(kernel.body, doubles);
  set_slots(kernel.body, doubles, 0);
}

}  // namespace npu::compiler
