// reshape: the same elements under another shape. Row-major data does not move, so inside a
// graph a reshape is a no-op (the consumer reads the producer's buffer); as a standalone op with
// its own output tensor it is a streamed copy GM -> UB -> GM (no vector work):
// `reshape shape=64x1024 to=1024x64 dtype=fp16`.
#include "base/error.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/elementwise/vector_stream.h"

namespace npu::compiler {
namespace {

const std::vector<std::string> kTypes = {"fp16", "bf16", "fp32", "int8", "uint8", "int16", "int32"};

int64_t elements(const OpSpec& spec, const std::string& key) {
  constexpr int64_t kMax = int64_t{1} << 32;
  int64_t n = 1;
  for (int64_t d : spec.get_shape(key, 8, kMax)) n *= d;
  if (n > kMax) spec.fail_at(key, "'" + key + "' has more than 2^32 elements");
  return n;
}

OpKernel build_reshape(const OpSpec& spec, const config::ChipConfig& chip) {
  int64_t n = elements(spec, "shape"), m = elements(spec, "to");
  if (n != m)
    spec.fail_at("to", "cannot reshape " + spec.values.at("shape") + " (" + std::to_string(n) +
                           " elements) to " + spec.values.at("to") + " (" + std::to_string(m) +
                           " elements)");
  isa::DataType t = get_dtype(spec, "dtype", kTypes);
  StreamSpec s;
  s.kernel_name = "reshape";
  s.elements = n;
  s.inputs = {{"x", t, -1, 1, 0}};
  if (!isa::is_float(t)) s.inputs[0].low = -100, s.inputs[0].high = 100;
  s.output = {"y", t};
  OpKernel r = build_stream(s, chip);
  r.summary = "reshape " + spec.values.at("shape") + " -> " + spec.values.at("to") + " " +
              std::string(isa::long_name(t)) + ": a copy (a no-op inside a graph)";
  return r;
}

Tensors reference_reshape(const OpSpec&, const Tensors& in) { return {in[0]}; }

}  // namespace

const OpDef& reshape_op() {
  static const OpDef def{"reshape", {"shape", "to", "dtype"},
                         "reshape shape=64x1024 to=1024x64 dtype=fp16", build_reshape,
                         reference_reshape};
  return def;
}

}  // namespace npu::compiler
