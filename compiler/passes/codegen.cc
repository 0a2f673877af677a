// Scalar code generation and register allocation (see codegen.h).
#include "compiler/passes/codegen.h"

#include <map>
#include <sstream>
#include <vector>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/ir/nk_printer.h"
#include "compiler/passes/op_operands.h"
#include "isa/instruction.h"
#include "isa/packed.h"

namespace npu::compiler {
namespace {

constexpr int kFirstReg = 2;
constexpr int kLastReg = 29;  // x30, x31: assembler temporaries

class Generator {
 public:
  Generator(const Kernel& k, const config::ChipConfig& c) : m_kernel(k), m_chip(c) {
    m_used.assign(32, false);
  }

  std::string run() {
    const Kernel& k = m_kernel;
    line(".kernel " + k.name);
    for (const Arg& a : k.args) line(".arg " + a.name + ", " + std::string(isa::name(a.kind)));
    for (size_t i = 0; i < k.args.size(); ++i) {
      int r = alloc();
      m_args[k.args[i].name] = r;
      emit("ldg.s64 " + reg(r) + ", " + std::to_string(8 * i) + "(x1)");
    }
    if (k.cores != CoreSelect::kAll) {
      int t = alloc();
      int u = alloc();
      emit("rdsr " + reg(t) + ", core_type");
      // core_type: 0 coupled, 1 AIC, 2 AIV. An AIC kernel skips AIVs and vice versa.
      emit("li " + reg(u) + ", " + (k.cores == CoreSelect::kAic ? "2" : "1"));
      emit("beq " + reg(t) + ", " + reg(u) + ", Lskip");
      release(t);
      release(u);
    }
    for (const SyncStmt& s : k.prologue) emit(print_sync(s));
    body(k.body);
    for (const SyncStmt& s : k.epilogue) emit(print_sync(s));
    line("Lskip:");
    emit("end");
    return m_out.str();
  }

 private:
  static std::string reg(int r) { return "x" + std::to_string(r); }
  void line(const std::string& s) { m_out << s << "\n"; }
  void emit(const std::string& s) { m_out << "    " << s << "\n"; }
  std::string label() { return "L" + std::to_string(m_labels++); }

  int alloc() {
    for (int r = kFirstReg; r <= kLastReg; ++r) {
      if (!m_used[static_cast<size_t>(r)]) {
        m_used[static_cast<size_t>(r)] = true;
        return r;
      }
    }
    throw UserError(m_loc, "kernel '" + m_kernel.name + "' needs more than " +
                               std::to_string(kLastReg - kFirstReg + 1) + " scalar registers");
  }
  void release(int r) { m_used[static_cast<size_t>(r)] = false; }

  int var(const std::string& name) {
    auto it = m_vars.find(name);
    if (it == m_vars.end()) throw UserError(m_loc, "unknown loop variable '" + name + "'");
    return it->second;
  }

  void load_const(int r, int64_t v) { emit("li " + reg(r) + ", " + std::to_string(v)); }

  // dst = affine
  void eval(const Affine& a, int dst) {
    load_const(dst, a.constant);
    add_terms(a, dst);
  }

  // dst += the variable terms of `a`.
  void add_terms(const Affine& a, int dst) {
    for (const auto& [name, coef] : a.terms) {
      int v = var(name);
      if (coef == 1) {
        emit("add " + reg(dst) + ", " + reg(dst) + ", " + reg(v));
        continue;
      }
      int t = alloc();
      if (coef >= INT32_MIN && coef <= INT32_MAX) {
        emit("muli " + reg(t) + ", " + reg(v) + ", " + std::to_string(coef));
      } else {
        load_const(t, coef);
        emit("mul " + reg(t) + ", " + reg(t) + ", " + reg(v));
      }
      emit("add " + reg(dst) + ", " + reg(dst) + ", " + reg(t));
      release(t);
    }
  }

