// The rounding step shared by every conversion, mode by mode, on the examples of
// docs/numerics.md; and the vconv suffix names.
#include <gtest/gtest.h>

#include <cstdint>

#include "numerics/rounding.h"

namespace npu::numerics {
namespace {

using R = RoundingMode;

// Rounds the magnitude q + fraction, fraction in quarters (0, 1, 2 = half, 3), with the sign.
template <RoundingMode kMode>
uint32_t round_quarters(uint32_t q, int quarters, bool negative) {
  return detail::round_magnitude<kMode>(q, negative, quarters >= 2, quarters == 1 || quarters == 3);
}

uint32_t round_quarters(RoundingMode mode, uint32_t q, int quarters, bool negative) {
  return with_rounding_mode(
      mode, [&](auto m) { return round_quarters<decltype(m)::value>(q, quarters, negative); });
}

TEST(Rounding, EveryModeOnTheDocumentedExamples) {
  struct Case {
    uint32_t q;
    int quarters;
    bool negative;
    uint32_t rint, floor, ceil, away, zero, odd;
  };
  // Magnitudes 2.25, 2.5, 2.75, 3.5, 2.0 (exact) and 3.25, each positive and negative.
  const Case cases[] = {
      {2, 1, false, 2, 2, 3, 2, 2, 3}, {2, 1, true, 2, 3, 2, 2, 2, 3},
      {2, 2, false, 2, 2, 3, 3, 2, 3}, {2, 2, true, 2, 3, 2, 3, 2, 3},
      {2, 3, false, 3, 2, 3, 3, 2, 3}, {2, 3, true, 3, 3, 2, 3, 2, 3},
      {3, 2, false, 4, 3, 4, 4, 3, 3}, {3, 2, true, 4, 4, 3, 4, 3, 3},
      {2, 0, false, 2, 2, 2, 2, 2, 2}, {2, 0, true, 2, 2, 2, 2, 2, 2},
      {3, 1, false, 3, 3, 4, 3, 3, 3}, {3, 1, true, 3, 4, 3, 3, 3, 3},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(round_quarters(R::kRint, c.q, c.quarters, c.negative), c.rint);
    EXPECT_EQ(round_quarters(R::kFloor, c.q, c.quarters, c.negative), c.floor);
    EXPECT_EQ(round_quarters(R::kCeil, c.q, c.quarters, c.negative), c.ceil);
    EXPECT_EQ(round_quarters(R::kAway, c.q, c.quarters, c.negative), c.away);
    EXPECT_EQ(round_quarters(R::kZero, c.q, c.quarters, c.negative), c.zero);
    EXPECT_EQ(round_quarters(R::kOdd, c.q, c.quarters, c.negative), c.odd);
  }
}

TEST(Rounding, OverflowRule) {
  EXPECT_TRUE(detail::overflows_to_inf<R::kRint>(false));
  EXPECT_TRUE(detail::overflows_to_inf<R::kAway>(true));
  EXPECT_FALSE(detail::overflows_to_inf<R::kZero>(false));
  EXPECT_FALSE(detail::overflows_to_inf<R::kOdd>(true));
  EXPECT_FALSE(detail::overflows_to_inf<R::kFloor>(false));
  EXPECT_TRUE(detail::overflows_to_inf<R::kFloor>(true));
  EXPECT_TRUE(detail::overflows_to_inf<R::kCeil>(false));
  EXPECT_FALSE(detail::overflows_to_inf<R::kCeil>(true));
}

TEST(Rounding, SuffixesAndNames) {
  const char suffixes[] = {'r', 'f', 'c', 'a', 'z', 'o'};
  const char* names[] = {"rint", "floor", "ceil", "away", "zero", "odd"};
  for (int i = 0; i < 6; ++i) {
    const RoundingMode mode = kAllRoundingModes[i];
    EXPECT_EQ(rounding_mode_suffix(mode), suffixes[i]);
    EXPECT_EQ(rounding_mode_name(mode), names[i]);
    EXPECT_EQ(rounding_mode_from_suffix(suffixes[i]), mode);
  }
  EXPECT_EQ(rounding_mode_from_suffix('x'), std::nullopt);
  EXPECT_EQ(rounding_mode_from_suffix('R'), std::nullopt);
}

static_assert(rounding_mode_from_suffix('o') == RoundingMode::kOdd);

}  // namespace
}  // namespace npu::numerics
