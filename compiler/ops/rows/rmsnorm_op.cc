// rmsnorm over the last axis of a rows x cols matrix with a per-column gamma: y = x /
// sqrt(mean(x^2) + eps) * gamma, computed in fp32 for every dtype (fp16, bf16, fp32). Row blocks
// over the vector cores (row_tiling.h); gamma is loaded once per core (widened to fp32 unless
// the output is fp16, whose gamma step runs in fp16 after the narrowing: row_step_type in
// row_op.h). Per block: load, widen, zero the row padding, squares, row sum -> inverse RMS,
// multiply (broadcast), multiply by gamma, narrow (fp16: before the gamma step), store. Rows too
// long for UB go in column tiles: a first pass sums the squares tile by tile, a second reloads
// each tile (and its gamma) and writes it.
#include <cmath>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/rows/row_op.h"

namespace npu::compiler {
namespace {

using rowvec::Region;
using rowvec::RowCount;

OpKernel build_rmsnorm(const OpSpec& spec, const config::ChipConfig& chip) {
  const RowShape shape = row_op_shape(spec);
  const isa::DataType type = row_op_dtype(spec);
  const double eps = norm_eps(spec);
  RowTiles tiles{true, 1, 1, false};
  RowOpFrame f = begin_row_op("rmsnorm", shape, type, chip, tiles, {"gamma"});
  OpKernel& r = f.op;
  const RowLayout& l = f.layout;
  const bool tiled = l.column_tiles > 1;
  Body per_worker;
  std::vector<Region> gamma;
  if (!tiled) gamma = load_column_vectors(per_worker, {"gamma"}, type, l);
  const Region x{"x", 0}, sq{"t0", 0}, stat{"stat", 0}, part{"stat2", 0}, bc{"bc", 0},
      red{"red", 0};
  // stat (or part, per column tile) = sum of squares of the rows in x.
  auto sum_squares = [&](Body& b, const RowCount& rows, const Region& into) {
    rowvec::elementwise(b, "vmul.f32", {sq}, {{x}, {x}},
                        rows.scaled(l.pitch / rowvec::kF32PerRepeat));
    rowvec::row_reduce(b, rowvec::Reduce::kSum, sq, rows, l.pitch, red, into);
  };
  r.kernel.body =
      row_block_loop(l, std::move(per_worker), [&](const Affine& block, const RowCount& rows) {
        Body b;
        const RowCount vec = rows.div_up(rowvec::kF32PerRepeat);
        if (!tiled) {
          load_block(b, "x", type, l, block, rows, "", rowvec::kF32Zero);
          sum_squares(b, rows, stat);
        } else {
          rowvec::elementwise(b, "vdup.f32", {stat}, {}, vec, rowvec::kF32Zero);
          Body pass;
          load_block(pass, "x", type, l, block, rows, "ct", rowvec::kF32Zero);
          sum_squares(pass, rows, part);
          rowvec::elementwise(pass, "vadd.f32", {stat}, {{stat}, {part}}, vec);
          b.push_back(make_loop("ct", l.column_tiles, false, std::move(pass)));
        }
        inverse_rms(b, stat, rows, l.cols, eps);
        rowvec::broadcast_rows(b, bc, stat, rows);
        // y = x * (1 / rms) * gamma, per column tile when tiled.
        const std::string cu = tiled ? "cu" : "";
        Body apply;
        const std::vector<Region> g =
            tiled ? load_second_pass_tile(apply, "x", {"gamma"}, type, l, block, rows, cu) : gamma;
        rowvec::row_broadcast_binary(apply, "vmul.f32", x, x, bc, rows, l.pitch);
        store_block(apply, "y", type, l, block, rows, x, cu, {{"vmul", g[0], false}});
        add_column_pass(b, cu, l.column_tiles, std::move(apply));
        return b;
      });
  r.flops = 4.0 * static_cast<double>(shape.rows * shape.cols);
  set_norm_tolerance(r, type);
  return r;
}

Tensors reference_rmsnorm(const OpSpec& spec, const Tensors& in) {
  const RowShape s = row_op_shape(spec);
  const double eps = norm_eps(spec);
  std::vector<double> y(in[0].size());
  for (int64_t i = 0; i < s.rows; ++i) {
    const double* x = &in[0][static_cast<size_t>(i * s.cols)];
    double sq = 0;
    for (int64_t c = 0; c < s.cols; ++c) sq += x[c] * x[c];
    const double rrms = 1.0 / std::sqrt(sq / static_cast<double>(s.cols) + eps);
    for (int64_t c = 0; c < s.cols; ++c)
      y[static_cast<size_t>(i * s.cols + c)] = x[c] * rrms * in[1][static_cast<size_t>(c)];
  }
  return {y};
}

}  // namespace

const OpDef& rmsnorm_op() {
  static const OpDef def{"rmsnorm",
                         {"rows", "cols", "dtype", "eps"},
                         "rmsnorm rows=4096 cols=1024 dtype=fp16",
                         build_rmsnorm,
                         reference_rmsnorm};
  return def;
}

}  // namespace npu::compiler