  // Branches to `target` when cond evaluates to `when`.
  void branch_if(const Condition& c, bool when, const std::string& target) {
    int l = alloc();
    int r = alloc();
    eval(c.lhs, l);
    load_const(r, c.rhs);
    const char* op = nullptr;
    switch (c.op) {
      case Condition::Op::kEq: op = when ? "beq " : "bne "; break;
      case Condition::Op::kNe: op = when ? "bne " : "beq "; break;
      case Condition::Op::kLt: op = when ? "blt " : "bge "; break;
    }
    emit(op + reg(l) + ", " + reg(r) + ", " + target);
    release(l);
    release(r);
  }

  // dst = value (a select branches on its condition; loop terms are added after).
  void eval(const Value& v, int dst) {
    load_const(dst, v.value);
    if (v.cond) {
      std::string keep = label();
      branch_if(*v.cond, true, keep);
      load_const(dst, v.other);
      line(keep + ":");
    }
    add_terms(v.vars, dst);
  }

  void body(const Body& b) {
    std::vector<int> lets;
    for (const Stmt& s : b) {
      m_loc = s.loc;
      switch (s.kind) {
        case Stmt::Kind::kOp: op(s.op); break;
        case Stmt::Kind::kSync:
          if (s.sync.cross_core && !m_chip.split())
            fail("cross-core flags need a split chip; chip '" + m_chip.name + "' is coupled");
          emit(print_sync(s.sync));
          break;
        case Stmt::Kind::kLet: {
          const Affine& of = s.let.of;
          const bool plain = of.constant == 0 && of.terms.size() == 1 && of.terms[0].second == 1;
          int r = -1;  // a register of its own, released at the end of the body
          int value = 0;
          if (s.let.divisor == 1 && s.let.remainder) {
            value = 0;  // v % 1: x0 (a generator's dimension of size 1)
          } else if (s.let.divisor == 1 && plain) {
            value = var(of.terms[0].first);  // v / 1: v's register
          } else if (s.let.divisor == 1) {
            value = r = alloc();
            eval(of, r);
          } else {
            value = r = alloc();
            int d = alloc();
            load_const(d, s.let.divisor);
            const int from = plain ? var(of.terms[0].first) : r;
            if (!plain) eval(of, r);
            emit(std::string(s.let.remainder ? "rem " : "div ") + reg(r) + ", " + reg(from) +
                 ", " + reg(d));
            release(d);
          }
          m_vars[s.let.name] = value;
          lets.push_back(r);
          m_let_names.push_back(s.let.name);
          break;
        }
        case Stmt::Kind::kIf: {
          std::string skip = label();
          branch_if(s.when->cond, false, skip);
          body(s.when->body);
          line(skip + ":");
          break;
        }
        case Stmt::Kind::kLoop: loop(*s.loop); break;
        case Stmt::Kind::kOn: on(*s.on); break;
      }
    }
    for (size_t i = 0; i < lets.size(); ++i) {
      if (lets[i] >= 0) release(lets[i]);
      m_vars.erase(m_let_names.back());
      m_let_names.pop_back();
    }
  }

  // core_type: 0 coupled (runs every block), 1 AIC, 2 AIV.
  void on(const OnStmt& o) {
    std::string skip = label();
    int t = alloc();
    int u = alloc();
    emit("rdsr " + reg(t) + ", core_type");
    emit("li " + reg(u) + ", " + (o.cores == CoreSelect::kAic ? "2" : "1"));
    emit("beq " + reg(t) + ", " + reg(u) + ", " + skip);
    release(t);
    release(u);
    int sub = -1;
    if (!o.sub_var.empty()) {
      sub = alloc();
      emit("rdsr " + reg(sub) + ", sub_block_idx");
      m_vars[o.sub_var] = sub;
    }
    ++m_on_depth;
    body(o.body);
    --m_on_depth;
    if (sub >= 0) {
      m_vars.erase(o.sub_var);
      release(sub);
    }
    line(skip + ":");
  }

