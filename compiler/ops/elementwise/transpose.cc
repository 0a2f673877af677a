// The GM permute (see transpose.h): canonical form, the plan (a batch of R x C matrices with
// their input and output strides), and the tile code of its two ways (strided copy, 2-D
// transpose by 16 x 16 blocks or by per-block reductions) on a TileGrid.
#include "compiler/ops/elementwise/transpose.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <optional>
#include <utility>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/elementwise/tile_grid.h"
#include "compiler/ops/elementwise/vector_stream.h"
#include "compiler/passes/buffer_allocation.h"

namespace npu::compiler {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

namespace {

constexpr int64_t kMaxGmGap = 1048575;  // pad word gm_gap (bytes)
constexpr int64_t kMaxNburst = 4095;    // pad word nburst

std::string perm_text(const std::vector<int>& perm) {
  std::string out;
  for (int p : perm) out += (out.empty() ? "" : ",") + std::to_string(p);
  return out;
}

// A batch of R x C matrices: X[r][c] at in_row*r + c, and Y[r][c] at out_row*r + c (copy) or
// Y[c][r] at out_row*c + r (transpose); batch entry i adds in_batch[i] / out_batch[i] per index.
struct Plan {
  bool transpose = false;
  std::vector<int64_t> batch, in_batch, out_batch;
  int64_t R = 1, C = 1, in_row = 1, out_row = 1;
};

std::vector<int64_t> strides_of(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

Plan plan(const std::vector<int64_t>& shape, const std::vector<int>& perm) {
  CanonicalPermute cp = canonical_permute(shape, perm);
  Plan p;
  if (cp.shape.empty()) return p;  // one element
  const size_t k = cp.shape.size();
  const std::vector<int64_t> out_shape = permuted_shape(cp.shape, cp.perm);
  const std::vector<int64_t> in_stride = strides_of(cp.shape), out_stride = strides_of(out_shape);
  auto in_of = [&](size_t j) { return in_stride[static_cast<size_t>(cp.perm[j])]; };
  auto add_batch = [&](size_t j) {
    p.batch.push_back(out_shape[j]);
    p.in_batch.push_back(in_of(j));
    p.out_batch.push_back(out_stride[j]);
  };
  if (static_cast<size_t>(cp.perm[k - 1]) == k - 1) {  // the last dimension stays: copies
    p.C = cp.shape[k - 1];
    p.in_row = p.out_row = p.C;
    if (k >= 2) {
      p.R = out_shape[k - 2];
      p.in_row = in_of(k - 2);
    }
    for (size_t j = 0; j + 2 < k; ++j) add_batch(j);
    return p;
  }
  p.transpose = true;
  const size_t d = static_cast<size_t>(cp.perm[k - 1]);
  const size_t q = static_cast<size_t>(
      std::find(cp.perm.begin(), cp.perm.end(), static_cast<int>(k - 1)) - cp.perm.begin());
  p.R = cp.shape[d];
  p.C = cp.shape[k - 1];
  p.in_row = in_stride[d];
  p.out_row = out_stride[q];
  for (size_t j = 0; j + 1 < k; ++j)
    if (j != q) add_batch(j);
  return p;
}

Value scaled(Value v, int64_t s, int64_t add) {
  v.value = v.value * s + add;
  v.other = v.other * s + add;
  return v;
}

struct Names {
  std::string x, y, x_ub, y_ub, z_ub, sfx;
};

// Copy: rows of the tile GM -> UB (rows padded to 32 B) -> GM.
Body copy_tile(const Plan& p, const TileGrid& g, int64_t es, const Names& n) {
  const int64_t pitch = round_up(g.tile_cols() * es, 32);
  const bool one_row = g.tile_rows() == 1;
  Affine src = affine_plus(g.batch_offset(p.in_batch), g.row_start(p.in_row));
  src = affine_plus(src, g.col_start(1));
  Affine dst = affine_plus(g.batch_offset(p.out_batch), g.row_start(p.out_row));
  dst = affine_plus(dst, g.col_start(1));
  // local_gap keeps the UB row pitch when the last column tile is narrower.
  Value gap = g.on_last_col((pitch - round_up(g.col_tail() * es, 32)) / 32, 0);
  auto fields = [&](int64_t row) {
    return std::vector<Field>{field("nburst", g.rows_value()),
                              field("burst_bytes", g.cols_value(es)),
                              field("gm_gap", one_row ? constant(0) : g.cols_value(-es, row * es)),
                              field("local_gap", one_row ? constant(0) : gap)};
  };
  Body out;
  out.push_back(op("copy_gm_to_ub_pad." + n.sfx, {tile(n.x_ub), gm(n.x, affine_times(src, es))},
                   fields(p.in_row)));
  out.push_back(
      op("copy_ub_to_gm_pad", {gm(n.y, affine_times(dst, es)), tile(n.x_ub)}, fields(p.out_row)));
  return out;
}

// 16-bit types: 16 x 16 blocks through vtranspose. MTE2 brings the tile's rows in whole (long
// bursts; rows of cb elements in UB); per 16-column slice one vcopy with a block stride of one
// UB row gathers the slice into z_ub as 32-byte rows, so that every 16 rows form the contiguous
// 512-byte block vtranspose reads.
Body blocks_tile(const Plan& p, const TileGrid& g, const Names& n) {
  const int64_t es = 2, rb = g.tile_rows(), cb = g.tile_cols();
  const int64_t strips = rb / 16, slices = cb / 16, row_blocks = cb * es / 32;
  Body out;
  Affine src = affine_plus(g.batch_offset(p.in_batch), g.row_start(p.in_row));
  src = affine_plus(src, g.col_start(1));
  Value in_gap = g.on_last_col(row_blocks - ceil_div(g.col_tail() * es, 32), 0);
  out.push_back(
      op("copy_gm_to_ub_pad." + n.sfx, {tile(n.x_ub), gm(n.x, affine_times(src, es))},
         {field("nburst", g.rows_value()), field("burst_bytes", g.cols_value(es)),
          field("gm_gap", g.cols_value(-es, p.in_row * es)), field("local_gap", in_gap)}));
  // Slice k of row r goes to z_ub at (k*rb + r)*32: 8 rows per repeat.
  Value repeats = g.on_last_row(ceil_div(g.row_tail(), 8), rb / 8);
  for (int64_t k = 0; k < slices; ++k) {
    if (16 * k >= g.col_tail() && g.col_tiles() == 1) continue;  // past the only tile's width
    out.push_back(op("vcopy." + n.sfx, {tile(n.z_ub, k * rb * 32), tile(n.x_ub, k * 32)},
                     {field("repeat", repeats), field("src0_blk_stride", row_blocks),
                      field("src0_rep_stride", 8 * row_blocks)}));
  }
  // V: block (strip s, slice k) -> output block (s, k), strip-major.
  for (int64_t s = 0; s < strips; ++s)
    for (int64_t k = 0; k < slices; ++k)
      out.push_back(op("vtranspose." + n.sfx,
                       {tile(n.y_ub, (s * slices + k) * 512), tile(n.z_ub, (k * strips + s) * 512)},
                       {}));
  // MTE3: strip s holds rows 16s.. of X, i.e. a 16-element segment of each of cb rows of Y.
  Affine dst = affine_plus(g.batch_offset(p.out_batch), g.col_start(p.out_row));
  dst = affine_plus(dst, g.row_start(1));
  const Affine dst_bytes = affine_times(dst, es);
  for (int64_t s = 0; s < strips; ++s) {
    int64_t last_height = std::min<int64_t>(16, g.row_tail() - 16 * s);  // on the last row tile
    if (last_height < 1 && g.row_tiles() == 1) continue;
    Value height = g.on_last_row(std::max<int64_t>(last_height, 1), 16);
    Affine a = dst_bytes;
    a.constant += s * 32;
    Body copy;
    copy.push_back(op("copy_ub_to_gm_pad", {gm(n.y, a), tile(n.y_ub, s * slices * 512)},
                      {field("nburst", g.cols_value()), field("burst_bytes", scaled(height, es, 0)),
                       field("gm_gap", scaled(height, -es, p.out_row * es))}));
    std::optional<Condition> unless_last;  // a strip past the last row tile's height
    if (last_height < 1) unless_last = g.not_last_row();
    add_guarded(out, unless_last, std::move(copy));
  }
  return out;
}

// fp32: per-block reductions, one column at a time. m: 32-byte blocks per UB row of x_ub.
Body reductions_tile(const Plan& p, const TileGrid& g, int64_t m, const Names& n) {
  const int64_t es = 4, lanes = 8, rb = g.tile_rows();
  const int64_t Q = round_up(rb * es, 32);  // output tile pitch
  Body out;
  Affine src = affine_plus(g.batch_offset(p.in_batch), g.row_start(p.in_row));
  src = affine_plus(src, g.col_start(1));
  const Affine src_bytes = affine_times(src, es);
  // local_gap keeps the UB row pitch at m blocks when the last column tile is narrower.
  Value in_gap = g.on_last_col(m - ceil_div(g.col_tail() * es, 32), 0);
  out.push_back(
      op("copy_gm_to_ub_pad." + n.sfx, {tile(n.x_ub), gm(n.x, src_bytes)},
         {field("nburst", g.rows_value()), field("burst_bytes", g.cols_value(es)),
          field("gm_gap", g.cols_value(-es, p.in_row * es)), field("local_gap", in_gap)}));
  Value repeats = g.on_last_row(ceil_div(g.row_tail(), 8), rb / 8);
  for (int64_t lane = 0; lane < lanes; ++lane) {
    int64_t lo = 0;
    for (int64_t b = 0; b < 8; ++b) lo |= int64_t{1} << (b * lanes + lane);
    out.push_back(op("set_mask", {imm(0), imm(lo)}, {}));
    for (int64_t blk = 0; blk < m; ++blk)
      out.push_back(op("vcgmax." + n.sfx,
                       {tile(n.y_ub, (blk * lanes + lane) * Q), tile(n.x_ub, blk * 32)},
                       {field("repeat", repeats), field("src0_blk_stride", m),
                        field("src0_rep_stride", 8 * m), field("dst_rep_stride", 1)}));
  }
  Affine dst = affine_plus(g.batch_offset(p.out_batch), g.col_start(p.out_row));
  dst = affine_plus(dst, g.row_start(1));
  const Affine dst_bytes = affine_times(dst, es);
  Value out_gap = g.on_last_row((Q - round_up(g.row_tail() * es, 32)) / 32, 0);
  out.push_back(
      op("copy_ub_to_gm_pad", {gm(n.y, dst_bytes), tile(n.y_ub)},
         {field("nburst", g.cols_value()), field("burst_bytes", g.rows_value(es)),
          field("gm_gap", g.rows_value(-es, p.out_row * es)), field("local_gap", out_gap)}));
  return out;
}

}  // namespace

std::vector<int64_t> permuted_shape(const std::vector<int64_t>& shape,
                                    const std::vector<int>& perm) {
  std::vector<int64_t> out;
  for (int p : perm) out.push_back(shape[static_cast<size_t>(p)]);
  return out;
}

CanonicalPermute canonical_permute(const std::vector<int64_t>& shape,
                                   const std::vector<int>& perm) {
  // Drop the dimensions of size 1 and renumber the others.
  std::vector<int> index(shape.size(), -1);
  std::vector<int64_t> kept;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] > 1) {
      index[i] = static_cast<int>(kept.size());
      kept.push_back(shape[i]);
    }
  std::vector<int> order;  // the output's dimensions as kept input dimensions
  for (int p : perm)
    if (index[static_cast<size_t>(p)] >= 0) order.push_back(index[static_cast<size_t>(p)]);
  // Runs of consecutive input dimensions in the output order merge.
  std::vector<std::pair<int, int>> runs;  // (first, last) input dimension, in output order
  for (int d : order) {
    if (!runs.empty() && runs.back().second + 1 == d)
      runs.back().second = d;
    else
      runs.emplace_back(d, d);
  }
  std::vector<size_t> by_input(runs.size());
  std::iota(by_input.begin(), by_input.end(), 0);
  std::sort(by_input.begin(), by_input.end(),
            [&](size_t a, size_t b) { return runs[a].first < runs[b].first; });
  CanonicalPermute c;
  c.perm.assign(runs.size(), 0);
  for (size_t i = 0; i < by_input.size(); ++i) {
    const auto& [first, last] = runs[by_input[i]];
    int64_t size = 1;
    for (int d = first; d <= last; ++d) size *= kept[static_cast<size_t>(d)];
    c.shape.push_back(size);
    c.perm[by_input[i]] = static_cast<int>(i);
  }
  return c;
}

