// The vector ALU lane (rtl/vector/npu_vec_lane.sv) against the values the vector pipe computes
// (numerics/elementwise.h and convert.h, as sim/exec/vector_exec.cc calls them) and the vector
// timing model (sim/exec/vector_timing.h) with its fractional cycles per repeat: directed corner
// cases of docs/numerics.md section 11, hand-counted cycles, the shipped chips' vector timing,
// 10,000 seeded random instructions (each 1..8 elements through the lane) under random timings,
// compared value by value and cycle by cycle, and the mis-modelled variants (truncation, one cycle
// late) caught.
//
// A transaction is one vector instruction as one lane sees it: R elements (R repeats), issued at a
// request cycle; the model starts it at s = max(request, previous start + previous occupancy),
// element i is accepted at s + ceil(i x c) and its result leaves at s + startup + ceil((i + 1) x c)
// (c the cycles per repeat, in the model's fixed point), the last one at s + latency.
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
#include "config/loader.h"
#include "numerics/elementwise.h"
#include "sim/exec/vector_timing.h"
#include "tests/support/run_command.h"
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

constexpr size_t kWidth = NPU_RTL_VEC_WIDTH;
constexpr uint64_t kUnit = sim::kVectorTimeUnitsPerCycle;

// A chip config with this lane timing: startup and cycles per repeat of the binary class (b16,
// b32) and the simple class (b32, vconv).
config::ChipConfig lane_config(uint64_t binary_startup, double binary_b16, double binary_b32,
                               uint64_t simple_startup, double simple_b32) {
  config::ChipConfig c;
  c.vector.binary.startup_cycles = binary_startup;
  c.vector.binary.cycles_per_repeat_b16 = binary_b16;
  c.vector.binary.cycles_per_repeat_b32 = binary_b32;
  c.vector.simple.startup_cycles = simple_startup;
  c.vector.simple.cycles_per_repeat_b32 = simple_b32;
  return c;
}

config::ChipConfig shipped_chip(const std::string& name) {
  return config::load_chip_config(test::source_path("configs/chips/" + name + ".yaml")).config;
}

std::string describe_timing(const config::ChipConfig& c) {
  return fmt::format("binary startup {} b16 {} b32 {}, simple startup {} b32 {}",
                     c.vector.binary.startup_cycles, c.vector.binary.cycles_per_repeat_b16,
                     c.vector.binary.cycles_per_repeat_b32, c.vector.simple.startup_cycles,
                     c.vector.simple.cycles_per_repeat_b32);
}

// Why the lane cannot run `c`'s timing ("" when it can): the ranges of its configuration inputs,
// and results in order (each class's startup + ceil(c) above the other's startup).
std::string lane_timing_problem(const config::ChipConfig& c) {
  const uint64_t b16 = sim::vector_time_units(c.vector.binary.cycles_per_repeat_b16);
  const uint64_t b32 = sim::vector_time_units(c.vector.binary.cycles_per_repeat_b32);
  const uint64_t s32 = sim::vector_time_units(c.vector.simple.cycles_per_repeat_b32);
  for (uint64_t u : {b16, b32, s32}) {
    if (u * kWidth < kUnit || u > NPU_RTL_VEC_MAX_CYCLES_PER_REPEAT * kUnit) {
      return fmt::format("cycles per repeat {} outside 1/{} .. {}", static_cast<double>(u) / kUnit,
                         kWidth, NPU_RTL_VEC_MAX_CYCLES_PER_REPEAT);
    }
  }
  const uint64_t sb = c.vector.binary.startup_cycles;
  const uint64_t ss = c.vector.simple.startup_cycles;
  if (std::max(sb, ss) > NPU_RTL_VEC_MAX_STARTUP_CYCLES) return "startup above the maximum";
  auto whole = [](uint64_t u) { return sim::vector_repeat_cycles(1, u); };
  if (sb + whole(std::min(b16, b32)) <= ss || ss + whole(s32) <= sb) {
    return "results would leave out of order";
  }
  return "";
}

