// transpose: `transpose shape=RxC dtype=fp16` (perm 1,0) and batched `shape=BxRxC perm=0,2,1`
// (up to 4 dimensions, the leading ones kept): Y[b][c][r] = X[b][r][c], fp16 and fp32.
//
// Per tile of rb rows x cb columns: MTE2 copies the block into UB with each GM row in its own
// UB row of m = cb / g blocks of 32 B (g = 32 / es elements); then the vector unit turns each
// column into a contiguous row with a per-block reduction (vcgmax) whose mask keeps one lane of
// every block: block b of repeat r is UB row 8r + b (block stride m), so column j's element of
// that row is the block's only active element and lands at result 8r + b. Masks are shared by
// the columns of one lane. MTE3 writes the cb transposed rows with byte-exact padded copies.
// Row panels go to the workers; the column blocks of a panel are double buffered.
#include <algorithm>

#include "base/error.h"
#include "compiler/buffer_allocation.h"
#include "compiler/elementwise.h"
#include "compiler/ir_builder.h"
#include "compiler/ops.h"
#include "compiler/vector_stream.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

constexpr int64_t kMaxGmGap = 1048575;  // pad word gm_gap (bytes)
constexpr int64_t kMaxBlocks = 8;       // m: blocks per UB row of the input tile

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

OpKernel build_transpose(const OpSpec& spec, const config::ChipConfig& chip) {
  Transpose tr = parse(spec);
  isa::DataType t = get_dtype(spec, "dtype", {"fp16", "fp32"});
  const int64_t es = isa::element_size(t), g = 32 / es, epr = 256 / es;
  const int64_t R = tr.rows, C = tr.cols;
  if (std::max(R, C) * es > kMaxGmGap)
    spec.fail_at("shape", "rows of more than " + std::to_string(kMaxGmGap / es) +
                              " elements are not supported");
  const int64_t ub = static_cast<int64_t>(buffer_bytes(chip, isa::Buffer::kUb));
  const int64_t m = std::min(kMaxBlocks, ceil_div(C, g)), cb = m * g;
  // rb (a multiple of 8, at most 2040 for the 255 repeats) so that both tiles fit twice.
  auto bytes_for = [&](int64_t rb) { return 2 * (rb * m * 32 + cb * round_up(rb * es, 32)); };
  int64_t rb = std::min<int64_t>(2040, round_up(R, 8));
  while (rb > 8 && bytes_for(rb) > ub) rb -= 8;
  if (bytes_for(rb) > ub)
    throw UserError("transpose: the UB of chip '" + chip.name + "' is too small");
  const int64_t RB = ceil_div(R, rb), CB = ceil_div(C, cb);
  const int64_t rtail = R - (RB - 1) * rb, ctail = C - (CB - 1) * cb;
  const int64_t Q = round_up(rb * es, 32);  // output tile pitch
  const std::string sfx(isa::name(t));

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = "transpose";
  k.cores = CoreSelect::kAiv;
  const uint64_t total = static_cast<uint64_t>(tr.batch * R * C);
  k.args = {{"x", isa::ArgKind::kGmPointer, total * static_cast<uint64_t>(es)},
            {"y", isa::ArgKind::kGmPointer, total * static_cast<uint64_t>(es)}};
  k.tiles = {{"x_ub", isa::Buffer::kUb, static_cast<uint64_t>(rb * m * 32), true, {}, {}},
             {"y_ub", isa::Buffer::kUb, static_cast<uint64_t>(cb * Q), true, {}, {}}};

  Condition last_rows{var_expr("rbi"), Condition::Op::kEq, RB - 1};
  Condition last_cols{var_expr("q"), Condition::Op::kEq, CB - 1};
  auto pick = [](const Condition& c, int64_t last, int64_t full, int64_t count) {
    return count == 1 || last == full ? constant(count == 1 ? last : full) : Value{last, c, full};
  };
  Value rows = pick(last_rows, rtail, rb, RB), cols = pick(last_cols, ctail, cb, CB);
  auto scaled = [](Value v, int64_t s, int64_t add) {
    v.value = v.value * s + add;
    v.other = v.other * s + add;
    return v;
  };
  Body tile_body;
  Affine src = var_expr("b", R * C * es).add("rbi", rb * C * es).add("q", cb * es);
  // local_gap keeps the UB row pitch at m blocks when the last column block is narrower.
  Value in_gap = pick(last_cols, m - ceil_div(ctail * es, 32), 0, CB);
  tile_body.push_back(op("copy_gm_to_ub_pad." + sfx, {tile("x_ub"), gm("x", src)},
                         {field("nburst", rows), field("burst_bytes", scaled(cols, es, 0)),
                          field("gm_gap", scaled(cols, -es, C * es)), field("local_gap", in_gap)}));
  Value repeats = pick(last_rows, ceil_div(rtail, 8), rb / 8, RB);
  for (int64_t lane = 0; lane < g; ++lane) {
    uint64_t lo = 0, hi = 0;
    for (int64_t b = 0; b < 8; ++b) {
      int64_t e = b * g + lane;
      if (e < 64) lo |= uint64_t{1} << e;
      else hi |= uint64_t{1} << (e - 64);
    }
    NPU_CHECK(8 * g <= epr, "one lane per block exceeds a repeat");
    tile_body.push_back(op("set_mask", {imm(static_cast<int64_t>(hi)), imm(static_cast<int64_t>(lo))}, {}));
    for (int64_t blk = 0; blk < m; ++blk)
      tile_body.push_back(op("vcgmax." + sfx, {tile("y_ub", (blk * g + lane) * Q), tile("x_ub", blk * 32)},
                             {field("repeat", repeats), field("src0_blk_stride", m),
                              field("src0_rep_stride", 8 * m), field("dst_rep_stride", 1)}));
  }
  Affine dst = var_expr("b", R * C * es).add("q", cb * R * es).add("rbi", rb * es);
  Value out_gap = pick(last_rows, (Q - round_up(rtail * es, 32)) / 32, 0, RB);
  tile_body.push_back(op("copy_ub_to_gm_pad", {gm("y", dst), tile("y_ub")},
                         {field("nburst", cols), field("burst_bytes", scaled(rows, es, 0)),
                          field("gm_gap", scaled(rows, -es, R * es)), field("local_gap", out_gap)}));
  Body panel;
  panel.push_back(make_let("b", "p", false, RB));
  panel.push_back(make_let("rbi", "p", true, RB));
  panel.push_back(make_loop("q", CB, false, std::move(tile_body)));
  k.body.push_back(op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
  k.body.push_back(make_loop("p", tr.batch * RB, true, std::move(panel)));

  r.tensors = {{"x", t, total, false}, {"y", t, total, true}};
  int64_t workers = std::min(vector_workers(chip), tr.batch * RB);
  int64_t per_core = chip.split() ? static_cast<int64_t>(chip.chip.aiv_per_core) : 1;
  r.block_dim = static_cast<uint32_t>(ceil_div(workers, per_core));
  r.summary = "transpose " + spec.values.at("shape") + " " + std::string(isa::long_name(t)) +
              ", tiles " + std::to_string(rb) + "x" + std::to_string(cb);
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
