// reduce_sum, reduce_max, reduce_mean over one axis of an N-D tensor
// (`reduce_sum shape=4096x1024 axis=1 dtype=fp16`), fp16 / bf16 / fp32 in and out, fp32 inside.
// The three ops differ only in the vector instructions and a final scale, so they share this
// file. With the tensor viewed as outer x A x inner (A the reduced axis):
//  - last axis (inner = 1): the row scheme of row_tiling.h, one result per row (row_reduce),
//    long rows in column tiles whose partial results are combined;
//  - any other axis: work units of (outer index, column tile of inner) over the vector cores;
//    each walks the A rows of its tile in double-buffered blocks and folds them into an fp32
//    accumulator row (accumulate_rows), then narrows and stores it.
#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/rows/row_op.h"

namespace npu::compiler {
namespace {

using ir::ceil_div;
using ir::round_up;
using rowvec::Region;
using rowvec::RowCount;

enum class Kind : uint8_t { kSum, kMax, kMean };

struct ReduceShape {
  std::vector<int64_t> dims;
  int64_t axis = 0;
  int64_t outer = 1, reduced = 1, inner = 1;
};

ReduceShape reduce_shape(const OpSpec& spec) {
  ReduceShape s;
  s.dims = spec.get_shape("shape", 8, int64_t{1} << 30);
  if (s.dims.size() > 8)
    throw UserError(spec.op + ": shape has " + std::to_string(s.dims.size()) +
                    " dimensions (at most 8)");
  const int64_t rank = static_cast<int64_t>(s.dims.size());
  s.axis = spec.get_int("axis", -rank, rank - 1, rank - 1);
  if (s.axis < 0) s.axis += rank;
  int64_t total = 1;
  for (int64_t i = 0; i < rank; ++i) {
    total *= s.dims[static_cast<size_t>(i)];
    if (total > (int64_t{1} << 30))
      throw UserError(spec.op + ": shape has more than the 2^30 supported elements");
    (i < s.axis ? s.outer : i == s.axis ? s.reduced : s.inner) *= s.dims[static_cast<size_t>(i)];
  }
  return s;
}

Kind kind_of(const OpSpec& spec) {
  return spec.op == "reduce_max" ? Kind::kMax : spec.op == "reduce_mean" ? Kind::kMean : Kind::kSum;
}

int64_t neutral_bits(Kind k) { return k == Kind::kMax ? rowvec::kF32MinusInf : rowvec::kF32Zero; }
std::string fold_op(Kind k) { return k == Kind::kMax ? "vmax.f32" : "vadd.f32"; }

// Last axis: one value per row of an outer x reduced matrix.
void build_last_axis(OpKernel& r, const ReduceShape& s, Kind kind, isa::DataType type,
                     const config::ChipConfig& chip, const std::string& op) {
  const RowTiles tiles{false, 0, 0, false};
  const RowLayout l = choose_row_layout(
      op, s.outer, s.reduced, isa::element_size(type), chip,
      [&](int64_t rows, int64_t p) { return row_tiles_bytes(tiles, type, rows, p); });
  Kernel& k = r.kernel;
  declare_row_tiles(k, tiles, type, l);
  const Region x{"x", 0}, stat{"stat", 0}, part{"stat2", 0}, red{"red", 0};
  k.body = row_block_loop(l, {}, [&](const Affine& block, const RowCount& rows) {
    Body b;
    const RowCount vec = rows.div_up(rowvec::kF32PerRepeat);
    if (l.column_tiles == 1) {
      load_block(b, "x", type, l, block, rows, "", neutral_bits(kind));
      rowvec::row_reduce(b, kind == Kind::kMax ? rowvec::Reduce::kMax : rowvec::Reduce::kSum, x,
                         rows, l.pitch, red, stat);
    } else {
      rowvec::elementwise(b, "vdup.f32", {stat}, {}, vec, neutral_bits(kind));
      Body tile;
      load_block(tile, "x", type, l, block, rows, "ct", neutral_bits(kind));
      rowvec::row_reduce(tile, kind == Kind::kMax ? rowvec::Reduce::kMax : rowvec::Reduce::kSum, x,
                         rows, l.pitch, red, part);
      rowvec::elementwise(tile, fold_op(kind), {stat}, {{stat}, {part}}, vec);
      b.push_back(make_loop("ct", l.column_tiles, false, std::move(tile)));
    }
    if (kind == Kind::kMean)
      rowvec::elementwise(b, "vmuls.f32", {stat}, {{stat}}, vec,
                          rowvec::f32_bits(1.0 / static_cast<double>(s.reduced)));
    rowvec::convert_rows(b, {"y_out", 0}, type, stat, isa::DataType::kF32, vec,
                         rowvec::kF32PerRepeat);
    Affine first = block;
    for (auto& term : first.terms) term.second *= l.block_rows;
    b.push_back(store_rows("y", "y_out", type, first, RowCount{1, 1, std::nullopt}, rows.value(),
                           l.block_rows, round_up(l.block_rows, rowvec::kF32PerRepeat)));
    return b;
  });
  r.block_dim = l.block_dim;
  r.summary = std::to_string(s.outer) + " rows of " + std::to_string(s.reduced) + ", blocks of " +
              std::to_string(l.block_rows) + " rows over " + std::to_string(l.workers) + " cores" +
              (l.column_tiles > 1 ? ", column tiles of " + std::to_string(l.tile_cols) : "");
}

// Any other axis: out[o][i] = reduce over a of x[o][a][i].
void build_inner_axis(OpKernel& r, const ReduceShape& s, Kind kind, isa::DataType type,
                      const config::ChipConfig& chip, const std::string& op) {
  const int64_t es = isa::element_size(type);
  const int64_t ub = static_cast<int64_t>(chip.buffers.ub_bytes);
  const int64_t per_core = chip.split() ? static_cast<int64_t>(chip.chip.aiv_per_core) : 1;
  const int64_t max_workers = static_cast<int64_t>(chip.chip.cores) * per_core;
  auto bytes = [&](int64_t rows, int64_t p) {
    return 2 * ub_tile_bytes(rows * p * es) + ub_tile_bytes(rows * p * 4) + ub_tile_bytes(p * 4) +
           2 * ub_tile_bytes(p * es);
  };
  // Column tiles narrow enough to give every worker a unit when the outer dims alone do not.
  int64_t tc = std::min(rowvec::kMaxRepeat * rowvec::kF32PerRepeat, round_up(s.inner, 64));
  int64_t want_tiles = ceil_div(max_workers, s.outer);
  tc = std::min(tc, std::max<int64_t>(64, round_up(ceil_div(s.inner, want_tiles), 64)));
  const int64_t want_rows = std::min<int64_t>(s.reduced, 8);
  while (tc > 64 && bytes(want_rows, tc) > ub) tc -= 64;
  if (bytes(1, tc) > ub)
    throw UserError("'" + op + "' does not fit the unified buffer of chip '" + chip.name + "'");
  tc = balanced_tile_cols(s.inner, tc, es);
  const int64_t p = round_up(tc, 64);
  int64_t ra = std::min<int64_t>({s.reduced, rowvec::kMaxRepeat, 4095});
  if ((s.inner - tc) * es > kMaxGmGap) ra = 1;
  while (ra > 1 && bytes(ra, p) > ub) --ra;
  const int64_t ct = ceil_div(s.inner, tc), units = s.outer * ct;
  const int64_t nab = ceil_div(s.reduced, ra), tail_rows = s.reduced - (nab - 1) * ra;
  const int64_t last_tc = s.inner - (ct - 1) * tc;

  Kernel& k = r.kernel;
  auto add = [&](const std::string& name, int64_t b, bool dbl) {
    k.tiles.push_back({name, isa::Buffer::kUb, static_cast<uint64_t>(b), dbl, {}, {}});
  };
  add("x_in", ub_tile_bytes(ra * p * es), true);
  add("x", ub_tile_bytes(ra * p * 4), false);
  add("acc", ub_tile_bytes(p * 4), false);
  add("y_out", ub_tile_bytes(p * es), true);

  const Region acc{"acc", 0};
  const RowCount one{1, 1, std::nullopt};
  const RowCount acc_repeats{p / rowvec::kF32PerRepeat, p / rowvec::kF32PerRepeat, std::nullopt};
  const Value cols = ir::tail_select("uc", ct - 1, last_tc, tc);
  Body unit;
  unit.push_back(make_let("uo", "u", false, ct));
  unit.push_back(make_let("uc", "u", true, ct));
  rowvec::elementwise(unit, "vdup.f32", {acc}, {}, acc_repeats, neutral_bits(kind));
  RowCount rows{ra, tail_rows, std::nullopt};
  if (tail_rows != ra) rows.last = Condition{ir::var_expr("ab"), Condition::Op::kEq, nab - 1};
  Body step;
  Affine first = ir::var_expr("uo", s.reduced * s.inner).add("ab", ra * s.inner).add("uc", tc);
  step.push_back(load_rows("x_in", "x", type, first, rows, cols, s.inner, p));
  rowvec::convert_rows(step, {"x", 0}, isa::DataType::kF32, {"x_in", 0}, type, rows, p);
  rowvec::accumulate_rows(step, fold_op(kind), acc, {"x", 0}, rows, p);
  unit.push_back(make_loop("ab", nab, false, std::move(step)));
  if (kind == Kind::kMean)
    rowvec::elementwise(unit, "vmuls.f32", {acc}, {{acc}}, acc_repeats,
                        rowvec::f32_bits(1.0 / static_cast<double>(s.reduced)));
  rowvec::convert_rows(unit, {"y_out", 0}, type, acc, isa::DataType::kF32, one, p);
  unit.push_back(store_rows("y", "y_out", type, ir::var_expr("uo", s.inner).add("uc", tc), one,
                            cols, s.inner, p));
  k.body.push_back(make_loop("u", units, true, std::move(unit)));
  r.block_dim = static_cast<uint32_t>(
      std::min<int64_t>(static_cast<int64_t>(chip.chip.cores), ceil_div(units, per_core)));
  r.summary = std::to_string(units) + " units of " + std::to_string(s.reduced) + " x " +
              std::to_string(tc) + " over " + std::to_string(max_workers) + " cores, blocks of " +
              std::to_string(ra) + " rows";
}

OpKernel build_reduce(const OpSpec& spec, const config::ChipConfig& chip) {
  const ReduceShape s = reduce_shape(spec);
  const isa::DataType type = row_op_dtype(spec);
  const Kind kind = kind_of(spec);
  const int64_t es = isa::element_size(type);
  OpKernel r;
  Kernel& k = r.kernel;
  k.name = spec.op;
  k.cores = row_cores(chip);
  const int64_t total = s.outer * s.reduced * s.inner, out = s.outer * s.inner;
  k.args = {{"x", isa::ArgKind::kGmPointer, static_cast<uint64_t>(total * es)},
            {"y", isa::ArgKind::kGmPointer, static_cast<uint64_t>(out * es)}};
  if (s.inner == 1)
    build_last_axis(r, s, kind, type, chip, spec.op);
  else
    build_inner_axis(r, s, kind, type, chip, spec.op);
  r.summary = spec.op + " " + spec.values.at("shape") + " axis=" + std::to_string(s.axis) + " " +
              std::string(isa::long_name(type)) + ": " + r.summary;
  r.tensors = {{"x", type, static_cast<uint64_t>(total), false},
               {"y", type, static_cast<uint64_t>(out), true}};
  r.flops = static_cast<double>(total);
  // max is exact (a value of the input, narrowed back to its own type). Sums: fp32 pairwise
  // accumulation (error ~ log2(A) ulps of the sum of |x|, at most A / 2 here), then one
  // rounding to the output type; the mean divides both by A.
  const double a = static_cast<double>(s.reduced);
  const double sum_atol = (kind == Kind::kMean ? 1.0 / a : 1.0) * 1e-6 * a;
  if (kind == Kind::kMax) {
    r.rtol = 0;
    r.atol = 0;
  } else {
    set_row_tolerance(r, type, 1e-5, sum_atol);
  }
  return r;
}

Tensors reference_reduce(const OpSpec& spec, const Tensors& in) {
  const ReduceShape s = reduce_shape(spec);
  const Kind kind = kind_of(spec);
  std::vector<double> y(static_cast<size_t>(s.outer * s.inner));
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t i = 0; i < s.inner; ++i) {
      double acc = kind == Kind::kMax ? -INFINITY : 0.0;
      for (int64_t a = 0; a < s.reduced; ++a) {
        double v = in[0][static_cast<size_t>((o * s.reduced + a) * s.inner + i)];
        acc = kind == Kind::kMax ? std::max(acc, v) : acc + v;
      }
      if (kind == Kind::kMean) acc /= static_cast<double>(s.reduced);
      y[static_cast<size_t>(o * s.inner + i)] = acc;
    }
  return {y};
}

}  // namespace

const OpDef& reduce_sum_op() {
  static const OpDef def{"reduce_sum",
                         {"shape", "axis", "dtype"},
                         "reduce_sum shape=4096x1024 axis=1 dtype=fp16",
                         build_reduce,
                         reference_reduce};
  return def;
}

const OpDef& reduce_max_op() {
  static const OpDef def{"reduce_max",
                         {"shape", "axis", "dtype"},
                         "reduce_max shape=4096x1024 axis=1 dtype=fp16",
                         build_reduce,
                         reference_reduce};
  return def;
}

const OpDef& reduce_mean_op() {
  static const OpDef def{"reduce_mean",
                         {"shape", "axis", "dtype"},
                         "reduce_mean shape=4096x1024 axis=1 dtype=fp16",
                         build_reduce,
                         reference_reduce};
  return def;
}

}  // namespace npu::compiler
