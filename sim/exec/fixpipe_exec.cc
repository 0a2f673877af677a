// The fixpipe: an m x n tile of L0C (fp32 or int32, NZ) written to GM, L1 or UB with the
// conversion, scale and ReLU of numerics/fixpipe.h, in NZ (C0 = 32 bytes of the output type
// per row: fp32 splits into 8-column blocks, int8 merges into 32-column blocks) or ND layout,
// and into GM optionally as an atomic add.
#include <fmt/format.h>

#include "numerics/elementwise.h"
#include "numerics/fixpipe.h"
#include "sim/exec/exec_common.h"

namespace npu::sim::exec {
namespace {

using isa::Buffer;
using isa::DataType;
using isa::Opcode;

struct FixPlan {
  isa::FixpipeParams params;
  Buffer dst_buffer = Buffer::kGm;
  uint64_t dst = 0, src = 0;
  uint64_t out_bytes = 4;  // element size of the output
  uint64_t out_c0 = 8;     // NZ output: elements per 32-byte row
  bool nd = false;
  bool atomic = false;
  numerics::Relu relu = numerics::Relu::kOff;
  float scale = 1.0f;
  uint64_t src_extent = 0, dst_extent = 0;
  uint64_t rows = 0, cols = 0;  // the region written: m x n, or padded to whole NZ rows

