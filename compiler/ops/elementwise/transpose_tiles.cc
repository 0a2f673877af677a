// Batched transposes through UB (see transpose_tiles.h).
#include "compiler/ops/elementwise/transpose_tiles.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

constexpr int64_t kMaxGmGap = 1048575;  // pad word gm_gap (bytes)
constexpr int64_t kMaxNburst = 4095;    // pad word nburst

// A tile of rb x cb; RB x CB tiles per matrix; the ragged last ones hold rtail / ctail.
struct Tiling {
  int64_t rb = 0, cb = 0, RB = 0, CB = 0, rtail = 0, ctail = 0, cols_total = 0;
  Affine q;  // the column tile: a loop variable, or group * per_group + step
  Tiling(int64_t R, int64_t C, int64_t rb_, int64_t cb_, Affine q_)
      : rb(rb_), cb(cb_), cols_total(C), q(std::move(q_)) {
    RB = ceil_div(R, rb);
    CB = ceil_div(C, cb);
    rtail = R - (RB - 1) * rb;
    ctail = C - (CB - 1) * cb;
  }
  // The variables of the tile: b (matrix), rbi (row tile), and q.
  Condition last_rows() const { return {var_expr("rbi"), Condition::Op::kEq, RB - 1}; }
  Condition last_cols() const { return {q, Condition::Op::kEq, CB - 1}; }
  // scale * q added to a.
  Affine plus_col(Affine a, int64_t scale) const {
    for (const auto& [var, coef] : q.terms) a.add(var, coef * scale);
    a.constant += q.constant * scale;
    return a;
  }
  Value rows() const { return pick(last_rows(), rtail, rb, RB); }
  Value cols() const { return pick(last_cols(), ctail, cb, CB); }
  // `last` on the last tile, `full` on the others.
  static Value pick(const Condition& c, int64_t last, int64_t full, int64_t count) {
    if (count == 1) return constant(last);
    if (last == full) return constant(full);
    return Value{last, c, full};
  }
};

Value scaled(Value v, int64_t s, int64_t add) {
  v.value = v.value * s + add;
  v.other = v.other * s + add;
  return v;
}

// MTE2: slice k (32 bytes of columns: 16 of a 16-bit type, 32 int8) of every row of the tile,
// row r of slice k at byte (k * rb + r) * 32 of `in`, so 16 rows of 16-bit values form a block.
Body load_slices(const Tiling& t, int64_t R, int64_t C, int64_t es, const std::string& sfx,
                 const TransposeNames& nm, const std::string& in) {
  const int64_t w = 32 / es, slices = t.cb / w;
  Body out;
  Affine src = t.plus_col(var_expr("b", R * C * es).add("rbi", t.rb * C * es), t.cb * es);
  for (int64_t k = 0; k < slices; ++k) {
    int64_t last_width = std::min<int64_t>(w, t.ctail - w * k);  // on the last column tile
    Value width = Tiling::pick(t.last_cols(), std::max<int64_t>(last_width, 1), w, t.CB);
    Affine a = src;
    a.constant += k * 32;
    Body copy;
    copy.push_back(op("copy_gm_to_ub_pad." + sfx, {tile(in, k * t.rb * 32), gm(nm.src, a)},
                      {field("nburst", t.rows()), field("burst_bytes", scaled(width, es, 0)),
                       field("gm_gap", scaled(width, -es, C * es))}));
    std::optional<Condition> unless_last;  // a slice past the last column tile's width
    if (last_width < 1) {
      if (t.CB == 1) continue;
      unless_last = Condition{t.q, Condition::Op::kNe, t.CB - 1};
    }
    add_guarded(out, unless_last, std::move(copy));
  }
  return out;
}

// V: 16-bit block (strip s, slice k) of `in` (load_slices' layout) -> block (s, k) of `out`,
// strip-major: each 16-row strip of X becomes cb 32-byte row segments of Y.
Body transpose_blocks(const Tiling& t, const std::string& sfx, const std::string& in,
                      const std::string& out_tile) {
  const int64_t strips = t.rb / 16, slices = t.cb / 16;
  Body out;
  for (int64_t s = 0; s < strips; ++s)
    for (int64_t k = 0; k < slices; ++k)
      out.push_back(op("vtranspose." + sfx,
                       {tile(out_tile, (s * slices + k) * 512), tile(in, (k * strips + s) * 512)},
                       {}));
  return out;
}

