// The .nk language: printer / parser round trip and located errors, asserted by text.
#include <gtest/gtest.h>

#include "base/error.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/ir/nk_printer.h"

namespace npu::compiler {
namespace {

const char* kKernel =
    "kernel k cores=aic\n"
    "arg a gm 4096\n"
    "arg c gm\n"
    "tile t l1 1024 double\n"
    "tile u l0a 512 apart at 512\n"
    "pfor p in 4 {\n"
    "  let q = p / 2\n"
    "  for i in 3 {\n"
    "    copy_gm_to_l1 t.1[select(i == 2, 32, 64)], a[2*q - 3*i + 8], nburst=1, burst_len=select(q != 1, 2, 3)\n"
    "    load2d_l1_to_l0a.f16 u, t[32*i + 64], repeat=select(i == 2, 1, 2) + 2*q, start_index=4*i - q\n"
    "    if 2*i + 1 < 5 {\n"
    "      load2d_l1_to_l0a.f16 u, t, repeat=1\n"
    "    }\n"
    "    set_flag mte2, mte1, 3\n"
    "  }\n"
    "}\n";

TEST(NkTest, PrintParseRoundTrip) {
  Kernel k = parse_kernel(kKernel, "k.nk");
  std::string printed = print_kernel(k);
  EXPECT_EQ(printed, kKernel);
  EXPECT_EQ(parse_kernel(printed, "again.nk"), k);
  ASSERT_EQ(k.body.size(), 1u);
  EXPECT_TRUE(k.body[0].loop->parallel);
  EXPECT_EQ(k.tiles[1].offset, 512u);
  EXPECT_TRUE(k.tiles[1].apart);
  EXPECT_FALSE(k.tiles[0].apart);
  EXPECT_EQ(k.args[0].bytes, 4096u);
  // A field affine in loop variables, on top of a select.
  const Field& repeat = k.body[0].loop->body[1].loop->body[1].op.fields[0];
  EXPECT_EQ(repeat.value.value, 1);
  EXPECT_EQ(repeat.value.other, 2);
  EXPECT_EQ(repeat.value.vars.terms, (std::vector<std::pair<std::string, int64_t>>{{"q", 2}}));
}

// Register values (vector scalars, mask words) are integers or selects; 0 stays x0.
TEST(NkTest, ImmediateOperandsRoundTrip) {
  const char* text =
      "kernel v cores=aiv\n"
      "arg x gm\n"
      "tile t ub 256\n"
      "for i in 3 {\n"
      "  set_mask_mode mode=1\n"
      "  set_mask 0, select(i == 2, 100, 128)\n"
      "  copy_gm_to_ub_pad.f16 t, x[256*i], burst_bytes=256\n"
      "  vadds.f16 t, t, 15360, repeat=1\n"
      "  set_mask -1, -1\n"
      "}\n";
  Kernel k = parse_kernel(text, "v.nk");
  EXPECT_EQ(print_kernel(k), text);
  const OpStmt& mask = k.body[0].loop->body[1].op;
  EXPECT_EQ(mask.operands[0].kind, OperandKind::kZero);
  EXPECT_EQ(mask.operands[1].kind, OperandKind::kImm);
  EXPECT_EQ(mask.operands[1].imm.other, 128);
  EXPECT_EQ(k.body[0].loop->body[3].op.operands[2].imm.value, 15360);
}

TEST(NkTest, IntegerOperandIsARegisterHoldingIt) {
  const char* text =
      "kernel q\n"
      "arg c gm\n"
      "tile w l0c 1024\n"
      "fix_l0c_to_gm.f16.s32 c, w, 1006632960, n=16, m=16, src_stride=1, dst_stride=16, layout=1\n"
      "fix_l0c_to_gm.s32.s32 c, w, 0, n=16, m=16, src_stride=1, dst_stride=16, layout=1\n";
  Kernel k = parse_kernel(text, "q.nk");
  EXPECT_EQ(print_kernel(k), text);
  const Operand& scale = k.body[0].op.operands[2];
  EXPECT_EQ(scale.kind, OperandKind::kImm);
  EXPECT_EQ(scale.imm.value, 1006632960);  // 0x3c000000: fp32 1/128
  EXPECT_EQ(k.body[1].op.operands[2].kind, OperandKind::kZero);
}

TEST(NkTest, ReportsEveryErrorWithItsLocation) {
  const char* bad =
      "kernel k\n"
      "arg a gm\n"
      "tile t l9 1024\n"
      "for i in 0 {\n"
      "}\n"
      "copy_gm_to_l1 t, b\n"
      "vaad.f16 t\n"
      "copy_gm_to_l1 t, a[2*j]\n"
      "for i in 2 {\n";
  try {
    parse_kernel(bad, "bad.nk");
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              "bad.nk:3:8: error: unknown buffer 'l9' (expected l1, l0a, l0b, l0c, ub, bt or fb)\n"
              "bad.nk:4:10: error: trip count must be at least 1\n"
              "bad.nk:5:1: error: '}' without an open '{'\n"
              "bad.nk:6:15: error: unknown tile or argument 't'\n"
              "bad.nk:7:1: error: unknown operation 'vaad.f16' (expected a data movement, cube, "
              "vector, control or pipe set-up instruction, for, pfor, let, if, on, set_flag, wait_flag, "
              "cross_core_set_flag or cross_core_wait_flag)\n"
              "bad.nk:8:15: error: unknown tile or argument 't'\n"
              "bad.nk:9:1: error: '{' opened here is never closed");
  }
}

}  // namespace
}  // namespace npu::compiler
