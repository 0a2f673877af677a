// The host floating-point environment npu_numerics relies on, and a check for it.
//
// The fp32 arithmetic of the contract is the host's: IEEE binary32 with round to nearest even,
// subnormals kept (and fp32 -> fp16 with nearest even lets the FPU do part of its rounding). That
// holds in the default environment of x86-64 and AArch64 Linux, and breaks if anything sets
// flush-to-zero / denormals-are-zero (linking code built with -ffast-math or -Ofast does, through
// crtfastmath.o) or changes the rounding mode. numerics/CMakeLists.txt refuses such flags at
// configure time; programs call check_host_fp_env() at start-up to catch the rest.
#pragma once

#include <cfenv>

#include "base/error.h"
#include "numerics/formats.h"

namespace npu::numerics {

// True when the environment is the default one: round to nearest even, no FTZ, no DAZ.
inline bool host_fp_env_ok() {
  if (std::fegetround() != FE_TONEAREST) {
    return false;
  }
  // volatile keeps the compiler from folding these at compile time, where they would pass.
  volatile float min_normal = 0x1p-126f;
  volatile float half = 0.5f;
  const float subnormal = min_normal * half;  // FTZ would give 0
  volatile float stored = subnormal;
  const float doubled = stored * 2.0f;  // DAZ would read stored as 0
  volatile float one = 1.0f;
  volatile float tie = 0x1p-24f;
  const float sum = one + tie;  // a tie: nearest even stays at 1
  return fp32_bits(subnormal) == 0x00400000u && fp32_bits(doubled) == 0x00800000u &&
         fp32_bits(sum) == 0x3F800000u;
}

// Ends the process (an npusim bug or a broken build, not a user error) when the environment
// is not the default one.
inline void check_host_fp_env() {
  NPU_CHECK(host_fp_env_ok(),
            "the host floating-point environment is not IEEE default (flush-to-zero, "
            "denormals-are-zero or a rounding mode other than nearest-even is set); "
            "npu_numerics would compute wrong bits");
}

}  // namespace npu::numerics
