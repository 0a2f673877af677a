// layernorm over the last axis of a rows x cols matrix with per-column gamma and beta:
// y = (x - mean) / sqrt(var + eps) * gamma + beta, var the biased variance (mean of squares of
// x - mean), computed in fp32 for every dtype (fp16, bf16, fp32). Row blocks over the vector
// cores (row_tiling.h); gamma and beta are loaded once per core (widened to fp32 unless the
// output is fp16, whose gamma and beta steps run in fp16 after the narrowing: row_step_type in
// row_op.h). Per block: load, widen, zero the row padding, row sum -> mean, subtract
// (broadcast), zero the padding again, squares, row sum -> inverse std, multiply (broadcast),
// multiply by gamma, add beta, narrow (fp16: before the gamma and beta steps), store.
// Rows too long for UB go in column tiles: a first pass sums x and x^2 tile by tile (variance
// E[x^2] - mean^2, which loses accuracy when |mean| >> std), a second reloads each tile with
// its gamma and beta and writes it.
#include <cmath>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/rows/row_op.h"

namespace npu::compiler {
namespace {

using rowvec::Region;
using rowvec::RowCount;

OpKernel build_layernorm(const OpSpec& spec, const config::ChipConfig& chip) {
  const RowShape shape = row_op_shape(spec);
  const isa::DataType type = row_op_dtype(spec);
  const double eps = norm_eps(spec);
  RowTiles tiles{true, 1, 2, false};
  RowOpFrame f = begin_row_op("layernorm", shape, type, chip, tiles, {"gamma", "beta"});
  OpKernel& r = f.op;
  const RowLayout& l = f.layout;
  const bool tiled = l.column_tiles > 1;
  Body per_worker;
  std::vector<Region> gamma_beta;
  if (!tiled) gamma_beta = load_column_vectors(per_worker, {"gamma", "beta"}, type, l);
  const Region x{"x", 0}, sq{"t0", 0}, mean{"stat", 0}, rstd{"stat2", 0}, part{"stat3", 0},
      tmp{"stat4", 0}, bc{"bc", 0}, bc2{"bc2", 0}, red{"red", 0};
  const int64_t inv_cols = rowvec::f32_bits(1.0 / static_cast<double>(l.cols));
  r.kernel.body =
      row_block_loop(l, std::move(per_worker), [&](const Affine& block, const RowCount& rows) {
        Body b;
        const RowCount vec = rows.div_up(rowvec::kF32PerRepeat);
        const RowCount repeats = rows.scaled(l.pitch / rowvec::kF32PerRepeat);
        if (!tiled) {
          // Two-pass variance on rows held in UB: mean, then the mean of (x - mean)^2.
          load_block(b, "x", type, l, block, rows, "", rowvec::kF32Zero);
          rowvec::row_reduce(b, rowvec::Reduce::kSum, x, rows, l.pitch, red, mean);
          rowvec::elementwise(b, "vmuls.f32", {mean}, {{mean}}, vec, inv_cols);
          rowvec::broadcast_rows(b, bc, mean, rows);
          rowvec::row_broadcast_binary(b, "vsub.f32", x, x, bc, rows, l.pitch);
          rowvec::fill_row_tails(b, x, rows, l.cols, l.pitch, rowvec::kF32Zero);
          rowvec::elementwise(b, "vmul.f32", {sq}, {{x}, {x}}, repeats);
          rowvec::row_reduce(b, rowvec::Reduce::kSum, sq, rows, l.pitch, red, rstd);
          inverse_rms(b, rstd, rows, l.cols, eps);
          rowvec::broadcast_rows(b, bc2, rstd, rows);
        } else {
          // Column tiles: sums of x and x^2 tile by tile; var = E[x^2] - mean^2 (clamped at 0).
          rowvec::elementwise(b, "vdup.f32", {mean}, {}, vec, rowvec::kF32Zero);
          rowvec::elementwise(b, "vdup.f32", {rstd}, {}, vec, rowvec::kF32Zero);
          Body pass;
          load_block(pass, "x", type, l, block, rows, "ct", rowvec::kF32Zero);
          rowvec::row_reduce(pass, rowvec::Reduce::kSum, x, rows, l.pitch, red, part);
          rowvec::elementwise(pass, "vadd.f32", {mean}, {{mean}, {part}}, vec);
          rowvec::elementwise(pass, "vmul.f32", {sq}, {{x}, {x}}, repeats);
          rowvec::row_reduce(pass, rowvec::Reduce::kSum, sq, rows, l.pitch, red, part);
          rowvec::elementwise(pass, "vadd.f32", {rstd}, {{rstd}, {part}}, vec);
          b.push_back(make_loop("ct", l.column_tiles, false, std::move(pass)));
          rowvec::elementwise(b, "vmuls.f32", {mean}, {{mean}}, vec, inv_cols);
          rowvec::elementwise(b, "vmul.f32", {tmp}, {{mean}, {mean}}, vec);
          rowvec::elementwise(b, "vmuls.f32", {rstd}, {{rstd}}, vec, inv_cols);
          rowvec::elementwise(b, "vsub.f32", {rstd}, {{rstd}, {tmp}}, vec);
          rowvec::elementwise(b, "vmaxs.f32", {rstd}, {{rstd}}, vec, rowvec::kF32Zero);
          rowvec::elementwise(b, "vadds.f32", {rstd}, {{rstd}}, vec, rowvec::f32_bits(eps));
          rowvec::elementwise(b, "vrsqrt.f32", {rstd}, {{rstd}}, vec);
          rowvec::broadcast_rows(b, bc, mean, rows);
          rowvec::broadcast_rows(b, bc2, rstd, rows);
        }
        // y = (x - mean) * rstd * gamma + beta, per column tile when tiled (x - mean is already
        // in x when not).
        const std::string cu = tiled ? "cu" : "";
        Body apply;
        std::vector<Region> gb = gamma_beta;
        if (tiled) {
          gb = load_second_pass_tile(apply, "x", {"gamma", "beta"}, type, l, block, rows, cu);
          rowvec::row_broadcast_binary(apply, "vsub.f32", x, x, bc, rows, l.pitch);
        }
        rowvec::row_broadcast_binary(apply, "vmul.f32", x, x, bc2, rows, l.pitch);
        store_block(apply, "y", type, l, block, rows, x, cu,
                    {{"vmul", gb[0], false}, {"vadd", gb[1], false}});
        add_column_pass(b, cu, l.column_tiles, std::move(apply));
        return b;
      });
  r.flops = 8.0 * static_cast<double>(shape.rows * shape.cols);
  set_norm_tolerance(r, type);
  return r;
}

Tensors reference_layernorm(const OpSpec& spec, const Tensors& in) {
  const RowShape s = row_op_shape(spec);
  const double eps = norm_eps(spec);
  std::vector<double> y(in[0].size());
  for (int64_t i = 0; i < s.rows; ++i) {
    const double* x = &in[0][static_cast<size_t>(i * s.cols)];
    double mean = 0, var = 0;
    for (int64_t c = 0; c < s.cols; ++c) mean += x[c];
    mean /= static_cast<double>(s.cols);
    for (int64_t c = 0; c < s.cols; ++c) var += (x[c] - mean) * (x[c] - mean);
    var /= static_cast<double>(s.cols);
    const double rstd = 1.0 / std::sqrt(var + eps);
    for (int64_t c = 0; c < s.cols; ++c)
      y[static_cast<size_t>(i * s.cols + c)] =
          (x[c] - mean) * rstd * in[1][static_cast<size_t>(c)] + in[2][static_cast<size_t>(c)];
  }
  return {y};
}

}  // namespace

const OpDef& layernorm_op() {
  static const OpDef def{"layernorm",
                         {"rows", "cols", "dtype", "eps"},
                         "layernorm rows=4096 cols=1024 dtype=fp16",
                         build_layernorm,
                         reference_layernorm};
  return def;
}

}  // namespace npu::compiler
