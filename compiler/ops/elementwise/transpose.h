// Permuting a row-major GM tensor into another GM tensor on the vector workers (the AIVs of a
// split chip, the cores of a coupled one): y = x.permute(perm), numpy / PyTorch convention
// (output dimension i is input dimension perm[i]). The `transpose` op is this with the kernel
// around it; other generators (e.g. an NCHW <-> NHWC phase of conv2d) place the code in their
// own kernel.
//
// The permutation is first brought to a canonical form (dimensions of size 1 dropped,
// dimensions that stay neighbours merged: NCHW -> NHWC is 0,2,1 on N x C x HW). Then:
// - the last dimension stays last: a strided copy, GM -> UB -> GM by MTE2 / MTE3 only (rows of
//   the last dimension, gathered with the input stride of the output's next-to-last dimension);
// - otherwise a batched 2-D transpose of the plane (input dimension d that becomes the output's
//   last, the input's last), batched over the other dimensions with their own input and output
//   strides: 16 x 16 blocks through `vtranspose` for 16-bit types, per-block reductions
//   (`vcgmax` of one active lane) for fp32.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::compiler {

struct GmPermute {
  std::string src = "x";  // GM argument read (row-major, `shape`)
  std::string dst = "y";  // GM argument written (row-major, the permuted shape)
  std::vector<int64_t> shape;
  std::vector<int> perm;  // a permutation of 0 .. rank-1
  isa::DataType dtype = isa::DataType::kF16;
  // Starts every UB tile name and loop variable, so that the code can sit in a kernel that has
  // tiles and loops of its own.
  std::string prefix;
};

// The code of a permute, to be placed in a kernel whose vector workers run it (a kernel with
// `cores = CoreSelect::kAiv`, or an `on aiv` block).
struct PermuteCode {
  std::vector<Tile> tiles;  // UB tiles to add to Kernel::tiles
  Body body;                // a set_mask_mode when needed, then one pfor over the tiles
  uint32_t block_dim = 1;   // the launch size that runs every pfor iteration in parallel
  std::string method;       // for summaries: "16 x 16 blocks, tiles 64x128"
};

// The canonical form: dimensions of size 1 dropped, dimensions adjacent in both x and y merged.
struct CanonicalPermute {
  std::vector<int64_t> shape;
  std::vector<int> perm;
};
CanonicalPermute canonical_permute(const std::vector<int64_t>& shape, const std::vector<int>& perm);

// The permuted shape (y's).
std::vector<int64_t> permuted_shape(const std::vector<int64_t>& shape,
                                    const std::vector<int>& perm);

// What is wrong with a permute request, or "" when nothing is: perm not a permutation of
// 0..rank-1, or a type the permute does not move (every type when the last dimension stays;
// fp16 bf16 int16 fp32 when it moves).
std::string permute_problem(const std::vector<int64_t>& shape, const std::vector<int>& perm,
                            isa::DataType dtype);

// Throws UserError (a message without location) for a permute_problem(), strides beyond the
// copies' reach, or a UB too small.
PermuteCode build_gm_permute(const GmPermute& p, const config::ChipConfig& chip);

}  // namespace npu::compiler
