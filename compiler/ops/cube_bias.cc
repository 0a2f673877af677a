// The cube ops' bias row: bias table or vector add in UB (see cube_bias.h).
#include "compiler/ops/cube_bias.h"

#include <algorithm>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"

namespace npu::compiler {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors
using isa::DataType;

namespace {

std::string suffix(DataType t) { return std::string(isa::name(t)); }

// Vector work over a whole rows x cols tile of 32-bit elements in UB, contiguous: instructions
// of at most 255 repeats of 64 elements. `make(offset_elements, repeats)` builds one.
template <class Make>
void over_tile(Body& body, int64_t rows, int64_t cols, Make make) {
  const int64_t repeats = rows * cols / 64;
  for (int64_t r = 0; r < repeats; r += 255)
    body.push_back(make(r * 64, std::min<int64_t>(255, repeats - r)));
}

}  // namespace

bool cube_bias_uses_table(const config::ChipConfig& chip, bool via_ub) {
  if (via_ub) return false;
  if (chip.buffers.bt_bytes == 0 || !chip.paths.l1_to_bt.enabled)
    throw UserError("bias=1 needs a bias table on chip '" + chip.name +
                    "' (its results leave L0C straight to GM, so the vector unit cannot add it)");
  return true;
}

DataType cube_bias_type(DataType in) {
  return in == DataType::kS8 ? DataType::kS32 : DataType::kF32;
}

TensorDesc cube_bias_tensor(DataType in, int64_t n) {
  TensorDesc bias{"bias", cube_bias_type(in), static_cast<uint64_t>(n), false};
  if (in == DataType::kS8) bias.low = -1000, bias.high = 1000;
  return bias;
}

int64_t cube_bias_ub_bytes(int64_t rows, int64_t cols, int64_t out_bytes) {
  return cols * 4 + rows * cols * 4 + (out_bytes != 4 ? rows * cols * 4 : 0);
}

void add_cube_bias_tiles(Kernel& k, bool table, int64_t rows, int64_t cols, int64_t out_bytes) {
  const auto bytes = [](int64_t b) { return static_cast<uint64_t>(b); };
  if (table) {
    k.tiles.push_back({"bias_l1", isa::Buffer::kL1, bytes(cols * 4), false, {}, {}});
    k.tiles.push_back({"bias_bt", isa::Buffer::kBt, bytes(cols * 4), false, {}, {}});
    return;
  }
  k.tiles.push_back({"bias_ub", isa::Buffer::kUb, bytes(cols * 4), false, {}, {}});
  k.tiles.push_back({"c_acc", isa::Buffer::kUb, bytes(rows * cols * 4), false, {}, {}});
  if (out_bytes != 4)
    k.tiles.push_back({"c_sum", isa::Buffer::kUb, bytes(rows * cols * 4), false, {}, {}});
}

Body load_cube_bias(bool table, DataType bias_type, const Affine& at, const Value& bytes,
                    int64_t cols) {
  Body body;
  const std::string bt = suffix(bias_type);
  if (!table) {
    body.push_back(op("copy_gm_to_ub_pad." + bt, {tile("bias_ub"), gm("bias", at)},
                      {field("nburst", 1), field("burst_bytes", bytes)}));
    return body;
  }
  body.push_back(op("copy_gm_to_l1_pad." + bt, {tile("bias_l1"), gm("bias", at)},
                    {field("nburst", 1), field("burst_bytes", bytes)}));
  body.push_back(op("copy_l1_to_bt", {tile("bias_bt"), tile("bias_l1")},
                    {field("nburst", 1), field("burst_len", cols * 4 / 32)}));
  return body;
}

Body add_cube_bias_in_ub(DataType acc, DataType out, int64_t rows, int64_t cols,
                         int64_t scale_bits) {
  Body body;
  const int64_t eo = isa::element_size(out);
  const std::string sum = eo == 4 ? "c_ub" : "c_sum";
  // One vadd per 8 rows: its blocks walk the rows, its repeats the 8-column groups.
  for (int64_t g = 0; g < rows / 8; ++g)
    body.push_back(
        op("vadd." + suffix(acc),
           {tile(sum, g * 8 * cols * 4), tile("c_acc", g * 8 * cols * 4), tile("bias_ub")},
           {field("repeat", cols / 8), field("dst_blk_stride", cols / 8),
            field("src0_blk_stride", cols / 8), field("src1_blk_stride", 0),
            field("dst_rep_stride", 1), field("src0_rep_stride", 1), field("src1_rep_stride", 1)}));
  if (eo == 4) return body;
  if (acc == DataType::kS32) {
    over_tile(body, rows, cols, [&](int64_t e, int64_t n) {
      return op("vconv.f32.s32", {tile("c_sum", e * 4), tile("c_sum", e * 4)},
                {field("repeat", n)});
    });
    over_tile(body, rows, cols, [&](int64_t e, int64_t n) {
      return op("vmuls.f32", {tile("c_sum", e * 4), tile("c_sum", e * 4), imm(scale_bits)},
                {field("repeat", n)});
    });
  }
  over_tile(body, rows, cols, [&](int64_t e, int64_t n) {
    return op("vconv." + suffix(out) + ".f32", {tile("c_ub", e * eo), tile("c_sum", e * 4)},
              {field("repeat", n), field("dst_rep_stride", 64 * eo / 32)});
  });
  return body;
}

}  // namespace npu::compiler