std::string permute_problem(const std::vector<int64_t>& shape, const std::vector<int>& perm,
                            isa::DataType dtype) {
  std::vector<int> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> want(shape.size());
  std::iota(want.begin(), want.end(), 0);
  if (sorted != want)
    return "perm " + perm_text(perm) + " is not a permutation of the " +
           std::to_string(shape.size()) + " dimensions (0.." + std::to_string(shape.size() - 1) +
           ")";
  if (plan(shape, perm).transpose && isa::element_size(dtype) != 2 && dtype != isa::DataType::kF32)
    return "perm " + perm_text(perm) +
           " moves the last dimension, which needs a 16-bit type "
           "or fp32 (" +
           std::string(isa::long_name(dtype)) +
           " moves only with permutations that keep the last dimension last)";
  return "";
}

PermuteCode build_gm_permute(const GmPermute& gp, const config::ChipConfig& chip) {
  if (std::string problem = permute_problem(gp.shape, gp.perm, gp.dtype); !problem.empty())
    throw UserError("permute: " + problem);
  if (!chip.paths.gm_to_ub.enabled || !chip.paths.ub_to_gm.enabled)
    throw UserError("chip '" + chip.name + "' has no GM -> UB -> GM path for vector work");
  const Plan p = plan(gp.shape, gp.perm);
  const int64_t es = isa::element_size(gp.dtype);
  const int64_t ub = static_cast<int64_t>(buffer_bytes(chip, isa::Buffer::kUb));
  const int64_t workers = vector_workers(chip);
  int64_t entries = 1;
  for (int64_t b : p.batch) entries *= b;
  const Names n{gp.src,
                gp.dst,
                gp.prefix + "x_ub",
                gp.prefix + "y_ub",
                gp.prefix + "z_ub",
                std::string(isa::name(gp.dtype))};
  auto too_far = [&](int64_t stride) {
    return UserError("permute: a row stride of " + std::to_string(stride) +
                     " elements is beyond the copies' reach (" + std::to_string(kMaxGmGap) +
                     " bytes between rows)");
  };
  PermuteCode code;
  int64_t rb = 0, cb = 0;
  std::function<Body(const TileGrid&)> tile_code;
  if (!p.transpose) {
    // One double-buffered tile of rb rows x cb columns, rows padded to 32 B.
    const int64_t budget = ub / 2;
    if (round_up(p.C * es, 32) <= budget) {
      cb = p.C;
      const int64_t pitch = round_up(cb * es, 32);
      // Several tiles per worker when the tensor allows (overlap), none under 4 KiB.
      const int64_t share = ceil_div(p.R, 2 * ceil_div(workers, entries));
      rb = std::min({p.R, kMaxNburst, budget / pitch, std::max(share, ceil_div(4096, pitch))});
    } else {
      rb = 1;
      cb = budget / 32 * 32 / es;
    }
    // The gap between rows is the row stride less the tile's columns (fewer on a ragged tile).
    const int64_t least = ceil_div(p.C, cb) == 1 ? cb : 0;
    if ((std::max(p.in_row, p.out_row) - least) * es > kMaxGmGap) rb = 1;
    rb = balanced_tile_rows(p.R, rb, entries, workers);
    code.tiles.push_back({n.x_ub,
                          isa::Buffer::kUb,
                          static_cast<uint64_t>(rb * round_up(cb * es, 32)),
                          true,
                          {},
                          {}});
    tile_code = [&](const TileGrid& g) { return copy_tile(p, g, es, n); };
    code.method = "strided copies";
  } else if (es == 2) {
    if (std::max(p.in_row, p.out_row) * es > kMaxGmGap)
      throw too_far(std::max(p.in_row, p.out_row));
    // x_ub and y_ub double buffered, z_ub single: 5 tiles of rb x cb; rb <= 255 repeats of 8.
    cb = std::min<int64_t>(128, round_up(p.C, 16));
    rb = std::min<int64_t>(2032, round_up(p.R, 16));
    while (rb > 16 && 5 * rb * cb * es > ub) rb -= 16;
    if (5 * rb * cb * es > ub)
      throw UserError("permute: the UB of chip '" + chip.name + "' is too small");
    for (const auto& [name, twice] :
         {std::pair{n.x_ub, true}, std::pair{n.y_ub, true}, std::pair{n.z_ub, false}})
      code.tiles.push_back(
          {name, isa::Buffer::kUb, static_cast<uint64_t>(rb * cb * es), twice, {}, {}});
    tile_code = [&](const TileGrid& g) { return blocks_tile(p, g, n); };
    code.body.push_back(
        op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
    code.body.push_back(op("set_mask", {imm(-1), imm(-1)}, {}));
    code.method = "16 x 16 blocks";
  } else {
    if (std::max(p.in_row, p.out_row) * es > kMaxGmGap)
      throw too_far(std::max(p.in_row, p.out_row));
    const int64_t m = std::min<int64_t>(8, ceil_div(p.C, 8));
    cb = m * 8;
    auto bytes_for = [m, cb](int64_t rows) {
      return 2 * (rows * m * 32 + cb * round_up(rows * 4, 32));
    };
    rb = std::min<int64_t>(2040, round_up(p.R, 8));  // 255 repeats of 8 rows
    while (rb > 8 && bytes_for(rb) > ub) rb -= 8;
    if (bytes_for(rb) > ub)
      throw UserError("permute: the UB of chip '" + chip.name + "' is too small");
    code.tiles.push_back(
        {n.x_ub, isa::Buffer::kUb, static_cast<uint64_t>(rb * m * 32), true, {}, {}});
    code.tiles.push_back(
        {n.y_ub, isa::Buffer::kUb, static_cast<uint64_t>(cb * round_up(rb * 4, 32)), true, {}, {}});
    tile_code = [&, m](const TileGrid& g) { return reductions_tile(p, g, m, n); };
    code.method = "per-column reductions";
    code.body.push_back(
        op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
  }
  TileGrid grid(p.batch, p.R, p.C, rb, cb, workers, gp.prefix);
  code.body.push_back(grid.loops(tile_code(grid)));
  code.block_dim = vector_block_dim(chip, std::min(workers, grid.panels()));
  code.method += ", tiles " + std::to_string(rb) + "x" + std::to_string(cb);
  return code;
}

}  // namespace npu::compiler
