// Seeds, waveform paths and the mis-modelled verdict of the RTL harnesses (see cross_check.h).
#include "tests/rtl/cross_check.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
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

void expect_caught(const std::optional<Mismatch>& mismatch, uint64_t transaction,
                   std::string_view expected) {
  ASSERT_TRUE(mismatch) << "the mis-modelled variant was not caught";
  EXPECT_EQ(mismatch->transaction, transaction) << mismatch->message;
  EXPECT_NE(mismatch->message.find(expected), std::string::npos) << mismatch->message;
  EXPECT_GT(std::filesystem::file_size(mismatch->waveform), 0u);
  std::cout << "caught as it must be:\n" << mismatch->message << "\n";
}

}  // namespace npu::rtl_test
