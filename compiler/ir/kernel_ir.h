// The tile-level kernel IR: what the op library generates, what `.nk` files spell out, and what
// the passes (buffer allocation, double buffering, sync insertion, code generation) transform.
//
// A Kernel has GM arguments, tiles (named regions of an on-chip buffer, optionally double
// buffered) and a body of statements: heavy operations (any MTE / cube / fixpipe / vector
// instruction of the ISA table, with tile and GM operands and the fields of its packed
// parameter word by name), counted loops (`for`), loops distributed over the cores of a launch
// (`pfor`), derived loop indices (`let`), guarded blocks (`if`), blocks that only one core type
// runs (`on aic` / `on aiv`, the split AIC / AIV organisation), cross-core counter flags
// (`cross_core_set_flag` / `cross_core_wait_flag`, the hand-off between the two) and, after sync
// insertion, set_flag / wait_flag. Integers in operands and fields may be affine in the loop
// variables (GM addresses; fields and tile offsets that step with a loop) and may select between
// two constants on a runtime condition (tail tiles), so one loop body serves full and ragged
// tiles alike.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/diagnostic.h"
#include "isa/types.h"

namespace npu::compiler {

// constant + sum(coef * var).
struct Affine {
  int64_t constant = 0;
  std::vector<std::pair<std::string, int64_t>> terms;  // (variable, coefficient), coef != 0

  bool is_constant() const { return terms.empty(); }
  Affine& add(const std::string& var, int64_t coef);
  // Substitutes var := scale * new_var + offset.
  Affine substituted(const std::string& var, const std::string& new_var, int64_t scale,
                     int64_t offset) const;
  bool operator==(const Affine&) const = default;
};

// A runtime condition: lhs OP rhs, rhs a constant.
struct Condition {
  enum class Op : uint8_t { kEq, kNe, kLt };
  Affine lhs;
  Op op = Op::kEq;
  int64_t rhs = 0;
  bool operator==(const Condition&) const = default;
};

// An integer value of an operand or field: a constant, or `select(cond, a, b)`, plus terms
// affine in the loop variables (a field or tile offset that steps with a loop, e.g. the
// k_start of an img2col K step: `64*kk`).
struct Value {
  Value() = default;
  explicit Value(int64_t v, std::optional<Condition> c = std::nullopt, int64_t o = 0,
                 Affine terms = {})
      : value(v), cond(std::move(c)), other(o), vars(std::move(terms)) {}

