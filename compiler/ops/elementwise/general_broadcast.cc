// General numpy broadcasting of the binary ops (see general_broadcast.h).
#include "compiler/ops/elementwise/general_broadcast.h"

#include <algorithm>
#include <map>
#include <utility>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/elementwise/tile_grid.h"
#include "compiler/passes/buffer_allocation.h"

namespace npu::compiler {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

namespace {

constexpr int64_t kMaxGmGap = 1048575;  // pad word gm_gap (bytes)
constexpr int64_t kMaxNburst = 4095;    // pad word nburst
constexpr int64_t kMaxRepeat = 255;     // vector word repeat and strides
// Room past every tile of T elements: counter-mode instructions are charged the whole span of
// their last repeat (as vector_stream.cc).
constexpr int64_t kTileSlack = 256;

int64_t es(isa::DataType t) { return isa::element_size(t); }
std::string suffix(isa::DataType t) { return std::string(isa::name(t)); }

// What an operand is over one M x L block.
enum class Kind { kFull, kRow, kColumn, kConstant };

struct BroadcastOperand {
  const StreamTensor* tensor = nullptr;
  Kind kind = Kind::kFull;
  std::vector<int64_t> batch_strides;  // elements, 0 where broadcast
  int64_t m_stride = 0, l_stride = 0;
  int64_t elements = 1;  // in GM
  // UB tiles: the operand's tile; the row or the column's values as loaded; their blocks.
  std::string raw, col, blk, body;
};

BroadcastOperand operand(const StreamTensor& t, const std::vector<int64_t>& dims,
                         const std::vector<bool>& full, const BroadcastSpec& spec) {
  BroadcastOperand o;
  o.tensor = &t;
  const size_t k = dims.size();
  std::vector<int64_t> stride(k, 0);
  int64_t s = 1;
  for (size_t i = k; i-- > 0;)
    if (full[i]) {
      stride[i] = s;
      s *= dims[i];
    }
  o.elements = s;
  o.batch_strides.assign(stride.begin(), stride.end() - 2);
  o.m_stride = stride[k - 2];
  o.l_stride = stride[k - 1];
  const bool m = full[k - 2], l = full[k - 1];
  o.kind = m && l ? Kind::kFull : l ? Kind::kRow : m ? Kind::kColumn : Kind::kConstant;
  o.raw = t.name + (o.kind == Kind::kFull ? "_ub" : "_rep");
  o.col = t.name + "_col";
  o.blk = t.name + "_blk";
  o.body = t.dtype == spec.compute ? o.raw : t.name + "_c";
  return o;
}

struct Geometry {
  int64_t rows = 1, cols = 1, pitch = 1;  // tile rows x cols, UB row pitch (elements)
};

// UB bytes of the tiles for a tile of `rows` rows of `pitch` elements.
struct Tiles {
  std::vector<Tile> list;
  std::map<std::string, isa::DataType> types;
  int64_t bytes = 0;
  void add(const std::string& name, isa::DataType t, int64_t size, bool twice) {
    if (types.count(name)) return;
    types[name] = t;
    list.push_back({name, isa::Buffer::kUb, static_cast<uint64_t>(size), twice, {}, {}});
    bytes += size * (twice ? 2 : 1);
  }
};

Tiles tiles_for(const std::vector<BroadcastOperand>& ins, const StreamTensor& out,
                isa::DataType compute, int64_t rows, int64_t pitch) {
  Tiles t;
  const int64_t T = rows * pitch + kTileSlack;
  for (const BroadcastOperand& o : ins) {
    const isa::DataType d = o.tensor->dtype;
    // Tiles MTE2 writes are double buffered; the ones only V writes, single.
    t.add(o.raw, d, T * es(d), o.kind == Kind::kFull);
    if (o.kind == Kind::kRow) t.add(o.col, d, (pitch + kTileSlack) * es(d), true);
    if (o.kind == Kind::kColumn || o.kind == Kind::kConstant) {
      const int64_t values = o.kind == Kind::kColumn ? round_up(rows, 8) : 8;
      t.add(o.col, d, round_up(values * es(d), 32), true);
      t.add(o.blk, d, values * 32, false);
    }
    if (o.body != o.raw) t.add(o.body, compute, T * es(compute), false);
  }
  t.add(out.name + "_ub", out.dtype, T * es(out.dtype), true);
  if (out.dtype != compute) t.add(out.name + "_c", compute, T * es(compute), false);
  return t;
}

Geometry geometry(const BroadcastSpec& spec, const std::vector<BroadcastOperand>& ins,
                  const config::ChipConfig& chip) {
  const std::vector<int64_t>& d = spec.shape.dims;
  const size_t k = d.size();
  const int64_t M = d[k - 2], L = d[k - 1];
  const int64_t ub = static_cast<int64_t>(buffer_bytes(chip, isa::Buffer::kUb));
  int64_t smallest = es(spec.compute), widest_in = 1;
  bool column = false;
  for (const StreamTensor* t : {&spec.a, &spec.b, &spec.output})
    smallest = std::min(smallest, es(t->dtype));
  for (const BroadcastOperand& o : ins) {
    widest_in = std::max(widest_in, es(o.tensor->dtype));
    column = column || o.kind == Kind::kColumn;
  }
  const int64_t quantum = 32 / smallest;  // a pitch of whole 32-byte blocks in every type
  auto bytes = [&](int64_t rows, int64_t pitch) {
    return tiles_for(ins, spec.output, spec.compute, rows, pitch).bytes;
  };
  Geometry g;
  // Columns: the whole row when one fits; a column operand's row spreads with one repeat per
  // row, so its rows are at most 255 blocks.
  int64_t most = column ? kMaxRepeat * 32 / widest_in / quantum * quantum : L;
  g.cols = std::min(L, most);
  while (g.cols > quantum && bytes(1, round_up(g.cols, quantum)) > ub)
    g.cols = std::max(quantum, g.cols / 2 / quantum * quantum);
  g.pitch = round_up(g.cols, quantum);
  if (bytes(1, g.pitch) > ub)
    throw UserError(spec.kernel_name + ": the UB of chip '" + chip.name + "' (" +
                    std::to_string(ub) + " B) cannot hold one tile of " + std::to_string(g.pitch) +
                    " elements (" + std::to_string(bytes(1, g.pitch)) + " B)");
  // Rows: as many as fit, within the copies' and vbrcb's limits, and few enough that every
  // worker gets several tiles (none under 4 KiB) so that loads and stores overlap.
  int64_t entries = 1;
  for (size_t i = 0; i + 2 < k; ++i) entries *= d[i];
  const int64_t workers = vector_workers(chip);
  const int64_t share = ceil_div(M, 2 * ceil_div(workers, entries));
  int64_t rows = std::min({M, kMaxNburst, column ? 8 * kMaxRepeat : M,
                           std::max(share, ceil_div(4096, g.pitch * smallest))});
  if (g.cols < L || L * widest_in > kMaxGmGap) rows = 1;
  int64_t lo = 1, hi = rows;  // the largest count that fits
  while (lo < hi) {
    int64_t mid = (lo + hi + 1) / 2;
    if (bytes(mid, g.pitch) <= ub)
      lo = mid;
    else
      hi = mid - 1;
  }
  g.rows = balanced_tile_rows(M, lo, entries, workers);
  return g;
}

// The bit mask of the first n lanes: (hi, lo).
std::pair<int64_t, int64_t> first_lanes(int64_t n) {
  auto bits = [](int64_t c) -> int64_t {
    if (c <= 0) return 0;
    if (c >= 64) return -1;
    return static_cast<int64_t>((uint64_t{1} << c) - 1);
  };
  return {bits(n - 64), bits(n)};
}

}  // namespace

CollapsedBroadcast collapse_broadcast(const std::vector<int64_t>& a,
                                      const std::vector<int64_t>& b) {
  NPU_CHECK(a.size() == b.size(), "collapse_broadcast takes aligned shapes");
  CollapsedBroadcast c;
  for (size_t i = 0; i < a.size(); ++i) {
    const int64_t out = std::max(a[i], b[i]);
    if (out == 1) continue;
    const bool fa = a[i] == out, fb = b[i] == out;
    if (!c.dims.empty() && c.a_full.back() == fa && c.b_full.back() == fb) {
      c.dims.back() *= out;
    } else {
      c.dims.push_back(out);
      c.a_full.push_back(fa);
      c.b_full.push_back(fb);
    }
  }
  return c;
}

std::string general_broadcast_tiles(const BroadcastSpec& spec, const config::ChipConfig& chip) {
  std::vector<BroadcastOperand> ins = {operand(spec.a, spec.shape.dims, spec.shape.a_full, spec),
                                       operand(spec.b, spec.shape.dims, spec.shape.b_full, spec)};
  Geometry g = geometry(spec, ins, chip);
  return "tiles of " + std::to_string(g.rows) + " x " + std::to_string(g.cols);
}

OpKernel build_general_broadcast(const BroadcastSpec& spec, const config::ChipConfig& chip) {
  const std::vector<int64_t>& d = spec.shape.dims;
  NPU_CHECK(d.size() >= 2, "a general broadcast has at least two collapsed dimensions");
  if (!chip.paths.gm_to_ub.enabled || !chip.paths.ub_to_gm.enabled)
    throw UserError("chip '" + chip.name + "' has no GM -> UB -> GM path for vector work");
  const size_t k = d.size();
  const int64_t L = d[k - 1];
  std::vector<BroadcastOperand> ins = {operand(spec.a, d, spec.shape.a_full, spec),
                                       operand(spec.b, d, spec.shape.b_full, spec)};
  const Geometry geo = geometry(spec, ins, chip);
  const int64_t P = geo.pitch, rc = geo.rows;
  Tiles tiles = tiles_for(ins, spec.output, spec.compute, rc, P);
  const int64_t workers = vector_workers(chip);
  TileGrid grid(std::vector<int64_t>(d.begin(), d.end() - 2), d[k - 2], L, rc, geo.cols, workers);
  std::vector<int64_t> out_strides(k - 2);  // of the batch dimensions in the output
  int64_t block = d[k - 2] * L;
  for (size_t i = k - 2; i-- > 0;) {
    out_strides[i] = block;
    block *= d[i];
  }

  // The rows of a tile between GM (row stride `stride` elements) and UB (rows of P elements).
  auto row_fields = [&](isa::DataType t, int64_t stride) {
    const bool one = rc == 1;
    return std::vector<Field>{
        field("nburst", grid.rows_value()), field("burst_bytes", grid.cols_value(es(t))),
        field("gm_gap", one ? constant(0) : grid.cols_value(-es(t), stride * es(t))),
        field("local_gap",
              one ? constant(0)
                  : grid.on_last_col((P * es(t) - round_up(grid.col_tail() * es(t), 32)) / 32,
                                     (P * es(t) - round_up(geo.cols * es(t), 32)) / 32))};
  };
  auto address = [&](const std::vector<int64_t>& batch, int64_t m, int64_t l, isa::DataType t) {
    Affine a = affine_plus(grid.batch_offset(batch), grid.row_start(m));
    a = affine_plus(a, grid.col_start(l));
    return affine_times(a, es(t));
  };

  Body tile_body;
  VectorBody v(tile_body, tiles.types);
  for (const BroadcastOperand& o : ins) {
    const isa::DataType t = o.tensor->dtype;
    const std::string sfx = suffix(t), name = o.tensor->name;
    const Affine at = address(o.batch_strides, o.m_stride, o.l_stride, t);
    switch (o.kind) {
      case Kind::kFull:
        tile_body.push_back(
            op("copy_gm_to_ub_pad." + sfx, {tile(o.raw), gm(name, at)}, row_fields(t, o.m_stride)));
        break;
      case Kind::kRow:
        // The row, copied to row 0, then doubling copies of the rows done so far.
        tile_body.push_back(op("copy_gm_to_ub_pad." + sfx, {tile(o.col), gm(name, at)},
                               {field("burst_bytes", grid.cols_value(es(t)))}));
        v.set_count(constant(P));
        v.copy(o.raw, 0, o.col, 0);
        for (int64_t done = 1; done < rc; done *= 2) {
          v.set_count(constant(std::min(done, rc - done) * P));
          v.copy(o.raw, done * P * es(t), o.raw, 0);
        }
        break;
      case Kind::kColumn: {
        // The column's values, a block of each (vbrcb), each block over its row of nb blocks:
        // per group of 8 blocks one vcopy of one repeat per row (source strides: 0 within the
        // repeat, one block per repeat), the mask keeping the group's blocks.
        tile_body.push_back(op("copy_gm_to_ub_pad." + sfx, {tile(o.col), gm(name, at)},
                               {field("burst_bytes", grid.rows_value(es(t)))}));
        tile_body.push_back(
            op("vbrcb." + sfx, {tile(o.blk), tile(o.col)}, {field("repeat", ceil_div(rc, 8))}));
        tile_body.push_back(
            op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
        const int64_t nb = P * es(t) / 32, per_block = 32 / es(t);
        for (int64_t j = 0; j < ceil_div(nb, 8); ++j) {
          auto [hi, lo] = first_lanes(std::min<int64_t>(8, nb - 8 * j) * per_block);
          tile_body.push_back(op("set_mask", {imm(hi), imm(lo)}, {}));
          for (int64_t h = 0; h < ceil_div(rc, kMaxRepeat); ++h)
            tile_body.push_back(op(
                "vcopy." + sfx,
                {tile(o.raw, (h * kMaxRepeat * nb + 8 * j) * 32), tile(o.blk, h * kMaxRepeat * 32)},
                {field("repeat", std::min(kMaxRepeat, rc - h * kMaxRepeat)),
                 field("dst_rep_stride", nb), field("src0_blk_stride", 0),
                 field("src0_rep_stride", 1)}));
        }
        tile_body.push_back(op("set_mask_mode", {},
                               {field("mode", static_cast<int64_t>(isa::MaskMode::kCounter))}));
        break;
      }
      case Kind::kConstant:
        tile_body.push_back(op("copy_gm_to_ub_pad." + sfx, {tile(o.col), gm(name, at)},
                               {field("burst_bytes", es(t))}));
        tile_body.push_back(op("vbrcb." + sfx, {tile(o.blk), tile(o.col)}, {field("repeat", 1)}));
        v.set_count(constant(rc * P));
        v.repeat_block(o.raw, o.blk);
        break;
    }
  }
  v.set_count(grid.rows_value(P));
  for (const BroadcastOperand& o : ins)
    if (o.body != o.raw) v.convert(o.body, o.raw);
  const std::string out_raw = spec.output.name + "_ub";
  const std::string out_body =
      spec.output.dtype == spec.compute ? out_raw : spec.output.name + "_c";
  v.binary(spec.mnemonic, out_body, ins[0].body, ins[1].body);
  if (out_body != out_raw) v.convert(out_raw, out_body);
  tile_body.push_back(
      op("copy_ub_to_gm_pad",
         {gm(spec.output.name, address(out_strides, L, 1, spec.output.dtype)), tile(out_raw)},
         row_fields(spec.output.dtype, L)));

  OpKernel r;
  Kernel& kern = r.kernel;
  kern.name = spec.kernel_name;
  kern.cores = CoreSelect::kAiv;
  int64_t total = 1;
  for (int64_t x : d) total *= x;
  for (const BroadcastOperand& o : ins) {
    kern.args.push_back({o.tensor->name, isa::ArgKind::kGmPointer,
                         static_cast<uint64_t>(o.elements * es(o.tensor->dtype))});
    r.tensors.push_back({.name = o.tensor->name,
                         .dtype = o.tensor->dtype,
                         .elements = static_cast<uint64_t>(o.elements),
                         .low = o.tensor->low,
                         .high = o.tensor->high});
  }
  kern.args.push_back({spec.output.name, isa::ArgKind::kGmPointer,
                       static_cast<uint64_t>(total * es(spec.output.dtype))});
  r.tensors.push_back({.name = spec.output.name,
                       .dtype = spec.output.dtype,
                       .elements = static_cast<uint64_t>(total),
                       .output = true});
  kern.tiles = tiles.list;
  kern.body.push_back(
      op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kCounter))}));
  kern.body.push_back(grid.loops(std::move(tile_body)));
  r.block_dim = vector_block_dim(chip, std::min(workers, grid.panels()));
  return r;
}

}  // namespace npu::compiler
