// Host values <-> device bytes for every tensor data type: rounding a double to what the type can
// hold, encoding a vector of doubles as the type's little-endian bytes and decoding them back.
// Floats round to nearest even; integers round to nearest and saturate (docs/numerics.md).
#pragma once

#include <cstdint>
#include <vector>

#include "isa/types.h"

namespace npu::runtime {

double round_to(isa::DataType t, double v);
std::vector<uint8_t> encode(isa::DataType t, const std::vector<double>& values);
std::vector<double> decode(isa::DataType t, const std::vector<uint8_t>& bytes);

}  // namespace npu::runtime
