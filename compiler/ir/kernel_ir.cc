// Kernel IR helpers: constructors, comparisons and variable substitution.
#include "compiler/ir/kernel_ir.h"

#include <algorithm>

namespace npu::compiler {

Affine& Affine::add(const std::string& var, int64_t coef) {
  if (coef == 0) return *this;
  for (auto it = terms.begin(); it != terms.end(); ++it) {
    if (it->first == var) {
      it->second += coef;
      if (it->second == 0) terms.erase(it);
      return *this;
    }
  }
  terms.emplace_back(var, coef);
  return *this;
}

Affine Affine::substituted(const std::string& var, const std::string& new_var, int64_t scale,
                           int64_t offset) const {
  Affine out;
  out.constant = constant;
  for (const auto& [name, coef] : terms) {
    if (name == var) {
      out.add(new_var, coef * scale);
      out.constant += coef * offset;
    } else {
      out.add(name, coef);
    }
  }
  return out;
}

bool LoopStmt::operator==(const LoopStmt& o) const {
  return var == o.var && count == o.count && parallel == o.parallel && body == o.body;
}

bool IfStmt::operator==(const IfStmt& o) const { return cond == o.cond && body == o.body; }

bool OnStmt::operator==(const OnStmt& o) const {
  return cores == o.cores && sub_var == o.sub_var && body == o.body;
}

const Body* Stmt::nested_body() const {
  switch (kind) {
    case Kind::kLoop:
      return &loop->body;
    case Kind::kIf:
      return &when->body;
    case Kind::kOn:
      return &on->body;
    default:
      return nullptr;
  }
}

bool Stmt::operator==(const Stmt& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kOp: return op == o.op;
    case Kind::kLoop: return *loop == *o.loop;
    case Kind::kLet: return let == o.let;
    case Kind::kIf: return *when == *o.when;
    case Kind::kSync: return sync == o.sync;
    case Kind::kOn: return *on == *o.on;
  }
  return false;
}

const Tile* Kernel::find_tile(const std::string& tile_name) const {
  for (const Tile& t : tiles)
    if (t.name == tile_name) return &t;
  return nullptr;
}

Tile* Kernel::find_tile(const std::string& tile_name) {
  for (Tile& t : tiles)
    if (t.name == tile_name) return &t;
  return nullptr;
}

int Kernel::find_arg(const std::string& arg_name) const {
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].name == arg_name) return static_cast<int>(i);
  return -1;
}

Stmt make_op(OpStmt op, SourceLocation loc) {
  Stmt s;
  s.kind = Stmt::Kind::kOp;
  s.op = std::move(op);
  s.loc = std::move(loc);
  return s;
}

Stmt make_loop(std::string var, int64_t count, bool parallel, Body body) {
  Stmt s;
  s.kind = Stmt::Kind::kLoop;
  s.loop = std::make_shared<LoopStmt>(LoopStmt{std::move(var), count, parallel, std::move(body)});
  return s;
}

Stmt make_let(std::string name, std::string var, bool remainder, int64_t divisor) {
  Affine of;
  of.add(var, 1);
  return make_let(std::move(name), std::move(of), remainder, divisor);
}

Stmt make_let(std::string name, Affine of, bool remainder, int64_t divisor) {
  Stmt s;
  s.kind = Stmt::Kind::kLet;
  s.let = LetStmt{std::move(name), std::move(of), remainder, divisor};
  return s;
}

Stmt make_if(Condition cond, Body body) {
  Stmt s;
  s.kind = Stmt::Kind::kIf;
  s.when = std::make_shared<IfStmt>(IfStmt{std::move(cond), std::move(body)});
  return s;
}

Stmt make_sync(bool wait, isa::Pipe src, isa::Pipe dst, int event) {
  return make_sync(SyncStmt{wait, src, dst, event, false, isa::CrossCoreMode::kAicAiv});
}

Stmt make_sync(const SyncStmt& sync) {
  Stmt s;
  s.kind = Stmt::Kind::kSync;
  s.sync = sync;
  return s;
}

Stmt make_on(CoreSelect cores, std::string sub_var, Body body) {
  Stmt s;
  s.kind = Stmt::Kind::kOn;
  s.on = std::make_shared<OnStmt>(OnStmt{cores, std::move(sub_var), std::move(body)});
  return s;
}

namespace {

void subst_value(Value& v, const std::string& var, const std::string& nv, int64_t scale,
                 int64_t offset) {
  if (v.cond) v.cond->lhs = v.cond->lhs.substituted(var, nv, scale, offset);
  Affine vars = v.vars.substituted(var, nv, scale, offset);
  v.value += vars.constant;  // a substituted offset becomes part of both alternatives
  v.other += vars.constant;
  vars.constant = 0;
  v.vars = std::move(vars);
}

}  // namespace

void substitute_var(Body& body, const std::string& var, const std::string& new_var,
                    int64_t scale, int64_t offset) {
  for (Stmt& s : body) {
    switch (s.kind) {
      case Stmt::Kind::kOp:
        for (Operand& o : s.op.operands) {
          o.address = o.address.substituted(var, new_var, scale, offset);
          subst_value(o.offset, var, new_var, scale, offset);
        }
        for (Field& f : s.op.fields) subst_value(f.value, var, new_var, scale, offset);
        break;
      case Stmt::Kind::kLoop: {
        // Deep copy: bodies are shared between copies made by unrolling.
        s.loop = std::make_shared<LoopStmt>(*s.loop);
        substitute_var(s.loop->body, var, new_var, scale, offset);
        break;
      }
      case Stmt::Kind::kIf:
        s.when = std::make_shared<IfStmt>(*s.when);
        s.when->cond.lhs = s.when->cond.lhs.substituted(var, new_var, scale, offset);
        substitute_var(s.when->body, var, new_var, scale, offset);
        break;
      case Stmt::Kind::kLet:
        s.let.of = s.let.of.substituted(var, new_var, scale, offset);
        break;
      case Stmt::Kind::kOn:
        s.on = std::make_shared<OnStmt>(*s.on);
        substitute_var(s.on->body, var, new_var, scale, offset);
        break;
      case Stmt::Kind::kSync: break;
    }
  }
}

}  // namespace npu::compiler
