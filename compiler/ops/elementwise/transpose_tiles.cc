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
  int64_t rb = 0, cb = 0, RB = 0, CB = 0, rtail = 0, ctail = 0;
  Tiling(int64_t R, int64_t C, int64_t rb_, int64_t cb_) : rb(rb_), cb(cb_) {
    RB = ceil_div(R, rb);
    CB = ceil_div(C, cb);
    rtail = R - (RB - 1) * rb;
    ctail = C - (CB - 1) * cb;
  }
  // The loop variables of the panel: rbi (row tile), q (column tile).
  Condition last_rows() const { return {var_expr("rbi"), Condition::Op::kEq, RB - 1}; }
  Condition last_cols() const { return {var_expr("q"), Condition::Op::kEq, CB - 1}; }
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

// 16-bit types: 16 x 16 blocks through vtranspose.
Body blocks_tile(const Tiling& t, int64_t R, int64_t C, const std::string& sfx,
                const TransposeNames& nm) {
  const int64_t es = 2, strips = t.rb / 16, slices = t.cb / 16;
  Body out;
  Affine src = var_expr("b", R * C * es).add("rbi", t.rb * C * es).add("q", t.cb * es);
  // MTE2: slice k (16 columns) of every row: row r lands at (k*rb + r)*32.
  for (int64_t k = 0; k < slices; ++k) {
    int64_t last_width = std::min<int64_t>(16, t.ctail - 16 * k);  // on the last column tile
    Value width = Tiling::pick(t.last_cols(), std::max<int64_t>(last_width, 1), 16, t.CB);
    Affine a = src;
    a.constant += k * 32;
    Body copy;
    copy.push_back(op("copy_gm_to_ub_pad." + sfx, {tile(nm.in_tile, k * t.rb * 32), gm(nm.src, a)},
                      {field("nburst", t.rows()), field("burst_bytes", scaled(width, es, 0)),
                       field("gm_gap", scaled(width, -es, C * es))}));
    std::optional<Condition> unless_last;  // a slice past the last column tile's width
    if (last_width < 1) {
      if (t.CB == 1) continue;
      unless_last = Condition{var_expr("q"), Condition::Op::kNe, t.CB - 1};
    }
    add_guarded(out, unless_last, std::move(copy));
  }
  // V: block (strip s, slice k) -> output block (s, k), strip-major.
  for (int64_t s = 0; s < strips; ++s)
    for (int64_t k = 0; k < slices; ++k)
      out.push_back(op("vtranspose." + sfx, {tile(nm.out_tile, (s * slices + k) * 512),
                                             tile(nm.in_tile, (k * strips + s) * 512)}, {}));
  // MTE3: strip s holds rows 16s.. of X, i.e. a 16-element segment of each of cb rows of Y.
  Affine dst = var_expr("b", R * C * es).add("q", t.cb * R * es).add("rbi", t.rb * es);
  for (int64_t s = 0; s < strips; ++s) {
    int64_t last_height = std::min<int64_t>(16, t.rtail - 16 * s);  // on the last row tile
    if (last_height < 1 && t.RB == 1) continue;
    Value height = Tiling::pick(t.last_rows(), std::max<int64_t>(last_height, 1), 16, t.RB);
    Affine a = dst;
    a.constant += s * 32;
    Body copy;
    copy.push_back(op("copy_ub_to_gm_pad", {gm(nm.dst, a), tile(nm.out_tile, s * slices * 512)},
                      {field("nburst", t.cols()), field("burst_bytes", scaled(height, es, 0)),
                       field("gm_gap", scaled(height, -es, R * es))}));
    std::optional<Condition> unless_last;  // a strip past the last row tile's height
    if (last_height < 1) unless_last = Condition{var_expr("rbi"), Condition::Op::kNe, t.RB - 1};
    add_guarded(out, unless_last, std::move(copy));
  }
  return out;
}

