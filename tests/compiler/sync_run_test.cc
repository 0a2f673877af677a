// Sync insertion end to end: kernels whose correctness depends on the inserted flags run on the
// simulator with the race check on, and their outputs are compared exactly. Covers tiles that
// share bytes after buffer allocation and kernels with more flags than event ids in total.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compiler/compile.h"
#include "compiler/ir/nk_parser.h"
#include "compiler/ir/nk_printer.h"
#include "compiler/passes/double_buffering.h"
#include "runtime/device.h"
#include "runtime/tensor_codec.h"
#include "tests/compiler/compiler_test_util.h"

namespace npu::compiler {
namespace {

// `phases` loops one after the other; loop p adds p + 1 to its 1 KiB part of x (two halves of
// 512 B per loop, fp16) through its own pair of UB tiles (in: MTE2 -> V, out: V -> MTE3), so the
// tiles of different loops share bytes and every loop needs its own flags.
std::string phased_kernel(int phases) {
  std::string s = "kernel phases\narg x gm\narg y gm\n";
  for (int p = 0; p < phases; ++p)
    s += "tile in" + std::to_string(p) + " ub 512\ntile out" + std::to_string(p) + " ub 512\n";
  for (int p = 0; p < phases; ++p) {
    std::string in = "in" + std::to_string(p), out = "out" + std::to_string(p);
    std::string at = std::to_string(1024 * p) + " + 512*i";
    // fp16 bits of 1.0, 2.0, 3.0, ...: 15360, 16384, 16896, 17408, 17664, 17920, ...
    static const int kHalf[] = {15360, 16384, 16896, 17408, 17664, 17920, 18048, 18432};
    s += "for i in 2 {\n";
    s += "  copy_gm_to_ub " + in + ", x[" + at + "], burst_len=16\n";
    s += "  vadds.f16 " + out + ", " + in + ", " + std::to_string(kHalf[p]) + ", repeat=2\n";
    s += "  copy_ub_to_gm y[" + at + "], " + out + ", burst_len=16\n";
    s += "}\n";
  }
  return s;
}

// Runs `kernel` on `chip_name` with the race check on: y = x + (part index + 1) per 1 KiB part.
void expect_phases_run_exactly(const std::string& chip_name, int phases) {
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(chip(chip_name), options);
  CompileResult c = compile_kernel(parse_kernel(phased_kernel(phases), "phases.nk"),
                                   device.config());
  size_t elements = 512 * static_cast<size_t>(phases);
  std::vector<double> x(elements);
  for (size_t i = 0; i < elements; ++i) x[i] = static_cast<double>(static_cast<int>(i % 13) - 6);
  uint64_t px = device.malloc(2 * elements, "x"), py = device.malloc(2 * elements, "y");
  device.copy_to_device(px, runtime::encode(isa::DataType::kF16, x));
  device.load(c.binary);
  std::vector<uint64_t> args = {px, py};
  device.launch("phases", args, 1);
  std::vector<uint8_t> bytes(2 * elements);
  device.copy_to_host(bytes, py);
  std::vector<double> y = runtime::decode(isa::DataType::kF16, bytes);
  for (size_t i = 0; i < elements; ++i)
    ASSERT_EQ(y[i], x[i] + static_cast<double>(i / 512 + 1)) << "element " << i;
}

TEST(SyncRunTest, TilesSharingBytesAcrossPipesAreOrdered) {
  // in1 / out1 take the bytes of in0 / out0: the first load of in1 (MTE2) must wait for the
  // last read of in0 (V), the first vadds into out1 for the last store of out0 (MTE3).
  Kernel k = parse_kernel(phased_kernel(2), "phases.nk");
  CompileResult c = compile_kernel(k, chip("tiny"));
  EXPECT_EQ(c.lowered.find_tile("in1")->offset, c.lowered.find_tile("in0")->offset);
  EXPECT_EQ(c.lowered.find_tile("out1")->offset, c.lowered.find_tile("out0")->offset);
  expect_phases_run_exactly("tiny", 2);
}

TEST(SyncRunTest, MoreFlagsThanEventIdsInTotalButNotAtOnceReuseIds) {
  // Six loops need 6 flags of each pipe pair; the 910 has 4 ids per pair.
  expect_phases_run_exactly("ascend910", 6);
}

// A slab per tile (MTE2) read by an inner double-buffered loop (V writes a, MTE3 stores it), the
// tile loop unrolled in pairs with the slab alternating and loaded early: after the inner loops'
// own unrolling, the pair body holds two sibling loops using the same slots of `a` (the second
// in the `if` of the odd count), which sync insertion orders through shared flags.
// y = x + 1 over `tiles` slabs of 512 B: kernel NAME with the tiles `tiles_decl`.
Kernel slab_loop_kernel(const std::string& name, const std::string& tiles_decl, int tiles) {
  return parse_kernel("kernel " + name + "\narg x gm\narg y gm\n" + tiles_decl +
                          "tile a ub 256 double\npfor t in " + std::to_string(tiles) + " {\n"
                          "  copy_gm_to_ub s, x[512*t], burst_len=16\n"
                          "  for k in 2 {\n"
                          "    vadds.f16 a, s[256*k], 15360, repeat=1\n"
                          "    copy_ub_to_gm y[512*t + 256*k], a, burst_len=8\n"
                          "  }\n"
                          "}\n",
                      name + ".nk");
}

Kernel sibling_loops_kernel(int tiles) {
  Kernel k = slab_loop_kernel("siblings", "tile s ub 512 double\n", tiles);
  unroll_by_two(*k.body[0].loop, {"s"}, true);
  return k;
}

// Runs kernel `k` (y = x + 1 over `tiles` x `per_tile` fp16, args x, y) on `workers` cores with
// the race check on and checks every element.
void expect_adds_one(const char* chip_name, const Kernel& k, int tiles, uint32_t workers,
                     size_t per_tile = 256) {
  sim::SimOptions options;
  options.racecheck = true;
  runtime::Device device = runtime::Device::simulated(chip(chip_name), options);
  CompileResult c = compile_kernel(k, device.config());
  const size_t elements = per_tile * static_cast<size_t>(tiles);
  std::vector<double> x(elements);
  for (size_t i = 0; i < elements; ++i) x[i] = static_cast<double>(static_cast<int>(i % 11) - 5);
  uint64_t px = device.malloc(2 * elements, "x"), py = device.malloc(2 * elements, "y");
  device.copy_to_device(px, runtime::encode(isa::DataType::kF16, x));
  device.copy_to_device(py, std::vector<uint8_t>(2 * elements, 0));
  device.load(c.binary);
  std::vector<uint64_t> args = {px, py};
  device.launch(k.name, args, workers);
  std::vector<uint8_t> bytes(2 * elements);
  device.copy_to_host(bytes, py);
  std::vector<double> y = runtime::decode(isa::DataType::kF16, bytes);
  for (size_t i = 0; i < elements; ++i)
    ASSERT_EQ(y[i], x[i] + 1) << chip_name << " workers " << workers << " tiles " << tiles
                              << " element " << i;
}

TEST(SyncRunTest, SiblingLoopsOfAPairShareTheirFlags) {
  for (const char* chip_name : {"tiny", "ascend910"})
    for (uint32_t workers : {1u, 3u})
      if (workers <= chip(chip_name).chip.cores)
        expect_adds_one(chip_name, sibling_loops_kernel(5), 5, workers);
}

// The same tile loop rewritten by prefetch_by_two for `cores` cores: each core walks its tiles
// over s_a / s_b, the next even tile's slab loaded after the even tile's inner loop (a prefetch
// across the pair loop's back edge), the items of a ragged last pair guarded.
Kernel prefetched_kernel(int tiles, int64_t cores) {
  Kernel k = slab_loop_kernel(
      "prefetched", "tile s ub 512\ntile s_a ub 512\ntile s_b ub 512\n", tiles);
  const Body body = k.body[0].loop->body;
  k.body[0] = prefetch_by_two("t", tiles, body, "s", cores);
  k.tiles.erase(k.tiles.begin());  // s: now s_a and s_b
  return k;
}

TEST(SyncRunTest, PrefetchByTwoRunsEveryTileOnceRaceFree) {
  for (const char* chip_name : {"tiny", "ascend910"})
    for (uint32_t workers : {1u, 3u})
      for (int tiles : {1, 2, 7, 8}) {
        if (workers > chip(chip_name).chip.cores) continue;
        const Kernel k = prefetched_kernel(tiles, workers);
        ASSERT_EQ(k.body[0].loop->count, static_cast<int64_t>(workers));
        expect_adds_one(chip_name, k, tiles, workers);
      }
}

// Two sibling loops over the halves of a tile's slab, each writing slot 0 of `a` (V) and storing
// it (MTE3) twice per iteration, as a K loop does whose steps alternate explicit L0A slots: the
// slot's WAR chain holds, in each loop body, a flag (the first store before the second write)
// and a token (the second store before the next iteration's first write).
Kernel twice_per_iteration_kernel(int tiles) {
  std::string loop;
  for (const char* half : {"0", "1024"}) {
    loop += "  for k in 2 {\n";
    for (const char* part : {"0", "256"}) {
      std::string at = std::string(half) + " + 512*k + " + part;
      loop += "    vadds.f16 a.0, s[" + at + "], 15360, repeat=1\n";
      loop += "    copy_ub_to_gm y[2048*t + " + at + "], a.0, burst_len=8\n";
    }
    loop += "  }\n";
  }
  return parse_kernel("kernel twice\narg x gm\narg y gm\ntile s ub 2048\ntile a ub 256 double\n"
                      "pfor t in " + std::to_string(tiles) + " {\n"
                      "  copy_gm_to_ub s, x[2048*t], burst_len=64\n" + loop + "}\n",
                      "twice.nk");
}

TEST(SyncRunTest, ASlotWrittenTwicePerIterationOfSiblingLoopsSharesOneId) {
  for (const char* chip_name : {"tiny", "ascend910"})
    for (uint32_t workers : {1u, 2u})
      if (workers <= chip(chip_name).chip.cores)
        expect_adds_one(chip_name, twice_per_iteration_kernel(3), 3, workers, 1024);
}

}  // namespace
}  // namespace npu::compiler