// MTE3: strip s (32 bytes of rows: 16 of a 16-bit type, 32 int8) is a 32-byte segment of each
// of the tile's cb rows of Y, at byte s * cb * 32 of `out`; one padded copy per strip.
Body store_strips(const Tiling& t, int64_t R, int64_t es, const TransposeNames& nm,
                  const std::string& out_tile) {
  const int64_t h = 32 / es, strips = t.rb / h;
  Body out;
  Affine dst =
      t.plus_col(var_expr("b", R * t.cols_total * es).add("rbi", t.rb * es), t.cb * R * es);
  for (int64_t s = 0; s < strips; ++s) {
    int64_t last_height = std::min<int64_t>(h, t.rtail - h * s);  // on the last row tile
    if (last_height < 1 && t.RB == 1) continue;
    Value height = Tiling::pick(t.last_rows(), std::max<int64_t>(last_height, 1), h, t.RB);
    Affine a = dst;
    a.constant += s * 32;
    Body copy;
    copy.push_back(op("copy_ub_to_gm_pad", {gm(nm.dst, a), tile(out_tile, s * t.cb * 32)},
                      {field("nburst", t.cols()), field("burst_bytes", scaled(height, es, 0)),
                       field("gm_gap", scaled(height, -es, R * es))}));
    std::optional<Condition> unless_last;  // a strip past the last row tile's height
    if (last_height < 1) unless_last = Condition{var_expr("rbi"), Condition::Op::kNe, t.RB - 1};
    add_guarded(out, unless_last, std::move(copy));
  }
  return out;
}

// A vector op over `elements` contiguous elements (a multiple of the ops' elements per repeat
// `epr`), in instructions of at most 255 repeats; `make(offset_elements, repeats)` builds one.
template <class Make>
void over_elements(Body& body, int64_t elements, int64_t epr, Make make) {
  const int64_t repeats = elements / epr;
  for (int64_t r = 0; r < repeats; r += 255)
    body.push_back(make(r * epr, std::min<int64_t>(255, repeats - r)));
}

// The temporary UB tiles of the two-step kinds, named after the plan's tiles.
std::string wide_tile(const TransposeNames& nm) { return nm.in_tile + "_wide"; }
std::string in_blocks_tile(const TransposeNames& nm) { return nm.in_tile + "_blocks"; }
std::string out_blocks_tile(const TransposeNames& nm) { return nm.out_tile + "_blocks"; }
std::string out_wide_tile(const TransposeNames& nm) { return nm.out_tile + "_wide"; }

// 16-bit types: 16 x 16 blocks through vtranspose.
Body blocks_tile(const Tiling& t, int64_t R, int64_t C, const std::string& sfx,
                 const TransposeNames& nm) {
  Body out = load_slices(t, R, C, 2, sfx, nm, nm.in_tile);
  add_guarded(out, std::nullopt, transpose_blocks(t, sfx, nm.in_tile, nm.out_tile));
  add_guarded(out, std::nullopt, store_strips(t, R, 2, nm, nm.out_tile));
  return out;
}