  // Byte offset of element (r, c) in the source and in the destination.
  uint64_t src_offset(uint64_t r, uint64_t c) const {
    return ((c / 16) * params.src_stride * 16 + r) * 64 + (c % 16) * 4;
  }
  uint64_t dst_offset(uint64_t r, uint64_t c) const {
    if (nd) {
      return (r * params.dst_stride + c) * out_bytes;
    }
    return ((c / out_c0) * params.dst_stride + r) * 32 + (c % out_c0) * out_bytes;
  }
};

FixPlan plan(const Context& ctx, const Operands& op, const LocalBuffers& buffers,
             const GlobalMemory& gm) {
  const isa::Instruction& inst = *op.inst;
  check_dtypes(inst);
  check_path(ctx, *isa::info(inst.opcode).path);
  check_packed_word(isa::kFixpipeLayout, "params", op.rs[2]);
  FixPlan p;
  p.params = isa::unpack_fixpipe_params(op.rs[2]);
  p.dst_buffer = inst.opcode == Opcode::kFixL0cToGm   ? Buffer::kGm
                 : inst.opcode == Opcode::kFixL0cToL1 ? Buffer::kL1
                                                      : Buffer::kUb;
  p.dst = op.rs[0];
  p.src = op.rs[1];
  p.out_bytes = isa::element_size(inst.dtype);
  p.out_c0 = isa::c0_elements(inst.dtype);
  p.nd = inst.layout == isa::FixLayout::kNd;
  p.atomic = inst.atomic && p.dst_buffer == Buffer::kGm;
  p.relu = inst.relu ? numerics::Relu::kOn : numerics::Relu::kOff;
  p.scale = numerics::fp32_from_bits(static_cast<uint32_t>(op.rs[3]));
  // NZ output writes whole 32-byte rows of whole 16-row fractals.
  const uint64_t m = p.nd ? p.params.m : round_up(p.params.m, 16);
  const uint64_t n = p.nd ? p.params.n : round_up(p.params.n, p.out_c0);
  p.rows = m;
  p.cols = n;
  if (p.params.src_stride < ceil_div(p.params.m, 16)) {
    fault(
        fmt::format("params: src_stride {} is less than ceil(m / 16) = {}, so L0C column "
                    "fractals would overlap",
                    p.params.src_stride, ceil_div(p.params.m, 16)));
  }
  if (p.atomic && inst.dtype == DataType::kS8) {
    fault("atomic add needs an f16, bf16, f32 or s32 output, not s8");
  }
  if (p.nd && p.params.dst_stride < n) {
    fault(fmt::format("params: ND dst_stride {} is less than n {}, so rows would overlap",
                      p.params.dst_stride, n));
  }
  if (!p.nd && p.params.dst_stride < m) {
    fault(
        fmt::format("params: NZ dst_stride {} is less than m rounded up to 16 ({}), so column "
                    "blocks would overlap",
                    p.params.dst_stride, m));
  }
  p.src_extent = p.src_offset(m - 1, n - 1) + 4;
  p.dst_extent = p.dst_offset(m - 1, n - 1) + p.out_bytes;
  check_local(buffers, Buffer::kL0c, "src", p.src, p.src_extent);
  if (p.dst_buffer == Buffer::kGm) {
    if (p.dst % p.out_bytes != 0) {
      fault(fmt::format("dst GM address {:#x} is not aligned to the {}-byte output element", p.dst,
                        p.out_bytes));
    }
    check_gm(gm, "dst", p.dst, p.dst_extent);
  } else {
    check_local(buffers, p.dst_buffer, "dst", p.dst, p.dst_extent);
  }
  return p;
}

template <typename Src, typename Dst, typename Convert>
void write_tile(const FixPlan& p, const uint8_t* src, uint8_t* dst, Convert convert) {
  for (uint64_t c = 0; c < p.cols; ++c) {
    for (uint64_t r = 0; r < p.rows; ++r) {
      const Dst value = convert(load<Src>(src + p.src_offset(r, c)));
      uint8_t* out = dst + p.dst_offset(r, c);
      if constexpr (std::is_same_v<Dst, int32_t>) {
        if (p.atomic) {
          store<int32_t>(out, static_cast<int32_t>(static_cast<uint32_t>(load<int32_t>(out)) +
                                                   static_cast<uint32_t>(value)));
          continue;
        }
      } else if constexpr (!std::is_same_v<Dst, int8_t>) {
        if (p.atomic) {
          store<Dst>(out, numerics::add(load<Dst>(out), value));
          continue;
        }
      }
      store<Dst>(out, value);
    }
  }
}

}  // namespace

bool is_fixpipe(Opcode opcode) {
  return opcode == Opcode::kFixL0cToGm || opcode == Opcode::kFixL0cToL1 ||
         opcode == Opcode::kFixL0cToUb;
}

void describe_fixpipe(const Context& ctx, const Operands& op, const LocalBuffers& buffers,
                      const GlobalMemory& gm, Work& work) {
  const FixPlan p = plan(ctx, op, buffers, gm);
  work.bytes = p.rows * p.cols * p.out_bytes;
  if (p.dst_buffer == Buffer::kGm) {
    const GmPattern pattern =
        p.nd ? GmPattern{p.dst, p.rows, p.cols * p.out_bytes, p.params.dst_stride * p.out_bytes}
             : GmPattern{p.dst, p.cols / p.out_c0, p.rows * 32, uint64_t{p.params.dst_stride} * 32};
    set_gm(work, pattern, true);
  }
  add_access(work, Buffer::kL0c, p.src, p.src_extent, false);
  add_access(work, p.dst_buffer, p.dst, p.dst_extent, true);
}

void execute_fixpipe(const Context& ctx, const Operands& op, LocalBuffers& buffers,
                     GlobalMemory& gm) {
  using numerics::Bf16;
  using numerics::Fp16;
  const FixPlan p = plan(ctx, op, buffers, gm);
  const uint8_t* src = local_ptr(buffers, Buffer::kL0c, p.src);
  uint8_t* dst = p.dst_buffer == Buffer::kGm ? gm.span(p.dst, p.dst_extent).data()
                                             : local_ptr(buffers, p.dst_buffer, p.dst);
  const numerics::Relu relu = p.relu;
  const float scale = p.scale;
  const DataType out = op.inst->dtype;
  if (op.inst->src_dtype == DataType::kF32) {
    switch (out) {
      case DataType::kF32:
        write_tile<float, float>(
            p, src, dst, [relu](float x) { return numerics::fixpipe_fp32_to_fp32(x, relu); });
        return;
      case DataType::kF16:
        write_tile<float, Fp16>(
            p, src, dst, [relu](float x) { return numerics::fixpipe_fp32_to_fp16(x, relu); });
        return;
      case DataType::kBf16:
        write_tile<float, Bf16>(
            p, src, dst, [relu](float x) { return numerics::fixpipe_fp32_to_bf16(x, relu); });
        return;
      case DataType::kS8:
        write_tile<float, int8_t>(p, src, dst, [relu, scale](float x) {
          return numerics::fixpipe_fp32_to_int8(x, scale, relu);
        });
        return;
      default:
        break;
    }
  } else {
    switch (out) {
      case DataType::kS32:
        write_tile<int32_t, int32_t>(
            p, src, dst, [relu](int32_t x) { return numerics::fixpipe_int32_to_int32(x, relu); });
        return;
      case DataType::kF16:
        write_tile<int32_t, Fp16>(p, src, dst, [relu, scale](int32_t x) {
          return numerics::fixpipe_int32_to_fp16(x, scale, relu);
        });
        return;
      case DataType::kS8:
        write_tile<int32_t, int8_t>(p, src, dst, [relu, scale](int32_t x) {
          return numerics::fixpipe_int32_to_int8(x, scale, relu);
        });
        return;
      default:
        break;
    }
  }
  NPU_UNREACHABLE("fixpipe type pair describe() rejects");
}

}  // namespace npu::sim::exec
