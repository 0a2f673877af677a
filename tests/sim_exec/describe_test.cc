// describe()'s checks: every kind of program error names the operand and the offending values,
// and nothing is touched when describe() refuses. The messages are asserted in full.
#include <chrono>
#include <cstdio>

#include "tests/sim_exec/exec_test_util.h"

namespace npu::sim::testing {
namespace {

std::string hex(uint64_t v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%#llx", static_cast<unsigned long long>(v));
  return text;
}

class DescribeTest : public ExecTest {
 protected:
  static uint64_t mte(uint32_t nburst, uint32_t len) {
    return isa::pack_mte_params({nburst, len, 0, 0});
  }
  static uint64_t vec(uint32_t repeat) {
    return isa::pack_vector_params({repeat, 1, 1, 1, 8, 8, 8});
  }
};

TEST_F(DescribeTest, BufferBoundsAndAlignment) {
  EXPECT_EQ(fault_of(inst(Opcode::kCopyUbToUb), {0xFFE0, 0, mte(1, 2)}),
            "dst UB address 0xffe0 + 64 bytes exceeds UB (65536 bytes)");
  EXPECT_EQ(fault_of(inst(Opcode::kCopyL1ToUb), {0, 0x11, mte(1, 1)}),
            "src L1 address 0x11 is not aligned to 32 bytes");
  EXPECT_EQ(fault_of(inst(Opcode::kMmad, DataType::kF32, DataType::kF16),
                     {0, 0x100, 0, isa::pack_mmad_params({16, 16, 16, isa::MmadInit::kZero, 0})}),
            "a L0A address 0x100 is not aligned to 512 bytes");
  EXPECT_EQ(fault_of(inst(Opcode::kMmad, DataType::kF32, DataType::kF16),
                     {0, 0, 0, isa::pack_mmad_params({16, 16, 16, isa::MmadInit::kBias, 1000})}),
            "bias BT address 0x3e8 + 64 bytes exceeds BT (1024 bytes)");
  // A vector operand whose strided extent leaves UB.
  EXPECT_EQ(fault_of(inst(Opcode::kVadd, DataType::kF16),
                     {0, 0, 0xFF00, isa::pack_vector_params({2, 1, 1, 1, 8, 8, 8})}),
            "src1 UB address 0xff00 + 512 bytes exceeds UB (65536 bytes)");
  // An address so large that address + bytes wraps around.
  EXPECT_EQ(fault_of(inst(Opcode::kCopyUbToUb), {~0ull - 31, 0, mte(1, 2)}),
            "dst UB address 0xffffffffffffffe0 + 64 bytes exceeds UB (65536 bytes)");
}

TEST_F(DescribeTest, GmOutsideAnAllocation) {
  const uint64_t a = gm.allocate(100, "tensor");
  const std::string message = fault_of(inst(Opcode::kCopyGmToUb), {0, a + 64, mte(1, 2)});
  EXPECT_EQ(message, "src GM access [" + hex(a + 64) +
                         ", +64) runs past the end of allocation "
                         "'tensor' [" +
                         hex(a) + ", +100) by 28 bytes");
  EXPECT_EQ(fault_of(inst(Opcode::kCopyGmToUb), {0, a, mte(1, 2)}), "");
  EXPECT_EQ(fault_of(inst(Opcode::kCopyUbToGmAtomicAdd, DataType::kF32), {a + 2, 0, mte(1, 1)}),
            "dst GM address " + hex(a + 2) + " is not aligned to 4 bytes");
}

TEST_F(DescribeTest, ParameterRanges) {
  EXPECT_EQ(
      fault_of(inst(Opcode::kCopyGmToUb), {0, 0, isa::pack_mte_params({1, 1, 0, 0}) & ~0xFFFull}),
      "params (0x1000): nburst = 0 is out of range 1..4095");
  // repeat 0 is legal and does nothing (docs/isa.md 5.7).
  const Work none = describe(inst(Opcode::kVadd, DataType::kF16), {0, 0, 0xFFFFFF, vec(0)});
  EXPECT_EQ(none.repeats, 0u);
  EXPECT_EQ(none.access_count, 0);
  EXPECT_EQ(fault_of(inst(Opcode::kCopyGmToL1Pad, DataType::kF16),
                     {0, 0, isa::pack_pad_params({1, 2, 0, 0}), isa::pack_pad_value({0, 17, 0})}),
            "pad: left_pad 17 and right_pad 0 fp16 elements must each fit in 32 bytes");
  EXPECT_EQ(fault_of(inst(Opcode::kCopyGmToL1Nd2nz, DataType::kF16),
                     {0, 0, isa::pack_nd2nz_params({4, 16, 15, 16})}),
            "params: src_row_stride 15 is less than cols 16, so source rows would overlap");
  isa::Instruction nz = inst(Opcode::kFixL0cToUb, DataType::kF16, DataType::kF32);
  EXPECT_EQ(fault_of(nz, {0, 0, isa::pack_fixpipe_params({16, 17, 1, 32}), 0}),
            "params: src_stride 1 is less than ceil(m / 16) = 2, so L0C column fractals would "
            "overlap");
  EXPECT_EQ(fault_of(nz, {0, 0, isa::pack_fixpipe_params({16, 17, 2, 31}), 0}),
            "params: NZ dst_stride 31 is less than m rounded up to 16 (32), so column blocks "
            "would overlap");
  EXPECT_EQ(fault_of(inst(Opcode::kLoad2dL1ToL0a, DataType::kF32),
                     {0, 0, isa::pack_load2d_params({0, 1, 1, 0, true})}),
            "params: transpose needs a 16-bit or 8-bit data type, not fp32");
  EXPECT_EQ(fault_of(inst(Opcode::kCopyGmToL1Nd2nz, DataType::kF16),
                     {0, 0, isa::pack_nd2nz_params({20, 16, 16, 19})}),
            "params: dst_c0_stride 19 is less than rows 20, so column blocks would overlap in L1");
  isa::Instruction fix = inst(Opcode::kFixL0cToUb, DataType::kF16, DataType::kF32);
  fix.layout = isa::FixLayout::kNd;
  EXPECT_EQ(fault_of(fix, {0, 0, isa::pack_fixpipe_params({32, 16, 1, 31}), 0}),
            "params: ND dst_stride 31 is less than n 32, so rows would overlap");
  EXPECT_EQ(fault_of(inst(Opcode::kCopyGmToUbPad, DataType::kF32),
                     {0, 0, isa::pack_pad_params({1, 6, 0, 0}), 0}),
            "params: burst_bytes 6 is not a multiple of the 4-byte fp32 element");
  state.mask_mode = isa::MaskMode::kCounter;
  state.mask_lo = 1ull << 40;
  EXPECT_EQ(fault_of(inst(Opcode::kVadd, DataType::kF16), {0, 0, 0, vec(1)}),
            "counter-mode mask: 1099511627776 elements need 8589934592 repeats of 128; at most "
            "65535");
}

TEST_F(DescribeTest, Load3dNeedsFmatrixAndConsistentGeometry) {
  const uint64_t pos = isa::pack_load3d_pos({16, 16, 0, 0});
  EXPECT_EQ(fault_of(inst(Opcode::kLoad3dL1ToL0a, DataType::kF16),
                     {0, 0, pos, isa::pack_load3d_geom({1, 1, 1, 1, 1, 1, 16})}),
            "fmatrix set by set_fmatrix (0x0): width = 0 is out of range 1..65535");
  state.fmatrix[0] = isa::pack_fmatrix_params({4, 4, 0, 0, 0, 0});
  EXPECT_EQ(fault_of(inst(Opcode::kLoad3dL1ToL0a, DataType::kF16),
                     {0, 0, pos, isa::pack_load3d_geom({1, 1, 1, 1, 1, 1, 24})}),
            "geom: channels 24 is not a multiple of C0 = 16");
  EXPECT_EQ(fault_of(inst(Opcode::kLoad3dL1ToL0a, DataType::kF16),
                     {0, 0, pos, isa::pack_load3d_geom({1, 1, 3, 5, 1, 1, 16})}),
            "geom: the 5x3 filter (dilation 1x1) does not fit the padded 4x4 feature map");
  EXPECT_EQ(fault_of(inst(Opcode::kLoad3dL1ToL0a, DataType::kF16),
                     {0, 0, isa::pack_load3d_pos({32, 16, 16, 0}),
                      isa::pack_load3d_geom({1, 1, 2, 1, 1, 1, 16})}),
            "pos: k_start 16 + k_extension 32 exceeds K = 32 (channels x filter_h x filter_w)");
  EXPECT_EQ(fault_of(inst(Opcode::kLoad3dL1ToL0a, DataType::kF16),
                     {0, 0, isa::pack_load3d_pos({16, 8, 0, 0}),
                      isa::pack_load3d_geom({1, 1, 1, 1, 1, 1, 16})}),
            "pos: m_start 0 and m_extension 8 must be multiples of 16");
}

TEST_F(DescribeTest, TypesPathsAndCoreKinds) {
  EXPECT_EQ(fault_of(inst(Opcode::kVadd, DataType::kBf16), {0, 0, 0, vec(1)}),
            "vadd does not allow data type bf16");
  EXPECT_EQ(fault_of(inst(Opcode::kMmad, DataType::kF32, DataType::kS8), {0, 0, 0, 0}),
            "mmad does not allow data types f32.s8");
  config.cube.bf16.enabled = false;
  EXPECT_EQ(fault_of(inst(Opcode::kMmad, DataType::kF32, DataType::kBf16), {0, 0, 0, 0}),
            "mmad.f32.bf16: the cube of this chip has no bf16 mode (cube.bf16.enabled = false)");
  config.paths.l1_to_ub.enabled = false;
  EXPECT_EQ(fault_of(inst(Opcode::kCopyL1ToUb), {0, 0, mte(1, 1)}),
            "data path l1_to_ub is disabled on this chip (paths.l1_to_ub.enabled = false)");
  // An AIC has no UB, an AIV no L1.
  LocalBuffers aic(config, isa::CoreType::kAic, false);
  LocalBuffers aiv(config, isa::CoreType::kAiv, false);
  EXPECT_EQ(aic.size(Buffer::kUb), 0u);
  EXPECT_EQ(aic.size(Buffer::kL0c), 128u * 1024);
  EXPECT_EQ(aiv.size(Buffer::kL1), 0u);
  EXPECT_EQ(aiv.size(Buffer::kUb), 64u * 1024);
  EXPECT_EQ(aiv.alignment(Buffer::kSmem), 8u);
  EXPECT_TRUE(aic.bytes(Buffer::kL1).empty());  // not backed
  const Executor aic_exec(config, isa::CoreType::kAic);
  const isa::Instruction vadd = inst(Opcode::kVadd, DataType::kF16);
  Operands op;
  op.inst = &vadd;
  op.rs = {0, 0, 0, vec(1), 0};
  Work work;
  try {
    aic_exec.describe(op, state, aic, gm, work);
    ADD_FAILURE() << "no fault";
  } catch (const AccessFault& e) {
    EXPECT_STREQ(e.what(), "dst UB: this core has no UB");
  }
}

TEST_F(DescribeTest, GatherOffsetsAreCheckedWhenExecuted) {
  state.mask_hi = 0;
  state.mask_lo = 1;
  put<uint32_t>(Buffer::kUb, 1024, 0x10000);
  const isa::Instruction i = inst(Opcode::kVgather, DataType::kF32);
  EXPECT_EQ(fault_of(i, {0, 0, 1024, vec(1)}), "");
  try {
    run(i, {0, 0, 1024, vec(1)});
    ADD_FAILURE() << "no fault";
  } catch (const AccessFault& e) {
    EXPECT_STREQ(e.what(),
                 "vgather: offsets[0] = 0x10000 reads UB address 0x10000, which is out of bounds "
                 "(UB is 65536 bytes, elements 4-byte aligned)");
  }
}

TEST_F(DescribeTest, SetUpInstructionsOnlyChangeState) {
  PipeState s;
  Operands op;
  const isa::Instruction mask = inst(Opcode::kSetMask);
  op.inst = &mask;
  op.rs = {0x12, 0x34, 0, 0, 0};
  executor.apply_state(op, s);
  EXPECT_EQ(s.mask_hi, 0x12u);
  EXPECT_EQ(s.mask_lo, 0x34u);
  isa::Instruction mode = inst(Opcode::kSetMaskMode);
  mode.mode = static_cast<uint8_t>(isa::MaskMode::kCounter);
  op.inst = &mode;
  executor.apply_state(op, s);
  EXPECT_EQ(s.mask_mode, isa::MaskMode::kCounter);
  const isa::Instruction fm = inst(Opcode::kSetFmatrix);
  op.inst = &fm;
  op.rs[0] = 0xABCD;
  executor.execute(op, s, buffers, gm);
  EXPECT_EQ(s.fmatrix[0], 0xABCDu);
  const isa::Instruction pad = inst(Opcode::kSetPadding);
  op.inst = &pad;
  op.rs[0] = 0x3C00;
  executor.apply_state(op, s);
  EXPECT_EQ(s.padding, 0x3C00u);
  Work w;
  w.bytes = 99;
  executor.describe(op, s, buffers, gm, w);
  EXPECT_EQ(w.bytes, 0u);
  EXPECT_EQ(w.access_count, 0);
}

}  // namespace
}  // namespace npu::sim::testing