// int8: the 16-bit blocks on fp16 copies. Slices of 32 columns come in; vconv widens the tile
// to fp16 (exact) with each row's 32 values in 64 bytes; two vcopy with a source block stride of
// 2 split the rows' halves into the 16-column slices vtranspose wants. After the transposes,
// two vcopy with a destination block stride of 2 interleave the segments of strips 2u and
// 2u + 1, so each row of Y has 32 consecutive fp16 values per strip pair, and vconv narrows
// them back to int8 (exact): one 32-byte segment per row of Y and pair of strips.
Body int8_tile(const Tiling& t, int64_t R, int64_t C, const TransposeNames& nm) {
  const int64_t pairs = t.rb / 32, wide_slices = t.cb / 32, slices = t.cb / 16;
  const std::string wide = wide_tile(nm), blocks = in_blocks_tile(nm);
  const std::string out_blocks = out_blocks_tile(nm), out_wide = out_wide_tile(nm);
  Body out = load_slices(t, R, C, 1, "s8", nm, nm.in_tile);
  over_elements(out, t.rb * t.cb, 128, [&](int64_t e, int64_t n) {
    return op("vconv.f16.s8", {tile(wide, e * 2), tile(nm.in_tile, e)},
              {field("repeat", n), field("dst_rep_stride", 8), field("src0_rep_stride", 4)});
  });
  for (int64_t k = 0; k < wide_slices; ++k)
    for (int64_t half = 0; half < 2; ++half)
      out.push_back(op(
          "vcopy.f16",
          {tile(blocks, (2 * k + half) * t.rb * 32), tile(wide, k * t.rb * 64 + half * 32)},
          {field("repeat", t.rb / 8), field("src0_blk_stride", 2), field("src0_rep_stride", 16)}));
  add_guarded(out, std::nullopt, transpose_blocks(t, "f16", blocks, out_blocks));
  for (int64_t u = 0; u < pairs; ++u)
    for (int64_t half = 0; half < 2; ++half)
      out.push_back(op(
          "vcopy.f16",
          {tile(out_wide, u * t.cb * 64 + half * 32),
           tile(out_blocks, (2 * u + half) * slices * 512)},
          {field("repeat", 2 * slices), field("dst_blk_stride", 2), field("dst_rep_stride", 16)}));
  over_elements(out, t.rb * t.cb, 128, [&](int64_t e, int64_t n) {
    return op("vconv.s8.f16", {tile(nm.out_tile, e), tile(out_wide, e * 2)},
              {field("repeat", n), field("dst_rep_stride", 4), field("src0_rep_stride", 8)});
  });
  add_guarded(out, std::nullopt, store_strips(t, R, 1, nm, nm.out_tile));
  return out;
}

// 32-bit: the tile comes in with each GM row in its own UB row of m blocks of 32 B.
Body load_rows(const Tiling& t, int64_t R, int64_t C, int64_t m, const std::string& sfx,
               const TransposeNames& nm) {
  const int64_t es = 4;
  Affine src = t.plus_col(var_expr("b", R * C * es).add("rbi", t.rb * C * es), t.cb * es);
  // local_gap keeps the UB row pitch at m blocks when the last column tile is narrower.
  Value in_gap = Tiling::pick(t.last_cols(), m - ceil_div(t.ctail * es, 32), 0, t.CB);
  Body out;
  out.push_back(op("copy_gm_to_ub_pad." + sfx, {tile(nm.in_tile), gm(nm.src, src)},
                   {field("nburst", t.rows()), field("burst_bytes", scaled(t.cols(), es, 0)),
                    field("gm_gap", scaled(t.cols(), -es, C * es)), field("local_gap", in_gap)}));
  return out;
}

// fp32 per-block reductions: for each lane of a block (mask: that lane of every block), one
// vcgmax per UB block column gathers column (blk * 8 + lane) of the rows (8 per repeat, each
// block's only active element, exact) into row (blk * 8 + lane) of the output, pitch Q bytes.
// Each source tile of `from` goes to the same place in its `to` tile.
Body gather_columns(const Tiling& t, int64_t m, int64_t Q, const std::vector<std::string>& from,
                    const std::vector<std::string>& to) {
  const int64_t g = 8;
  Value repeats = Tiling::pick(t.last_rows(), ceil_div(t.rtail, 8), t.rb / 8, t.RB);
  Body out;
  for (int64_t lane = 0; lane < g; ++lane) {
    int64_t lo = 0;
    for (int64_t b = 0; b < 8; ++b) lo |= int64_t{1} << (b * g + lane);
    out.push_back(op("set_mask", {imm(0), imm(lo)}, {}));
    for (size_t i = 0; i < from.size(); ++i)
      for (int64_t blk = 0; blk < m; ++blk)
        out.push_back(op("vcgmax.f32", {tile(to[i], (blk * g + lane) * Q), tile(from[i], blk * 32)},
                         {field("repeat", repeats), field("src0_blk_stride", m),
                          field("src0_rep_stride", 8 * m), field("dst_rep_stride", 1)}));
  }
  return out;
}

