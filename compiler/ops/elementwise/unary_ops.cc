// The elementwise unary ops and activations: relu, abs, neg, sqrt, rsqrt, exp (one vector
// instruction each) and sigmoid, silu, tanh, gelu (erf form, or `approx=tanh`) composed from
// vexp, vrec, vdiv and vector-scalar instructions, computed in fp32 whatever the data type.
// Specs: `relu n=N dtype=fp16` or `relu shape=64x1024 dtype=bf16`. One table row per op; the
// streaming is vector_stream.h's. The formulas and their accuracy are in docs/ops.md.
#include <cmath>

#include "base/error.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/elementwise/vector_stream.h"

namespace npu::compiler {
namespace {

using Ins = std::vector<std::string>;
using Emit = void (*)(VectorBody&, const std::string& x, const std::string& y);

// Abramowitz & Stegun 7.1.26: erf(z) = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) e^(-z^2),
// t = 1 / (1 + p z), z >= 0; |error| <= 1.5e-7.
constexpr double kErfP = 0.3275911;
constexpr double kErfA[] = {0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429};

void sigmoid_into(VectorBody& v, const std::string& x, const std::string& y) {
  v.scalar("vmuls", "t0", x, -1.0);  // 1 / (1 + e^-x)
  v.unary("vexp", "t0", "t0");
  v.scalar("vadds", "t0", "t0", 1.0);
  v.unary("vrec", y, "t0");
}

void silu(VectorBody& v, const std::string& x, const std::string& y) {
  v.scalar("vmuls", "t0", x, -1.0);  // x / (1 + e^-x)
  v.unary("vexp", "t0", "t0");
  v.scalar("vadds", "t0", "t0", 1.0);
  v.binary("vdiv", y, x, "t0");
}

void tanh_body(VectorBody& v, const std::string& x, const std::string& y) {
  v.scalar("vmuls", "t0", x, -2.0);  // 2 / (1 + e^-2x) - 1
  v.unary("vexp", "t0", "t0");
  v.scalar("vadds", "t0", "t0", 1.0);
  v.unary("vrec", "t0", "t0");
  v.scalar("vmuls", "t0", "t0", 2.0);
  v.scalar("vadds", y, "t0", -1.0);
}

// 0.5 x (1 + tanh(u)) = x / (1 + e^(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3).
void gelu_tanh(VectorBody& v, const std::string& x, const std::string& y) {
  v.binary("vmul", "t0", x, x);
  v.scalar("vmuls", "t0", "t0", 0.044715);
  v.scalar("vadds", "t0", "t0", 1.0);
  v.binary("vmul", "t0", "t0", x);
  v.scalar("vmuls", "t0", "t0", -2.0 * std::sqrt(2.0 / M_PI));
  v.unary("vexp", "t0", "t0");
  v.scalar("vadds", "t0", "t0", 1.0);
  v.binary("vdiv", y, x, "t0");
}

// 0.5 x (1 + erf(x / sqrt 2)) = 0.5 (x + |x| erf(|x| / sqrt 2)): erf is odd, so only z >= 0.
void gelu_erf(VectorBody& v, const std::string& x, const std::string& y) {
  v.unary("vabs", "t0", x);                     // a = |x|
  v.scalar("vmuls", "t1", "t0", M_SQRT1_2);     // z = a / sqrt 2
  v.scalar("vmuls", "t2", "t1", kErfP);         // t = 1 / (1 + p z)
  v.scalar("vadds", "t2", "t2", 1.0);
  v.unary("vrec", "t2", "t2");
  v.scalar("vmuls", "t3", "t2", kErfA[4]);      // q = t (a1 + t (a2 + ...))
  for (int i = 3; i >= 0; --i) {
    v.scalar("vadds", "t3", "t3", kErfA[i]);
    v.binary("vmul", "t3", "t3", "t2");
  }
  v.binary("vmul", "t1", "t1", "t1");           // e^(-z^2)
  v.scalar("vmuls", "t1", "t1", -1.0);
  v.unary("vexp", "t1", "t1");
  v.binary("vmul", "t3", "t3", "t1");           // erf(z) = 1 - q e^(-z^2)
  v.scalar("vmuls", "t3", "t3", -1.0);
  v.scalar("vadds", "t3", "t3", 1.0);
  v.binary("vmul", "t3", "t3", "t0");           // 0.5 (x + a erf(z))
  v.binary("vadd", "t3", "t3", x);
  v.scalar("vmuls", y, "t3", 0.5);
}

double host_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double host_gelu_erf(double x) { return 0.5 * x * (1.0 + std::erf(x * M_SQRT1_2)); }
double host_gelu_tanh(double x) {
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}

enum class Accuracy : uint8_t {
  kExact,     // relu, abs, neg: no rounding
  kRounded,   // one correctly rounded instruction (bf16: via fp32, two roundings)
  kComposed,  // several fp32 instructions: fp32 noise and the erf approximation
};

struct UnaryOp {
  const char* name;
  Emit emit;
  Emit emit_tanh;  // gelu approx=tanh
  double (*host)(double);
  double (*host_tanh)(double);
  double low, high;  // --check input range
  int scratch;       // fp32 scratch tiles
  Accuracy accuracy;
};

template <const char* kMnemonic>
void single(VectorBody& v, const std::string& x, const std::string& y) {
  v.unary(kMnemonic, y, x);
}
constexpr char kRelu[] = "vrelu", kAbs[] = "vabs", kSqrt[] = "vsqrt", kRsqrt[] = "vrsqrt",
               kExp[] = "vexp";

const UnaryOp kOps[] = {
    {"relu", single<kRelu>, nullptr, [](double x) { return x > 0 ? x : 0.0; }, nullptr, -1, 1, 0,
     Accuracy::kExact},
    {"abs", single<kAbs>, nullptr, [](double x) { return std::fabs(x); }, nullptr, -1, 1, 0,
     Accuracy::kExact},
    {"neg", [](VectorBody& v, const std::string& x, const std::string& y) {
       v.scalar("vmuls", y, x, -1.0);
     }, nullptr, [](double x) { return -x; }, nullptr, -1, 1, 0, Accuracy::kExact},
    {"sqrt", single<kSqrt>, nullptr, [](double x) { return std::sqrt(x); }, nullptr, 0, 4, 0,
     Accuracy::kRounded},
    {"rsqrt", single<kRsqrt>, nullptr, [](double x) { return 1.0 / std::sqrt(x); }, nullptr,
     0.0625, 4, 0, Accuracy::kRounded},
    {"exp", single<kExp>, nullptr, [](double x) { return std::exp(x); }, nullptr, -4, 4, 0,
     Accuracy::kRounded},
    {"sigmoid", sigmoid_into, nullptr, host_sigmoid, nullptr, -8, 8, 1, Accuracy::kComposed},
    {"silu", silu, nullptr, [](double x) { return x * host_sigmoid(x); }, nullptr, -8, 8, 1,
     Accuracy::kComposed},
    {"tanh", tanh_body, nullptr, [](double x) { return std::tanh(x); }, nullptr, -4, 4, 1,
     Accuracy::kComposed},
    {"gelu", gelu_erf, gelu_tanh, host_gelu_erf, host_gelu_tanh, -4, 4, 4, Accuracy::kComposed},
};

const UnaryOp& find(const std::string& name) {
  for (const UnaryOp& o : kOps)
    if (name == o.name) return o;
  NPU_CHECK(false, "unknown unary op " + name);
  return kOps[0];
}

bool tanh_form(const OpSpec& spec) {
  return spec.get_enum("approx", {"none", "tanh"}, "none") == "tanh";
}

OpKernel build_unary(const OpSpec& spec, const config::ChipConfig& chip) {
  const UnaryOp& o = find(spec.op);
  int64_t n = get_elements(spec);
  isa::DataType t = get_dtype(spec, "dtype", {"fp16", "bf16", "fp32"});
  bool tanh_gelu = o.emit_tanh && tanh_form(spec);
  StreamSpec s;
  s.kernel_name = spec.op;
  s.elements = n;
  s.inputs = {{"x", t, o.low, o.high, 0}};
  s.output = {"y", t};
  bool composed = o.accuracy == Accuracy::kComposed;
  s.compute = composed || t == isa::DataType::kBf16 ? isa::DataType::kF32 : t;
  s.scratch.assign(static_cast<size_t>(o.scratch), *s.compute);
  Emit emit = tanh_gelu ? o.emit_tanh : o.emit;
  s.emit = [emit](VectorBody& v, const Ins& in, const std::string& out) { emit(v, in[0], out); };
  OpKernel r = build_stream(s, chip);
  r.flops = static_cast<double>(n);
  r.summary = spec.op + (tanh_gelu ? " (tanh form) " : " ") + std::to_string(n) + " " +
              std::string(isa::long_name(t)) + ", tiles of " +
              std::to_string(stream_tile_elements(s, chip)) + " elements";
  switch (o.accuracy) {
    case Accuracy::kExact: r.rtol = r.atol = 0; break;
    case Accuracy::kRounded:
      r.rtol = 2 * unit_roundoff(t);
      r.atol = unit_roundoff(t) * smallest_normal(t);
      break;
    case Accuracy::kComposed:
      r.rtol = 2 * unit_roundoff(t);
      r.atol = 1e-6;
      break;
  }
  return r;
}

Tensors reference_unary(const OpSpec& spec, const Tensors& in) {
  const UnaryOp& o = find(spec.op);
  double (*f)(double) = o.host_tanh && tanh_form(spec) ? o.host_tanh : o.host;
  std::vector<double> y(in[0].size());
  for (size_t i = 0; i < y.size(); ++i) y[i] = f(in[0][i]);
  return {y};
}

OpDef unary_def(const char* name) {
  std::vector<std::string> keys = {"n", "shape", "dtype"};
  if (find(name).emit_tanh) keys.push_back("approx");
  return OpDef{name, keys, std::string(name) + " n=1048576 dtype=fp16", build_unary,
               reference_unary};
}

}  // namespace

const OpDef& relu_op() { static const OpDef d = unary_def("relu"); return d; }
const OpDef& abs_op() { static const OpDef d = unary_def("abs"); return d; }
const OpDef& neg_op() { static const OpDef d = unary_def("neg"); return d; }
const OpDef& sqrt_op() { static const OpDef d = unary_def("sqrt"); return d; }
const OpDef& rsqrt_op() { static const OpDef d = unary_def("rsqrt"); return d; }
const OpDef& exp_op() { static const OpDef d = unary_def("exp"); return d; }
const OpDef& sigmoid_op() { static const OpDef d = unary_def("sigmoid"); return d; }
const OpDef& silu_op() { static const OpDef d = unary_def("silu"); return d; }
const OpDef& tanh_op() { static const OpDef d = unary_def("tanh"); return d; }
const OpDef& gelu_op() { static const OpDef d = unary_def("gelu"); return d; }

}  // namespace npu::compiler
