// Cross-check of rtl/img2col_address_gen.sv against Img2colAddressGen
// (sim/exec/img2col_address_gen.h), the model load3d uses: directed cases and 10,000 seeded
// random load3d geometries (every parameter within what the decode accepts), run back to back;
// every destination row's offsets, source kind and cycle, and the cycle the block is ready
// again, must be identical (stream_check.h). The RTL takes the ISA's packed words, built here
// with isa::pack_*, so the package's struct layouts are checked too. A variant built with
// NPU_RTL_MISMODEL (a bubble at each fractal boundary) must be caught, with a waveform written.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <random>

#include "Vimg2col_address_gen.h"
#include "Vimg2col_address_gen_mismodel.h"
#include "isa/packed.h"
#include "sim/exec/img2col_address_gen.h"
#include "tests/rtl/cross_check.h"
#include "tests/rtl/stream_check.h"
#include "tests/rtl/verilated_bench.h"

namespace npu::rtl_test {
namespace {

using sim::Img2colAddressGen;
using sim::Img2colParams;
using sim::Img2colRow;
using sim::Img2colSource;

std::string describe(const Img2colParams& p) {
  return fmt::format(
      "{{map {}x{} (HxW) pad t{} b{} l{} r{}, filter {}x{} stride {}x{} dilation {}x{}, "
      "channels {} c0 {}, m {}+{} k {}+{}}}",
      p.fm_height, p.fm_width, p.pad_top, p.pad_bottom, p.pad_left, p.pad_right, p.filter_h,
      p.filter_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, p.channels, p.c0, p.m_start,
      p.m_extension, p.k_start, p.k_extension);
}

std::string describe(const Img2colRow& r) {
  static constexpr const char* kSource[] = {"feature map", "padding", "zero", "?"};
  return fmt::format("{{dst {:#x} src {:#x} {}}}", r.dst_offset, r.src_offset,
                     kSource[std::min<size_t>(static_cast<size_t>(r.source), 3)]);
}

// Loads one transaction in the current cycle and checks it row by row.
template <typename Top>
std::optional<std::string> check(VerilatedBench<Top>& bench, const Img2colParams& p) {
  Top& top = bench.top();
  top.start_i = 1;
  top.fmatrix_i = isa::pack_fmatrix_params(
      {p.fm_width, p.fm_height, p.pad_left, p.pad_right, p.pad_top, p.pad_bottom});
  top.pos_i = isa::pack_load3d_pos({p.k_extension, p.m_extension, p.k_start, p.m_start});
  top.geom_i = isa::pack_load3d_geom(
      {p.stride_w, p.stride_h, p.filter_w, p.filter_h, p.dilation_w, p.dilation_h, p.channels});
  top.c0_i = static_cast<uint8_t>(p.c0);
  const auto read = [](Top& t) {
    return Img2colRow{t.dst_offset_o, t.src_offset_o, static_cast<Img2colSource>(t.source_o)};
  };
  const auto print = [](const Img2colRow& r) { return describe(r); };
  const Img2colAddressGen model(p);
  return check_stream(bench, describe(p), model, model.rows(), read, print);
}

template <typename Top>
std::optional<Mismatch> run(std::string_view block, const std::vector<Img2colParams>& txns) {
  VerilatedBench<Top> bench;
  bench.top().start_i = 0;
  return cross_check<VerilatedBench<Top>, Img2colParams>(bench, block, txns, check<Top>);
}

// The fields in the order of Img2colParams.
Img2colParams make(uint32_t w, uint32_t h, uint32_t pl, uint32_t pr, uint32_t pt, uint32_t pb,
                   uint32_t sw, uint32_t sh, uint32_t fw, uint32_t fh, uint32_t dw, uint32_t dh,
                   uint32_t channels, uint32_t c0, uint32_t m_start, uint32_t m_ext,
                   uint32_t k_start, uint32_t k_ext) {
  return {w,  h,  pl, pr,       pt, pb,      sw,    sh,      fw,
          fh, dw, dh, channels, c0, m_start, m_ext, k_start, k_ext};
}

std::vector<Img2colParams> directed() {
  return {
      // tests/sim_exec/load_exec_test.cc's walk: 2x2 map, left pad, 1x2 filter, 2 K blocks.
      make(2, 2, 1, 0, 0, 0, 1, 1, 2, 1, 1, 1, 16, 16, 0, 16, 0, 32),
      // 3x3 convolution with padding 1 on a 5x7 map, fp16, all of K (2 x 9 blocks), 3 M blocks.
      make(7, 5, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 32, 16, 0, 48, 0, 288),
      // Stride 2, dilation 2, int8 (C0 = 32), a window of M and K.
      make(9, 9, 2, 1, 2, 1, 2, 2, 3, 3, 2, 2, 64, 32, 16, 32, 96, 128),
      // fp32 (C0 = 8), filter wider than tall, K starting mid-filter, M past OH * OW (zeros).
      make(4, 3, 0, 2, 1, 0, 1, 2, 5, 2, 1, 3, 16, 8, 0, 32, 24, 40),
      // A 1x1 output: every row but the first is zero.
      make(3, 3, 0, 0, 0, 0, 1, 1, 3, 3, 1, 1, 16, 16, 0, 16, 0, 16),
      // The largest map and padding: OH * OW exceeds 2^32, m_start far along.
      make(65535, 65535, 255, 255, 255, 255, 1, 1, 1, 1, 1, 1, 16, 16, 65520, 16, 0, 16),
      // The longest M: 65520 rows in one transaction, then one right behind it.
      make(300, 300, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 16, 16, 0, 65520, 0, 16),
      make(2, 2, 1, 0, 0, 0, 1, 1, 2, 1, 1, 1, 16, 16, 0, 16, 0, 32),
  };
}

std::vector<Img2colParams> random_transactions(uint64_t seed, size_t count) {
  std::mt19937_64 rng(seed);
  auto in = [&](uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
  };
  auto small_or = [&](uint32_t small_hi, uint32_t hi) {  // mostly small, sometimes anything
    return in(0, 7) == 0 ? in(1, hi) : in(1, small_hi);
  };
  std::vector<Img2colParams> out;
  while (out.size() < count) {
    Img2colParams p;
    static constexpr uint32_t kC0[] = {8, 16, 32};
    p.c0 = kC0[in(0, 2)];
    p.fm_width = small_or(24, 65535);
    p.fm_height = small_or(24, 65535);
    p.pad_left = small_or(3, 256) - 1;
    p.pad_right = small_or(3, 256) - 1;
    p.pad_top = small_or(3, 256) - 1;
    p.pad_bottom = small_or(3, 256) - 1;
    p.stride_w = small_or(3, 63);
    p.stride_h = small_or(3, 63);
    p.filter_w = small_or(5, 255);
    p.filter_h = small_or(5, 255);
    p.dilation_w = small_or(3, 255);
    p.dilation_h = small_or(3, 255);
    if (p.out_height() == 0 || p.out_width() == 0) continue;  // the decode rejects these
    p.channels = p.c0 * in(1, in(0, 7) == 0 ? 65535 / p.c0 : 4);
    const uint64_t k_blocks = uint64_t{p.channels / p.c0} * p.filter_h * p.filter_w;
    const uint64_t k_first = std::uniform_int_distribution<uint64_t>(0, k_blocks - 1)(rng);
    if ((k_first + 1) * p.c0 > 65535) continue;  // k_start is a 16-bit field
    const uint64_t k_count = std::min<uint64_t>({k_blocks - k_first, in(1, 4), 65535 / p.c0});
    p.k_start = static_cast<uint32_t>(k_first * p.c0);
    p.k_extension = static_cast<uint32_t>(k_count * p.c0);
    // M: mostly inside the output, sometimes beyond it (zero rows), anywhere in 16 bits.
    const uint64_t m_rows = p.out_height() * p.out_width();
    const uint64_t m_blocks = std::min<uint64_t>((m_rows + 15) / 16, 4095);
    p.m_start = 16 * static_cast<uint32_t>(in(0, 3) == 0 ? in(0, 4094) : in(0, m_blocks - 1));
    p.m_extension = 16 * std::min(in(1, 4), (65535 - p.m_start) / 16);
    out.push_back(p);
  }
  return out;
}

TEST(Img2colAddressGenRtl, DirectedCasesMatchTheModel) {
  const auto mismatch = run<Vimg2col_address_gen>("img2col_address_gen", directed());
  EXPECT_FALSE(mismatch) << mismatch->message;
}

TEST(Img2colAddressGenRtl, TenThousandRandomTransactionsMatchTheModel) {
  const uint64_t seed = random_seed(0x696d6732);
  const std::vector<Img2colParams> txns = random_transactions(seed, 10000);
  const auto mismatch = run<Vimg2col_address_gen>("img2col_address_gen", txns);
  EXPECT_FALSE(mismatch) << "seed " << seed << ": " << mismatch->message;
  // The random geometries reach every kind of row, many times.
  uint64_t rows[3] = {};
  for (const Img2colParams& p : txns) {
    for (Img2colAddressGen gen(p); !gen.done();) ++rows[static_cast<size_t>(gen.next().source)];
  }
  EXPECT_GT(rows[0], 100000u);  // feature map
  EXPECT_GT(rows[1], 100000u);  // padding
  EXPECT_GT(rows[2], 100000u);  // zero
  std::cout << fmt::format("{} transactions: {} feature-map rows, {} padding, {} zero\n",
                           txns.size(), rows[0], rows[1], rows[2]);
}

TEST(Img2colAddressGenRtl, MisModelledVariantIsCaughtWithAWaveform) {
  const auto mismatch =
      run<Vimg2col_address_gen_mismodel>("img2col_address_gen_mismodel", directed());
  ASSERT_TRUE(mismatch);
  // Directed case 0 has two fractals: the second one's first row comes a cycle late.
  EXPECT_EQ(mismatch->transaction, 0u);
  EXPECT_NE(mismatch->message.find("cycle 16 after the load (absolute 17): model issues item 16, "
                                   "RTL valid_o=0"),
            std::string::npos)
      << mismatch->message;
  EXPECT_GT(std::filesystem::file_size(mismatch->waveform), 0u);
  std::cout << "caught as it must be:\n" << mismatch->message << "\n";
}

}  // namespace
}  // namespace npu::rtl_test
