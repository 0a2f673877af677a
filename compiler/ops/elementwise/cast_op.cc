// cast: y = convert(x) between data types with a rounding mode, streamed through the vector
// unit's vconv: `cast n=N dtype=fp16 to=fp32 [round=rint|floor|ceil|away|zero|odd]`. The pairs
// are those vconv has (fp16 <-> fp32, bf16 <-> fp32, fp32 <-> int32, fp16 <-> int32,
// fp16 <-> int8 / uint8) plus fp16 <-> bf16 and bf16 -> int32 through an exact step to fp32, so
// every cast rounds once. Float -> integer saturates.
#include <cmath>
#include <cstdint>

#include "base/error.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/elementwise/vector_stream.h"
#include "numerics/convert.h"

namespace npu::compiler {
namespace {

using isa::DataType;
using numerics::RoundingMode;

struct Pair {
  DataType from, to;
  bool via_fp32;  // exact conversion to fp32 first
};

const Pair kPairs[] = {
    {DataType::kF16, DataType::kF32, false},  {DataType::kF32, DataType::kF16, false},
    {DataType::kBf16, DataType::kF32, false}, {DataType::kF32, DataType::kBf16, false},
    {DataType::kF32, DataType::kS32, false},  {DataType::kS32, DataType::kF32, false},
    {DataType::kF16, DataType::kS32, false},  {DataType::kS32, DataType::kF16, false},
    {DataType::kF16, DataType::kS8, false},   {DataType::kS8, DataType::kF16, false},
    {DataType::kF16, DataType::kU8, false},   {DataType::kU8, DataType::kF16, false},
    {DataType::kF16, DataType::kBf16, true},  {DataType::kBf16, DataType::kF16, true},
    {DataType::kBf16, DataType::kS32, true},
};

const std::vector<std::string> kTypes = {"fp16", "bf16", "fp32", "int8", "uint8", "int32"};

// --check input range: wide enough to round and saturate, narrow enough that a float result
// stays finite.
void input_range(DataType from, DataType to, double& low, double& high) {
  low = -1000;
  high = 1000;
  if (from == DataType::kS8) low = -128, high = 127;
  if (from == DataType::kU8) low = 0, high = 255;
  if (from == DataType::kS32 || to == DataType::kS32) low = -60000, high = 60000;
  if (to == DataType::kS8) low = -200, high = 200;
  if (to == DataType::kU8) low = -50, high = 300;
}

struct Cast {
  DataType from, to;
  RoundingMode mode;
  const Pair* pair;
};

Cast parse(const OpSpec& spec) {
  Cast c{};
  c.from = get_dtype(spec, "dtype", kTypes);
  c.to = get_dtype(spec, "to", kTypes);
  std::string mode = spec.get_enum("round", {"rint", "floor", "ceil", "away", "zero", "odd"}, "rint");
  c.mode = static_cast<RoundingMode>(*isa::parse_enum<isa::RoundMode>(mode));
  c.pair = nullptr;
  for (const Pair& p : kPairs)
    if (p.from == c.from && p.to == c.to) c.pair = &p;
  if (!c.pair) {
    std::string list;
    for (const Pair& p : kPairs)
      list += (list.empty() ? "" : ", ") + std::string(isa::long_name(p.from)) + "->" +
              std::string(isa::long_name(p.to));
    spec.fail_at("to", "no cast from " + std::string(isa::long_name(c.from)) + " to " +
                           std::string(isa::long_name(c.to)) + " (supported: " + list + ")");
  }
  return c;
}

OpKernel build_cast(const OpSpec& spec, const config::ChipConfig& chip) {
  Cast c = parse(spec);
  int64_t n = get_elements(spec);
  StreamSpec s;
  s.kernel_name = "cast";
  s.elements = n;
  StreamTensor x{"x", c.from};
  input_range(c.from, c.to, x.low, x.high);
  s.inputs = {x};
  s.output = {"y", c.to};
  if (c.pair->via_fp32) s.scratch = {DataType::kF32};
  bool via = c.pair->via_fp32;
  RoundingMode mode = c.mode;
  s.emit = [via, mode](VectorBody& v, const std::vector<std::string>& in, const std::string& out) {
    if (!via) {
      v.convert(out, in[0], mode);
      return;
    }
    v.convert("t0", in[0]);  // exact
    v.convert(out, "t0", mode);
  };
  OpKernel r = build_stream(s, chip);
  r.summary = "cast " + std::to_string(n) + " " + std::string(isa::long_name(c.from)) + " -> " +
              std::string(isa::long_name(c.to)) + " round=" + spec.get_enum("round", {"rint",
              "floor", "ceil", "away", "zero", "odd"}, "rint");
  r.rtol = r.atol = 0;  // the reference applies the same single rounding
  return r;
}

double convert_exact(double x, DataType to, RoundingMode mode) {
  auto f = static_cast<float>(x);  // exact: every source value is an fp32 value
  switch (to) {
    case DataType::kF16: return numerics::fp16_to_fp32(numerics::double_to_fp16(x, mode));
    case DataType::kBf16: return numerics::bf16_to_fp32(numerics::double_to_bf16(x, mode));
    case DataType::kF32: return numerics::double_to_fp32(x, mode);
    case DataType::kS8: return numerics::fp32_to_int<int8_t>(f, mode);
    case DataType::kU8: return numerics::fp32_to_int<uint8_t>(f, mode);
    case DataType::kS32: return numerics::fp32_to_int<int32_t>(f, mode);
    default: NPU_CHECK(false, "cast to an unsupported type");
  }
  return 0;
}

Tensors reference_cast(const OpSpec& spec, const Tensors& in) {
  Cast c = parse(spec);
  std::vector<double> y(in[0].size());
  for (size_t i = 0; i < y.size(); ++i) y[i] = convert_exact(in[0][i], c.to, c.mode);
  return {y};
}

}  // namespace

const OpDef& cast_op() {
  static const OpDef def{"cast", {"n", "shape", "dtype", "to", "round"},
                         "cast n=1048576 dtype=fp16 to=fp32", build_cast, reference_cast};
  return def;
}

}  // namespace npu::compiler
