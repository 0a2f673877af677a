// The row-block scheme shared by the row ops (softmax, layernorm, rmsnorm, reductions): a
// rows x cols matrix in GM is cut into blocks of whole rows that fit in UB; the blocks are
// spread over the vector cores (the AIVs on split chips, every core on coupled ones) and each
// core walks its blocks in a double-buffered loop (load block i+1 and store block i-1 while
// computing block i). Rows are kept in UB as fp32 with a pitch rounded up to a 64-element
// vector repeat (row_vector.h works on that form).
//
// When a row does not fit (too long for UB or for a vector repeat count), the op walks the row
// in column tiles of `tile_cols` columns (`column_tiles` > 1): a first pass over the tiles
// accumulates per-row statistics, a second applies them (online softmax; sums for the norms).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "compiler/ir/kernel_ir.h"
#include "compiler/ops/rows/row_vector.h"
#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::compiler {

struct RowLayout {
  int64_t rows = 1, cols = 1;
  int64_t tile_cols = 1;     // columns held in UB at once (== cols unless column-tiled)
  int64_t column_tiles = 1;  // ceil(cols / tile_cols)
  int64_t pitch = 64;        // fp32 elements per row of a UB tile (tile_cols rounded up to 64)
  int64_t block_rows = 1;    // rows per block
  int64_t blocks = 1;        // ceil(rows / block_rows)
  int64_t workers = 1;       // cores the blocks are spread over (AIVs on split chips)
  int64_t rounds = 1;        // blocks per worker: ceil(blocks / workers)
  uint32_t block_dim = 1;    // launch size (AI cores)
  int64_t tail_rows() const { return rows - (blocks - 1) * block_rows; }
  int64_t last_tile_cols() const { return cols - (column_tiles - 1) * tile_cols; }
};

// UB bytes an op needs for a block of `rows` rows of `pitch` fp32 elements (every tile,
// double-buffered ones twice, each rounded to the UB alignment).
using UbBytes = std::function<int64_t(int64_t rows, int64_t pitch)>;

// Picks the block size (and column tiles when a row does not fit even alone) for the chip:
// the largest block that fits UB, leaves every worker at least one block and, while a block
// holds more than 8 KiB of input (`element_bytes` per element in GM), at least 32 blocks (a
// short pipeline fill). Throws a UserError naming `op` when not even one row of one 64-column
// tile fits.
RowLayout choose_row_layout(const std::string& op, int64_t rows, int64_t cols,
                            int64_t element_bytes, const config::ChipConfig& chip,
                            const UbBytes& ub_bytes);

// The launch shape of the row scheme: which cores run the body and how many workers exist.
CoreSelect row_cores(const config::ChipConfig& chip);

// Emits the block loop: `pfor w in workers { [per_worker] for i in rounds { if block < blocks
// { body(block) } } }` with block = i * workers + w. `body` receives the block index (affine)
// and the block's row count (the last block may be shorter).
Body row_block_loop(
    const RowLayout& layout, Body per_worker,
    const std::function<Body(const Affine& block, const rowvec::RowCount& rows)>& body);

// GM rows -> UB: rows of `cols` elements of `type` starting at element (row0, col0) of a GM
// matrix with `gm_cols` columns, into UB rows `pitch` elements apart (padding bytes beyond the
// data are unspecified).
Stmt load_rows(const std::string& ub_tile, const std::string& gm_arg, isa::DataType type,
               const Affine& first_element, const rowvec::RowCount& rows, const Value& cols,
               int64_t gm_cols, int64_t pitch, int64_t ub_offset = 0);
// UB rows -> GM, the inverse (exactly `cols` elements per row written).
Stmt store_rows(const std::string& gm_arg, const std::string& ub_tile, isa::DataType type,
                const Affine& first_element, const rowvec::RowCount& rows, const Value& cols,
                int64_t gm_cols, int64_t pitch);

// Column tiles of at most `max_tile` columns (a multiple of 64) for rows of `cols` elements of
// `es` bytes: as even as 64-column steps allow, and narrow enough that a copy of the shorter
// last tile into rows of the full tile's pitch has a UB row gap the copy can encode.
int64_t balanced_tile_cols(int64_t cols, int64_t max_tile, int64_t es);

// The largest GM gap a row copy can skip between rows (pad word gm_gap).
constexpr int64_t kMaxGmGap = (int64_t{1} << 20) - 1;

// Bytes of a UB tile of `bytes`, rounded to the chip's UB alignment and to whole repeats.
int64_t ub_tile_bytes(int64_t bytes);

}  // namespace npu::compiler
