// The conv2d generator: a 2-D convolution as img2col on load3d and the cube, any batch, size,
// stride, padding, dilation and group count (depthwise included), fp16 (fp32 accumulation,
// fp16 or fp32 out) or int8 (int32 out).
//
// GM layouts (docs/ops.md): input and output NHWC (default) or NCHW, weights pre-packed in the
// cube's FRACTAL_Z layout (the real toolchain's TransData pre-pass; see docs/ops.md for the
// formula), an optional bias of k 32-bit values (compiler/ops/cube_bias.h: the bias table, or a
// vector add in UB on 910-class cores). NCHW runs the NHWC kernel below between two layout
// phases on the vector cores (add_nchw_phases of nchw_phases.h, GM permutes):
// input NCHW -> NHWC workspace, sync_all, the convolution into an NHWC workspace, sync_all,
// workspace -> output NCHW.
// One `pfor` over output tiles (image or group of images, group, band of whole output rows,
// block of output channels). The band's input rows go GM -> L1 with ND -> NZ, which turns NHWC
// into the C1HWC0 feature map load3d reads (channels past the group's zero-filled);
// set_fmatrix gives the band's height and the padding it still needs at its top / bottom. A
// `for` over K steps (double buffered) does img2col (load3d) into L0A, weights into L0B (GM ->
// L0B, or L1 -> L0B when every tile uses the same weights and they were copied to L1 once) and
// mmad; the tile leaves L0C through the fixpipe (to GM, or via UB on 910-class cores). A K
// step is either kt columns of a slab of all channels loaded once per tile ("resident", the
// img2col k_start steps with the loop), whole channel blocks whose slab piece is loaded with
// the step ("streamed", double buffered), or kt columns of the current one of the slab's pieces
// of channel blocks, which alternate between two L1 tiles, each piece's K steps loading the
// next piece copy by copy ("pieces"; a step's img2col in kt / mmad_k load3d / mmad pairs).
// Small maps stack several images in one feature map, zero gap rows apart, so one load3d covers
// them and M is padded to 16 once per tile. Bands whose slab or padding differ (first, last) get
// their own guarded slab load and set_fmatrix; everything else is shared, with select() on the
// last band / channel block / K step. The choice of all of this is the cost model's
// (conv_tiling.h).
#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/conv/conv2d_tilings.h"
#include "compiler/ops/conv/conv_tiling.h"
#include "compiler/ops/conv/nchw_phases.h"
#include "compiler/ops/cube_bias.h"
#include "compiler/ops/ops.h"
#include "compiler/passes/double_buffering.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

// The spec keys that force parts of the tiling.
constexpr const char* kTilingKeys[] = {"tile_rows", "tile_images", "tile_n",     "tile_k",
                                       "slab",      "slab_blocks", "weights"};

// The op spec, checked.
struct ConvSpec {
  int64_t n = 1, c = 1, h = 1, w = 1, k = 1, r = 1, s = 1;
  int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
  bool int8 = false;
  bool nchw = false;  // layout=nchw (else NHWC) for the input and the output in GM
  bool bias = false;  // bias=1: a per-output-channel bias input
  isa::DataType in_type = isa::DataType::kF16, out_type = isa::DataType::kF16;
  ConvShape shape;
  ConvForce force;  // tile_rows, tile_images, tile_n, tile_k, slab, slab_blocks, weights
};

// layout=nchw: the N x C x H*W input and N x K x Ho*Wo output around the NHWC kernel.
NchwTensors nchw_tensors(const ConvSpec& p, const ConvShape& sh) {
  return {p.n, p.c, p.h * p.w, p.k, sh.out_height() * sh.out_width(), p.in_type, p.out_type, "k"};
}

// The forced tiling keys, each checked against the values a tiling of this shape can take
// (whether the buffers hold the result is the cost model's to say).
ConvForce parse_conv_force(const OpSpec& spec, const ConvShape& sh) {
  ConvForce f;
  const int64_t ho = sh.out_height(), c0 = sh.c0(), per_block = sh.filter_h * sh.filter_w * c0;
  f.rows = spec.get_int("tile_rows", 1, ho, 0);
  f.images = spec.get_int("tile_images", 1, sh.batch, 0);
  if (f.images && sh.batch % f.images != 0)
    spec.fail_at("tile_images", "tile_images = " + std::to_string(f.images) +
                                    " does not divide n = " + std::to_string(sh.batch));
  if (f.images > 1 && f.rows && f.rows != ho)
    spec.fail_at("tile_images", "tile_images > 1 folds whole output maps: it needs tile_rows = " +
                                    std::to_string(ho) + " (the output height)");
  const int64_t n_most = std::min<int64_t>(ir::round_up(sh.group_out_channels, 16), 256);
  f.nt = spec.get_int("tile_n", 16, n_most, 0);
  if (f.nt % 16 != 0)
    spec.fail_at("tile_n", "tile_n = " + std::to_string(f.nt) + " is not a multiple of 16");
  f.kt = spec.get_int("tile_k", c0, ir::round_up(sh.reduction(), c0), 0);
  if (f.kt % c0 != 0)
    spec.fail_at("tile_k", "tile_k = " + std::to_string(f.kt) + " is not a multiple of C0 = " +
                               std::to_string(c0) + " (channels per 32 bytes)");
  const std::string slab =
      spec.get_enum("slab", {"auto", "streamed", "resident", "double", "pieces"}, "auto");
  f.slab = slab == "streamed"   ? SlabMode::kStreamed
           : slab == "resident" ? SlabMode::kResident
           : slab == "double"   ? SlabMode::kDouble
           : slab == "pieces"   ? SlabMode::kPieces
                                : SlabMode::kAny;
  f.blocks = spec.get_int("slab_blocks", 1, sh.channel_blocks(), 0);
  if (f.blocks && f.slab != SlabMode::kPieces)
    spec.fail_at("slab_blocks", "slab_blocks sets the channel blocks of a slab piece: it needs "
                                "slab=pieces");
  if (f.slab == SlabMode::kStreamed && f.kt % per_block != 0)
    spec.fail_at("tile_k", "slab=streamed steps whole channel blocks: tile_k must be a multiple "
                           "of r x s x C0 = " + std::to_string(per_block));
  const std::string weights = spec.get_enum("weights", {"auto", "gm", "l1"}, "auto");
  f.weights = weights == "gm" ? WeightsMode::kGm
              : weights == "l1" ? WeightsMode::kL1
                                : WeightsMode::kAny;
  if (f.slab == SlabMode::kPieces && f.weights == WeightsMode::kL1)
    spec.fail_at("weights", "slab=pieces takes the weights from GM (weights=gm): L1 holds the "
                            "two slab pieces");
  return f;
}

