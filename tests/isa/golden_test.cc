// Golden files: every examples/asm/NAME.s assembles, and its disassembly (with the encoding of
// every instruction in the comments) equals tests/isa/golden/NAME.dis; that disassembly
// re-assembles to the identical binary, byte for byte.
#include <gtest/gtest.h>

#include <filesystem>

#include "isa/assembler.h"
#include "isa/disassembler.h"
#include "isa/npubin.h"
#include "tests/support/run_command.h"

namespace npu::isa {
namespace {

std::vector<std::string> example_names() {
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(npu::test::source_path("examples/asm"))) {
    if (entry.path().extension() == ".s") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(IsaGolden, ThereAreExamples) { EXPECT_GE(example_names().size(), 6u); }

TEST(IsaGolden, EveryExampleMatchesItsGoldenDisassemblyAndRoundTrips) {
  for (const std::string& name : example_names()) {
    SCOPED_TRACE(name);
    const Binary binary = assemble_file(npu::test::source_path("examples/asm/" + name + ".s"));
    const std::string text = disassemble(binary);
    const std::string golden_path = npu::test::source_path("tests/isa/golden/" + name + ".dis");
    EXPECT_EQ(text, npu::test::read_file(golden_path))
        << "regenerate with: npusim disasm after npusim asm examples/asm/" << name << ".s";
    const Binary again = assemble(text, name + ".dis");
    EXPECT_EQ(again, binary);
    EXPECT_EQ(write_npubin(again), write_npubin(binary));
    // Without the encoding comments the text still re-assembles identically.
    EXPECT_EQ(assemble(disassemble(binary, {.show_encoding = false}), name + ".dis"), binary);
  }
}

}  // namespace
}  // namespace npu::isa
