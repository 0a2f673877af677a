// npusim compile / run: exit codes and output, including bad op specs and .nk errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/run_command.h"

namespace npu::test {
namespace {

std::string chip(const char* name) { return source_path(std::string("configs/chips/") + name + ".yaml"); }

TEST(CompileCliTest, WritesBinaryAndAssembly) {
  std::string dir = make_temp_dir();
  CommandResult r = run_npusim("compile --op \"matmul m=20 n=30 k=40 dtype=fp16\" --chip " +
                               chip("tiny") + " -o " + dir + "/m.npubin --emit-asm");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(dir + "/m.s").find(".kernel matmul"), std::string::npos);
  EXPECT_NE(read_file(dir + "/m.nk").find("syncs inserted"), std::string::npos);
  CommandResult d = run_npusim("disasm " + dir + "/m.npubin");
  EXPECT_EQ(d.exit_code, 0);
  EXPECT_NE(d.out.find("mmad.f32.f16"), std::string::npos);
}

TEST(CompileCliTest, BadOpSpecIsExitTwoWithLocation) {
  CommandResult r = run_npusim("compile --op \"matmul m=20 n=30 k=40 dtype=fp8\" --chip " +
                               chip("tiny") + " -o /tmp/never.npubin");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "<op>:1:29: error: unsupported dtype 'fp8' (supported: fp16, bf16, int8)\n");
}

TEST(CompileCliTest, BadNkFileIsExitTwoWithEveryError) {
  std::string dir = make_temp_dir();
  write_file(dir + "/k.nk", "kernel k\narg a gm\nfor i in 2 {\n  copy_gm_to_ub q, a, burst_len=1\n");
  CommandResult r = run_npusim("compile " + dir + "/k.nk --chip " + chip("tiny") + " -o " + dir + "/k.npubin");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, dir + "/k.nk:3:1: error: '{' opened here is never closed\n" + dir +
                       "/k.nk:4:17: error: unknown tile or argument 'q'\n");
}

TEST(RunCliTest, CheckPassesOnTiny) {
  CommandResult r = run_npusim("run --chip " + chip("tiny") +
                               " --op \"matmul m=40 n=24 k=33 dtype=fp16\" --check --racecheck --out " +
                               make_temp_dir());
  EXPECT_NE(r.out.find("check passed"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("matmul 40x24x33 fp16 -> fp16"), std::string::npos);
}

// A 5 x 5 output map is 25 img2col rows: the cube runs 32 (73,728 MACs), the op needs 57,600,
// so the useful utilization is 57,600 / 73,728 of the executed one. Ops without cube work print
// no such line.
TEST(RunCliTest, UsefulCubeUtilizationLeavesPaddingOut) {
  CommandResult r = run_npusim("run --chip " + chip("tiny") +
                               " --op \"conv2d n=1 c=16 h=5 w=5 k=16 r=3 s=3 pad=1 dtype=fp16\""
                               " --timing-only --no-trace --out " + make_temp_dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cube MACs 73728,"), std::string::npos) << r.out;
  const size_t at = r.out.find("useful cube utilization: ");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(the op's 57600 MACs, without padding or masked work)\n", at),
            std::string::npos) << r.out;
  const double executed = std::stod(r.out.substr(r.out.find("cube utilization: ") + 18));
  const double useful = std::stod(r.out.substr(at + 25));
  EXPECT_NEAR(useful, executed * 57600 / 73728, 0.06) << r.out;
  EXPECT_LT(useful, executed);
  CommandResult add = run_npusim("run --chip " + chip("tiny") +
                                 " --op \"add n=100 dtype=fp16\" --timing-only --no-trace --out " +
                                 make_temp_dir());
  EXPECT_EQ(add.out.find("useful cube utilization"), std::string::npos) << add.out;
}

TEST(RunCliTest, AutotuneReportsItsCandidatesAndRunsTheFastest) {
  CommandResult r = run_npusim("run --chip " + chip("tiny") +
                               " --op \"matmul m=64 n=48 k=100 dtype=fp16\" --autotune --check --out " +
                               make_temp_dir());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("autotune: 4 candidate(s) of the cost model, timing-only on tiny:\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n* matmul m=64 n=48 k=100 dtype=fp16 tile_m="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("check passed"), std::string::npos) << r.out;
  std::string dir = make_temp_dir();
  CommandResult c = run_npusim("compile --op \"batch_matmul b=2 m=20 n=30 k=40 dtype=fp16\" --chip " +
                               chip("tiny") + " -o " + dir + "/m.npubin --autotune");
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("* batch_matmul b=2 m=20 n=30 k=40 dtype=fp16 tile_m="), std::string::npos)
      << c.out;
}

TEST(RunCliTest, NkKernelRuns) {
  std::string dir = make_temp_dir();
  CommandResult r = run_npusim("run --chip " + chip("tiny") + " " +
                               source_path("examples/nk/copy_tiles.nk") + " --racecheck --out " + dir);
  EXPECT_NE(r.out.find("reports written to " + dir), std::string::npos) << r.out << r.err;
  EXPECT_NE(read_file(dir + "/report.json").find("\"kernel\""), std::string::npos);
  // The timeline too (Chrome trace events), as `npusim exec` writes it.
  EXPECT_NE(read_file(dir + "/trace.json").find("\"traceEvents\""), std::string::npos);
}

TEST(RunCliTest, TraceIsBoundedAndSaysWhatItDropped) {
  std::string dir = make_temp_dir();
  CommandResult r = run_npusim("run --chip " + chip("tiny") +
                               " --op \"matmul m=64 n=64 k=64 dtype=fp16\" --timing-only "
                               "--trace-limit 5 --out " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string trace = read_file(dir + "/trace.json");
  EXPECT_NE(trace.find("\"slice_limit\":5"), std::string::npos) << trace.substr(0, 400);
  EXPECT_NE(trace.find("slices dropped after the first 5"), std::string::npos);
  std::string dir2 = make_temp_dir();
  r = run_npusim("run --chip " + chip("tiny") +
                 " --op \"matmul m=64 n=64 k=64 dtype=fp16\" --timing-only --no-trace --out " + dir2);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir2 + "/trace.json"));
}

TEST(RunCliTest, CheckWithTimingOnlyIsBadInput) {
  CommandResult r = run_npusim("run --chip " + chip("tiny") +
                               " --op \"matmul m=4 n=4 k=4 dtype=fp16\" --check --timing-only");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: --check and --racecheck need a functional run (drop --timing-only)\n");
}

}  // namespace
}  // namespace npu::test