// A seeded random lane timing the lane can run: startups 0..15, cycles per repeat 0.5..4 in
// arbitrary units of 1/10,000, sometimes up to 16.
config::ChipConfig random_lane_config(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto per_repeat = [&rng]() {
    const uint64_t top = rng() % 8 == 0 ? NPU_RTL_VEC_MAX_CYCLES_PER_REPEAT : 4;
    const uint64_t lo = kUnit / kWidth;
    return static_cast<double>(lo + rng() % (top * kUnit - lo + 1)) / kUnit;
  };
  for (;;) {
    const uint64_t binary_startup = rng() % (NPU_RTL_VEC_MAX_STARTUP_CYCLES + 1);
    const double b16 = per_repeat();
    const double b32 = per_repeat();
    const uint64_t simple_startup = rng() % (NPU_RTL_VEC_MAX_STARTUP_CYCLES + 1);
    const config::ChipConfig c = lane_config(binary_startup, b16, b32, simple_startup, per_repeat());
    if (lane_timing_problem(c).empty()) return c;
  }
}

uint32_t width(const LaneOp& t) {
  return std::max(isa::element_size(t.dtype), isa::element_size(t.src));
}

sim::PipeTiming timing(const config::ChipConfig& c, const LaneOp& t) {
  return sim::vector_timing(c, isa::info(t.op).vector_class, t.operands.size(), width(t));
}

uint64_t units(const config::ChipConfig& c, const LaneOp& t) {
  return sim::vector_repeat_units(c, isa::info(t.op).vector_class, width(t));
}

