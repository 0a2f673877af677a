#include "config/config_hash.h"

#include <fmt/format.h>

#include <cstdint>

#include "config/param_table.h"

namespace npu::config {

std::string canonical_text(const ChipConfig& config) {
  std::string out;
  for (const ParamDecl& decl : chip_params().all()) {
    out += decl.key + " = " + format_value(decl.load(config)) + "\n";
  }
  return out;
}

std::string config_hash(const ChipConfig& config) {
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a 64 offset basis
  for (unsigned char ch : canonical_text(config)) {
    hash ^= ch;
    hash *= 0x100000001b3ull;  // FNV-1a 64 prime
  }
  return fmt::format("{:016x}", hash);
}

}  // namespace npu::config
