// Batched matrix transposes through UB: Y[b][c][r] = X[b][r][c], the generator pieces of the
// `transpose` op, shared with the ops that change a tensor's layout on the way in or out (the
// NCHW phases of conv2d). A unit of work is a row panel (one row tile of one matrix), or a
// group of a panel's column tiles when there are fewer panels than workers; it walks its column
// tiles, double buffered. By type:
//
// 16-bit types (fp16, bf16, int16): 16 x 16 blocks. MTE2 copies each 16-column slice of the
// tile's rows into UB (rows of 32 B, so every 16 rows form one contiguous block), `vtranspose`
// turns each block around into the output tile, laid out so that each 16-row strip of X becomes
// 32-byte row segments of Y, and MTE3 writes each strip's segments with one padded copy.
//
// int8: the same blocks on exact fp16 copies (slices of 32 columns, `vconv` widening, strided
// `vcopy` to split and later interleave the 32-byte halves, `vconv` narrowing), so each row of
// Y leaves in 32-row segments.
//
// fp32: per-block reductions. MTE2 copies the tile with each GM row in its own UB row of m blocks
// of 32 B; one `vcgmax` per column, with a mask keeping one lane of every block and a block
// stride of one UB row, gathers that column (8 rows per repeat, each block's only active
// element, exact) into a contiguous row; MTE3 writes the rows. Masks are shared by the columns
// of one lane; they are left set, so vector code after an fp32 transpose sets its own.
//
// int32: the fp32 reductions on two halves that are exact fp32 numbers (v = hi * 2^16 + lo),
// split and joined by shifts, a subtraction, an addition and conversions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "isa/types.h"

namespace npu::compiler {

struct TransposePlan {
  isa::DataType dtype = isa::DataType::kF16;
  int64_t batch = 1, rows = 1, cols = 1;  // X is batch x rows x cols
  enum class Kind : uint8_t { kBlocks, kInt8Blocks, kReductions, kInt32Halves };
  Kind kind = Kind::kBlocks;
  int64_t rb = 0, cb = 0;                // a tile: rb rows x cb columns of X
  int64_t m = 0;                         // 32-bit: 32-byte blocks per UB row of the input tile
  uint64_t in_bytes = 0, out_bytes = 0;  // the UB tiles, each double buffered
  // int8 / int32: two single-buffered temporaries of each size (fp16 copies, fp32 halves).
  uint64_t in_temp_bytes = 0, out_temp_bytes = 0;
  int64_t col_groups = 1;  // units per panel (spread_transpose)
  int64_t row_tiles() const;
  int64_t col_tiles() const;
  int64_t panels() const { return batch * row_tiles(); }
  int64_t units() const { return panels() * col_groups; }
};

// The names a transpose reads and writes: GM arguments and its two UB tiles.
struct TransposeNames {
  std::string src = "x", dst = "y";
  std::string in_tile = "x_ub", out_tile = "y_ub";
};

// The longest row or column (elements) a transpose handles (the copies' 20-bit GM gap).
int64_t transpose_max_extent(isa::DataType dt);

// Types a transpose handles: fp16, bf16, int16, fp32, int8, int32.
bool transposable(isa::DataType dt);

// The tiles for `batch` rows x cols matrices of a transposable type whose extents are at most
// transpose_max_extent: the widest column tile (up to 128 columns; 64 for 32-bit types) for
// which a tile of the kind's smallest row count fits `ub_bytes` (input and output tiles twice,
// temporaries once), then the most rows. UserError naming `op` and the chip when nothing fits.
TransposePlan plan_transpose(int64_t batch, int64_t rows, int64_t cols, isa::DataType dt,
                             int64_t ub_bytes, const std::string& op, const std::string& chip_name);

// Adds the UB tiles to the kernel: `names.in_tile` and `names.out_tile` (double buffered) and
// for int8 / int32 four temporaries named after them.
void add_transpose_tiles(Kernel& k, const TransposePlan& p, const TransposeNames& names);

// What must run once before the first panel (mask mode and mask, for the kinds that use them).
Body transpose_setup(const TransposePlan& p);

// Splits each panel's column tiles into groups so that `workers` have about one unit each.
void spread_transpose(TransposePlan& p, int64_t workers);

// Unit `unit` (a variable, 0 .. units() - 1): lets `b` (matrix), `rbi` (row tile) and, with
// column groups, `qg` / `qp`, and a `for` over the unit's column tiles.
Body transpose_unit(const TransposePlan& p, const std::string& unit, const TransposeNames& names);

}  // namespace npu::compiler