// fp32: per-block reductions, one column at a time.
Body reductions_tile(const Tiling& t, int64_t R, int64_t C, int64_t m, const std::string& sfx,
                const TransposeNames& nm) {
  const int64_t es = 4, g = 8, Q = round_up(t.rb * es, 32);  // Q: output tile pitch
  Body out;
  Affine src = var_expr("b", R * C * es).add("rbi", t.rb * C * es).add("q", t.cb * es);
  // local_gap keeps the UB row pitch at m blocks when the last column tile is narrower.
  Value in_gap = Tiling::pick(t.last_cols(), m - ceil_div(t.ctail * es, 32), 0, t.CB);
  out.push_back(op("copy_gm_to_ub_pad." + sfx, {tile(nm.in_tile), gm(nm.src, src)},
                   {field("nburst", t.rows()), field("burst_bytes", scaled(t.cols(), es, 0)),
                    field("gm_gap", scaled(t.cols(), -es, C * es)), field("local_gap", in_gap)}));
  Value repeats = Tiling::pick(t.last_rows(), ceil_div(t.rtail, 8), t.rb / 8, t.RB);
  for (int64_t lane = 0; lane < g; ++lane) {
    int64_t lo = 0;
    for (int64_t b = 0; b < 8; ++b) lo |= int64_t{1} << (b * g + lane);
    out.push_back(op("set_mask", {imm(0), imm(lo)}, {}));
    for (int64_t blk = 0; blk < m; ++blk)
      out.push_back(op("vcgmax." + sfx, {tile(nm.out_tile, (blk * g + lane) * Q), tile(nm.in_tile, blk * 32)},
                       {field("repeat", repeats), field("src0_blk_stride", m),
                        field("src0_rep_stride", 8 * m), field("dst_rep_stride", 1)}));
  }
  Affine dst = var_expr("b", R * C * es).add("q", t.cb * R * es).add("rbi", t.rb * es);
  Value out_gap = Tiling::pick(t.last_rows(), (Q - round_up(t.rtail * es, 32)) / 32, 0, t.RB);
  out.push_back(op("copy_ub_to_gm_pad", {gm(nm.dst, dst), tile(nm.out_tile)},
                   {field("nburst", t.cols()), field("burst_bytes", scaled(t.rows(), es, 0)),
                    field("gm_gap", scaled(t.rows(), -es, R * es)), field("local_gap", out_gap)}));
  return out;
}

}  // namespace

int64_t TransposePlan::row_tiles() const { return ceil_div(rows, rb); }

int64_t transpose_max_extent(isa::DataType dt) { return kMaxGmGap / isa::element_size(dt); }

bool transposable(isa::DataType dt) {
  return dt == isa::DataType::kF16 || dt == isa::DataType::kBf16 ||
         dt == isa::DataType::kS16 || dt == isa::DataType::kF32;
}

TransposePlan plan_transpose(int64_t batch, int64_t rows, int64_t cols, isa::DataType dt,
                             int64_t ub_bytes, const std::string& op,
                             const std::string& chip_name) {
  NPU_CHECK(transposable(dt) && std::max(rows, cols) <= transpose_max_extent(dt),
            "plan_transpose: the caller checks the type and the extents");
  TransposePlan p;
  p.dtype = dt;
  p.batch = batch, p.rows = rows, p.cols = cols;
  p.blocks = isa::element_size(dt) == 2;
  // Tile sizes: the largest row count (of 16 / of 8, within the copies' and repeats' limits)
  // for which the input and output tiles fit twice.
  int64_t step = 0, most_rows = 0;
  std::function<int64_t(int64_t)> bytes_for;
  if (p.blocks) {
    p.cb = std::min<int64_t>(128, round_up(cols, 16));
    step = 16;
    most_rows = kMaxNburst / 16 * 16;
    bytes_for = [cb = p.cb](int64_t rb) { return 2 * 2 * rb * cb * 2; };
  } else {
    p.m = std::min<int64_t>(8, ceil_div(cols, 8));
    p.cb = p.m * 8;
    step = 8;
    most_rows = 2040;  // 255 repeats of 8 rows
    bytes_for = [m = p.m, cb = p.cb](int64_t rb) {
      return 2 * (rb * m * 32 + cb * round_up(rb * 4, 32));
    };
  }
  int64_t rb = std::min(most_rows, round_up(rows, step));
  while (rb > step && bytes_for(rb) > ub_bytes) rb -= step;
  if (bytes_for(rb) > ub_bytes) throw UserError(op + ": the UB of chip '" + chip_name + "' is too small");
  p.rb = rb;
  p.in_bytes = static_cast<uint64_t>(p.blocks ? rb * p.cb * 2 : rb * p.m * 32);
  p.out_bytes = static_cast<uint64_t>(p.blocks ? rb * p.cb * 2 : p.cb * round_up(rb * 4, 32));
  return p;
}

void add_transpose_tiles(Kernel& k, const TransposePlan& p, const TransposeNames& names) {
  k.tiles.push_back({names.in_tile, isa::Buffer::kUb, p.in_bytes, true, {}, {}});
  k.tiles.push_back({names.out_tile, isa::Buffer::kUb, p.out_bytes, true, {}, {}});
}

Body transpose_setup(const TransposePlan& p) {
  Body out;
  if (!p.blocks)
    out.push_back(
        op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
  return out;
}

Body transpose_panel(const TransposePlan& p, const std::string& panel,
                     const TransposeNames& names) {
  const Tiling t(p.rows, p.cols, p.rb, p.cb);
  const std::string sfx(isa::name(p.dtype));
  Body out;
  out.push_back(make_let("b", panel, false, t.RB));
  out.push_back(make_let("rbi", panel, true, t.RB));
  out.push_back(make_loop("q", t.CB, false,
                          p.blocks ? blocks_tile(t, p.rows, p.cols, sfx, names)
                                   : reductions_tile(t, p.rows, p.cols, p.m, sfx, names)));
  return out;
}

}  // namespace npu::compiler
