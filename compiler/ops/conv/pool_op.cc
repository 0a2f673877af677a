// Pooling on the vector unit: maxpool, avgpool (count_include_pad 1 or 0) and global_avgpool
// (avgpool whose window is the whole map), NHWC (default) or NCHW in GM, any batch, size,
// kernel, stride and padding up to half the kernel. dtype fp16, bf16 or fp32 for the three;
// int8 and uint8 too for maxpool.
//
// maxpool and avgpool, NHWC: one `pfor` over (image, output row, channel chunk). Per output row the
// accumulator row (Wo pixels x the chunk's channels, in the compute type) starts at the neutral
// value; for every filter row kh whose input row exists (padding rows are skipped) the input row
// goes GM -> UB (double buffered, each pixel's channels padded to whole 32-byte blocks), is widened
// to the compute type when that differs, then for every filter column kw one vector op per
// group of channel blocks combines the input pixels iw = wo * stride - pad + kw into the output
// pixels wo whose iw is inside the row (padding columns are skipped the same way). A repeat of
// such an op covers 8 channel blocks of one output pixel while 8 remain; each remaining block
// (all of them below 8 blocks, e.g. 64 fp16 channels) goes 8 pixels per repeat (block strides
// of one pixel, when they fit the 8-bit repeat stride), and the last pixels one per repeat
// with block strides 0 (the op then computes that one block eight times, which max and add do
// not mind), so no mask is needed.
// Compute types: maxpool runs in fp16 for fp16, int8 and uint8 (every int8 / uint8 value is an
// fp16 number, so the widening and narrowing are exact) and in fp32 for fp32 and bf16 (the
// vector unit has no bf16 max); max is exact in every case. avgpool adds in fp32 for every
// type, then divides by r*s (count_include_pad=1) or by the number of input pixels in the
// window, counted the same way (count_include_pad=0), and narrows once to the output type.
//
// maxpool and avgpool, NCHW: the NHWC kernel between the layout phases of nchw_phases.h.
// global_avgpool is a mean over the h*w pixels of each (image, channel): `reduce_mean` over
// axis 1 of n x (h*w) x c (NHWC) or of (n*c) x (h*w) (NCHW, whose rows are contiguous, so the
// input is read once instead of permuted first). Both beat the windowed kernel with a whole-map
// window by 2-3x (docs/performance.md "Pooling").
#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/conv/nchw_phases.h"
#include "compiler/ops/elementwise/elementwise.h"
#include "compiler/ops/ops.h"
#include "compiler/ops/rows/row_op.h"
#include "compiler/ops/rows/row_vector.h"
#include "numerics/convert.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

enum class PoolKind : uint8_t { kMax, kAvg, kGlobalAvg };

struct PoolSpec {
  PoolKind kind = PoolKind::kMax;
  int64_t n = 1, c = 1, h = 1, w = 1;
  int64_t r = 1, s = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  bool count_include_pad = true;
  isa::DataType type = isa::DataType::kF16;  // input and output in GM
  bool nchw = false;                         // layout=nchw (else NHWC) in GM
  int64_t out_h() const { return (h + 2 * pad_h - r) / stride_h + 1; }
  int64_t out_w() const { return (w + 2 * pad_w - s) / stride_w + 1; }
};

