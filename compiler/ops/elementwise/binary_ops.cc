// The elementwise binary ops add, sub, mul, div, max, min: c = a OP b with numpy broadcasting,
// fp16 / fp32 computed in their own type, bf16 computed in fp32 (the vector unit has no bf16
// arithmetic) and rounded back. Specs: `add n=N dtype=fp16` (two tensors of N elements) or
// `add a=4096x1024 b=1x1024 dtype=fp16` (shapes, broadcast as numpy does). One table row per op;
// the streaming is vector_stream.h's.
#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "compiler/ops/elementwise/elementwise.h"
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

// The output shape and, per operand, the period of its broadcast (0 = full size).
struct Broadcast {
  std::vector<int64_t> out;
  int64_t elements = 1;
  int64_t period_a = 0, period_b = 0;
};

Broadcast resolve(const OpSpec& spec) {
  constexpr int64_t kMax = int64_t{1} << 32;
  Broadcast r;
  if (spec.has("n")) {
    for (const char* k : {"a", "b"})
      if (spec.has(k)) spec.fail_at(k, "give either 'n' or the shapes 'a' and 'b', not both");
    r.elements = spec.get_int("n", 1, kMax);
    r.out = {r.elements};
    return r;
  }
  if (!spec.has("a") && !spec.has("b"))
    spec.fail_at("n", spec.op + " needs 'n' or the shapes 'a' and 'b' (e.g. a=4096x1024 b=1x1024)");
  std::vector<int64_t> a = spec.get_shape("a", 8, kMax), b = spec.get_shape("b", 8, kMax);
  size_t rank = std::max(a.size(), b.size());
  a.insert(a.begin(), rank - a.size(), 1);
  b.insert(b.begin(), rank - b.size(), 1);
  for (size_t i = 0; i < rank; ++i) {
    if (a[i] != b[i] && a[i] != 1 && b[i] != 1)
      spec.fail_at("b", "shapes " + spec.values.at("a") + " and " + spec.values.at("b") +
                            " do not broadcast (dimension " + std::to_string(i) + ": " +
                            std::to_string(a[i]) + " vs " + std::to_string(b[i]) + ")");
    r.out.push_back(std::max(a[i], b[i]));
    r.elements *= r.out.back();
    if (r.elements > kMax) spec.fail_at("a", "the output has more than 2^32 elements");
  }
  // An operand is full-size, or 1s followed by the output's trailing dimensions (a row repeated
  // over the leading dimensions; all 1s: a scalar).
  auto period = [&](const std::vector<int64_t>& x, const char* key) -> int64_t {
    if (x == r.out) return 0;
    size_t lead = 0;
    while (lead < rank && x[lead] == 1) ++lead;
    int64_t p = 1;
    for (size_t i = lead; i < rank; ++i) {
      if (x[i] != r.out[i])
        spec.fail_at(key, "broadcasting " + spec.values.at(key) + " to " + shape_text(r.out) +
                              " is not supported: a broadcast operand must be a scalar or the "
                              "output's trailing dimensions (e.g. a=4096x1024 b=1x1024)");
      p *= x[i];
    }
    return p;
  };
  r.period_a = period(a, "a");
  r.period_b = period(b, "b");
  return r;
}

OpKernel build_binary(const OpSpec& spec, const config::ChipConfig& chip) {
  const BinaryOp& o = find(spec.op);
  Broadcast shape = resolve(spec);
  isa::DataType t = get_dtype(spec, "dtype", {"fp16", "bf16", "fp32"});
  StreamSpec s;
  s.kernel_name = spec.op;
  s.elements = shape.elements;
  s.inputs = {{"a", t, -1, 1, shape.period_a}, {"b", t, o.b_low, o.b_high, shape.period_b}};
  s.output = {"c", t};
  s.compute = t == isa::DataType::kBf16 ? isa::DataType::kF32 : t;
  std::string mnemonic = o.mnemonic;
  s.emit = [mnemonic](VectorBody& v, const std::vector<std::string>& in, const std::string& out) {
    v.binary(mnemonic, out, in[0], in[1]);
  };
  OpKernel r = build_stream(s, chip);
  r.flops = static_cast<double>(shape.elements);
  r.summary = spec.op + " " + shape_text(shape.out) + " " + std::string(isa::long_name(t)) + ", tiles of " +
              std::to_string(stream_tile_elements(s, chip)) + " elements";
  // One rounding to the type (bf16: to fp32, then to bf16); max / min are exact.
  r.rtol = o.exact ? 0 : 2 * unit_roundoff(t);
  r.atol = o.exact ? 0 : unit_roundoff(t) * smallest_normal(t);
  return r;
}

Tensors reference_binary(const OpSpec& spec, const Tensors& in) {
  const BinaryOp& o = find(spec.op);
  Broadcast shape = resolve(spec);
  std::vector<double> c(static_cast<size_t>(shape.elements));
  auto at = [](const std::vector<double>& x, int64_t period, int64_t i) {
    return x[static_cast<size_t>(period > 0 ? i % period : i)];
  };
  for (int64_t i = 0; i < shape.elements; ++i)
    c[static_cast<size_t>(i)] = o.host(at(in[0], shape.period_a, i), at(in[1], shape.period_b, i));
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
