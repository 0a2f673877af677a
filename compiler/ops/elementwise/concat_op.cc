// concat: y = the inputs joined along one axis, `concat shapes=4x3,4x5 axis=1 dtype=fp16` (up to
// 8 inputs of up to 8 dimensions that agree except on the axis). Pure data movement: viewed as
// [outer, inner_i] matrices (outer = the dimensions before the axis), input i is copied
// GM -> UB -> GM into columns [offset_i, offset_i + inner_i) of the [outer, sum inner_i] output
// with byte-exact padded copies, double buffered over tiles of whole rows, or over column chunks
// of one row when a row does not fit a tile. Tiles are dealt to the vector workers; the inputs
// take one double-buffered UB tile in turn, so their number does not depend on the event ids.
#include <algorithm>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/elementwise/vector_stream.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

const std::vector<std::string> kTypes = {"fp16", "bf16", "fp32", "int8", "uint8", "int16", "int32"};
constexpr int64_t kMaxNburst = 4095;       // pad word nburst
constexpr int64_t kMaxGmGap = 1048575;     // pad word gm_gap (bytes)

struct Concat {
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int64_t> out;
  int64_t axis = 0, outer = 1;
  std::vector<int64_t> inner;  // per input
  int64_t inner_out = 0;
};

Concat parse(const OpSpec& spec) {
  constexpr int64_t kMax = int64_t{1} << 32;
  Concat c;
  c.shapes = spec.get_shapes("shapes", 8, 8, kMax);
  size_t rank = c.shapes[0].size();
  c.axis = spec.get_int("axis", 0, static_cast<int64_t>(rank) - 1);
  c.out = c.shapes[0];
  c.out[static_cast<size_t>(c.axis)] = 0;
  for (const auto& s : c.shapes) {
    if (s.size() != rank)
      spec.fail_at("shapes", "every shape of 'shapes' needs " + std::to_string(rank) +
                                 " dimensions (" + spec.values.at("shapes") + ")");
    for (size_t d = 0; d < rank; ++d)
      if (static_cast<int64_t>(d) != c.axis && s[d] != c.shapes[0][d])
        spec.fail_at("shapes", "shapes " + spec.values.at("shapes") + " differ in dimension " +
                                   std::to_string(d) + ", which is not the axis");
    c.out[static_cast<size_t>(c.axis)] += s[static_cast<size_t>(c.axis)];
  }
  for (int64_t d = 0; d < c.axis; ++d) c.outer *= c.out[static_cast<size_t>(d)];
  for (const auto& s : c.shapes) {
    int64_t inner = 1;
    for (size_t d = static_cast<size_t>(c.axis); d < rank; ++d) inner *= s[d];
    c.inner.push_back(inner);
    c.inner_out += inner;
  }
  if (c.outer * c.inner_out > kMax) spec.fail_at("shapes", "the output has more than 2^32 elements");
  return c;
}

