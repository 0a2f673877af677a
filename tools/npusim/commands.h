// Registration of npusim's subcommands. Each subcommand lives in its own *_command.cc file and
// adds itself to the application here; main.cc calls every add_* function in the order below,
// which is the order `npusim --help` lists them.
//
// Contract for a subcommand's callback: report bad input by throwing npu::UserError, a failed
// simulated program by throwing npu::ProgramError; main.cc turns them into exit codes 2 and 1.
#pragma once

#include <CLI/CLI.hpp>

namespace npu::cli {

void add_config_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);
void add_isa_command(CLI::App& app);
void add_asm_command(CLI::App& app);
void add_disasm_command(CLI::App& app);
void add_exec_command(CLI::App& app);
void add_compile_command(CLI::App& app);
void add_run_command(CLI::App& app);

}  // namespace npu::cli
