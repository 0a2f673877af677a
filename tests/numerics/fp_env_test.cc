// The host floating-point environment: default in the test process (nothing in the build turns
// on flush-to-zero or denormals-are-zero), and host_fp_env_ok() notices when it is not.
#include <gtest/gtest.h>

#include <cfenv>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "numerics/fp_env.h"
#include "tests/numerics/reference.h"

namespace npu::numerics {
namespace {

TEST(FpEnv, DefaultEnvironmentIsAccepted) {
  EXPECT_TRUE(host_fp_env_ok());
  check_host_fp_env();
}

TEST(FpEnv, OtherRoundingModesAreRejected) {
  for (int mode : {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO}) {
    testing::ScopedRounding rounding(mode);
    EXPECT_FALSE(host_fp_env_ok()) << mode;
  }
  EXPECT_TRUE(host_fp_env_ok());
}

#if defined(__x86_64__) || defined(__i386__)
constexpr unsigned kMxcsrFlushToZero = 0x8000;
constexpr unsigned kMxcsrDenormalsAreZero = 0x0040;

TEST(FpEnv, ProcessStartsWithoutFlushToZero) {
  EXPECT_EQ(_mm_getcsr() & (kMxcsrFlushToZero | kMxcsrDenormalsAreZero), 0u);
}

TEST(FpEnv, FlushToZeroAndDenormalsAreZeroAreRejected) {
  const unsigned saved = _mm_getcsr();
  for (unsigned bit : {kMxcsrFlushToZero, kMxcsrDenormalsAreZero}) {
    _mm_setcsr(saved | bit);
    const bool ok = host_fp_env_ok();
    _mm_setcsr(saved);
    EXPECT_FALSE(ok) << std::hex << bit;
  }
  EXPECT_TRUE(host_fp_env_ok());
}
#endif

}  // namespace
}  // namespace npu::numerics