OpKernel build_concat(const OpSpec& spec, const config::ChipConfig& chip) {
  Concat c = parse(spec);
  isa::DataType t = get_dtype(spec, "dtype", kTypes);
  const int64_t es = isa::element_size(t);
  const int64_t inputs = static_cast<int64_t>(c.shapes.size());
  const int64_t ub = static_cast<int64_t>(buffer_bytes(chip, isa::Buffer::kUb));
  // One double-buffered tile (a multiple of 32 B) that the inputs' copies take in turn: sync
  // insertion orders each input's first loads after the previous input's last stores, and the
  // inputs' loops share their flags, so any number of inputs fits the chip's event ids.
  const int64_t tile_bytes = std::min<int64_t>(ub / 2 / 32 * 32, 64 * 1024);
  const int64_t W = vector_workers(chip);
  const int64_t out_pitch = c.inner_out * es;

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = "concat";
  k.cores = CoreSelect::kAiv;
  const std::string buf = "x_ub";
  k.tiles.push_back({buf, isa::Buffer::kUb, static_cast<uint64_t>(tile_bytes), true, {}, {}});
  int64_t offset = 0, workers = 1;
  Body inputs_body;
  for (int64_t i = 0; i < inputs; ++i) {
    const std::string x = "in" + std::to_string(i);
    const int64_t inner = c.inner[static_cast<size_t>(i)], row_bytes = inner * es;
    k.args.push_back({x, isa::ArgKind::kGmPointer, static_cast<uint64_t>(c.outer * row_bytes)});
    r.tensors.push_back({.name = x,
                         .dtype = t,
                         .elements = static_cast<uint64_t>(c.outer * inner),
                         .low = isa::is_float(t) ? -1.0 : -100.0,
                         .high = isa::is_float(t) ? 1.0 : 100.0});
    const int64_t gap = out_pitch - row_bytes;
    Body copy;
    if (ir::round_up(row_bytes, 32) <= tile_bytes) {
      // Tiles of rb whole rows: tile index W*j + c.
      int64_t rb = std::min({tile_bytes / ir::round_up(row_bytes, 32), kMaxNburst, c.outer});
      if (gap > kMaxGmGap) rb = 1;
      const int64_t NT = ceil_div(c.outer, rb), tail = c.outer - (NT - 1) * rb;
      const int64_t Wi = std::min(W, NT);
      Affine index = tile_index(Wi);
      Value rows = tail == rb ? constant(rb) : Value{tail, Condition{index, Condition::Op::kEq, NT - 1}, rb};
      copy.push_back(op("copy_gm_to_ub_pad." + std::string(isa::name(t)),
                        {tile(buf), gm(x, var_expr("j", Wi * rb * row_bytes).add("c", rb * row_bytes))},
                        {field("nburst", rows), field("burst_bytes", row_bytes)}));
      Affine dst = var_expr("j", Wi * rb * out_pitch).add("c", rb * out_pitch);
      dst.constant = offset * es;
      copy.push_back(op("copy_ub_to_gm_pad", {gm("y", dst), tile(buf)},
                        {field("nburst", rows), field("burst_bytes", row_bytes),
                         field("gm_gap", rb > 1 ? gap : 0)}));
      inputs_body.push_back(deal_tiles(NT, Wi, {}, std::move(copy)));
      workers = std::max(workers, Wi);
    } else {
      // A row is longer than a tile: rows go to the workers, each copies its row in chunks.
      const int64_t cb = tile_bytes / es;
      const int64_t CB = ceil_div(inner, cb), tail = inner - (CB - 1) * cb;
      Value bytes = Value{tail * es, Condition{var_expr("q"), Condition::Op::kEq, CB - 1}, cb * es};
      if (CB == 1) bytes = constant(tail * es);
      copy.push_back(op("copy_gm_to_ub_pad." + std::string(isa::name(t)),
                        {tile(buf), gm(x, var_expr("row", row_bytes).add("q", cb * es))},
                        {field("burst_bytes", bytes)}));
      Affine dst = var_expr("row", out_pitch).add("q", cb * es);
      dst.constant = offset * es;
      copy.push_back(op("copy_ub_to_gm_pad", {gm("y", dst), tile(buf)}, {field("burst_bytes", bytes)}));
      Body per_row;
      per_row.push_back(make_loop("q", CB, false, std::move(copy)));
      inputs_body.push_back(make_loop("row", c.outer, true, std::move(per_row)));
      workers = std::max(workers, std::min(W, c.outer));
    }
    offset += inner;
  }
  k.body = std::move(inputs_body);
  k.args.push_back({"y", isa::ArgKind::kGmPointer, static_cast<uint64_t>(c.outer * out_pitch)});
  r.tensors.push_back(
      {.name = "y", .dtype = t, .elements = static_cast<uint64_t>(c.outer * c.inner_out), .output = true});
  r.block_dim = vector_block_dim(chip, workers);
  r.summary = "concat " + spec.values.at("shapes") + " axis " + std::to_string(c.axis) + " -> " +
              shape_text(c.out) + " " + std::string(isa::long_name(t));
  return r;
}

Tensors reference_concat(const OpSpec& spec, const Tensors& in) {
  Concat c = parse(spec);
  std::vector<double> y;
  y.reserve(static_cast<size_t>(c.outer * c.inner_out));
  for (int64_t o = 0; o < c.outer; ++o)
    for (size_t i = 0; i < in.size(); ++i) {
      auto first = in[i].begin() + static_cast<std::ptrdiff_t>(o * c.inner[i]);
      y.insert(y.end(), first, first + static_cast<std::ptrdiff_t>(c.inner[i]));
    }
  return {y};
}

}  // namespace

const OpDef& concat_op() {
  static const OpDef def{"concat", {"shapes", "axis", "dtype"},
                         "concat shapes=4096x512,4096x512 axis=1 dtype=fp16", build_concat,
                         reference_concat};
  return def;
}

}  // namespace npu::compiler