ConvSpec parse_conv(const OpSpec& spec) {
  ConvSpec p;
  p.n = spec.get_int("n", 1, 65535);
  p.c = spec.get_int("c", 1, 65535);
  p.h = spec.get_int("h", 1, 65535);
  p.w = spec.get_int("w", 1, 65535);
  p.k = spec.get_int("k", 1, 65535);
  p.r = spec.get_int("r", 1, 255);
  p.s = spec.get_int("s", 1, 255);
  const int64_t stride = spec.get_int("stride", 1, 63, 1);
  p.stride_h = spec.get_int("stride_h", 1, 63, stride);
  p.stride_w = spec.get_int("stride_w", 1, 63, stride);
  const int64_t pad = spec.get_int("pad", 0, 255, 0);
  p.pad_h = spec.get_int("pad_h", 0, 255, pad);
  p.pad_w = spec.get_int("pad_w", 0, 255, pad);
  const int64_t dilation = spec.get_int("dilation", 1, 255, 1);
  p.dilation_h = spec.get_int("dilation_h", 1, 255, dilation);
  p.dilation_w = spec.get_int("dilation_w", 1, 255, dilation);
  p.groups = spec.get_int("groups", 1, 65535, 1);
  p.nchw = spec.get_enum("layout", {"nhwc", "nchw"}, "nhwc") == "nchw";
  std::string dtype = spec.get_enum("dtype", {"fp16", "int8"}, "");
  p.int8 = dtype == "int8";
  p.bias = spec.get_int("bias", 0, 1, 0) == 1;
  std::string out = spec.get_enum(
      "out_dtype",
      p.int8 ? std::vector<std::string>{"int32"} : std::vector<std::string>{"fp16", "fp32"},
      p.int8 ? "int32" : "fp16");
  p.in_type = p.int8 ? isa::DataType::kS8 : isa::DataType::kF16;
  p.out_type = p.int8          ? isa::DataType::kS32
               : out == "fp32" ? isa::DataType::kF32
                               : isa::DataType::kF16;
  if (p.c % p.groups != 0)
    spec.fail_at("groups", "groups = " + std::to_string(p.groups) +
                               " does not divide c = " + std::to_string(p.c));
  if (p.k % p.groups != 0)
    spec.fail_at("groups", "groups = " + std::to_string(p.groups) +
                               " does not divide k = " + std::to_string(p.k));
  ConvShape& sh = p.shape;
  sh.batch = p.n;
  sh.height = p.h;
  sh.width = p.w;
  sh.group_channels = p.c / p.groups;
  sh.group_out_channels = p.k / p.groups;
  sh.groups = p.groups;
  sh.filter_h = p.r;
  sh.filter_w = p.s;
  sh.stride_h = p.stride_h;
  sh.stride_w = p.stride_w;
  sh.dilation_h = p.dilation_h;
  sh.dilation_w = p.dilation_w;
  sh.pad_top = sh.pad_bottom = p.pad_h;
  sh.pad_left = sh.pad_right = p.pad_w;
  sh.in_bytes = isa::element_size(p.in_type);
  sh.out_bytes = isa::element_size(p.out_type);
  sh.bias = p.bias;
  if (sh.out_height() < 1 || sh.out_width() < 1)
    spec.fail_at("r", "the filter (" + std::to_string(p.r) + " x " + std::to_string(p.s) +
                          ", dilation " + std::to_string(p.dilation_h) + " x " +
                          std::to_string(p.dilation_w) + ") does not fit the padded input (" +
                          std::to_string(p.h + 2 * p.pad_h) + " x " +
                          std::to_string(p.w + 2 * p.pad_w) + ")");
  // A window entirely in the padding would need a band with no input rows.
  if (p.pad_h > (p.r - 1) * p.dilation_h || p.pad_w > (p.s - 1) * p.dilation_w)
    spec.fail_at("pad", "padding (" + std::to_string(p.pad_h) + " x " + std::to_string(p.pad_w) +
                            ") must be smaller than the dilated filter (" +
                            std::to_string((p.r - 1) * p.dilation_h + 1) + " x " +
                            std::to_string((p.s - 1) * p.dilation_w + 1) + ")");
  if (p.nchw) check_nchw_layout(spec, nchw_tensors(p, sh));
  if (sh.reduction() > 65535 - sh.c0())
    spec.fail_at("c", "the img2col matrix has " + std::to_string(sh.reduction()) +
                          " columns per group (c / groups x r x s, channels rounded up to " +
                          std::to_string(sh.c0()) + "); load3d addresses at most 65504");
  p.force = parse_conv_force(spec, sh);
  return p;
}

// The geometry of one band of output rows: the input rows it loads and the padding load3d
// adds around them. Bands with equal geometry share one variant of the slab load.
struct Band {
  int64_t slab_rows = 0;  // input rows loaded (the band's window clipped to the map)
  int64_t pad_top = 0, pad_bottom = 0;
  bool operator==(const Band& o) const {
    return slab_rows == o.slab_rows && pad_top == o.pad_top && pad_bottom == o.pad_bottom;
  }
};

