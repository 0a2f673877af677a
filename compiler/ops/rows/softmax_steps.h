// The steps of a numerically stable row softmax on fp32 rows in UB, as IR, for any generator
// that needs one (softmax, attention): the whole softmax of rows held at once, and the online
// form over column tiles (running max m and sum s per row, Milakov & Gimelshein 2018) that
// attention's flash loop and softmax's column-tiled path use. Rows follow row_vector.h: `pitch`
// fp32 elements per row, padding filled with -inf before these run.
#pragma once

#include <cstdint>

#include "compiler/ir/kernel_ir.h"
#include "compiler/ops/rows/row_vector.h"

namespace npu::compiler::rowvec {

// UB regions the steps use besides the rows: reduction scratch (reduce_scratch_bytes), four
// per-row fp32 vectors (rows rounded up to 64) and two broadcast tiles (32 B per row).
struct SoftmaxScratch {
  Region red;
  Region m, s, t, c;  // running max, running sum, tile statistic, correction factor
  Region bc, bc2;
};

// x[r][:] = exp(x[r][:] - max_r) in place and t[r] = 1 / sum of them: a softmax but for the
// final multiply, which the caller does in the type it chooses (bc holds max broadcast).
void softmax_exp_sum(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                     int64_t pitch);
// x[r][:] = softmax(x[r][:]) in place (softmax_exp_sum, then the multiply by 1 / sum in fp32).
void softmax_rows(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                  int64_t pitch);

// m = -inf, s = 0 for `rows` rows.
void online_softmax_init(Body& out, const SoftmaxScratch& w, const RowCount& rows);

// One column tile of the online softmax: m' = max(m, rowmax(x)); c = exp(m - m');
// s = s * c + rowsum(exp(x - m')); m = m'. Leaves x = exp(x - m') and c (what an attention
// accumulator is rescaled by) in place.
void online_softmax_tile(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                         int64_t pitch);

// After the last tile: bc = m broadcast, bc2 = 1 / s broadcast (s is replaced by 1 / s), so
// that a second pass computes y = exp(x - bc) * bc2 with normalize_tile.
void online_softmax_finish(Body& out, const SoftmaxScratch& w, const RowCount& rows);
// x = exp(x - bc), bc a per-row value in broadcast form (the max).
void exp_shifted_tile(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                      int64_t pitch);
// x = exp(x - bc) * bc2 (second pass of the column-tiled softmax, all in fp32).
void normalize_tile(Body& out, const SoftmaxScratch& w, const Region& x, const RowCount& rows,
                    int64_t pitch);

}  // namespace npu::compiler::rowvec
