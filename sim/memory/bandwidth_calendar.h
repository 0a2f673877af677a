// Bandwidth of one shared resource (a core's NoC port, the chip's L2, HBM) over simulated time,
// as a calendar of fixed-width buckets. Transfers reserve bytes in it in the order their calls
// arrive (simulated-time order), each in the capacity earlier reservations left.
//
// Why a calendar and not one "next free cycle" per resource: a transfer limited by its own
// path (one core reading at 180 B/cycle from an HBM that delivers 620) uses only part of the
// resource while it runs. A single next-free cycle cannot describe that gap, so a second core
// arriving a few cycles later would queue behind the whole first transfer. Buckets keep how
// much of each window is used and over which span, so concurrent streams share the rate.
#pragma once

#include <cstdint>
#include <deque>

namespace npu::sim {

class BandwidthCalendar {
 public:
  // Width of one bucket in cycles: wide enough that a transfer spans few buckets (its cost
  // grows with buckets, see docs/memory-model.md), narrow enough to see contention at the
  // scale of one transfer.
  static constexpr double kBucketCycles = 128.0;

  explicit BandwidthCalendar(double bytes_per_cycle);

  // Reserves `bytes` starting at time `from`, at most `cap` bytes per cycle for this transfer,
  // in what earlier reservations left; returns the time the last byte is through. Within a
  // bucket, earlier use is taken as spread evenly over the span it was placed in.
  double reserve(double from, double bytes, double cap);

  // Drops the buckets that end at or before `time`: no later call starts before it.
  void forget_before(double time);

  double bytes_per_cycle() const { return m_rate; }

 private:
  struct Bucket {
    double used = 0;   // bytes reserved in this bucket
    double begin = 0;  // span of time the reservations cover (valid when used > 0)
    double end = 0;
  };

  double m_rate;
  uint64_t m_base = 0;          // bucket index of m_buckets.front()
  std::deque<Bucket> m_buckets;
};

}  // namespace npu::sim
