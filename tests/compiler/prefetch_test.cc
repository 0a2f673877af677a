// Loop-carried (prefetch) dependences: a loop that reads a tile at the start of its body which
// the end of its body loads for the next iteration, the first iteration's data loaded just
// before the loop. The inserted syncs are checked as printed IR, the kernels run on the
// simulator with the race check on (outputs compared exactly), removing the loop-carried flag
// is caught by the race check, and what is not supported is a located error. Also runs
// examples/nk/prefetch_slabs.nk.
#include <algorithm>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/error.h"
#include "compiler/compile.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/ir/nk_printer.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/passes/codegen.h"
#include "compiler/passes/double_buffering.h"
#include "compiler/passes/sync_insertion.h"
#include "isa/assembler.h"
#include "runtime/device.h"
#include "runtime/tensor_codec.h"
#include "tests/compiler/compiler_test_util.h"

namespace npu::compiler {
namespace {

// y = x + 1 over `slabs` slabs of 256 fp16 per worker, a pfor over `parts` parts: each slab is
// loaded (MTE2) at the end of the iteration before the one that adds (V) and stores (MTE3) it.
std::string prefetch_kernel(int parts, int slabs) {
  const std::string part = std::to_string(512 * slabs) + "*t";
  return "kernel prefetch\narg x gm\narg y gm\ntile in ub 512\ntile out ub 512\n"
         "pfor t in " + std::to_string(parts) + " {\n"
         "  copy_gm_to_ub in, x[" + part + "], burst_len=16\n"
         "  for i in " + std::to_string(slabs) + " {\n"
         "    vadds.f16 out, in, 15360, repeat=2\n"
         "    if i < " + std::to_string(slabs - 1) + " {\n"
         "      copy_gm_to_ub in, x[" + part + " + 512*i + 512], burst_len=16\n"
         "    }\n"
         "    copy_ub_to_gm y[" + part + " + 512*i], out, burst_len=16\n"
         "  }\n"
         "}\n";
}

// Two pipes read the prefetched tile in the loop (V adds, MTE3 copies it to the second half of
// y) and after it (the last slab, loaded by the last iteration): y[0..n) = x + 1 and
// y[n..2n) = x, n = 256 * (slabs + 1).
std::string two_reader_kernel(int slabs) {
  const std::string n2 = std::to_string(512 * (slabs + 1));
  const std::string last = std::to_string(512 * slabs);
  return "kernel two_readers\narg x gm\narg y gm\ntile in ub 512\ntile out ub 512\n"
         "tile tail ub 512\n"
         "copy_gm_to_ub in, x, burst_len=16\n"
         "for i in " + std::to_string(slabs) + " {\n"
         "  vadds.f16 out, in, 15360, repeat=2\n"
         "  copy_ub_to_gm y[" + n2 + " + 512*i], in, burst_len=16\n"
         "  copy_gm_to_ub in, x[512*i + 512], burst_len=16\n"
         "  copy_ub_to_gm y[512*i], out, burst_len=16\n"
         "}\n"
         "vadds.f16 tail, in, 15360, repeat=2\n"
         "copy_ub_to_gm y[" + n2 + " + " + last + "], in, burst_len=16\n"
         "copy_ub_to_gm y[" + last + "], tail, burst_len=16\n";
}

// Runs `kernel` (arguments x, y of `elements` fp16 each) with the race check on; y back.
std::vector<double> run(const Kernel& kernel, const std::string& chip_name,
                        const std::vector<double>& x, size_t y_elements, uint32_t workers) {
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(chip(chip_name), options);
  CompileResult c = compile_kernel(kernel, device.config());
  uint64_t px = device.malloc(2 * x.size(), "x"), py = device.malloc(2 * y_elements, "y");
  device.copy_to_device(px, runtime::encode(isa::DataType::kF16, x));
  device.load(c.binary);
  std::vector<uint64_t> args = {px, py};
  device.launch(kernel.name, args, workers);
  std::vector<uint8_t> bytes(2 * y_elements);
  device.copy_to_host(bytes, py);
  return runtime::decode(isa::DataType::kF16, bytes);
}

// The kernel after buffer allocation and sync insertion on `chip_name`, printed from the line
// after `syncs inserted` on (the prologue lines, then the body).
std::string with_syncs(Kernel k, const std::string& chip_name) {
  allocate_buffers(k, chip(chip_name));
  insert_syncs(k, chip(chip_name));
  const std::string printed = print_kernel(k);
  const std::string mark = "syncs inserted\n";
  return printed.substr(printed.find(mark) + mark.size());
}

std::vector<double> ramp(size_t elements) {
  std::vector<double> x(elements);
  for (size_t i = 0; i < elements; ++i) x[i] = static_cast<double>(static_cast<int>(i % 13) - 6);
  return x;
}

TEST(PrefetchTest, TheWriteBeforeTheLoopSeedsTheCarriedFlagAndTheLoopEndDrainsIt) {
  Kernel k = parse_kernel(prefetch_kernel(2, 4), "prefetch.nk");
  EXPECT_EQ(with_syncs(k, "tiny"),
            "prologue set_flag mte3, v, 0\n"
            "pfor t in 2 {\n"
            "  copy_gm_to_ub in, x[2048*t], burst_len=16\n"
            "  set_flag mte2, v, 0\n"  // seed: the first iteration's slab is in
            "  for i in 4 {\n"
            "    wait_flag mte2, v, 0\n"  // this iteration's slab is in
            "    wait_flag mte3, v, 0\n"
            "    vadds.f16 out, in, 15360, repeat=2\n"
            "    set_flag v, mte2, 0\n"  // WAR: the next load waits for the read
            "    set_flag v, mte3, 0\n"
            "    wait_flag v, mte2, 0\n"
            "    if i < 3 {\n"
            "      copy_gm_to_ub in, x[2048*t + 512*i + 512], burst_len=16\n"
            "    }\n"
            "    set_flag mte2, v, 0\n"  // the next iteration's slab is in
            "    wait_flag v, mte3, 0\n"
            "    copy_ub_to_gm y[2048*t + 512*i], out, burst_len=16\n"
            "    set_flag mte3, v, 0\n"
            "  }\n"
            "  wait_flag mte2, v, 0\n"  // drain: the last iteration's set
            "}\n"
            "epilogue wait_flag mte3, v, 0\n");
  // The printed form parses back to the same kernel.
  allocate_buffers(k, chip("tiny"));
  insert_syncs(k, chip("tiny"));
  EXPECT_EQ(parse_kernel(print_kernel(k), "printed.nk"), k);
}

TEST(PrefetchTest, RunsExactlyWithTheRaceCheckOn) {
  for (const char* chip_name : {"tiny", "ascend910", "ascend310"}) {
    for (uint32_t workers : {1u, 2u}) {
      if (workers > chip(chip_name).chip.cores) continue;
      std::vector<double> x = ramp(3 * 5 * 256);
      std::vector<double> y = run(parse_kernel(prefetch_kernel(3, 5), "prefetch.nk"), chip_name,
                                  x, x.size(), workers);
      for (size_t i = 0; i < x.size(); ++i)
        ASSERT_EQ(y[i], x[i] + 1) << chip_name << " workers " << workers << " element " << i;
    }
  }
}

TEST(PrefetchTest, TheExampleKernelRunsExactly) {
  std::ifstream file(std::string(NPUSIM_SOURCE_DIR) + "/examples/nk/prefetch_slabs.nk");
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  Kernel k = parse_kernel(text.str(), "prefetch_slabs.nk");
  std::vector<double> x = ramp(4096);
  for (const char* chip_name : {"tiny", "ascend910"}) {
    std::vector<double> y = run(k, chip_name, x, x.size(), chip(chip_name).chip.cores > 1 ? 2 : 1);
    for (size_t i = 0; i < x.size(); ++i)
      ASSERT_EQ(y[i], x[i] + 1) << chip_name << " element " << i;
  }
}

TEST(PrefetchTest, TwoReaderPipesAndReadsAfterTheLoopWaitForTheLastLoadOnce) {
  const int slabs = 3;
  Kernel k = parse_kernel(two_reader_kernel(slabs), "two.nk");
  const std::string printed = with_syncs(k, "tiny");
  // After the loop: each reader pipe waits once for the last load (no RAW flag of its own for
  // the reads after the loop).
  EXPECT_NE(printed.find("}\nset_flag mte3, v, 0\nwait_flag mte2, v, 0\nwait_flag mte2, mte3, 0\n"
                         "wait_flag mte3, v, 0\n"),
            std::string::npos)
      << printed;
  size_t n = 256 * (slabs + 1);
  std::vector<double> x = ramp(n);
  for (const char* chip_name : {"tiny", "ascend910"}) {
    std::vector<double> y = run(k, chip_name, x, 2 * n, 1);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(y[i], x[i] + 1) << chip_name << " element " << i;
      ASSERT_EQ(y[n + i], x[i]) << chip_name << " element " << n + i;
    }
  }
}

TEST(PrefetchTest, TwoPrefetchedTilesOfOneLoopShareOneFlag) {
  // y = x[0..768) + x[2048..2816) (elements): `a` and `b` both prefetched; their carried flags (mte2 -> v)
  // and WAR tokens merge, seeded after the later load before the loop.
  Kernel k = parse_kernel(
      "kernel two_tiles\narg x gm\narg y gm\ntile a ub 512\ntile b ub 512\ntile o ub 512\n"
      "copy_gm_to_ub a, x, burst_len=16\n"
      "copy_gm_to_ub b, x[4096], burst_len=16\n"
      "for i in 3 {\n"
      "  vadd.f16 o, a, b, repeat=2\n"
      "  copy_gm_to_ub a, x[512*i + 512], burst_len=16\n"
      "  copy_gm_to_ub b, x[512*i + 4608], burst_len=16\n"
      "  copy_ub_to_gm y[512*i], o, burst_len=16\n"
      "}\n",
      "two_tiles.nk");
  EXPECT_EQ(with_syncs(k, "tiny"),
            "prologue set_flag mte3, v, 0\n"
            "copy_gm_to_ub a, x, burst_len=16\n"
            "copy_gm_to_ub b, x[4096], burst_len=16\n"
            "set_flag mte2, v, 0\n"
            "for i in 3 {\n"
            "  wait_flag mte2, v, 0\n"
            "  wait_flag mte3, v, 0\n"
            "  vadd.f16 o, a, b, repeat=2\n"
            "  set_flag v, mte2, 0\n"
            "  set_flag v, mte3, 0\n"
            "  wait_flag v, mte2, 0\n"
            "  copy_gm_to_ub a, x[512*i + 512], burst_len=16\n"
            "  copy_gm_to_ub b, x[512*i + 4608], burst_len=16\n"
            "  set_flag mte2, v, 0\n"
            "  wait_flag v, mte3, 0\n"
            "  copy_ub_to_gm y[512*i], o, burst_len=16\n"
            "  set_flag mte3, v, 0\n"
            "}\n"
            "wait_flag mte2, v, 0\n"
            "epilogue wait_flag mte3, v, 0\n");
  std::vector<double> x = ramp(2048 + 1024);  // the last iteration loads one slab more
  std::vector<double> y = run(k, "tiny", x, 768, 1);
  for (size_t i = 0; i < 768; ++i) ASSERT_EQ(y[i], x[i] + x[2048 + i]) << "element " << i;
}

TEST(PrefetchTest, MoreCarriedFlagsThanEventIdsReuseIdsAcrossLoops) {
  // Six prefetch loops one after the other on the 910 (4 ids per pipe pair): their flags reuse
  // ids, each reuse linked through the scalar unit.
  std::string text = "kernel phases\narg x gm\narg y gm\n";
  for (int p = 0; p < 6; ++p)
    text += "tile in" + std::to_string(p) + " ub 512\ntile out" + std::to_string(p) + " ub 512\n";
  for (int p = 0; p < 6; ++p) {
    std::string in = "in" + std::to_string(p), out = "out" + std::to_string(p);
    std::string base = std::to_string(1536 * p);
    text += "copy_gm_to_ub " + in + ", x[" + base + "], burst_len=16\n";
    text += "for i in 3 {\n";
    text += "  vadds.f16 " + out + ", " + in + ", 15360, repeat=2\n";
    text += "  if i < 2 {\n    copy_gm_to_ub " + in + ", x[" + base +
            " + 512*i + 512], burst_len=16\n  }\n";
    text += "  copy_ub_to_gm y[" + base + " + 512*i], " + out + ", burst_len=16\n";
    text += "}\n";
  }
  Kernel k = parse_kernel(text, "phases.nk");
  // The carried flags (mte2 -> v) are waited by V: their reuse links are `wait_flag v, s`.
  EXPECT_NE(with_syncs(k, "ascend910").find("wait_flag v, s, "), std::string::npos);
  std::vector<double> x = ramp(6 * 768);
  std::vector<double> y = run(k, "ascend910", x, x.size(), 1);
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], x[i] + 1) << "element " << i;
}

