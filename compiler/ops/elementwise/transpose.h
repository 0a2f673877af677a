// Permuting a row-major GM tensor into another GM tensor on the vector workers (the AIVs of a
// split chip, the cores of a coupled one): y = x.permute(perm), numpy / PyTorch convention
// (output dimension i is input dimension perm[i]). The one transpose generator of the compiler:
// the `transpose` op is this with the kernel around it; conv2d's NCHW <-> NHWC phases place the
// code in an `on aiv` block of their own kernel (permute_on_aiv).
//
// The permutation is first brought to a canonical form (dimensions of size 1 dropped,
// dimensions that stay neighbours merged: NCHW -> NHWC is 0,2,1 on N x C x HW). Then:
// - the last dimension stays last: a strided copy, GM -> UB -> GM by MTE2 / MTE3 only (rows of
//   the last dimension, gathered with the input stride of the output's next-to-last dimension);
//   any type;
// - otherwise a batched 2-D transpose of the plane (input dimension d that becomes the output's
//   last, the input's last), batched over the other dimensions with their own input and output
//   strides. MTE2 brings a tile's rows in whole (long bursts), MTE3 writes the output rows'
//   segments; in UB, by type:
//   - 16-bit (fp16, bf16, int16): 16 x 16 blocks through `vtranspose` (a strided `vcopy` first
//     gathers each 16-column slice so that every 16 rows form one block);
//   - 8-bit (int8, uint8): the same blocks on exact fp16 copies (`vconv` widening, strided
//     `vcopy` interleaving pairs of 16-row strips into 32-byte segments, `vconv` narrowing);
//   - 32-bit (fp32, int32): the 16-bit blocks on the words' halves, bit-exact: shifts and
//     half-masked `vcopy`s pair the halves of rows q and q + 8 into the blocks (16 rows x 8
//     words), `vtranspose` in place turns them into 8-word segments of the output rows.
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
// fp16 bf16 int16 fp32 int8 uint8 int32 when it moves).
std::string permute_problem(const std::vector<int64_t>& shape, const std::vector<int>& perm,
                            isa::DataType dtype);

// The longest row stride (elements) a permute that moves the last dimension reaches (the
// copies' 20-bit GM gap): both the input's row of the moved plane and the output's.
int64_t permute_max_stride(isa::DataType dtype);

// Throws UserError (a message without location) for a permute_problem(), strides beyond the
// copies' reach, or a UB too small. Masks (and the mask mode) are left set: vector code after
// a permute sets its own.
PermuteCode build_gm_permute(const GmPermute& p, const config::ChipConfig& chip);

// The permute as an `on aiv` block of a kernel of both core types launched with `block_dim` AI
// cores (at least code.block_dim): there a pfor deals its iterations to the AI cores only, so on
// a split chip the AIVs of a core share them: iteration i is kept by AIV (i / block_dim) mod
// aiv_per_core. Coupled cores run the block as it is.
Stmt permute_on_aiv(PermuteCode code, int64_t block_dim, const config::ChipConfig& chip);

}  // namespace npu::compiler
