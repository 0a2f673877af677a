// Compiled matmuls run on the simulated chips through the runtime, checked against the host
// reference with the race check on; and a kernel with one inserted sync removed is caught by
// the race check.
#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "compiler/buffer_allocation.h"
#include "compiler/codegen.h"
#include "compiler/double_buffering.h"
#include "compiler/sync_insertion.h"
#include "config/loader.h"
#include "isa/assembler.h"
#include "runtime/op_runner.h"
#include "tests/compiler/op_check_util.h"

namespace npu::compiler {
namespace {

struct Case {
  const char* chip;
  const char* spec;
};

class MatmulTest : public ::testing::TestWithParam<Case> {};

TEST_P(MatmulTest, MatchesTheReferenceRaceFree) {
  expect_op_matches_reference(GetParam().chip, GetParam().spec);
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const char* c : {"tiny", "ascend910", "ascend910b"}) {
    for (const char* s : {"matmul m=1 n=1 k=1 dtype=fp16", "matmul m=3 n=17 k=77 dtype=fp16",
                          "matmul m=17 n=3 k=1000 dtype=fp16", "matmul m=77 n=77 k=77 dtype=fp16",
                          "matmul m=1 n=1000 k=3 dtype=fp16", "matmul m=16 n=16 k=16 dtype=fp16",
                          "matmul m=300 n=200 k=150 dtype=fp16",
                          "matmul m=129 n=65 k=257 dtype=fp16 trans_a=1",
                          "matmul m=64 n=90 k=40 dtype=fp16 trans_b=1 out_dtype=fp32",
                          "matmul m=33 n=47 k=129 dtype=fp16 trans_a=1 trans_b=1"})
      out.push_back({c, s});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, MatmulTest, ::testing::ValuesIn(cases()));

// Removes the first RAW flag mte2 -> mte1 (its set and its wait) from a body.
bool remove_flag(Body& body) {
  for (size_t i = 0; i < body.size(); ++i) {
    Stmt& s = body[i];
    if (s.kind == Stmt::Kind::kSync && !s.sync.wait && s.sync.src == isa::Pipe::kMte2 &&
        s.sync.dst == isa::Pipe::kMte1) {
      SyncStmt f = s.sync;
      body.erase(body.begin() + static_cast<std::ptrdiff_t>(i));
      for (size_t j = 0; j < body.size(); ++j) {
        if (body[j].kind == Stmt::Kind::kSync && body[j].sync.wait && body[j].sync.src == f.src &&
            body[j].sync.dst == f.dst && body[j].sync.event == f.event) {
          body.erase(body.begin() + static_cast<std::ptrdiff_t>(j));
          return true;
        }
      }
      return false;
    }
    if (s.kind == Stmt::Kind::kLoop && remove_flag(s.loop->body)) return true;
    if (s.kind == Stmt::Kind::kIf && remove_flag(s.when->body)) return true;
  }
  return false;
}

TEST(RaceCheckTest, RemovingOneInsertedSyncIsCaught) {
  config::ChipConfig c = chip("tiny");
  OpSpec spec = parse_op_spec("matmul m=32 n=32 k=64 dtype=fp16");
  OpKernel op = build_op(spec, c);
  Kernel k = op.kernel;
  double_buffer(k);
  allocate_buffers(k, c);
  insert_syncs(k, c);
  ASSERT_TRUE(remove_flag(k.body));
  isa::Binary bin = isa::assemble(generate_assembly(k, c), "racy.s");
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(c, options);
  std::vector<uint64_t> args;
  for (const TensorDesc& t : op.tensors)
    args.push_back(device.malloc(t.elements * isa::element_size(t.dtype), t.name));
  device.load(bin);
  try {
    device.launch("matmul", args, op.block_dim);
    FAIL() << "the race went unnoticed";
  } catch (const ProgramError& e) {
    EXPECT_NE(std::string(e.what()).find("race: this instruction"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace npu::compiler
