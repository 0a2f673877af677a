// `npusim isa list`, `npusim asm`, `npusim disasm`: output and exit codes of the real binary,
// including every bad-input path (located message on stderr, exit code 2).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "isa/instruction.h"
#include "tests/support/run_command.h"

namespace npu::test {
namespace {

TEST(IsaCli, ListShowsEveryInstructionWithPipeFieldsSummaryAndExample) {
  const CommandResult r = run_npusim("isa list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("vadd  (pipe v, vector binary, .f16 .f32 .s16 .s32)\n"
                       "  syntax:  vadd.<type> dst, src0, src1, params\n"
                       "  fields:  opcode[7:0]=0xa0 dst[17:13] src0[22:18] src1[27:23] "
                       "params[32:28] dtype[40:38]\n"
                       "  does:    dst = src0 + src1\n"
                       "  example: vadd.f16 x3, x4, x5, x6\n"),
            std::string::npos)
      << r.out.substr(0, 2000);
  size_t examples = 0;
  for (size_t pos = 0; (pos = r.out.find("  example: ", pos)) != std::string::npos; ++pos) {
    ++examples;
  }
  EXPECT_EQ(examples, isa::instruction_table().size());
}

TEST(IsaCli, ListJsonIsMachineReadable) {
  const CommandResult r = run_npusim("isa list --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["isa_version"], 1);
  ASSERT_EQ(j["instructions"].size(), isa::instruction_table().size());
  const nlohmann::json* mmad = nullptr;
  for (const nlohmann::json& inst : j["instructions"]) {
    EXPECT_TRUE(inst.contains("example"));
    EXPECT_TRUE(inst.contains("fields"));
    if (inst["mnemonic"] == "mmad") mmad = &inst;
  }
  ASSERT_NE(mmad, nullptr);
  EXPECT_EQ((*mmad)["pipe"], "m");
  EXPECT_EQ((*mmad)["opcode"], 0x70);
  EXPECT_EQ((*mmad)["timing"]["kind"], "cube");
  EXPECT_EQ((*mmad)["data_types"],
            nlohmann::json::array({"f32.f16", "f32.bf16", "s32.s8", "s32.u8"}));
  EXPECT_EQ((*mmad)["fields"][3]["name"], "params");
  EXPECT_EQ((*mmad)["fields"][3]["packed"], "mmad");
  EXPECT_EQ((*mmad)["fields"][3]["bits"], nlohmann::json::array({32, 28}));
  EXPECT_EQ((*mmad)["reads"], nlohmann::json::array({"l0a", "l0b", "l0c", "bt"}));
  EXPECT_EQ(j["packed_layouts"][0]["name"], "mte");
  EXPECT_EQ(j["packed_layouts"][0]["fields"][1]["name"], "burst_len");
  EXPECT_EQ(j["packed_layouts"][0]["fields"][1]["bits"], nlohmann::json::array({27, 12}));
}

TEST(IsaCli, AsmThenDisasmReproducesTheGoldenListing) {
  const std::string dir = make_temp_dir();
  const CommandResult a =
      run_npusim("asm " + source_path("examples/asm/matmul_fp16.s") + " -o " + dir + "/m.npubin");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, "");
  const CommandResult d = run_npusim("disasm " + dir + "/m.npubin");
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.out, read_file(source_path("tests/isa/golden/matmul_fp16.dis")));
  // And the listing assembles back to the same file.
  write_file(dir + "/m.dis.s", d.out);
  ASSERT_EQ(run_npusim("asm " + dir + "/m.dis.s -o " + dir + "/m2.npubin").exit_code, 0);
  EXPECT_EQ(read_file(dir + "/m2.npubin"), read_file(dir + "/m.npubin"));
}

TEST(IsaCli, DisasmWithoutEncodingComments) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/k.s", ".kernel k\n  add x3, x1, x2\n  end\n");
  ASSERT_EQ(run_npusim("asm " + dir + "/k.s -o " + dir + "/k.npubin").exit_code, 0);
  const CommandResult d = run_npusim("disasm --no-encoding " + dir + "/k.npubin");
  EXPECT_EQ(d.exit_code, 0);
  EXPECT_EQ(d.out, ".text\n.kernel k\n    add x3, x1, x2\n    end\n");
}

TEST(IsaCli, AsmReportsEveryErrorLocatedAndExitsTwo) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/bad.s", "foo x1\n  add x1, x2\nbeq x0, x0, nowhere\n");
  const CommandResult r = run_npusim("asm " + dir + "/bad.s -o " + dir + "/bad.npubin");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, dir + "/bad.s:1:1: error: unknown instruction 'foo'\n" + dir +
                       "/bad.s:2:13: error: 'add' expects 3 operands (rd, rs1, rs2), got 2\n" +
                       dir + "/bad.s:3:13: error: unknown label 'nowhere'\n");
  EXPECT_EQ(read_file(dir + "/bad.npubin"), "");  // nothing written
}

TEST(IsaCli, AsmMissingInputOrOutput) {
  const std::string dir = make_temp_dir();
  const CommandResult missing = run_npusim("asm " + dir + "/none.s -o " + dir + "/x.npubin");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, dir + "/none.s: error: cannot open file\n");
  write_file(dir + "/k.s", "end\n");
  const CommandResult unwritable = run_npusim("asm " + dir + "/k.s -o " + dir + "/no/dir/x.npubin");
  EXPECT_EQ(unwritable.exit_code, 2);
  EXPECT_EQ(unwritable.err, dir + "/no/dir/x.npubin: error: cannot open file for writing\n");
  const CommandResult no_output = run_npusim("asm " + dir + "/k.s");
  EXPECT_EQ(no_output.exit_code, 2);
  EXPECT_NE(no_output.err.find("--output is required"), std::string::npos) << no_output.err;
}

TEST(IsaCli, DisasmRejectsCorruptBinaries) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/text.npubin", "hello, not a binary\n");
  const CommandResult r = run_npusim("disasm " + dir + "/text.npubin");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, dir + "/text.npubin: error: not a .npubin file (bad magic number)\n");
  write_file(dir + "/k.s", "end\n");
  ASSERT_EQ(run_npusim("asm " + dir + "/k.s -o " + dir + "/k.npubin").exit_code, 0);
  std::string bytes = read_file(dir + "/k.npubin");
  bytes.resize(50);
  write_file(dir + "/short.npubin", bytes);
  const CommandResult t = run_npusim("disasm " + dir + "/short.npubin");
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_EQ(t.err, dir +
                       "/short.npubin: error: truncated header: the file is 50 bytes and ends "
                       "inside field 'strings_offset' (bytes 48..51)\n");
  const CommandResult none = run_npusim("disasm " + dir + "/none.npubin");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.err, dir + "/none.npubin: error: cannot open file\n");
}

}  // namespace
}  // namespace npu::test
