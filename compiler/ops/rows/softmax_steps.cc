// Row softmax steps (see softmax_steps.h).
#include "compiler/ops/rows/softmax_steps.h"

namespace npu::compiler::rowvec {
namespace {

RowCount vector_repeats(const RowCount& rows) { return rows.div_up(kF32PerRepeat); }

void exp_rows(Body& out, const Region& x, const RowCount& rows, int64_t pitch) {
  elementwise(out, "vexp.f32", {x}, {{x}}, rows.scaled(pitch / kF32PerRepeat));
}

}  // namespace

void softmax_exp_sum(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                     int64_t pitch) {
  row_reduce(out, Reduce::kMax, x, rows, pitch, w.red, w.t);
  broadcast_rows(out, w.bc, w.t, rows);
  exp_shifted_tile(out, w, x, rows, pitch);
  row_reduce(out, Reduce::kSum, x, rows, pitch, w.red, w.t);
  elementwise(out, "vrec.f32", {w.t}, {{w.t}}, vector_repeats(rows));
}

void softmax_rows(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                  int64_t pitch) {
  softmax_exp_sum(out, w, x, rows, pitch);
  broadcast_rows(out, w.bc, w.t, rows);
  row_broadcast_binary(out, "vmul.f32", x, x, w.bc, rows, pitch);
}

void online_softmax_init(Body& out, const SoftmaxScratch& w, const RowCount& rows) {
  elementwise(out, "vdup.f32", {w.m}, {}, vector_repeats(rows), kF32MinusInf);
  elementwise(out, "vdup.f32", {w.s}, {}, vector_repeats(rows), kF32Zero);
}

void online_softmax_tile(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                         int64_t pitch) {
  const RowCount v = vector_repeats(rows);
  row_reduce(out, Reduce::kMax, x, rows, pitch, w.red, w.t);
  elementwise(out, "vmax.f32", {w.t}, {{w.t}, {w.m}}, v);  // t = m'
  elementwise(out, "vsub.f32", {w.c}, {{w.m}, {w.t}}, v);  // c = m - m'
  elementwise(out, "vexp.f32", {w.c}, {{w.c}}, v);         // c = exp(m - m')
  elementwise(out, "vcopy.f32", {w.m}, {{w.t}}, v);        // m = m'
  elementwise(out, "vmul.f32", {w.s}, {{w.s}, {w.c}}, v);  // s *= c
  broadcast_rows(out, w.bc, w.m, rows);
  exp_shifted_tile(out, w, x, rows, pitch);
  row_reduce(out, Reduce::kSum, x, rows, pitch, w.red, w.t);
  elementwise(out, "vadd.f32", {w.s}, {{w.s}, {w.t}}, v);  // s += rowsum
}

void online_softmax_finish(Body& out, const SoftmaxScratch& w, const RowCount& rows) {
  elementwise(out, "vrec.f32", {w.s}, {{w.s}}, vector_repeats(rows));
  broadcast_rows(out, w.bc, w.m, rows);
  broadcast_rows(out, w.bc2, w.s, rows);
}

void exp_shifted_tile(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                      int64_t pitch) {
  row_broadcast_binary(out, "vsub.f32", x, x, w.bc, rows, pitch);
  exp_rows(out, x, rows, pitch);
}

void normalize_tile(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                    int64_t pitch) {
  exp_shifted_tile(out, w, x, rows, pitch);
  row_broadcast_binary(out, "vmul.f32", x, x, w.bc2, rows, pitch);
}

}  // namespace npu::compiler::rowvec
