// The vector ALU lane (rtl/vector/npu_vec_lane.sv) against the values the vector pipe computes
// (numerics/elementwise.h and convert.h, as sim/exec/vector_exec.cc calls them) and the vector
// timing model (sim/exec/vector_timing.h): directed corner cases of docs/numerics.md section 11,
// 10,000 seeded random instructions (each 1..8 elements through the lane), compared value by value
// and cycle by cycle, and the mis-modelled variants (truncation, one cycle late) caught.
//
// A transaction is one vector instruction as one lane sees it: R elements (R repeats), issued at a
// request cycle; the model starts it at max(request, previous start + previous occupancy), element
// i is accepted i x cycles_per_repeat later, and the last result leaves at start + latency.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <optional>
#include <random>

#include "Vvec_lane.h"
#include "Vvec_lane_slow.h"
#include "Vvec_lane_truncating.h"
#include "isa/instruction.h"
#include "numerics/convert.h"
#include "numerics/elementwise.h"
#include "sim/exec/vector_timing.h"
#include "tests/rtl/mismatch_report.h"
#include "tests/rtl/verilated_bench.h"

namespace npu::rtl_test {
namespace {

namespace nm = numerics;
using isa::DataType;
using isa::Opcode;

struct LaneOp {
  Opcode op = Opcode::kVadd;
  DataType dtype = DataType::kF32;
  DataType src = DataType::kF32;
  isa::RoundMode round = isa::RoundMode::kRint;
  std::vector<std::pair<uint32_t, uint32_t>> operands;  // (a, b) per element
  uint64_t request = 1;
};

config::ChipConfig lane_config() {
  config::ChipConfig c;
  c.vector.binary.startup_cycles = NPU_RTL_VEC_STARTUP_CYCLES;
  c.vector.binary.cycles_per_repeat_b16 = NPU_RTL_VEC_BINARY_CYCLES_B16;
  c.vector.binary.cycles_per_repeat_b32 = NPU_RTL_VEC_BINARY_CYCLES_B32;
  c.vector.simple.startup_cycles = NPU_RTL_VEC_STARTUP_CYCLES;
  c.vector.simple.cycles_per_repeat_b32 = NPU_RTL_VEC_SIMPLE_CYCLES_B32;
  return c;
}

uint32_t width(const LaneOp& t) {
  return std::max(isa::element_size(t.dtype), isa::element_size(t.src));
}

sim::PipeTiming timing(const LaneOp& t) {
  return sim::vector_timing(lane_config(), isa::info(t.op).vector_class, t.operands.size(),
                            width(t));
}

// The vector pipe's value for one element (numerics/, as vector_exec.cc calls it).
uint32_t model_value(const LaneOp& t, uint32_t a, uint32_t b) {
  if (t.op == Opcode::kVconv) {
    const auto mode = static_cast<nm::RoundingMode>(t.round);
    if (t.dtype == DataType::kF16) return nm::fp32_to_fp16(std::bit_cast<float>(a), mode).bits;
    if (t.dtype == DataType::kBf16) return nm::fp32_to_bf16(std::bit_cast<float>(a), mode).bits;
    if (t.src == DataType::kF16) {
      return std::bit_cast<uint32_t>(nm::fp16_to_fp32(nm::Fp16{static_cast<uint16_t>(a)}));
    }
    return std::bit_cast<uint32_t>(nm::bf16_to_fp32(nm::Bf16{static_cast<uint16_t>(a)}));
  }
  auto apply = [&](auto x, auto y) {
    switch (t.op) {
      case Opcode::kVadd:
        return nm::add(x, y);
      case Opcode::kVsub:
        return nm::sub(x, y);
      case Opcode::kVmul:
        return nm::mul(x, y);
      case Opcode::kVmax:
        return nm::max(x, y);
      default:
        return nm::min(x, y);
    }
  };
  if (t.dtype == DataType::kF16) {
    return apply(nm::Fp16{static_cast<uint16_t>(a)}, nm::Fp16{static_cast<uint16_t>(b)}).bits;
  }
  return std::bit_cast<uint32_t>(apply(std::bit_cast<float>(a), std::bit_cast<float>(b)));
}

std::string describe(const LaneOp& t, size_t index) {
  std::string text =
      fmt::format("instruction {}: {}.{}", index, isa::info(t.op).mnemonic, isa::name(t.dtype));
  if (t.op == Opcode::kVconv) {
    text += fmt::format(".{} round {}", isa::name(t.src), static_cast<int>(t.round));
  }
  return text + fmt::format(" of {} elements, requested at edge {}", t.operands.size(), t.request);
}

struct LaneRunResult {
  bool ok = true;
  std::string report;
  uint64_t elements = 0;
  uint64_t cycles = 0;
};

template <typename Model>
std::optional<StreamMismatch> drive(const std::vector<LaneOp>& stream, LaneRunResult& result,
                                    const WaveWindow& wave) {
  VerilatedBench<Model> bench;
  WaveRecorder recorder(wave);
  Model& top = bench.top();
  bench.reset();
  size_t issue = 0, element = 0;       // next element to present
  size_t out_op = 0, out_element = 0;  // next result expected
  std::vector<uint64_t> start(stream.size());
  uint64_t model_free = 0;
  const uint64_t limit = 1000 + stream.size() * 64;
  while (out_op < stream.size()) {
    if (bench.cycle() > limit) {
      return StreamMismatch{bench.cycle(),
                            fmt::format("{}: result {} never came (the RTL hangs)",
                                        describe(stream[out_op], out_op), out_element)};
    }
    const bool present = issue < stream.size() && stream[issue].request <= bench.cycle() + 1;
    top.in_valid_i = present ? 1 : 0;
    if (present) {
      const LaneOp& t = stream[issue];
      top.in_op_i = isa::info(t.op).major;
      top.in_dtype_i = static_cast<uint8_t>(t.dtype);  // dtype_e is generated from isa::DataType
      top.in_src_dtype_i = static_cast<uint8_t>(t.src);
      top.in_round_i = static_cast<uint8_t>(t.round);
      top.in_a_i = t.operands[element].first;
      top.in_b_i = t.operands[element].second;
    }
    bench.settle();
    const bool accepted = present && top.in_ready_o;
    recorder.before(bench);
    bench.tick();
    const uint64_t edge = bench.cycle();
    if (accepted) {
      const LaneOp& t = stream[issue];
      const sim::PipeTiming tm = timing(t);
      if (element == 0) {
        start[issue] = std::max(t.request, model_free);
        model_free = start[issue] + tm.occupancy;
      }
      const uint64_t expected = start[issue] + element * (tm.occupancy / t.operands.size());
      if (edge != expected) {
        return StreamMismatch{edge,
                              fmt::format("{}: element {} accepted at edge {}, the timing model "
                                          "starts it at edge {} (throughput)",
                                          describe(t, issue), element, edge, expected)};
      }
      if (++element == t.operands.size()) {
        ++issue;
        element = 0;
      }
    }
    if (top.out_valid_o) {
      if (out_op >= stream.size() || (out_op == issue && out_element >= element)) {
        return StreamMismatch{edge,
                              fmt::format("a result at edge {} with no element outstanding", edge)};
      }
      const LaneOp& t = stream[out_op];
      const auto [a, b] = t.operands[out_element];
      const uint32_t want = model_value(t, a, b);
      const uint32_t got = top.out_y_o;
      if (got != want) {
        return StreamMismatch{edge,
                              fmt::format("{}: element {} (a {:08x}, b {:08x}) at edge {}: RTL "
                                          "{:08x}, numerics {:08x}",
                                          describe(t, out_op), out_element, a, b, edge, got, want)};
      }
      ++result.elements;
      if (++out_element == t.operands.size()) {
        const uint64_t expected = start[out_op] + timing(t).latency;
        if (edge != expected) {
          return StreamMismatch{edge,
                                fmt::format("{}: started at edge {}, last result at edge {}; the "
                                            "timing model completes it at edge {} (latency)",
                                            describe(t, out_op), start[out_op], edge, expected)};
        }
        ++out_op;
        out_element = 0;
      }
    }
  }
  result.cycles = bench.cycle();
  return std::nullopt;
}

template <typename Model>
LaneRunResult run_lane(const std::vector<LaneOp>& stream, const std::string& wave_path) {
  LaneRunResult result;
  bool replay = false;
  result.report = report_first_mismatch(
      "vector lane",
      [&](const WaveWindow& window) {
        LaneRunResult scratch;
        const std::optional<StreamMismatch> m =
            drive<Model>(stream, replay ? scratch : result, window);
        replay = true;
        return m;
      },
      wave_path, 40);
  result.ok = result.report.empty();
  return result;
}

uint32_t random_fp32(std::mt19937_64& rng) {
  const auto bits = static_cast<uint32_t>(rng());
  switch (rng() % 16) {
    case 0:
      return bits;  // anything: NaN, Inf, subnormal
    case 1:
      return bits & 0x807FFFFF;  // fp32 subnormal
    case 4:
      return bits & 0x8000000F;  // the smallest subnormals: only sticky bits below fp16's grid
    case 2:
      return (bits & 0x8000FFFF) | 0x47800000;  // near the fp16 overflow threshold
    case 3:
      return (bits & 0x807FFFFF) | static_cast<uint32_t>(100 + rng() % 14) << 23;  // fp16 sub
    default:
      return (bits & 0x807FFFFF) | static_cast<uint32_t>(110 + rng() % 36) << 23;
  }
}

uint32_t random_fp16(std::mt19937_64& rng) {
  const auto bits = static_cast<uint16_t>(rng());
  if (rng() % 8 == 0) return bits;
  return static_cast<uint16_t>((bits & 0x83FF) | (8 + rng() % 16) << 10);
}

std::vector<LaneOp> random_ops(uint64_t seed, size_t count) {
  std::mt19937_64 rng(seed);
  std::vector<LaneOp> stream(count);
  uint64_t request = 1;
  for (LaneOp& t : stream) {
    constexpr Opcode kOps[] = {Opcode::kVadd, Opcode::kVsub, Opcode::kVmul,
                               Opcode::kVmax, Opcode::kVmin, Opcode::kVconv};
    t.op = kOps[rng() % std::size(kOps)];
    if (t.op == Opcode::kVconv) {
      constexpr std::pair<DataType, DataType> kConv[] = {{DataType::kF16, DataType::kF32},
                                                         {DataType::kBf16, DataType::kF32},
                                                         {DataType::kF32, DataType::kF16},
                                                         {DataType::kF32, DataType::kBf16}};
      std::tie(t.dtype, t.src) = kConv[rng() % std::size(kConv)];
      t.round = static_cast<isa::RoundMode>(rng() % 6);
    } else {
      t.dtype = rng() % 2 == 0 ? DataType::kF16 : DataType::kF32;
      t.src = t.dtype;
    }
    const bool narrow_source = t.src == DataType::kF16 || t.src == DataType::kBf16;
    t.operands.resize(1 + rng() % 8);
    for (auto& [a, b] : t.operands) {
      const bool fp16 = t.dtype == DataType::kF16 && t.op != Opcode::kVconv;
      a = fp16 || (narrow_source && t.op == Opcode::kVconv) ? random_fp16(rng) : random_fp32(rng);
      b = fp16 ? random_fp16(rng) : random_fp32(rng);
      if (rng() % 16 == 0) b = a;  // x - x, max(x, x)
    }
    request += rng() % 3 == 0 ? rng() % 24 : 0;
    t.request = request;
  }
  return stream;
}

std::string wave(const std::string& name) {
  return (std::filesystem::current_path() / (name + ".fst")).string();
}

LaneOp conv(DataType dst, DataType src, isa::RoundMode round, uint32_t a) {
  LaneOp t;
  t.op = Opcode::kVconv;
  t.dtype = dst;
  t.src = src;
  t.round = round;
  t.operands = {{a, 0}};
  return t;
}

LaneOp binary(Opcode op, DataType type, uint32_t a, uint32_t b) {
  LaneOp t;
  t.op = op;
  t.dtype = type;
  t.src = type;
  t.operands = {{a, b}};
  return t;
}

TEST(RtlVecLane, CornerCases) {
  using R = isa::RoundMode;
  // (instruction, the value docs/numerics.md section 11 gives)
  const std::vector<std::pair<LaneOp, uint32_t>> cases = {
      {conv(DataType::kF16, DataType::kF32, R::kRint, 0x477FE000), 0x7BFF},  // 65504
      {conv(DataType::kF16, DataType::kF32, R::kRint, 0x477FF000), 0x7C00},  // 65520
      {conv(DataType::kF16, DataType::kF32, R::kZero, 0x477FF000), 0x7BFF},
      {conv(DataType::kF16, DataType::kF32, R::kCeil, 0x477FE100), 0x7C00},  // 65505
      {conv(DataType::kF16, DataType::kF32, R::kFloor, 0xC77FE100), 0xFC00},
      {conv(DataType::kF16, DataType::kF32, R::kAway, 0x33000000), 0x0001},  // 2^-25
      {conv(DataType::kF16, DataType::kF32, R::kRint, 0xB3000000), 0x8000},
      {conv(DataType::kF16, DataType::kF32, R::kOdd, 0x2B800000), 0x0001},   // 2^-40
      {conv(DataType::kF16, DataType::kF32, R::kCeil, 0x00000001), 0x0001},  // 2^-149
      {conv(DataType::kF16, DataType::kF32, R::kRint, 0x7F800001), 0x7E00},
      {conv(DataType::kF16, DataType::kF32, R::kCeil, 0x3F801000), 0x3C01},  // 1 + 2^-11
      {conv(DataType::kF16, DataType::kF32, R::kOdd, 0x3F803000), 0x3C01},   // 1 + 3 x 2^-11
      {conv(DataType::kBf16, DataType::kF32, R::kAway, 0x3F808000), 0x3F81},
      {conv(DataType::kBf16, DataType::kF32, R::kRint, 0x7F7FFFFF), 0x7F80},
      {conv(DataType::kBf16, DataType::kF32, R::kRint, 0x007F8000), 0x0080},
      {conv(DataType::kF32, DataType::kF16, R::kRint, 0x0001), 0x33800000},  // 2^-24
      {conv(DataType::kF32, DataType::kF16, R::kRint, 0xFE00), 0x7FC00000},
      {binary(Opcode::kVadd, DataType::kF16, 0x7C00, 0xFC00), 0x7E00},
      {binary(Opcode::kVadd, DataType::kF32, 0x7F800000, 0xFF800000), 0x7FC00000},
      {binary(Opcode::kVadd, DataType::kF32, 0x00000001, 0x00000001), 0x00000002},
      {binary(Opcode::kVmax, DataType::kF16, 0x0000, 0x8000), 0x0000},
      {binary(Opcode::kVmin, DataType::kF16, 0x0000, 0x8000), 0x8000},
      {binary(Opcode::kVmax, DataType::kF16, 0x3C00, 0x7E01), 0x7E00},
      {binary(Opcode::kVsub, DataType::kF32, 0x3F800000, 0x3F800000), 0x00000000},
      {binary(Opcode::kVmul, DataType::kF32, 0x3F800001, 0x3F800001), 0x3F800002},
      {binary(Opcode::kVmul, DataType::kF32, 0x1F800000, 0x1F800000), 0x00200000},  // 2^-128
      {binary(Opcode::kVmul, DataType::kF32, 0x1A000000, 0x1A000000), 0x00000000},  // 2^-150
      {binary(Opcode::kVmul, DataType::kF32, 0x1A400000, 0x1A400000), 0x00000001},
  };
  std::vector<LaneOp> stream;
  for (const auto& [op, want] : cases) {
    stream.push_back(op);
    EXPECT_EQ(model_value(op, op.operands[0].first, op.operands[0].second), want)
        << describe(op, stream.size() - 1);
  }
  const LaneRunResult r = run_lane<Vvec_lane>(stream, wave("rtl_vec_lane_directed_mismatch"));
  EXPECT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.elements, cases.size());
}

TEST(RtlVecLane, HandCheckedCycles) {
  // vadd.f32 of 3 elements (b32: 2 cycles each) then vconv.f16.f32 of 1 (1 cycle), back to back:
  // the vconv starts at edge 1 + 6 and its result leaves startup + 1 cycles later.
  std::vector<LaneOp> s = {binary(Opcode::kVadd, DataType::kF32, 0x3F800000, 0x3F800000),
                           conv(DataType::kF16, DataType::kF32, isa::RoundMode::kRint, 0)};
  s[0].operands.resize(3, {0x3F800000, 0x40000000});
  const LaneRunResult r = run_lane<Vvec_lane>(s, wave("rtl_vec_lane_cycles_mismatch"));
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.cycles, 1 + 3 * NPU_RTL_VEC_BINARY_CYCLES_B32 + NPU_RTL_VEC_SIMPLE_CYCLES_B32 +
                          NPU_RTL_VEC_STARTUP_CYCLES);
}

