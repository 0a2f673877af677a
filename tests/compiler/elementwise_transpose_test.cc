// transpose with general permutations (transpose.h): permutations that keep the last dimension
// (strided copies, every type) and ones that move it (16 x 16 blocks for 16-bit types and on fp16
// copies for 8-bit ones, per-block reductions for fp32 and on two fp32 halves for int32), of
// ranks 2 to 5. Every (perm, dtype) runs ten shapes (1-sized
// dimensions, primes, a large one) on tiny, ascend910 and ascend910b in turn, checked exactly
// against the host reference with the race check on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

// Ten 4-D shapes; lower ranks take their last dimensions, rank 5 adds a leading 2.
const std::vector<int64_t> kShapes[] = {
    {1, 1, 1, 1},    {2, 3, 5, 7},   {1, 17, 1, 33},   {3, 1, 19, 2},   {16, 16, 16, 16},
    {2, 3, 100, 50}, {5, 77, 3, 13}, {1, 257, 1, 129}, {3, 4, 130, 17}, {4, 32, 28, 28}};
const char* const kChips[] = {"tiny", "ascend910", "ascend910b"};

std::string shape_of(const std::vector<int64_t>& four, size_t rank) {
  std::vector<int64_t> d(four.end() - static_cast<std::ptrdiff_t>(std::min<size_t>(rank, 4)),
                         four.end());
  if (rank == 5) d.insert(d.begin(), 2);
  std::string out;
  for (int64_t x : d) out += (out.empty() ? "" : "x") + std::to_string(x);
  return out;
}

std::vector<OpCaseGroup> groups() {
  // Moving the last dimension: NCHW -> NHWC, NHWC -> NCHW, reversals, rank 3 and 5 cycles.
  const char* moving[] = {"0,2,3,1", "0,3,1,2", "3,2,1,0", "1,3,0,2", "2,0,1", "1,0", "4,0,3,1,2"};
  // Keeping it: strided copies.
  const char* keeping[] = {"1,0,2,3", "2,0,1,3", "1,0,2", "0"};
  std::vector<OpCaseGroup> out;
  auto add = [&](const char* perm, const char* t) {
    const size_t rank = (std::string(perm).size() + 1) / 2;
    std::string name = std::string("perm_") + perm + "_" + t;
    for (char& c : name)
      if (c == ',') c = '_';
    OpCaseGroup g{name, {}};
    for (size_t i = 0; i < std::size(kShapes); ++i)
      g.cases.push_back({kChips[i % 3], "transpose shape=" + shape_of(kShapes[i], rank) +
                                            " perm=" + perm + " dtype=" + t});
    out.push_back(g);
  };
  const char* types[] = {"fp16", "bf16", "int16", "fp32", "int8", "uint8", "int32"};
  for (const char* p : moving)
    for (const char* t : types) add(p, t);
  for (const char* p : keeping)
    for (const char* t : types) add(p, t);
  return out;
}

class TransposeTest : public ::testing::TestWithParam<OpCaseGroup> {};

TEST_P(TransposeTest, MatchesTheReferenceRaceFree) {
  for (const OpCase& c : GetParam().cases) expect_op_matches_reference(c.chip, c.spec);
}

// Rank 8, the dimensions interleaved so that nothing merges (many batch dimensions).
TEST(TransposeTest, RankEightOnEveryChip) {
  for (const OpCase& c :
       op_cases_on_every_chip({"transpose shape=2x3x2x3x2x3x2x3 perm=7,5,3,1,6,4,2,0 dtype=fp16",
                               "transpose shape=2x3x2x3x2x3x2x3 perm=6,4,2,0,1,3,5,7 dtype=int8",
                               "transpose shape=3x2x3x2x3x2x3x2 perm=1,3,5,7,0,2,4,6 dtype=fp32",
                               "transpose shape=2x3x2x3x2x3x2x3 perm=7,5,3,1,6,4,2,0 dtype=uint8",
                               "transpose shape=3x2x3x2x3x2x3x2 perm=1,3,5,7,0,2,4,6 dtype=int32"}))
    expect_op_matches_reference(c.chip, c.spec);
}

INSTANTIATE_TEST_SUITE_P(Permutations, TransposeTest, ::testing::ValuesIn(groups()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace npu::compiler
