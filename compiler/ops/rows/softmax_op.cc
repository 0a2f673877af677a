// softmax over the last axis of a rows x cols matrix, numerically stable:
// y[r][c] = exp(x[r][c] - max_r) / sum_c exp(x[r][c] - max_r), computed in fp32 for every
// dtype (fp16, bf16, fp32) but for the final multiply by 1 / sum, which fp16 runs after the
// narrowing, in fp16 (row_step_type in row_op.h). Row blocks over the vector cores
// (row_tiling.h); per block: load, widen to fp32, fill the row padding with -inf, the softmax
// steps (softmax_steps.h), narrow, multiply, store. Rows too long for UB go in column tiles: an
// online pass for the running max and sum, then a second pass that reloads each tile and writes
// exp(x - max) / sum.
#include <cmath>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/rows/row_op.h"

namespace npu::compiler {
namespace {

using rowvec::Region;
using rowvec::RowCount;

OpKernel build_softmax(const OpSpec& spec, const config::ChipConfig& chip) {
  const RowShape shape = row_op_shape(spec);
  const isa::DataType type = row_op_dtype(spec);
  RowTiles tiles{true, 0, 0, false};
  RowOpFrame f = begin_row_op("softmax", shape, type, chip, tiles, {});
  OpKernel& r = f.op;
  const RowLayout& l = f.layout;
  const rowvec::SoftmaxScratch w = row_scratch();
  const Region x{"x", 0};
  // The last step, y = exp(x - max) * (1 / sum), in row_step_type: bc2 = 1 / sum broadcast
  // (staged through c when it is narrowed).
  const std::vector<OutputStep> scale{{"vmul", w.bc2, true}};
  r.kernel.body = row_block_loop(l, {}, [&](const Affine& block, const RowCount& rows) {
    Body b;
    if (l.column_tiles == 1) {
      load_block(b, "x", type, l, block, rows, "", rowvec::kF32MinusInf);
      rowvec::softmax_exp_sum(b, w, x, rows, l.pitch);
      broadcast_row_values(b, type, w.bc2, w.t, w.c, rows);
      store_block(b, "y", type, l, block, rows, x, "", scale);
      return b;
    }
    rowvec::online_softmax_init(b, w, rows);
    Body stats;
    load_block(stats, "x", type, l, block, rows, "ct", rowvec::kF32MinusInf);
    rowvec::online_softmax_tile(stats, w, x, rows, l.pitch);
    b.push_back(make_loop("ct", l.column_tiles, false, std::move(stats)));
    rowvec::online_softmax_finish(b, w, rows);  // bc2 = 1 / sum broadcast in fp32
    if (row_step_type(type) != isa::DataType::kF32)
      broadcast_row_values(b, type, w.bc2, w.s, w.c, rows);
    Body apply;
    load_second_pass_tile(apply, "x", {}, type, l, block, rows, "cu");
    rowvec::exp_shifted_tile(apply, w, x, rows, l.pitch);
    store_block(apply, "y", type, l, block, rows, x, "cu", scale);
    b.push_back(make_loop("cu", l.column_tiles, false, std::move(apply)));
    return b;
  });
  r.flops = 5.0 * static_cast<double>(shape.rows * shape.cols);
  // fp32: exp and the pairwise sum add a few ulps; values are <= 1. fp16: exp(x - max)
  // rounded to fp16, 1 / sum rounded to fp16 and their product rounded: 3 x 2^-11 < 2e-3.
  set_row_tolerance(r, type, 1e-5, 1e-7);
  return r;
}

Tensors reference_softmax(const OpSpec& spec, const Tensors& in) {
  const RowShape s = row_op_shape(spec);
  std::vector<double> y(in[0].size());
  for (int64_t i = 0; i < s.rows; ++i) {
    const double* x = &in[0][static_cast<size_t>(i * s.cols)];
    double m = x[0];
    for (int64_t c = 1; c < s.cols; ++c) m = std::max(m, x[c]);
    double sum = 0;
    for (int64_t c = 0; c < s.cols; ++c) sum += std::exp(x[c] - m);
    for (int64_t c = 0; c < s.cols; ++c)
      y[static_cast<size_t>(i * s.cols + c)] = std::exp(x[c] - m) / sum;
  }
  return {y};
}

}  // namespace

const OpDef& softmax_op() {
  static const OpDef def{"softmax",
                         {"rows", "cols", "dtype"},
                         "softmax rows=4096 cols=1024 dtype=fp16",
                         build_softmax,
                         reference_softmax};
  return def;
}

}  // namespace npu::compiler