// Removes the loop-carried flag's set and wait inside the first loop of `body` (the `set_flag
// mte2, v` after the prefetch, the `wait_flag mte2, v` before the read): the seed and the drain
// still pair up, but the second iteration reads its slab with nothing ordering it after the
// load.
bool remove_carried_flag(Body& body) {
  for (Stmt& s : body) {
    if (s.kind != Stmt::Kind::kLoop) continue;
    Body& loop = s.loop->body;
    const size_t before = loop.size();
    loop.erase(std::remove_if(loop.begin(), loop.end(),
                              [](const Stmt& x) {
                                return x.kind == Stmt::Kind::kSync &&
                                       x.sync.src == isa::Pipe::kMte2 &&
                                       x.sync.dst == isa::Pipe::kV;
                              }),
               loop.end());
    return before - loop.size() == 2;
  }
  return false;
}

TEST(PrefetchTest, RemovingTheCarriedFlagIsCaughtByTheRaceCheck) {
  config::ChipConfig c = chip("tiny");
  Kernel k = parse_kernel(prefetch_kernel(1, 4), "prefetch.nk");
  allocate_buffers(k, c);
  insert_syncs(k, c);
  ASSERT_TRUE(remove_carried_flag(k.body[0].loop->body)) << print_kernel(k);
  isa::Binary bin = isa::assemble(generate_assembly(k, c), "racy.s");
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(c, options);
  std::vector<uint64_t> args = {device.malloc(2048, "x"), device.malloc(2048, "y")};
  device.load(bin);
  try {
    device.launch("prefetch", args, 1);
    FAIL() << "the race went unnoticed";
  } catch (const ProgramError& e) {
    EXPECT_NE(std::string(e.what()).find("race: this instruction"), std::string::npos) << e.what();
  }
}

