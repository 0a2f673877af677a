// The tile grid of a batch of matrices dealt to the vector workers (see tile_grid.h).
#include "compiler/ops/elementwise/tile_grid.h"

#include <algorithm>
#include <utility>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"

namespace npu::compiler {

using ir::ceil_div;

int64_t balanced_tile_rows(int64_t R, int64_t most, int64_t entries, int64_t workers) {
  NPU_CHECK(R >= 1 && most >= 1 && entries >= 1 && workers >= 1, "bad tile rows");
  const int64_t per_worker = ceil_div(R, std::max<int64_t>(1, workers / entries));
  const int64_t rows = std::min(R, per_worker);
  return std::min(most, ceil_div(rows, ceil_div(rows, most)));
}

TileGrid::TileGrid(std::vector<int64_t> batch, int64_t R, int64_t C, int64_t rb, int64_t cb,
                   int64_t workers, std::string prefix)
    : m_batch(std::move(batch)), m_R(R), m_C(C), m_rb(rb), m_cb(cb), m_prefix(std::move(prefix)) {
  NPU_CHECK(R >= 1 && C >= 1 && rb >= 1 && cb >= 1 && workers >= 1, "bad tile grid");
  m_RB = ceil_div(R, rb);
  m_CB = ceil_div(C, cb);
  m_rtail = R - (m_RB - 1) * rb;
  m_ctail = C - (m_CB - 1) * cb;
  int64_t entries = 1;
  for (int64_t d : m_batch) entries *= d;
  // Panels per batch entry so that every worker gets one: rows are split first (whole rows keep
  // the column panels' copies long), then columns.
  const int64_t want = ceil_div(std::min(workers, entries * m_RB * m_CB), entries);
  m_RP = std::min(m_RB, want);
  m_TR = ceil_div(m_RB, m_RP);
  m_RP = ceil_div(m_RB, m_TR);
  m_CP = std::min(m_CB, ceil_div(want, m_RP));
  m_TC = ceil_div(m_CB, m_CP);
  m_CP = ceil_div(m_CB, m_TC);
}

int64_t TileGrid::panels() const {
  int64_t entries = 1;
  for (int64_t d : m_batch) entries *= d;
  return entries * m_RP * m_CP;
}

Affine TileGrid::batch_offset(const std::vector<int64_t>& strides) const {
  NPU_CHECK(strides.size() == m_batch.size(), "one stride per batch dimension");
  Affine a;
  for (size_t i = 0; i < m_batch.size(); ++i)
    if (m_batch[i] > 1 && strides[i] != 0) a.add(var("b") + std::to_string(i), strides[i]);
  return a;
}

Affine TileGrid::row_tile() const {
  Affine a;
  if (m_RP > 1) a.add(var("rp"), m_TR);
  if (m_TR > 1) a.add(var("rt"), 1);
  return a;
}

Affine TileGrid::col_tile() const {
  Affine a;
  if (m_CP > 1) a.add(var("cp"), m_TC);
  if (m_TC > 1) a.add(var("ct"), 1);
  return a;
}

Affine TileGrid::row_start(int64_t scale) const {
  return ir::affine_times(row_tile(), m_rb * scale);
}
Affine TileGrid::col_start(int64_t scale) const {
  return ir::affine_times(col_tile(), m_cb * scale);
}

Value TileGrid::on_last_row(int64_t last, int64_t full) const {
  if (m_RB == 1) return ir::constant(last);
  if (last == full) return ir::constant(full);
  return Value{last, Condition{row_tile(), Condition::Op::kEq, m_RB - 1}, full};
}

Value TileGrid::on_last_col(int64_t last, int64_t full) const {
  if (m_CB == 1) return ir::constant(last);
  if (last == full) return ir::constant(full);
  return Value{last, Condition{col_tile(), Condition::Op::kEq, m_CB - 1}, full};
}

Value TileGrid::rows_value(int64_t scale, int64_t add) const {
  return on_last_row(m_rtail * scale + add, m_rb * scale + add);
}

Value TileGrid::cols_value(int64_t scale, int64_t add) const {
  return on_last_col(m_ctail * scale + add, m_cb * scale + add);
}

Condition TileGrid::not_last_row() const { return {row_tile(), Condition::Op::kNe, m_RB - 1}; }
Condition TileGrid::not_last_col() const { return {col_tile(), Condition::Op::kNe, m_CB - 1}; }

Stmt TileGrid::loops(Body tile_body) const {
  // Guards for the tiles past the end of the last panels.
  Body guarded = std::move(tile_body);
  if (m_CP * m_TC > m_CB) {
    Body b;
    b.push_back(make_if(Condition{col_tile(), Condition::Op::kLt, m_CB}, std::move(guarded)));
    guarded = std::move(b);
  }
  if (m_RP * m_TR > m_RB) {
    Body b;
    b.push_back(make_if(Condition{row_tile(), Condition::Op::kLt, m_RB}, std::move(guarded)));
    guarded = std::move(b);
  }
  // for rt in TR { for ct in TC { ... } }, without the loops of one iteration (double buffering
  // unrolls the innermost loop that uses a tile, and lets may only read pfor variables).
  Body panel = std::move(guarded);
  for (const auto& [name, count] : {std::pair{"ct", m_TC}, std::pair{"rt", m_TR}}) {
    if (count <= 1) continue;
    Body loop;
    loop.push_back(make_loop(var(name), count, false, std::move(panel)));
    panel = std::move(loop);
  }
  // p = ((batch...) * RP + rp) * CP + cp.
  Body lets;
  std::string cur = var("p");
  int step = 0;
  auto split = [&](const std::string& name, int64_t count, bool last) {
    if (count <= 1) return;
    if (last) {
      lets.push_back(make_let(name, cur, true, count));
      return;
    }
    lets.push_back(make_let(name, cur, true, count));
    std::string next = var("q") + std::to_string(step++);
    lets.push_back(make_let(next, cur, false, count));
    cur = next;
  };
  int outermost = -1;  // the outermost dimension of more than one index
  for (size_t i = 0; i < m_batch.size(); ++i)
    if (m_batch[i] > 1) {
      outermost = static_cast<int>(i);
      break;
    }
  split(var("cp"), m_CP, outermost < 0 && m_RP <= 1);
  split(var("rp"), m_RP, outermost < 0);
  for (int i = static_cast<int>(m_batch.size()) - 1; i >= 0; --i)
    split(var("b") + std::to_string(i), m_batch[static_cast<size_t>(i)], i == outermost);
  for (Stmt& s : panel) lets.push_back(std::move(s));
  return make_loop(var("p"), panels(), true, std::move(lets));
}

}  // namespace npu::compiler
