// The elementwise streaming scheme (see vector_stream.h).
#include "compiler/ops/elementwise/vector_stream.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/ir/ir_builder.h"
#include "numerics/convert.h"

namespace npu::compiler {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

namespace {

std::string suffix(isa::DataType t) { return std::string(isa::name(t)); }
int64_t es(isa::DataType t) { return isa::element_size(t); }

// Tiles are whole multiples of this many elements: 256 B or more for every type.
constexpr int64_t kTileQuantum = 256;
// Every tile has this many elements of room past its T: the race checker (and bounds check)
// charges a vector instruction the whole span of its last repeat, active lanes or not, and the
// replicating copies start mid-tile.
constexpr int64_t kTileSlack = 256;

struct Layout {
  std::vector<std::string> raw_in, body_in;
  std::string raw_out, body_out;
  std::map<std::string, isa::DataType> types;
  std::vector<std::pair<std::string, bool>> tiles;  // (name, double buffered): T elements each
  std::vector<std::pair<std::string, int64_t>> fixed;  // (name, bytes): broadcast sources
  int64_t bytes_per_element = 0;  // UB bytes per tile element over the T-element tiles
  int64_t fixed_bytes = 0;
};

Layout layout(const StreamSpec& spec) {
  Layout l;
  auto add = [&](const std::string& name, isa::DataType t, bool twice) {
    l.types[name] = t;
    l.tiles.emplace_back(name, twice);
    l.bytes_per_element += es(t) * (twice ? 2 : 1);
  };
  auto add_fixed = [&](const std::string& name, isa::DataType t, int64_t bytes) {
    l.types[name] = t;
    l.fixed.emplace_back(name, bytes);
    l.fixed_bytes += bytes;
  };
  for (const StreamTensor& in : spec.inputs) {
    std::string raw = in.name + "_ub";
    if (in.period > 0) {
      add_fixed(in.name + "_row", in.dtype, round_up(in.period * es(in.dtype), 256));
      if (in.period == 1) add_fixed(in.name + "_blk", in.dtype, 256);
      raw = in.name + "_rep";
    }
    add(raw, in.dtype, in.period == 0);
    l.raw_in.push_back(raw);
    if (spec.compute && *spec.compute != in.dtype) {
      add(in.name + "_c", *spec.compute, false);
      l.body_in.push_back(in.name + "_c");
    } else {
      l.body_in.push_back(raw);
    }
  }
  if (!spec.emit) {  // a plain copy: GM -> UB -> GM through the input's tile
    NPU_CHECK(spec.inputs.size() == 1 && spec.inputs[0].dtype == spec.output.dtype &&
                  spec.inputs[0].period == 0 && !spec.compute,
              "a copy stream has one full input of the output's type");
    l.raw_out = l.body_out = l.raw_in[0];
    return l;
  }
  l.raw_out = spec.output.name + "_ub";
  add(l.raw_out, spec.output.dtype, true);
  l.body_out = l.raw_out;
  if (spec.compute && *spec.compute != spec.output.dtype) {
    l.body_out = spec.output.name + "_c";
    add(l.body_out, *spec.compute, false);
  }
  for (size_t i = 0; i < spec.scratch.size(); ++i)
    add("t" + std::to_string(i), spec.scratch[i], false);
  return l;
}

}  // namespace

int64_t vector_workers(const config::ChipConfig& chip) {
  int64_t cores = static_cast<int64_t>(chip.chip.cores);
  return chip.split() ? cores * static_cast<int64_t>(chip.chip.aiv_per_core) : cores;
}

uint32_t vector_block_dim(const config::ChipConfig& chip, int64_t workers) {
  int64_t per_core = chip.split() ? static_cast<int64_t>(chip.chip.aiv_per_core) : 1;
  return static_cast<uint32_t>(ceil_div(workers, per_core));
}

Affine tile_index(int64_t workers) { return var_expr("j", workers).add("c", 1); }

Stmt deal_tiles(int64_t tiles, int64_t workers, Body prologue, Body tile_body) {
  const int64_t J = ceil_div(tiles, workers);
  Body per_worker = std::move(prologue);
  if (workers * J == tiles) {
    per_worker.push_back(make_loop("j", J, false, std::move(tile_body)));
  } else {
    Body guarded;
    guarded.push_back(
        make_if(Condition{tile_index(workers), Condition::Op::kLt, tiles}, std::move(tile_body)));
    per_worker.push_back(make_loop("j", J, false, std::move(guarded)));
  }
  return make_loop("c", workers, true, std::move(per_worker));
}

int64_t float_bits(isa::DataType t, double value) {
  switch (t) {
    case isa::DataType::kF16: return numerics::double_to_fp16(value).bits;
    case isa::DataType::kBf16: return numerics::double_to_bf16(value).bits;
    case isa::DataType::kF32: return numerics::fp32_bits(numerics::double_to_fp32(value));
    default: NPU_CHECK(false, "float_bits of a non-float type");
  }
  return 0;
}

isa::DataType VectorBody::type(const std::string& tile) const {
  auto it = m_types.find(tile);
  NPU_CHECK(it != m_types.end(), "vector body uses unknown tile " + tile);
  return it->second;
}

// Every operand contiguous: repeat r of operand X starts at r * epr * es_X bytes, with
// epr = 256 / the widest element of the instruction (docs/isa.md §5.7).
void VectorBody::emit(const std::string& mnemonic, const std::vector<Operand>& tiles,
                      std::optional<int64_t> scalar_bits, std::vector<Field> extra) {
  int64_t widest = 0;
  for (const Operand& t : tiles) widest = std::max(widest, es(type(t.name)));
  int64_t epr = 256 / widest;
  static const char* kRepStride[] = {"dst_rep_stride", "src0_rep_stride", "src1_rep_stride"};
  std::vector<Operand> operands;
  std::vector<Field> fields = {field("repeat", 1)};
  for (size_t i = 0; i < tiles.size(); ++i) {
    operands.push_back(tiles[i]);
    if (i == 1 && scalar_bits) operands.push_back(imm(*scalar_bits));
    int64_t stride = epr * es(type(tiles[i].name)) / 32;
    if (stride != 8) fields.push_back(field(kRepStride[i], stride));
  }
  for (Field& f : extra) fields.push_back(std::move(f));
  m_out.push_back(op(mnemonic, std::move(operands), std::move(fields)));
}

void VectorBody::unary(const std::string& mnemonic, const std::string& dst, const std::string& src) {
  NPU_CHECK(type(dst) == type(src), mnemonic + " between tiles of different types");
  emit(mnemonic + "." + suffix(type(dst)), {tile(dst), tile(src)}, std::nullopt, {});
}

void VectorBody::binary(const std::string& mnemonic, const std::string& dst,
                        const std::string& src0, const std::string& src1) {
  NPU_CHECK(type(dst) == type(src0) && type(dst) == type(src1),
            mnemonic + " between tiles of different types");
  emit(mnemonic + "." + suffix(type(dst)), {tile(dst), tile(src0), tile(src1)}, std::nullopt, {});
}

void VectorBody::scalar(const std::string& mnemonic, const std::string& dst,
                        const std::string& src, double value) {
  NPU_CHECK(type(dst) == type(src), mnemonic + " between tiles of different types");
  const isa::DataType t = type(dst);
  NPU_CHECK(isa::is_float(t) || value == static_cast<double>(static_cast<int64_t>(value)),
            mnemonic + ": a fractional scalar for an integer tile");
  emit(mnemonic + "." + suffix(t), {tile(dst), tile(src)},
       isa::is_float(t) ? float_bits(t, value) : static_cast<int64_t>(value), {});
}

void VectorBody::convert(const std::string& dst, const std::string& src,
                         numerics::RoundingMode mode) {
  emit("vconv." + suffix(type(dst)) + "." + suffix(type(src)), {tile(dst), tile(src)},
       std::nullopt, {field("round", static_cast<int64_t>(mode))});
}

void VectorBody::repeat_block(const std::string& dst, const std::string& src) {
  NPU_CHECK(type(dst) == type(src), "repeat_block between tiles of different types");
  m_out.push_back(op("vcopy." + suffix(type(dst)), {tile(dst), tile(src)},
                     {field("repeat", 1), field("src0_blk_stride", 0),
                      field("src0_rep_stride", 0)}));
}

void VectorBody::copy(const std::string& dst, int64_t dst_offset, const std::string& src,
                      int64_t src_offset) {
  NPU_CHECK(type(dst) == type(src), "copy between tiles of different types");
  emit("vcopy." + suffix(type(dst)), {tile(dst, dst_offset), tile(src, src_offset)}, std::nullopt,
       {});
}

void VectorBody::set_count(Value elements) {
  m_out.push_back(op("set_mask", {imm(0), imm(std::move(elements))}, {}));
}

namespace {

// How the elements are cut into tiles. Flat: T contiguous elements per tile. Padded rows (a
// broadcast row whose bytes are not a multiple of 32): each tile holds `rows` GM rows of
// `row` elements, each UB row padded to `pitch` elements so that every row starts 32-byte
// aligned in every tile type; the vector work covers the padding too (harmless lanes).
struct Geometry {
  int64_t row = 0;     // 0: flat
  int64_t pitch = 0;   // padded rows: UB elements per row
  int64_t rows = 0;    // padded rows: rows per tile
  int64_t T = 0;       // UB elements per tile
  int64_t NT = 0;      // tiles
  int64_t tail = 0;    // flat: elements of the last tile; padded rows: its rows
};

// The tiling, or nullopt with `*too_big` set to the elements of the smallest tile the UB cannot
// hold.
std::optional<Geometry> try_geometry(const StreamSpec& spec, const config::ChipConfig& chip,
                                     int64_t* too_big) {
  Layout l = layout(spec);
  const int64_t ub = static_cast<int64_t>(buffer_bytes(chip, isa::Buffer::kUb));
  const int64_t avail = std::max<int64_t>(0, ub - l.fixed_bytes - kTileSlack * l.bytes_per_element);
  const int64_t workers = vector_workers(chip);
  int64_t period = 1, smallest = 4;
  for (const auto& [name, t] : l.types) smallest = std::min(smallest, es(t));
  bool padded = false;
  for (const StreamTensor& in : spec.inputs)
    if (in.period > 1) {
      period = in.period;
      padded = in.period * es(in.dtype) % 32 != 0;
    }
  Geometry g;
  if (padded) {
    constexpr int64_t kMaxRows = 4095;  // nburst of the padded copies
    g.row = period;
    g.pitch = round_up(period, 32 / smallest);
    const int64_t total_rows = spec.elements / period;
    g.rows = std::min({avail / (l.bytes_per_element * g.pitch), kMaxRows,
                       ceil_div(total_rows, workers)});
    if (g.rows < 1) {
      *too_big = g.pitch;
      return std::nullopt;
    }
    g.T = g.rows * g.pitch;
    g.NT = ceil_div(total_rows, g.rows);
    g.tail = total_rows - (g.NT - 1) * g.rows;
    return g;
  }
  // A tile is whole broadcast rows, so that every tile starts a row afresh.
  const int64_t quantum = period > 1 ? period : kTileQuantum;
  const int64_t most = avail / l.bytes_per_element / quantum * quantum;
  if (most < quantum) {
    *too_big = quantum;
    return std::nullopt;
  }
  // Spread small tensors over every worker rather than filling one UB.
  g.T = std::min(most, round_up(ceil_div(spec.elements, workers), quantum));
  g.NT = ceil_div(spec.elements, g.T);
  g.tail = spec.elements - (g.NT - 1) * g.T;
  return g;
}

Geometry geometry(const StreamSpec& spec, const config::ChipConfig& chip) {
  int64_t elements = 0;
  if (std::optional<Geometry> g = try_geometry(spec, chip, &elements)) return *g;
  const Layout l = layout(spec);
  throw UserError(spec.kernel_name + ": the UB of chip '" + chip.name + "' (" +
                  std::to_string(buffer_bytes(chip, isa::Buffer::kUb)) +
                  " B) cannot hold one tile of " + std::to_string(elements) + " elements (" +
                  std::to_string(l.fixed_bytes + l.bytes_per_element * (elements + kTileSlack)) +
                  " B)");
}

}  // namespace

bool stream_fits(const StreamSpec& spec, const config::ChipConfig& chip) {
  int64_t elements = 0;
  return try_geometry(spec, chip, &elements).has_value();
}

int64_t stream_tile_elements(const StreamSpec& spec, const config::ChipConfig& chip) {
  return geometry(spec, chip).T;
}

OpKernel build_stream(const StreamSpec& spec, const config::ChipConfig& chip) {
  NPU_CHECK(spec.elements >= 1, "stream of no elements");
  if (!chip.paths.gm_to_ub.enabled || !chip.paths.ub_to_gm.enabled)
    throw UserError("chip '" + chip.name + "' has no GM -> UB -> GM path for vector work");
  Layout l = layout(spec);
  const Geometry geo = geometry(spec, chip);
  const int64_t T = geo.T, NT = geo.NT;
  const int64_t W = std::min(vector_workers(chip), NT);
  // GM elements per tile, and the padded-row copy fields.
  const int64_t gm_tile = geo.row ? geo.rows * geo.row : T;

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = spec.kernel_name;
  k.cores = CoreSelect::kAiv;
  for (const StreamTensor& t : spec.inputs)
    k.args.push_back({t.name, isa::ArgKind::kGmPointer,
                      static_cast<uint64_t>((t.period > 0 ? t.period : spec.elements) * es(t.dtype))});
  k.args.push_back({spec.output.name, isa::ArgKind::kGmPointer,
                    static_cast<uint64_t>(spec.elements * es(spec.output.dtype))});
  for (const auto& [name, twice] : l.tiles)
    k.tiles.push_back({name, isa::Buffer::kUb, static_cast<uint64_t>((T + kTileSlack) * es(l.types[name])), twice,
                       {}, {}});
  for (const auto& [name, size] : l.fixed)
    k.tiles.push_back({name, isa::Buffer::kUb, static_cast<uint64_t>(size), false, {}, {}});

  // Tile index t = W*j + c; the last one (t == NT - 1) may be ragged.
  Affine index = tile_index(W);
  // Per tile: its UB element count and the fields of its GM <-> UB copies.
  const int64_t full_units = geo.row ? geo.rows : T;
  Value units = constant(full_units);
  if (geo.tail != full_units)
    units = Value{geo.tail, Condition{index, Condition::Op::kEq, NT - 1}, full_units};
  auto scaled = [](Value v, int64_t f) {
    v.value *= f;
    v.other *= f;
    return v;
  };
  Value count = geo.row ? scaled(units, geo.pitch) : units;
  auto copy_fields = [&](isa::DataType t) {
    if (!geo.row) return std::vector<Field>{field("burst_bytes", scaled(units, es(t)))};
    // UB rows `pitch` elements apart whatever the type.
    return std::vector<Field>{field("nburst", units), field("burst_bytes", geo.row * es(t)),
                              field("local_gap", (geo.pitch * es(t) - round_up(geo.row * es(t), 32)) / 32)};
  };
  auto address = [&](isa::DataType t) {
    return var_expr("j", W * gm_tile * es(t)).add("c", gm_tile * es(t));
  };

  // Once per worker: each broadcast input is loaded and replicated over a whole tile.
  Body prologue;
  VectorBody setup(prologue, l.types);
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const StreamTensor& in = spec.inputs[i];
    if (in.period == 0) continue;
    const std::string row = in.name + "_row", rep = l.raw_in[i];
    prologue.push_back(op("copy_gm_to_ub_pad." + suffix(in.dtype), {tile(row), gm(in.name, {})},
                          {field("burst_bytes", in.period * es(in.dtype))}));
    if (in.period == 1) {
      const std::string blk = in.name + "_blk";
      prologue.push_back(op("vbrcb." + suffix(in.dtype), {tile(blk), tile(row)},
                            {field("repeat", 1)}));
      setup.set_count(constant(T));
      setup.repeat_block(rep, blk);
    } else {
      // The row, then doubling copies: in padded rows each copy of the row is `pitch` long.
      const int64_t unit = geo.row ? geo.pitch : in.period;
      setup.set_count(constant(unit));
      setup.copy(rep, 0, row, 0);
      for (int64_t done = unit; done < T; done *= 2) {
        setup.set_count(constant(std::min(done, T - done)));
        setup.copy(rep, done * es(in.dtype), rep, 0);
      }
    }
    if (l.body_in[i] != rep) {
      setup.set_count(constant(T));
      setup.convert(l.body_in[i], rep);
    }
  }

