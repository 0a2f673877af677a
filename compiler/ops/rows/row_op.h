// What the row ops (softmax, layernorm, rmsnorm, reduce_*) share around their vector math:
// the float dtype key, the UB tiles of a row block (input in its GM type, fp32 work rows,
// output in its GM type, reduction scratch, per-row statistics and their broadcast form), the
// load + convert-to-fp32 at the top of a block and the convert + store at its end, and the
// per-column parameter vectors (gamma, beta) loaded once per core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "compiler/ops/op_spec.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/rows/row_tiling.h"
#include "compiler/ops/rows/row_vector.h"
#include "compiler/ops/rows/softmax_steps.h"

namespace npu::compiler {

// The `dtype` key of a row op: fp16 (default), bf16 or fp32.
isa::DataType row_op_dtype(const OpSpec& spec);

// Tiles every row op uses, named as in the kernel: x_in (double, GM type), x (fp32 rows),
// y_out (double, GM type; one value per row when !rows_out), red (reduction scratch),
// stat .. stat4 (one fp32 per row) and bc, bc2 (per-row values broadcast, 32 B per row).
struct RowTiles {
  bool rows_out = true;      // the output has the input's shape (else one value per row)
  int extra_fp32_rows = 0;   // more fp32 row tiles the op needs (named t0, t1, ...)
  int column_vectors = 0;    // per-column fp32 vectors (g0, g1, ...) loaded once per core
  bool second_pass = false;  // column-tiled: a second input tile x_in2 for the second pass
};

// Those scratch tiles as the softmax steps name them (red; m, s, t, c = stat .. stat4; bc, bc2).
rowvec::SoftmaxScratch row_scratch();

// UB bytes for `rows` rows of `pitch` elements (for choose_row_layout).
int64_t row_tiles_bytes(const RowTiles& t, isa::DataType type, int64_t rows, int64_t pitch);
// The layout for a row op with these tiles; when rows need column tiles, the op reads its input
// twice (statistics, then output) and tiles.second_pass is set so each pass has its own
// double-buffered input tile.
RowLayout choose_row_op_layout(const std::string& op, int64_t rows, int64_t cols,
                               isa::DataType type, const config::ChipConfig& chip, RowTiles& tiles);
// Declares the tiles in the kernel.
void declare_row_tiles(Kernel& k, const RowTiles& t, isa::DataType type, const RowLayout& l);

// Loads the block's rows (column tile `tile_var` of them when the layout is column-tiled, else
// whole rows; pass "") into x_in and converts them to fp32 rows in x. When `pad_bits` is
// given, the row padding of x (only the last column tile has any) gets that value.
void load_block(Body& out, const std::string& gm_arg, isa::DataType type, const RowLayout& l,
                const Affine& block, const rowvec::RowCount& rows, const std::string& tile_var,
                std::optional<int64_t> pad_bits);
// The type the last steps of a row op (softmax's 1 / sum, the norms' gamma and beta) run in:
// fp16 outputs are narrowed first and finished in fp16 (128 elements per vector repeat instead
// of 64, one fp16 rounding per step: docs/ops.md), every other type in fp32 before narrowing
// (the vector unit has no bf16 arithmetic).
isa::DataType row_step_type(isa::DataType type);

// A last step of a row op on its output rows: y = y OP operand (`op` without suffix: "vmul",
// "vadd"), the operand a per-row value in the broadcast form (broadcast_row_values) or a
// per-column vector, both in row_step_type.
struct OutputStep {
  std::string op;
  rowvec::Region operand;
  bool per_row = false;
};

// Runs `steps` on the fp32 rows at `src`, converts them to y_out and stores them (column tile
// `tile_var`, or ""): the steps run in fp32 on `src` before the conversion, or in fp16 on y_out
// after it.
void store_block(Body& out, const std::string& gm_arg, isa::DataType type, const RowLayout& l,
                 const Affine& block, const rowvec::RowCount& rows, const rowvec::Region& src,
                 const std::string& tile_var, const std::vector<OutputStep>& steps = {});
// bcast = the per-row fp32 values at `values`, broadcast in row_step_type(type) (fp16 goes
// through `staging`, one fp16 per row).
void broadcast_row_values(Body& out, isa::DataType type, const rowvec::Region& bcast,
                          const rowvec::Region& values, const rowvec::Region& staging,
                          const rowvec::RowCount& rows);
// The columns of column tile `tile_var` (select on the last tile), or all columns.
Value tile_columns(const RowLayout& l, const std::string& tile_var);
// Per worker, whole rows: loads the per-column vectors (gm args, elements of `type`) into g0,
// g1, ... in row_step_type(type) (fp32: widened through g_in); returns their regions.
std::vector<rowvec::Region> load_column_vectors(Body& out, const std::vector<std::string>& gm_args,
                                                isa::DataType type, const RowLayout& l);
// The second pass of a column-tiled op: loads column tile `tile_var` of the block's rows and of
// the per-column vectors into x_in2 (rows, then the vectors behind them: one write run, so one
// flag per slot), then widens the rows to x and the vectors (fp32 steps) to g0, g1, ...;
// returns the vectors' regions in row_step_type(type) (fp16: where they were loaded).
std::vector<rowvec::Region> load_second_pass_tile(Body& out, const std::string& gm_arg,
                                                  const std::vector<std::string>& vector_args,
                                                  isa::DataType type, const RowLayout& l,
                                                  const Affine& block, const rowvec::RowCount& rows,
                                                  const std::string& tile_var);

// stat[r] = 1 / sqrt(stat[r] / cols + eps): a row's sum of squares to its inverse RMS.
void inverse_rms(Body& out, const rowvec::Region& stat, const rowvec::RowCount& rows, int64_t cols,
                 double eps);

// The `eps` key of the norms (default 1e-5).
double norm_eps(const OpSpec& spec);

// Registers the common checks (rows, cols ranges; the launch) and fills the OpKernel's
// bookkeeping for a row op.
struct RowShape {
  int64_t rows = 1, cols = 1;
};
RowShape row_op_shape(const OpSpec& spec);

// "4096x1024 fp16, blocks of 13 rows over 48 cores[, column tiles of 2048]".
std::string describe_row_layout(const RowShape& shape, isa::DataType type, const RowLayout& l);

// The frame of a row op with rows-shaped output: the layout (choose_row_op_layout), the kernel
// named `op` on the vector cores with arguments x, the per-column vectors (cols elements each),
// y; its tiles, tensors, block_dim and summary. The op adds the body and flops.
struct RowOpFrame {
  OpKernel op;
  RowLayout layout;
};
RowOpFrame begin_row_op(const std::string& op, const RowShape& shape, isa::DataType type,
                        const config::ChipConfig& chip, RowTiles& tiles,
                        const std::vector<std::string>& column_vectors);

// Appends `body` to `out`, inside `for var in count` when the rows are column-tiled (count > 1).
void add_column_pass(Body& out, const std::string& var, int64_t count, Body body);

// Tolerances of a row op's output in `type` for values of magnitude ~1 (docs/ops.md).
void set_row_tolerance(OpKernel& r, isa::DataType type, double fp32_rtol, double fp32_atol);
// The norms' tolerances: outputs are O(1) (normalised values times gamma in [-1, 1] plus
// beta); fp32 sums of cols terms lose ~log2(cols) ulps.
void set_norm_tolerance(OpKernel& r, isa::DataType type);

}  // namespace npu::compiler
