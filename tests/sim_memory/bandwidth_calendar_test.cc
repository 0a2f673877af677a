// The bandwidth calendar alone: one reservation, streams sharing the rate, gaps reused.
#include "sim/memory/bandwidth_calendar.h"

#include <gtest/gtest.h>

namespace npu::sim {
namespace {

TEST(BandwidthCalendar, IdleResourceRunsAtTheTransfersOwnRate) {
  BandwidthCalendar c(64);
  // 4096 bytes at 32 B/cycle from cycle 10: 128 cycles.
  EXPECT_DOUBLE_EQ(c.reserve(10, 4096, 32), 138);
}

TEST(BandwidthCalendar, CapAboveTheResourceRateIsTheResourceRate) {
  BandwidthCalendar c(64);
  EXPECT_DOUBLE_EQ(c.reserve(0, 4096, 1000), 64);
}

TEST(BandwidthCalendar, TwoStreamsThatFitTogetherDoNotSlowEachOther) {
  BandwidthCalendar c(64);
  EXPECT_DOUBLE_EQ(c.reserve(0, 8192, 32), 256);
  EXPECT_DOUBLE_EQ(c.reserve(0, 8192, 32), 256);
}

TEST(BandwidthCalendar, ASecondFullRateStreamWaitsForTheFirst) {
  BandwidthCalendar c(64);
  EXPECT_DOUBLE_EQ(c.reserve(0, 8192, 64), 128);
  EXPECT_DOUBLE_EQ(c.reserve(0, 8192, 64), 256);
}

TEST(BandwidthCalendar, ALaterStreamUsesTheGapARateLimitedOneLeaves) {
  BandwidthCalendar c(64);
  // 16 B/cycle for 1024 cycles leaves 48 B/cycle free; a stream arriving at cycle 300 takes it.
  EXPECT_DOUBLE_EQ(c.reserve(0, 16384, 16), 1024);
  EXPECT_DOUBLE_EQ(c.reserve(300, 4800, 48), 400);
}

TEST(BandwidthCalendar, BackToBackReservationsDoNotLoseTime) {
  BandwidthCalendar c(64);
  EXPECT_DOUBLE_EQ(c.reserve(0, 640, 64), 10);
  EXPECT_DOUBLE_EQ(c.reserve(10, 640, 64), 20);
  EXPECT_DOUBLE_EQ(c.reserve(20, 6400, 64), 120);
}

TEST(BandwidthCalendar, ForgottenBucketsAreNotReservedAgain) {
  BandwidthCalendar c(64);
  c.forget_before(1000);
  // A call before the forgotten horizon starts at the oldest bucket kept, 1 x 128 cycles in.
  EXPECT_DOUBLE_EQ(c.reserve(0, 640, 64), 7 * 128 + 10);
}

}  // namespace
}  // namespace npu::sim
