// What the elementwise op generators (binary_ops.cc, unary_ops.cc, cast_op.cc) share: reading a
// data type or an element count from a spec, and the per-type rounding bounds the tolerances of
// docs/ops.md are built from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ops/op_spec.h"
#include "isa/types.h"

namespace npu::compiler {

// The data type of a spec value ("fp16", "bf16", "fp32", "int8", "uint8", "int16", "int32").
isa::DataType dtype_named(const std::string& name);

// Key `key` as one of `allowed` (long names), or `fallback` when absent and non-empty.
isa::DataType get_dtype(const OpSpec& spec, const std::string& key,
                        const std::vector<std::string>& allowed, const std::string& fallback = "");

// The elements of a unary op: `n=N`, or `shape=AxBx...` (up to 8 dimensions), exactly one.
int64_t get_elements(const OpSpec& spec);

// "4096x1024".
std::string shape_text(const std::vector<int64_t>& shape);

// Unit roundoff of a float type (2^-11 fp16, 2^-8 bf16, 2^-24 fp32): the relative error of one
// rounding to nearest.
double unit_roundoff(isa::DataType t);
// The smallest positive normal of a float type: the absolute error floor of one rounding.
double smallest_normal(isa::DataType t);

}  // namespace npu::compiler