  int64_t value = 0;                // the value, or the value when cond holds
  std::optional<Condition> cond;    // set: select(cond, value, other)
  int64_t other = 0;
  Affine vars;                      // added to either; its constant stays 0
  bool is_constant() const { return !cond && vars.is_constant(); }
  bool operator==(const Value&) const = default;
};

enum class OperandKind : uint8_t { kTile, kGm, kZero, kImm };

// `tile[.slot][+offset]`, `arg[+affine]` (GM bytes), `0` (the x0 register) or an immediate
// loaded into a register (a vector scalar operand, a mask word: `15360`, `select(...)`).
struct Operand {
  OperandKind kind = OperandKind::kZero;
  std::string name;  // tile or argument
  int slot = -1;     // tile: -1 = not yet chosen (double-buffered tiles get 0 / 1)
  Value offset;      // tile: byte offset inside the tile
  Affine address;    // GM: byte offset from the argument's pointer
  Value imm;         // kImm: the register's value
  bool operator==(const Operand&) const = default;
};

struct Field {
  std::string name;
  Value value;
  bool operator==(const Field&) const = default;
};

struct Stmt;
using Body = std::vector<Stmt>;

// One heavy instruction: `mnemonic` with data-type suffixes ("mmad.f32.f16").
struct OpStmt {
  std::string mnemonic;
  std::vector<Operand> operands;  // the instruction's address / scale operands, in order
  std::vector<Field> fields;      // packed-word fields and flag fields (relu, layout, atomic)
  bool operator==(const OpStmt&) const = default;
};

struct LoopStmt {
  std::string var;
  int64_t count = 1;
  bool parallel = false;  // pfor: iteration i runs on worker (i mod workers)
  Body body;
  bool operator==(const LoopStmt&) const;
};

// `let name = of / divisor` or `let name = of % divisor`, `of` affine in the loop variables
// (usually one variable; `(2*p + 1) / 4` after unrolling a loop over p, or when a generator
// walks its items in pairs). `of` must not be negative.
struct LetStmt {
  std::string name;
  Affine of;
  bool remainder = false;
  int64_t divisor = 1;
  bool operator==(const LetStmt&) const = default;
};

struct IfStmt {
  Condition cond;
  Body body;
  bool operator==(const IfStmt&) const;
};

// set_flag / wait_flag inserted by sync insertion (or written by hand), or a cross-core counter
// flag (written by an op generator or by hand): `cross_core_set_flag src, mode, event` raises
// counter `event` on the cores `mode` names when every earlier `src` instruction has completed;
// `cross_core_wait_flag dst, event` blocks pipe `dst` until this core's counter is non-zero.
struct SyncStmt {
  bool wait = false;
  isa::Pipe src = isa::Pipe::kS;
  isa::Pipe dst = isa::Pipe::kS;
  int event = 0;
  bool cross_core = false;
  isa::CrossCoreMode mode = isa::CrossCoreMode::kAicAiv;  // cross-core set only
  bool operator==(const SyncStmt&) const = default;
};

// Which cores of a launch run a kernel or a block: all cores, or on split chips only the AIC
// (cube work) or only the AIV (vector work).
enum class CoreSelect : uint8_t { kAll, kAic, kAiv };

// `on aic { ... }` / `on aiv [SUB] { ... }`: on a split chip only that core type runs the body
// (coupled cores run every `on` block). Inside, `pfor` distributes over the AI cores
// (block_idx / block_dim) whatever the core type, so an AIC and its AIVs take the same
// iterations; `sub_var`, if named, is the AIV's index within its AI core (sub_block_idx).
struct OnStmt {
  CoreSelect cores = CoreSelect::kAic;
  std::string sub_var;
  Body body;
  bool operator==(const OnStmt&) const;
};

struct Stmt {
  enum class Kind : uint8_t { kOp, kLoop, kLet, kIf, kSync, kOn };
  Kind kind = Kind::kOp;
  SourceLocation loc;
  OpStmt op;
  std::shared_ptr<LoopStmt> loop;
  LetStmt let;
  std::shared_ptr<IfStmt> when;
  SyncStmt sync;
  std::shared_ptr<OnStmt> on;
  bool operator==(const Stmt& other) const;
  // The body a loop, `if` or `on` statement holds; nullptr for the others.
  const Body* nested_body() const;
};

struct Tile {
  std::string name;
  isa::Buffer buffer = isa::Buffer::kL1;
  uint64_t bytes = 0;
  bool double_buffered = false;
  std::optional<uint64_t> offset;  // set by buffer allocation: slot 0; slot 1 follows
  SourceLocation loc;  // where a .nk file declared it (not part of equality)
  // `apart`: sync insertion does not join a later load of another tile into this tile's RAW
  // flag, so this tile's readers wait for its own load only (e.g. pieces of weights read one
  // after the other), while the chip's event ids allow.
  bool apart = false;
  bool operator==(const Tile& o) const {
    return name == o.name && buffer == o.buffer && bytes == o.bytes &&
           double_buffered == o.double_buffered && apart == o.apart && offset == o.offset;
  }
};

struct Arg {
  std::string name;
  isa::ArgKind kind = isa::ArgKind::kGmPointer;
  uint64_t bytes = 0;  // size `npusim run` allocates for a .nk kernel (0: not given)
  bool operator==(const Arg&) const = default;
};

struct Kernel {
  std::string name;
  CoreSelect cores = CoreSelect::kAll;  // the others end at once
  std::vector<Arg> args;
  std::vector<Tile> tiles;
  Body body;
  bool syncs_inserted = false;  // sync insertion ran (prologue / epilogue tokens exist)
  std::vector<SyncStmt> prologue;  // token flags set before the body
  std::vector<SyncStmt> epilogue;  // token flags waited after the body

  const Tile* find_tile(const std::string& tile_name) const;
  Tile* find_tile(const std::string& tile_name);
  int find_arg(const std::string& arg_name) const;  // -1 if none
  bool operator==(const Kernel&) const = default;
};

Stmt make_op(OpStmt op, SourceLocation loc = {});
Stmt make_loop(std::string var, int64_t count, bool parallel, Body body);
Stmt make_let(std::string name, std::string var, bool remainder, int64_t divisor);
Stmt make_let(std::string name, Affine of, bool remainder, int64_t divisor);
Stmt make_if(Condition cond, Body body);
Stmt make_sync(bool wait, isa::Pipe src, isa::Pipe dst, int event);
Stmt make_sync(const SyncStmt& sync);
Stmt make_on(CoreSelect cores, std::string sub_var, Body body);

// Applies `fn` to every Affine, Condition lhs and Value of a body (used by substitutions).
void substitute_var(Body& body, const std::string& var, const std::string& new_var,
                    int64_t scale, int64_t offset);

}  // namespace npu::compiler