// 32-bit: MTE3 writes the output tile's cb rows of Q bytes.
Body store_rows(const Tiling& t, int64_t R, int64_t Q, const TransposeNames& nm) {
  const int64_t es = 4;
  Affine dst =
      t.plus_col(var_expr("b", R * t.cols_total * es).add("rbi", t.rb * es), t.cb * R * es);
  Value out_gap = Tiling::pick(t.last_rows(), (Q - round_up(t.rtail * es, 32)) / 32, 0, t.RB);
  Body out;
  out.push_back(op("copy_ub_to_gm_pad", {gm(nm.dst, dst), tile(nm.out_tile)},
                   {field("nburst", t.cols()), field("burst_bytes", scaled(t.rows(), es, 0)),
                    field("gm_gap", scaled(t.rows(), -es, R * es)), field("local_gap", out_gap)}));
  return out;
}

// fp32: per-block reductions, one column at a time.
Body reductions_tile(const Tiling& t, int64_t R, int64_t C, int64_t m, const TransposeNames& nm) {
  const int64_t Q = round_up(t.rb * 4, 32);  // output tile pitch
  Body out = load_rows(t, R, C, m, "f32", nm);
  add_guarded(out, std::nullopt, gather_columns(t, m, Q, {nm.in_tile}, {nm.out_tile}));
  add_guarded(out, std::nullopt, store_rows(t, R, Q, nm));
  return out;
}

// int32: the fp32 reductions on two exact fp32 halves. v = hi * 2^16 + lo with hi = v >> 16
// (arithmetic, |hi| <= 2^15) and lo = v - (hi << 16) in [0, 2^16): both convert to fp32 exactly
// and are normal numbers or zero, which vcgmax passes through unchanged; after the gathers they
// convert back (exact) and v = (hi << 16) + lo. The elementwise steps run under a full mask.
Body int32_tile(const Tiling& t, int64_t R, int64_t C, int64_t m, const TransposeNames& nm) {
  const int64_t Q = round_up(t.rb * 4, 32);
  const std::string hi = wide_tile(nm), lo = in_blocks_tile(nm);
  const std::string out_hi = out_wide_tile(nm), out_lo = out_blocks_tile(nm);
  const auto all_lanes = [] { return op("set_mask", {imm(-1), imm(-1)}, {}); };
  Body out = load_rows(t, R, C, m, "s32", nm);
  out.push_back(all_lanes());
  const int64_t in_elements = t.rb * m * 8, out_elements = t.cb * Q / 4;
  const auto each = [&](int64_t elements, const std::string& mnemonic, const std::string& dst,
                        const std::vector<std::string>& srcs, std::optional<int64_t> scalar) {
    over_elements(out, elements, 64, [&](int64_t e, int64_t n) {
      std::vector<Operand> operands = {tile(dst, e * 4)};
      for (const std::string& s : srcs) operands.push_back(tile(s, e * 4));
      if (scalar) operands.push_back(imm(*scalar));
      return op(mnemonic, std::move(operands), {field("repeat", n)});
    });
  };
  each(in_elements, "vshr.s32", hi, {nm.in_tile}, 16);
  each(in_elements, "vshl.s32", lo, {hi}, 16);
  each(in_elements, "vsub.s32", lo, {nm.in_tile, lo}, std::nullopt);
  each(in_elements, "vconv.f32.s32", hi, {hi}, std::nullopt);
  each(in_elements, "vconv.f32.s32", lo, {lo}, std::nullopt);
  add_guarded(out, std::nullopt, gather_columns(t, m, Q, {hi, lo}, {out_hi, out_lo}));
  out.push_back(all_lanes());
  each(out_elements, "vconv.s32.f32", out_hi, {out_hi}, std::nullopt);
  each(out_elements, "vconv.s32.f32", out_lo, {out_lo}, std::nullopt);
  each(out_elements, "vshl.s32", out_hi, {out_hi}, 16);
  each(out_elements, "vadd.s32", nm.out_tile, {out_hi, out_lo}, std::nullopt);
  add_guarded(out, std::nullopt, store_rows(t, R, Q, nm));
  return out;
}

}  // namespace

