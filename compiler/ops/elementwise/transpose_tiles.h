// Batched matrix transposes through UB: Y[b][c][r] = X[b][r][c], the generator pieces of the
// `transpose` op, shared with the ops that change a tensor's layout on the way in or out (the
// NCHW phases of conv2d). Row panels (one row tile of one matrix) are the unit of work; a panel
// walks its column tiles, double buffered. Two ways:
//
// 16-bit types (fp16, bf16, int16): 16 x 16 blocks. MTE2 copies each 16-column slice of the
// tile's rows into UB (rows of 32 B, so every 16 rows form one contiguous block), `vtranspose`
// turns each block around into the output tile, laid out so that each 16-row strip of X becomes
// 32-byte row segments of Y, and MTE3 writes each strip's segments with one padded copy.
//
// fp32: per-block reductions. MTE2 copies the tile with each GM row in its own UB row of m blocks
// of 32 B; one `vcgmax` per column, with a mask keeping one lane of every block and a block
// stride of one UB row, gathers that column (8 rows per repeat, each block's only active
// element, exact) into a contiguous row; MTE3 writes the rows. Masks are shared by the columns
// of one lane; they are left set, so vector code after an fp32 transpose sets its own.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/kernel_ir.h"
#include "isa/types.h"

namespace npu::compiler {

struct TransposePlan {
  isa::DataType dtype = isa::DataType::kF16;
  int64_t batch = 1, rows = 1, cols = 1;  // X is batch x rows x cols
  bool blocks = true;                     // 16 x 16 blocks (else fp32 reductions)
  int64_t rb = 0, cb = 0;                 // a tile: rb rows x cb columns of X
  int64_t m = 0;                          // fp32: 32-byte blocks per UB row of the input tile
  uint64_t in_bytes = 0, out_bytes = 0;   // the UB tiles, each double buffered
  int64_t row_tiles() const;
  int64_t panels() const { return batch * row_tiles(); }
};

// The names a transpose reads and writes: GM arguments and its two UB tiles.
struct TransposeNames {
  std::string src = "x", dst = "y";
  std::string in_tile = "x_ub", out_tile = "y_ub";
};

// The longest row or column (elements) a transpose handles (the copies' 20-bit GM gap).
int64_t transpose_max_extent(isa::DataType dt);

// Types a transpose handles: fp16, bf16, int16, fp32.
bool transposable(isa::DataType dt);

// The tiles for `batch` rows x cols matrices of a transposable type whose extents are at most
// transpose_max_extent: the largest row count for which input and output tiles fit twice in
// `ub_bytes`. UserError naming `op` and the chip when not even one 16 (8) row tile fits.
TransposePlan plan_transpose(int64_t batch, int64_t rows, int64_t cols, isa::DataType dt,
                             int64_t ub_bytes, const std::string& op,
                             const std::string& chip_name);

// Adds the two UB tiles (double buffered) to the kernel.
void add_transpose_tiles(Kernel& k, const TransposePlan& p, const TransposeNames& names);

// What must run once before the first panel (fp32: normal mask mode).
Body transpose_setup(const TransposePlan& p);

// Panel `panel` (a variable, 0 .. panels() - 1): lets `b` (matrix) and `rbi` (row tile), and a
// `for q` over the column tiles.
Body transpose_panel(const TransposePlan& p, const std::string& panel, const TransposeNames& names);

}  // namespace npu::compiler
