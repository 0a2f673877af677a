// `npusim asm PROG.s -o PROG.npubin`: assemble a file. Every error of the file is reported as
// FILE:LINE:COL: error: MESSAGE and the command exits with code 2.
#include <string>

#include "isa/assembler.h"
#include "isa/npubin.h"
#include "tools/npusim/commands.h"

namespace npu::cli {

void add_asm_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("asm", "Assemble PROG.s into a .npubin binary");
  static std::string input;
  static std::string output;
  cmd->add_option("PROG.s", input, "Assembly source file")->required();
  cmd->add_option("-o,--output", output, "Binary to write (PROG.npubin)")->required();
  cmd->callback([] { isa::save_npubin(isa::assemble_file(input), output); });
}

}  // namespace npu::cli
