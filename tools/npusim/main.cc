// npusim: command-line entry point. Parses the command line with CLI11, runs the chosen
// subcommand and maps the outcome to the exit codes of DESIGN.md section 10.
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "base/error.h"
#include "base/version.h"
#include "tools/npusim/commands.h"

namespace {

void print_error(const std::string& text) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", text.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"npusim: a cycle-approximate simulator of Ascend-style (DaVinci) AI accelerators"};
  app.set_version_flag("--version",
                       std::string("npusim ") + npu::kVersion + " (git " + npu::kGitRevision + ")");
  app.require_subcommand(1);
  npu::cli::add_config_command(app);
  npu::cli::add_calibrate_command(app);
  npu::cli::add_isa_command(app);
  npu::cli::add_asm_command(app);
  npu::cli::add_disasm_command(app);
  npu::cli::add_exec_command(app);
  npu::cli::add_compile_command(app);
  npu::cli::add_run_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return npu::kExitBadInput;
  } catch (const npu::UserError& e) {
    print_error(e.what());
    return npu::kExitBadInput;
  } catch (const npu::ProgramError& e) {
    print_error(std::string("error: ") + e.what());
    return npu::kExitProgramFailed;
  } catch (const std::exception& e) {
    print_error(std::string("npusim: internal error: ") + e.what());
    return npu::kExitInternalError;
  }
  return npu::kExitOk;
}
