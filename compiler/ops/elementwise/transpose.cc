// The GM permute (see transpose.h): canonical form, the plan (a batch of R x C matrices with
// their input and output strides), the tile code of its ways on a TileGrid (strided copy; 2-D
// transpose by 16 x 16 blocks, by blocks on fp16 copies for 8-bit types and on the 16-bit halves
// of 32-bit types), and its placement in an `on aiv` block.
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
enum class TransposeKind : uint8_t { kBlocks, kBytes, kWords, kNone };

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
    case isa::DataType::kS32:
      return TransposeKind::kWords;
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
  // Single-buffered temporaries of the 8-bit kind.
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

// MTE3: strip s of tile `from` (h rows of X, h * es a multiple of 32) is a segment of each of
// the tile's cb rows of Y, at byte s * cb * h * es: one padded copy per strip.
void store_strips(Body& out, const Plan& p, const TileGrid& g, int64_t es, int64_t h,
                  const std::string& from, const Names& n) {
  const int64_t strips = g.tile_rows() / h, cb = g.tile_cols(), segment = h * es;
  Affine dst = affine_plus(g.batch_offset(p.out_batch), g.col_start(p.out_row));
  dst = affine_plus(dst, g.row_start(1));
  const Affine dst_bytes = affine_times(dst, es);
  for (int64_t s = 0; s < strips; ++s) {
    int64_t last_height = std::min<int64_t>(h, g.row_tail() - h * s);  // on the last row tile
    if (last_height < 1 && g.row_tiles() == 1) continue;
    Value height = g.on_last_row(std::max<int64_t>(last_height, 1), h);
    Affine a = dst_bytes;
    a.constant += s * segment;
    std::vector<Field> fields = {field("nburst", g.cols_value()),
                                 field("burst_bytes", scaled(height, es, 0)),
                                 field("gm_gap", scaled(height, -es, p.out_row * es))};
    // A short last segment (fewer 32-byte blocks than a full one) skips the rest in UB.
    const int64_t short_gap = (segment - round_up(std::max<int64_t>(last_height, 1) * es, 32)) / 32;
    if (short_gap > 0) fields.push_back(field("local_gap", g.on_last_row(short_gap, 0)));
    Body copy;
    copy.push_back(
        op("copy_ub_to_gm_pad", {gm(n.y, a), tile(from, s * cb * segment)}, std::move(fields)));
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
  store_strips(out, p, g, 2, 16, n.y_ub, n);
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
  store_strips(out, p, g, 1, 32, n.y_ub, n);
  return out;
}

// 32-bit types (fp32, int32: bits moved, never computed on) as 16 x 16 blocks of 16-bit halves.
// vtranspose exchanges a block's row index with its column index (the half's place in a 32-byte
// row): to come out as words, a strip of 16 rows x 8 words (one slice) must go in as the block
// whose row 2q + h holds, as word c, half h of X[q][c] (low half) and half h of X[8 + q][c] (high
// half), q < 8. Then the block's row 2c + j is word column c of rows 8j .. 8j + 7, in order: a
// 32-byte segment of Y's row c. Those input blocks are built from x_ub by four instructions,
// bit-exact for every pattern (little-endian: the even half of a word is its low half):
// - row 2q: X[8 + q] << 16, then its even halves from X[q] (vcopy.s16, even halves' mask);
// - row 2q + 1: X[q] >> 16, then its odd halves from X[8 + q] (vcopy.s16, odd halves' mask).
// Each is one instruction per strip: 8 blocks (q) per repeat, one repeat per slice. vtranspose
// then works in place, and z_ub holds Y's segments strip-major like the 16-bit kinds' y_ub
// (strips of 16 rows, 64 bytes per Y row). The last mask set is the odd halves'.
Body words_tile(const Plan& p, const TileGrid& g, const Names& n) {
  const int64_t rb = g.tile_rows(), cb = g.tile_cols();
  const int64_t strips = rb / 16, slices = cb / 8, row_blocks = cb / 8;
  constexpr int64_t kEven = 0x5555555555555555, kOdd = ~kEven;
  Body out;
  out.push_back(load_rows(p, g, 4, cb * 4, n));
  // Block rows 2q + h of every block of the tile from rows from_row + q (q < 8) of x_ub: strip
  // st's block of slice k is at z byte (st * slices + k) * 512. (Every strip: rows past the last
  // tile's are stale UB data, transposed into the Y columns that are never stored.)
  const auto build_rows = [&](const std::string& mnemonic, int64_t h, int64_t from_row,
                              std::optional<int64_t> shift) {
    for (int64_t st = 0; st < strips; ++st) {
      std::vector<Operand> operands = {tile(n.z_ub, (st * slices * 16 + h) * 32),
                                       tile(n.x_ub, (16 * st + from_row) * row_blocks * 32)};
      if (shift) operands.push_back(imm(*shift));
      out.push_back(
          op(mnemonic, std::move(operands),
             {field("repeat", slices), field("dst_blk_stride", 2), field("dst_rep_stride", 16),
              field("src0_blk_stride", row_blocks), field("src0_rep_stride", 1)}));
    }
  };
  out.push_back(op("set_mask", {imm(-1), imm(-1)}, {}));
  build_rows("vshl.s32", 0, 8, 16);
  build_rows("vshr.s32", 1, 0, 16);
  out.push_back(op("set_mask", {imm(kEven), imm(kEven)}, {}));
  build_rows("vcopy.s16", 0, 0, std::nullopt);
  out.push_back(op("set_mask", {imm(kOdd), imm(kOdd)}, {}));
  build_rows("vcopy.s16", 1, 8, std::nullopt);
  for (int64_t b = 0; b < strips * slices; ++b)
    out.push_back(op("vtranspose.s16", {tile(n.z_ub, b * 512), tile(n.z_ub, b * 512)}, {}));
  store_strips(out, p, g, 4, 16, n.z_ub, n);
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
      // 32-bit: rb x cb words; x_ub and z_ub double buffered: 16 rb cb bytes. cb is a multiple
      // of 8, up to 128 (a row of 512 bytes: an L2 line read whole by one tile); rb a multiple
      // of 16, and of an L2 line's words when it reaches one (the tile then writes whole lines
      // of each Y row).
      const int64_t line = static_cast<int64_t>(chip.l2.line_bytes) / 4;
      cb = std::min<int64_t>(128, round_up(p.C, 8));
      while (cb > 8 && 16 * 16 * cb > ub) cb -= 8;  // a small UB: narrower tiles
      rb = std::min({int64_t{4080}, round_up(p.R, 16), ub / (16 * cb) / 16 * 16});
      if (line % 16 == 0 && rb > line) rb = rb / line * line;
      if (rb < 16 || 16 * rb * cb > ub) throw too_small();
      add_tile(n.x_ub, rb * cb * 4, true);
      add_tile(n.z_ub, rb * cb * 4, true);
      tile_code = [&](const TileGrid& g) { return words_tile(p, g, n); };
      code.method = "16 x 16 blocks on 16-bit halves";
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