Band band_geometry(const ConvShape& s, int64_t band, int64_t rows_per_band) {
  const int64_t ho = s.out_height();
  const int64_t rows = std::min(rows_per_band, ho - band * rows_per_band);
  const int64_t top = band * rows_per_band * s.stride_h - s.pad_top;  // virtual first input row
  const int64_t end = top + s.window_rows(rows);
  Band b;
  const int64_t first = std::max<int64_t>(0, top), last = std::min(s.height, end);
  b.slab_rows = last - first;
  b.pad_top = first - top;
  b.pad_bottom = end - last;
  return b;
}

// `lo <= var < hi` as nested guards (none when the range is every value of var in 0..count-1).
Body guarded_range(const std::string& var, int64_t lo, int64_t hi, int64_t count, Body body) {
  if (hi < count) {
    Condition below{var_expr(var), Condition::Op::kLt, hi};
    if (hi == lo + 1) below = Condition{var_expr(var), Condition::Op::kEq, lo};
    Body inner;
    add_guarded(inner, below, std::move(body));
    body = std::move(inner);
    if (hi == lo + 1) return body;
  }
  if (lo > 0) {
    Body outer;
    // var >= lo  <=>  -var < 1 - lo
    add_guarded(outer, Condition{var_expr(var, -1), Condition::Op::kLt, 1 - lo}, std::move(body));
    body = std::move(outer);
  }
  return body;
}

