// Shared pieces of the row ops (see row_op.h).
#include "compiler/ops/rows/row_op.h"

#include <algorithm>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"

namespace npu::compiler {

using ir::round_up;
using rowvec::Region;
using rowvec::RowCount;

isa::DataType row_op_dtype(const OpSpec& spec) {
  std::string d = spec.get_enum("dtype", {"fp16", "bf16", "fp32"}, "fp16");
  return d == "fp32"   ? isa::DataType::kF32
         : d == "bf16" ? isa::DataType::kBf16
                       : isa::DataType::kF16;
}

RowShape row_op_shape(const OpSpec& spec) {
  RowShape s;
  s.rows = spec.get_int("rows", 1, int64_t{1} << 24);
  s.cols = spec.get_int("cols", 1, int64_t{1} << 24);
  if (s.rows * s.cols > (int64_t{1} << 30))
    throw UserError(spec.op + ": rows x cols = " + std::to_string(s.rows * s.cols) +
                    " elements is more than the 2^30 supported");
  return s;
}

namespace {

struct TileSizes {
  int64_t x_in, x_in2, x, y_out, red, stat, bc, g_in, g;
};

TileSizes sizes(const RowTiles& t, isa::DataType type, int64_t rows, int64_t pitch) {
  const int64_t es = isa::element_size(type);
  TileSizes s{};
  s.x_in = ub_tile_bytes(rows * pitch * es);
  s.x = ub_tile_bytes(rows * pitch * 4);
  // Output steps on 16-bit rows with a half repeat at the end of each row (row_vector.h) span a
  // whole repeat there: room for the last row's.
  const int64_t half_repeat = (pitch * es) % 256;
  s.y_out = t.rows_out ? ub_tile_bytes(rows * pitch * es + half_repeat)
                       : ub_tile_bytes(round_up(rows, 64) * es);
  s.red = ub_tile_bytes(rowvec::reduce_scratch_bytes(rows, pitch));
  s.stat = ub_tile_bytes(round_up(rows, 64) * 4);
  s.bc = ub_tile_bytes(round_up(rows, 8) * 32);
  // Per-column vectors are kept in the step type (row_step_type); when that is the GM type they
  // are used where they were loaded (g0, ... or, on the second pass, x_in2), else widened from
  // a staging copy (g_in, or x_in2).
  const isa::DataType step_type = row_step_type(type);
  const bool widen_vectors = step_type != type && t.column_vectors > 0;
  const int64_t vector_in = ub_tile_bytes(pitch * es);
  s.g_in = widen_vectors && !t.second_pass ? vector_in : 0;
  // The second pass stages its per-column vectors behind its rows, in the same double tile, so
  // that they share its flags (event ids are few).
  s.x_in2 = t.second_pass ? s.x_in + t.column_vectors * vector_in : 0;
  s.g = widen_vectors || !t.second_pass
            ? ub_tile_bytes(pitch * static_cast<int64_t>(isa::element_size(step_type)))
            : 0;
  return s;
}

}  // namespace

int64_t row_tiles_bytes(const RowTiles& t, isa::DataType type, int64_t rows, int64_t pitch) {
  TileSizes s = sizes(t, type, rows, pitch);
  return 2 * (s.x_in + s.x_in2) + s.x * (1 + t.extra_fp32_rows) + 2 * s.y_out + s.red + 4 * s.stat +
         2 * s.bc + s.g_in + s.g * t.column_vectors;
}

RowLayout choose_row_op_layout(const std::string& op, int64_t rows, int64_t cols,
                               isa::DataType type, const config::ChipConfig& chip,
                               RowTiles& tiles) {
  auto bytes = [&](int64_t r, int64_t p) { return row_tiles_bytes(tiles, type, r, p); };
  const int64_t es = isa::element_size(type);
  RowLayout l = choose_row_layout(op, rows, cols, es, chip, bytes);
  if (l.column_tiles > 1 && !tiles.second_pass) {
    tiles.second_pass = true;
    l = choose_row_layout(op, rows, cols, es, chip, bytes);
  }
  return l;
}

void declare_row_tiles(Kernel& k, const RowTiles& t, isa::DataType type, const RowLayout& l) {
  TileSizes s = sizes(t, type, l.block_rows, l.pitch);
  auto add = [&](const std::string& name, int64_t bytes, bool dbl) {
    k.tiles.push_back({name, isa::Buffer::kUb, static_cast<uint64_t>(bytes), dbl, {}, {}});
  };
  add("x_in", s.x_in, true);
  if (t.second_pass) add("x_in2", s.x_in2, true);
  add("x", s.x, false);
  // y_out is double-buffered in the loop that stores it: the block loop, or the column-tile
  // loop of the second pass. Ops with one value per row store it after their column-tile loop:
  // there a double y_out would unroll the block loop around the column-tile loop, which
  // already double-buffers x_in (sync insertion wants each cross-pipe tile's accesses in one
  // unrolled copy), so it stays single.
  add("y_out", s.y_out, t.rows_out || l.column_tiles == 1);
  add("red", s.red, false);
  for (const char* name : {"stat", "stat2", "stat3", "stat4"}) add(name, s.stat, false);
  add("bc", s.bc, false);
  add("bc2", s.bc, false);
  for (int i = 0; i < t.extra_fp32_rows; ++i) add("t" + std::to_string(i), s.x, false);
  if (s.g_in > 0) add("g_in", s.g_in, false);
  if (s.g > 0)
    for (int i = 0; i < t.column_vectors; ++i) add("g" + std::to_string(i), s.g, false);
}

rowvec::SoftmaxScratch row_scratch() {
  return {{"red", 0}, {"stat", 0}, {"stat2", 0}, {"stat3", 0}, {"stat4", 0}, {"bc", 0}, {"bc2", 0}};
}

Value tile_columns(const RowLayout& l, const std::string& tile_var) {
  if (tile_var.empty() || l.column_tiles == 1) return ir::constant(l.cols);
  return ir::tail_select(tile_var, l.column_tiles - 1, l.last_tile_cols(), l.tile_cols);
}

namespace {

// First element of the block's rows (and of the column tile).
Affine block_origin(const RowLayout& l, const Affine& block, const std::string& tile_var) {
  Affine first = block;
  for (auto& term : first.terms) term.second *= l.block_rows * l.cols;
  if (!tile_var.empty() && l.column_tiles > 1) first.add(tile_var, l.tile_cols);
  return first;
}

}  // namespace

void load_block(Body& out, const std::string& gm_arg, isa::DataType type, const RowLayout& l,
                const Affine& block, const RowCount& rows, const std::string& tile_var,
                std::optional<int64_t> pad_bits) {
  out.push_back(load_rows("x_in", gm_arg, type, block_origin(l, block, tile_var), rows,
                          tile_columns(l, tile_var), l.cols, l.pitch));
  rowvec::convert_rows(out, {"x", 0}, isa::DataType::kF32, {"x_in", 0}, type, rows, l.pitch);
  if (!pad_bits) return;
  if (tile_var.empty() || l.column_tiles == 1) {
    rowvec::fill_row_tails(out, {"x", 0}, rows, l.cols, l.pitch, *pad_bits);
    return;
  }
  Body fill;
  rowvec::fill_row_tails(fill, {"x", 0}, rows, l.last_tile_cols(), l.pitch, *pad_bits);
  if (!fill.empty())
    out.push_back(make_if(Condition{ir::var_expr(tile_var), Condition::Op::kEq, l.column_tiles - 1},
                          std::move(fill)));
}

isa::DataType row_step_type(isa::DataType type) {
  return type == isa::DataType::kF16 ? isa::DataType::kF16 : isa::DataType::kF32;
}

namespace {

// y = y OP operand for each step, on rows of `type` at `y`.
void run_output_steps(Body& out, const std::vector<OutputStep>& steps, const Region& y,
                      isa::DataType type, const RowCount& rows, int64_t pitch) {
  for (const OutputStep& s : steps) {
    const std::string mnemonic = s.op + "." + std::string(isa::name(type));
    if (s.per_row)
      rowvec::row_broadcast_binary(out, mnemonic, y, y, s.operand, rows, pitch, type);
    else
      rowvec::column_binary(out, mnemonic, y, y, s.operand, rows, pitch, type);
  }
}

}  // namespace

void store_block(Body& out, const std::string& gm_arg, isa::DataType type, const RowLayout& l,
                 const Affine& block, const RowCount& rows, const Region& src,
                 const std::string& tile_var, const std::vector<OutputStep>& steps) {
  const isa::DataType step_type = row_step_type(type);
  const Region y{"y_out", 0};
  if (step_type == isa::DataType::kF32) run_output_steps(out, steps, src, step_type, rows, l.pitch);
  rowvec::convert_rows(out, y, type, src, isa::DataType::kF32, rows, l.pitch);
  if (step_type != isa::DataType::kF32) run_output_steps(out, steps, y, step_type, rows, l.pitch);
  out.push_back(store_rows(gm_arg, "y_out", type, block_origin(l, block, tile_var), rows,
                           tile_columns(l, tile_var), l.cols, l.pitch));
}

void broadcast_row_values(Body& out, isa::DataType type, const Region& bcast, const Region& values,
                          const Region& staging, const RowCount& rows) {
  const isa::DataType step_type = row_step_type(type);
  if (step_type == isa::DataType::kF32) {
    rowvec::broadcast_rows(out, bcast, values, rows);
    return;
  }
  // One fp32 repeat (64 values) per repeat, narrowed to 64 contiguous 16-bit values.
  rowvec::elementwise(out, "vconv." + std::string(isa::name(step_type)) + ".f32", {staging, 4},
                      {{values, 8}}, rows.div_up(rowvec::kF32PerRepeat));
  rowvec::broadcast_rows(out, bcast, staging, rows, step_type);
}

std::vector<Region> load_column_vectors(Body& out, const std::vector<std::string>& gm_args,
                                        isa::DataType type, const RowLayout& l) {
  const RowCount one{1, 1, std::nullopt};
  const isa::DataType step_type = row_step_type(type);
  std::vector<Region> regions;
  for (size_t i = 0; i < gm_args.size(); ++i) {
    const std::string g = "g" + std::to_string(i);
    regions.push_back({g, 0});
    if (step_type == type) {
      out.push_back(
          load_rows(g, gm_args[i], type, Affine{}, one, ir::constant(l.cols), l.cols, l.pitch));
      continue;
    }
    out.push_back(
        load_rows("g_in", gm_args[i], type, Affine{}, one, ir::constant(l.cols), l.cols, l.pitch));
    rowvec::convert_rows(out, {g, 0}, step_type, {"g_in", 0}, type, one, l.pitch);
  }
  return regions;
}

std::vector<Region> load_second_pass_tile(Body& out, const std::string& gm_arg,
                                          const std::vector<std::string>& vector_args,
                                          isa::DataType type, const RowLayout& l,
                                          const Affine& block, const RowCount& rows,
                                          const std::string& tile_var) {
  const RowCount one{1, 1, std::nullopt};
  const int64_t es = isa::element_size(type);
  const isa::DataType step_type = row_step_type(type);
  const Value cols = tile_columns(l, tile_var);
  auto vector_offset = [&](size_t i) {
    return ub_tile_bytes(l.block_rows * l.pitch * es) +
           static_cast<int64_t>(i) * ub_tile_bytes(l.pitch * es);
  };
  out.push_back(load_rows("x_in2", gm_arg, type, block_origin(l, block, tile_var), rows, cols,
                          l.cols, l.pitch));
  for (size_t i = 0; i < vector_args.size(); ++i)
    out.push_back(load_rows("x_in2", vector_args[i], type, ir::var_expr(tile_var, l.tile_cols), one,
                            cols, l.cols, l.pitch, vector_offset(i)));
  rowvec::convert_rows(out, {"x", 0}, isa::DataType::kF32, {"x_in2", 0}, type, rows, l.pitch);
  std::vector<Region> regions;
  for (size_t i = 0; i < vector_args.size(); ++i) {
    if (step_type == type) {
      regions.push_back({"x_in2", vector_offset(i)});
      continue;
    }
    regions.push_back({"g" + std::to_string(i), 0});
    rowvec::convert_rows(out, regions.back(), step_type, {"x_in2", vector_offset(i)}, type, one,
                         l.pitch);
  }
  return regions;
}

void inverse_rms(Body& out, const Region& stat, const RowCount& rows, int64_t cols, double eps) {
  RowCount repeats = rows.div_up(rowvec::kF32PerRepeat);
  rowvec::elementwise(out, "vmuls.f32", {stat}, {{stat}}, repeats,
                      rowvec::f32_bits(1.0 / static_cast<double>(cols)));
  rowvec::elementwise(out, "vadds.f32", {stat}, {{stat}}, repeats, rowvec::f32_bits(eps));
  rowvec::elementwise(out, "vrsqrt.f32", {stat}, {{stat}}, repeats);
}

double norm_eps(const OpSpec& spec) { return spec.get_double("eps", 0.0, 1.0, 1e-5); }

std::string describe_row_layout(const RowShape& shape, isa::DataType type, const RowLayout& l) {
  std::string out = std::to_string(shape.rows) + "x" + std::to_string(shape.cols) + " " +
                    std::string(isa::long_name(type)) + ", blocks of " +
                    std::to_string(l.block_rows) + " rows over " + std::to_string(l.workers) +
                    " cores";
  if (l.column_tiles > 1) out += ", column tiles of " + std::to_string(l.tile_cols);
  return out;
}

void set_row_tolerance(OpKernel& r, isa::DataType type, double fp32_rtol, double fp32_atol) {
  // One rounding of the output to a p-bit significand (2^-p relative), doubled for the fp32
  // arithmetic before it; fp32 outputs use the op's own bounds.
  switch (type) {
    case isa::DataType::kF16:
      r.rtol = 2e-3;
      r.atol = std::max(1e-4, fp32_atol);
      break;
    case isa::DataType::kBf16:
      r.rtol = 1.6e-2;
      r.atol = std::max(1e-3, fp32_atol);
      break;
    default:
      r.rtol = fp32_rtol;
      r.atol = fp32_atol;
      break;
  }
}

void set_norm_tolerance(OpKernel& r, isa::DataType type) {
  set_row_tolerance(r, type, 1e-5, 1e-5);
  if (type != isa::DataType::kF32) r.atol = type == isa::DataType::kF16 ? 4e-3 : 3e-2;
}

RowOpFrame begin_row_op(const std::string& op, const RowShape& shape, isa::DataType type,
                        const config::ChipConfig& chip, RowTiles& tiles,
                        const std::vector<std::string>& column_vectors) {
  RowOpFrame f;
  f.layout = choose_row_op_layout(op, shape.rows, shape.cols, type, chip, tiles);
  const uint64_t elements = static_cast<uint64_t>(shape.rows * shape.cols);
  const uint64_t es = isa::element_size(type);
  Kernel& k = f.op.kernel;
  k.name = op;
  k.cores = row_cores(chip);
  k.args.push_back({"x", isa::ArgKind::kGmPointer, elements * es});
  f.op.tensors.push_back({"x", type, elements, false});
  for (const std::string& v : column_vectors) {
    k.args.push_back({v, isa::ArgKind::kGmPointer, static_cast<uint64_t>(shape.cols) * es});
    f.op.tensors.push_back({v, type, static_cast<uint64_t>(shape.cols), false});
  }
  k.args.push_back({"y", isa::ArgKind::kGmPointer, elements * es});
  f.op.tensors.push_back({"y", type, elements, true});
  declare_row_tiles(k, tiles, type, f.layout);
  f.op.block_dim = f.layout.block_dim;
  f.op.summary = op + " " + describe_row_layout(shape, type, f.layout);
  return f;
}

void add_column_pass(Body& out, const std::string& var, int64_t count, Body body) {
  if (count > 1)
    out.push_back(make_loop(var, count, false, std::move(body)));
  else
    out.insert(out.end(), body.begin(), body.end());
}

}  // namespace npu::compiler