namespace npu::sim::testing {
namespace {

// Not a unit test: describe() calls per host second, for timing-only mode. Run with
// --gtest_also_run_disabled_tests --gtest_filter='*DescribeThroughput*'.
TEST_F(DescribeTest, DISABLED_DescribeThroughput) {
  const uint64_t a = gm.allocate(1 << 20, "a");
  const isa::Instruction vadd = inst(Opcode::kVadd, DataType::kF16);
  const isa::Instruction copy = inst(Opcode::kCopyGmToUb);
  const isa::Instruction mmad = inst(Opcode::kMmad, DataType::kF32, DataType::kF16);
  Operands ops[3];
  ops[0].inst = &vadd;
  ops[0].rs = {0, 4096, 8192, vec(8), 0};
  ops[1].inst = &copy;
  ops[1].rs = {0, a, mte(4, 8), 0, 0};
  ops[2].inst = &mmad;
  ops[2].rs = {0, 0, 0, isa::pack_mmad_params({64, 64, 64, isa::MmadInit::kZero, 0}), 0};
  Work work;
  const int count = 3'000'000;
  uint64_t sum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    executor.describe(ops[i % 3], state, buffers, gm, work);
    sum += work.bytes + work.repeats + work.macs;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d describe() calls: %.3f s (%.1f M/s), checksum %llu\n", count, seconds,
              count / seconds / 1e6, static_cast<unsigned long long>(sum));
}

}  // namespace
}  // namespace npu::sim::testing