  Body tile_body;
  if (spec.emit) tile_body.push_back(op("set_mask", {imm(0), imm(count)}, {}));
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const StreamTensor& in = spec.inputs[i];
    if (in.period > 0) continue;
    tile_body.push_back(op("copy_gm_to_ub_pad." + suffix(in.dtype),
                           {tile(l.raw_in[i]), gm(in.name, address(in.dtype))},
                           copy_fields(in.dtype)));
  }
  VectorBody body(tile_body, l.types);
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    if (spec.inputs[i].period == 0 && l.body_in[i] != l.raw_in[i])
      body.convert(l.body_in[i], l.raw_in[i]);
  if (spec.emit) spec.emit(body, l.body_in, l.body_out);
  if (l.body_out != l.raw_out) body.convert(l.raw_out, l.body_out);
  tile_body.push_back(op("copy_ub_to_gm_pad",
                         {gm(spec.output.name, address(spec.output.dtype)), tile(l.raw_out)},
                         copy_fields(spec.output.dtype)));

  if (spec.emit)
    k.body.push_back(
        op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kCounter))}));
  k.body.push_back(deal_tiles(NT, W, std::move(prologue), std::move(tile_body)));

  for (const StreamTensor& t : spec.inputs)
    r.tensors.push_back({.name = t.name,
                         .dtype = t.dtype,
                         .elements = static_cast<uint64_t>(t.period > 0 ? t.period : spec.elements),
                         .low = t.low,
                         .high = t.high});
  r.tensors.push_back({.name = spec.output.name,
                       .dtype = spec.output.dtype,
                       .elements = static_cast<uint64_t>(spec.elements),
                       .output = true});
  r.block_dim = vector_block_dim(chip, W);
  return r;
}

}  // namespace npu::compiler
