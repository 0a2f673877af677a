// The L2 tag array: hits, misses, LRU and FIFO victims, dirty lines and write-backs.
#include "sim/memory/l2_cache.h"

#include <gtest/gtest.h>

namespace npu::sim {
namespace {

using config::ReplacementPolicy;

// One set of two ways: lines 0, 1, 2 all map to it.
L2Cache two_way(ReplacementPolicy policy) { return L2Cache(128, 64, 2, policy); }

TEST(L2Cache, GeometryFromCapacityLineAndWays) {
  const L2Cache c(192ull << 20, 512, 16, ReplacementPolicy::kLru);
  EXPECT_EQ(c.sets(), 24576u);
  EXPECT_EQ(c.ways(), 16u);
}

TEST(L2Cache, FirstAccessMissesThenHits) {
  L2Cache c = two_way(ReplacementPolicy::kLru);
  EXPECT_FALSE(c.access(7, false).hit);
  EXPECT_TRUE(c.access(7, false).hit);
  EXPECT_TRUE(c.contains(7));
  EXPECT_FALSE(c.contains(8));
}

TEST(L2Cache, LruEvictsTheLeastRecentlyUsedLine) {
  L2Cache c = two_way(ReplacementPolicy::kLru);
  c.access(0, false);
  c.access(1, false);
  EXPECT_TRUE(c.access(0, false).hit);  // 0 is now the most recently used
  EXPECT_FALSE(c.access(2, false).hit);
  EXPECT_TRUE(c.contains(0));
  EXPECT_FALSE(c.contains(1));
  EXPECT_TRUE(c.contains(2));
}

TEST(L2Cache, FifoEvictsTheOldestFilledLineEvenIfRecentlyUsed) {
  L2Cache c = two_way(ReplacementPolicy::kFifo);
  c.access(0, false);
  c.access(1, false);
  EXPECT_TRUE(c.access(0, false).hit);  // a hit does not renew a FIFO line
  EXPECT_FALSE(c.access(2, false).hit);
  EXPECT_FALSE(c.contains(0));
  EXPECT_TRUE(c.contains(1));
  EXPECT_TRUE(c.contains(2));
}

TEST(L2Cache, DirtyLineIsWrittenBackWhenEvicted) {
  L2Cache c = two_way(ReplacementPolicy::kLru);
  const L2Cache::Outcome write = c.access(0, true);
  EXPECT_FALSE(write.hit);
  EXPECT_FALSE(write.writeback);
  EXPECT_TRUE(c.dirty(0));
  c.access(1, false);
  const L2Cache::Outcome evict = c.access(2, false);  // evicts 0, the least recently used
  EXPECT_FALSE(evict.hit);
  EXPECT_TRUE(evict.writeback);
  const L2Cache::Outcome clean = c.access(3, false);  // evicts 1, clean
  EXPECT_FALSE(clean.writeback);
}

TEST(L2Cache, WriteHitMakesACleanLineDirty) {
  L2Cache c = two_way(ReplacementPolicy::kLru);
  c.access(5, false);
  EXPECT_FALSE(c.dirty(5));
  EXPECT_TRUE(c.access(5, true).hit);
  EXPECT_TRUE(c.dirty(5));
}

TEST(L2Cache, LinesMapToSetsByLineNumberModuloSets) {
  // Two sets of one way: lines 0 and 2 share set 0, line 1 is alone in set 1.
  L2Cache c(128, 64, 1, ReplacementPolicy::kLru);
  c.access(0, false);
  c.access(1, false);
  c.access(2, false);
  EXPECT_FALSE(c.contains(0));
  EXPECT_TRUE(c.contains(1));
  EXPECT_TRUE(c.contains(2));
}

}  // namespace
}  // namespace npu::sim