int64_t TransposePlan::row_tiles() const { return ceil_div(rows, rb); }
int64_t TransposePlan::col_tiles() const { return ceil_div(cols, cb); }

int64_t transpose_max_extent(isa::DataType dt) { return kMaxGmGap / isa::element_size(dt); }

bool transposable(isa::DataType dt) {
  return dt == isa::DataType::kF16 || dt == isa::DataType::kBf16 || dt == isa::DataType::kS16 ||
         dt == isa::DataType::kF32 || dt == isa::DataType::kS8 || dt == isa::DataType::kS32;
}

TransposePlan plan_transpose(int64_t batch, int64_t rows, int64_t cols, isa::DataType dt,
                             int64_t ub_bytes, const std::string& op,
                             const std::string& chip_name) {
  NPU_CHECK(transposable(dt) && std::max(rows, cols) <= transpose_max_extent(dt),
            "plan_transpose: the caller checks the type and the extents");
  using Kind = TransposePlan::Kind;
  TransposePlan p;
  p.dtype = dt;
  p.batch = batch, p.rows = rows, p.cols = cols;
  p.kind = dt == isa::DataType::kS8    ? Kind::kInt8Blocks
           : dt == isa::DataType::kF32 ? Kind::kReductions
           : dt == isa::DataType::kS32 ? Kind::kInt32Halves
                                       : Kind::kBlocks;
  // Tile sizes: the widest column tile, then the largest row count (of the kind's step,
  // within the copies' and repeats' limits), for which the tiles fit (input and output twice).
  int64_t step = 0, most_rows = 0, col_step = 0, most_cols = 0;
  std::function<int64_t(int64_t, int64_t)> bytes_for;                  // (rb, cb)
  const auto pitch = [](int64_t rb) { return round_up(rb * 4, 32); };  // 32-bit output rows
  switch (p.kind) {
    case Kind::kBlocks:
      col_step = 16, most_cols = std::min<int64_t>(128, round_up(cols, 16));
      step = 16;
      most_rows = kMaxNburst / 16 * 16;
      bytes_for = [](int64_t rb, int64_t cb) { return 2 * 2 * rb * cb * 2; };
      break;
    case Kind::kInt8Blocks:
      col_step = 32, most_cols = std::min<int64_t>(128, round_up(cols, 32));
      step = 32;
      most_rows = 2016;  // vcopy: 255 repeats of 8 rows
      // int8 in and out twice, four fp16 temporaries.
      bytes_for = [](int64_t rb, int64_t cb) { return 2 * 2 * rb * cb + 4 * rb * cb * 2; };
      break;
    case Kind::kReductions:
    case Kind::kInt32Halves:
      // cb = 8 m columns: m 32-byte blocks per input row.
      col_step = 8, most_cols = 8 * std::min<int64_t>(8, ceil_div(cols, 8));
      step = 8;
      most_rows = 2040;  // 255 repeats of 8 rows
      // Input and output twice (int32: and both as two fp32 halves).
      bytes_for = [&pitch, k = p.kind](int64_t rb, int64_t cb) {
        return (k == Kind::kInt32Halves ? 4 : 2) * (rb * cb * 4 + cb * pitch(rb));
      };
      break;
  }
  int64_t rb = std::min(most_rows, round_up(rows, step)), cb = most_cols;
  while (cb > col_step && bytes_for(step, cb) > ub_bytes) cb -= col_step;
  while (rb > step && bytes_for(rb, cb) > ub_bytes) rb -= step;
  if (bytes_for(rb, cb) > ub_bytes)
    throw UserError(op + ": the UB of chip '" + chip_name + "' is too small");
  p.cb = cb;
  p.m = cb / 8;
  p.rb = rb;
  switch (p.kind) {
    case Kind::kBlocks:
      p.in_bytes = p.out_bytes = static_cast<uint64_t>(rb * p.cb * 2);
      break;
    case Kind::kInt8Blocks:
      p.in_bytes = p.out_bytes = static_cast<uint64_t>(rb * p.cb);
      p.in_temp_bytes = p.out_temp_bytes = static_cast<uint64_t>(rb * p.cb * 2);
      break;
    case Kind::kReductions:
    case Kind::kInt32Halves:
      p.in_bytes = static_cast<uint64_t>(rb * p.m * 32);
      p.out_bytes = static_cast<uint64_t>(p.cb * pitch(rb));
      if (p.kind == Kind::kInt32Halves)
        p.in_temp_bytes = p.in_bytes, p.out_temp_bytes = p.out_bytes;
      break;
  }
  return p;
}

