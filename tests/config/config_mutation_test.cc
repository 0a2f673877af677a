// Corrupted copies of the shipped configs: every mutation either still loads or fails with
// located "error:" lines; it never crashes (run under the sanitizer build too).
#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "tests/config/config_test_util.h"

namespace npu::test {
namespace {

TEST(ConfigMutation, CorruptedShippedConfigsFailCleanly) {
  const std::regex located("^.+(:[0-9]+:[0-9]+)?: error: .+$");
  std::mt19937 rng(12345);
  const char kNoise[] = "x:-[]{}#&*!|>'\"%@`,? 0123456789.\n\t";
  const std::string dir = make_temp_dir();
  int failures = 0;
  for (const char* chip : {"ascend910", "ascend910b", "ascend310", "tiny"}) {
    const std::string original = read_file(source_path(std::string("configs/chips/") + chip + ".yaml"));
    ASSERT_FALSE(original.empty());
    for (int i = 0; i < 150; ++i) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        const size_t pos = rng() % text.size();
        switch (rng() % 4) {
          case 0: text.resize(pos); break;                                    // truncate
          case 1: text[pos] = kNoise[rng() % (sizeof(kNoise) - 1)]; break;    // replace
          case 2: text.insert(pos, 1, kNoise[rng() % (sizeof(kNoise) - 1)]); break;
          default: text.erase(pos, 1 + rng() % 8); break;                     // delete
        }
        if (text.empty()) text = "\n";
      }
      const std::string path = dir + "/mutated.yaml";
      write_file(path, text);
      const std::string error = load_error(path);
      if (error.empty()) continue;
      ++failures;
      size_t start = 0;
      while (start <= error.size()) {
        const size_t end = std::min(error.find('\n', start), error.size());
        const std::string line = error.substr(start, end - start);
        EXPECT_TRUE(std::regex_match(line, located)) << "unlocated error line: " << line;
        EXPECT_EQ(line.rfind(path, 0), 0u) << line;
        start = end + 1;
      }
    }
  }
  EXPECT_GT(failures, 300);  // most mutations break something
}

}  // namespace
}  // namespace npu::test
