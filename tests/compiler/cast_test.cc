// cast between every pair of fp16, bf16, fp32, int8, uint8 and int32 (and each type to itself)
// on the simulated chips, checked exactly against the host reference (numerics/convert.h, one
// rounding of the exact value):
// - every pair x every rounding mode x ten sizes, random inputs over a range that rounds and
//   saturates, the chip rotating over tiny, ascend910 and ascend910b, race check on;
// - every value of the small input types (all 256 int8 / uint8 values, all 65536 fp16 and bf16
//   bit patterns with the NaNs, infinities, subnormals and signed zeros) to every other type in
//   every mode, compared bit for bit with the reference encoded in the destination type.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ops/elementwise/elementwise.h"
#include "runtime/tensor_codec.h"
#include "tests/compiler/compiler_test_util.h"
#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

const char* const kTypes[] = {"fp16", "bf16", "fp32", "int8", "uint8", "int32"};
const char* const kModes[] = {"rint", "floor", "ceil", "away", "zero", "odd"};
const char* const kChips[] = {"tiny", "ascend910", "ascend910b"};
// One element, primes, a 32-byte block's worth, several tiles on tiny, several workers' tiles on
// the large chips.
const int64_t kSizes[] = {1, 3, 16, 77, 1000, 4099, 8192, 20011, 65537, 131072};

// One group per (from, to): every mode x every size, the chip rotating with the size and mode.
// A type to itself is a copy, which no mode changes: every size in the default mode only.
std::vector<OpCaseGroup> random_groups() {
  std::vector<OpCaseGroup> out;
  for (const char* from : kTypes)
    for (const char* to : kTypes) {
      OpCaseGroup g{std::string(from) + "_to_" + to, {}};
      size_t turn = 0;
      for (const char* mode : kModes) {
        if (std::string_view(from) == to && std::string_view(mode) != "rint") continue;
        for (int64_t n : kSizes)
          g.cases.push_back({kChips[turn++ % 3], "cast n=" + std::to_string(n) + " dtype=" + from +
                                                     " to=" + to + " round=" + mode});
      }
      out.push_back(g);
    }
  return out;
}

class CastTest : public ::testing::TestWithParam<OpCaseGroup> {};

TEST_P(CastTest, MatchesTheReferenceRaceFree) {
  for (const OpCase& c : GetParam().cases) expect_op_matches_reference(c.chip, c.spec);
}

INSTANTIATE_TEST_SUITE_P(EveryPair, CastTest, ::testing::ValuesIn(random_groups()),
                         [](const auto& p) { return p.param.name; });

// Every value of an 8- or 16-bit type, as its bytes.
std::vector<uint8_t> every_value(isa::DataType t) {
  const size_t count = size_t{1} << (8 * isa::element_size(t));
  std::vector<uint8_t> bytes(count * isa::element_size(t));
  for (size_t v = 0; v < count; ++v) {
    const auto bits = static_cast<uint16_t>(v);
    std::memcpy(bytes.data() + v * isa::element_size(t), &bits, isa::element_size(t));
  }
  return bytes;
}

// The element index and bytes of the first difference, or "" when there is none.
std::string first_difference(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want,
                             size_t es, const std::vector<uint8_t>& x, size_t x_es) {
  for (size_t i = 0; i < got.size(); i += es)
    if (std::memcmp(got.data() + i, want.data() + i, es) != 0) {
      uint64_t g = 0, w = 0, in = 0;
      std::memcpy(&g, got.data() + i, es);
      std::memcpy(&w, want.data() + i, es);
      std::memcpy(&in, x.data() + i / es * x_es, x_es);
      return "element " + std::to_string(i / es) + " (input bits " + std::to_string(in) +
             "): got bits " + std::to_string(g) + ", want " + std::to_string(w);
    }
  return "";
}

class CastEveryValueTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CastEveryValueTest, MatchesTheReferenceBitForBit) {
  const std::string from = GetParam();
  const isa::DataType from_type = dtype_named(from);
  const std::vector<uint8_t> x = every_value(from_type);
  const std::vector<double> values = runtime::decode(from_type, x);
  size_t turn = 0;
  for (const char* to : kTypes) {
    if (from == to) continue;
    const isa::DataType to_type = dtype_named(to);
    for (const char* mode : kModes) {
      const std::string chip_name = kChips[turn++ % 3];
      const std::string spec = "cast n=" + std::to_string(values.size()) + " dtype=" + from +
                               " to=" + to + " round=" + mode;
      const std::vector<uint8_t> want =
          runtime::encode(to_type, reference(parse_op_spec(spec), {values})[0]);
      const std::vector<uint8_t> got = run_op_on_bytes(chip_name, spec, {x});
      EXPECT_EQ(
          first_difference(got, want, isa::element_size(to_type), x, isa::element_size(from_type)),
          "")
          << chip_name << ": " << spec;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SmallTypes, CastEveryValueTest,
                         ::testing::Values("int8", "uint8", "fp16", "bf16"));

// The reference itself on values whose casts are known by hand: ties in every mode, saturation,
// NaN and Inf to integers, int32 values that fp32 cannot hold.
TEST(CastReferenceTest, RoundsOnceAndSaturates) {
  const auto cast = [](const std::string& args, double x) {
    return reference(parse_op_spec("cast n=1 " + args), {{x}})[0][0];
  };
  EXPECT_EQ(cast("dtype=fp32 to=int8 round=rint", 2.5), 2);
  EXPECT_EQ(cast("dtype=fp32 to=int8 round=away", -2.5), -3);
  EXPECT_EQ(cast("dtype=fp32 to=int8 round=odd", 2.5), 3);
  EXPECT_EQ(cast("dtype=fp32 to=int8 round=ceil", 126.01), 127);
  EXPECT_EQ(cast("dtype=fp32 to=int8 round=ceil", 127.01), 127);
  EXPECT_EQ(cast("dtype=fp32 to=int8 round=floor", -128.5), -128);
  EXPECT_EQ(cast("dtype=fp32 to=uint8", -0.75), 0);
  EXPECT_EQ(cast("dtype=fp16 to=uint8", INFINITY), 255);
  EXPECT_EQ(cast("dtype=fp16 to=int32", NAN), 0);
  EXPECT_EQ(cast("dtype=int32 to=int8", 1e9), 127);
  EXPECT_EQ(cast("dtype=int32 to=uint8", -5), 0);
  EXPECT_EQ(cast("dtype=uint8 to=int8", 200), 127);
  EXPECT_EQ(cast("dtype=int32 to=fp32 round=zero", 16777219), 16777218);
  EXPECT_EQ(cast("dtype=int32 to=fp32 round=ceil", 16777217), 16777218);
  // int32 -> bf16 (8 significant bits): 257 is a tie between 256 and 258.
  EXPECT_EQ(cast("dtype=int32 to=bf16 round=rint", 257), 256);
  EXPECT_EQ(cast("dtype=int32 to=bf16 round=away", 257), 258);
  EXPECT_EQ(cast("dtype=int32 to=bf16 round=rint", 16777217), 16777216);
  EXPECT_EQ(cast("dtype=int32 to=bf16 round=ceil", 16777217), 16908288);  // 2^24 + 2^17
  EXPECT_EQ(cast("dtype=int32 to=int32", 2147483647), 2147483647);
}

// int32 -> bf16 in round-to-nearest is where a plain two-step chain would round twice:
// 2^24 + 2^16 + 1 rounds to fp32 as 2^24 + 2^16 (a tie to even), which is then a tie in bf16
// and goes to 2^24; rounded once it is above the tie and goes up to 2^24 + 2^17.
TEST(CastTest, Int32ToBf16RoundsOnce) {
  const std::string spec = "cast n=1 dtype=int32 to=bf16 round=rint";
  const int32_t v = (1 << 24) + (1 << 16) + 1;
  std::vector<uint8_t> x(4);
  std::memcpy(x.data(), &v, 4);
  for (const char* c : kChips) {
    const std::vector<uint8_t> y = run_op_on_bytes(c, spec, {x});
    EXPECT_EQ(runtime::decode(isa::DataType::kBf16, y)[0], 16908288.0) << c;  // 2^24 + 2^17
  }
}

}  // namespace
}  // namespace npu::compiler
