// The elementwise ops (binary with broadcasting, unary and activations) and the data movement
// ops (reshape, concat, transpose) run on the simulated chips through the runtime with the race
// check on, checked against the fp64 host reference. cast: cast_test.cc. Spec errors and
// compilation without a chip: elementwise_compile_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/compiler/compiler_test_util.h"
#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

using Case = OpCase;

// The cases of one op and data type run in one test (one process under CTest).
struct Group {
  std::string name;  // "add dtype=fp16"
  std::vector<Case> cases;
};

void PrintTo(const Group& g, std::ostream* os) { *os << g.name; }

class ElementwiseTest : public ::testing::TestWithParam<Group> {};

TEST_P(ElementwiseTest, MatchesTheReferenceRaceFree) {
  for (const Case& c : GetParam().cases) {
    expect_op_matches_reference(c.chip, c.spec);
  }
}

// Groups cases by op name and data type (`dtype=`), in order.
std::vector<Group> grouped(const std::vector<Case>& cases) {
  std::vector<Group> out;
  for (const Case& c : cases) {
    std::string key = c.spec.substr(0, c.spec.find(' '));
    if (size_t at = c.spec.find(" dtype="); at != std::string::npos)
      key += c.spec.substr(at, c.spec.find(' ', at + 1) - at);
    if (out.empty() || out.back().name != key) out.push_back({key, {}});
    out.back().cases.push_back(c);
  }
  return out;
}

const char* const kChips[] = {"tiny", "ascend910", "ascend910b"};
// 1, primes, a tile's worth on tiny, and several UBs' worth on every chip.
const int64_t kSizes[] = {1, 3, 17, 77, 1000, 4099, 8192, 65537, 300000, 1048579};

// Every (op, dtype) runs all ten sizes; the chip rotates with the size so that each (op, dtype)
// meets all three chips while the suite stays small.
std::vector<Case> sized(const std::string& prefix, const std::string& suffix) {
  std::vector<Case> out;
  for (size_t i = 0; i < std::size(kSizes); ++i)
    out.push_back({kChips[i % 3], prefix + " n=" + std::to_string(kSizes[i]) + " " + suffix});
  return out;
}

std::vector<Case> binary_cases() {
  std::vector<Case> out;
  for (const char* op : {"add", "sub", "mul", "div", "max", "min"})
    for (const char* t : {"fp16", "bf16", "fp32"}) {
      for (Case& c : sized(op, std::string("dtype=") + t)) out.push_back(c);
      // Broadcasting: a row over the leading dimensions, either side, and scalars.
      // Rows of 3, 17 and 77 elements are not whole 32-byte blocks: padded rows.
      for (const char* shapes : {"a=300x1024 b=1x1024", "a=64 b=7x64", "a=5x3x32 b=3x32",
                                 "a=1000 b=1", "a=1 b=4099", "a=17x16 b=17x16", "a=9x3 b=3",
                                 "a=17 b=300x17", "a=2x77x77 b=77"})
        for (const char* c : kChips)
          out.push_back({c, std::string(op) + " " + shapes + " dtype=" + t});
    }
  return out;
}

std::vector<Case> unary_cases() {
  std::vector<Case> out;
  for (const char* op : {"relu", "abs", "neg", "sqrt", "rsqrt", "exp", "sigmoid", "silu", "tanh",
                         "gelu"})
    for (const char* t : {"fp16", "bf16", "fp32"})
      for (Case& c : sized(op, std::string("dtype=") + t)) out.push_back(c);
  for (const char* t : {"fp16", "bf16", "fp32"})
    for (Case& c : sized("gelu", std::string("dtype=") + t + " approx=tanh")) out.push_back(c);
  for (const char* c : kChips) out.push_back({c, "relu shape=3x5x7x11 dtype=fp16"});
  return out;
}

std::vector<Case> movement_cases() {
  std::vector<Case> out;
  for (const char* t : {"fp16", "bf16", "fp32", "int8", "int32"})
    for (size_t i = 0; i < std::size(kSizes); ++i)
      out.push_back({kChips[i % 3], "reshape shape=" + std::to_string(kSizes[i]) + " to=1x" +
                                        std::to_string(kSizes[i]) + " dtype=" + t});
  const char* concats[] = {"shapes=1,1 axis=0",
                           "shapes=3,17 axis=0",
                           "shapes=4x3,4x5 axis=1",
                           "shapes=2x3x32,2x5x32 axis=1",
                           "shapes=1000x7,1000x9,1000x1 axis=1",
                           "shapes=77x77,77x77 axis=0",
                           "shapes=4099,1,1000 axis=0",
                           "shapes=5x20000,5x3 axis=1",
                           "shapes=3x17x5,3x17x4 axis=2",
                           "shapes=300x1000,300x24 axis=1"};
  for (const char* t : {"fp16", "bf16", "fp32", "int8", "int32"})
    for (size_t i = 0; i < std::size(concats); ++i)
      out.push_back({kChips[i % 3], std::string("concat ") + concats[i] + " dtype=" + t});
  const char* transposes[] = {"1x1", "3x17", "17x3", "77x77", "1000x3", "3x1000", "4099x5",
                              "64x4099", "300x300", "8x33x65 perm=0,2,1", "2x3x100x50"};
  for (const char* t : {"fp16", "bf16", "fp32", "int16", "int8", "uint8", "int32"})
    for (size_t i = 0; i < std::size(transposes); ++i)
      out.push_back({kChips[i % 3], std::string("transpose shape=") + transposes[i] + " dtype=" + t});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Movement, ElementwiseTest, ::testing::ValuesIn(grouped(movement_cases())));
INSTANTIATE_TEST_SUITE_P(Binary, ElementwiseTest, ::testing::ValuesIn(grouped(binary_cases())));
INSTANTIATE_TEST_SUITE_P(Unary, ElementwiseTest, ::testing::ValuesIn(grouped(unary_cases())));

// Concats of more inputs than the chips' event ids could give a double-buffered tile each
// (4 on the 910, 8 on tiny): the inputs take one UB tile in turn.
TEST(ConcatTest, ManyInputsOnEveryChip) {
  for (const OpCase& c : op_cases_on_every_chip(
           {"concat shapes=33x20x129x1,64x20x129x1,31x20x129x1 axis=0 dtype=fp32",
            "concat shapes=3x5,3x7,3x1,3x9,3x2,3x3,3x4,3x1000 axis=1 dtype=fp16",
            "concat shapes=9x4099,9x1,9x17,9x4099,9x3,9x65537 axis=1 dtype=int8"}))
    expect_op_matches_reference(c.chip, c.spec);
}

}  // namespace
}  // namespace npu::compiler
