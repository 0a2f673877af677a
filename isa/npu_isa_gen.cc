// npu_isa_gen: regenerates the files produced from the instruction table, the generated blocks
// of docs/isa.md and rtl/generated/npu_isa_pkg.sv, in the source tree.
//
//   npu_isa_gen [--write]        rewrite the files (default)
//   npu_isa_gen --check          exit 1 and name the stale files, changing nothing
//   npu_isa_gen --root DIR ...   use DIR as the source tree (default: the one it was built from)
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "isa/docgen.h"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw npu::UserError(npu::SourceLocation{path, 0, 0}, "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw npu::UserError(npu::SourceLocation{path, 0, 0}, "cannot write file");
}

}  // namespace

int main(int argc, char** argv) {
  bool check = false;
  std::string root = NPUSIM_SOURCE_DIR;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--check") {
      check = true;
    } else if (arg == "--write") {
      check = false;
    } else if (arg == "--root" && i + 1 < argc) {
      root = argv[++i];
    } else {
      std::fprintf(stderr, "usage: npu_isa_gen [--write | --check] [--root DIR]\n");
      return npu::kExitBadInput;
    }
  }
  try {
    const std::string doc_path = root + "/docs/isa.md";
    const std::string sv_path = root + "/rtl/generated/npu_isa_pkg.sv";
    const std::string doc = read(doc_path);
    const std::vector<std::pair<std::string, std::string>> outputs = {
        {doc_path, npu::isa::update_doc(doc)}, {sv_path, npu::isa::render_sv_package()}};
    int stale = 0;
    for (const auto& [path, text] : outputs) {
      std::ifstream probe(path, std::ios::binary);
      const std::string current = probe ? read(path) : std::string();
      if (current == text) continue;
      ++stale;
      if (check) {
        std::fprintf(stderr, "%s is out of date with the instruction table\n", path.c_str());
      } else {
        write(path, text);
        std::printf("wrote %s\n", path.c_str());
      }
    }
    if (check && stale > 0) {
      std::fprintf(stderr, "run npu_isa_gen --write to regenerate\n");
      return 1;
    }
  } catch (const npu::UserError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return npu::kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "npu_isa_gen: internal error: %s\n", e.what());
    return npu::kExitInternalError;
  }
  return npu::kExitOk;
}
