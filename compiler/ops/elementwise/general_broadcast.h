// Binary elementwise ops whose operands broadcast in any numpy pattern the streaming scheme
// (vector_stream.h: full tensors, a scalar, a trailing row) does not cover: a column
// (`a=4x3 b=4x1`), an outer product (`a=4x1 b=1x3`), middle dimensions (`a=8x1x5 b=1x7x5`),
// both operands broadcast.
//
// The output shape is collapsed first: dimensions of size 1 dropped, neighbours in which each
// operand is either present or broadcast alike merged. The last two collapsed dimensions form an
// M x L block, the ones before it a batch (TileGrid). A tile is rows x columns of a block, rows
// padded to 32 bytes in UB; per tile each operand is brought into a whole UB tile by the kind of
// its block:
// - present in both dimensions: one strided GM -> UB copy (MTE2);
// - a row (broadcast over M): one row copied in, then doubling vcopies over the rows;
// - a column (broadcast over L): the column's values copied in, `vbrcb` makes a 32-byte block of
//   each, and vcopies with a zero source block stride spread each block over its row (8 blocks
//   per repeat, one repeat per row);
// - a constant over the block: one element, `vbrcb`, a zero-stride vcopy over the tile.
// Then one vector instruction (in counter mode) computes the tile and MTE3 writes its rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ops/elementwise/vector_stream.h"
#include "compiler/ops/ops.h"
#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::compiler {

// The output shape of a broadcast with, per collapsed dimension, whether each operand has it
// (true) or is broadcast along it (false).
struct CollapsedBroadcast {
  std::vector<int64_t> dims;
  std::vector<bool> a_full, b_full;
};

// `a` and `b` aligned on the right to the output's rank; the shapes must broadcast.
CollapsedBroadcast collapse_broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

struct BroadcastSpec {
  std::string kernel_name;
  CollapsedBroadcast shape;                     // at least 2 dimensions
  StreamTensor a, b, output;                    // names, types, --check ranges (period unused)
  isa::DataType compute = isa::DataType::kF16;  // the type the vector instruction works in
  std::string mnemonic;                         // vadd vsub vmul vdiv vmax vmin
};

// The kernel, its tensors and its launch size; the caller fills flops, summary and tolerances.
OpKernel build_general_broadcast(const BroadcastSpec& spec, const config::ChipConfig& chip);

// "tiles of R x C" for summaries.
std::string general_broadcast_tiles(const BroadcastSpec& spec, const config::ChipConfig& chip);

}  // namespace npu::compiler
