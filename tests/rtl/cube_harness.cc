// Stimuli and the C++ side of the cube harness (cube_harness.h).
#include "tests/rtl/cube_harness.h"

#include <fmt/format.h>

#include <random>

#include "sim/cosim/rtl_cube_config.h"
#include "sim/exec/cube_backend.h"
#include "sim/exec/cube_timing.h"

namespace npu::rtl_test {
namespace {

// fp16 values: mostly normal values of moderate size (sums that round, cancel and tie), some
// subnormals, zeros of both signs, infinities and NaNs.
uint16_t random_fp16(std::mt19937_64& rng, bool specials) {
  const uint32_t kind = static_cast<uint32_t>(rng() % 64);
  const auto bits = static_cast<uint16_t>(rng());
  if (specials && kind == 0) return bits;                                  // anything
  if (specials && kind == 1) return static_cast<uint16_t>(bits & 0x83FF);  // subnormal or 0
  if (specials && kind == 2) {
    constexpr uint16_t kSpecial[] = {0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00,
                                     0x0001, 0x7BFF, 0xFBFF, 0x0400};
    return kSpecial[rng() % std::size(kSpecial)];
  }
  const auto exponent = static_cast<uint16_t>(8 + rng() % 16);  // 2^-7 .. 2^8
  return static_cast<uint16_t>((bits & 0x83FF) | (exponent << 10));
}

// bf16 values: the whole exponent range, so products overflow and underflow fp32.
uint16_t random_bf16(std::mt19937_64& rng, bool specials) {
  const uint32_t kind = static_cast<uint32_t>(rng() % 64);
  const auto bits = static_cast<uint16_t>(rng());
  if (specials && kind < 2) return bits;
  const bool tiny = rng() % 4 == 0;
  const auto exponent = static_cast<uint16_t>(tiny ? rng() % 80 : 100 + rng() % 56);
  return static_cast<uint16_t>((bits & 0x807F) | (exponent << 7));
}

uint32_t random_c0(std::mt19937_64& rng, isa::DataType src) {
  const auto bits = static_cast<uint32_t>(rng());
  if (src == isa::DataType::kS8 || src == isa::DataType::kU8) return bits;
  switch (rng() % 16) {
    case 0:
      return bits;
    case 1:
      return bits & 0x807FFFFF;  // subnormal
    default:
      return (bits & 0x807FFFFF) | static_cast<uint32_t>(120 + rng() % 16) << 23;
  }
}

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

}  // namespace

config::ChipConfig cube_config(uint64_t cpf_fp16, uint64_t cpf_bf16, uint64_t cpf_int8,
                               uint64_t startup) {
  config::ChipConfig c;
  c.cube.startup_cycles = startup;
  c.cube.fp16.cycles_per_fractal = cpf_fp16;
  c.cube.bf16.cycles_per_fractal = cpf_bf16;
  c.cube.int8.cycles_per_fractal = cpf_int8;
  c.cube.int8.k0 = 32;
  c.cube.fp32.enabled = false;
  return c;
}

config::ChipConfig random_cube_config(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto cpf = [&rng]() -> uint64_t {
    return rng() % 16 == 0 ? 1 + rng() % sim::kRtlCubeMaxCyclesPerFractal : 1 + rng() % 20;
  };
  const uint64_t fp16 = cpf();
  const uint64_t bf16 = cpf();
  const uint64_t int8 = cpf();
  return cube_config(fp16, bf16, int8, rng() % (sim::kRtlCubeMaxStartupCycles + 1));
}

std::string describe_cube_timing(const config::ChipConfig& config) {
  return fmt::format("cycles per fractal fp16 {}, bf16 {}, int8 {}, startup {}",
                     config.cube.fp16.cycles_per_fractal, config.cube.bf16.cycles_per_fractal,
                     config.cube.int8.cycles_per_fractal, config.cube.startup_cycles);
}

std::vector<CubeTransaction> random_cube_transactions(uint64_t seed, size_t count,
                                                      const config::ChipConfig& config) {
  std::mt19937_64 rng(seed);
  std::vector<CubeTransaction> stream(count);
  uint64_t request = 1;
  for (CubeTransaction& t : stream) {
    constexpr isa::DataType kTypes[] = {isa::DataType::kF16, isa::DataType::kBf16,
                                        isa::DataType::kS8, isa::DataType::kU8};
    t.src = kTypes[rng() % 4];
    const bool integer = t.src == isa::DataType::kS8 || t.src == isa::DataType::kU8;
    const uint32_t k0 = integer ? 32 : 16;
    const size_t k1 = 1 + rng() % 3;
    t.zero_init = rng() % 2 == 0;
    t.last_k = rng() % 4 == 0 ? static_cast<uint32_t>(rng() % (k0 + 1)) : k0;
    const bool specials = rng() % 4 == 0;
    t.a.resize(k1);
    t.b.resize(k1);
    for (size_t f = 0; f < k1; ++f) {
      for (auto* fractal : {&t.a[f], &t.b[f]}) {
        for (size_t e = 0; e < 256; ++e) {
          uint8_t* p = fractal->data() + e * 2;
          if (integer) {
            put16(p, static_cast<uint16_t>(rng()));
          } else if (t.src == isa::DataType::kF16) {
            put16(p, random_fp16(rng, specials));
          } else {
            put16(p, random_bf16(rng, specials));
          }
        }
      }
    }
    for (size_t e = 0; e < 256; ++e) {
      const uint32_t v = random_c0(rng, t.src);
      for (int i = 0; i < 4; ++i) t.c0[e * 4 + i] = static_cast<uint8_t>(v >> (8 * i));
    }
    // Back to back (the request long passed), or after an idle stretch.
    const uint64_t occupancy = sim::cube_timing(config, t.src, k1).occupancy;
    request += rng() % 3 == 0 ? rng() % (2 * occupancy + config.cube.startup_cycles + 2) : 0;
    t.request = request;
  }
  return stream;
}

void space_requests(std::vector<CubeTransaction>& stream, uint64_t gap) {
  uint64_t request = 1;
  for (CubeTransaction& t : stream) {
    t.request = request;
    request += gap;
  }
}

std::array<uint8_t, 1024> cpp_cube_result(const CubeTransaction& t) {
  const bool integer = t.src == isa::DataType::kS8 || t.src == isa::DataType::kU8;
  std::vector<uint8_t> a(t.a.size() * 512);
  std::vector<uint8_t> b(t.b.size() * 512);
  for (size_t f = 0; f < t.a.size(); ++f) {
    std::copy(t.a[f].begin(), t.a[f].end(), a.begin() + static_cast<std::ptrdiff_t>(f * 512));
    std::copy(t.b[f].begin(), t.b[f].end(), b.begin() + static_cast<std::ptrdiff_t>(f * 512));
  }
  std::array<uint8_t, 1024> c = t.c0;
  sim::CubeJob job;
  job.src = t.src;
  job.m1 = 1;
  job.n1 = 1;
  job.k1 = t.a.size();
  job.k0 = integer ? 32 : 16;
  job.last_k = t.last_k;
  job.init = t.zero_init ? isa::MmadInit::kZero : isa::MmadInit::kAccumulate;
  job.a = a.data();
  job.b = b.data();
  job.c = c.data();
  sim::cpp_cube_backend().run(job);
  return c;
}

}  // namespace npu::rtl_test
