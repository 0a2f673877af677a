// A batch of R x C matrices cut into rb x cb tiles and dealt to the vector workers so that each
// worker runs a sequence of tiles (what double buffering overlaps): the loops
//
//   pfor p in panels { let batch indices, row panel, column panel from p;
//     for rt in row tiles of the panel { for ct in column tiles of the panel {
//       [if the tile exists] tile_body } } }
//
// A panel is one batch entry's block of row tiles x column tiles; panels are made small enough
// that every worker gets one when the tensor allows. The tile body addresses its tile through
// the affine row / column starts and the tail-selecting row / column counts below. Shared by the
// GM permute (transpose.h) and the general broadcasting binary ops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/kernel_ir.h"

namespace npu::compiler {

// Rows per tile for R rows (per batch entry of `entries`) cut into tiles of at most `most` rows:
// the rows a worker gets split evenly into its tiles, so that the tiles deal out to every worker
// (8192 rows, 32 workers, at most 25 rows: 24, 11 tiles each, not 25 on 30 workers).
int64_t balanced_tile_rows(int64_t R, int64_t most, int64_t entries, int64_t workers);

class TileGrid {
 public:
  // `batch`: the batch dimensions (outermost first, may be empty); R x C matrices cut into
  // rb x cb tiles; `prefix` starts every loop variable name; `workers` the vector workers.
  TileGrid(std::vector<int64_t> batch, int64_t R, int64_t C, int64_t rb, int64_t cb,
           int64_t workers, std::string prefix = "");

  int64_t rows() const { return m_R; }
  int64_t cols() const { return m_C; }
  int64_t tile_rows() const { return m_rb; }
  int64_t tile_cols() const { return m_cb; }
  int64_t row_tiles() const { return m_RB; }
  int64_t col_tiles() const { return m_CB; }
  int64_t panels() const;  // iterations of the pfor

  // sum of batch index i times strides[i] (one stride per batch dimension).
  Affine batch_offset(const std::vector<int64_t>& strides) const;
  // The global row / column tile index (affine in the loop variables).
  Affine row_tile() const;
  Affine col_tile() const;
  // The first row / column of the tile times `scale`.
  Affine row_start(int64_t scale) const;
  Affine col_start(int64_t scale) const;
  // Rows / columns of the tile (the ragged last ones hold the tails), times `scale`, plus `add`.
  Value rows_value(int64_t scale = 1, int64_t add = 0) const;
  Value cols_value(int64_t scale = 1, int64_t add = 0) const;
  // `last` on the last row (column) tile and `full` on the others.
  Value on_last_row(int64_t last, int64_t full) const;
  Value on_last_col(int64_t last, int64_t full) const;
  Condition not_last_row() const;
  Condition not_last_col() const;
  int64_t row_tail() const { return m_rtail; }
  int64_t col_tail() const { return m_ctail; }

  // The loops around `tile_body`.
  Stmt loops(Body tile_body) const;

 private:
  std::string var(const char* name) const { return m_prefix + name; }

  std::vector<int64_t> m_batch;
  int64_t m_R, m_C, m_rb, m_cb;
  std::string m_prefix;
  int64_t m_RB = 1, m_CB = 1, m_rtail = 0, m_ctail = 0;
  int64_t m_TR = 1, m_TC = 1;  // row / column tiles per panel
  int64_t m_RP = 1, m_CP = 1;  // row / column panels per batch entry
};

}  // namespace npu::compiler
