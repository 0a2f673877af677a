// The GM permute (see transpose.h): canonical form, the plan (a batch of R x C matrices with
// their input and output strides), the tile code of its ways on a TileGrid (strided copy; 2-D
// transpose by 16 x 16 blocks, by blocks on fp16 copies for 8-bit types, by per-block reductions
// for fp32 and on two fp32 halves for int32), and its placement in an `on aiv` block.
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
#include "compiler/ops/rows/row_vector.h"
#include "compiler/passes/buffer_allocation.h"

namespace npu::compiler {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

namespace {

constexpr int64_t kMaxGmGap = 1048575;  // pad word gm_gap (bytes)
constexpr int64_t kMaxNburst = 4095;    // pad word nburst

// How a 2-D transpose moves a type (kNone: it does not; see transpose.h).
enum class TransposeKind : uint8_t { kBlocks, kBytes, kReductions, kHalves, kNone };

TransposeKind transpose_kind(isa::DataType dt) {
  switch (dt) {
    case isa::DataType::kF16:
    case isa::DataType::kBf16:
    case isa::DataType::kS16:
      return TransposeKind::kBlocks;
    case isa::DataType::kS8:
    case isa::DataType::kU8:
      return TransposeKind::kBytes;
    case isa::DataType::kF32:
      return TransposeKind::kReductions;
    case isa::DataType::kS32:
      return TransposeKind::kHalves;
    case isa::DataType::kS64:
      break;
  }
  return TransposeKind::kNone;
}

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
  // Single-buffered temporaries of the 8-bit and int32 kinds.
  std::string wide() const { return x_ub + "_wide"; }
  std::string blocks() const { return y_ub + "_blocks"; }
};

// The fields of a copy of the tile's rows between GM (rows `gm_row` elements apart) and UB (rows
// of `pitch` bytes, a multiple of 32); local_gap keeps the UB pitch when the last column tile
// is narrower.
std::vector<Field> row_copy_fields(const TileGrid& g, int64_t es, int64_t gm_row, int64_t pitch) {
  const bool one_row = g.tile_rows() == 1;
  return {field("nburst", g.rows_value()), field("burst_bytes", g.cols_value(es)),
          field("gm_gap", one_row ? constant(0) : g.cols_value(-es, gm_row * es)),
          field("local_gap",
                one_row ? constant(0)
                        : g.on_last_col((pitch - round_up(g.col_tail() * es, 32)) / 32, 0))};
}

// MTE2: the tile's rows GM -> x_ub, rows of `pitch` bytes.
Stmt load_rows(const Plan& p, const TileGrid& g, int64_t es, int64_t pitch, const Names& n) {
  Affine src = affine_plus(g.batch_offset(p.in_batch), g.row_start(p.in_row));
  src = affine_plus(src, g.col_start(1));
  return op("copy_gm_to_ub_pad." + n.sfx, {tile(n.x_ub), gm(n.x, affine_times(src, es))},
            row_copy_fields(g, es, p.in_row, pitch));
}

// Copy: rows of the tile GM -> UB (rows padded to 32 B) -> GM.
Body copy_tile(const Plan& p, const TileGrid& g, int64_t es, const Names& n) {
  const int64_t pitch = round_up(g.tile_cols() * es, 32);
  Affine dst = affine_plus(g.batch_offset(p.out_batch), g.row_start(p.out_row));
  dst = affine_plus(dst, g.col_start(1));
  Body out;
  out.push_back(load_rows(p, g, es, pitch, n));
  out.push_back(op("copy_ub_to_gm_pad", {gm(n.y, affine_times(dst, es)), tile(n.x_ub)},
                   row_copy_fields(g, es, p.out_row, pitch)));
  return out;
}

// `repeats` repeats of an elementwise op on contiguous data from byte 0 of each tile; each
// operand is (tile, 32-byte blocks per repeat).
void over_tile(Body& out, const std::string& mnemonic, int64_t repeats,
               const std::vector<std::pair<std::string, int64_t>>& dst_then_srcs,
               std::optional<int64_t> scalar = std::nullopt) {
  std::vector<rowvec::Stream> srcs;
  for (size_t i = 1; i < dst_then_srcs.size(); ++i)
    srcs.push_back({{dst_then_srcs[i].first, 0}, dst_then_srcs[i].second});
  rowvec::elementwise(out, mnemonic, {{dst_then_srcs[0].first, 0}, dst_then_srcs[0].second}, srcs,
                      rowvec::RowCount{repeats, repeats, std::nullopt}, scalar);
}

// 16 x 16 blocks of 16-bit data `sfx` through vtranspose: `rows` (rb, cb columns per row in UB,
// 32-byte aligned) -> `out` strip-major: strip s (16 rows of X) is cb 32-byte segments of Y's
// rows at byte s * cb * 32. Per 16-column slice one vcopy with a block stride of one UB row
// gathers the slice into `z` as 32-byte rows, so that every 16 rows form the contiguous 512-byte
// block vtranspose reads.
void transpose_blocks(Body& out, const TileGrid& g, const std::string& sfx, const std::string& rows,
                      const std::string& z, const std::string& to) {
  const int64_t rb = g.tile_rows(), cb = g.tile_cols();
  const int64_t strips = rb / 16, slices = cb / 16, row_blocks = cb / 16;
  // Slice k of row r goes to z at (k*rb + r)*32: 8 rows per repeat.
  Value repeats = g.on_last_row(ceil_div(g.row_tail(), 8), rb / 8);
  for (int64_t k = 0; k < slices; ++k) {
    if (16 * k >= g.col_tail() && g.col_tiles() == 1) continue;  // past the only tile's width
    out.push_back(op("vcopy." + sfx, {tile(z, k * rb * 32), tile(rows, k * 32)},
                     {field("repeat", repeats), field("src0_blk_stride", row_blocks),
                      field("src0_rep_stride", 8 * row_blocks)}));
  }
  // V: block (strip s, slice k) -> output block (s, k), strip-major.
  for (int64_t s = 0; s < strips; ++s)
    for (int64_t k = 0; k < slices; ++k)
      out.push_back(op("vtranspose." + sfx,
                       {tile(to, (s * slices + k) * 512), tile(z, (k * strips + s) * 512)}, {}));
}

// MTE3: strip s of y_ub (32 bytes of rows of X: 32 / es rows) is a segment of each of the tile's
// cb rows of Y, at byte s * cb * 32; one padded copy per strip.
void store_strips(Body& out, const Plan& p, const TileGrid& g, int64_t es, const Names& n) {
  const int64_t h = 32 / es, strips = g.tile_rows() / h, cb = g.tile_cols();
  Affine dst = affine_plus(g.batch_offset(p.out_batch), g.col_start(p.out_row));
  dst = affine_plus(dst, g.row_start(1));
  const Affine dst_bytes = affine_times(dst, es);
  for (int64_t s = 0; s < strips; ++s) {
    int64_t last_height = std::min<int64_t>(h, g.row_tail() - h * s);  // on the last row tile
    if (last_height < 1 && g.row_tiles() == 1) continue;
    Value height = g.on_last_row(std::max<int64_t>(last_height, 1), h);
    Affine a = dst_bytes;
    a.constant += s * 32;
    Body copy;
    copy.push_back(op("copy_ub_to_gm_pad", {gm(n.y, a), tile(n.y_ub, s * cb * 32)},
                      {field("nburst", g.cols_value()), field("burst_bytes", scaled(height, es, 0)),
                       field("gm_gap", scaled(height, -es, p.out_row * es))}));
    std::optional<Condition> unless_last;  // a strip past the last row tile's height
    if (last_height < 1) unless_last = g.not_last_row();
    add_guarded(out, unless_last, std::move(copy));
  }
}

// 16-bit types: MTE2 brings the tile's rows in whole (long bursts), 16 x 16 blocks, MTE3.
Body blocks_tile(const Plan& p, const TileGrid& g, const Names& n) {
  Body out;
  out.push_back(load_rows(p, g, 2, g.tile_cols() * 2, n));
  transpose_blocks(out, g, n.sfx, n.x_ub, n.z_ub, n.y_ub);
  store_strips(out, p, g, 2, n);
  return out;
}

// 8-bit types: the 16-bit blocks on exact fp16 copies. vconv widens the tile's rows into `wide`;
// the blocks go to `blocks`; two vcopy with a destination block stride of 2 interleave the
// 32-byte segments of strips 2u and 2u + 1 back into `wide`, so each row of Y has 32
// consecutive values per strip pair, and vconv narrows them into y_ub: 32-byte strips of 32 rows.
Body bytes_tile(const Plan& p, const TileGrid& g, const Names& n) {
  const int64_t rb = g.tile_rows(), cb = g.tile_cols(), slices = cb / 16;
  const std::string wide = n.wide(), blocks = n.blocks();
  Body out;
  out.push_back(load_rows(p, g, 1, cb, n));
  over_tile(out, "vconv.f16." + n.sfx, rb * cb / 128, {{wide, 8}, {n.x_ub, 4}});
  transpose_blocks(out, g, "f16", wide, n.z_ub, blocks);
  for (int64_t u = 0; u < rb / 32; ++u)
    for (int64_t half = 0; half < 2; ++half)
      out.push_back(op(
          "vcopy.f16",
          {tile(wide, u * cb * 64 + half * 32), tile(blocks, (2 * u + half) * slices * 512)},
          {field("repeat", 2 * slices), field("dst_blk_stride", 2), field("dst_rep_stride", 16)}));
  over_tile(out, "vconv." + n.sfx + ".f16", rb * cb / 128, {{n.y_ub, 4}, {wide, 8}});
  store_strips(out, p, g, 1, n);
  return out;
}

// fp32 per-block reductions, one column at a time: for each lane of a block (mask: that lane of
// every block), one vcgmax per UB block column of `from` (rows of m blocks) gathers column
// (blk * 8 + lane) of the rows (8 per repeat, each block's only active element, exact) into row
// (blk * 8 + lane) of `to` (rows of Q bytes). Each `from` tile goes to its `to` tile.
void gather_columns(Body& out, const TileGrid& g, int64_t m, int64_t Q,
                    const std::vector<std::pair<std::string, std::string>>& from_to) {
  const int64_t lanes = 8;
  Value repeats = g.on_last_row(ceil_div(g.row_tail(), 8), g.tile_rows() / 8);
  for (int64_t lane = 0; lane < lanes; ++lane) {
    int64_t lo = 0;
    for (int64_t b = 0; b < 8; ++b) lo |= int64_t{1} << (b * lanes + lane);
    out.push_back(op("set_mask", {imm(0), imm(lo)}, {}));
    for (const auto& [from, to] : from_to)
      for (int64_t blk = 0; blk < m; ++blk)
        out.push_back(op("vcgmax.f32", {tile(to, (blk * lanes + lane) * Q), tile(from, blk * 32)},
                         {field("repeat", repeats), field("src0_blk_stride", m),
                          field("src0_rep_stride", 8 * m), field("dst_rep_stride", 1)}));
  }
}

// MTE3 for the 32-bit kinds: y_ub's cb rows of Q bytes.
Stmt store_rows(const Plan& p, const TileGrid& g, int64_t Q, const Names& n) {
  const int64_t es = 4;
  Affine dst = affine_plus(g.batch_offset(p.out_batch), g.col_start(p.out_row));
  dst = affine_plus(dst, g.row_start(1));
  Value out_gap = g.on_last_row((Q - round_up(g.row_tail() * es, 32)) / 32, 0);
  return op("copy_ub_to_gm_pad", {gm(n.y, affine_times(dst, es)), tile(n.y_ub)},
            {field("nburst", g.cols_value()), field("burst_bytes", g.rows_value(es)),
             field("gm_gap", g.rows_value(-es, p.out_row * es)), field("local_gap", out_gap)});
}

// fp32: per-block reductions. m: 32-byte blocks per UB row of x_ub.
Body reductions_tile(const Plan& p, const TileGrid& g, int64_t m, const Names& n) {
  const int64_t Q = round_up(g.tile_rows() * 4, 32);  // output tile pitch
  Body out;
  out.push_back(load_rows(p, g, 4, m * 32, n));
  gather_columns(out, g, m, Q, {{n.x_ub, n.y_ub}});
  out.push_back(store_rows(p, g, Q, n));
  return out;
}

// int32: the fp32 reductions on two exact fp32 halves. v = hi * 2^16 + lo with hi = v >> 16
// (arithmetic, |hi| <= 2^15) and lo = v - (hi << 16) in [0, 2^16): both convert to fp32 exactly
// and are normal numbers or zero, which vcgmax passes through unchanged. hi and lo are gathered
// into y_ub and `blocks`, converted back (exact) and joined: v = (hi << 16) + lo. The
// elementwise steps run under a full mask.
Body halves_tile(const Plan& p, const TileGrid& g, int64_t m, const Names& n) {
  const int64_t rb = g.tile_rows(), cb = g.tile_cols(), Q = round_up(rb * 4, 32);
  const std::string hi = n.wide(), lo = n.z_ub, out_lo = n.blocks();
  const int64_t in_repeats = rb * m * 8 / 64, out_repeats = cb * Q / 4 / 64;
  Body out;
  out.push_back(load_rows(p, g, 4, m * 32, n));
  out.push_back(op("set_mask", {imm(-1), imm(-1)}, {}));
  over_tile(out, "vshr.s32", in_repeats, {{hi, 8}, {n.x_ub, 8}}, 16);
  over_tile(out, "vshl.s32", in_repeats, {{lo, 8}, {hi, 8}}, 16);
  over_tile(out, "vsub.s32", in_repeats, {{lo, 8}, {n.x_ub, 8}, {lo, 8}});
  over_tile(out, "vconv.f32.s32", in_repeats, {{hi, 8}, {hi, 8}});
  over_tile(out, "vconv.f32.s32", in_repeats, {{lo, 8}, {lo, 8}});
  gather_columns(out, g, m, Q, {{hi, n.y_ub}, {lo, out_lo}});
  out.push_back(op("set_mask", {imm(-1), imm(-1)}, {}));
  over_tile(out, "vconv.s32.f32", out_repeats, {{n.y_ub, 8}, {n.y_ub, 8}});
  over_tile(out, "vconv.s32.f32", out_repeats, {{out_lo, 8}, {out_lo, 8}});
  over_tile(out, "vshl.s32", out_repeats, {{n.y_ub, 8}, {n.y_ub, 8}}, 16);
  over_tile(out, "vadd.s32", out_repeats, {{n.y_ub, 8}, {n.y_ub, 8}, {out_lo, 8}});
  out.push_back(store_rows(p, g, Q, n));
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
  if (plan(shape, perm).transpose && transpose_kind(dtype) == TransposeKind::kNone)
    return "perm " + perm_text(perm) + " moves the last dimension, which " +
           std::string(isa::long_name(dtype)) +
           " does not (it moves only with permutations that keep the last dimension last)";
  return "";
}

int64_t permute_max_stride(isa::DataType dtype) { return kMaxGmGap / isa::element_size(dtype); }

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
  } else {
    const TransposeKind kind = transpose_kind(gp.dtype);
    const int64_t stride = std::max(p.in_row, p.out_row);
    if (stride > permute_max_stride(gp.dtype))
      throw UserError("permute: a row stride of " + std::to_string(stride) +
                      " elements is beyond the copies' reach (" + std::to_string(kMaxGmGap) +
                      " bytes between rows)");
    code.body.push_back(
        op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
    const auto add_tile = [&](const std::string& name, int64_t bytes, bool twice) {
      code.tiles.push_back({name, isa::Buffer::kUb, static_cast<uint64_t>(bytes), twice, {}, {}});
    };
    const auto too_small = [&] {
      return UserError("permute: the UB of chip '" + chip.name + "' is too small");
    };
    if (kind == TransposeKind::kBlocks || kind == TransposeKind::kBytes) {
      // rb x cb elements. 16-bit: x_ub and y_ub double buffered, z_ub single (5 tiles of
      // 2 rb cb bytes). 8-bit: x_ub and y_ub (rb cb bytes) double buffered, z_ub and the fp16
      // temporaries single: 10 rb cb bytes either way. rb: <= 255 vcopy repeats of 8 rows.
      const int64_t step = kind == TransposeKind::kBytes ? 32 : 16;
      cb = std::min<int64_t>(128, round_up(p.C, step));
      rb = std::min<int64_t>(2040 / step * step, round_up(p.R, step));
      while (cb > step && 10 * step * cb > ub) cb -= step;  // a small UB: narrower tiles
      while (rb > step && 10 * rb * cb > ub) rb -= step;
      if (10 * rb * cb > ub) throw too_small();
      add_tile(n.x_ub, rb * cb * es, true);
      add_tile(n.y_ub, rb * cb * es, true);
      add_tile(n.z_ub, rb * cb * 2, false);
      if (kind == TransposeKind::kBytes) {
        add_tile(n.wide(), rb * cb * 2, false);
        add_tile(n.blocks(), rb * cb * 2, false);
        tile_code = [&](const TileGrid& g) { return bytes_tile(p, g, n); };
        code.method = "16 x 16 blocks on fp16 copies";
      } else {
        tile_code = [&](const TileGrid& g) { return blocks_tile(p, g, n); };
        code.method = "16 x 16 blocks";
      }
      code.body.push_back(op("set_mask", {imm(-1), imm(-1)}, {}));
    } else {
      // 32-bit: rows of m 32-byte blocks in (x_ub), cb = 8 m rows of rb values out (y_ub), each
      // double buffered; int32 adds two single temporaries of each input size (hi, lo) and one
      // of the output's (lo gathered).
      const bool halves = kind == TransposeKind::kHalves;
      const int64_t m = std::min<int64_t>(8, ceil_div(p.C, 8));
      cb = m * 8;
      const auto in_bytes = [m](int64_t rows) { return rows * m * 32; };
      const auto out_bytes = [cb](int64_t rows) { return cb * round_up(rows * 4, 32); };
      const auto bytes_for = [&](int64_t rows) {
        return halves ? 4 * in_bytes(rows) + 3 * out_bytes(rows)
                      : 2 * (in_bytes(rows) + out_bytes(rows));
      };
      rb = std::min<int64_t>(2040, round_up(p.R, 8));  // 255 repeats of 8 rows
      while (rb > 8 && bytes_for(rb) > ub) rb -= 8;
      if (bytes_for(rb) > ub) throw too_small();
      add_tile(n.x_ub, in_bytes(rb), true);
      add_tile(n.y_ub, out_bytes(rb), true);
      if (halves) {
        add_tile(n.wide(), in_bytes(rb), false);
        add_tile(n.z_ub, in_bytes(rb), false);
        add_tile(n.blocks(), out_bytes(rb), false);
        tile_code = [&, m](const TileGrid& g) { return halves_tile(p, g, m, n); };
        code.method = "per-column reductions on two fp32 halves";
      } else {
        tile_code = [&, m](const TileGrid& g) { return reductions_tile(p, g, m, n); };
        code.method = "per-column reductions";
      }
    }
  }
  TileGrid grid(p.batch, p.R, p.C, rb, cb, workers, gp.prefix);
  code.body.push_back(grid.loops(tile_code(grid)));
  code.block_dim = vector_block_dim(chip, std::min(workers, grid.panels()));
  code.method += ", tiles " + std::to_string(rb) + "x" + std::to_string(cb);
  return code;
}