PoolSpec parse_pool(const OpSpec& spec, PoolKind kind) {
  PoolSpec p;
  p.kind = kind;
  p.n = spec.get_int("n", 1, 65535);
  p.c = spec.get_int("c", 1, 65535);
  p.h = spec.get_int("h", 1, 65535);
  p.w = spec.get_int("w", 1, 4095);
  if (kind == PoolKind::kMax)
    p.type = get_dtype(spec, "dtype", {"fp16", "bf16", "fp32", "int8", "uint8"});
  else
    p.type = get_dtype(spec, "dtype", {"fp16", "bf16", "fp32"});
  p.nchw = spec.get_enum("layout", {"nhwc", "nchw"}, "nhwc") == "nchw";
  if (kind == PoolKind::kGlobalAvg) {
    if (p.n * p.c * p.h * p.w > (int64_t{1} << 30))
      spec.fail_at("n", "n x c x h x w = " + std::to_string(p.n * p.c * p.h * p.w) +
                            " elements is more than the 2^30 supported");
    p.r = p.h;
    p.s = p.w;
    return p;
  }
  const int64_t kernel = spec.get_int("kernel", 1, 255, 0);
  p.r = spec.get_int("kernel_h", 1, 255, kernel);
  p.s = spec.get_int("kernel_w", 1, 255, kernel);
  if (p.r == 0 || p.s == 0) spec.fail_at("kernel", spec.op + " needs key 'kernel'");
  const int64_t stride = spec.get_int("stride", 1, 63, 0);
  p.stride_h = spec.get_int("stride_h", 1, 63, stride ? stride : p.r);
  p.stride_w = spec.get_int("stride_w", 1, 63, stride ? stride : p.s);
  const int64_t pad = spec.get_int("pad", 0, 127, 0);
  p.pad_h = spec.get_int("pad_h", 0, 127, pad);
  p.pad_w = spec.get_int("pad_w", 0, 127, pad);
  if (kind == PoolKind::kAvg) p.count_include_pad = spec.get_int("count_include_pad", 0, 1, 1);
  if (2 * p.pad_h > p.r || 2 * p.pad_w > p.s)
    spec.fail_at("pad", "padding (" + std::to_string(p.pad_h) + " x " + std::to_string(p.pad_w) +
                            ") must be at most half the kernel (" + std::to_string(p.r) + " x " +
                            std::to_string(p.s) + ")");
  if (p.h + 2 * p.pad_h < p.r || p.w + 2 * p.pad_w < p.s)
    spec.fail_at("kernel", "the kernel (" + std::to_string(p.r) + " x " + std::to_string(p.s) +
                               ") does not fit the padded input (" +
                               std::to_string(p.h + 2 * p.pad_h) + " x " +
                               std::to_string(p.w + 2 * p.pad_w) + ")");
  if (p.nchw)
    check_nchw_layout(spec, {p.n, p.c, p.h * p.w, p.c, p.out_h() * p.out_w(), p.type, p.type});
  return p;
}

// The type the vector unit pools in (see the file comment).
isa::DataType compute_type(const PoolSpec& p) {
  if (p.kind != PoolKind::kMax) return isa::DataType::kF32;
  return p.type == isa::DataType::kF32 || p.type == isa::DataType::kBf16 ? isa::DataType::kF32
                                                                         : isa::DataType::kF16;
}

// `value` as the raw bits of a vdup of `type` (fp16 or fp32).
int64_t scalar_bits(double value, isa::DataType type) {
  return type == isa::DataType::kF16 ? numerics::double_to_fp16(value).bits
                                     : rowvec::f32_bits(value);
}

std::string suffix(isa::DataType type) { return std::string(isa::name(type)); }

// The vector word of an op whose repeats walk output pixels.
std::vector<Field> pixel_fields(int64_t repeat, int64_t blk, int64_t dst_rep, int64_t src1_blk,
                                int64_t src1_rep) {
  return {field("repeat", repeat),           field("dst_blk_stride", blk),
          field("src0_blk_stride", blk),     field("src1_blk_stride", src1_blk),
          field("dst_rep_stride", dst_rep),  field("src0_rep_stride", dst_rep),
          field("src1_rep_stride", src1_rep)};
}

// `bytes` (a multiple of 256) of tile `dst` set to the scalar `bits` of `type`.
void fill(Body& out, const std::string& dst, int64_t bytes, int64_t bits, isa::DataType type) {
  for (int64_t done = 0; done < bytes; done += 255 * 256) {
    const int64_t reps = std::min<int64_t>(255, (bytes - done) / 256);
    out.push_back(
        op("vdup." + suffix(type), {tile(dst, done), imm(bits)}, {field("repeat", reps)}));
  }
}

