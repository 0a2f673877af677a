// The cube's mmad: C (m x n, NZ in L0C) = init + A (m x k, ZZ in L0A) * B (k x n, ZN in L0B),
// fp16 / bf16 -> fp32 and int8 / uint8 -> int32. This file checks the operands and cuts the
// instruction into fractals (a CubeJob); the arithmetic is the cube backend's (cube_backend.h):
// the C++ cube (cpp_cube.cc) or the RTL MAC array in the loop.
#include <fmt/format.h>

#include "sim/exec/cube_backend.h"
#include "sim/exec/cube_timing.h"
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

MmadPlan plan(const Context& ctx, const Operands& op, const LocalBuffers& buffers) {
  const isa::Instruction& inst = *op.inst;
  check_dtypes(inst);
  std::string_view shape_name;
  const config::CubeShape& shape = cube_shape(ctx.config, inst.src_dtype, &shape_name);
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

}  // namespace

void describe_mmad(const Context& ctx, const Operands& op, const LocalBuffers& buffers,
                   Work& work) {
  const MmadPlan p = plan(ctx, op, buffers);
  if (p.noop) {
    return;
  }
  const config::CubeShape& shape = cube_shape(ctx.config, op.inst->src_dtype);
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
  CubeJob job;
  job.src = op.inst->src_dtype;
  job.m1 = p.m1;
  job.k1 = p.k1;
  job.n1 = p.n1;
  job.k0 = static_cast<uint32_t>(p.k0);
  job.last_k = static_cast<uint32_t>(p.params.k - (p.k1 - 1) * p.k0);
  job.init = p.params.init;
  job.a = local_ptr(buffers, Buffer::kL0a, p.a);
  job.b = local_ptr(buffers, Buffer::kL0b, p.b);
  if (p.params.init == isa::MmadInit::kBias) {
    job.bias = local_ptr(buffers, Buffer::kBt, p.params.bias_addr);
  }
  job.c = local_ptr(buffers, Buffer::kL0c, p.c);
  (ctx.cube != nullptr ? *ctx.cube : cpp_cube_backend()).run(job);
}

}  // namespace npu::sim::exec
