// Exact cycles of GM-facing transfers on a hand-checkable chip: latency plus bytes over the
// bandwidth, the efficiency curve, L2 hits and misses, write-backs, sharing between cores.
#include "sim/memory/memory_system.h"

#include <gtest/gtest.h>

#include <vector>

#include "config/loader.h"
#include "tests/support/run_command.h"

namespace npu::sim {
namespace {

using isa::DataPath;

// A chip whose numbers make every expectation below a line of arithmetic:
//   read latency = path 10 + NoC 5 + L2 hit 20 (+ HBM 100 on a miss) = 35 / 135 cycles;
//   GM -> L1 at 32 B/cycle, port 64 B/cycle, L2 512 B/cycle, HBM 64 B/cycle (64 GB/s at 1 GHz);
//   L2 lines of 64 bytes, 16 ways x 64 sets = 64 KiB; no small-transfer penalty.
config::ChipConfig test_chip(uint64_t cores = 1) {
  config::ChipConfig c =
      config::load_chip_config(test::source_path("configs/chips/tiny.yaml")).config;
  c.chip.cores = cores;
  c.chip.clock_mhz = 1000;
  c.paths.gm_to_l1 = {true, 32, 10};
  c.paths.gm_to_ub = {true, 64, 10};
  c.paths.ub_to_gm = {true, 32, 4};
  c.paths.l0c_to_gm = {true, 64, 2};
  c.paths.l1_to_l0a = {true, 256, 2};
  c.mte.gm_efficiency = config::Curve{};
  c.noc.core_port_bytes_per_cycle = 64;
  c.noc.latency_cycles = 5;
  c.l2.capacity_bytes = 64 << 10;
  c.l2.line_bytes = 64;
  c.l2.ways = 16;
  c.l2.policy = config::ReplacementPolicy::kLru;
  c.l2.hit_latency_cycles = 20;
  c.l2.bytes_per_cycle = 512;
  c.hbm.bandwidth_gbps = 64;
  c.hbm.efficiency = 1.0;
  c.hbm.latency_cycles = 100;
  return c;
}

GmPattern block(uint64_t address, uint64_t bytes) { return {address, 1, bytes, bytes}; }

constexpr uint64_t kA = 0x1000'0000;

TEST(MemorySystem, ColdReadIsMissLatencyPlusBytesOverPathBandwidth) {
  const config::ChipConfig chip = test_chip();
  MemorySystem m(chip, 1);
  // 135 cycles of latency, then 4096 bytes at 32 B/cycle = 128 cycles.
  const TransferTiming t = m.transfer(0, DataPath::kGmToL1, 0, block(kA, 4096), false);
  EXPECT_EQ(t.done, 263u);
  EXPECT_EQ(t.uncontended, 263u);
  EXPECT_EQ(m.stats().l2_misses, 64u);
  EXPECT_EQ(m.stats().l2_hits, 0u);
  EXPECT_EQ(m.stats().hbm_read_bytes, 4096u);
}

TEST(MemorySystem, WarmReadHitsL2AndSkipsTheHbmLatency) {
  const config::ChipConfig chip = test_chip();
  MemorySystem m(chip, 1);
  m.transfer(0, DataPath::kGmToL1, 0, block(kA, 4096), false);
  const TransferTiming t = m.transfer(0, DataPath::kGmToL1, 1000, block(kA, 4096), false);
  EXPECT_EQ(t.done, 1000u + 35 + 128);
  EXPECT_EQ(m.stats().l2_hits, 64u);
  EXPECT_EQ(m.stats().l2_misses, 64u);
  EXPECT_EQ(m.stats().hbm_read_bytes, 4096u);
}

TEST(MemorySystem, OneMissingLineAddsTheHbmLatencyOnce) {
  const config::ChipConfig chip = test_chip();
  MemorySystem m(chip, 1);
  m.transfer(0, DataPath::kGmToL1, 0, block(kA, 4096), false);
  // 4160 bytes: 64 lines hit, the 65th misses. 135 + 4160 / 32 = 265 cycles.
  const TransferTiming t = m.transfer(0, DataPath::kGmToL1, 1000, block(kA, 4160), false);
  EXPECT_EQ(t.done, 1000u + 135 + 130);
  EXPECT_EQ(m.stats().l2_misses, 65u);
}

TEST(MemorySystem, EfficiencyCurveScalesTheReadRateBySize) {
  config::ChipConfig chip = test_chip();
  chip.mte.gm_efficiency = config::Curve{{{1024, 0.5}, {4096, 1.0}}};
  MemorySystem m(chip, 1);
  m.transfer(0, DataPath::kGmToL1, 0, block(kA, 8192), false);  // warm the lines
  // 1024 bytes at 0.5 x 32 = 16 B/cycle: 64 cycles after 35 of latency.
  EXPECT_EQ(m.transfer(0, DataPath::kGmToL1, 1000, block(kA, 1024), false).done, 1099u);
  // 2560 bytes: efficiency 0.75 (interpolated), 24 B/cycle: 106.67 -> 107 cycles.
  EXPECT_EQ(m.transfer(0, DataPath::kGmToL1, 2000, block(kA, 2560), false).done, 2142u);
  // 8192 bytes: beyond the last point, full rate: 256 cycles.
  EXPECT_EQ(m.transfer(0, DataPath::kGmToL1, 3000, block(kA, 8192), false).done, 3291u);
  // 512 bytes: below the first point, 0.5: 32 cycles.
  EXPECT_EQ(m.transfer(0, DataPath::kGmToL1, 4000, block(kA, 512), false).done, 4067u);
}

TEST(MemorySystem, WritesArePostedAndRunAtThePathRate) {
  config::ChipConfig chip = test_chip();
  chip.mte.gm_efficiency = config::Curve{{{1024, 0.5}, {4096, 1.0}}};
  MemorySystem m(chip, 1);
  // UB -> GM: 4 cycles of set-up, 1024 bytes at 32 B/cycle; no NoC, L2 or HBM latency and no
  // efficiency penalty. The write misses allocate without reading HBM.
  const TransferTiming t = m.transfer(0, DataPath::kUbToGm, 0, block(kA, 1024), true);
  EXPECT_EQ(t.done, 4u + 32);
  EXPECT_EQ(m.stats().l2_misses, 16u);
  EXPECT_EQ(m.stats().hbm_read_bytes, 0u);
  // The written lines are in L2: reading them back hits.
  EXPECT_EQ(m.transfer(0, DataPath::kGmToL1, 100, block(kA, 1024), false).done, 100u + 35 + 64);
  EXPECT_EQ(m.stats().l2_hits, 16u);
}

TEST(MemorySystem, DirtyLinesAreWrittenBackToHbmWhenEvicted) {
  config::ChipConfig chip = test_chip();
  chip.l2.capacity_bytes = 64 * 16;  // one set of 16 lines
  MemorySystem m(chip, 1);
  m.transfer(0, DataPath::kUbToGm, 0, block(kA, 1024), true);  // 16 dirty lines
  // Reading 16 other lines evicts all 16 dirty ones: 1024 bytes read + 1024 written on HBM.
  // HBM carries 2048 bytes at most 64 B/cycle while the path moves 1024 at 32: 32 cycles
  // either way, so 135 + 32 = 167 cycles.
  const TransferTiming t = m.transfer(0, DataPath::kGmToL1, 1000, block(kA + 1024, 1024), false);
  EXPECT_EQ(t.done, 1000u + 135 + 32);
  EXPECT_EQ(m.stats().l2_writebacks, 16u);
  EXPECT_EQ(m.stats().hbm_write_bytes, 1024u);
  EXPECT_EQ(m.stats().hbm_read_bytes, 1024u);
  // With write-backs doubling the HBM traffic of a full-rate read, HBM is the bound:
  // 16 new lines at 64 B/cycle (path), 2 x 1024 HBM bytes at 64 B/cycle = 32 cycles.
  m.transfer(0, DataPath::kUbToGm, 2000, block(kA + 4096, 1024), true);  // 16 dirty again
  const TransferTiming u = m.transfer(0, DataPath::kGmToUb, 3000, block(kA + 8192, 1024), false);
  EXPECT_EQ(u.done, 3000u + 135 + 32);
  EXPECT_EQ(u.uncontended, u.done);
}

TEST(MemorySystem, LruAndFifoGiveDifferentHitsForTheSameAccesses) {
  for (const auto policy : {config::ReplacementPolicy::kLru, config::ReplacementPolicy::kFifo}) {
    config::ChipConfig chip = test_chip();
    chip.l2.capacity_bytes = 128;  // one set of two 64-byte lines
    chip.l2.ways = 2;
    chip.l2.policy = policy;
    MemorySystem m(chip, 1);
    const auto read = [&](Cycle start, uint64_t line) {
      return m.transfer(0, DataPath::kGmToL1, start, block(kA + line * 64, 64), false).done -
             start;
    };
    read(0, 0);
    read(1000, 1);
    read(2000, 0);  // hit: LRU renews line 0, FIFO does not
    read(3000, 2);  // evicts line 1 (LRU) or line 0 (FIFO)
    // Reading line 0 again: 35 + 2 cycles if it stayed (LRU), 135 + 2 if it was evicted.
    EXPECT_EQ(read(4000, 0), policy == config::ReplacementPolicy::kLru ? 37u : 137u);
  }
}

TEST(MemorySystem, TransferIsBoundedByTheNocPortOrByThePath) {
  config::ChipConfig chip = test_chip();
  chip.paths.gm_to_l1.bytes_per_cycle = 48;
  chip.noc.core_port_bytes_per_cycle = 16;
  {
    MemorySystem m(chip, 1);  // the port (16) is narrower than the path (48)
    EXPECT_EQ(m.transfer(0, DataPath::kGmToL1, 0, block(kA, 4096), false).done, 135u + 256);
  }
  chip.noc.core_port_bytes_per_cycle = 128;
  {
    MemorySystem m(chip, 1);  // the path (48) is narrower than the port (128)
    EXPECT_EQ(m.transfer(0, DataPath::kGmToL1, 0, block(kA, 4800), false).done, 135u + 100);
  }
}

TEST(MemorySystem, StridedBurstsTouchOnlyTheirLines) {
  const config::ChipConfig chip = test_chip();
  MemorySystem m(chip, 1);
  // 4 bursts of 32 bytes, 256 bytes apart: 4 lines, 128 bytes at 32 B/cycle.
  const GmPattern strided{kA, 4, 32, 256};
  EXPECT_EQ(m.transfer(0, DataPath::kGmToL1, 0, strided, false).done, 135u + 4);
  EXPECT_EQ(m.stats().l2_misses, 4u);
  // 2 bursts of 32 bytes in the same line: one line.
  const GmPattern same_line{kA + 4096, 2, 32, 32};
  m.transfer(0, DataPath::kGmToL1, 1000, same_line, false);
  EXPECT_EQ(m.stats().l2_misses, 5u);
}

TEST(MemorySystem, TwoCoresShareHbm) {
  config::ChipConfig chip = test_chip(2);
  chip.paths.gm_to_l1.bytes_per_cycle = 64;
  MemorySystem m(chip, 2);
  // Each alone: 135 + 8192 / 64 = 263. HBM (64 B/cycle) is full while core 0 reads, so core 1
  // gets it when core 0 is done: 128 cycles later.
  const TransferTiming a = m.transfer(0, DataPath::kGmToL1, 0, block(kA, 8192), false);
  const TransferTiming b = m.transfer(1, DataPath::kGmToL1, 0, block(kA + 65536, 8192), false);
  EXPECT_EQ(a.done, 263u);
  EXPECT_EQ(b.done, 391u);
  EXPECT_EQ(b.uncontended, 263u);
}

TEST(MemorySystem, TwoCoresAtHalfTheHbmRateDoNotSlowEachOther) {
  const config::ChipConfig chip = test_chip(2);  // path 32 B/cycle, HBM 64
  MemorySystem m(chip, 2);
  const TransferTiming a = m.transfer(0, DataPath::kGmToL1, 0, block(kA, 8192), false);
  const TransferTiming b = m.transfer(1, DataPath::kGmToL1, 0, block(kA + 65536, 8192), false);
  EXPECT_EQ(a.done, 135u + 256);
  EXPECT_EQ(b.done, 135u + 256);
}

TEST(MemorySystem, ThirtyTwoCoresStreamingAreSlowerPerCoreThanOne) {
  const config::ChipConfig chip = test_chip(32);  // path 32 B/cycle each, HBM 64 in all
  MemorySystem alone(chip, 32);
  EXPECT_EQ(alone.transfer(0, DataPath::kGmToL1, 0, block(kA, 4096), false).done, 263u);

  // All 32 cores start 4096-byte cold reads at cycle 0. HBM serves two at a time at 32 B/cycle
  // each, in call order: cores 2k and 2k+1 finish at 135 + 128 (k + 1).
  MemorySystem m(chip, 32);
  for (uint32_t core = 0; core < 32; ++core) {
    const TransferTiming t =
        m.transfer(core, DataPath::kGmToL1, 0, block(kA + core * 8192ull, 4096), false);
    EXPECT_EQ(t.done, 135u + 128 * (core / 2 + 1)) << "core " << core;
    EXPECT_EQ(t.uncontended, 263u);
  }
}

TEST(MemorySystem, ManyTransfersPerCoreKeepTheAggregateAtTheHbmRate) {
  const config::ChipConfig chip = test_chip(32);
  MemorySystem m(chip, 32);
  // Each core streams 8 cold 4096-byte reads back to back. 32 x 8 x 4096 bytes over HBM at
  // 64 B/cycle need 16384 cycles; the last one ends after that plus one latency.
  // Calls go in simulated-time order, as the SystemC kernel makes them: always the core whose
  // next read starts first (the lowest index on a tie).
  std::vector<Cycle> next(32, 0);
  std::vector<int> issued(32, 0);
  Cycle last = 0;
  for (int call = 0; call < 32 * 8; ++call) {
    uint32_t core = 0;
    for (uint32_t c = 1; c < 32; ++c) {
      if (issued[c] < 8 && (issued[core] == 8 || next[c] < next[core])) core = c;
    }
    const uint64_t address = kA + static_cast<uint64_t>(call) * 4096;
    next[core] = m.transfer(core, DataPath::kGmToL1, next[core], block(address, 4096), false).done;
    ++issued[core];
    last = std::max(last, next[core]);
  }
  EXPECT_EQ(m.stats().hbm_read_bytes, 32u * 8 * 4096);
  EXPECT_EQ(last, 16384u + 135);
}

TEST(MemorySystem, FetchGoesThroughThePortAndL2) {
  const config::ChipConfig chip = test_chip();
  MemorySystem m(chip, 1);
  // No path set-up: NoC 5 + L2 20 + HBM 100, then 2048 bytes at the port's 64 B/cycle.
  EXPECT_EQ(m.fetch(0, 0, kA, 2048).done, 125u + 32);
  EXPECT_EQ(m.fetch(0, 500, kA, 2048).done, 500u + 25 + 32);
}

TEST(MemorySystem, LocalTransferIsLatencyPlusBytesOverBandwidth) {
  const config::ChipConfig chip = test_chip();
  const MemorySystem m(chip, 1);
  EXPECT_EQ(m.local_transfer_cycles(DataPath::kL1ToL0a, 65536), 2u + 256);
  EXPECT_EQ(m.local_transfer_cycles(DataPath::kL1ToL0a, 100), 2u + 1);
}

TEST(MemorySystem, SameCallsGiveTheSameAnswers) {
  const config::ChipConfig chip = test_chip(4);
  const auto run = [&chip] {
    MemorySystem m(chip, 4);
    std::vector<Cycle> out;
    Cycle t = 0;
    for (uint64_t i = 0; i < 200; ++i) {
      const uint32_t core = static_cast<uint32_t>(i % 4);
      const uint64_t bytes = 64 + (i * 2654435761u) % 8192;
      const bool write = i % 5 == 0;
      const GmPattern gm = block(kA + (i * 40503u) % (1 << 20), bytes);
      out.push_back(
          m.transfer(core, write ? DataPath::kUbToGm : DataPath::kGmToUb, t, gm, write).done);
      t += i % 7;
    }
    out.push_back(m.stats().l2_hits);
    out.push_back(m.stats().l2_misses);
    out.push_back(m.stats().l2_writebacks);
    return out;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace npu::sim

namespace npu::sim {
namespace {

// The scale of a real multi-core kernel: 32 cores each streaming 100 transfers of 256 KiB on
// the 910B config (3.3 million L2 lines). Cost grows with lines, not cycles, so this runs in a
// fraction of a second; the chip as a whole moves data at the HBM rate.
TEST(MemorySystemScale, ThirtyTwoCoresStreamingAtTheHbmRate) {
  config::ChipConfig chip =
      config::load_chip_config(test::source_path("configs/chips/ascend910b.yaml")).config;
  chip.chip.cores = 32;
  MemorySystem m(chip, 32);
  constexpr uint64_t kBytes = 256 << 10;
  constexpr int kRounds = 100;
  std::vector<Cycle> next(32, 0);
  std::vector<int> issued(32, 0);
  Cycle last = 0;
  for (int call = 0; call < 32 * kRounds; ++call) {
    uint32_t core = 0;
    for (uint32_t c = 1; c < 32; ++c) {
      if (issued[c] < kRounds && (issued[core] == kRounds || next[c] < next[core])) core = c;
    }
    const GmPattern gm = block(kA + static_cast<uint64_t>(call) * kBytes, kBytes);
    next[core] = m.transfer(core, DataPath::kGmToL1, next[core], gm, false).done;
    ++issued[core];
    last = std::max(last, next[core]);
  }
  constexpr uint64_t kTotal = 32ull * kRounds * kBytes;
  EXPECT_EQ(m.stats().l2_misses, kTotal / 512);
  EXPECT_EQ(m.stats().hbm_read_bytes, kTotal);
  // HBM: 1420 GB/s x 0.81 at 1.85 GHz = 621.73 B/cycle; 838860800 bytes need 1349237.07
  // cycles. The last core finishes within 1% after that (its last latency and rate ramp).
  EXPECT_GE(last, 1349238u);
  EXPECT_LE(last, 1349238u + 13492u);
  // One core alone: 100 cold reads of 120 + 150 + 262144 / (180 x 0.9131) = 1865 cycles. With
  // 32 cores sharing HBM each takes more than 7 times as long.
  EXPECT_GT(last, 7u * 100 * 1865);
}

}  // namespace
}  // namespace npu::sim
