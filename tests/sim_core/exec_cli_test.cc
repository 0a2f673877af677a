// `npusim exec` end to end: inputs from .npy / raw files / zeros, outputs back as .npy,
// report.json and trace.json in --out; every bad input exits 2 with its message, a failing
// program exits 1.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "numerics/convert.h"
#include "tests/support/run_command.h"

namespace npu::test {
namespace {

std::string npy(const std::string& descr, const std::string& shape, const std::string& data,
                bool fortran = false) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " +
                       (fortran ? "True" : "False") + ", 'shape': (" + shape + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

std::string f16_data(const std::vector<double>& values) {
  std::string out;
  for (double v : values) {
    const uint16_t bits = numerics::double_to_fp16(v).bits;
    out += static_cast<char>(bits & 0xff);
    out += static_cast<char>(bits >> 8);
  }
  return out;
}

class ExecCli : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = make_temp_dir();
    const CommandResult r = run_npusim("asm " + source_path("examples/asm/kernels/vector_add.s") +
                                       " -o " + m_dir + "/vadd.npubin");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<double> x(2048), y(2048);
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] = static_cast<double>(i % 16);
      y[i] = 1.5;
    }
    write_file(m_dir + "/x.npy", npy("<f2", "2048,", f16_data(x)));
    write_file(m_dir + "/y.npy", npy("<f2", "2048,", f16_data(y)));
  }
  std::string chip() const { return "--chip " + source_path("configs/chips/tiny.yaml") + " "; }
  std::string base() const {
    return "exec " + chip() + m_dir + "/vadd.npubin --arg x=" + m_dir + "/x.npy --arg y=" + m_dir +
           "/y.npy ";
  }
  CommandResult bad(const std::string& args) {
    const CommandResult r = run_npusim(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    return r;
  }
  std::string m_dir;
};

TEST_F(ExecCli, RunsAKernelAndWritesItsOutputs) {
  const CommandResult r = run_npusim(base() + "--arg z=zeros:2048:f16 --arg n=2048 --output z "
                                              "--out " + m_dir + "/run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("npusim: kernel vector_add on tiny (coupled, block_dim 1, 1 cores), "
                       "functional"),
            std::string::npos);
  EXPECT_NE(r.out.find("wrote " + m_dir + "/run/report.json, " + m_dir + "/run/trace.json, " +
                       m_dir + "/run/z.npy"),
            std::string::npos);
  const std::string z = read_file(m_dir + "/run/z.npy");
  std::vector<double> expect(2048);
  for (size_t i = 0; i < expect.size(); ++i) expect[i] = static_cast<double>(i % 16) + 1.5;
  EXPECT_EQ(z, npy("<f2", "2048,", f16_data(expect)));
  EXPECT_NE(read_file(m_dir + "/run/report.json").find("\"schema\": \"npusim-report\""),
            std::string::npos);
  EXPECT_NE(read_file(m_dir + "/run/trace.json").find("\"traceEvents\""), std::string::npos);
}

TEST_F(ExecCli, RawFileInputAndNamedOutput) {
  write_file(m_dir + "/z.bin", std::string(4096, '\0'));
  const CommandResult r =
      run_npusim(base() + "--arg z=" + m_dir + "/z.bin:f16 --arg n=2048 --output z=sum.npy "
                          "--no-trace --out " + m_dir + "/run2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(m_dir + "/run2/sum.npy"));
  EXPECT_FALSE(std::filesystem::exists(m_dir + "/run2/trace.json"));
}

TEST_F(ExecCli, TimingOnly) {
  const CommandResult r = run_npusim(base() + "--arg z=zeros:2048:f16 --arg n=2048 "
                                              "--timing-only --out " + m_dir + "/run3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(m_dir + "/run3/report.json").find("\"mode\": \"timing-only\""),
            std::string::npos);
}

TEST_F(ExecCli, ProgramErrorExitsOne) {
  // n = 1000 is not a multiple of 2048: the loop runs past the end of the buffers.
  const CommandResult r = run_npusim(base() + "--arg z=zeros:2048:f16 --arg n=1000 --out " +
                                     m_dir + "/run4");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("error: core 0 (block 0), pipe mte2, pc 0x", 0), 0u) << r.err;
}