  void loop(const LoopStmt& l) {
    int v = alloc();
    m_vars[l.var] = v;
    std::string head = label(), done = label();
    if (l.parallel) {
      int step = alloc();
      worker(v, step);
      m_steps.push_back(step);
      line(head + ":");
      int t = alloc();
      load_const(t, l.count);
      emit("bge " + reg(v) + ", " + reg(t) + ", " + done);
      release(t);
      body(l.body);
      emit("add " + reg(v) + ", " + reg(v) + ", " + reg(step));
      emit("j " + head);
      line(done + ":");
      m_steps.pop_back();
      release(step);
    } else {
      load_const(v, 0);
      line(head + ":");
      body(l.body);
      emit("addi " + reg(v) + ", " + reg(v) + ", 1");
      int t = alloc();
      load_const(t, l.count);
      emit("blt " + reg(v) + ", " + reg(t) + ", " + head);
      release(t);
    }
    m_vars.erase(l.var);
    release(v);
  }

  // index = this core's worker number, step = number of workers.
  void worker(int index, int step) {
    emit("rdsr " + reg(index) + ", block_idx");
    emit("rdsr " + reg(step) + ", block_dim");
    // Inside an `on` block an AIC and its AIVs take the same iterations.
    if (m_kernel.cores != CoreSelect::kAiv || m_on_depth > 0) return;
    int t = alloc();
    emit("rdsr " + reg(t) + ", sub_block_dim");
    emit("mul " + reg(index) + ", " + reg(index) + ", " + reg(t));
    emit("mul " + reg(step) + ", " + reg(step) + ", " + reg(t));
    emit("rdsr " + reg(t) + ", sub_block_idx");
    emit("add " + reg(index) + ", " + reg(index) + ", " + reg(t));
    release(t);
  }

  const Field* find_field(const OpStmt& op, std::string_view name) {
    for (const Field& f : op.fields)
      if (f.name == name) return &f;
    return nullptr;
  }

  [[noreturn]] void fail(const std::string& message) { throw UserError(m_loc, message); }

  void check_range(const isa::PackedField& f, int64_t v, const OpStmt& op) {
    if (v < 0 || static_cast<uint64_t>(v) < f.min || static_cast<uint64_t>(v) > f.max)
      fail("'" + op.mnemonic + "' field " + std::string(f.name) + " = " + std::to_string(v) +
           " is out of range " + std::to_string(f.min) + ".." + std::to_string(f.max));
  }

  int packed_word(const isa::PackedLayout& layout, const OpStmt& op) {
    std::vector<uint64_t> values;
    std::vector<std::pair<const isa::PackedField*, const Value*>> runtime;
    for (const isa::PackedField& f : layout.fields) {
      const Field* given = find_field(op, f.name);
      if (!given) {
        if (f.required) fail("'" + op.mnemonic + "' needs field " + std::string(f.name));
        values.push_back(f.default_value);
        continue;
      }
      // A value with loop terms is known only at run time: its generator keeps it in range.
      if (given->value.vars.is_constant()) check_range(f, given->value.value, op);
      if (!given->value.is_constant()) {
        if (given->value.cond && given->value.vars.is_constant())
          check_range(f, given->value.other, op);
        runtime.emplace_back(&f, &given->value);
        values.push_back(f.min);
      } else {
        values.push_back(static_cast<uint64_t>(given->value.value));
      }
    }
    uint64_t word = isa::pack(layout, values);
    // Fields chosen at run time: clear their placeholder, then or in the shifted value.
    for (const auto& [f, v] : runtime) word &= ~(f->mask() << f->lo);
    int r = alloc();
    emit("li " + reg(r) + ", " + std::to_string(word));
    for (const auto& [f, v] : runtime) {
      int t = alloc();
      eval(*v, t);
      if (f->lo) emit("slli " + reg(t) + ", " + reg(t) + ", " + std::to_string(f->lo));
      emit("or " + reg(r) + ", " + reg(r) + ", " + reg(t));
      release(t);
    }
    return r;
  }

