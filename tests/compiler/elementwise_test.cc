// The elementwise ops (binary with broadcasting, unary and activations, cast) run on the
// simulated chips through the runtime with the race check on, checked against the fp64 host
// reference; and their spec errors are reported by text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "compiler/vector_stream.h"
#include "config/loader.h"
#include "runtime/op_runner.h"

namespace npu::compiler {
namespace {

config::ChipConfig chip(const std::string& name) {
  return config::load_chip_config(std::string(NPUSIM_SOURCE_DIR) + "/configs/chips/" + name + ".yaml")
      .config;
}

struct Case {
  std::string chip;
  std::string spec;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.chip << ": " << c.spec; }

class ElementwiseTest : public ::testing::TestWithParam<Case> {};

TEST_P(ElementwiseTest, MatchesTheReferenceRaceFree) {
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(chip(GetParam().chip), options);
  runtime::OpRun r = runtime::run_op(device, parse_op_spec(GetParam().spec), true);
  EXPECT_TRUE(r.check.passed) << r.check.first_mismatch << " (" << r.check.mismatches
                              << " mismatches, max abs error " << r.check.max_abs_error << ")";
  EXPECT_GT(r.run.cycles, 0u);
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
      for (const char* shapes : {"a=300x1024 b=1x1024", "a=64 b=7x64", "a=5x3x32 b=3x32",
                                 "a=1000 b=1", "a=1 b=4099", "a=17x16 b=17x16"})
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

std::vector<Case> cast_cases() {
  std::vector<Case> out;
  const char* pairs[][2] = {{"fp16", "fp32"}, {"fp32", "fp16"}, {"bf16", "fp32"}, {"fp32", "bf16"},
                            {"fp32", "int32"}, {"int32", "fp32"}, {"fp16", "int32"},
                            {"int32", "fp16"}, {"fp16", "int8"},  {"int8", "fp16"},
                            {"fp16", "uint8"}, {"uint8", "fp16"}, {"fp16", "bf16"},
                            {"bf16", "fp16"},  {"bf16", "int32"}};
  for (const auto& p : pairs)
    for (Case& c : sized("cast", std::string("dtype=") + p[0] + " to=" + p[1])) out.push_back(c);
  for (const char* mode : {"floor", "ceil", "away", "zero", "odd"})
    for (const char* c : kChips) {
      out.push_back({c, std::string("cast n=4099 dtype=fp32 to=fp16 round=") + mode});
      out.push_back({c, std::string("cast n=1000 dtype=fp16 to=int8 round=") + mode});
    }
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
  for (const char* t : {"fp16", "fp32"})
    for (size_t i = 0; i < std::size(transposes); ++i)
      out.push_back({kChips[i % 3], std::string("transpose shape=") + transposes[i] + " dtype=" + t});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Movement, ElementwiseTest, ::testing::ValuesIn(movement_cases()));
INSTANTIATE_TEST_SUITE_P(Binary, ElementwiseTest, ::testing::ValuesIn(binary_cases()));
INSTANTIATE_TEST_SUITE_P(Unary, ElementwiseTest, ::testing::ValuesIn(unary_cases()));
INSTANTIATE_TEST_SUITE_P(Cast, ElementwiseTest, ::testing::ValuesIn(cast_cases()));

std::string build_error(const std::string& spec, const std::string& chip_name = "tiny") {
  try {
    build_op(parse_op_spec(spec), chip(chip_name));
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ElementwiseErrorTest, BadSpecsAreReportedByText) {
  EXPECT_EQ(build_error("add n=16 dtype=int8"),
            "<op>:1:16: error: unsupported dtype 'int8' (supported: fp16, bf16, fp32)");
  EXPECT_EQ(build_error("add n=16 a=4 dtype=fp16"),
            "<op>:1:12: error: give either 'n' or the shapes 'a' and 'b', not both");
  EXPECT_EQ(build_error("add a=4x3 b=5 dtype=fp16"),
            "<op>:1:13: error: shapes 4x3 and 5 do not broadcast (dimension 1: 3 vs 5)");
  EXPECT_EQ(build_error("add a=4x3 b=4x1 dtype=fp16"),
            "<op>:1:13: error: broadcasting 4x1 to 4x3 is not supported: a broadcast operand must "
            "be a scalar or the output's trailing dimensions (e.g. a=4096x1024 b=1x1024)");
  EXPECT_EQ(build_error("mul a=4x0 b=1 dtype=fp16"),
            "<op>:1:7: error: dimension 0 of 'a' is out of range 1..4294967296");
  EXPECT_EQ(build_error("sub a=4xy b=1 dtype=fp16"),
            "<op>:1:7: error: bad shape '4xy' for 'a' (expected dimensions like 4096x1024)");
  EXPECT_EQ(build_error("add a=9x3 b=3 dtype=fp16"),
            "error: add: a broadcast row of 3 fp16 elements is not a multiple of 32 bytes (not supported "
            "yet)");
  EXPECT_EQ(build_error("relu dtype=fp16"),
            "<op>:1:16: error: relu needs either 'n' or 'shape' (e.g. n=4096 or shape=64x1024)");
  EXPECT_EQ(build_error("gelu n=5 dtype=fp16 approx=fast"),
            "<op>:1:28: error: unsupported approx 'fast' (supported: none, tanh)");
  EXPECT_EQ(build_error("cast n=5 dtype=int8 to=fp32"),
            "<op>:1:24: error: no cast from int8 to fp32 (supported: fp16->fp32, fp32->fp16, "
            "bf16->fp32, fp32->bf16, fp32->int32, int32->fp32, fp16->int32, int32->fp16, "
            "fp16->int8, int8->fp16, fp16->uint8, uint8->fp16, fp16->bf16, bf16->fp16, "
            "bf16->int32)");
  EXPECT_EQ(build_error("reshape shape=4x6 to=5x5 dtype=fp16"),
            "<op>:1:22: error: cannot reshape 4x6 (24 elements) to 5x5 (25 elements)");
  EXPECT_EQ(build_error("concat shapes=4x3,5x3 axis=1 dtype=fp16"),
            "<op>:1:15: error: shapes 4x3,5x3 differ in dimension 0, which is not the axis");
  EXPECT_EQ(build_error("concat shapes=4x3,4 axis=0 dtype=fp16"),
            "<op>:1:15: error: every shape of 'shapes' needs 2 dimensions (4x3,4)");
  EXPECT_EQ(build_error("concat shapes=4x3 axis=2 dtype=fp16"),
            "<op>:1:24: error: 'axis' = 2 is out of range 0..1");
  EXPECT_EQ(build_error("transpose shape=4x3x2 perm=1,0,2 dtype=fp16"),
            "<op>:1:28: error: perm 1,0,2 is not supported: transpose swaps the last two "
            "dimensions (perm=0,2,1 for this shape)");
  EXPECT_EQ(build_error("transpose shape=4x3 dtype=bf16"),
            "<op>:1:27: error: unsupported dtype 'bf16' (supported: fp16, fp32)");
  EXPECT_EQ(build_error("cast n=5 dtype=fp16 to=fp32 round=up"),
            "<op>:1:35: error: unsupported round 'up' (supported: rint, floor, ceil, away, zero, "
            "odd)");
}

TEST(VectorStreamTest, TilesSpreadOverTheWorkersAndFillTheUb) {
  StreamSpec s;
  s.kernel_name = "add";
  s.inputs = {{"a", isa::DataType::kF16}, {"b", isa::DataType::kF16}};
  s.output = {"c", isa::DataType::kF16};
  s.compute = isa::DataType::kF16;
  s.emit = [](VectorBody& v, const std::vector<std::string>& in, const std::string& out) {
    v.binary("vadd", out, in[0], in[1]);
  };
  s.elements = 16777216;
  // 3 double-buffered fp16 tiles = 12 B per element: 256 KiB / 12 -> 21760 (a multiple of 256).
  EXPECT_EQ(stream_tile_elements(s, chip("ascend910")), 21760);
  s.elements = 1000;  // 32 workers: 32 elements each, rounded up to 256
  EXPECT_EQ(stream_tile_elements(s, chip("ascend910")), 256);
  EXPECT_EQ(vector_workers(chip("ascend910b")), 48);
}

}  // namespace
}  // namespace npu::compiler