// `elements` contiguous elements of tile `src` (type `from`) converted into tile `dst` (type
// `to`); whole repeats, so both tiles must hold round_up(elements, 256 / max element size).
void convert(Body& out, const std::string& dst, isa::DataType to, const std::string& src,
             isa::DataType from, int64_t elements) {
  const int64_t es_to = isa::element_size(to), es_from = isa::element_size(from);
  const int64_t epr = 256 / std::max(es_to, es_from);
  for (int64_t done = 0; done < elements; done += 255 * epr) {
    const int64_t reps = std::min<int64_t>(255, ceil_div(elements - done, epr));
    out.push_back(op("vconv." + suffix(to) + "." + suffix(from),
                     {tile(dst, done * es_to), tile(src, done * es_from)},
                     {field("repeat", reps), field("dst_rep_stride", epr * es_to / 32),
                      field("src0_rep_stride", epr * es_from / 32)}));
  }
}

// global_avgpool: the mean over the h*w pixels of each (image, channel) is `reduce_mean` over
// axis 1 of the input viewed as n x (h*w) x c (NHWC) or (n*c) x (h*w) (NCHW, the last axis).
OpKernel build_global_avgpool(const OpSpec& spec, const config::ChipConfig& chip) {
  const PoolSpec p = parse_pool(spec, PoolKind::kGlobalAvg);
  const std::string plane = std::to_string(p.h * p.w);
  const std::string shape = p.nchw ? std::to_string(p.n * p.c) + "x" + plane
                                   : std::to_string(p.n) + "x" + plane + "x" + std::to_string(p.c);
  OpKernel r = find_op("reduce_mean")
                   ->build(parse_op_spec("reduce_mean shape=" + shape +
                                         " axis=1 dtype=" + std::string(isa::long_name(p.type))),
                           chip);
  r.kernel.name = spec.op;
  const std::string c = std::to_string(p.c), hw = std::to_string(p.h) + "x" + std::to_string(p.w);
  r.summary = spec.op + " " + std::to_string(p.n) + "x" +
              (p.nchw ? c + "x" + hw + " (NCHW) as " : hw + "x" + c + " (NHWC) as ") + r.summary;
  return r;
}

