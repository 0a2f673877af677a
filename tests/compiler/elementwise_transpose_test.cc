// transpose with general permutations (transpose.h): permutations that keep the last dimension
// (strided copies, every type) and ones that move it (16 x 16 blocks for 16-bit types, on fp16
// copies for 8-bit ones and on the 16-bit halves of fp32 / int32), of ranks 2 to 5. Every
// (perm, dtype) runs ten shapes (1-sized dimensions, primes, a large one) on tiny, ascend910 and
// ascend910b in turn, checked exactly against the host reference with the race check on; the
// 32-bit types also move random bit patterns (NaN payloads among them) bit for bit.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
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

// fp32 and int32 move as bits: random 32-bit patterns, with NaNs carrying payloads, infinities,
// subnormals, -0 and the int32 extremes first, land bit for bit where the reference's
// permutation of the element indices puts them.
TEST(TransposeTest, ThirtyTwoBitTypesMoveEveryBitPattern) {
  const char* shapes[] = {"shape=77x300", "shape=3x40x33 perm=2,0,1",
                          "shape=2x16x7x19 perm=0,2,3,1", "shape=130x129 perm=1,0"};
  const uint32_t special[] = {0x7FC00001u, 0xFFBFFFFFu, 0x7F800000u, 0xFF800000u, 0x80000000u,
                              0x00000001u, 0x807FFFFFu, 0x7FFFFFFFu, 0xFFFFFFFFu, 0x0000FFFFu};
  std::mt19937 rng(5);
  size_t turn = 0;
  for (const char* shape : shapes)
    for (const char* type : {"fp32", "int32"}) {
      const std::string spec = std::string("transpose ") + shape + " dtype=" + type;
      const OpSpec parsed = parse_op_spec(spec);
      std::vector<double> index(
          static_cast<size_t>(build_op(parsed, chip("tiny")).tensors[0].elements));
      for (size_t i = 0; i < index.size(); ++i) index[i] = static_cast<double>(i);
      const std::vector<double> from = reference(parsed, {index})[0];
      std::vector<uint32_t> x(index.size()), want(index.size());
      for (size_t i = 0; i < x.size(); ++i) x[i] = i < std::size(special) ? special[i] : rng();
      for (size_t i = 0; i < want.size(); ++i) want[i] = x[static_cast<size_t>(from[i])];
      std::vector<uint8_t> bytes(x.size() * 4), want_bytes(x.size() * 4);
      std::memcpy(bytes.data(), x.data(), bytes.size());
      std::memcpy(want_bytes.data(), want.data(), want_bytes.size());
      const char* on = kChips[turn++ % 3];
      EXPECT_EQ(run_op_on_bytes(on, spec, {bytes}), want_bytes) << on << ": " << spec;
    }
}

INSTANTIATE_TEST_SUITE_P(Permutations, TransposeTest, ::testing::ValuesIn(groups()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace npu::compiler