TEST(RtlVecLane, TenThousandRandomInstructions) {
  const LaneRunResult r =
      run_lane<Vvec_lane>(random_ops(20261127, 10000), wave("rtl_vec_lane_random_mismatch"));
  ASSERT_TRUE(r.ok) << r.report;
  RecordProperty("elements", std::to_string(r.elements));
  RecordProperty("cycles", std::to_string(r.cycles));
}

TEST(RtlVecLane, HarnessCatchesTruncationInsteadOfRounding) {
  const std::string path = wave("rtl_vec_lane_truncating_mismatch");
  std::filesystem::remove(path);
  const LaneRunResult r = run_lane<Vvec_lane_truncating>(random_ops(3, 500), path);
  ASSERT_FALSE(r.ok);
  std::printf("the harness reports, as it should:\n%s\n", r.report.c_str());
  EXPECT_NE(r.report.find(": RTL "), std::string::npos) << r.report;
  EXPECT_GT(std::filesystem::file_size(path), 0u);
}

TEST(RtlVecLane, HarnessCatchesOneCycleOfExtraLatency) {
  const std::string path = wave("rtl_vec_lane_slow_mismatch");
  std::filesystem::remove(path);
  const LaneRunResult r = run_lane<Vvec_lane_slow>(random_ops(3, 500), path);
  ASSERT_FALSE(r.ok);
  std::printf("the harness reports, as it should:\n%s\n", r.report.c_str());
  EXPECT_NE(r.report.find("(latency)"), std::string::npos) << r.report;
  EXPECT_GT(std::filesystem::file_size(path), 0u);
}

}  // namespace
}  // namespace npu::rtl_test