OpKernel build_pool(const OpSpec& spec, const config::ChipConfig& chip, PoolKind kind) {
  const PoolSpec p = parse_pool(spec, kind);
  if (!chip.paths.gm_to_ub.enabled || !chip.paths.ub_to_gm.enabled)
    throw UserError("chip '" + chip.name + "' has no GM <-> UB path for " + spec.op);
  const bool avg = kind != PoolKind::kMax;
  const int64_t ho = p.out_h(), wo = p.out_w();
  const isa::DataType io = p.type, ct = compute_type(p);
  const int64_t ie = isa::element_size(io), ce = isa::element_size(ct);
  const bool widen = io != ct;
  // Elements per repeat of the conversions; channels per whole block in both types.
  const int64_t conv_epr = 256 / std::max(ie, ce);
  const int64_t granule = 32 / std::min(ie, ce);
  // Channel chunk: a multiple of `granule` channels whose rows fit UB and whose pixel pitch
  // fits the 8-bit repeat strides (in 32-byte blocks of the compute type).
  const int64_t cp = round_up(p.c, granule);
  int64_t cc = std::min(cp, (255 / p.stride_w) * 32 / ce / granule * granule);
  const auto tiles_bytes = [&](int64_t chunk) {
    const int64_t elems = round_up(p.w * chunk, conv_epr);  // whole conversion repeats
    const int64_t acc = round_up(wo * chunk * ce, 256);
    int64_t bytes = 2 * round_up(elems * ie, 256) + acc;  // input row (double), accumulator
    if (widen) bytes += round_up(elems * ce, 256) + round_up(acc / ce * ie, 256);
    if (avg) bytes += p.count_include_pad ? 256 : acc;  // the divisor, or the counts
    return bytes;
  };
  const int64_t ub = static_cast<int64_t>(chip.buffers.ub_bytes);
  while (cc > granule && tiles_bytes(cc) > ub) cc -= granule;
  if (tiles_bytes(cc) > ub)
    throw UserError(spec.op + " does not fit the buffers of chip '" + chip.name + "': one row of " +
                    std::to_string(p.w) + " input pixels x " + std::to_string(granule) +
                    " channels needs " + std::to_string(tiles_bytes(granule)) + " B of ub (" +
                    std::to_string(chip.buffers.ub_bytes) + " B)");
  const int64_t CC = ceil_div(cp, cc), c_tail = p.c - (CC - 1) * cc;
  const auto per_chunk = [&](int64_t full, int64_t tail) {
    return tail_select("cc", CC - 1, tail, full);
  };
  // The NHWC kernel reads x and writes y, or NCHW's workspaces.
  const std::string x_arg = p.nchw ? "x_nhwc" : "x", y_arg = p.nchw ? "y_nhwc" : "y";

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = spec.op;
  k.cores = CoreSelect::kAiv;
  const auto u64 = [](int64_t v) { return static_cast<uint64_t>(v); };
  k.args = {{"x", isa::ArgKind::kGmPointer, u64(p.n * p.h * p.w * p.c * ie)},
            {"y", isa::ArgKind::kGmPointer, u64(p.n * ho * wo * p.c * ie)}};
  const int64_t row_elems = round_up(p.w * cc, conv_epr);
  const int64_t acc_bytes = round_up(wo * cc * ce, 256), acc_elems = acc_bytes / ce;
  k.tiles = {{"row", isa::Buffer::kUb, u64(row_elems * ie), true, {}, {}},
             {"acc", isa::Buffer::kUb, u64(acc_bytes), false, {}, {}}};
  if (widen) {
    k.tiles.push_back({"row_wide", isa::Buffer::kUb, u64(row_elems * ce), false, {}, {}});
    k.tiles.push_back({"out", isa::Buffer::kUb, u64(acc_elems * ie), false, {}, {}});
  }
  if (avg && p.count_include_pad)
    k.tiles.push_back({"divisor", isa::Buffer::kUb, 256, false, {}, {}});
  if (!p.count_include_pad)
    k.tiles.push_back({"cnt", isa::Buffer::kUb, u64(acc_bytes), false, {}, {}});

  // After the NCHW input phase the mask and its mode are what the permute left.
  if (p.nchw) {
    k.body.push_back(
        op("set_mask_mode", {}, {field("mode", static_cast<int64_t>(isa::MaskMode::kNormal))}));
    k.body.push_back(op("set_mask", {imm(-1), imm(-1)}, {}));
  }
  if (avg && p.count_include_pad)
    fill(k.body, "divisor", 256, rowvec::f32_bits(static_cast<double>(p.r * p.s)), ct);

  Body rbody;  // one output row of one chunk
  rbody.push_back(make_let("cc", "t", true, CC));
  rbody.push_back(make_let("ta", "t", false, CC));
  rbody.push_back(make_let("oh", "ta", true, ho));
  rbody.push_back(make_let("on", "ta", false, ho));
  const int64_t acc_blocks = cc * ce / 32;  // blocks per pixel in the accumulator
  fill(rbody, "acc", acc_bytes, scalar_bits(avg ? 0.0 : -INFINITY, ct), ct);
  if (!p.count_include_pad) fill(rbody, "cnt", acc_bytes, rowvec::f32_bits(0.0), ct);

  // One filter row: load the input row (if it exists), combine it into the accumulator.
  Body kh_body;
  Affine src = var_expr("on", p.h * p.w * p.c * ie)
                   .add("oh", p.stride_h * p.w * p.c * ie)
                   .add("kh", p.w * p.c * ie)
                   .add("cc", cc * ie);
  src.constant = -p.pad_h * p.w * p.c * ie;
  // The UB gap (32-byte blocks) after a pixel's `channels` in a pixel pitch of cc channels.
  const auto gap32 = [&](int64_t channels) { return (cc * ie - round_up(channels * ie, 32)) / 32; };
  Body row_ops;
  row_ops.push_back(op("copy_gm_to_ub_pad." + suffix(io), {tile("row"), gm(x_arg, src)},
                       {field("nburst", p.w), field("burst_bytes", per_chunk(cc * ie, c_tail * ie)),
                        field("gm_gap", per_chunk((p.c - cc) * ie, (p.c - c_tail) * ie)),
                        field("local_gap", per_chunk(gap32(cc), gap32(c_tail)))}));
  if (widen) convert(row_ops, "row_wide", ct, "row", io, p.w * cc);
  const std::string in_tile = widen ? "row_wide" : "row";
  const std::string combine = (avg ? "vadd." : "vmax.") + suffix(ct);
  // Byte offset of channel block b of pixel `pixel` in the accumulator or the (wide) input row.
  const auto block_at = [&](int64_t pixel, int64_t b) { return (pixel * acc_blocks + b) * 32; };
  const int64_t pixel_step = p.stride_w * acc_blocks;  // input blocks from one output pixel on
  // acc = combine(acc, input) (and the window counts + 1) on `reps` repeats: dst / src block
  // and repeat strides in 32-byte blocks.
  const auto combine_op = [&](int64_t dst, int64_t in, int64_t reps, int64_t dst_blk,
                              int64_t src_blk, int64_t dst_rep, int64_t src_rep) {
    row_ops.push_back(op(combine, {tile("acc", dst), tile("acc", dst), tile(in_tile, in)},
                         pixel_fields(reps, dst_blk, dst_rep, src_blk, src_rep)));
    if (!p.count_include_pad)
      row_ops.push_back(op("vadds.f32",
                           {tile("cnt", dst), tile("cnt", dst), imm(rowvec::f32_bits(1.0))},
                           pixel_fields(reps, dst_blk, dst_rep, 0, 0)));
  };
  for (int64_t kw = 0; kw < p.s; ++kw) {
    // Output pixels whose input pixel iw = wo * stride - pad + kw is inside the row.
    const int64_t lo =
        std::max<int64_t>(0, ceil_div(std::max<int64_t>(0, p.pad_w - kw), p.stride_w));
    const int64_t hi = std::min<int64_t>(wo, (p.w - 1 + p.pad_w - kw) / p.stride_w + 1);
    for (int64_t first = lo; first < hi; first += 255) {
      const int64_t reps = std::min<int64_t>(255, hi - first);
      const int64_t iw = first * p.stride_w - p.pad_w + kw;
      int64_t b = 0;
      // 8 channel blocks of one pixel per repeat, while 8 remain.
      for (; acc_blocks - b >= 8; b += 8)
        combine_op(block_at(first, b), block_at(iw, b), reps, 1, 1, acc_blocks, pixel_step);
      // Each remaining block: the block of 8 pixels per repeat when the strides reach (a
      // repeat covers 8 * acc_blocks * stride input blocks), the last reps % 8 pixels (or all)
      // one per repeat with block strides 0.
      const bool across = 8 * pixel_step <= 255 && reps >= 8;
      for (; b < acc_blocks; ++b) {
        const int64_t grouped = across ? reps / 8 * 8 : 0;
        if (grouped > 0)
          combine_op(block_at(first, b), block_at(iw, b), grouped / 8, acc_blocks, pixel_step,
                     8 * acc_blocks, 8 * pixel_step);
        if (grouped < reps)
          combine_op(block_at(first + grouped, b), block_at(iw + grouped * p.stride_w, b),
                     reps - grouped, 0, 0, acc_blocks, pixel_step);
      }
    }
  }
  // The input row ih = oh * stride - pad + kh exists: 0 <= ih < h.
  Body inner;
  add_guarded(inner,
              Condition{var_expr("oh", p.stride_h).add("kh", 1), Condition::Op::kLt, p.h + p.pad_h},
              std::move(row_ops));
  add_guarded(kh_body,
              Condition{var_expr("oh", -p.stride_h).add("kh", -1), Condition::Op::kLt, 1 - p.pad_h},
              std::move(inner));
  rbody.push_back(make_loop("kh", p.r, false, std::move(kh_body)));

  if (avg) {
    // Divide by r * s or by the count.
    for (int64_t done = 0; done < acc_bytes; done += 255 * 256) {
      const int64_t reps = std::min<int64_t>(255, (acc_bytes - done) / 256);
      if (p.count_include_pad)
        rbody.push_back(
            op("vdiv.f32", {tile("acc", done), tile("acc", done), tile("divisor")},
               {field("repeat", reps), field("src1_blk_stride", 0), field("src1_rep_stride", 0)}));
      else
        rbody.push_back(op("vdiv.f32", {tile("acc", done), tile("acc", done), tile("cnt", done)},
                           {field("repeat", reps)}));
    }
  }
  if (widen) convert(rbody, "out", io, "acc", ct, acc_elems);
  Affine dst = var_expr("on", ho * wo * p.c * ie).add("oh", wo * p.c * ie).add("cc", cc * ie);
  rbody.push_back(op("copy_ub_to_gm_pad", {gm(y_arg, dst), tile(widen ? "out" : "acc")},
                     {field("nburst", wo), field("burst_bytes", per_chunk(cc * ie, c_tail * ie)),
                      field("gm_gap", per_chunk((p.c - cc) * ie, (p.c - c_tail) * ie)),
                      field("local_gap", per_chunk(gap32(cc), gap32(c_tail)))}));
  const int64_t rows = p.n * ho * CC;
  k.body.push_back(make_loop("t", rows, true, std::move(rbody)));

  const double low = io == isa::DataType::kS8 ? -128 : io == isa::DataType::kU8 ? 0 : -1;
  const double high = io == isa::DataType::kS8 ? 127 : io == isa::DataType::kU8 ? 255 : 1;
  r.tensors = {{"x", io, u64(p.n * p.h * p.w * p.c), false, low, high},
               {"y", io, u64(p.n * ho * wo * p.c), true}};
  // Workers: the AI cores, times their AIVs on split chips (pfor spreads rows over both).
  const int64_t aivs = chip.split() ? static_cast<int64_t>(chip.chip.aiv_per_core) : 1;
  r.block_dim = static_cast<uint32_t>(
      std::min<int64_t>(static_cast<int64_t>(chip.chip.cores), ceil_div(rows, aivs)));
  if (p.nchw) {
    add_nchw_workspaces(r);
    add_nchw_phases({p.n, p.c, p.h * p.w, p.c, ho * wo, io, io}, CoreSelect::kAiv, chip, r);
  }
  r.flops = static_cast<double>(p.n * ho * wo * p.c * p.r * p.s);
  r.summary = spec.op + " " + std::to_string(p.n) + "x" + std::to_string(p.h) + "x" +
              std::to_string(p.w) + "x" + std::to_string(p.c) +
              (p.nchw ? " (NCHW via NHWC workspaces) " : " (NHWC) ") +
              std::string(isa::long_name(io)) + ", kernel " + std::to_string(p.r) + "x" +
              std::to_string(p.s) + " -> " + std::to_string(ho) + "x" + std::to_string(wo) + ", " +
              std::to_string(cc) + "-channel chunks in " + std::string(isa::long_name(ct)) + ", " +
              std::to_string(rows) + " output rows";
  if (avg) {
    // fp32 sums of at most r*s inputs in [-1, 1] (error below r*s * 2^-24 of the mean after the
    // division), one division, one rounding to the output type.
    set_row_tolerance(r, io, 1e-6, static_cast<double>(p.r * p.s) * std::ldexp(1.0, -24));
  } else {
    r.rtol = 0;  // max is exact in every type
    r.atol = 0;
  }
  return r;
}

