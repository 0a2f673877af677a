// MTE1's fractal loads: load2d (512-byte fractals L1 -> L0A / L0B with start index, repeat,
// stride, gap and an optional transpose: of each 16 x 16 fractal for 16-bit types, of each
// 32 x 32 block of two fractals for 8-bit types) and load3d (img2col from an L1 feature map
// into L0A, driven by Img2colAddressGen with the fmatrix and padding value set beforehand).
#include <fmt/format.h>

#include <cstring>

#include "sim/exec/exec_common.h"
#include "sim/exec/img2col_address_gen.h"
#include "sim/exec/mte_address_gen.h"

namespace npu::sim::exec {
namespace {

using isa::Buffer;
using isa::Opcode;

constexpr uint64_t kFractalBytes = 512;

struct Load2dPlan {
  Buffer dst_buffer = Buffer::kL0a;
  // One "burst" per fractal; for an 8-bit transpose one per 32 x 32 block (two source
  // fractals), whose second half lands `half_stride` bytes after its first.
  MteAddressParams gen;
  bool transpose = false;
  bool transpose_8bit = false;
  uint64_t half_stride = 0;
  uint64_t src_first = 0, src_extent = 0, dst_extent = 0;
};

Load2dPlan plan_load2d(const Context& ctx, const Operands& op, const LocalBuffers& buffers) {
  const isa::Instruction& inst = *op.inst;
  check_dtypes(inst);
  check_path(ctx, *isa::info(inst.opcode).path);
  check_packed_word(isa::kLoad2dLayout, "params", op.rs[2]);
  const isa::Load2dParams lp = isa::unpack_load2d_params(op.rs[2]);
  Load2dPlan p;
  p.dst_buffer = inst.opcode == Opcode::kLoad2dL1ToL0a ? Buffer::kL0a : Buffer::kL0b;
  p.transpose = lp.transpose;
  const uint64_t es = isa::element_size(inst.dtype);
  if (p.transpose && es != 2 && es != 1) {
    fault(fmt::format("params: transpose needs a 16-bit or 8-bit data type, not {}",
                      isa::long_name(inst.dtype)));
  }
  p.transpose_8bit = p.transpose && es == 1;
  p.src_first = op.rs[1] + uint64_t{lp.start_index} * kFractalBytes;
  // Destination fractals (two per repeat for an 8-bit transpose) are (dst_gap + 1) apart.
  const uint64_t dst_pitch = (uint64_t{lp.dst_gap} + 1) * kFractalBytes;
  const uint64_t per_repeat = p.transpose_8bit ? 2 : 1;
  p.gen = {p.src_first,
           op.rs[0],
           lp.repeat,
           per_repeat * kFractalBytes,
           uint64_t{lp.src_stride} * kFractalBytes,
           per_repeat * dst_pitch};
  p.half_stride = dst_pitch;
  p.src_extent = MteAddressGen::src_extent(p.gen);
  p.dst_extent = (per_repeat * lp.repeat - 1) * dst_pitch + kFractalBytes;
  check_local(buffers, Buffer::kL1, "src", op.rs[1], 0);
  check_local(buffers, Buffer::kL1, "src", p.src_first, p.src_extent);
  check_local(buffers, p.dst_buffer, "dst", op.rs[0], p.dst_extent);
  return p;
}

struct Load3dPlan {
  Img2colParams params;
  uint64_t element_bytes = 2;
  uint64_t src_extent = 0, dst_extent = 0;
};

Load3dPlan plan_load3d(const Context& ctx, const Operands& op, const PipeState& state,
                       const LocalBuffers& buffers) {
  const isa::Instruction& inst = *op.inst;
  check_dtypes(inst);
  check_path(ctx, *isa::info(inst.opcode).path);
  check_packed_word(isa::kFmatrixLayout, "fmatrix set by set_fmatrix", state.fmatrix[0]);
  check_packed_word(isa::kLoad3dPosLayout, "pos", op.rs[2]);
  check_packed_word(isa::kLoad3dGeomLayout, "geom", op.rs[3]);
  const isa::FmatrixParams fm = isa::unpack_fmatrix_params(state.fmatrix[0]);
  const isa::Load3dPos pos = isa::unpack_load3d_pos(op.rs[2]);
  const isa::Load3dGeom geom = isa::unpack_load3d_geom(op.rs[3]);
  Load3dPlan p;
  p.element_bytes = isa::element_size(inst.dtype);
  const uint32_t c0 = isa::c0_elements(inst.dtype);
  Img2colParams& g = p.params;
  g = {fm.width,        fm.height,
       fm.pad_left,     fm.pad_right,
       fm.pad_top,      fm.pad_bottom,
       geom.stride_w,   geom.stride_h,
       geom.filter_w,   geom.filter_h,
       geom.dilation_w, geom.dilation_h,
       geom.channels,   c0,
       pos.m_start,     pos.m_extension,
       pos.k_start,     pos.k_extension};
  if (g.channels % c0 != 0) {
    fault(fmt::format("geom: channels {} is not a multiple of C0 = {}", g.channels, c0));
  }
  if (g.m_start % 16 != 0 || g.m_extension % 16 != 0) {
    fault(fmt::format("pos: m_start {} and m_extension {} must be multiples of 16", g.m_start,
                      g.m_extension));
  }
  if (g.k_start % c0 != 0 || g.k_extension % c0 != 0) {
    fault(fmt::format("pos: k_start {} and k_extension {} must be multiples of C0 = {}", g.k_start,
                      g.k_extension, c0));
  }
  if (g.out_height() == 0 || g.out_width() == 0) {
    fault(
        fmt::format("geom: the {}x{} filter (dilation {}x{}) does not fit the padded {}x{} "
                    "feature map",
                    g.filter_h, g.filter_w, g.dilation_h, g.dilation_w,
                    uint64_t{g.fm_height} + g.pad_top + g.pad_bottom,
                    uint64_t{g.fm_width} + g.pad_left + g.pad_right));
  }
  const uint64_t k_total = uint64_t{g.channels} * g.filter_h * g.filter_w;
  if (uint64_t{g.k_start} + g.k_extension > k_total) {
    fault(
        fmt::format("pos: k_start {} + k_extension {} exceeds K = {} (channels x filter_h x "
                    "filter_w)",
                    g.k_start, g.k_extension, k_total));
  }
  p.src_extent = uint64_t{g.channels / c0} * g.fm_height * g.fm_width * 32;
  p.dst_extent = uint64_t{g.m_extension / 16} * (g.k_extension / c0) * kFractalBytes;
  check_local(buffers, Buffer::kL1, "src", op.rs[1], p.src_extent);
  check_local(buffers, Buffer::kL0a, "dst", op.rs[0], p.dst_extent);
  return p;
}

// One 32 x 32 block of 8-bit elements (two fractals, 1024 contiguous bytes at src), transposed:
// element (r, c) goes to (c, r); rows 0..15 of the result to dst0, rows 16..31 to dst1.
void transpose_block_8bit(uint8_t* dst0, uint8_t* dst1, const uint8_t* src) {
  uint8_t out[1024];
  for (int r = 0; r < 32; ++r) {
    for (int c = 0; c < 32; ++c) {
      out[c * 32 + r] = src[r * 32 + c];
    }
  }
  std::memcpy(dst0, out, 512);
  std::memcpy(dst1, out + 512, 512);
}

// One 16 x 16 fractal of 16-bit elements, transposed.
void transpose_fractal(uint8_t* dst, const uint8_t* src) {
  uint16_t in[256];
  std::memcpy(in, src, sizeof(in));
  uint16_t out[256];
  for (int r = 0; r < 16; ++r) {
    for (int c = 0; c < 16; ++c) {
      out[c * 16 + r] = in[r * 16 + c];
    }
  }
  std::memcpy(dst, out, sizeof(out));
}

}  // namespace

bool is_load(Opcode opcode) {
  return opcode == Opcode::kLoad2dL1ToL0a || opcode == Opcode::kLoad2dL1ToL0b ||
         opcode == Opcode::kLoad3dL1ToL0a;
}

void describe_load(const Context& ctx, const Operands& op, const PipeState& state,
                   const LocalBuffers& buffers, Work& work) {
  if (op.inst->opcode == Opcode::kLoad3dL1ToL0a) {
    const Load3dPlan p = plan_load3d(ctx, op, state, buffers);
    work.bytes = p.dst_extent;
    add_access(work, Buffer::kL1, op.rs[1], p.src_extent, false);
    add_access(work, Buffer::kL0a, op.rs[0], p.dst_extent, true);
    return;
  }
  const Load2dPlan p = plan_load2d(ctx, op, buffers);
  work.bytes = p.gen.nburst * p.gen.burst_bytes;
  add_access(work, Buffer::kL1, p.src_first, p.src_extent, false);
  add_access(work, p.dst_buffer, op.rs[0], p.dst_extent, true);
}

void execute_load(const Context& ctx, const Operands& op, const PipeState& state,
                  LocalBuffers& buffers) {
  uint8_t* l1 = buffers.bytes(Buffer::kL1).data();
  if (op.inst->opcode == Opcode::kLoad3dL1ToL0a) {
    const Load3dPlan p = plan_load3d(ctx, op, state, buffers);
    uint8_t pad_row[32];
    const uint64_t pad = state.padding;
    for (uint64_t i = 0; i < 32; ++i) {
      pad_row[i] = static_cast<uint8_t>(pad >> (8 * (i % p.element_bytes)));
    }
    static constexpr uint8_t kZeroRow[32] = {};
    uint8_t* dst = local_ptr(buffers, Buffer::kL0a, op.rs[0]);
    const uint8_t* src = l1 + op.rs[1];
    for (Img2colAddressGen gen(p.params); !gen.done();) {
      const Img2colRow row = gen.next();
      const uint8_t* from = row.source == Img2colSource::kFeatureMap ? src + row.src_offset
                            : row.source == Img2colSource::kPadding  ? pad_row
                                                                     : kZeroRow;
      std::memcpy(dst + row.dst_offset, from, 32);
    }
    return;
  }
  const Load2dPlan p = plan_load2d(ctx, op, buffers);
  uint8_t* dst = buffers.bytes(p.dst_buffer).data();
  for (MteAddressGen gen(p.gen); !gen.done();) {
    const MteBurst b = gen.next();
    if (p.transpose_8bit) {
      transpose_block_8bit(dst + b.dst, dst + b.dst + p.half_stride, l1 + b.src);
    } else if (p.transpose) {
      transpose_fractal(dst + b.dst, l1 + b.src);
    } else {
      std::memmove(dst + b.dst, l1 + b.src, b.bytes);
    }
  }
}

}  // namespace npu::sim::exec
