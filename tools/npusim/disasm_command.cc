// `npusim disasm PROG.npubin`: print a binary as assembly that re-assembles to the same file.
// A malformed binary is reported with the loader's message and exit code 2.
#include <fmt/format.h>

#include <string>

#include "isa/disassembler.h"
#include "isa/npubin.h"
#include "tools/npusim/commands.h"

namespace npu::cli {

void add_disasm_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("disasm", "Print a .npubin binary as assembly");
  static std::string input;
  static bool no_encoding = false;
  cmd->add_option("PROG.npubin", input, "Binary file")->required();
  cmd->add_flag("--no-encoding", no_encoding,
                "Omit the '# offset: word' comment after each instruction");
  cmd->callback([] {
    isa::DisassemblyOptions options;
    options.show_encoding = !no_encoding;
    fmt::print("{}", isa::disassemble(isa::load_npubin(input), options));
  });
}

}  // namespace npu::cli
