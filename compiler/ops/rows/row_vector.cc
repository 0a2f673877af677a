// Vector building blocks on fp32 row blocks in UB (see row_vector.h).
//
// Most steps walk a grid of rows x 64-element chunk columns. Each operand advances by a fixed
// number of bytes per row and per chunk column (a data row: pitch * 4 and 256; a per-row
// broadcast value: 32 and 0 with block stride 0; a per-column vector: 0 and 256). The grid is
// issued either one instruction per chunk column with one repeat per row (needs each per-row
// step <= 255 blocks) or one instruction per row with one repeat per chunk column, whichever
// takes fewer instructions. Rows beyond the last block's tail are skipped by select() repeat
// counts (column form) or an `if` (row form).
#include "compiler/ops/rows/row_vector.h"

#include <algorithm>
#include <bit>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "numerics/convert.h"

namespace npu::compiler::rowvec {
namespace {

using ir::ceil_div;

constexpr int64_t kBlock = 32;
constexpr int64_t kRepeatBytes = 256;

Value select_value(const std::optional<Condition>& last, int64_t tail, int64_t full) {
  if (!last || tail == full) return ir::constant(full);
  return Value{tail, last, full};
}

void set_mask(Body& out, uint64_t hi, uint64_t lo) {
  out.push_back(ir::op("set_mask",
                       {ir::imm(static_cast<int64_t>(hi)), ir::imm(static_cast<int64_t>(lo))}, {}));
}
void set_mask(Body& out, uint64_t lo) { set_mask(out, lo == ~0ull ? ~0ull : 0, lo); }
// Elements [first, first + count) of each fp32 repeat active.
void set_mask_range(Body& out, int64_t first, int64_t count) {
  uint64_t bits = count >= 64 ? ~0ull : ((1ull << count) - 1);
  set_mask(out, bits << first);
}
void reset_mask(Body& out) { set_mask(out, ~0ull); }

// One operand of a grid walk.
struct GridOperand {
  Region base;
  int64_t row_step = 0;  // bytes per row
  int64_t col_step = 0;  // bytes per chunk column
  int64_t blk_stride = 1;
};

// `mnemonic` over rows x chunk columns [c_begin, c_end); operands[0] is the destination; a
// scalar immediate goes last when given.
void grid(Body& out, const std::string& mnemonic, const std::vector<GridOperand>& ops,
          const RowCount& rows, int64_t c_begin, int64_t c_end,
          std::optional<int64_t> scalar = std::nullopt) {
  const int64_t ncols = c_end - c_begin;
  if (ncols <= 0) return;
  static const char* kBlk[] = {"dst_blk_stride", "src0_blk_stride", "src1_blk_stride"};
  static const char* kRep[] = {"dst_rep_stride", "src0_rep_stride", "src1_rep_stride"};
  bool column_ok = rows.full <= kMaxRepeat;
  for (const GridOperand& o : ops) column_ok = column_ok && o.row_step / kBlock <= kMaxRepeat;
  bool row_ok = ncols <= kMaxRepeat;
  NPU_CHECK(column_ok || row_ok, "row block too large for the vector grid");
  auto operands = [&](int64_t row, int64_t col) {
    std::vector<Operand> r;
    for (const GridOperand& o : ops)
      r.push_back(ir::tile(o.base.tile, o.base.offset + row * o.row_step + col * o.col_step));
    if (scalar) r.push_back(ir::imm(*scalar));
    return r;
  };
  if (column_ok && (!row_ok || ncols <= rows.full)) {
    for (int64_t c = c_begin; c < c_end; ++c) {
      std::vector<Field> f{ir::field("repeat", rows.value())};
      for (size_t i = 0; i < ops.size(); ++i) {
        f.push_back(ir::field(kBlk[i], ops[i].blk_stride));
        f.push_back(ir::field(kRep[i], ops[i].row_step / kBlock));
      }
      out.push_back(ir::op(mnemonic, operands(0, c), f));
    }
    return;
  }
  Body guarded;
  for (int64_t r = 0; r < rows.full; ++r) {
    std::vector<Field> f{ir::field("repeat", ncols)};
    for (size_t i = 0; i < ops.size(); ++i) {
      f.push_back(ir::field(kBlk[i], ops[i].blk_stride));
      f.push_back(ir::field(kRep[i], ops[i].col_step / kBlock));
    }
    Stmt s = ir::op(mnemonic, operands(r, c_begin), f);
    (rows.last && r >= rows.tail ? guarded : out).push_back(std::move(s));
  }
  if (!guarded.empty()) {
    Condition not_last = *rows.last;
    not_last.op = Condition::Op::kNe;
    out.push_back(make_if(not_last, std::move(guarded)));
  }
}

GridOperand data_rows(const Region& r, int64_t pitch, int64_t es = 4) {
  return {r, pitch * es, kRepeatBytes, 1};
}

// `mnemonic` over every element of rows of `pitch` elements of `type` (a whole number of
// 256-byte chunks, or for 16-bit types possibly a last half chunk of 64 elements, which runs
// under a mask so that it stays inside its row).
void grid_rows(Body& out, const std::string& mnemonic, const std::vector<GridOperand>& ops,
               const RowCount& rows, int64_t pitch, isa::DataType type) {
  const int64_t row_bytes = pitch * static_cast<int64_t>(isa::element_size(type));
  const int64_t chunks = row_bytes / kRepeatBytes;
  grid(out, mnemonic, ops, rows, 0, chunks);
  if (row_bytes % kRepeatBytes == 0) return;
  NPU_CHECK(row_bytes % kRepeatBytes == kRepeatBytes / 2 && isa::element_size(type) == 2,
            "rows of 16-bit elements come in 64-element halves");
  set_mask(out, 0, ~0ull);
  grid(out, mnemonic, ops, rows, chunks, chunks + 1);
  reset_mask(out);
}

}  // namespace

Value RowCount::value() const { return select_value(last, tail, full); }
Value RowCount::times(int64_t scale) const {
  return select_value(last, tail * scale, full * scale);
}
RowCount RowCount::div_up(int64_t d) const { return {ceil_div(full, d), ceil_div(tail, d), last}; }
RowCount RowCount::scaled(int64_t s) const { return {full * s, tail * s, last}; }

int64_t f32_bits(double value) {
  return static_cast<int64_t>(std::bit_cast<uint32_t>(numerics::double_to_fp32(value)));
}

int64_t reduce_scratch_bytes(int64_t rows, int64_t pitch) {
  // Level-1 block results: pitch / 8 per row, for rows rounded up to the 8 a last fold repeat
  // spans; rounded to whole repeats.
  return ir::round_up(ir::round_up(rows, 8) * pitch / 8 * 4, kRepeatBytes);
}

void elementwise(Body& out, const std::string& mnemonic, const Stream& dst,
                 const std::vector<Stream>& srcs, const RowCount& repeats,
                 std::optional<int64_t> scalar) {
  static const char* kRep[] = {"dst_rep_stride", "src0_rep_stride", "src1_rep_stride"};
  int64_t most = std::max(repeats.full, repeats.tail);
  for (int64_t first = 0; first < most; first += kMaxRepeat) {
    auto part = [&](int64_t n) { return std::clamp<int64_t>(n - first, 0, kMaxRepeat); };
    std::vector<Operand> operands{
        ir::tile(dst.region.tile, dst.region.offset + first * dst.rep_stride * kBlock)};
    for (const Stream& s : srcs)
      operands.push_back(ir::tile(s.region.tile, s.region.offset + first * s.rep_stride * kBlock));
    if (scalar) operands.push_back(ir::imm(*scalar));
    std::vector<Field> f{
        ir::field("repeat", select_value(repeats.last, part(repeats.tail), part(repeats.full))),
        ir::field(kRep[0], dst.rep_stride)};
    for (size_t i = 0; i < srcs.size(); ++i)
      f.push_back(ir::field(kRep[i + 1], srcs[i].rep_stride));
    out.push_back(ir::op(mnemonic, std::move(operands), std::move(f)));
  }
}

void convert_rows(Body& out, const Region& dst, isa::DataType dst_type, const Region& src,
                  isa::DataType src_type, const RowCount& rows, int64_t pitch) {
  RowCount repeats = rows.scaled(pitch / kF32PerRepeat);
  auto stride = [](isa::DataType t) { return static_cast<int64_t>(isa::element_size(t)) * 2; };
  std::string mnemonic = dst_type == src_type ? "vcopy." + std::string(isa::name(dst_type))
                                              : "vconv." + std::string(isa::name(dst_type)) + "." +
                                                    std::string(isa::name(src_type));
  elementwise(out, mnemonic, {dst, stride(dst_type)}, {{src, stride(src_type)}}, repeats);
}

void fill_row_tails(Body& out, const Region& x, const RowCount& rows, int64_t cols, int64_t pitch,
                    int64_t bits) {
  const int64_t chunks = pitch / kF32PerRepeat, first = cols / kF32PerRepeat;
  if (first >= chunks) return;
  std::vector<GridOperand> dst{data_rows(x, pitch)};
  int64_t full_from = first;
  if (cols % kF32PerRepeat != 0) {
    set_mask_range(out, cols % kF32PerRepeat, kF32PerRepeat - cols % kF32PerRepeat);
    grid(out, "vdup.f32", dst, rows, first, first + 1, bits);
    reset_mask(out);
    full_from = first + 1;
  }
  grid(out, "vdup.f32", dst, rows, full_from, chunks, bits);
}

void row_reduce(Body& out, Reduce kind, const Region& x, const RowCount& rows, int64_t pitch,
                const Region& scratch, const Region& result) {
  const std::string sfx = ".f32";
  const std::string block_op = (kind == Reduce::kSum ? "vcgadd" : "vcgmax") + sfx;
  const std::string fold_op = (kind == Reduce::kSum ? "vadd" : "vmax") + sfx;
  // Level 1: every 8 elements to one (contiguous over the block, rows stay apart as
  // pitch / 8 results each).
  elementwise(out, block_op, {scratch, 1}, {{x, 8}}, rows.scaled(pitch / kF32PerRepeat));
  // Per-block levels over the whole block while a row's results fill whole repeats (groups of 8
  // never straddle two rows): 8 to 1 each, at a per-block reduction's cost.
  int64_t n = pitch / 8;  // results per row, contiguous
  while (n > 8 && n % kF32PerRepeat == 0) {
    elementwise(out, block_op, {scratch, 1}, {{scratch, 8}}, rows.scaled(n / kF32PerRepeat));
    n /= 8;
  }
  const int64_t row_step = n * 4;
  if (n >= kF32PerRepeat) {
    // Fold each row's n results into its first 64 (chunk 0), then 64 -> 8 per row.
    GridOperand acc{scratch, row_step, 0, 1};
    GridOperand chunk{scratch, row_step, kRepeatBytes, 1};
    const int64_t full_chunks = n / kF32PerRepeat, part = n % kF32PerRepeat;
    if (full_chunks > 1) grid(out, fold_op, {acc, acc, chunk}, rows, 1, full_chunks);
    if (part != 0) {
      set_mask_range(out, 0, part);
      grid(out, fold_op, {acc, acc, chunk}, rows, full_chunks, full_chunks + 1);
      reset_mask(out);
    }
    out.push_back(ir::op(
        block_op, {ir::tile(scratch.tile, scratch.offset), ir::tile(scratch.tile, scratch.offset)},
        {ir::field("repeat", rows.value()), ir::field("dst_rep_stride", 1),
         ir::field("src0_rep_stride", row_step / kBlock)}));
    elementwise(out, block_op, {result, 1}, {{scratch, 8}}, rows.div_up(8));
    return;
  }
  // j = n / 8 < 8 blocks of 8 results per row: fold blocks 1 .. j-1 into block 0 (one repeat
  // covers block b of 8 rows), then block 0 of 8 rows to 8 results per repeat.
  const int64_t j = n / 8;
  const RowCount groups = rows.div_up(8);
  for (int64_t b = 1; b < j; ++b)
    out.push_back(
        ir::op(fold_op,
               {ir::tile(scratch.tile, scratch.offset), ir::tile(scratch.tile, scratch.offset),
                ir::tile(scratch.tile, scratch.offset + b * kBlock)},
               {ir::field("repeat", groups.value()), ir::field("dst_blk_stride", j),
                ir::field("src0_blk_stride", j), ir::field("src1_blk_stride", j),
                ir::field("dst_rep_stride", 8 * j), ir::field("src0_rep_stride", 8 * j),
                ir::field("src1_rep_stride", 8 * j)}));
  out.push_back(ir::op(
      block_op, {ir::tile(result.tile, result.offset), ir::tile(scratch.tile, scratch.offset)},
      {ir::field("repeat", groups.value()), ir::field("dst_rep_stride", 1),
       ir::field("src0_blk_stride", j), ir::field("src0_rep_stride", 8 * j)}));
}

void broadcast_rows(Body& out, const Region& bcast, const Region& values, const RowCount& rows,
                    isa::DataType type) {
  out.push_back(ir::op("vbrcb." + std::string(isa::name(type)),
                       {ir::tile(bcast.tile, bcast.offset), ir::tile(values.tile, values.offset)},
                       {ir::field("repeat", rows.div_up(8).value())}));
}

void row_broadcast_binary(Body& out, const std::string& mnemonic, const Region& dst,
                          const Region& src, const Region& bcast, const RowCount& rows,
                          int64_t pitch, isa::DataType type) {
  const int64_t es = isa::element_size(type);
  grid_rows(out, mnemonic,
            {data_rows(dst, pitch, es), data_rows(src, pitch, es), {bcast, kBlock, 0, 0}}, rows,
            pitch, type);
}

void column_binary(Body& out, const std::string& mnemonic, const Region& dst, const Region& src,
                   const Region& vec, const RowCount& rows, int64_t pitch, isa::DataType type) {
  const int64_t es = isa::element_size(type);
  grid_rows(out, mnemonic,
            {data_rows(dst, pitch, es), data_rows(src, pitch, es), {vec, 0, kRepeatBytes, 1}}, rows,
            pitch, type);
}

void accumulate_rows(Body& out, const std::string& mnemonic, const Region& acc, const Region& x,
                     const RowCount& rows, int64_t pitch) {
  GridOperand a{acc, 0, kRepeatBytes, 1};
  grid(out, mnemonic, {a, a, data_rows(x, pitch)}, rows, 0, pitch / kF32PerRepeat);
}

}  // namespace npu::compiler::rowvec
