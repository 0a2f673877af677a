// transpose: `transpose shape=AxBxCxD perm=0,2,3,1 dtype=fp16` permutes the dimensions of a
// row-major tensor (numpy / PyTorch convention: output dimension i is input dimension perm[i];
// the default perm swaps the last two). The kernel is the GM permute of transpose.h; this file
// reads the spec, wraps the code in a kernel and computes the host reference.
#include <algorithm>
#include <string>
#include <vector>

#include "base/error.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ops/elementwise/transpose.h"
#include "compiler/ops/ops.h"

namespace npu::compiler {
namespace {

constexpr size_t kMaxRank = 8;

struct Transpose {
  std::vector<int64_t> shape;
  std::vector<int> perm;
};

Transpose parse(const OpSpec& spec) {
  constexpr int64_t kMax = int64_t{1} << 32;
  Transpose t;
  t.shape = spec.get_shape("shape", kMaxRank, kMax);
  const size_t rank = t.shape.size();
  int64_t n = 1;
  for (int64_t d : t.shape) n *= d;
  if (n > kMax) spec.fail_at("shape", "more than 2^32 elements");
  for (size_t d = 0; d < rank; ++d) t.perm.push_back(static_cast<int>(d));
  if (rank >= 2) std::swap(t.perm[rank - 1], t.perm[rank - 2]);
  if (!spec.has("perm")) return t;
  const std::string& text = spec.values.at("perm");
  t.perm.clear();
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = std::min(text.find(',', at), text.size());
    std::string item = text.substr(at, end - at);
    if (item.empty() || item.size() > 2 ||
        !std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; }))
      spec.fail_at("perm", "bad perm '" + text + "' (expected dimension indices like 0,2,3,1)");
    t.perm.push_back(std::stoi(item));
    at = end + 1;
  }
  if (t.perm.size() != rank)
    spec.fail_at("perm", "perm " + text + " has " + std::to_string(t.perm.size()) +
                             " dimensions but shape " + spec.values.at("shape") + " has " +
                             std::to_string(rank));
  return t;
}

OpKernel build_transpose(const OpSpec& spec, const config::ChipConfig& chip) {
  Transpose tr = parse(spec);
  isa::DataType dt =
      get_dtype(spec, "dtype", {"fp16", "bf16", "fp32", "int8", "uint8", "int16", "int32"});
  if (std::string problem = permute_problem(tr.shape, tr.perm, dt); !problem.empty())
    spec.fail_at(spec.has("perm") ? "perm" : "dtype", problem);
  GmPermute gp;
  gp.shape = tr.shape;
  gp.perm = tr.perm;
  gp.dtype = dt;
  PermuteCode code = build_gm_permute(gp, chip);

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = "transpose";
  k.cores = CoreSelect::kAiv;
  uint64_t total = 1;
  for (int64_t d : tr.shape) total *= static_cast<uint64_t>(d);
  const auto bytes = total * static_cast<uint64_t>(isa::element_size(dt));
  k.args = {{"x", isa::ArgKind::kGmPointer, bytes}, {"y", isa::ArgKind::kGmPointer, bytes}};
  k.tiles = code.tiles;
  k.body = std::move(code.body);
  // Integers cover their type's range (int8 / uint8) or a wide one; floats [-1, 1].
  double low = -1.0, high = 1.0;
  if (dt == isa::DataType::kS8) low = -128, high = 127;
  if (dt == isa::DataType::kU8) low = 0, high = 255;
  if (dt == isa::DataType::kS16 || dt == isa::DataType::kS32) low = -1000, high = 1000;
  r.tensors = {{.name = "x", .dtype = dt, .elements = total, .low = low, .high = high},
               {.name = "y", .dtype = dt, .elements = total, .output = true}};
  r.block_dim = code.block_dim;
  std::string perm;
  for (int p : tr.perm) perm += (perm.empty() ? "" : ",") + std::to_string(p);
  r.summary = "transpose " + spec.values.at("shape") + " perm=" + perm + " " +
              std::string(isa::long_name(dt)) + ", " + code.method;
  return r;
}

Tensors reference_transpose(const OpSpec& spec, const Tensors& in) {
  Transpose tr = parse(spec);
  const size_t rank = tr.shape.size();
  std::vector<int64_t> in_stride(rank, 1);
  for (size_t i = rank; i-- > 1;) in_stride[i - 1] = in_stride[i] * tr.shape[i];
  const std::vector<int64_t> out_shape = permuted_shape(tr.shape, tr.perm);
  std::vector<double> y(in[0].size());
  std::vector<int64_t> index(rank, 0);  // the output index, odometer order
  for (size_t o = 0; o < y.size(); ++o) {
    int64_t from = 0;
    for (size_t j = 0; j < rank; ++j) from += index[j] * in_stride[static_cast<size_t>(tr.perm[j])];
    y[o] = in[0][static_cast<size_t>(from)];
    for (size_t j = rank; j-- > 0;) {
      if (++index[j] < out_shape[j]) break;
      index[j] = 0;
    }
  }
  return {y};
}

}  // namespace

const OpDef& transpose_op() {
  static const OpDef def{"transpose",
                         {"shape", "perm", "dtype"},
                         "transpose shape=4096x1024 dtype=fp16",
                         build_transpose,
                         reference_transpose};
  return def;
}

}  // namespace npu::compiler