TEST_F(ExecCli, RacecheckFindsAMissingFlag) {
  write_file(m_dir + "/race.s",
             ".kernel race\nli x3, 0\nli x4, 4096\nvadd.f16 x3, x4, x4, repeat=1\n"
             "copy_ub_to_ub x4, x3, burst_len=8\nend\n");
  ASSERT_EQ(run_npusim("asm " + m_dir + "/race.s -o " + m_dir + "/race.npubin").exit_code, 0);
  const CommandResult r = run_npusim("exec " + chip() + m_dir + "/race.npubin --racecheck --out " +
                                     m_dir + "/run5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("race: this instruction reads ub bytes 0x0..0x100, which pipe v wrote"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(run_npusim("exec " + chip() + m_dir + "/race.npubin --out " + m_dir + "/run6")
                .exit_code,
            0);
}

TEST_F(ExecCli, BadInputs) {
  const std::string out = " --out " + m_dir + "/bad";
  const std::string z = "--arg z=zeros:2048:f16 ";
  EXPECT_NE(bad("exec " + m_dir + "/vadd.npubin").err.find("--chip is required"),
            std::string::npos);
  EXPECT_NE(bad("exec " + chip() + m_dir + "/missing.npubin" + out).err.find("missing.npubin"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + "--arg n=2048 --kernel other" + out)
                .err.find("--kernel: no kernel named 'other'"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + out).err.find("--arg: argument 'n' of kernel 'vector_add' is missing"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + "--arg n=1 --arg q=1" + out)
                .err.find("--arg: kernel 'vector_add' has no argument 'q' (it has: x, y, z, n)"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + "--arg n=1 --arg n=2" + out).err.find("argument 'n' given twice"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + "--arg n" + out).err.find("--arg: expected NAME=VALUE, got 'n'"),
            std::string::npos);
  EXPECT_NE(bad(base() + "--arg z=zeros:2048 --arg n=2048" + out)
                .err.find("--arg z: expected zeros:SHAPE:DTYPE"),
            std::string::npos);
  EXPECT_NE(bad(base() + "--arg z=zeros:2048:f64 --arg n=2048" + out)
                .err.find("--arg z: unknown data type 'f64'"),
            std::string::npos);
  EXPECT_NE(bad(base() + "--arg z=zeros:0x4:f16 --arg n=2048" + out).err.find("--arg z:"),
            std::string::npos);
  EXPECT_NE(bad(base() + "--arg z=" + m_dir + "/nope.bin --arg n=2048" + out)
                .err.find("--arg z: cannot read file"),
            std::string::npos);
  write_file(m_dir + "/junk.npy", "not an npy file");
  EXPECT_NE(bad(base() + "--arg z=" + m_dir + "/junk.npy --arg n=2048" + out)
                .err.find("is not a usable .npy file: no .npy magic"),
            std::string::npos);
  write_file(m_dir + "/f.npy", npy("<f2", "2048,", std::string(4096, '\0'), true));
  EXPECT_NE(bad(base() + "--arg z=" + m_dir + "/f.npy --arg n=2048" + out)
                .err.find("Fortran order is not supported"),
            std::string::npos);
  write_file(m_dir + "/short.npy", npy("<f2", "2048,", std::string(100, '\0')));
  EXPECT_NE(bad(base() + "--arg z=" + m_dir + "/short.npy --arg n=2048" + out)
                .err.find("needs 4096 bytes of data, the file has 100"),
            std::string::npos);
  write_file(m_dir + "/c.npy", npy("<c8", "4,", std::string(32, '\0')));
  EXPECT_NE(bad(base() + "--arg z=" + m_dir + "/c.npy --arg n=2048" + out)
                .err.find("dtype '<c8' is not supported"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + "--arg n=abc" + out).err.find("--arg n: 'abc' is not an integer"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + "--arg n=2048 --output n" + out)
                .err.find("--output: 'n' is not a GM argument of kernel 'vector_add'"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + "--arg n=2048 --output z --timing-only" + out)
                .err.find("--output: a timing-only run computes no data"),
            std::string::npos);
  EXPECT_NE(bad(base() + z + "--arg n=2048 --cores 2" + out)
                .err.find("block_dim 2 is out of range: the chip has 1 AI cores"),
            std::string::npos);
  EXPECT_EQ(bad(base() + z + "--arg n=2048 --cores 0" + out).exit_code, 2);
  EXPECT_NE(bad(base() + z + "--arg n=2048 --set cube.m0=0" + out).err.find("cube.m0"),
            std::string::npos);
}

}  // namespace
}  // namespace npu::test