TEST(PrefetchTest, WhatIsNotSupportedIsALocatedError) {
  auto compile_error = [](const std::string& text) {
    return error_of([&] { compile_kernel(parse_kernel(text, "k.nk"), chip("tiny")); });
  };
  const std::string head = "kernel k\narg x gm\narg y gm\ntile in ub 512\ntile out ub 512\n";
  const std::string loop_body =
      "  vadds.f16 out, in, 15360, repeat=2\n"
      "  copy_gm_to_ub in, x[512*i + 512], burst_len=16\n"
      "  copy_ub_to_gm y[512*i], out, burst_len=16\n";
  // No write before the loop: the first iteration would read nothing.
  EXPECT_EQ(compile_error(head + "for i in 2 {\n" + loop_body + "}\n"),
            "k.nk:7:3: error: tile 'in.0' is read before it is written (a prefetch for the next "
            "iteration also needs a write before the loop)");
  // A read between the write before the loop and the loop.
  EXPECT_EQ(compile_error(head + "copy_gm_to_ub in, x, burst_len=16\n"
                                 "copy_ub_to_gm y, in, burst_len=16\n"
                                 "for i in 2 {\n" + loop_body + "}\n"),
            "k.nk:9:3: error: tile 'in.0' is read at the start of a loop body and written later in "
            "it (a prefetch for the next iteration), but not written just before the loop (the "
            "first iteration's data)");
  // A pfor's iterations run on different cores.
  EXPECT_EQ(compile_error(head + "copy_gm_to_ub in, x, burst_len=16\npfor i in 2 {\n" +
                          loop_body + "}\n"),
            "k.nk:8:3: error: tile 'in.0' is prefetched across the iterations of a 'pfor' (its "
            "iterations run on different cores): use 'for'");
  // Read again after the prefetch in the same iteration.
  EXPECT_EQ(compile_error(head + "copy_gm_to_ub in, x, burst_len=16\nfor i in 2 {\n" +
                          loop_body + "  copy_ub_to_gm y, in, burst_len=16\n}\n"),
            "k.nk:8:3: error: tile 'in.0' is read at the start of a loop body and not written at "
            "its end: a prefetch for the next iteration writes it after its last read");
  // A double-buffered tile would need its slot to alternate between the load and the read.
  EXPECT_EQ(error_of([&] {
              Kernel k = parse_kernel("kernel k\narg x gm\narg y gm\ntile in ub 512 double\n"
                                      "tile out ub 512\ncopy_gm_to_ub in, x, burst_len=16\n"
                                      "for i in 2 {\n" + loop_body + "}\n",
                                      "k.nk");
              double_buffer(k);
            }),
            "k.nk:8:3: error: double-buffered tile 'in' is read at the start of a loop body "
            "before it is written there (a prefetch for the next iteration): a prefetched tile "
            "cannot be double-buffered");
}

}  // namespace
}  // namespace npu::compiler
