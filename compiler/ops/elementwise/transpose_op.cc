// transpose: `transpose shape=RxC dtype=fp16` (perm 1,0) and batched `shape=BxRxC perm=0,2,1`
// (up to 4 dimensions, the leading ones kept): Y[b][c][r] = X[b][r][c]. Row panels of a tile's
// height go to the vector workers; the column tiles of a panel are double buffered. Two ways:
//
// 16-bit types (fp16, bf16, int16): 16 x 16 blocks. MTE2 copies each 16-column slice of the
// tile's rows into UB (rows of 32 B, so every 16 rows form one contiguous block), `vtranspose`
// turns each block around into the output tile, laid out so that each 16-row strip of X becomes
// 32-byte row segments of Y, and MTE3 writes each strip's segments with one padded copy.
//
// fp32: per-block reductions. MTE2 copies the tile with each GM row in its own UB row of m blocks
// of 32 B; one `vcgmax` per column, with a mask keeping one lane of every block and a block
// stride of one UB row, gathers that column (8 rows per repeat, each block's only active
// element, exact) into a contiguous row; MTE3 writes the rows. Masks are shared by the columns
// of one lane.
#include <algorithm>
#include <functional>
#include <optional>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/elementwise/vector_stream.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

constexpr int64_t kMaxGmGap = 1048575;  // pad word gm_gap (bytes)
constexpr int64_t kMaxNburst = 4095;    // pad word nburst

struct Transpose {
  std::vector<int64_t> shape;
  int64_t batch = 1, rows = 1, cols = 1;
};

