// The row-block scheme (see row_tiling.h).
#include "compiler/ops/rows/row_tiling.h"

#include <algorithm>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"

namespace npu::compiler {

using ir::ceil_div;
using ir::round_up;

namespace {

constexpr int64_t kMaxPitch = 64 * rowvec::kMaxRepeat;  // one row: <= 255 repeats
constexpr int64_t kMaxBlockRows = rowvec::kMaxRepeat;   // one repeat per row in column form
constexpr int64_t kMinRounds = 32;
constexpr int64_t kMinBlockBytes = 8192;

int64_t workers_per_core(const config::ChipConfig& chip) {
  return chip.split() ? static_cast<int64_t>(chip.chip.aiv_per_core) : 1;
}

}  // namespace

int64_t ub_tile_bytes(int64_t bytes) { return round_up(std::max<int64_t>(bytes, 1), 256); }

int64_t balanced_tile_cols(int64_t cols, int64_t max_tile, int64_t es) {
  constexpr int64_t kMaxGap = 255 * 32;  // pad word local_gap: 255 x 32 B
  int64_t tile = max_tile;
  for (;;) {
    const int64_t tiles = ceil_div(cols, tile);
    const int64_t even = std::min(tile, round_up(ceil_div(cols, tiles), 64));
    const int64_t last = cols - (tiles - 1) * even;
    if (tiles == 1 || (even - round_up(last * es, 32) / es) * es <= kMaxGap) return even;
    tile -= 64;  // a gap is at most the pitch; rows of <= 8160 B always fit
  }
}

CoreSelect row_cores(const config::ChipConfig& chip) {
  return chip.split() ? CoreSelect::kAiv : CoreSelect::kAll;
}

RowLayout choose_row_layout(const std::string& op, int64_t rows, int64_t cols,
                            int64_t element_bytes, const config::ChipConfig& chip,
                            const UbBytes& ub_bytes) {
  const int64_t ub = static_cast<int64_t>(chip.buffers.ub_bytes);
  const int64_t per_core = workers_per_core(chip);
  const int64_t max_workers = static_cast<int64_t>(chip.chip.cores) * per_core;
  if (ub <= 0 || max_workers <= 0)
    throw UserError("chip '" + chip.name + "' has no unified buffer for '" + op + "'");
  RowLayout l;
  l.rows = rows;
  l.cols = cols;
  auto fits = [&](int64_t r, int64_t pitch) { return ub_bytes(r, pitch) <= ub; };
  int64_t pitch = round_up(cols, 64);
  if (pitch <= kMaxPitch && fits(1, pitch)) {
    l.tile_cols = cols;
  } else {
    // Column tiles: the widest multiple of 64 columns that fits a few rows (one if need be).
    int64_t want_rows = std::min<int64_t>(rows, 8);
    int64_t tc = std::min(kMaxPitch, round_up(cols, 64));
    while (tc > 64 && !fits(want_rows, tc)) tc -= 64;
    if (!fits(1, tc))
      throw UserError("'" + op + "' does not fit the unified buffer of chip '" + chip.name + "' (" +
                      std::to_string(ub) + " B): one row of 64 columns needs " +
                      std::to_string(ub_bytes(1, 64)) + " B");
    l.tile_cols = balanced_tile_cols(cols, tc, 4);
  }
  l.column_tiles = ceil_div(cols, l.tile_cols);
  l.pitch = round_up(l.tile_cols, 64);
  // The most rows that fit, then as few rounds over the workers as that allows, with the rows
  // spread evenly over them.
  int64_t fit = std::min<int64_t>({kMaxBlockRows, rows, 4095});
  // A copy of several rows skips the other columns with a GM gap of at most 2^20 - 1 bytes;
  // longer rows go one per block.
  if ((cols - l.tile_cols) * 4 > kMaxGmGap) fit = 1;
  while (fit > 1 && !fits(fit, l.pitch)) --fit;
  // Pipeline fill and drain: a worker's first block is loaded before any vector work starts
  // and its last one stored after it all, so blocks are kept small enough for each worker to
  // walk at least kMinRounds of them, but not under kMinBlockBytes of input, below which one GM
  // read gets a small share of the path's bandwidth (config mte.gm_efficiency).
  const int64_t row_bytes = l.tile_cols * element_bytes;
  fit = std::min(
      fit, std::max(ceil_div(kMinBlockBytes, row_bytes), ceil_div(rows, max_workers * kMinRounds)));
  // A few more rounds of smaller blocks can balance the workers better (blocks go round-robin,
  // so a worker gets at most ceil(blocks / workers) of them): take one when it cuts the largest
  // share of rows by more than 2%.
  auto most_rows = [&](int64_t r) {
    int64_t b = std::max<int64_t>(1, ceil_div(rows, max_workers * r));
    return ceil_div(ceil_div(rows, b), max_workers) * b;
  };
  int64_t rounds = ceil_div(rows, max_workers * fit);
  for (int64_t r = rounds + 1; r <= rounds + 2; ++r)
    if (most_rows(r) * 102 < most_rows(rounds) * 100) rounds = r;
  l.block_rows = std::max<int64_t>(1, ceil_div(rows, max_workers * rounds));
  l.blocks = ceil_div(rows, l.block_rows);
  l.block_dim = static_cast<uint32_t>(
      std::min<int64_t>(static_cast<int64_t>(chip.chip.cores), ceil_div(l.blocks, per_core)));
  l.workers = static_cast<int64_t>(l.block_dim) * per_core;
  l.rounds = ceil_div(l.blocks, l.workers);
  return l;
}

Body row_block_loop(
    const RowLayout& l, Body per_worker,
    const std::function<Body(const Affine& block, const rowvec::RowCount& rows)>& body) {
  Affine block = ir::var_expr("rb", l.workers).add("w", 1);
  rowvec::RowCount rows{l.block_rows, l.tail_rows(), std::nullopt};
  if (l.tail_rows() != l.block_rows) rows.last = Condition{block, Condition::Op::kEq, l.blocks - 1};
  Body inner = body(block, rows);
  Body round;
  if (l.rounds * l.workers == l.blocks) {
    round = std::move(inner);
  } else {
    round.push_back(make_if(Condition{block, Condition::Op::kLt, l.blocks}, std::move(inner)));
  }
  Body worker = std::move(per_worker);
  worker.push_back(make_loop("rb", l.rounds, false, std::move(round)));
  Body out;
  out.push_back(make_loop("w", l.workers, true, std::move(worker)));
  return out;
}

namespace {

// The pad word of a row copy: rows of `cols` elements, GM rows `gm_cols` apart, UB rows
// `pitch` elements apart.
std::vector<Field> row_copy_fields(isa::DataType type, const rowvec::RowCount& rows,
                                   const Value& cols, int64_t gm_cols, int64_t pitch) {
  const int64_t es = isa::element_size(type);
  auto map = [&](auto fn) {
    Value v = cols;
    v.value = fn(cols.value);
    v.other = fn(cols.other);
    return v;
  };
  Value bytes = map([&](int64_t c) { return c * es; });
  // One burst: the gap is never used (and may be too large to encode).
  const bool one_row = rows.full == 1 && rows.tail == 1;
  Value gm_gap = map([&](int64_t c) { return one_row ? 0 : (gm_cols - c) * es; });
  Value local_gap = map([&](int64_t c) { return (pitch * es - round_up(c * es, 32)) / 32; });
  return {ir::field("nburst", rows.value()), ir::field("burst_bytes", bytes),
          ir::field("gm_gap", gm_gap), ir::field("local_gap", local_gap)};
}

}  // namespace

Stmt load_rows(const std::string& ub_tile, const std::string& gm_arg, isa::DataType type,
               const Affine& first_element, const rowvec::RowCount& rows, const Value& cols,
               int64_t gm_cols, int64_t pitch, int64_t ub_offset) {
  Affine addr = first_element;
  const int64_t es = isa::element_size(type);
  addr.constant *= es;
  for (auto& t : addr.terms) t.second *= es;
  return ir::op("copy_gm_to_ub_pad." + std::string(isa::name(type)),
                {ir::tile(ub_tile, ub_offset), ir::gm(gm_arg, addr)},
                row_copy_fields(type, rows, cols, gm_cols, pitch));
}

Stmt store_rows(const std::string& gm_arg, const std::string& ub_tile, isa::DataType type,
                const Affine& first_element, const rowvec::RowCount& rows, const Value& cols,
                int64_t gm_cols, int64_t pitch) {
  Affine addr = first_element;
  const int64_t es = isa::element_size(type);
  addr.constant *= es;
  for (auto& t : addr.terms) t.second *= es;
  return ir::op("copy_ub_to_gm_pad", {ir::gm(gm_arg, addr), ir::tile(ub_tile)},
                row_copy_fields(type, rows, cols, gm_cols, pitch));
}

}  // namespace npu::compiler