Tensors reference_pool(const OpSpec& spec, const Tensors& in, PoolKind kind) {
  const PoolSpec p = parse_pool(spec, kind);
  const int64_t ho = p.out_h(), wo = p.out_w();
  // Element offsets of x (image b, channel c, row ih, column iw) and y in the spec's layout.
  const auto at = [&](int64_t b, int64_t c, int64_t row, int64_t col, int64_t rows, int64_t cols) {
    return static_cast<size_t>(p.nchw ? ((b * p.c + c) * rows + row) * cols + col
                                      : ((b * rows + row) * cols + col) * p.c + c);
  };
  std::vector<double> y(static_cast<size_t>(p.n * ho * wo * p.c));
  for (int64_t b = 0; b < p.n; ++b)
    for (int64_t oh = 0; oh < ho; ++oh)
      for (int64_t ow = 0; ow < wo; ++ow)
        for (int64_t c = 0; c < p.c; ++c) {
          double acc = kind == PoolKind::kMax ? -INFINITY : 0.0;
          int64_t count = 0;
          for (int64_t kh = 0; kh < p.r; ++kh)
            for (int64_t kw = 0; kw < p.s; ++kw) {
              const int64_t ih = oh * p.stride_h - p.pad_h + kh,
                            iw = ow * p.stride_w - p.pad_w + kw;
              if (ih < 0 || ih >= p.h || iw < 0 || iw >= p.w) continue;
              const double v = in[0][at(b, c, ih, iw, p.h, p.w)];
              acc = kind == PoolKind::kMax ? std::max(acc, v) : acc + v;
              ++count;
            }
          if (kind != PoolKind::kMax)
            acc /= static_cast<double>(p.count_include_pad ? p.r * p.s : count);
          y[at(b, c, oh, ow, ho, wo)] = acc;
        }
  return {y};
}

