// Pooling on the vector unit: maxpool, avgpool (count_include_pad 1 or 0) and global_avgpool
// (avgpool whose window is the whole map), NHWC fp16 in GM, any batch, size, kernel, stride
// and padding up to half the kernel.
//
// One `pfor` over (image, output row, channel chunk). Per output row the accumulator row
// (Wo pixels x the chunk's channels) starts at the neutral value; for every filter row kh whose
// input row exists (padding rows are skipped) the input row goes GM -> UB (double buffered,
// channels padded to 16), then for every filter column kw one vector op per group of channel
// blocks combines the input pixels iw = wo * stride - pad + kw into the output pixels wo whose
// iw is inside the row (padding columns are skipped the same way). Each repeat of such an op is
// one output pixel: 8 channel blocks at a time, or a single block with block strides 0 (the
// op then computes that one block eight times, which max and add do not mind), so no mask is
// needed. maxpool works in fp16 (exact); avgpool converts each row to fp32, adds in fp32 and
// divides by r*s (count_include_pad=1) or by the number of input pixels in the window, counted
// the same way (count_include_pad=0), then converts back to fp16.
// The constants (the neutral value, 1, r and s) come from padded GM -> UB copies, whose padding
// value is a field of the instruction: the kernel needs no constant data.
#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"
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
  spec.get_enum("dtype", {"fp16"}, "");
  spec.get_enum("layout", {"nhwc"}, "nhwc");
  if (kind == PoolKind::kGlobalAvg) {
    // The divisor r * s is built from r and s in fp16, exact up to 2048.
    p.h = spec.get_int("h", 1, 2048);
    p.w = spec.get_int("w", 1, 2048);
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
  return p;
}

uint16_t fp16_bits(double v) { return numerics::double_to_fp16(v).bits; }

// The vector word of an op whose repeats walk output pixels.
std::vector<Field> pixel_fields(int64_t repeat, int64_t blk, int64_t dst_rep, int64_t src1_blk,
                                int64_t src1_rep) {
  return {field("repeat", repeat),           field("dst_blk_stride", blk),
          field("src0_blk_stride", blk),     field("src1_blk_stride", src1_blk),
          field("dst_rep_stride", dst_rep),  field("src0_rep_stride", dst_rep),
          field("src1_rep_stride", src1_rep)};
}