OpKernel build_conv2d(const OpSpec& spec, const config::ChipConfig& chip) {
  const ConvSpec p = parse_conv(spec);
  const ConvShape& sh = p.shape;
  const config::CubeShape& cube = p.int8 ? chip.cube.int8 : chip.cube.fp16;
  if (!cube.enabled)
    throw UserError("chip '" + chip.name + "' has no " + std::string(p.int8 ? "int8" : "fp16") +
                    " cube (cube." + (p.int8 ? "int8" : "fp16") + ".enabled is false)");
  const bool via_ub = !chip.paths.l0c_to_gm.enabled;
  if (via_ub && (!chip.paths.l0c_to_ub.enabled || !chip.paths.ub_to_gm.enabled))
    throw UserError("chip '" + chip.name +
                    "' has neither an L0C -> GM nor an L0C -> UB -> GM path");
  if (!chip.paths.gm_to_l0b.enabled)
    throw UserError("chip '" + chip.name + "' has no GM -> L0B path for the conv2d weights");
  const bool bias_table = p.bias && cube_bias_uses_table(chip, via_ub);
  const ConvTilingRanking ranking = rank_conv_tilings(sh, via_ub, chip, p.force);
  if (ranking.ranked.empty()) {
    if (!p.force.any())
      throw UserError("conv2d does not fit the buffers of chip '" + chip.name +
                      "': " + ranking.reason);
    // Point at the key the reason concerns, else at the first forced one.
    std::string key = ranking.reason_key, forced;
    for (const char* k : kTilingKeys) {
      if (!spec.has(k)) continue;
      forced += std::string(forced.empty() ? "" : " ") + k + "=" + spec.values.at(k);
      if (!spec.has(key)) key = k;
    }
    spec.fail_at(key, "no conv2d tiling with " + forced + " fits chip '" + chip.name +
                          "': " + ranking.reason);
  }
  const ConvTiling& t = ranking.ranked.front();

  const int64_t es = sh.in_bytes, eo = sh.out_bytes, c0 = sh.c0();
  const int64_t ho = sh.out_height(), wo = sh.out_width();
  const int64_t cg = sh.group_channels, kg = sh.group_out_channels, c1 = sh.channel_blocks();
  const int64_t kred = sh.reduction(), k1g = kred / c0, n1g = ceil_div(kg, 16);
  const int64_t rows = t.rows, nt = t.nt, kt = t.kt, taps = p.r * p.s, IB = t.images;
  // K steps: streamed = `blocks` channel blocks each, resident = kt columns each.
  const int64_t KK = t.streamed ? ceil_div(c1, t.blocks) : ceil_div(kred, kt);
  const int64_t blocks_tail = c1 - (KK - 1) * t.blocks;  // streamed: blocks of the last step
  const int64_t k_tail = t.streamed ? blocks_tail * taps * c0 : kred - (KK - 1) * kt;
  const int64_t TH = ceil_div(ho, rows), TN = ceil_div(kg, nt);
  const int64_t row_tail = ho - (TH - 1) * rows, n_tail = kg - (TN - 1) * nt;
  // img2col rows of a tile; stacked images' output rows start every `m_img` rows.
  const int64_t m_ext = conv_tile_m(sh, rows, IB);
  const int64_t m_img = sh.stacked_row_period() * wo;
  const int64_t n1 = nt / 16, n1_tail = ceil_div(n_tail, 16);
  const int64_t slab_bytes =
      conv_tile_slab_bytes(sh, rows, IB, t.streamed || t.slab_pieces ? t.blocks : c1);
  // Pieces: piece i holds channel blocks [i * blocks, i * blocks + piece_blocks(i)).
  const int64_t pieces = t.slab_pieces ? ceil_div(c1, t.blocks) : 1;
  const auto piece_blocks = [&](int64_t i) { return std::min(t.blocks, c1 - i * t.blocks); };
  const auto piece_tile = [](int64_t i) {
    return std::string(i % 2 == 0 ? "fmap_l1_a" : "fmap_l1_b");
  };
  // Stacked images: image i's input rows start at row i * (h + gap) of the feature map, and
  // when there is padding the gap rows between images are zeros (from a zeroed workspace).
  const int64_t gap = sh.stack_gap(), fmap_rows = IB > 1 ? sh.stacked_rows(IB) : 0;
  const bool zero_gaps = IB > 1 && (sh.pad_top > 0 || sh.pad_bottom > 0);
  const int64_t tiles = p.n / IB * p.groups * TH * TN;
  const int64_t block_dim = std::min<int64_t>(tiles, static_cast<int64_t>(chip.chip.cores));
  const std::string in_sfx = p.int8 ? "s8" : "f16";
  const std::string out_sfx = p.out_type == isa::DataType::kS32   ? "s32"
                              : p.out_type == isa::DataType::kF32 ? "f32"
                                                                  : "f16";
  const std::string acc_sfx = p.int8 ? "s32" : "f32";
  const int64_t weight_elems = p.groups * k1g * n1g * 16 * c0;
  // The convolution reads x and writes y NHWC: the arguments, or NCHW's workspaces.
  const std::string x_arg = p.nchw ? "x_nhwc" : "x", y_arg = p.nchw ? "y_nhwc" : "y";

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = "conv2d";
  k.cores = CoreSelect::kAic;
  const auto u64 = [](int64_t v) { return static_cast<uint64_t>(v); };
  const uint64_t x_bytes = u64(p.n * p.h * p.w * p.c * es), y_bytes = u64(p.n * ho * wo * p.k * eo);
  k.args = {{"x", isa::ArgKind::kGmPointer, x_bytes},
            {"wgt", isa::ArgKind::kGmPointer, u64(weight_elems * es)}};
  if (p.bias) k.args.push_back({"bias", isa::ArgKind::kGmPointer, u64(p.k * 4)});
  k.args.push_back({"y", isa::ArgKind::kGmPointer, y_bytes});
  if (p.nchw) {
    k.args.push_back({"x_nhwc", isa::ArgKind::kGmPointer, x_bytes});
    k.args.push_back({"y_nhwc", isa::ArgKind::kGmPointer, y_bytes});
  }
  // The zeros of a gap: gap x w pixels of cg channels.
  const int64_t zero_bytes = gap * p.w * cg * es;
  if (zero_gaps) k.args.push_back({"gap_zeros", isa::ArgKind::kGmPointer, u64(zero_bytes)});
  const bool slab_slots = t.streamed || t.slab_double || t.slab_pieces;
  // A double resident slab is two tiles (prefetch_by_two below), and so are the pieces (piece
  // i in fmap_l1_a when i is even, else fmap_l1_b); a streamed one is a double tile.
  if (t.slab_double || t.slab_pieces)
    for (const char* name : {"fmap_l1_a", "fmap_l1_b"})
      k.tiles.push_back({name, isa::Buffer::kL1, u64(slab_bytes), false, {}, {}});
  else
    k.tiles.push_back({"fmap_l1", isa::Buffer::kL1, u64(slab_bytes), t.streamed, {}, {}});
  // img2col columns of one load3d / mmad: a K step's, or with pieces a pair's.
  const int64_t ka = t.slab_pieces ? t.mmad_k : kt;
  k.tiles.insert(k.tiles.end(), {
             {"a_l0", isa::Buffer::kL0a, u64(m_ext * ka * es), true, {}, {}},
             {"b_l0", isa::Buffer::kL0b, u64(kt * nt * es), true, {}, {}},
             {"c_l0c", isa::Buffer::kL0c, u64(m_ext * nt * 4), false, {}, {}}});
  if (via_ub) k.tiles.push_back({"c_ub", isa::Buffer::kUb, u64(m_ext * nt * eo), false, {}, {}});
  if (p.bias) add_cube_bias_tiles(k, bias_table, m_ext, nt, eo);
  // Weights in L1: all of them when every tile uses them all (TN == 1); otherwise (a double
  // slab) each core's block of output channels. With a double slab they come in two pieces of
  // K steps, w_l1_0 and w_l1_1, loaded by each core in its first pair of tiles right after
  // its first slab (prefetch_by_two's first_pair), so its first K steps wait for the slab and
  // the first piece only; the K loop is split the same way.
  const bool core_weights = t.weights_in_l1 && TN > 1;
  const int64_t n1w = core_weights ? n1 : n1g;  // fractal columns of w_l1
  const int64_t step_k1 = kt / c0;                // fractal rows of a K step
  std::vector<std::pair<int64_t, int64_t>> w_pieces = {{0, KK}};  // K steps [lo, hi) per piece
  if (t.weights_in_l1 && t.slab_double && KK > 1) {
    const int64_t half = std::min(round_up(ceil_div(KK, 2), 2), KK - 1);
    w_pieces = {{0, half}, {half, KK}};
  }
  const auto w_tile = [&](size_t i) {
    return w_pieces.size() == 1 ? std::string("w_l1") : "w_l1_" + std::to_string(i);
  };
  Body first_pair;
  if (t.weights_in_l1) {
    for (size_t i = 0; i < w_pieces.size(); ++i) {
      const int64_t k1_lo = w_pieces[i].first * step_k1,
                    k1_hi = std::min(w_pieces[i].second * step_k1, k1g);
      Tile w;
      w.name = w_tile(i);
      w.buffer = isa::Buffer::kL1;
      w.bytes = u64((k1_hi - k1_lo) * n1w * 512);
      w.apart = w_pieces.size() > 1;  // each piece's readers wait for that piece only
      k.tiles.push_back(w);
      Affine from = core_weights ? var_expr("tn", n1 * 512) : Affine{};
      from.constant = k1_lo * n1g * 512;
      (t.slab_double ? first_pair : k.body)
          .push_back(op("copy_gm_to_l1", {tile(w_tile(i)), gm("wgt", from)},
                        {field("nburst", k1_hi - k1_lo), field("burst_len", n1w * 16),
                         field("src_gap", (n1g - n1w) * 16)}));
    }
  }

  Body tbody;
  tbody.push_back(make_let("tn", "t", true, TN));
  tbody.push_back(make_let("ta", "t", false, TN));
  tbody.push_back(make_let("th", "ta", true, TH));
  tbody.push_back(make_let("tb", "ta", false, TH));
  tbody.push_back(make_let("tg", "tb", true, p.groups));
  tbody.push_back(make_let("tnb", "tb", false, p.groups));
  // The tile's bias row (its channels of its group).
  const auto load_bias = [&] {
    return load_cube_bias(bias_table, cube_bias_type(p.in_type),
                          var_expr("tg", kg * 4).add("tn", nt * 4),
                          tail_select("tn", TN - 1, n_tail * 4, nt * 4), nt);
  };
  if (bias_table)
    for (Stmt& st : load_bias()) tbody.push_back(std::move(st));
  Body kbody;  // the K step (of step kk), its weights' part apart
  std::vector<std::vector<Body>> piece_copies(static_cast<size_t>(pieces));  // per piece, copy

  // The slab load (per tile when resident, per K step when streamed) and set_fmatrix (per
  // tile), one variant per run of bands with the same geometry.
  const int64_t row_bytes = p.w * p.c * es;  // one NHWC input row
  for (int64_t lo = 0; lo < TH;) {
    const Band b = band_geometry(sh, lo, rows);
    int64_t hi = lo + 1;
    while (hi < TH && band_geometry(sh, hi, rows) == b) ++hi;
    // Input row of band th: th * rows * stride - pad_top + pad_top_of_the_variant.
    Affine src = var_expr("tnb", IB * p.h * row_bytes)
                     .add("th", rows * p.stride_h * row_bytes)
                     .add("tg", cg * es);
    src.constant = (b.pad_top - sh.pad_top) * row_bytes;
    Value cols = constant(cg);
    if (t.streamed) {
      src.add("kk", t.blocks * c0 * es);
      cols = tail_select("kk", KK - 1, cg - (KK - 1) * t.blocks * c0, t.blocks * c0);
    }
    // The gap rows: with one slab slot nothing else writes them, so a core's first tile zeroes
    // them (pfor: tile i on worker i mod block_dim); with two slots (streamed, double), with
    // NCHW (whose phases may widen block_dim) or with one tile per core, every slab load does.
    const bool zero_each_slab = slab_slots || p.nchw || tiles <= block_dim;
    Body slab, gap_zeroing;
    const int64_t height = IB > 1 ? fmap_rows : b.slab_rows;  // of the feature map in L1
    // Image i's rows of `c` channels from `from` into `fmap`, and the zero gap rows after it.
    const auto image_copy = [&](const std::string& fmap, Affine from, const Value& c, int64_t i) {
      from.constant += i * p.h * row_bytes;
      const int64_t row0 = i * (p.h + gap);  // the image's first row in the feature map
      return op("copy_gm_to_l1_nd2nz." + in_sfx, {tile(fmap, row0 * p.w * 32), gm(x_arg, from)},
                {field("rows", b.slab_rows * p.w), field("cols", c),
                 field("src_row_stride", p.c), field("dst_c0_stride", height * p.w)});
    };
    const auto gap_copy = [&](const std::string& fmap, const Value& c, int64_t i) {
      const int64_t row0 = i * (p.h + gap);
      return op("copy_gm_to_l1_nd2nz." + in_sfx,
                {tile(fmap, (row0 + p.h) * p.w * 32), gm("gap_zeros", Affine{})},
                {field("rows", gap * p.w), field("cols", c), field("src_row_stride", cg),
                 field("dst_c0_stride", height * p.w)});
    };
    // Pieces: each copy its own statement (guarded to this variant's bands), so the copies of
    // piece i + 1 can be spread over piece i's K steps.
    for (int64_t piece = 0; piece < pieces && t.slab_pieces; ++piece) {
      Affine from = src;
      from.constant += piece * t.blocks * c0 * es;
      const Value c = constant(std::min(cg - piece * t.blocks * c0, t.blocks * c0));
      std::vector<Stmt> copies;
      for (int64_t i = 0; i < IB; ++i) {
        copies.push_back(image_copy(piece_tile(piece), from, c, i));
        if (zero_gaps && i + 1 < IB) copies.push_back(gap_copy(piece_tile(piece), c, i));
      }
      auto& chunks = piece_copies[static_cast<size_t>(piece)];
      chunks.resize(copies.size());
      for (size_t j = 0; j < copies.size(); ++j)
        for (Stmt& st : guarded_range("th", lo, hi, TH, Body{std::move(copies[j])}))
          chunks[j].push_back(std::move(st));
    }
    for (int64_t i = 0; i < IB && !t.slab_pieces; ++i) {
      slab.push_back(image_copy("fmap_l1", src, cols, i));
      if (zero_gaps && i + 1 < IB)
        (zero_each_slab ? slab : gap_zeroing).push_back(gap_copy("fmap_l1", cols, i));
    }
    Body fmatrix;
    fmatrix.push_back(op("set_fmatrix", {},
                         {field("width", p.w), field("height", height),
                          field("pad_left", sh.pad_left), field("pad_right", sh.pad_right),
                          field("pad_top", b.pad_top), field("pad_bottom", b.pad_bottom)}));
    for (Stmt& st : guarded_range("th", lo, hi, TH, std::move(fmatrix)))
      tbody.push_back(std::move(st));
    if (!gap_zeroing.empty())
      add_guarded(tbody, Condition{var_expr("t"), Condition::Op::kLt, block_dim},
                  std::move(gap_zeroing));
    for (Stmt& st : guarded_range("th", lo, hi, TH, std::move(slab)))
      (t.streamed ? kbody : tbody).push_back(std::move(st));
    lo = hi;
  }
  if (t.slab_pieces)  // piece 0 before the first K step
    for (Body& copy : piece_copies[0])
      for (Stmt& st : copy) tbody.push_back(std::move(st));

  // K steps: img2col into L0A, weights GM -> L0B (FRACTAL_Z: fractal (k1, n1) of the group at
  // (k1 * N1 + n1) * 512), mmad.
  const Value kv = tail_select("kk", KK - 1, k_tail, kt);
  const Value nv = tail_select("tn", TN - 1, n_tail, nt);
  Affine w_addr =
      var_expr("tg", k1g * n1g * 512).add("kk", (kt / c0) * n1g * 512).add("tn", n1 * 512);
  // Weights in L1: fractals of a step are consecutive in the order the mmad wants; the step's
  // offset counts from its piece's first step (`lo`; the loop's kk is shifted by it below).
  const auto weights_from_l1 = [&](int64_t lo, const std::string& w) {
    Value from = constant(-lo * step_k1 * n1w * 512);
    from.vars = var_expr("kk", step_k1 * n1w * 512);
    return op("load2d_l1_to_l0b." + in_sfx, {tile("b_l0"), tile(w, from)},
              {field("repeat", tail_select("kk", KK - 1, k_tail / c0 * n1w, kt / c0 * n1w)),
               field("src_stride", 1)});
  };
  const auto weights_copy = [&](const Affine& from, const Value& k1_rows) {
    return op("copy_gm_to_l0b", {tile("b_l0"), gm("wgt", from)},
              {field("nburst", k1_rows),
               field("burst_len", tail_select("tn", TN - 1, n1_tail * 16, n1 * 16)),
               field("src_gap", tail_select("tn", TN - 1, (n1g - n1_tail) * 16, (n1g - n1) * 16))});
  };
  // img2col of k_ext columns from k_start of `channels` channels of `fmap` into a_l0 (slot -1:
  // double buffering's choice), and the mmad of them with the weights at b_offset of b_l0.
  const auto a_l0 = [](int slot) {
    Operand a = tile("a_l0");
    a.slot = slot;
    return a;
  };
  const auto img2col = [&](const std::string& fmap, int slot, const Value& k_ext,
                           const Value& k_start, const Value& channels) {
    return op("load3d_l1_to_l0a." + in_sfx, {a_l0(slot), tile(fmap)},
              {field("k_extension", k_ext), field("m_extension", m_ext), field("k_start", k_start),
               field("m_start", 0), field("stride_w", p.stride_w), field("stride_h", p.stride_h),
               field("filter_w", p.s), field("filter_h", p.r), field("dilation_w", p.dilation_w),
               field("dilation_h", p.dilation_h), field("channels", channels)});
  };
  // The first K step starts from zero (or the bias table's row), the others accumulate.
  const int64_t first = bias_table ? 2 : 1;
  const Value first_step{first, Condition{var_expr("kk"), Condition::Op::kEq, 0}, 0};
  const auto mmad = [&](int slot, const Value& b_offset, const Value& k_ext, const Value& init) {
    std::vector<Field> fields = {field("m", m_ext), field("k", k_ext), field("n", nv),
                                 field("init", init)};
    if (bias_table) fields.push_back(field("bias_addr", 0));  // the one row, at BT offset 0
    return op("mmad." + acc_sfx + "." + in_sfx, {tile("c_l0c"), a_l0(slot), tile("b_l0", b_offset)},
              std::move(fields));
  };
  if (t.slab_pieces) {
    // Piece i's loop: K steps of kt columns from its first column (piece i's first channel
    // block), each one weight copy and kt / ka load3d / mmad pairs over a_l0's two slots (with
    // one pair double buffering alternates them), then piece i + 1's copies, one per step.
    const int64_t pairs = kt / ka;
    for (int64_t i = 0; i < pieces; ++i) {
      const int64_t piece_k = piece_blocks(i) * taps * c0, steps_i = ceil_div(piece_k, kt);
      const int64_t tail = piece_k - (steps_i - 1) * kt;  // columns of the last step
      Body steps;
      Affine from = w_addr;
      from.constant += i * t.blocks * taps * n1g * 512;
      steps.push_back(weights_copy(from, tail_select("kk", steps_i - 1, tail / c0, kt / c0)));
      for (int64_t h = 0; h < pairs; ++h) {
        const int64_t last = std::clamp<int64_t>(tail - h * ka, 0, ka);  // in the last step
        if (last == 0 && steps_i == 1) continue;
        // (A pair with no columns in the last step is skipped there.)
        const Value k_ext = tail_select("kk", steps_i - 1, last == 0 ? ka : last, ka);
        Value k_start = constant(h * ka);
        k_start.vars = var_expr("kk", kt);
        const int slot = pairs > 1 ? static_cast<int>(h % 2) : -1;
        const int64_t rows_before = h * (ka / c0);  // weight fractal rows of the earlier pairs
        Value init = constant(0);
        if (i == 0 && h == 0) init = steps_i > 1 ? first_step : constant(first);
        Body pair;
        pair.push_back(img2col(piece_tile(i), slot, k_ext, k_start,
                               constant(piece_blocks(i) * c0)));
        pair.push_back(mmad(slot,
                            tail_select("tn", TN - 1, rows_before * n1_tail * 512,
                                        rows_before * n1 * 512),
                            k_ext, init));
        add_guarded(steps,
                    last == 0 ? std::optional<Condition>(Condition{
                                    var_expr("kk"), Condition::Op::kLt, steps_i - 1})
                              : std::nullopt,
                    std::move(pair));
      }
      for (size_t j = 0; i + 1 < pieces && j < piece_copies[static_cast<size_t>(i + 1)].size();
           ++j)
        add_guarded(steps,
                    Condition{var_expr("kk"), Condition::Op::kEq,
                              std::min(static_cast<int64_t>(j), steps_i - 1)},
                    std::move(piece_copies[static_cast<size_t>(i + 1)][j]));
      tbody.push_back(make_loop("kk", steps_i, false, std::move(steps)));
    }
  } else {
    if (!t.weights_in_l1)
      kbody.push_back(weights_copy(w_addr, tail_select("kk", KK - 1, k_tail / c0, kt / c0)));
    // Streamed: the step's slab holds just its channel blocks, so img2col starts at column 0.
    Value k_start = constant(0);
    if (!t.streamed) k_start.vars = var_expr("kk", kt);
    const Value channels = t.streamed ? tail_select("kk", KK - 1, blocks_tail * c0, t.blocks * c0)
                                      : constant(c1 * c0);
    // One load3d for the tile (stacked images included).
    kbody.push_back(img2col("fmap_l1", -1, kv, k_start, channels));
    kbody.push_back(mmad(-1, constant(0), kv, KK > 1 ? first_step : constant(first)));
    // One K loop per weight piece: its steps lo + kk.
    for (size_t i = 0; i < w_pieces.size(); ++i) {
      const auto [lo, hi] = w_pieces[i];
      Body steps = kbody;
      if (t.weights_in_l1) steps.insert(steps.begin(), weights_from_l1(lo, w_tile(i)));
      substitute_var(steps, "kk", "kk", 1, lo);
      tbody.push_back(make_loop("kk", hi - lo, false, std::move(steps)));
    }
  }

  // Write-out: rows * Wo output positions (fewer on the last band), NHWC.
  const Value mv = tail_select("th", TH - 1, row_tail * wo, rows * wo);
  Affine y_addr = var_expr("tnb", IB * ho * wo * p.k * eo)
                      .add("th", rows * wo * p.k * eo)
                      .add("tg", kg * eo)
                      .add("tn", nt * eo);
  // Image i's rows start at row i * m_img of L0C (64 B per row within a column of fractals).
  for (int64_t i = 0; i < IB; ++i) {
    Affine y_i = y_addr;
    y_i.constant += i * ho * wo * p.k * eo;
    if (!via_ub)
      tbody.push_back(op("fix_l0c_to_gm." + out_sfx + "." + acc_sfx,
                         {gm(y_arg, y_i), tile("c_l0c", i * m_img * 64), Operand{}},
                         {field("n", nv), field("m", mv), field("src_stride", m_ext / 16),
                          field("dst_stride", p.k), field("layout", 1)}));
    else if (!p.bias)
      tbody.push_back(
          op("fix_l0c_to_ub." + out_sfx + "." + acc_sfx,
             {tile("c_ub", i * rows * wo * nt * eo), tile("c_l0c", i * m_img * 64), Operand{}},
             {field("n", nv), field("m", mv), field("src_stride", m_ext / 16),
              field("dst_stride", nt), field("layout", 1)}));
    else  // 32-bit accumulators into c_acc; the bias add converts them into c_ub below
      tbody.push_back(
          op("fix_l0c_to_ub." + acc_sfx + "." + acc_sfx,
             {tile("c_acc", i * rows * wo * nt * 4), tile("c_l0c", i * m_img * 64), Operand{}},
             {field("n", nv), field("m", mv), field("src_stride", m_ext / 16),
              field("dst_stride", nt), field("layout", 1)}));
  }
  // Via UB the row is loaded just before its use: earlier, its WAR against the previous tile's
  // vector add would hold MTE2, and with it this tile's slab loads, until that tile ended.
  if (via_ub && p.bias)
    for (Stmt& st : load_bias()) tbody.push_back(std::move(st));
  if (via_ub && p.bias)
    for (Stmt& st : add_cube_bias_in_ub(cube_bias_type(p.in_type), p.out_type,
                                        round_up(IB * rows * wo, 8), nt, 0))
      tbody.push_back(std::move(st));
  if (via_ub) {
    // The images of a tile are consecutive in GM and in UB: one copy for all of them.
    const Value all_rows = IB == 1 ? mv : constant(IB * rows * wo);
    const auto gap32 = [&](int64_t n) { return (nt * eo - round_up(n * eo, 32)) / 32; };
    tbody.push_back(
        op("copy_ub_to_gm_pad", {gm(y_arg, y_addr), tile("c_ub")},
           {field("nburst", all_rows),
            field("burst_bytes", tail_select("tn", TN - 1, n_tail * eo, nt * eo)),
            field("gm_gap", tail_select("tn", TN - 1, (p.k - n_tail) * eo, (p.k - nt) * eo)),
            field("local_gap", tail_select("tn", TN - 1, gap32(n_tail), gap32(nt)))}));
  }
  // A double resident slab alternates over each core's tiles, the next one's loaded while
  // the core works on the current one.
  if (t.slab_double)
    k.body.push_back(prefetch_by_two("t", tiles, tbody, "fmap_l1", block_dim, first_pair));
  else
    k.body.push_back(make_loop("t", tiles, true, std::move(tbody)));
  r.block_dim = static_cast<uint32_t>(block_dim);
  if (p.nchw)
    add_nchw_phases(nchw_tensors(p, sh), CoreSelect::kAic, chip, r);

  const double in_low = p.int8 ? -128 : -1, in_high = p.int8 ? 127 : 1;
  r.tensors = {{"x", p.in_type, u64(p.n * p.h * p.w * p.c), false, in_low, in_high},
               {"wgt", p.in_type, u64(weight_elems), false, in_low, in_high}};
  if (p.bias) r.tensors.push_back(cube_bias_tensor(p.in_type, p.k));
  r.tensors.push_back({"y", p.out_type, u64(p.n * ho * wo * p.k), true});
  for (const char* ws : {"x_nhwc", "y_nhwc"}) {
    if (!p.nchw) break;
    TensorDesc d{ws, isa::DataType::kU8, k.args[static_cast<size_t>(k.find_arg(ws))].bytes, false};
    d.workspace = true;
    r.tensors.push_back(d);
  }
  if (zero_gaps) {
    TensorDesc d{"gap_zeros", isa::DataType::kU8, u64(zero_bytes), false};
    d.zero_init = true;
    d.workspace = true;
    r.tensors.push_back(d);
  }
  r.flops = 2.0 * static_cast<double>(p.n * ho * wo) * static_cast<double>(p.k) *
            static_cast<double>(cg * p.r * p.s);
  r.useful_macs = r.flops / 2;
  r.summary =
      "conv2d " + std::to_string(p.n) + "x" + std::to_string(p.h) + "x" + std::to_string(p.w) +
      "x" + std::to_string(p.c) + (p.nchw ? " (NCHW via NHWC workspaces) * " : " (NHWC) * ") +
      std::to_string(p.k) + "x" + std::to_string(p.r) + "x" + std::to_string(p.s) +
      (p.groups > 1 ? " groups " + std::to_string(p.groups) : "") + (p.bias ? " + bias" : "") +
      " -> " + std::to_string(ho) + "x" + std::to_string(wo) + ", tiles " +
      (IB > 1 ? std::to_string(IB) + " images x " : "") + std::to_string(rows) + " rows x " +
      std::to_string(nt) + " channels, K step " + std::to_string(kt) +
      (t.streamed      ? " (" + std::to_string(t.blocks) + " channel blocks, streamed)"
       : t.slab_double ? " (resident slab, double buffered, the next one prefetched)"
       : t.slab_pieces ? " (slab in pieces of " + std::to_string(t.blocks) + " channel block" +
                             (t.blocks > 1 ? "s, " : ", ") + std::to_string(kt / ka) +
                             (kt / ka > 1 ? " mmads" : " mmad") + " per step)"
                       : " (resident slab)") +
      (t.weights_in_l1 ? ", weights in L1" : "") + ", " + std::to_string(tiles) + " output tiles";
  // fp32 (or exact int32) accumulation; fp16 output adds one rounding (as matmul).
  const double depth = static_cast<double>(cg * p.r * p.s);
  r.rtol = p.out_type == isa::DataType::kF16 ? 2e-3 : p.int8 ? 0 : 1e-5;
  r.atol = p.out_type == isa::DataType::kF16 ? 1e-3 * std::sqrt(depth)
           : p.int8                          ? 0
                                             : 1e-5 * std::sqrt(depth);
  return r;
}