void add_transpose_tiles(Kernel& k, const TransposePlan& p, const TransposeNames& names) {
  k.tiles.push_back({names.in_tile, isa::Buffer::kUb, p.in_bytes, true, {}, {}});
  k.tiles.push_back({names.out_tile, isa::Buffer::kUb, p.out_bytes, true, {}, {}});
  if (p.in_temp_bytes == 0) return;
  for (const std::string& name : {wide_tile(names), in_blocks_tile(names)})
    k.tiles.push_back({name, isa::Buffer::kUb, p.in_temp_bytes, false, {}, {}});
  for (const std::string& name : {out_blocks_tile(names), out_wide_tile(names)})
    k.tiles.push_back({name, isa::Buffer::kUb, p.out_temp_bytes, false, {}, {}});
}

Body transpose_setup(const TransposePlan& p) {
  Body out;
  if (p.kind == TransposePlan::Kind::kBlocks) return out;
  out.push_back(
      op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
  if (p.kind == TransposePlan::Kind::kInt8Blocks)
    out.push_back(op("set_mask", {imm(-1), imm(-1)}, {}));  // every lane
  return out;
}

void spread_transpose(TransposePlan& p, int64_t workers) {
  p.col_groups = std::clamp<int64_t>(ceil_div(workers, p.panels()), 1, p.col_tiles());
}

Body transpose_unit(const TransposePlan& p, const std::string& unit, const TransposeNames& names) {
  const int64_t RB = p.row_tiles(), CB = p.col_tiles(), G = p.col_groups;
  const int64_t per = ceil_div(CB, G);  // column tiles per group
  Body out;
  std::string panel = unit;
  Affine q = var_expr("q");
  if (G > 1) {
    out.push_back(make_let("qg", unit, true, G));
    out.push_back(make_let("qp", unit, false, G));
    panel = "qp";
    q = var_expr("qg", per).add("qs", 1);
  }
  const Tiling t(p.rows, p.cols, p.rb, p.cb, q);
  Body tile_body;
  switch (p.kind) {
    case TransposePlan::Kind::kBlocks:
      tile_body = blocks_tile(t, p.rows, p.cols, std::string(isa::name(p.dtype)), names);
      break;
    case TransposePlan::Kind::kInt8Blocks:
      tile_body = int8_tile(t, p.rows, p.cols, names);
      break;
    case TransposePlan::Kind::kReductions:
      tile_body = reductions_tile(t, p.rows, p.cols, p.m, names);
      break;
    case TransposePlan::Kind::kInt32Halves:
      tile_body = int32_tile(t, p.rows, p.cols, p.m, names);
      break;
  }
  out.push_back(make_let("b", panel, false, RB));
  out.push_back(make_let("rbi", panel, true, RB));
  if (G == 1) {
    out.push_back(make_loop("q", CB, false, std::move(tile_body)));
  } else {
    // The last group may hold fewer column tiles.
    Body guarded;
    add_guarded(guarded,
                per * G == CB ? std::nullopt
                              : std::optional<Condition>(Condition{q, Condition::Op::kLt, CB}),
                std::move(tile_body));
    out.push_back(make_loop("qs", per, false, std::move(guarded)));
  }
  return out;
}

}  // namespace npu::compiler