Stmt permute_on_aiv(PermuteCode code, int64_t block_dim, const config::ChipConfig& chip) {
  NPU_CHECK(!code.body.empty() && code.body.back().kind == Stmt::Kind::kLoop &&
                code.body.back().loop->parallel,
            "permute_on_aiv: the permute's code ends in its pfor");
  NPU_CHECK(block_dim >= static_cast<int64_t>(code.block_dim),
            "permute_on_aiv: the launch starts fewer cores than the permute needs");
  const LoopStmt& loop = *code.body.back().loop;
  const std::string sub = loop.var + "_sub";
  const int64_t aivs = chip.split() ? static_cast<int64_t>(chip.chip.aiv_per_core) : 1;
  if (aivs > 1) {
    // Iteration i runs on AI core i mod block_dim; its AIV (i / block_dim) mod aivs keeps it.
    Body mine;
    Condition keep{var_expr(sub), Condition::Op::kEq, 0};
    if (loop.count > block_dim) {
      const std::string turn = loop.var + "_turn", aiv = loop.var + "_aiv";
      mine.push_back(make_let(turn, loop.var, false, block_dim));
      mine.push_back(make_let(aiv, turn, true, aivs));
      keep.lhs = var_expr(aiv).add(sub, -1);
    }
    add_guarded(mine, keep, loop.body);
    code.body.back() = make_loop(loop.var, loop.count, true, std::move(mine));
  }
  return make_on(CoreSelect::kAiv, sub, std::move(code.body));
}

}  // namespace npu::compiler
