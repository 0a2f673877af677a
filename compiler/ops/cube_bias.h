// The per-output-channel bias of the cube ops (matmul, batch_matmul, conv2d): a row of 32-bit
// values (fp32 for float inputs, int32 for int8 ones) added to every row of an output tile.
//
// Two ways, by chip. Where results leave L0C straight to GM (910B, tiny) the row goes
// GM -> L1 -> the bias table and the tile's first mmad starts its accumulation from it
// (`init` = bias, `bias_addr` 0). Where they leave through UB (the 910: no bias table) the
// fixpipe writes the 32-bit accumulator to UB (`c_acc`), the vector unit adds the row
// (`bias_ub`) into `c_sum` (or straight into `c_ub` for 32-bit outputs), and then converts to
// the output type into `c_ub`; so there the bias is added after the accumulation instead of
// before it (a different rounding order, within the ops' tolerances). Tile names are fixed;
// each UB tile keeps one writer pipe, as sync insertion needs.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/kernel_ir.h"
#include "compiler/ops/ops.h"
#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::compiler {

// True when the bias goes through the bias table, false when the vector unit adds it in UB
// (via_ub: results leave L0C through UB). UserError when the chip can do neither.
bool cube_bias_uses_table(const config::ChipConfig& chip, bool via_ub);

// The bias row's type: int32 for int8 inputs, fp32 otherwise.
isa::DataType cube_bias_type(isa::DataType in);

// The `bias` tensor of n values for inputs of type `in` (int32 ones are filled in
// [-1000, 1000] by --check).
TensorDesc cube_bias_tensor(isa::DataType in, int64_t n);

// UB bytes the bias needs on a via-UB chip for a rows x cols tile with out_bytes outputs, on
// top of the output tile `c_ub` (the row, the 32-bit accumulator, the 32-bit sum).
int64_t cube_bias_ub_bytes(int64_t rows, int64_t cols, int64_t out_bytes);

// The bias tiles for output tiles of rows x cols (cols a multiple of 16): `bias_l1`, `bias_bt`
// (table), or `bias_ub`, `c_acc` and, unless out_bytes is 4, `c_sum` (UB).
void add_cube_bias_tiles(Kernel& k, bool table, int64_t rows, int64_t cols, int64_t out_bytes);

// Loads `bytes` (a multiple of 4, at most cols * 4) of the bias row from GM argument `bias` at
// byte offset `at` into the bias table or UB; `bias_type` is cube_bias_type.
Body load_cube_bias(bool table, isa::DataType bias_type, const Affine& at, const Value& bytes,
                    int64_t cols);

// Via UB: c_sum (c_ub when out is 32-bit) = c_acc + the bias row over `rows` rows (a multiple
// of 8) of cols 32-bit values (`acc` the accumulator type), then, for int8 -> fp16, to fp32 and
// times the fp32 scale `scale_bits`, then the conversion to `out` into c_ub.
Body add_cube_bias_in_ub(isa::DataType acc, isa::DataType out, int64_t rows, int64_t cols,
                         int64_t scale_bits);

}  // namespace npu::compiler
