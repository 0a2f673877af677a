// The data-movement instructions of MTE2, MTE1 (burst copies only) and MTE3: burst copies with
// gaps, byte-granular pad copies, ND -> NZ on the way into L1, and the atomic-add store.
// Address generation is MteAddressGen's (sim/exec/mte_address_gen.h); the arithmetic of the
// atomic add is numerics::add.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "numerics/elementwise.h"
#include "sim/exec/exec_common.h"
#include "sim/exec/mte_address_gen.h"

namespace npu::sim::exec {
namespace {

using isa::Buffer;
using isa::Opcode;

enum class Kind { kBurst, kPadIn, kPadOut, kNd2Nz };

// Everything describe() and execute() need, computed once from the operands.
struct MtePlan {
  Kind kind = Kind::kBurst;
  Buffer dst_buffer = Buffer::kGm;
  Buffer src_buffer = Buffer::kGm;
  uint64_t dst = 0, src = 0;
  MteAddressParams gen;     // kBurst, kPadIn (data part), kPadOut
  uint64_t dst_extent = 0;  // bounding interval sizes
  uint64_t src_extent = 0;
  uint64_t data_bytes = 0;  // bytes moved
  // kPadIn
  uint64_t element_bytes = 1;
  uint64_t left_bytes = 0, right_bytes = 0, row_bytes = 0;  // row_bytes rounded up to 32
  uint32_t pad_value = 0;
  // kNd2Nz
  isa::Nd2NzParams nd;
};

Kind kind_of(Opcode opcode) {
  switch (opcode) {
    case Opcode::kCopyGmToL1Pad:
    case Opcode::kCopyGmToUbPad:
      return Kind::kPadIn;
    case Opcode::kCopyUbToGmPad:
      return Kind::kPadOut;
    case Opcode::kCopyGmToL1Nd2nz:
      return Kind::kNd2Nz;
    default:
      return Kind::kBurst;
  }
}

void check_side(const LocalBuffers& buffers, const GlobalMemory& gm, Buffer buffer,
                std::string_view operand, uint64_t address, uint64_t bytes,
                uint64_t gm_alignment = 1) {
  if (buffer == Buffer::kGm) {
    if (address % gm_alignment != 0) {
      fault(fmt::format("{} GM address {:#x} is not aligned to {} bytes", operand, address,
                        gm_alignment));
    }
    check_gm(gm, operand, address, bytes);
  } else {
    check_local(buffers, buffer, operand, address, bytes);
  }
}

// Decodes and checks the operands. Throws AccessFault on any violation.
MtePlan plan(const Context& ctx, const Operands& op, const LocalBuffers& buffers,
             const GlobalMemory& gm) {
  const isa::Instruction& inst = *op.inst;
  const isa::InstructionInfo& info = isa::info(inst.opcode);
  check_dtypes(inst);
  check_path(ctx, *info.path);
  MtePlan p;
  p.kind = kind_of(inst.opcode);
  p.dst_buffer = info.fields[0].buffer;
  p.src_buffer = info.fields[1].buffer;
  p.dst = op.rs[0];
  p.src = op.rs[1];
  uint64_t gm_alignment = 1;
  switch (p.kind) {
    case Kind::kBurst: {
      check_packed_word(isa::kMteLayout, "params", op.rs[2]);
      const isa::MteParams m = isa::unpack_mte_params(op.rs[2]);
      p.gen = {p.src,
               p.dst,
               m.nburst,
               uint64_t{m.burst_len} * 32,
               (uint64_t{m.burst_len} + m.src_gap) * 32,
               (uint64_t{m.burst_len} + m.dst_gap) * 32};
      p.src_extent = MteAddressGen::src_extent(p.gen);
      p.dst_extent = MteAddressGen::dst_extent(p.gen);
      p.data_bytes = p.gen.nburst * p.gen.burst_bytes;
      if (inst.opcode == Opcode::kCopyUbToGmAtomicAdd) {
        p.element_bytes = isa::element_size(inst.dtype);
        gm_alignment = p.element_bytes;
      }
      break;
    }
    case Kind::kPadIn: {
      check_packed_word(isa::kPadLayout, "params", op.rs[2]);
      check_packed_word(isa::kPadValueLayout, "pad", op.rs[3]);
      const isa::PadParams pp = isa::unpack_pad_params(op.rs[2]);
      const isa::PadValue pv = isa::unpack_pad_value(op.rs[3]);
      p.element_bytes = isa::element_size(inst.dtype);
      if (pp.burst_bytes % p.element_bytes != 0) {
        fault(fmt::format("params: burst_bytes {} is not a multiple of the {}-byte {} element",
                          pp.burst_bytes, p.element_bytes, isa::long_name(inst.dtype)));
      }
      p.left_bytes = pv.left_pad * p.element_bytes;
      p.right_bytes = pv.right_pad * p.element_bytes;
      if (p.left_bytes > 32 || p.right_bytes > 32) {
        fault(
            fmt::format("pad: left_pad {} and right_pad {} {} elements must each fit in 32 "
                        "bytes",
                        pv.left_pad, pv.right_pad, isa::long_name(inst.dtype)));
      }
      p.pad_value = pv.value;
      p.row_bytes = round_up(p.left_bytes + pp.burst_bytes + p.right_bytes, 32);
      const uint64_t row_pitch = p.row_bytes + uint64_t{pp.local_gap} * 32;
      p.gen = {p.src,
               p.dst + p.left_bytes,
               pp.nburst,
               pp.burst_bytes,
               uint64_t{pp.burst_bytes} + pp.gm_gap,
               row_pitch};
      p.src_extent = MteAddressGen::src_extent(p.gen);
      p.dst_extent = (p.gen.nburst - 1) * row_pitch + p.row_bytes;
      p.data_bytes = p.gen.nburst * p.row_bytes;
      break;
    }
    case Kind::kPadOut: {
      check_packed_word(isa::kPadLayout, "params", op.rs[2]);
      const isa::PadParams pp = isa::unpack_pad_params(op.rs[2]);
      const uint64_t row_pitch = round_up(pp.burst_bytes, 32) + uint64_t{pp.local_gap} * 32;
      p.gen = {p.src,          p.dst,     pp.nburst,
               pp.burst_bytes, row_pitch, uint64_t{pp.burst_bytes} + pp.gm_gap};
      p.src_extent = MteAddressGen::src_extent(p.gen);
      p.dst_extent = MteAddressGen::dst_extent(p.gen);
      p.data_bytes = p.gen.nburst * p.gen.burst_bytes;
      break;
    }
    case Kind::kNd2Nz: {
      check_packed_word(isa::kNd2NzLayout, "params", op.rs[2]);
      p.nd = isa::unpack_nd2nz_params(op.rs[2]);
      p.element_bytes = isa::element_size(inst.dtype);
      if (p.nd.src_row_stride < p.nd.cols) {
        fault(
            fmt::format("params: src_row_stride {} is less than cols {}, so source rows "
                        "would overlap",
                        p.nd.src_row_stride, p.nd.cols));
      }
      if (p.nd.dst_c0_stride < p.nd.rows) {
        fault(
            fmt::format("params: dst_c0_stride {} is less than rows {}, so column blocks "
                        "would overlap in L1",
                        p.nd.dst_c0_stride, p.nd.rows));
      }
      const uint64_t c0 = isa::c0_elements(inst.dtype);
      const uint64_t blocks = ceil_div(p.nd.cols, c0);
      p.dst_extent = (blocks - 1) * p.nd.dst_c0_stride * 32 + uint64_t{p.nd.rows} * 32;
      p.src_extent = (uint64_t{p.nd.rows} - 1) * p.nd.src_row_stride * p.element_bytes +
                     uint64_t{p.nd.cols} * p.element_bytes;
      p.data_bytes = blocks * p.nd.rows * 32;
      break;
    }
  }
  check_side(buffers, gm, p.dst_buffer, "dst", p.dst, p.dst_extent, gm_alignment);
  check_side(buffers, gm, p.src_buffer, "src", p.src, p.src_extent);
  if (p.src_buffer == p.dst_buffer && p.src < p.dst + p.dst_extent &&
      p.dst < p.src + p.src_extent) {
    fault(
        fmt::format("dst {} [{:#x}, +{}) overlaps src [{:#x}, +{}): a local copy's source and "
                    "destination may not overlap",
                    buffer_name(p.dst_buffer), p.dst, p.dst_extent, p.src, p.src_extent));
  }
  return p;
}

// The GM side of the transfer as the memory system sees it.
GmPattern gm_pattern(const MtePlan& p) {
  const bool gm_is_src = p.src_buffer == Buffer::kGm;
  if (p.kind == Kind::kNd2Nz) {
    return {p.src, p.nd.rows, uint64_t{p.nd.cols} * p.element_bytes,
            uint64_t{p.nd.src_row_stride} * p.element_bytes};
  }
  return {gm_is_src ? p.gen.src : p.gen.dst, p.gen.nburst, p.gen.burst_bytes,
          gm_is_src ? p.gen.src_stride : p.gen.dst_stride};
}

// Fills `bytes` at `dst` with the low `element_bytes` bytes of `value`, repeated.
void fill_pattern(uint8_t* dst, uint64_t bytes, uint32_t value, uint64_t element_bytes) {
  uint8_t element[4];
  std::memcpy(element, &value, sizeof(element));
  for (uint64_t i = 0; i < bytes; ++i) {
    dst[i] = element[i % element_bytes];
  }
}

template <typename T, typename Add>
void add_elements(uint8_t* dst, const uint8_t* src, uint64_t bytes, Add add) {
  for (uint64_t i = 0; i + sizeof(T) <= bytes; i += sizeof(T)) {
    store<T>(dst + i, add(load<T>(dst + i), load<T>(src + i)));
  }
}

// dst[i] += src[i] over `bytes` bytes of `type` elements (the atomic add's arithmetic).
void atomic_add(isa::DataType type, uint8_t* dst, const uint8_t* src, uint64_t bytes) {
  using numerics::Bf16;
  using numerics::Fp16;
  switch (type) {
    case isa::DataType::kF16:
      add_elements<Fp16>(dst, src, bytes, [](Fp16 a, Fp16 b) { return numerics::add(a, b); });
      break;
    case isa::DataType::kBf16:
      add_elements<Bf16>(dst, src, bytes, [](Bf16 a, Bf16 b) { return numerics::add(a, b); });
      break;
    case isa::DataType::kF32:
      add_elements<float>(dst, src, bytes, [](float a, float b) { return numerics::add(a, b); });
      break;
    case isa::DataType::kS32:
      add_elements<uint32_t>(dst, src, bytes, [](uint32_t a, uint32_t b) { return a + b; });
      break;
    default:
      NPU_UNREACHABLE("atomic add of a type describe() rejects");
  }
}

// The base pointer of one side: the local buffer, or the GM span of the bounding interval
// (addresses below are then relative to `base_address`).
struct Side {
  uint8_t* base = nullptr;
  uint64_t base_address = 0;
};

Side side(LocalBuffers& buffers, GlobalMemory& gm, Buffer buffer, uint64_t address,
          uint64_t extent) {
  if (buffer == Buffer::kGm) {
    return {gm.span(address, extent).data(), address};
  }
  return {buffers.bytes(buffer).data(), 0};
}

}  // namespace

bool is_mte(Opcode opcode) {
  switch (opcode) {
    case Opcode::kCopyGmToL1:
    case Opcode::kCopyGmToUb:
    case Opcode::kCopyGmToL0a:
    case Opcode::kCopyGmToL0b:
    case Opcode::kCopyGmToL1Pad:
    case Opcode::kCopyGmToUbPad:
    case Opcode::kCopyGmToL1Nd2nz:
    case Opcode::kCopyL1ToUb:
    case Opcode::kCopyL1ToBt:
    case Opcode::kCopyUbToGm:
    case Opcode::kCopyUbToGmAtomicAdd:
    case Opcode::kCopyUbToGmPad:
    case Opcode::kCopyUbToL1:
    case Opcode::kCopyUbToUb:
      return true;
    default:
      return false;
  }
}

void describe_mte(const Context& ctx, const Operands& op, const LocalBuffers& buffers,
                  const GlobalMemory& gm, Work& work) {
  const MtePlan p = plan(ctx, op, buffers, gm);
  work.bytes = p.data_bytes;
  if (p.src_buffer == Buffer::kGm || p.dst_buffer == Buffer::kGm) {
    set_gm(work, gm_pattern(p), p.dst_buffer == Buffer::kGm);
  }
  add_access(work, p.src_buffer, p.src, p.src_extent, false);
  add_access(work, p.dst_buffer, p.dst, p.dst_extent, true);
}

void execute_mte(const Context& ctx, const Operands& op, LocalBuffers& buffers, GlobalMemory& gm) {
  const MtePlan p = plan(ctx, op, buffers, gm);
  const Side src = side(buffers, gm, p.src_buffer, p.src, p.src_extent);
  const Side dst = side(buffers, gm, p.dst_buffer, p.dst, p.dst_extent);
  switch (p.kind) {
    case Kind::kBurst:
    case Kind::kPadOut: {
      const bool atomic = op.inst->opcode == Opcode::kCopyUbToGmAtomicAdd;
      for (MteAddressGen gen(p.gen); !gen.done();) {
        const MteBurst b = gen.next();
        uint8_t* to = dst.base + (b.dst - dst.base_address);
        const uint8_t* from = src.base + (b.src - src.base_address);
        if (atomic) {
          atomic_add(op.inst->dtype, to, from, b.bytes);
        } else {
          std::memcpy(to, from, b.bytes);
        }
      }
      break;
    }
    case Kind::kPadIn: {
      for (MteAddressGen gen(p.gen); !gen.done();) {
        const MteBurst b = gen.next();
        uint8_t* row = dst.base + (b.dst - p.left_bytes);
        fill_pattern(row, p.left_bytes, p.pad_value, p.element_bytes);
        std::memcpy(row + p.left_bytes, src.base + (b.src - src.base_address), b.bytes);
        const uint64_t tail = p.row_bytes - p.left_bytes - b.bytes;
        fill_pattern(row + p.left_bytes + b.bytes, tail, p.pad_value, p.element_bytes);
      }
      break;
    }
    case Kind::kNd2Nz: {
      const uint64_t c0 = isa::c0_elements(op.inst->dtype);
      const uint64_t blocks = ceil_div(p.nd.cols, c0);
      for (uint64_t j = 0; j < blocks; ++j) {
        const uint64_t cols = std::min<uint64_t>(c0, p.nd.cols - j * c0);
        const MteAddressParams params{p.src + j * c0 * p.element_bytes,
                                      p.dst + j * p.nd.dst_c0_stride * 32,
                                      p.nd.rows,
                                      cols * p.element_bytes,
                                      uint64_t{p.nd.src_row_stride} * p.element_bytes,
                                      32};
        for (MteAddressGen gen(params); !gen.done();) {
          const MteBurst b = gen.next();
          uint8_t* row = dst.base + b.dst;
          std::memcpy(row, src.base + (b.src - src.base_address), b.bytes);
          std::memset(row + b.bytes, 0, 32 - b.bytes);  // columns past the matrix are zero
        }
      }
      break;
    }
  }
}

}  // namespace npu::sim::exec