Transpose parse(const OpSpec& spec) {
  constexpr int64_t kMax = int64_t{1} << 32;
  Transpose t;
  t.shape = spec.get_shape("shape", 4, kMax);
  size_t rank = t.shape.size();
  if (rank < 2) spec.fail_at("shape", "transpose needs at least 2 dimensions");
  std::string want;
  for (size_t d = 0; d + 2 < rank; ++d) want += std::to_string(d) + ",";
  want += std::to_string(rank - 1) + "," + std::to_string(rank - 2);
  std::string perm = spec.has("perm") ? spec.values.at("perm") : want;
  if (perm != want)
    spec.fail_at("perm", "perm " + perm + " is not supported: transpose swaps the last two "
                         "dimensions (perm=" + want + " for this shape)");
  for (size_t d = 0; d + 2 < rank; ++d) t.batch *= t.shape[d];
  t.rows = t.shape[rank - 2];
  t.cols = t.shape[rank - 1];
  if (t.batch * t.rows * t.cols > kMax) spec.fail_at("shape", "more than 2^32 elements");
  return t;
}

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
Body blocks_tile(const Tiling& t, int64_t R, int64_t C, const std::string& sfx) {
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
    copy.push_back(op("copy_gm_to_ub_pad." + sfx, {tile("x_ub", k * t.rb * 32), gm("x", a)},
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
      out.push_back(op("vtranspose." + sfx, {tile("y_ub", (s * slices + k) * 512),
                                             tile("x_ub", (k * strips + s) * 512)}, {}));
  // MTE3: strip s holds rows 16s.. of X, i.e. a 16-element segment of each of cb rows of Y.
  Affine dst = var_expr("b", R * C * es).add("q", t.cb * R * es).add("rbi", t.rb * es);
  for (int64_t s = 0; s < strips; ++s) {
    int64_t last_height = std::min<int64_t>(16, t.rtail - 16 * s);  // on the last row tile
    if (last_height < 1 && t.RB == 1) continue;
    Value height = Tiling::pick(t.last_rows(), std::max<int64_t>(last_height, 1), 16, t.RB);
    Affine a = dst;
    a.constant += s * 32;
    Body copy;
    copy.push_back(op("copy_ub_to_gm_pad", {gm("y", a), tile("y_ub", s * slices * 512)},
                      {field("nburst", t.cols()), field("burst_bytes", scaled(height, es, 0)),
                       field("gm_gap", scaled(height, -es, R * es))}));
    std::optional<Condition> unless_last;  // a strip past the last row tile's height
    if (last_height < 1) unless_last = Condition{var_expr("rbi"), Condition::Op::kNe, t.RB - 1};
    add_guarded(out, unless_last, std::move(copy));
  }
  return out;
}

// fp32: per-block reductions, one column at a time.
Body reductions_tile(const Tiling& t, int64_t R, int64_t C, int64_t m, const std::string& sfx) {
  const int64_t es = 4, g = 8, Q = round_up(t.rb * es, 32);  // Q: output tile pitch
  Body out;
  Affine src = var_expr("b", R * C * es).add("rbi", t.rb * C * es).add("q", t.cb * es);
  // local_gap keeps the UB row pitch at m blocks when the last column tile is narrower.
  Value in_gap = Tiling::pick(t.last_cols(), m - ceil_div(t.ctail * es, 32), 0, t.CB);
  out.push_back(op("copy_gm_to_ub_pad." + sfx, {tile("x_ub"), gm("x", src)},
                   {field("nburst", t.rows()), field("burst_bytes", scaled(t.cols(), es, 0)),
                    field("gm_gap", scaled(t.cols(), -es, C * es)), field("local_gap", in_gap)}));
  Value repeats = Tiling::pick(t.last_rows(), ceil_div(t.rtail, 8), t.rb / 8, t.RB);
  for (int64_t lane = 0; lane < g; ++lane) {
    int64_t lo = 0;
    for (int64_t b = 0; b < 8; ++b) lo |= int64_t{1} << (b * g + lane);
    out.push_back(op("set_mask", {imm(0), imm(lo)}, {}));
    for (int64_t blk = 0; blk < m; ++blk)
      out.push_back(op("vcgmax." + sfx, {tile("y_ub", (blk * g + lane) * Q), tile("x_ub", blk * 32)},
                       {field("repeat", repeats), field("src0_blk_stride", m),
                        field("src0_rep_stride", 8 * m), field("dst_rep_stride", 1)}));
  }
  Affine dst = var_expr("b", R * C * es).add("q", t.cb * R * es).add("rbi", t.rb * es);
  Value out_gap = Tiling::pick(t.last_rows(), (Q - round_up(t.rtail * es, 32)) / 32, 0, t.RB);
  out.push_back(op("copy_ub_to_gm_pad", {gm("y", dst), tile("y_ub")},
                   {field("nburst", t.cols()), field("burst_bytes", scaled(t.rows(), es, 0)),
                    field("gm_gap", scaled(t.rows(), -es, R * es)), field("local_gap", out_gap)}));
  return out;
}

OpKernel build_transpose(const OpSpec& spec, const config::ChipConfig& chip) {
  Transpose tr = parse(spec);
  isa::DataType dt = get_dtype(spec, "dtype", {"fp16", "bf16", "fp32", "int16"});
  const int64_t es = isa::element_size(dt);
  const int64_t R = tr.rows, C = tr.cols;
  if (std::max(R, C) * es > kMaxGmGap)
    spec.fail_at("shape", "rows of more than " + std::to_string(kMaxGmGap / es) +
                              " elements are not supported");
  const int64_t ub = static_cast<int64_t>(buffer_bytes(chip, isa::Buffer::kUb));
  const std::string sfx(isa::name(dt));
  const bool blocks = es == 2;
  // Tile sizes: the largest row count (of 16 / of 8, within the copies' and repeats' limits)
  // for which the input and output tiles fit twice.
  int64_t cb, step, most_rows, m = 0;
  std::function<int64_t(int64_t)> bytes_for;
  if (blocks) {
    cb = std::min<int64_t>(128, round_up(C, 16));
    step = 16;
    most_rows = kMaxNburst / 16 * 16;
    bytes_for = [cb](int64_t rb) { return 2 * 2 * rb * cb * 2; };
  } else {
    m = std::min<int64_t>(8, ceil_div(C, 8));
    cb = m * 8;
    step = 8;
    most_rows = 2040;  // 255 repeats of 8 rows
    bytes_for = [m, cb](int64_t rb) { return 2 * (rb * m * 32 + cb * round_up(rb * 4, 32)); };
  }
  int64_t rb = std::min(most_rows, round_up(R, step));
  while (rb > step && bytes_for(rb) > ub) rb -= step;
  if (bytes_for(rb) > ub) throw UserError("transpose: the UB of chip '" + chip.name + "' is too small");
  Tiling t(R, C, rb, cb);

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = "transpose";
  k.cores = CoreSelect::kAiv;
  const uint64_t total = static_cast<uint64_t>(tr.batch * R * C);
  k.args = {{"x", isa::ArgKind::kGmPointer, total * static_cast<uint64_t>(es)},
            {"y", isa::ArgKind::kGmPointer, total * static_cast<uint64_t>(es)}};
  uint64_t in_bytes = static_cast<uint64_t>(blocks ? rb * cb * 2 : rb * m * 32);
  uint64_t out_bytes = static_cast<uint64_t>(blocks ? rb * cb * 2 : cb * round_up(rb * 4, 32));
  k.tiles = {{"x_ub", isa::Buffer::kUb, in_bytes, true, {}, {}},
             {"y_ub", isa::Buffer::kUb, out_bytes, true, {}, {}}};
  Body panel;
  panel.push_back(make_let("b", "p", false, t.RB));
  panel.push_back(make_let("rbi", "p", true, t.RB));
  panel.push_back(make_loop("q", t.CB, false,
                            blocks ? blocks_tile(t, R, C, sfx) : reductions_tile(t, R, C, m, sfx)));
  if (!blocks)
    k.body.push_back(
        op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
  k.body.push_back(make_loop("p", tr.batch * t.RB, true, std::move(panel)));

  double low = isa::is_float(dt) ? -1.0 : -1000.0, high = -low;
  r.tensors = {{.name = "x", .dtype = dt, .elements = total, .low = low, .high = high},
               {.name = "y", .dtype = dt, .elements = total, .output = true}};
  r.block_dim = vector_block_dim(chip, std::min(vector_workers(chip), tr.batch * t.RB));
  r.summary = "transpose " + spec.values.at("shape") + " " + std::string(isa::long_name(dt)) +
              ", tiles " + std::to_string(rb) + "x" + std::to_string(cb) +
              (blocks ? " (16 x 16 blocks)" : " (per-column reductions)");
  return r;
}

Tensors reference_transpose(const OpSpec& spec, const Tensors& in) {
  Transpose tr = parse(spec);
  std::vector<double> y(in[0].size());
  for (int64_t b = 0; b < tr.batch; ++b)
    for (int64_t i = 0; i < tr.rows; ++i)
      for (int64_t j = 0; j < tr.cols; ++j)
        y[static_cast<size_t>((b * tr.cols + j) * tr.rows + i)] =
            in[0][static_cast<size_t>((b * tr.rows + i) * tr.cols + j)];
  return {y};
}

}  // namespace

const OpDef& transpose_op() {
  static const OpDef def{"transpose", {"shape", "perm", "dtype"},
                         "transpose shape=4096x1024 dtype=fp16", build_transpose,
                         reference_transpose};
  return def;
}

}  // namespace npu::compiler
