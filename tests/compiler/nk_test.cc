// The .nk language: printer / parser round trip and located errors, asserted by text.
#include <gtest/gtest.h>

#include "base/error.h"
#include "compiler/nk_parser.h"
#include "compiler/nk_printer.h"

namespace npu::compiler {
namespace {

const char* kKernel =
    "kernel k cores=aic\n"
    "arg a gm 4096\n"
    "arg c gm\n"
    "tile t l1 1024 double\n"
    "tile u l0a 512 at 512\n"
    "pfor p in 4 {\n"
    "  let q = p / 2\n"
    "  for i in 3 {\n"
    "    copy_gm_to_l1 t.1[select(i == 2, 32, 64)], a[2*q - 3*i + 8], nburst=1, burst_len=select(q != 1, 2, 3)\n"
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
  EXPECT_EQ(k.args[0].bytes, 4096u);
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
              "vector or pipe set-up instruction, for, pfor, let, if, on, set_flag, wait_flag, "
              "cross_core_set_flag or cross_core_wait_flag)\n"
              "bad.nk:8:15: error: unknown tile or argument 't'\n"
              "bad.nk:9:1: error: '{' opened here is never closed");
  }
}

}  // namespace
}  // namespace npu::compiler
