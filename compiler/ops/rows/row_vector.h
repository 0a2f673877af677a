// Vector building blocks on blocks of fp32 rows in UB, shared by the row ops (softmax,
// layernorm, rmsnorm, reductions) and by any generator that needs a row softmax (attention):
// each function appends the IR of one step (row max / sum, broadcast of a per-row value,
// elementwise over a whole block, conversions, neutral fill of the padding) to a Body.
//
// A row block is `rows` rows of `pitch` fp32 elements each (pitch a multiple of 64, one vector
// repeat), of which the first `cols` are data; the rest of each row is padding that the
// reductions see, so it must hold the reduction's neutral value (fill_row_tails). The number of
// rows may differ on the last block of a loop (RowCount holds both and the condition), which
// the functions turn into select() repeat counts and guards; every instruction stays inside the
// rows the block really has. Repeats are 256 bytes: 64 fp32 elements.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "isa/types.h"

namespace npu::compiler::rowvec {

constexpr int64_t kF32PerRepeat = 64;
constexpr int64_t kMaxRepeat = 255;

// The rows of this block: `full` on every block except when `last` holds, where it is `tail`.
struct RowCount {
  int64_t full = 1;
  int64_t tail = 1;
  std::optional<Condition> last;  // unset: always `full`

  Value value() const;               // select(last, tail, full)
  Value times(int64_t scale) const;  // select(last, tail * scale, full * scale)
  RowCount div_up(int64_t d) const;  // ceil(count / d) on both
  RowCount scaled(int64_t s) const;  // count * s on both
  bool ragged() const { return last.has_value() && tail != full; }
};

// A region of a UB tile: `tile` (slot chosen by double buffering) at byte `offset`.
struct Region {
  std::string tile;
  int64_t offset = 0;
  Region at(int64_t bytes) const { return Region{tile, offset + bytes}; }
};

enum class Reduce : uint8_t { kSum, kMax };

// Neutral padding values (fp32 bit patterns).
constexpr int64_t kF32Zero = 0;
constexpr int64_t kF32MinusInf = 0xff800000;
int64_t f32_bits(double value);  // the fp32 nearest to value, as an immediate

// Bytes of scratch row_reduce needs for `rows` rows of `pitch` elements.
int64_t reduce_scratch_bytes(int64_t rows, int64_t pitch);

// Elementwise over `count` contiguous repeats (one 64-element repeat per 256 B of fp32):
// `mnemonic` with operands dst, src(s) [, scalar]; strides per operand in 32 B blocks per
// repeat (8 = contiguous fp32, 4 = contiguous 16-bit). Split into instructions of <= 255 repeats.
struct Stream {
  Region region;
  int64_t rep_stride = 8;  // 32 B units between repeats
};
void elementwise(Body& out, const std::string& mnemonic, const Stream& dst,
                 const std::vector<Stream>& srcs, const RowCount& repeats,
                 std::optional<int64_t> scalar = std::nullopt);

// Converts a block between its GM type and fp32: `rows` rows of `pitch` elements, contiguous in
// both (16-bit: pitch * 2 bytes per row). fp32 -> fp32 is a copy.
void convert_rows(Body& out, const Region& dst, isa::DataType dst_type, const Region& src,
                  isa::DataType src_type, const RowCount& rows, int64_t pitch);

// Sets elements [cols, pitch) of every row to `bits` (an fp32 pattern): one masked vdup per
// block (per row when a row is longer than 255 blocks).
void fill_row_tails(Body& out, const Region& x, const RowCount& rows, int64_t cols, int64_t pitch,
                    int64_t bits);

// result[r] = sum / max of row r (all `pitch` elements: fill the tails first), rows results
// contiguous fp32 at `result`. `scratch` needs reduce_scratch_bytes(rows.full, pitch).
void row_reduce(Body& out, Reduce kind, const Region& x, const RowCount& rows, int64_t pitch,
                const Region& scratch, const Region& result);

// bcast[r] = copies of values[r] filling 32 B per row (8 fp32, 16 fp16), the form the
// row-broadcast ops read; `values` are contiguous elements of `type`.
void broadcast_rows(Body& out, const Region& bcast, const Region& values, const RowCount& rows,
                    isa::DataType type = isa::DataType::kF32);

// dst[r][c] = src[r][c] OP bcast[r] (vsub / vmul / vadd / vmax ... with a per-row value as
// broadcast_rows wrote it), over every `pitch` element of each row. `type` is the element type
// of the rows and of `mnemonic` (fp32 rows as above; fp16 rows are `pitch` * 2 bytes apart and
// take 128 elements per repeat).
void row_broadcast_binary(Body& out, const std::string& mnemonic, const Region& dst,
                          const Region& src, const Region& bcast, const RowCount& rows,
                          int64_t pitch, isa::DataType type = isa::DataType::kF32);

// dst[r][c] = src[r][c] OP vec[c] (a per-column vector of `pitch` elements of `type`, e.g.
// gamma).
void column_binary(Body& out, const std::string& mnemonic, const Region& dst, const Region& src,
                   const Region& vec, const RowCount& rows, int64_t pitch,
                   isa::DataType type = isa::DataType::kF32);

// acc[c] = acc[c] OP x[r][c] for every row r in order (vadd / vmax ...): a column reduction
// into a vector of `pitch` fp32.
void accumulate_rows(Body& out, const std::string& mnemonic, const Region& acc, const Region& x,
                     const RowCount& rows, int64_t pitch);

}  // namespace npu::compiler::rowvec
