// cast: y = convert(x) between any two of fp16, bf16, fp32, int8, uint8 and int32, streamed
// through the vector unit: `cast n=N dtype=fp16 to=fp32 [round=rint|floor|ceil|away|zero|odd]`.
// Every cast rounds the exact source value once, in the requested mode; float -> integer and
// int32 -> int8 / uint8 saturate; NaN -> integer gives 0; casts between integers are exact or
// saturate, so the mode does not matter there. A pair that vconv does not have is a chain of
// vconv steps (and a clamp) that is provably equal to the single rounding: cast_chain() below
// states the proof of each step; docs/ops.md repeats it.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ops/elementwise/vector_stream.h"
#include "compiler/ops/ops.h"
#include "isa/instruction.h"
#include "numerics/convert.h"

namespace npu::compiler {
namespace {

using isa::DataType;
using numerics::RoundingMode;

const std::vector<std::string> kTypes = {"fp16", "bf16", "fp32", "int8", "uint8", "int32"};
const std::vector<std::string> kModes = {"rint", "floor", "ceil", "away", "zero", "odd"};

bool is_narrow_int(DataType t) { return t == DataType::kS8 || t == DataType::kU8; }

// The range of an integer type, as doubles (every such value is exact in a double).
double int_min(DataType t) {
  return t == DataType::kS8 ? -128.0 : t == DataType::kU8 ? 0.0 : -2147483648.0;
}
double int_max(DataType t) {
  return t == DataType::kS8 ? 127.0 : t == DataType::kU8 ? 255.0 : 2147483647.0;
}

// One step of a cast: a vconv to `to` in `mode`, or (clamp) vmaxs / vmins of int32 values to
// [low, high].
struct CastStep {
  bool clamp = false;
  DataType to = DataType::kF32;
  RoundingMode mode = RoundingMode::kRint;
  double low = 0, high = 0;
};

// The vconv steps of a cast from `from` to `to` (different types) rounding once in `mode`.
// Each rule takes the value one step closer, and says why the step keeps the single rounding:
std::vector<CastStep> cast_chain(DataType from, DataType to, RoundingMode mode) {
  const isa::InstructionInfo& vconv = isa::info(isa::Opcode::kVconv);
  std::vector<CastStep> steps;
  const auto convert = [&](DataType t, RoundingMode m) {
    NPU_CHECK(vconv.allows(t, from), "cast chain: no vconv." + std::string(isa::name(t)) + "." +
                                         std::string(isa::name(from)));
    steps.push_back({false, t, m, 0, 0});
    from = t;
  };
  while (from != to) {
    if (vconv.allows(to, from)) {
      // One vconv: rounds once in the mode (exact conversions ignore it), saturates.
      convert(to, mode);
    } else if (is_narrow_int(from)) {
      // int8 / uint8 -> fp16 is exact (|v| <= 255 < 2^11); fp16 then reaches every type.
      convert(DataType::kF16, RoundingMode::kRint);
    } else if (from == DataType::kBf16 || (from == DataType::kF16 && to == DataType::kBf16)) {
      // bf16 -> fp32 and fp16 -> fp32 are exact: fp32 holds every bf16 and fp16 value.
      convert(DataType::kF32, RoundingMode::kRint);
    } else if (from == DataType::kF32 && is_narrow_int(to)) {
      // fp32 -> int32 rounds once in the mode and saturates to int32 (NaN -> 0). Saturating
      // the rounded integer again to the narrow range (next rule) is the same as saturating it
      // once: the narrow range lies inside int32's, and the rounded value is an integer, so
      // every later step is exact.
      convert(DataType::kS32, mode);
    } else if (from == DataType::kS32 && is_narrow_int(to)) {
      // Saturate to the destination's range in int32, where it is exact; the clamped value
      // (|v| <= 255) then goes to fp16 and to the narrow type exactly.
      steps.push_back({true, DataType::kS32, mode, int_min(to), int_max(to)});
      convert(DataType::kF16, RoundingMode::kRint);
    } else if (from == DataType::kS32 && to == DataType::kBf16) {
      // int32 -> fp32 rounded to odd, then fp32 -> bf16 in the mode. Round-to-odd to q bits
      // keeps the truncation of the value and whether anything below the last bit was nonzero
      // (the sticky bit is the last bit); with q >= p + 2 (here q = 24, p = 8) the bits that
      // any mode looks at to round to p bits (the p-bit truncation, the round bit and the
      // sticky bit) are those of the exact value, so the second rounding equals the direct one
      // (Boldo and Melquiond, "When double rounding is odd", 2005). No overflow: |v| < 2^31.
      convert(DataType::kF32, RoundingMode::kOdd);
    } else {
      NPU_CHECK(false, "cast chain: no rule from " + std::string(isa::long_name(from)) + " to " +
                           std::string(isa::long_name(to)));
    }
  }
  return steps;
}

// A step with its tiles: the input tile, the output tile or scratch tile t<k>.
constexpr int kInput = -1, kOutput = -2;
struct PlacedStep {
  CastStep step;
  int dst = kOutput, src = kInput;
};

// Every vconv but the last writes a new scratch tile of its type; a clamp works in place, or
// into a new scratch tile when its value is still the input's (the input tile stays as loaded).
// Appends the scratch tiles' types to `scratch`.
std::vector<PlacedStep> place(const std::vector<CastStep>& steps, std::vector<DataType>& scratch) {
  std::vector<PlacedStep> out;
  int current = kInput;
  for (size_t i = 0; i < steps.size(); ++i) {
    PlacedStep p{steps[i], kOutput, current};
    if (p.step.clamp && current != kInput) {
      p.dst = current;
    } else if (p.step.clamp || i + 1 < steps.size()) {
      p.dst = static_cast<int>(scratch.size());
      scratch.push_back(p.step.to);
    }
    current = p.dst;
    out.push_back(p);
  }
  return out;
}

// --check input range: wide enough to round and saturate, narrow enough that a float result
// stays finite (the check compares values, and Inf - Inf is not 0; the exhaustive test in
// tests/compiler/cast_test.cc covers Inf and NaN bit for bit).
void input_range(DataType from, DataType to, double& low, double& high) {
  if (!isa::is_float(from)) {
    low = int_min(from), high = int_max(from);
    if (from == DataType::kS32 && to == DataType::kF16) low = -60000, high = 60000;
  } else if (to == DataType::kS32) {
    // fp16's range, past 2^15; the others saturate int32.
    low = from == DataType::kF16 ? -60000 : -3e9;
    high = -low;
  } else {
    low = -1000, high = 1000;
  }
  if (is_narrow_int(to)) low = std::max(low, -300.0), high = std::min(high, 300.0);
}

struct Cast {
  DataType from, to;
  RoundingMode mode;
  std::string mode_name;
};

Cast parse(const OpSpec& spec) {
  Cast c{};
  c.from = get_dtype(spec, "dtype", kTypes);
  c.to = get_dtype(spec, "to", kTypes);
  c.mode_name = spec.get_enum("round", kModes, "rint");
  c.mode = static_cast<RoundingMode>(*isa::parse_enum<isa::RoundMode>(c.mode_name));
  return c;
}

OpKernel build_cast(const OpSpec& spec, const config::ChipConfig& chip) {
  const Cast c = parse(spec);
  const int64_t n = get_elements(spec);
  StreamSpec s;
  s.kernel_name = "cast";
  s.elements = n;
  StreamTensor x{"x", c.from};
  input_range(c.from, c.to, x.low, x.high);
  s.inputs = {x};
  s.output = {"y", c.to};
  std::string method = "copy";
  if (c.from != c.to) {  // the same type: no emit, a plain copy
    const std::vector<PlacedStep> steps = place(cast_chain(c.from, c.to, c.mode), s.scratch);
    method.clear();
    for (const PlacedStep& p : steps)
      method += (method.empty() ? "" : ", ") +
                (p.step.clamp ? std::string("clamp")
                              : "vconv to " + std::string(isa::long_name(p.step.to)));
    s.emit = [steps](VectorBody& v, const std::vector<std::string>& in, const std::string& out) {
      const auto name = [&](int t) {
        return t == kInput ? in[0] : t == kOutput ? out : "t" + std::to_string(t);
      };
      for (const PlacedStep& p : steps) {
        if (p.step.clamp) {
          v.scalar("vmaxs", name(p.dst), name(p.src), p.step.low);
          v.scalar("vmins", name(p.dst), name(p.dst), p.step.high);
        } else {
          v.convert(name(p.dst), name(p.src), p.step.mode);
        }
      }
    };
  }
  OpKernel r = build_stream(s, chip);
  r.summary = "cast " + std::to_string(n) + " " + std::string(isa::long_name(c.from)) + " -> " +
              std::string(isa::long_name(c.to)) + " round=" + c.mode_name + " (" + method + ")";
  r.rtol = r.atol = 0;  // the reference applies the same single rounding
  return r;
}

// The exact value x of type `from` cast to `to`: one rounding of x (numerics/convert.h).
double cast_value(double x, DataType from, DataType to, RoundingMode mode) {
  if (from == to) return x;
  if (!isa::is_float(from) && !isa::is_float(to))
    return std::clamp(x, int_min(to), int_max(to));  // integers: exact or saturated
  // Float sources are fp32 values, so `f` is exact for the float -> integer cases; an int32
  // source reaches only the float destinations, which round the exact double.
  const auto f = static_cast<float>(x);
  switch (to) {
    case DataType::kF16:
      return numerics::fp16_to_fp32(numerics::double_to_fp16(x, mode));
    case DataType::kBf16:
      return numerics::bf16_to_fp32(numerics::double_to_bf16(x, mode));
    case DataType::kF32:
      return numerics::double_to_fp32(x, mode);
    case DataType::kS8:
      return numerics::fp32_to_int<int8_t>(f, mode);
    case DataType::kU8:
      return numerics::fp32_to_int<uint8_t>(f, mode);
    case DataType::kS32:
      return numerics::fp32_to_int<int32_t>(f, mode);
    default:
      NPU_CHECK(false, "cast to an unsupported type");
  }
  return 0;
}

Tensors reference_cast(const OpSpec& spec, const Tensors& in) {
  const Cast c = parse(spec);
  std::vector<double> y(in[0].size());
  for (size_t i = 0; i < y.size(); ++i) y[i] = cast_value(in[0][i], c.from, c.to, c.mode);
  return {y};
}

}  // namespace

const OpDef& cast_op() {
  static const OpDef def{"cast",
                         {"n", "shape", "dtype", "to", "round"},
                         "cast n=1048576 dtype=fp16 to=fp32",
                         build_cast,
                         reference_cast};
  return def;
}

}  // namespace npu::compiler