// Index of weight (out channel o, input channel c of its group, kh, kw) in FRACTAL_Z.
int64_t fractal_z_index(const ConvSpec& p, int64_t o, int64_t c, int64_t kh, int64_t kw) {
  const ConvShape& sh = p.shape;
  const int64_t c0 = sh.c0(), kg = sh.group_out_channels;
  const int64_t k1g = sh.reduction() / c0, n1g = (kg + 15) / 16;
  const int64_t g = o / kg, ol = o % kg;
  const int64_t k1 = ((c / c0) * p.r + kh) * p.s + kw;
  return ((g * k1g + k1) * n1g + ol / 16) * 16 * c0 + (ol % 16) * c0 + c % c0;
}

Tensors reference_conv2d(const OpSpec& spec, const Tensors& in) {
  const ConvSpec p = parse_conv(spec);
  const ConvShape& sh = p.shape;
  const int64_t ho = sh.out_height(), wo = sh.out_width();
  const int64_t cg = sh.group_channels, kg = sh.group_out_channels;
  const std::vector<double>& x = in[0];
  const std::vector<double>& wgt = in[1];
  const std::vector<double>* bias = p.bias ? &in[2] : nullptr;
  // Element offsets of x (image b, row ih, column iw, channel c) and y in the spec's layout.
  const auto x_at = [&](int64_t b, int64_t ih, int64_t iw, int64_t c) {
    return static_cast<size_t>(p.nchw ? ((b * p.c + c) * p.h + ih) * p.w + iw
                                      : ((b * p.h + ih) * p.w + iw) * p.c + c);
  };
  const auto y_at = [&](int64_t b, int64_t oh, int64_t ow, int64_t o) {
    return static_cast<size_t>(p.nchw ? ((b * p.k + o) * ho + oh) * wo + ow
                                      : ((b * ho + oh) * wo + ow) * p.k + o);
  };
  std::vector<double> y(static_cast<size_t>(p.n * ho * wo * p.k), 0.0);
  for (int64_t b = 0; b < p.n; ++b)
    for (int64_t oh = 0; oh < ho; ++oh)
      for (int64_t ow = 0; ow < wo; ++ow)
        for (int64_t o = 0; o < p.k; ++o) {
          const int64_t g = o / kg;
          double acc = bias ? (*bias)[static_cast<size_t>(o)] : 0.0;
          for (int64_t kh = 0; kh < p.r; ++kh) {
            const int64_t ih = oh * p.stride_h - p.pad_h + kh * p.dilation_h;
            if (ih < 0 || ih >= p.h) continue;
            for (int64_t kw = 0; kw < p.s; ++kw) {
              const int64_t iw = ow * p.stride_w - p.pad_w + kw * p.dilation_w;
              if (iw < 0 || iw >= p.w) continue;
              for (int64_t c = 0; c < cg; ++c)
                acc += x[x_at(b, ih, iw, g * cg + c)] *
                       wgt[static_cast<size_t>(fractal_z_index(p, o, c, kh, kw))];
            }
          }
          y[y_at(b, oh, ow, o)] = acc;
        }
  return {y};
}

}  // namespace

ConvTilingRanking conv2d_tilings(const OpSpec& spec, const config::ChipConfig& chip) {
  const ConvSpec p = parse_conv(spec);
  return rank_conv_tilings(p.shape, !chip.paths.l0c_to_gm.enabled, chip, p.force);
}

bool conv2d_tiling_forced(const OpSpec& spec) {
  for (const char* k : kTilingKeys)
    if (spec.has(k)) return true;
  return false;
}

const OpDef& conv2d_op() {
  static const OpDef def{
      "conv2d",
      {"n",          "c",          "h",        "w",      "k",     "r",         "s",
       "stride",     "stride_h",   "stride_w", "pad",    "pad_h", "pad_w",     "dilation",
       "dilation_h", "dilation_w", "groups",   "layout", "dtype", "out_dtype", "bias",
       "tile_rows",  "tile_images", "tile_n",  "tile_k", "slab",  "slab_blocks", "weights"},
      "conv2d n=1 c=64 h=56 w=56 k=64 r=3 s=3 stride=1 pad=1 dtype=fp16",
      build_conv2d,
      reference_conv2d};
  return def;
}

}  // namespace npu::compiler