uint64_t startup(const config::ChipConfig& c, const LaneOp& t) {
  return sim::vector_class_config(c, isa::info(t.op).vector_class).startup_cycles;
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

// Puts `value` into element slot `slot` of a port that packs kWidth fields of `bits` bits.
template <typename Port>
void set_slot(Port& port, size_t slot, unsigned bits, uint64_t value) {
  static_assert(sizeof(Port) <= sizeof(uint64_t));
  const uint64_t mask = (bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1) << (slot * bits);
  port = static_cast<Port>((static_cast<uint64_t>(port) & ~mask) |
                           ((value << (slot * bits)) & mask));
}

template <typename Port>
uint64_t get_slot(const Port& port, size_t slot, unsigned bits) {
  return (static_cast<uint64_t>(port) >> (slot * bits)) &
         (bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1);
}

template <typename Model>
std::optional<StreamMismatch> drive(const config::ChipConfig& config,
                                    const std::vector<LaneOp>& stream, LaneRunResult& result,
                                    const WaveWindow& wave) {
  VerilatedBench<Model> bench;
  WaveRecorder recorder(wave);
  Model& top = bench.top();
  top.cfg_binary_startup_i = static_cast<uint8_t>(config.vector.binary.startup_cycles);
  top.cfg_simple_startup_i = static_cast<uint8_t>(config.vector.simple.startup_cycles);
  top.cfg_binary_b16_i =
      static_cast<uint32_t>(sim::vector_time_units(config.vector.binary.cycles_per_repeat_b16));
  top.cfg_binary_b32_i =
      static_cast<uint32_t>(sim::vector_time_units(config.vector.binary.cycles_per_repeat_b32));
  top.cfg_simple_b32_i =
      static_cast<uint32_t>(sim::vector_time_units(config.vector.simple.cycles_per_repeat_b32));
  top.in_valid_i = 0;
  bench.reset();
  size_t issue = 0, element = 0;       // next element to present
  size_t out_op = 0, out_element = 0;  // next result expected
  std::vector<uint64_t> start(stream.size());
  uint64_t model_free = 0;
  const uint64_t limit = 1000 + stream.size() * 16 * (NPU_RTL_VEC_MAX_CYCLES_PER_REPEAT + 16);
  while (out_op < stream.size()) {
    if (bench.cycle() > limit) {
      return StreamMismatch{bench.cycle(),
                            fmt::format("{}: result {} never came (the RTL hangs)",
                                        describe(stream[out_op], out_op), out_element)};
    }
    const uint64_t edge = bench.cycle() + 1;
    // Slot j: the element after slot j - 1's, once its instruction is requested.
    std::array<std::pair<size_t, size_t>, kWidth> offered{};  // (instruction, element)
    size_t slots = 0;
    for (size_t op = issue, e = element; slots < kWidth && op < stream.size(); ++slots) {
      if (e == 0 && stream[op].request > edge) break;
      const LaneOp& t = stream[op];
      offered[slots] = {op, e};
      set_slot(top.in_first_i, slots, 1, e == 0 ? 1 : 0);
      set_slot(top.in_op_i, slots, 8, isa::info(t.op).major);
      set_slot(top.in_dtype_i, slots, 3, static_cast<uint8_t>(t.dtype));  // from isa::DataType
      set_slot(top.in_src_dtype_i, slots, 3, static_cast<uint8_t>(t.src));
      set_slot(top.in_round_i, slots, 4, static_cast<uint8_t>(t.round));
      set_slot(top.in_a_i, slots, 32, t.operands[e].first);
      set_slot(top.in_b_i, slots, 32, t.operands[e].second);
      if (++e == t.operands.size()) {
        ++op;
        e = 0;
      }
    }
    top.in_valid_i = static_cast<uint8_t>((1u << slots) - 1);
    bench.settle();
    const uint64_t taken_mask = top.in_taken_o;
    recorder.before(bench);
    bench.tick();
    for (size_t j = 0; j < slots && get_slot(taken_mask, j, 1) != 0; ++j) {
      const auto [op, e] = offered[j];
      const LaneOp& t = stream[op];
      if (e == 0) {
        start[op] = std::max(t.request, model_free);
        model_free = start[op] + timing(config, t).occupancy;
      }
      const uint64_t expected = start[op] + sim::vector_repeat_cycles(e, units(config, t));
      if (edge != expected) {
        return StreamMismatch{edge,
                              fmt::format("{}: element {} accepted at edge {}, the timing model "
                                          "starts it at edge {} (throughput)",
                                          describe(t, op), e, edge, expected)};
      }
      issue = op;
      element = e + 1;
      if (element == t.operands.size()) {
        ++issue;
        element = 0;
      }
    }
    for (size_t j = 0; j < kWidth && get_slot(top.out_valid_o, j, 1) != 0; ++j) {
      if (out_op >= stream.size() || (out_op == issue && out_element >= element) ||
          out_op > issue) {
        return StreamMismatch{edge,
                              fmt::format("a result at edge {} with no element outstanding", edge)};
      }
      const LaneOp& t = stream[out_op];
      const auto [a, b] = t.operands[out_element];
      const uint32_t want = model_value(t, a, b);
      const auto got = static_cast<uint32_t>(get_slot(top.out_y_o, j, 32));
      if (got != want) {
        return StreamMismatch{edge,
                              fmt::format("{}: element {} (a {:08x}, b {:08x}) at edge {}: RTL "
                                          "{:08x}, numerics {:08x}",
                                          describe(t, out_op), out_element, a, b, edge, got, want)};
      }
      const uint64_t due = start[out_op] + startup(config, t) +
                           sim::vector_repeat_cycles(out_element + 1, units(config, t));
      if (edge != due) {
        return StreamMismatch{edge,
                              fmt::format("{}: started at edge {}, element {}'s result at edge {}; "
                                          "the timing model has it at edge {} (latency)",
                                          describe(t, out_op), start[out_op], out_element, edge,
                                          due)};
      }
      ++result.elements;
      if (++out_element == t.operands.size()) {
        const uint64_t expected_last = start[out_op] + timing(config, t).latency;
        if (edge != expected_last) {
          return StreamMismatch{edge,
                                fmt::format("{}: started at edge {}, last result at edge {}; the "
                                            "timing model completes it at edge {} (latency)",
                                            describe(t, out_op), start[out_op], edge,
                                            expected_last)};
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
LaneRunResult run_lane(const config::ChipConfig& config, const std::vector<LaneOp>& stream,
                       const std::string& wave_path) {
  LaneRunResult result;
  if (const std::string problem = lane_timing_problem(config); !problem.empty()) {
    result.ok = false;
    result.report = "the lane cannot run this timing (" + describe_timing(config) + "): " + problem;
    return result;
  }
  bool replay = false;
  result.report = report_first_mismatch(
      "vector lane (" + describe_timing(config) + ")",
      [&](const WaveWindow& window) {
        LaneRunResult scratch;
        const std::optional<StreamMismatch> m =
            drive<Model>(config, stream, replay ? scratch : result, window);
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
  const LaneRunResult r =
      run_lane<Vvec_lane>(shipped_chip("tiny"), stream, wave("rtl_vec_lane_directed_mismatch"));
  EXPECT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.elements, cases.size());
}

TEST(RtlVecLane, TimingModelFixedPointIsTheExactDecimalCeiling) {
  // ceil(R x c) of the decimal c: 0.85 x 20 = 17 exactly (a binary fraction of 0.85 rounds up
  // and would give 18), 1.93 x 100 = 193, 0.85 x 7 = 5.95 -> 6.
  const config::ChipConfig c = lane_config(1, 1.93, 1.93, 2, 0.85);
  using V = isa::VectorClass;
  EXPECT_EQ(sim::vector_timing(c, V::kSimple, 20, 4).occupancy, 17u);
  EXPECT_EQ(sim::vector_timing(c, V::kSimple, 7, 4).occupancy, 6u);
  EXPECT_EQ(sim::vector_timing(c, V::kSimple, 7, 4).latency, 8u);
  EXPECT_EQ(sim::vector_timing(c, V::kBinary, 100, 2).occupancy, 193u);
  EXPECT_EQ(sim::vector_timing(c, V::kBinary, 255, 2).latency, 1u + 493);  // 492.15
  // Rounded to 1/10,000 cycle, at least one unit; no overflow for any repeat count.
  EXPECT_EQ(sim::vector_time_units(1.00004), 10000u);
  EXPECT_EQ(sim::vector_time_units(1.00006), 10001u);
  EXPECT_EQ(sim::vector_time_units(1e-9), 1u);
  EXPECT_EQ(sim::vector_repeat_cycles(10001, 1), 2u);
  EXPECT_EQ(sim::vector_repeat_cycles(uint64_t{1} << 40, 40960000), (uint64_t{1} << 40) * 4096);
  EXPECT_EQ(sim::vector_timing(c, V::kSimple, 0, 4).occupancy, 1u);
}

TEST(RtlVecLane, HandCheckedCycles) {
  // Whole cycles: vadd.f32 of 3 elements (b32: 2 cycles each) then vconv.f16.f32 of 1 (1 cycle),
  // startup 2, back to back: the vconv starts at edge 1 + 6 and its result leaves 2 + 1 later.
  std::vector<LaneOp> s = {binary(Opcode::kVadd, DataType::kF32, 0x3F800000, 0x3F800000),
                           conv(DataType::kF16, DataType::kF32, isa::RoundMode::kRint, 0)};
  s[0].operands.resize(3, {0x3F800000, 0x40000000});
  LaneRunResult r =
      run_lane<Vvec_lane>(lane_config(2, 1, 2, 2, 1), s, wave("rtl_vec_lane_cycles_mismatch"));
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.cycles, 1u + 3 * 2 + 1 + 2);
  // The shipped chips' fractions: vadd.f16 of 8 elements at 1.93 (ceil 15.44 = 16 cycles, startup
  // 1), then vconv.f16.f32 of 8 at 0.85, startup 2: accepted at 17 + ceil(i x 0.85) = 17, 18, 19,
  // 20, 21, 22, 23, 23 (two in one cycle), occupancy ceil(6.8) = 7, last result at 17 + 2 + 7.
  s = {binary(Opcode::kVadd, DataType::kF16, 0x3C00, 0x3C00),
       conv(DataType::kF16, DataType::kF32, isa::RoundMode::kRint, 0x3F800000)};
  s[0].operands.resize(8, {0x3C00, 0x4000});
  s[1].operands.resize(8, {0x40000000, 0});
  const config::ChipConfig tiny = shipped_chip("tiny");
  ASSERT_DOUBLE_EQ(tiny.vector.binary.cycles_per_repeat_b16, 1.93);
  ASSERT_DOUBLE_EQ(tiny.vector.simple.cycles_per_repeat_b32, 0.85);
  r = run_lane<Vvec_lane>(tiny, s, wave("rtl_vec_lane_cycles_mismatch"));
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.elements, 16u);
  EXPECT_EQ(r.cycles, 1u + 16 + 2 + 7);
}

TEST(RtlVecLane, ShippedChipsVectorTimings) {
  for (const char* name : {"tiny", "ascend910", "ascend910b", "ascend310"}) {
    SCOPED_TRACE(name);
    const LaneRunResult r = run_lane<Vvec_lane>(shipped_chip(name), random_ops(5, 1000),
                                                wave(std::string("rtl_vec_lane_") + name +
                                                     "_mismatch"));
    ASSERT_TRUE(r.ok) << r.report;
    EXPECT_GT(r.elements, 1000u);
  }
}

TEST(RtlVecLane, TenThousandRandomInstructionsUnderRandomTimings) {
  // 50 random lane timings, 200 random instructions each (the lane is reset with each timing).
  uint64_t elements = 0;
  uint64_t fractional = 0;  // timings below one cycle per repeat somewhere
  for (uint64_t i = 0; i < 50; ++i) {
    const config::ChipConfig timing = random_lane_config(20261127 + i);
    fractional += std::min({timing.vector.binary.cycles_per_repeat_b16,
                            timing.vector.binary.cycles_per_repeat_b32,
                            timing.vector.simple.cycles_per_repeat_b32}) < 1.0;
    const LaneRunResult r = run_lane<Vvec_lane>(timing, random_ops(20261127 + i, 200),
                                                wave("rtl_vec_lane_random_mismatch"));
    ASSERT_TRUE(r.ok) << r.report;
    elements += r.elements;
  }
  EXPECT_GT(fractional, 5u);
  RecordProperty("elements", std::to_string(elements));
}

TEST(RtlVecLane, RejectsTimingsTheLaneCannotRun) {
  const LaneRunResult r = run_lane<Vvec_lane>(lane_config(1, 0.4, 1, 2, 1), random_ops(1, 1), "");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.report.find("cycles per repeat 0.4 outside 1/2 .. 16"), std::string::npos)
      << r.report;
  EXPECT_EQ(lane_timing_problem(lane_config(5, 1, 1, 1, 1)), "results would leave out of order");
}

TEST(RtlVecLane, HarnessCatchesTruncationInsteadOfRounding) {
  const std::string path = wave("rtl_vec_lane_truncating_mismatch");
  std::filesystem::remove(path);
  const LaneRunResult r =
      run_lane<Vvec_lane_truncating>(shipped_chip("tiny"), random_ops(3, 500), path);
  ASSERT_FALSE(r.ok);
  std::printf("the harness reports, as it should:\n%s\n", r.report.c_str());
  EXPECT_NE(r.report.find(": RTL "), std::string::npos) << r.report;
  EXPECT_GT(std::filesystem::file_size(path), 0u);
}

TEST(RtlVecLane, HarnessCatchesOneCycleOfExtraLatency) {
  // Under the shipped timing and under random ones.
  for (uint64_t seed : {0, 1, 2}) {
    const config::ChipConfig timing = seed == 0 ? shipped_chip("tiny") : random_lane_config(seed);
    SCOPED_TRACE(describe_timing(timing));
    const std::string path = wave("rtl_vec_lane_slow_mismatch");
    std::filesystem::remove(path);
    const LaneRunResult r = run_lane<Vvec_lane_slow>(timing, random_ops(3, 500), path);
    ASSERT_FALSE(r.ok);
    if (seed == 0) std::printf("the harness reports, as it should:\n%s\n", r.report.c_str());
    EXPECT_NE(r.report.find("(latency)"), std::string::npos) << r.report;
    EXPECT_GT(std::filesystem::file_size(path), 0u);
  }
}

}  // namespace
}  // namespace npu::rtl_test