OpKernel build_maxpool(const OpSpec& s, const config::ChipConfig& c) {
  return build_pool(s, c, PoolKind::kMax);
}
OpKernel build_avgpool(const OpSpec& s, const config::ChipConfig& c) {
  return build_pool(s, c, PoolKind::kAvg);
}
Tensors reference_maxpool(const OpSpec& s, const Tensors& in) {
  return reference_pool(s, in, PoolKind::kMax);
}
Tensors reference_avgpool(const OpSpec& s, const Tensors& in) {
  return reference_pool(s, in, PoolKind::kAvg);
}
Tensors reference_global_avgpool(const OpSpec& s, const Tensors& in) {
  return reference_pool(s, in, PoolKind::kGlobalAvg);
}

}  // namespace

const OpDef& maxpool_op() {
  static const OpDef def{"maxpool",
                         {"n", "c", "h", "w", "kernel", "kernel_h", "kernel_w", "stride",
                          "stride_h", "stride_w", "pad", "pad_h", "pad_w", "layout", "dtype"},
                         "maxpool n=1 c=64 h=112 w=112 kernel=3 stride=2 pad=1 dtype=fp16",
                         build_maxpool,
                         reference_maxpool};
  return def;
}

const OpDef& avgpool_op() {
  static const OpDef def{
      "avgpool",
      {"n", "c", "h", "w", "kernel", "kernel_h", "kernel_w", "stride", "stride_h", "stride_w",
       "pad", "pad_h", "pad_w", "count_include_pad", "layout", "dtype"},
      "avgpool n=1 c=64 h=56 w=56 kernel=3 stride=1 pad=1 dtype=fp16",
      build_avgpool,
      reference_avgpool};
  return def;
}

const OpDef& global_avgpool_op() {
  static const OpDef def{"global_avgpool",
                         {"n", "c", "h", "w", "layout", "dtype"},
                         "global_avgpool n=1 c=2048 h=7 w=7 dtype=fp16",
                         build_global_avgpool,
                         reference_global_avgpool};
  return def;
}

}  // namespace npu::compiler
