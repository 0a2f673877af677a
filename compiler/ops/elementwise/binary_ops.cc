// The elementwise binary ops add, sub, mul, div, max, min: c = a OP b with numpy broadcasting,
// fp16 / fp32 computed in their own type, bf16 computed in fp32 (the vector unit has no bf16
// arithmetic) and rounded back. Specs: `add n=N dtype=fp16` (two tensors of N elements) or
// `add a=4096x1024 b=1x1024 dtype=fp16` (shapes, broadcast as numpy does). One table row per op;
// full-size operands, scalars and trailing rows stream (vector_stream.h), every other broadcast
// pattern goes through general_broadcast.h.
#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ops/elementwise/general_broadcast.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/elementwise/vector_stream.h"

namespace npu::compiler {
namespace {

struct BinaryOp {
  const char* name;
  const char* mnemonic;  // the vector instruction
  double (*host)(double, double);
  double b_low, b_high;  // --check range of b
  bool exact;            // max / min: no rounding at all
};

const BinaryOp kOps[] = {
    {"add", "vadd", [](double a, double b) { return a + b; }, -1, 1, false},
    {"sub", "vsub", [](double a, double b) { return a - b; }, -1, 1, false},
    {"mul", "vmul", [](double a, double b) { return a * b; }, -1, 1, false},
    // b away from 0 so that the quotient stays in range.
    {"div", "vdiv", [](double a, double b) { return a / b; }, 0.25, 2, false},
    {"max", "vmax", [](double a, double b) { return std::max(a, b); }, -1, 1, true},
    {"min", "vmin", [](double a, double b) { return std::min(a, b); }, -1, 1, true},
};

const BinaryOp& find(const std::string& name) {
  for (const BinaryOp& o : kOps)
    if (name == o.name) return o;
  NPU_CHECK(false, "unknown binary op " + name);
  return kOps[0];
}

// The output shape, the operands' shapes aligned to it, and how the op runs: streamed (each
// operand full-size, a scalar or a trailing row: period_a / period_b, 0 = full size) or by the
// general broadcast (any other pattern: `general`).
struct Broadcast {
  std::vector<int64_t> out, a, b;
  int64_t elements = 1;
  int64_t period_a = 0, period_b = 0;
  bool general = false;
};

// The period of a streamed operand (0: full size), or -1 when it is not 1s followed by the
// output's trailing dimensions.
int64_t stream_period(const std::vector<int64_t>& x, const std::vector<int64_t>& out) {
  if (x == out) return 0;
  size_t lead = 0;
  while (lead < x.size() && x[lead] == 1) ++lead;
  int64_t p = 1;
  for (size_t i = lead; i < x.size(); ++i) {
    if (x[i] != out[i]) return -1;
    p *= x[i];
  }
  return p;
}

Broadcast resolve(const OpSpec& spec) {
  constexpr int64_t kMax = int64_t{1} << 32;
  Broadcast r;
  if (spec.has("n")) {
    for (const char* k : {"a", "b"})
      if (spec.has(k)) spec.fail_at(k, "give either 'n' or the shapes 'a' and 'b', not both");
    r.elements = spec.get_int("n", 1, kMax);
    r.out = r.a = r.b = {r.elements};
    return r;
  }
  if (!spec.has("a") && !spec.has("b"))
    spec.fail_at("n", spec.op + " needs 'n' or the shapes 'a' and 'b' (e.g. a=4096x1024 b=1x1024)");
  r.a = spec.get_shape("a", 8, kMax);
  r.b = spec.get_shape("b", 8, kMax);
  size_t rank = std::max(r.a.size(), r.b.size());
  r.a.insert(r.a.begin(), rank - r.a.size(), 1);
  r.b.insert(r.b.begin(), rank - r.b.size(), 1);
  for (size_t i = 0; i < rank; ++i) {
    if (r.a[i] != r.b[i] && r.a[i] != 1 && r.b[i] != 1)
      spec.fail_at("b", "shapes " + spec.values.at("a") + " and " + spec.values.at("b") +
                            " do not broadcast (dimension " + std::to_string(i) + ": " +
                            std::to_string(r.a[i]) + " vs " + std::to_string(r.b[i]) + ")");
    r.out.push_back(std::max(r.a[i], r.b[i]));
    r.elements *= r.out.back();
    if (r.elements > kMax) spec.fail_at("a", "the output has more than 2^32 elements");
  }
  r.period_a = stream_period(r.a, r.out);
  r.period_b = stream_period(r.b, r.out);
  r.general = r.period_a < 0 || r.period_b < 0;
  return r;
}

OpKernel build_binary(const OpSpec& spec, const config::ChipConfig& chip) {
  const BinaryOp& o = find(spec.op);
  Broadcast shape = resolve(spec);
  isa::DataType t = get_dtype(spec, "dtype", {"fp16", "bf16", "fp32"});
  const isa::DataType compute = t == isa::DataType::kBf16 ? isa::DataType::kF32 : t;
  const StreamTensor a{"a", t, -1, 1, 0}, b{"b", t, o.b_low, o.b_high, 0}, c{"c", t};
  StreamSpec s;
  s.kernel_name = spec.op;
  s.elements = shape.elements;
  s.inputs = {a, b};
  s.inputs[0].period = shape.period_a;
  s.inputs[1].period = shape.period_b;
  s.output = c;
  s.compute = compute;
  std::string mnemonic = o.mnemonic;
  s.emit = [mnemonic](VectorBody& v, const std::vector<std::string>& in, const std::string& out) {
    v.binary(mnemonic, out, in[0], in[1]);
  };
  OpKernel r;
  std::string tiles;
  // A trailing row too long for one UB tile streams as a general broadcast, which splits it.
  if (shape.general || !stream_fits(s, chip)) {
    BroadcastSpec g;
    g.kernel_name = spec.op;
    g.shape = collapse_broadcast(shape.a, shape.b);
    g.a = a;
    g.b = b;
    g.output = c;
    g.compute = compute;
    g.mnemonic = o.mnemonic;
    r = build_general_broadcast(g, chip);
    tiles = general_broadcast_tiles(g, chip) + " (general broadcast)";
  } else {
    r = build_stream(s, chip);
    tiles = "tiles of " + std::to_string(stream_tile_elements(s, chip)) + " elements";
  }
  r.flops = static_cast<double>(shape.elements);
  r.summary = spec.op + " " + shape_text(shape.out) + " " + std::string(isa::long_name(t)) +
              ", " + tiles;
  // One rounding to the type (bf16: to fp32, then to bf16); max / min are exact.
  r.rtol = o.exact ? 0 : 2 * unit_roundoff(t);
  r.atol = o.exact ? 0 : unit_roundoff(t) * smallest_normal(t);
  return r;
}

Tensors reference_binary(const OpSpec& spec, const Tensors& in) {
  const BinaryOp& o = find(spec.op);
  Broadcast shape = resolve(spec);
  const size_t rank = shape.out.size();
  // Strides of a and b over the output's dimensions, 0 where they broadcast.
  std::vector<int64_t> sa(rank, 0), sb(rank, 0);
  for (int64_t i = static_cast<int64_t>(rank) - 1, na = 1, nb = 1; i >= 0; --i) {
    const size_t u = static_cast<size_t>(i);
    if (shape.a[u] > 1) sa[u] = na;
    if (shape.b[u] > 1) sb[u] = nb;
    na *= shape.a[u];
    nb *= shape.b[u];
  }
  std::vector<double> c(static_cast<size_t>(shape.elements));
  std::vector<int64_t> index(rank, 0);  // the output index, odometer order
  int64_t ia = 0, ib = 0;
  for (double& x : c) {
    x = o.host(in[0][static_cast<size_t>(ia)], in[1][static_cast<size_t>(ib)]);
    for (size_t j = rank; j-- > 0;) {
      ia += sa[j];
      ib += sb[j];
      if (++index[j] < shape.out[j]) break;
      ia -= sa[j] * shape.out[j];
      ib -= sb[j] * shape.out[j];
      index[j] = 0;
    }
  }
  return {c};
}

OpDef binary_def(const char* name) {
  return OpDef{name, {"n", "a", "b", "dtype"}, std::string(name) + " n=16777216 dtype=fp16",
               build_binary, reference_binary};
}

}  // namespace

const OpDef& add_op() { static const OpDef d = binary_def("add"); return d; }
const OpDef& sub_op() { static const OpDef d = binary_def("sub"); return d; }
const OpDef& mul_op() { static const OpDef d = binary_def("mul"); return d; }
const OpDef& div_op() { static const OpDef d = binary_def("div"); return d; }
const OpDef& max_op() { static const OpDef d = binary_def("max"); return d; }
const OpDef& min_op() { static const OpDef d = binary_def("min"); return d; }

}  // namespace npu::compiler