  void op(const OpStmt& op) {
    const isa::InstructionInfo* info = op_info(op);
    if (!info) fail("unknown operation '" + op.mnemonic + "'");
    auto specs = operand_specs(*info);
    if (op.operands.size() != specs.size())
      fail("'" + op.mnemonic + "' takes " + std::to_string(specs.size()) + " operands, got " +
           std::to_string(op.operands.size()));
    std::vector<int> temps;
    std::map<const isa::FieldSpec*, std::string> regs;
    for (size_t i = 0; i < specs.size(); ++i) {
      const isa::FieldSpec* spec = specs[i];
      const Operand& o = op.operands[i];
      if (spec->role == isa::RegRole::kAddress && spec->buffer == isa::Buffer::kGm) {
        if (o.kind != OperandKind::kGm)
          fail("operand " + std::string(spec->name) + " of '" + op.mnemonic +
               "' must be a GM argument");
        int r = alloc();
        eval(o.address, r);
        emit("add " + reg(r) + ", " + reg(r) + ", " + reg(m_args.at(o.name)));
        temps.push_back(r);
        regs[spec] = reg(r);
      } else if (spec->role == isa::RegRole::kAddress) {
        const Tile* t = o.kind == OperandKind::kTile ? m_kernel.find_tile(o.name) : nullptr;
        if (!t || t->buffer != spec->buffer)
          fail("operand " + std::string(spec->name) + " of '" + op.mnemonic + "' must be a " +
               std::string(isa::name(spec->buffer)) + " tile");
        NPU_CHECK(t->offset.has_value(), "tile without an offset after allocation");
        uint64_t align = buffer_align(m_chip, t->buffer);
        uint64_t slot_bytes = (t->bytes + align - 1) / align * align;
        int64_t base = static_cast<int64_t>(*t->offset + (o.slot > 0 ? slot_bytes : 0));
        int r = alloc();
        Value v = o.offset;
        v.value += base;
        v.other += base;
        eval(v, r);
        temps.push_back(r);
        regs[spec] = reg(r);
      } else if (o.kind == OperandKind::kImm) {
        int r = alloc();
        eval(o.imm, r);
        temps.push_back(r);
        regs[spec] = reg(r);
      } else {
        if (o.kind != OperandKind::kZero)
          fail("operand " + std::string(spec->name) + " of '" + op.mnemonic +
               "' must be a value (an integer or select(...))");
        regs[spec] = "x0";
      }
    }
    std::string text = op.mnemonic;
    bool first = true;
    for (const isa::FieldSpec& f : info->fields) {
      std::string piece;
      if (f.syntax == isa::Syntax::kPositional && f.kind == isa::FieldKind::kReg) {
        if (f.role == isa::RegRole::kPacked) {
          int r = packed_word(*f.packed, op);
          temps.push_back(r);
          piece = reg(r);
        } else {
          piece = regs.at(&f);
        }
      } else if (f.syntax == isa::Syntax::kNamed || f.syntax == isa::Syntax::kPositional) {
        // Named (`round=floor`) and positional non-register fields (`set_mask_mode counter`).
        const Field* given = find_field(op, f.name);
        if (!given && f.syntax == isa::Syntax::kPositional)
          fail("'" + op.mnemonic + "' needs field " + std::string(f.name));
        if (!given) continue;
        if (!given->value.is_constant())
          fail("field " + std::string(f.name) + " must be a constant");
        int64_t v = given->value.value;
        if (v < f.min_value() || v > f.max_value())
          fail("'" + op.mnemonic + "' field " + std::string(f.name) + " = " + std::to_string(v) +
               " is out of range");
        std::string text_value = !f.enum_names.empty() && static_cast<size_t>(v) < f.enum_names.size()
                                     ? std::string(f.enum_names[static_cast<size_t>(v)])
                                     : std::to_string(v);
        piece = f.syntax == isa::Syntax::kNamed ? std::string(f.name) + "=" + text_value : text_value;
      } else {
        continue;
      }
      text += (first ? " " : ", ") + piece;
      first = false;
    }
    emit(text);
    for (int r : temps) release(r);
  }

  const Kernel& m_kernel;
  const config::ChipConfig& m_chip;
  std::ostringstream m_out;
  std::vector<bool> m_used;
  std::map<std::string, int> m_args;
  std::map<std::string, int> m_vars;
  std::vector<std::string> m_let_names;
  std::vector<int> m_steps;
  int m_labels = 0;
  int m_on_depth = 0;  // nesting of `on` blocks
  SourceLocation m_loc;
};

}  // namespace

std::string generate_assembly(const Kernel& kernel, const config::ChipConfig& chip) {
  return Generator(kernel, chip).run();
}

}  // namespace npu::compiler
