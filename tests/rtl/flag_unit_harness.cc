// Cross-check of rtl/flag_unit.sv against FlagUnit (sim/core/flag_unit.h), the flag table AiCore
// uses: directed cases and 10,000 seeded random episodes of sets and waits on every pipe;
// each cycle, which sets are rejected (set twice) and which waits complete must be identical,
// so every wait's latency is too. A variant built with NPU_RTL_MISMODEL (a set seen by waits
// one cycle late) must be caught, with a waveform written.
//
// An episode starts from reset with an empty table and a fresh model; per cycle the harness
// applies the sets of the cycle and then the waits (the order the unit's contract states).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <iostream>
#include <random>

#include "Vflag_unit.h"
#include "Vflag_unit_mismodel.h"
#include "sim/core/flag_unit.h"
#include "tests/rtl/cross_check.h"
#include "tests/rtl/verilated_bench.h"

namespace npu::rtl_test {
namespace {

using isa::Pipe;
using sim::FlagUnit;
using sim::kPipeCount;

constexpr uint32_t kEvents = 8;  // the RTL's NumEvents default and the 910B's pipes.event_ids

struct Request {
  bool valid = false;
  Pipe pipe = Pipe::kS;  // a set's destination, a wait's source
  uint32_t event = 0;
};

// One cycle of stimulus: the sets of each source pipe and the waits each destination pipe
// starts this cycle if it has none outstanding (a pending wait holds its pipe).
struct CycleStimulus {
  std::array<Request, kPipeCount> sets{};
  std::array<Request, kPipeCount> waits{};
};

struct Episode {
  std::vector<CycleStimulus> cycles;
};

// What the compared episodes exercised (a random set that never meets a wait proves little).
struct Coverage {
  uint64_t sets = 0, rejected_sets = 0;
  uint64_t waits_done = 0, waits_done_at_once = 0, waits_done_after_blocking = 0;
};

std::string describe(const Request& r, const char* what, size_t pipe) {
  const auto name = [](size_t p) { return std::string(isa::name(static_cast<Pipe>(p))); };
  return what[0] == 's' ? fmt::format("set {} -> {} event {}", name(pipe),
                                      name(static_cast<size_t>(r.pipe)), r.event)
                        : fmt::format("wait {} -> {} event {}", name(static_cast<size_t>(r.pipe)),
                                      name(pipe), r.event);
}

template <typename Top>
std::optional<std::string> check(VerilatedBench<Top>& bench, const Episode& episode,
                                 Coverage& coverage) {
  Top& top = bench.top();
  bench.reset();
  FlagUnit model(kEvents);
  std::array<Request, kPipeCount> pending{};  // the wait each destination pipe holds
  std::array<size_t, kPipeCount> since{};     // the cycle each pending wait started
  for (size_t c = 0; c < episode.cycles.size(); ++c) {
    const CycleStimulus& in = episode.cycles[c];
    uint32_t set_valid = 0, set_dst = 0, wait_valid = 0, wait_src = 0;
    uint64_t set_event = 0, wait_event = 0;
    for (size_t p = 0; p < kPipeCount; ++p) {
      if (!pending[p].valid && in.waits[p].valid) {
        pending[p] = in.waits[p];
        since[p] = c;
      }
      const Request& s = in.sets[p];
      const Request& w = pending[p];
      set_valid |= uint32_t{s.valid} << p;
      set_dst |= static_cast<uint32_t>(s.pipe) << (3 * p);
      set_event |= uint64_t{s.event} << (6 * p);
      wait_valid |= uint32_t{w.valid} << p;
      wait_src |= static_cast<uint32_t>(w.pipe) << (3 * p);
      wait_event |= uint64_t{w.event} << (6 * p);
    }
    top.set_valid_i = set_valid;
    top.set_dst_i = set_dst;
    top.set_event_i = set_event;
    top.wait_valid_i = wait_valid;
    top.wait_src_i = wait_src;
    top.wait_event_i = wait_event;
    bench.settle();

    std::string activity;
    for (size_t p = 0; p < kPipeCount; ++p) {
      if (in.sets[p].valid) activity += "\n    " + describe(in.sets[p], "set", p);
      if (pending[p].valid) activity += "\n    " + describe(pending[p], "wait", p);
    }
    for (size_t p = 0; p < kPipeCount; ++p) {
      const Request& s = in.sets[p];
      if (!s.valid) continue;
      const bool model_error = !model.set(static_cast<Pipe>(p), s.pipe, s.event);
      ++coverage.sets;
      coverage.rejected_sets += model_error;
      const bool rtl_error = (top.set_error_o >> p) & 1;
      if (model_error != rtl_error) {
        return fmt::format("cycle {}: {}: model {} RTL set_error_o={}; the cycle's requests:{}", c,
                           describe(s, "set", p), model_error ? "rejects it" : "sets it", rtl_error,
                           activity);
      }
    }
    for (size_t p = 0; p < kPipeCount; ++p) {
      const Request& w = pending[p];
      if (!w.valid) continue;
      const bool model_done = model.consume(w.pipe, static_cast<Pipe>(p), w.event);
      const bool rtl_done = (top.wait_done_o >> p) & 1;
      if (model_done != rtl_done) {
        return fmt::format("cycle {}: {}: model {} RTL wait_done_o={}; the cycle's requests:{}", c,
                           describe(w, "wait", p), model_done ? "completes it" : "blocks", rtl_done,
                           activity);
      }
      if (model_done) {
        pending[p] = Request{};
        ++coverage.waits_done;
        ++(since[p] == c ? coverage.waits_done_at_once : coverage.waits_done_after_blocking);
      }
    }
    bench.tick();
  }
  return std::nullopt;
}

template <typename Top>
std::optional<Mismatch> run(std::string_view block, const std::vector<Episode>& episodes,
                            Coverage* coverage = nullptr) {
  VerilatedBench<Top> bench;
  Coverage ignored;
  Coverage& counts = coverage != nullptr ? *coverage : ignored;
  return cross_check<VerilatedBench<Top>, Episode>(
      bench, block, episodes,
      [&](VerilatedBench<Top>& b, const Episode& e) { return check(b, e, counts); });
}

Request req(Pipe pipe, uint32_t event) { return {true, pipe, event}; }

std::vector<Episode> directed() {
  const size_t v = static_cast<size_t>(Pipe::kV), m = static_cast<size_t>(Pipe::kM);
  const size_t mte2 = static_cast<size_t>(Pipe::kMte2), s = static_cast<size_t>(Pipe::kS);
  std::vector<Episode> out(5);
  // A wait before its set completes in the cycle of the set.
  out[0].cycles.resize(4);
  out[0].cycles[0].waits[v] = req(Pipe::kMte2, 1);
  out[0].cycles[2].sets[mte2] = req(Pipe::kV, 1);
  // Set and wait in the same cycle: the wait completes at once; a second set is then legal.
  out[1].cycles.resize(3);
  out[1].cycles[0].sets[mte2] = req(Pipe::kV, 0);
  out[1].cycles[0].waits[v] = req(Pipe::kMte2, 0);
  out[1].cycles[1].sets[mte2] = req(Pipe::kV, 0);
  // Set twice with no wait between: the second set is an error; one wait consumes the flag.
  out[2].cycles.resize(5);
  out[2].cycles[0].sets[m] = req(Pipe::kS, 3);
  out[2].cycles[1].sets[m] = req(Pipe::kS, 3);
  out[2].cycles[2].waits[s] = req(Pipe::kM, 3);
  out[2].cycles[3].waits[s] = req(Pipe::kM, 3);  // blocks: the flag was consumed
  // Flags are per pipe pair and per event: other pairs and events do not release a wait.
  out[3].cycles.resize(4);
  out[3].cycles[0].waits[v] = req(Pipe::kMte2, 2);
  out[3].cycles[1].sets[mte2] = req(Pipe::kV, 3);
  out[3].cycles[1].sets[m] = req(Pipe::kV, 2);
  out[3].cycles[2].sets[mte2] = req(Pipe::kM, 2);
  // Every pipe sets towards every other in one cycle; every wait completes in it.
  out[4].cycles.resize(2);
  for (size_t p = 0; p < kPipeCount; ++p) {
    out[4].cycles[0].sets[p] = req(static_cast<Pipe>((p + 1) % kPipeCount), kEvents - 1);
    out[4].cycles[0].waits[(p + 1) % kPipeCount] = req(static_cast<Pipe>(p), kEvents - 1);
  }
  return out;
}

// Episodes of 4..40 cycles; small pipe and event choices so sets meet waits and set twice.
std::vector<Episode> random_episodes(uint64_t seed, size_t count) {
  std::mt19937_64 rng(seed);
  auto below = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };
  // The other side of a request: any pipe but this one, mostly one of its two neighbours
  // (sets go to the next pipes, waits listen to the previous ones, so most waits can meet a
  // set); mostly events 0 and 1.
  auto random_request = [&](size_t pipe, bool is_set) {
    const uint64_t distance = below(4) == 0 ? 1 + below(kPipeCount - 1) : 1 + below(2);
    const uint64_t other = (is_set ? pipe + distance : pipe + kPipeCount - distance) % kPipeCount;
    return req(static_cast<Pipe>(other),
               static_cast<uint32_t>(below(4) == 0 ? below(kEvents) : below(2)));
  };
  std::vector<Episode> out(count);
  for (Episode& e : out) {
    e.cycles.resize(4 + below(37));
    for (CycleStimulus& c : e.cycles) {
      for (size_t p = 0; p < kPipeCount; ++p) {
        if (below(5) == 0) c.sets[p] = random_request(p, true);
        if (below(2) == 0) c.waits[p] = random_request(p, false);
      }
    }
  }
  return out;
}

TEST(FlagUnitRtl, DirectedCasesMatchTheModel) {
  const auto mismatch = run<Vflag_unit>("flag_unit", directed());
  EXPECT_FALSE(mismatch) << mismatch->message;
}

TEST(FlagUnitRtl, TenThousandRandomEpisodesMatchTheModel) {
  const uint64_t seed = random_seed(0x666c6167);
  Coverage coverage;
  const auto mismatch = run<Vflag_unit>("flag_unit", random_episodes(seed, 10000), &coverage);
  EXPECT_FALSE(mismatch) << "seed " << seed << ": " << mismatch->message;
  // Thousands of each kind of transaction: sets, sets twice, waits that find their flag set,
  // waits that block first.
  EXPECT_GT(coverage.sets, 100000u);
  EXPECT_GT(coverage.rejected_sets, 10000u);
  EXPECT_GT(coverage.waits_done_at_once, 5000u);
  EXPECT_GT(coverage.waits_done_after_blocking, 10000u);
  std::cout << fmt::format("{} sets ({} rejected), {} waits done ({} at once, {} after blocking)\n",
                           coverage.sets, coverage.rejected_sets, coverage.waits_done,
                           coverage.waits_done_at_once, coverage.waits_done_after_blocking);
}

TEST(FlagUnitRtl, MisModelledVariantIsCaughtWithAWaveform) {
  const auto mismatch = run<Vflag_unit_mismodel>("flag_unit_mismodel", directed());
  ASSERT_TRUE(mismatch);
  // Directed case 0: the wait must complete in cycle 2, the cycle of the set.
  EXPECT_EQ(mismatch->transaction, 0u);
  EXPECT_NE(mismatch->message.find("cycle 2: wait mte2 -> v event 1: model completes it RTL "
                                   "wait_done_o=false"),
            std::string::npos)
      << mismatch->message;
  EXPECT_GT(std::filesystem::file_size(mismatch->waveform), 0u);
  std::cout << "caught as it must be:\n" << mismatch->message << "\n";
}

}  // namespace
}  // namespace npu::rtl_test
