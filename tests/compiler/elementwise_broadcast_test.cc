// The binary ops with the broadcast patterns of the general broadcast (general_broadcast.h): a
// column, an outer product, middle dimensions, both operands broadcast, a constant or a row per
// batch entry. Every (pattern, dtype) runs ten shapes (1-sized dimensions, primes, a large one)
// on tiny, ascend910 and ascend910b in turn, each operand taking each side, the six ops in
// turn; checked against the fp64 reference with the race check on.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

struct Pattern {
  const char* name;
  // The shapes of the two operands from (A, B, C).
  std::string (*a)(int64_t, int64_t, int64_t);
  std::string (*b)(int64_t, int64_t, int64_t);
};

std::string dims(std::vector<int64_t> d) {
  std::string out;
  for (int64_t x : d) out += (out.empty() ? "" : "x") + std::to_string(x);
  return out;
}

const Pattern kPatterns[] = {
    {"column",
     [](int64_t A, int64_t B, int64_t C) {
       return dims({A, B, C});
     },
     [](int64_t A, int64_t B, int64_t) {
       return dims({A, B, 1});
     }},
    {"outer",
     [](int64_t A, int64_t B, int64_t) {
       return dims({A, B, 1});
     },
     [](int64_t, int64_t, int64_t C) {
       return dims({1, 1, C});
     }},
    {"middle",
     [](int64_t A, int64_t, int64_t C) {
       return dims({A, 1, C});
     },
     [](int64_t, int64_t B, int64_t C) {
       return dims({1, B, C});
     }},
    {"both",
     [](int64_t, int64_t B, int64_t) {
       return dims({1, B, 1});
     },
     [](int64_t A, int64_t, int64_t C) {
       return dims({A, 1, C});
     }},
    {"constant_per_batch",
     [](int64_t A, int64_t, int64_t) {
       return dims({A, 1, 1});
     },
     [](int64_t A, int64_t B, int64_t C) {
       return dims({A, B, C});
     }},
    {"row_per_batch",
     [](int64_t A, int64_t, int64_t C) {
       return dims({A, 1, C});
     },
     [](int64_t A, int64_t B, int64_t C) {
       return dims({A, B, C});
     }},
};

// 1-sized dimensions, primes, rows that are not whole 32-byte blocks, a row past one vcopy's
// 255 blocks, and a large one (258,000 elements,
// several UBs on every chip).
const std::array<int64_t, 3> kShapes[] = {{1, 1, 1},    {1, 3, 5},    {2, 1, 7},   {3, 17, 1},
                                          {7, 5, 3},    {4, 33, 16},  {17, 9, 65}, {2, 300, 77},
                                          {3, 5, 4099}, {4, 251, 257}};
const char* const kOps[] = {"add", "sub", "mul", "div", "max", "min"};
const char* const kChips[] = {"tiny", "ascend910", "ascend910b"};

std::vector<OpCaseGroup> groups() {
  std::vector<OpCaseGroup> out;
  for (const Pattern& p : kPatterns)
    for (const char* t : {"fp16", "bf16", "fp32"}) {
      OpCaseGroup g{std::string(p.name) + "_" + t, {}};
      for (size_t i = 0; i < std::size(kShapes); ++i) {
        auto [A, B, C] = kShapes[i];
        std::string x = p.a(A, B, C), y = p.b(A, B, C);
        if (i % 2) std::swap(x, y);
        g.cases.push_back(
            {kChips[i % 3], std::string(kOps[i % 6]) + " a=" + x + " b=" + y + " dtype=" + t});
      }
      out.push_back(g);
    }
  return out;
}

class BroadcastTest : public ::testing::TestWithParam<OpCaseGroup> {};

TEST_P(BroadcastTest, MatchesTheReferenceRaceFree) {
  for (const OpCase& c : GetParam().cases) expect_op_matches_reference(c.chip, c.spec);
}

INSTANTIATE_TEST_SUITE_P(Patterns, BroadcastTest, ::testing::ValuesIn(groups()),
                         [](const auto& p) { return p.param.name; });

// Each op once on every chip, and the most alternating pattern of the largest rank.
TEST(BroadcastTest, EveryOpOnEveryChip) {
  for (const OpCase& c : op_cases_on_every_chip(
           {"add a=77x300 b=77x1 dtype=fp16", "sub a=77x1 b=77x300 dtype=bf16",
            "mul a=5x1x300 b=5x7x1 dtype=fp32", "div a=300x1 b=1x77 dtype=fp16",
            "max a=1x9x1 b=4x1x33 dtype=bf16", "min a=6x1x1x5 b=1x3x4x1 dtype=fp32",
            "add a=2x1x2x1x2x1x2x1 b=1x3x1x3x1x3x1x3 dtype=fp16"}))
    expect_op_matches_reference(c.chip, c.spec);
}

// A trailing row broadcast over the rows (which streams) but too long for one UB tile: it
// takes the general broadcast, which splits the row (the tiny chip's 32 KiB UB, fp32). The
// summary names the path, so the test fails if the op stops falling back.
TEST(BroadcastTest, RowTooLongForOneTileSplits) {
  for (const OpCase& c : op_cases_on_every_chip(
           {"sub a=22x2x30x45 b=30x45 dtype=fp32", "add a=3x70001 b=70001 dtype=bf16",
            "mul a=70001 b=2x70001 dtype=fp16"}))
    expect_op_matches_reference(c.chip, c.spec);
  const OpKernel k = build_op(parse_op_spec("sub a=22x2x30x45 b=30x45 dtype=fp32"), chip("tiny"));
  EXPECT_NE(k.summary.find("(general broadcast)"), std::string::npos) << k.summary;
  const OpKernel s = build_op(parse_op_spec("sub a=22x2x30x45 b=30x45 dtype=fp32"),
                              chip("ascend910"));
  EXPECT_EQ(s.summary.find("(general broadcast)"), std::string::npos) << s.summary;
}

}  // namespace
}  // namespace npu::compiler
