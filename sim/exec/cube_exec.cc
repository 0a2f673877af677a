// The cube's mmad: C (m x n, NZ in L0C) = init + A (m x k, ZZ in L0A) * B (k x n, ZN in L0B),
// fp16 / bf16 -> fp32 and int8 / uint8 -> int32. The arithmetic and the accumulation order are
// numerics/cube.h's: each A and B fractal is widened to fp32 once per instruction, then every
// (m1, n1) output fractal accumulates its k1 fractals in order through the same fractal kernel
// the numerics library defines, so the result is that of mac_fp16 / mac_bf16 / mac_int8 for
// every element.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "numerics/cube.h"
#include "numerics/elementwise.h"
#include "sim/exec/exec_common.h"

namespace npu::sim::exec {
namespace {

using isa::Buffer;
using isa::DataType;

constexpr uint64_t kAbFractalBytes = 512;  // one L0A / L0B fractal: 16 x 32 bytes
constexpr uint64_t kCFractalBytes = 1024;  // one L0C fractal: 16 x 16 x 4 bytes

struct MmadPlan {
  isa::MmadParams params;
  bool noop = false;
  uint64_t k0 = 16;  // elements of k per fractal
  uint64_t m1 = 0, k1 = 0, n1 = 0;
  uint64_t a = 0, b = 0, c = 0;
  uint64_t a_bytes = 0, b_bytes = 0, c_bytes = 0;
};

const config::CubeShape& shape_for(const config::ChipConfig& config, DataType src,
                                   std::string_view& name) {
  switch (src) {
    case DataType::kF16:
      name = "fp16";
      return config.cube.fp16;
    case DataType::kBf16:
      name = "bf16";
      return config.cube.bf16;
    case DataType::kF32:
      name = "fp32";
      return config.cube.fp32;
    default:
      name = "int8";
      return config.cube.int8;
  }
}

MmadPlan plan(const Context& ctx, const Operands& op, const LocalBuffers& buffers) {
  const isa::Instruction& inst = *op.inst;
  check_dtypes(inst);
  std::string_view shape_name;
  const config::CubeShape& shape = shape_for(ctx.config, inst.src_dtype, shape_name);
  if (!shape.enabled) {
    fault(
        fmt::format("mmad.{}.{}: the cube of this chip has no {} mode (cube.{}.enabled = "
                    "false)",
                    isa::name(inst.dtype), isa::name(inst.src_dtype), shape_name, shape_name));
  }
  check_packed_word(isa::kMmadLayout, "params", op.rs[3]);
  MmadPlan p;
  p.params = isa::unpack_mmad_params(op.rs[3]);
  p.c = op.rs[0];
  p.a = op.rs[1];
  p.b = op.rs[2];
  const isa::MmadParams& mp = p.params;
  if (mp.m == 0 || mp.k == 0 || mp.n == 0) {
    p.noop = true;
    return p;
  }
  p.k0 = isa::c0_elements(inst.src_dtype);
  p.m1 = ceil_div(mp.m, 16);
  p.k1 = ceil_div(mp.k, p.k0);
  p.n1 = ceil_div(mp.n, 16);
  p.a_bytes = p.m1 * p.k1 * kAbFractalBytes;
  p.b_bytes = p.k1 * p.n1 * kAbFractalBytes;
  p.c_bytes = p.m1 * p.n1 * kCFractalBytes;
  check_local(buffers, Buffer::kL0a, "a", p.a, p.a_bytes);
  check_local(buffers, Buffer::kL0b, "b", p.b, p.b_bytes);
  check_local(buffers, Buffer::kL0c, "c", p.c, p.c_bytes);
  if (mp.init == isa::MmadInit::kBias) {
    check_local(buffers, Buffer::kBt, "bias", mp.bias_addr, p.n1 * 16 * 4);
  }
  return p;
}

// Initial value of output fractal (i, j): zero, the bias row, or the L0C contents.
template <typename Acc>
void init_fractal(Acc* c, const MmadPlan& p, const uint8_t* l0c, const uint8_t* bt, uint64_t i,
                  uint64_t j) {
  switch (p.params.init) {
    case isa::MmadInit::kZero:
      std::fill(c, c + 256, Acc{});
      break;
    case isa::MmadInit::kBias:
      for (uint64_t n = 0; n < 16; ++n) {
        const Acc v = load<Acc>(bt + p.params.bias_addr + (j * 16 + n) * 4);
        for (uint64_t r = 0; r < 16; ++r) {
          c[r * 16 + n] = v;
        }
      }
      break;
    case isa::MmadInit::kAccumulate:
      std::memcpy(c, l0c + p.c + (j * p.m1 + i) * kCFractalBytes, kCFractalBytes);
      break;
  }
}

// Writes output fractal (i, j) whole, rows >= m and columns >= n included (docs/isa.md 5.5).
template <typename Acc>
void write_fractal(uint8_t* l0c, const MmadPlan& p, const Acc* c, uint64_t i, uint64_t j) {
  std::memcpy(l0c + p.c + (j * p.m1 + i) * kCFractalBytes, c, kCFractalBytes);
}

template <typename T>
void mmad_float(const MmadPlan& p, LocalBuffers& buffers) {
  // Scratch reused across instructions: widened A fractals as a[m * 16 + k], B fractals
  // transposed to bt[k * 16 + n], the layout numerics::detail::mmad_widened takes.
  thread_local std::vector<float> a32;
  thread_local std::vector<float> bt;
  a32.resize(p.m1 * p.k1 * 256);
  bt.resize(p.k1 * p.n1 * 256);
  const uint8_t* a = local_ptr(buffers, Buffer::kL0a, p.a);
  const uint8_t* b = local_ptr(buffers, Buffer::kL0b, p.b);
  const uint64_t a_elements = p.m1 * p.k1 * 256;
  for (uint64_t e = 0; e < a_elements; ++e) {
    a32[e] = numerics::widen(load<T>(a + e * 2));
  }
  for (uint64_t f = 0; f < p.k1 * p.n1; ++f) {
    const uint8_t* frac = b + f * kAbFractalBytes;
    float* out = bt.data() + f * 256;
    for (uint64_t n = 0; n < 16; ++n) {
      for (uint64_t k = 0; k < 16; ++k) {
        out[k * 16 + n] = numerics::widen(load<T>(frac + (n * 16 + k) * 2));
      }
    }
  }
  uint8_t* l0c = buffers.bytes(Buffer::kL0c).data();
  const uint8_t* bias = buffers.bytes(Buffer::kBt).data();
  const int last_k = static_cast<int>(p.params.k - (p.k1 - 1) * 16);
  for (uint64_t j = 0; j < p.n1; ++j) {
    for (uint64_t i = 0; i < p.m1; ++i) {
      float c[256];
      init_fractal(c, p, l0c, bias, i, j);
      for (uint64_t kk = 0; kk < p.k1; ++kk) {
        const int k_count = kk + 1 == p.k1 ? last_k : 16;
        numerics::detail::mmad_widened(c, a32.data() + (i * p.k1 + kk) * 256,
                                       bt.data() + (kk * p.n1 + j) * 256, k_count);
      }
      write_fractal(l0c, p, c, i, j);
    }
  }
}

// uint8 x uint8 -> int32, wrapping like mac_int8 (numerics/cube.h has only the signed form;
// every uint8 product is exact in int32 too).
void mmad_fractal_uint8(int32_t* c, const uint8_t* a, const uint8_t* b, int k_count) {
  for (int m = 0; m < 16; ++m) {
    for (int n = 0; n < 16; ++n) {
      uint32_t acc = static_cast<uint32_t>(c[m * 16 + n]);
      for (int k = 0; k < k_count; ++k) {
        acc += static_cast<uint32_t>(int32_t{a[m * 32 + k]} * int32_t{b[n * 32 + k]});
      }
      c[m * 16 + n] = static_cast<int32_t>(acc);
    }
  }
}

void mmad_int(const MmadPlan& p, LocalBuffers& buffers, bool is_signed) {
  const uint8_t* a = local_ptr(buffers, Buffer::kL0a, p.a);
  const uint8_t* b = local_ptr(buffers, Buffer::kL0b, p.b);
  uint8_t* l0c = buffers.bytes(Buffer::kL0c).data();
  const uint8_t* bias = buffers.bytes(Buffer::kBt).data();
  const int last_k = static_cast<int>(p.params.k - (p.k1 - 1) * 32);
  for (uint64_t j = 0; j < p.n1; ++j) {
    for (uint64_t i = 0; i < p.m1; ++i) {
      int32_t c[256];
      init_fractal(c, p, l0c, bias, i, j);
      for (uint64_t kk = 0; kk < p.k1; ++kk) {
        const int k_count = kk + 1 == p.k1 ? last_k : 32;
        const uint8_t* af = a + (i * p.k1 + kk) * kAbFractalBytes;
        const uint8_t* bf = b + (kk * p.n1 + j) * kAbFractalBytes;
        if (is_signed) {
          numerics::mmad_fractal_int8(
              std::span<int32_t, numerics::kFractalCSize>(c, numerics::kFractalCSize),
              std::span<const int8_t, numerics::kFractalAbSizeInt8>(
                  reinterpret_cast<const int8_t*>(af), numerics::kFractalAbSizeInt8),
              std::span<const int8_t, numerics::kFractalAbSizeInt8>(
                  reinterpret_cast<const int8_t*>(bf), numerics::kFractalAbSizeInt8),
              k_count);
        } else {
          mmad_fractal_uint8(c, af, bf, k_count);
        }
      }
      write_fractal(l0c, p, c, i, j);
    }
  }
}

}  // namespace

void describe_mmad(const Context& ctx, const Operands& op, const LocalBuffers& buffers,
                   Work& work) {
  const MmadPlan p = plan(ctx, op, buffers);
  if (p.noop) {
    return;
  }
  std::string_view shape_name;
  const config::CubeShape& shape = shape_for(ctx.config, op.inst->src_dtype, shape_name);
  const isa::MmadParams& mp = p.params;
  work.fractals = ceil_div(mp.m, shape.m0) * ceil_div(mp.n, shape.n0) * ceil_div(mp.k, shape.k0);
  work.macs = uint64_t{mp.m} * mp.n * mp.k;
  add_access(work, Buffer::kL0a, p.a, p.a_bytes, false);
  add_access(work, Buffer::kL0b, p.b, p.b_bytes, false);
  add_access(work, Buffer::kL0c, p.c, p.c_bytes, true);
  if (mp.init == isa::MmadInit::kBias) {
    add_access(work, Buffer::kBt, mp.bias_addr, p.n1 * 16 * 4, false);
  }
}

void execute_mmad(const Context& ctx, const Operands& op, LocalBuffers& buffers) {
  const MmadPlan p = plan(ctx, op, buffers);
  if (p.noop) {
    return;
  }
  switch (op.inst->src_dtype) {
    case DataType::kF16:
      mmad_float<numerics::Fp16>(p, buffers);
      break;
    case DataType::kBf16:
      mmad_float<numerics::Bf16>(p, buffers);
      break;
    case DataType::kS8:
      mmad_int(p, buffers, true);
      break;
    case DataType::kU8:
      mmad_int(p, buffers, false);
      break;
    default:
      NPU_UNREACHABLE("mmad source type describe() rejects");
  }
}

}  // namespace npu::sim::exec