OpKernel build_pool(const OpSpec& spec, const config::ChipConfig& chip, PoolKind kind) {
  const PoolSpec p = parse_pool(spec, kind);
  const bool avg = kind != PoolKind::kMax;
  const int64_t ho = p.out_h(), wo = p.out_w();
  if (!chip.paths.gm_to_ub.enabled || !chip.paths.ub_to_gm.enabled)
    throw UserError("chip '" + chip.name + "' has no GM <-> UB path for " + spec.op);
  // Channel chunk: a multiple of 16 channels whose rows fit UB and whose pixel pitch fits the
  // 8-bit repeat strides (in 32-byte blocks; fp32 when averaging).
  const int64_t acc_es = avg ? 4 : 2;
  const int64_t cp = round_up(p.c, 16);
  const int64_t ub = static_cast<int64_t>(chip.buffers.ub_bytes) - 1024;  // the constants
  int64_t cc =
      std::min<int64_t>(cp, (255 / std::max(p.stride_w, int64_t{1})) * 32 / acc_es / 16 * 16);
  const auto ub_need = [&](int64_t chunk) {
    int64_t row = 2 * round_up(p.w * chunk * 2, 128);  // input row, double buffered
    int64_t acc = round_up(wo * chunk * acc_es, 256);
    if (!avg) return row + acc;
    // fp32 row, accumulator, counts (count_include_pad=0), fp16 result
    return row + round_up(p.w * chunk * 4, 256) + acc * (p.count_include_pad ? 1 : 2) +
           round_up(wo * chunk * 2, 256);
  };
  while (cc > 16 && ub_need(cc) > ub) cc -= 16;
  if (cc < 16 || ub_need(cc) > ub)
    throw UserError(spec.op + " does not fit the buffers of chip '" + chip.name + "': one row of " +
                    std::to_string(p.w) + " input pixels x 16 channels needs " +
                    std::to_string(ub_need(16)) + " B of ub (" +
                    std::to_string(chip.buffers.ub_bytes) + " B, 1024 B kept for constants)");
  const int64_t CC = ceil_div(cp, cc), c_tail = p.c - (CC - 1) * cc;
  const auto per_chunk = [&](int64_t full, int64_t tail) {
    return tail_select("cc", CC - 1, tail, full);
  };

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = spec.op;
  k.cores = CoreSelect::kAiv;
  const auto u64 = [](int64_t v) { return static_cast<uint64_t>(v); };
  k.args = {{"x", isa::ArgKind::kGmPointer, u64(p.n * p.h * p.w * p.c * 2)},
            {"y", isa::ArgKind::kGmPointer, u64(p.n * ho * wo * p.c * 2)}};
  const int64_t acc_bytes = round_up(wo * cc * acc_es, 256);
  k.tiles = {{"consts", isa::Buffer::kUb, 256, false, {}, {}},
             // whole vconv repeats (64 elements) of the row stay inside the tile
             {"row", isa::Buffer::kUb, u64(round_up(p.w * cc * 2, 128)), true, {}, {}},
             {"acc", isa::Buffer::kUb, u64(acc_bytes), false, {}, {}}};
  if (avg) {
    k.tiles.push_back({"consts32", isa::Buffer::kUb, 512, false, {}, {}});
    k.tiles.push_back({"row32", isa::Buffer::kUb, u64(round_up(p.w * cc * 4, 256)), false, {}, {}});
    k.tiles.push_back({"out16", isa::Buffer::kUb, u64(round_up(wo * cc * 2, 256)), false, {}, {}});
    if (!p.count_include_pad)
      k.tiles.push_back({"cnt", isa::Buffer::kUb, u64(acc_bytes), false, {}, {}});
  }

  // Constants: each padded copy writes [16 x value][one input element][15 x value]; its first
  // block is 16 copies of the value. consts: neutral, 1, r, s (fp16, 64 B apart).
  const double neutral = avg ? 0.0 : -INFINITY;
  const double values[4] = {neutral, 1.0, static_cast<double>(p.r), static_cast<double>(p.s)};
  for (int i = 0; i < 4; ++i)
    k.body.push_back(
        op("copy_gm_to_ub_pad.f16", {tile("consts", 64 * i), gm("x", Affine{})},
           {field("nburst", 1), field("burst_bytes", 2), field("value", fp16_bits(values[i])),
            field("left_pad", 16), field("right_pad", 15)}));
  // consts32 (fp32, 8 per block): blocks 2-3 one, 4-5 r, 6-7 s, 8 r * s.
  if (avg) {
    k.body.push_back(op("vconv.f32.f16", {tile("consts32"), tile("consts")},
                        {field("repeat", 1), field("src0_blk_stride", 2)}));
    k.body.push_back(op("vmul.f32",
                        {tile("consts32", 256), tile("consts32", 128), tile("consts32", 192)},
                        pixel_fields(1, 0, 0, 0, 0)));
  }

  Body rbody;  // one output row of one chunk
  rbody.push_back(make_let("cc", "t", true, CC));
  rbody.push_back(make_let("ta", "t", false, CC));
  rbody.push_back(make_let("oh", "ta", true, ho));
  rbody.push_back(make_let("on", "ta", false, ho));
  const int64_t acc_blocks = cc * acc_es / 32;  // blocks per pixel in the accumulator
  // Fills `tile_name` (bytes) with the constant block at `src_offset` of `src`.
  const auto fill = [&](const std::string& dst, int64_t bytes, const std::string& src,
                        int64_t src_offset, const std::string& type) {
    for (int64_t done = 0; done < bytes; done += 255 * 256) {
      const int64_t reps = std::min<int64_t>(255, (bytes - done) / 256);
      rbody.push_back(
          op("vcopy." + type, {tile(dst, done), tile(src, src_offset)},
             {field("repeat", reps), field("src0_blk_stride", 0), field("src0_rep_stride", 0)}));
    }
  };
  // The neutral block of `consts` (for avg 0.0, whose bits are also fp32 zeros) starts the
  // accumulator; reading `consts` here also keeps it live, so no tile reuses its bytes.
  fill("acc", acc_bytes, "consts", 0, avg ? "f32" : "f16");
  if (!p.count_include_pad) fill("cnt", acc_bytes, "consts", 0, "f32");

  // One filter row: load the input row (if it exists), combine it into the accumulator.
  Body kh_body;
  Affine src = var_expr("on", p.h * p.w * p.c * 2)
                   .add("oh", p.stride_h * p.w * p.c * 2)
                   .add("kh", p.w * p.c * 2)
                   .add("cc", cc * 2);
  src.constant = -p.pad_h * p.w * p.c * 2;
  const auto gap32 = [](int64_t chunk, int64_t channels) {
    return (chunk * 2 - round_up(channels * 2, 32)) / 32;
  };
  Body row_ops;
  row_ops.push_back(op("copy_gm_to_ub_pad.f16", {tile("row"), gm("x", src)},
                       {field("nburst", p.w), field("burst_bytes", per_chunk(cc * 2, c_tail * 2)),
                        field("gm_gap", per_chunk((p.c - cc) * 2, (p.c - c_tail) * 2)),
                        field("local_gap", per_chunk(gap32(cc, cc), gap32(cc, c_tail))),
                        field("right_pad", per_chunk(0, round_up(c_tail, 16) - c_tail))}));
  const std::string in_tile = avg ? "row32" : "row";
  if (avg) {
    const int64_t elems = p.w * cc;  // 64 per vconv repeat
    for (int64_t done = 0; done < elems; done += 255 * 64) {
      const int64_t reps = std::min<int64_t>(255, ceil_div(elems - done, 64));
      row_ops.push_back(
          op("vconv.f32.f16", {tile("row32", done * 4), tile("row", done * 2)},
             {field("repeat", reps), field("dst_rep_stride", 8), field("src0_rep_stride", 4)}));
    }
  }
  const std::string combine = avg ? "vadd.f32" : "vmax.f16";
  for (int64_t kw = 0; kw < p.s; ++kw) {
    // Output pixels whose input pixel iw = wo * stride - pad + kw is inside the row.
    const int64_t lo =
        std::max<int64_t>(0, ceil_div(std::max<int64_t>(0, p.pad_w - kw), p.stride_w));
    const int64_t hi = std::min<int64_t>(wo, (p.w - 1 + p.pad_w - kw) / p.stride_w + 1);
    for (int64_t first = lo; first < hi; first += 255) {
      const int64_t reps = std::min<int64_t>(255, hi - first);
      const int64_t iw = first * p.stride_w - p.pad_w + kw;
      // 8 blocks per repeat while 8 remain, then one block per op with block strides 0.
      for (int64_t b = 0; b < acc_blocks;) {
        const bool group = acc_blocks - b >= 8;
        const int64_t blk = group ? 1 : 0;
        const int64_t dst = (first * acc_blocks + b) * 32;
        row_ops.push_back(
            op(combine,
               {tile("acc", dst), tile("acc", dst), tile(in_tile, (iw * acc_blocks + b) * 32)},
               pixel_fields(reps, blk, acc_blocks, blk, p.stride_w * acc_blocks)));
        if (!p.count_include_pad)
          row_ops.push_back(op("vadd.f32",
                               {tile("cnt", dst), tile("cnt", dst), tile("consts32", 64)},
                               pixel_fields(reps, blk, acc_blocks, 0, 0)));
        b += group ? 8 : 1;
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

  std::string out_tile = "acc";
  if (avg) {
    // Divide by r * s or by the count, then back to fp16.
    for (int64_t done = 0; done < acc_bytes; done += 255 * 256) {
      const int64_t reps = std::min<int64_t>(255, (acc_bytes - done) / 256);
      if (p.count_include_pad)
        rbody.push_back(
            op("vdiv.f32", {tile("acc", done), tile("acc", done), tile("consts32", 256)},
               {field("repeat", reps), field("src1_blk_stride", 0), field("src1_rep_stride", 0)}));
      else
        rbody.push_back(op("vdiv.f32", {tile("acc", done), tile("acc", done), tile("cnt", done)},
                           {field("repeat", reps)}));
    }
    const int64_t elems = acc_bytes / 4;
    for (int64_t done = 0; done < elems; done += 255 * 64) {
      const int64_t reps = std::min<int64_t>(255, ceil_div(elems - done, 64));
      rbody.push_back(
          op("vconv.f16.f32", {tile("out16", done * 2), tile("acc", done * 4)},
             {field("repeat", reps), field("dst_rep_stride", 4), field("src0_rep_stride", 8)}));
    }
    out_tile = "out16";
  }
  Affine dst = var_expr("on", ho * wo * p.c * 2).add("oh", wo * p.c * 2).add("cc", cc * 2);
  rbody.push_back(op("copy_ub_to_gm_pad", {gm("y", dst), tile(out_tile)},
                     {field("nburst", wo), field("burst_bytes", per_chunk(cc * 2, c_tail * 2)),
                      field("gm_gap", per_chunk((p.c - cc) * 2, (p.c - c_tail) * 2)),
                      field("local_gap", per_chunk(gap32(cc, cc), gap32(cc, c_tail)))}));
  const int64_t rows = p.n * ho * CC;
  k.body.push_back(make_loop("t", rows, true, std::move(rbody)));

  r.tensors = {{"x", isa::DataType::kF16, u64(p.n * p.h * p.w * p.c), false},
               {"y", isa::DataType::kF16, u64(p.n * ho * wo * p.c), true}};
  // Workers: the AI cores, times their AIVs on split chips (pfor spreads rows over both).
  const int64_t aivs = chip.chip.organisation == config::Organisation::kSplit
                           ? static_cast<int64_t>(chip.chip.aiv_per_core)
                           : 1;
  r.block_dim = static_cast<uint32_t>(
      std::min<int64_t>(static_cast<int64_t>(chip.chip.cores), ceil_div(rows, aivs)));
  r.flops = static_cast<double>(p.n * ho * wo * p.c * p.r * p.s);
  r.summary = spec.op + " " + std::to_string(p.n) + "x" + std::to_string(p.h) + "x" +
              std::to_string(p.w) + "x" + std::to_string(p.c) + " (NHWC), kernel " +
              std::to_string(p.r) + "x" + std::to_string(p.s) + " -> " + std::to_string(ho) + "x" +
              std::to_string(wo) + ", " + std::to_string(cc) + "-channel chunks, " +
              std::to_string(rows) + " output rows";
  // max: exact. avg: fp32 sums of fp16 inputs, one division, one rounding to fp16.
  r.rtol = avg ? 2e-3 : 0;
  r.atol = avg ? 1e-4 : 0;
  return r;
}

Tensors reference_pool(const OpSpec& spec, const Tensors& in, PoolKind kind) {
  const PoolSpec p = parse_pool(spec, kind);
  const int64_t ho = p.out_h(), wo = p.out_w();
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
              const double v = in[0][static_cast<size_t>(((b * p.h + ih) * p.w + iw) * p.c + c)];
              acc = kind == PoolKind::kMax ? std::max(acc, v) : acc + v;
              ++count;
            }
          if (kind != PoolKind::kMax)
            acc /= static_cast<double>(p.count_include_pad ? p.r * p.s : count);
          y[static_cast<size_t>(((b * ho + oh) * wo + ow) * p.c + c)] = acc;
        }
  return {y};
}

OpKernel build_maxpool(const OpSpec& s, const config::ChipConfig& c) {
  return build_pool(s, c, PoolKind::kMax);
}
OpKernel build_avgpool(const OpSpec& s, const config::ChipConfig& c) {
  return build_pool(s, c, PoolKind::kAvg);
}
OpKernel build_global_avgpool(const OpSpec& s, const config::ChipConfig& c) {
  return build_pool(s, c, PoolKind::kGlobalAvg);
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
