// Seeds and waveform paths of the RTL harnesses (see cross_check.h).
#include "tests/rtl/cross_check.h"

#include <cstdlib>
#include <string>

namespace npu::rtl_test {

uint64_t random_seed(uint64_t fallback) {
  const char* env = std::getenv("NPU_RTL_SEED");
  return env != nullptr && *env != '\0' ? std::stoull(env, nullptr, 0) : fallback;
}

std::string waveform_path(std::string_view block, uint64_t index) {
  const char* env = std::getenv("NPU_RTL_WAVE_DIR");
  const std::string dir = env != nullptr && *env != '\0' ? env : "rtl_waves";
  return dir + "/" + std::string(block) + "_txn" + std::to_string(index) + ".fst";
}

}  // namespace npu::rtl_test
