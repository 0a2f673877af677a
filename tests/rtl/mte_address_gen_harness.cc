// Cross-check of rtl/mte_address_gen.sv against MteAddressGen (sim/exec/mte_address_gen.h), the
// model the simulator's MTE uses: directed cases and 10,000 seeded random transactions, run
// back to back; every burst's addresses, length and cycle, and the cycle the block is
// ready again, must be identical (stream_check.h). A variant built with NPU_RTL_MISMODEL
// (destination one 32-byte unit off per burst) must be caught, with a waveform written.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <limits>
#include <random>

#include "Vmte_address_gen.h"
#include "Vmte_address_gen_mismodel.h"
#include "sim/exec/mte_address_gen.h"
#include "tests/rtl/cross_check.h"
#include "tests/rtl/stream_check.h"
#include "tests/rtl/verilated_bench.h"

namespace npu::rtl_test {
namespace {

using sim::MteAddressGen;
using sim::MteAddressParams;
using sim::MteBurst;

constexpr uint64_t kMaxBursts = 0xffff;  // the RTL's CountW = 16

std::string describe(const MteAddressParams& p) {
  return fmt::format(
      "{{src={:#x} dst={:#x} nburst={} burst_bytes={:#x} src_stride={:#x} "
      "dst_stride={:#x}}}",
      p.src, p.dst, p.nburst, p.burst_bytes, p.src_stride, p.dst_stride);
}

std::string describe(const MteBurst& b) {
  return fmt::format("{{src={:#x} dst={:#x} bytes={:#x}}}", b.src, b.dst, b.bytes);
}

// Loads one transaction in the current cycle and checks it burst by burst (stream_check.h).
template <typename Top>
std::optional<std::string> check(VerilatedBench<Top>& bench, const MteAddressParams& p) {
  Top& top = bench.top();
  top.start_i = 1;
  top.src_i = p.src;
  top.dst_i = p.dst;
  top.nburst_i = static_cast<uint16_t>(p.nburst);
  top.burst_bytes_i = p.burst_bytes;
  top.src_stride_i = p.src_stride;
  top.dst_stride_i = p.dst_stride;
  const auto read = [](Top& t) { return MteBurst{t.src_o, t.dst_o, t.bytes_o}; };
  const auto print = [](const MteBurst& b) { return describe(b); };
  return check_stream(bench, describe(p), MteAddressGen(p), kMaxBursts, read, print);
}

template <typename Top>
std::optional<Mismatch> run(std::string_view block, const std::vector<MteAddressParams>& txns) {
  VerilatedBench<Top> bench;
  bench.top().start_i = 0;
  return cross_check<VerilatedBench<Top>, MteAddressParams>(bench, block, txns, check<Top>);
}

std::vector<MteAddressParams> directed() {
  constexpr uint64_t kTop = std::numeric_limits<uint64_t>::max();
  return {
      {0, 0, 0, 32, 32, 32},                        // no burst: ready at once
      {0x1000, 0x2000, 1, 32, 64, 64},              // one burst
      {0x1000, 0x2000, 4, 4 * 32, 6 * 32, 5 * 32},  // burst copy: len 4, gaps 2 and 1
      {0x40, 0x80, 3, 0, 0, 0},                     // zero length and strides
      {0x3, 0x25, 5, 17, 17 + 100, 64},             // pad copy: bytes, gm gap 100
      {kTop - 40, kTop - 100, 4, 32, 32, 64},       // addresses wrap modulo 2^64
      {5, 7, 3, kTop, kTop, kTop - 1},              // strides as large as they get
      {0x10000, 0x20000, kMaxBursts, 32, 32, 64},   // the longest transaction
      {0x10000, 0x20000, 2, 32, 32, 64},            // back to back after the longest
  };
}

std::vector<MteAddressParams> random_transactions(uint64_t seed, size_t count) {
  std::mt19937_64 rng(seed);
  auto below = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };
  std::vector<MteAddressParams> out;
  for (size_t i = 0; i < count; ++i) {
    MteAddressParams p;
    p.src = below(4) == 0 ? rng() : below(1 << 20) * 32;
    p.dst = below(4) == 0 ? rng() : below(1 << 20) * 32;
    // Mostly short, sometimes up to the ISA's 12-bit nburst, a few empty.
    const uint64_t shape = below(16);
    p.nburst = shape == 0 ? 0 : shape == 1 ? below(4096) : 1 + below(24);
    if (below(2) == 0) {  // a burst copy in 32-byte units, as the decode builds it
      const uint64_t len = below(1 << 16), src_gap = below(1 << 16), dst_gap = below(1 << 16);
      p.burst_bytes = len * 32;
      p.src_stride = (len + src_gap) * 32;
      p.dst_stride = (len + dst_gap) * 32;
    } else {  // anything 64-bit
      p.burst_bytes = rng();
      p.src_stride = rng();
      p.dst_stride = rng();
    }
    out.push_back(p);
  }
  return out;
}

TEST(MteAddressGenRtl, DirectedCasesMatchTheModel) {
  const auto mismatch = run<Vmte_address_gen>("mte_address_gen", directed());
  EXPECT_FALSE(mismatch) << mismatch->message;
}

TEST(MteAddressGenRtl, TenThousandRandomTransactionsMatchTheModel) {
  const uint64_t seed = random_seed(0x6d7465);
  const auto mismatch = run<Vmte_address_gen>("mte_address_gen", random_transactions(seed, 10000));
  EXPECT_FALSE(mismatch) << "seed " << seed << ": " << mismatch->message;
}

TEST(MteAddressGenRtl, MisModelledVariantIsCaughtWithAWaveform) {
  const auto mismatch =
      run<Vmte_address_gen_mismodel>("mte_address_gen_mismodel", random_transactions(1, 100));
  ASSERT_TRUE(mismatch);
  // The first transaction with two bursts: the second burst's destination is 32 bytes off.
  EXPECT_NE(mismatch->message.find(": item 1: model {"), std::string::npos) << mismatch->message;
  EXPECT_GT(std::filesystem::file_size(mismatch->waveform), 0u);
  std::cout << "caught as it must be:\n" << mismatch->message << "\n";
}

}  // namespace
}  // namespace npu::rtl_test
