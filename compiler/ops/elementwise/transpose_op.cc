// transpose: `transpose shape=RxC dtype=fp16` (perm 1,0) and batched `shape=BxRxC perm=0,2,1`
// (up to 4 dimensions, the leading ones kept): Y[b][c][r] = X[b][r][c]. Row panels of a tile's
// height go to the vector workers; the column tiles of a panel are double buffered. Two ways:
//
// The tiles and their instructions are compiler/ops/elementwise/transpose_tiles.h's: 16 x 16
// blocks through `vtranspose` for 16-bit types, per-column block reductions for fp32.
#include <algorithm>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ops/elementwise/transpose_tiles.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/elementwise/vector_stream.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

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
  isa::DataType dt = get_dtype(spec, "dtype", {"fp16", "bf16", "fp32", "int16"});
  if (std::max(tr.rows, tr.cols) > transpose_max_extent(dt))
    spec.fail_at("shape", "rows of more than " + std::to_string(transpose_max_extent(dt)) +
                              " elements are not supported");
  const int64_t ub = static_cast<int64_t>(buffer_bytes(chip, isa::Buffer::kUb));
  const TransposePlan plan =
      plan_transpose(tr.batch, tr.rows, tr.cols, dt, ub, "transpose", chip.name);

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = "transpose";
  k.cores = CoreSelect::kAiv;
  const int64_t es = isa::element_size(dt);
  const uint64_t total = static_cast<uint64_t>(tr.batch * tr.rows * tr.cols);
  k.args = {{"x", isa::ArgKind::kGmPointer, total * static_cast<uint64_t>(es)},
            {"y", isa::ArgKind::kGmPointer, total * static_cast<uint64_t>(es)}};
  const TransposeNames names;
  add_transpose_tiles(k, plan, names);
  k.body = transpose_setup(plan);
  k.body.push_back(make_loop("p", plan.units(), true, transpose_unit(plan, "p", names)));

  double low = isa::is_float(dt) ? -1.0 : -1000.0, high = -low;
  r.tensors = {{.name = "x", .dtype = dt, .elements = total, .low = low, .high = high},
               {.name = "y", .dtype = dt, .elements = total, .output = true}};
  r.block_dim = vector_block_dim(chip, std::min(vector_workers(chip), plan.units()));
  r.summary = "transpose " + spec.values.at("shape") + " " + std::string(isa::long_name(dt)) +
              ", tiles " + std::to_string(plan.rb) + "x" + std::to_string(plan.cb) +
              (plan.kind == TransposePlan::Kind::kBlocks ? " (16 x 16 blocks)"
                                                         : " (per-column reductions)");
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
