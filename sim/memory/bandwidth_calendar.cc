// Reservation in a bucketed bandwidth calendar; see bandwidth_calendar.h for the model.
#include "sim/memory/bandwidth_calendar.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "base/error.h"

namespace npu::sim {
namespace {

// Rates and amounts below this are treated as zero (floating-point noise).
constexpr double kTiny = 1e-9;

struct Segment {
  double begin;
  double end;
  double rate;  // bytes per cycle the resource has left in [begin, end)
};

}  // namespace

BandwidthCalendar::BandwidthCalendar(double bytes_per_cycle) : m_rate(bytes_per_cycle) {
  NPU_CHECK(bytes_per_cycle > 0, "a shared resource needs a positive bandwidth");
}

double BandwidthCalendar::reserve(double from, double bytes, double cap) {
  NPU_CHECK(cap > 0, "a transfer needs a positive rate");
  if (bytes <= kTiny) return from;
  const double rate_cap = std::min(cap, m_rate);
  // Calls arrive in time order, so `from` is never before the forgotten buckets; if a caller
  // breaks that, the reservation starts at the oldest bucket kept (pessimistic, never earlier).
  double t = std::max(from, static_cast<double>(m_base) * kBucketCycles);
  uint64_t index = static_cast<uint64_t>(std::floor(t / kBucketCycles));
  double remaining = bytes;
  while (true) {
    while (index - m_base >= m_buckets.size()) m_buckets.emplace_back();
    Bucket& bucket = m_buckets[index - m_base];
    const double bucket_end = static_cast<double>(index + 1) * kBucketCycles;
    // Free before and after the span earlier reservations cover; inside it, what they left.
    double busy_rate = 0;
    double span_begin = bucket_end;
    double span_end = bucket_end;
    if (bucket.used > kTiny && bucket.end - bucket.begin > kTiny) {
      span_begin = bucket.begin;
      span_end = bucket.end;
      busy_rate = bucket.used / (bucket.end - bucket.begin);
    }
    const std::array<Segment, 3> segments{{{t, span_begin, m_rate},
                                           {std::max(t, span_begin), span_end, m_rate - busy_rate},
                                           {std::max(t, span_end), bucket_end, m_rate}}};
    double placed = 0;
    double first = -1;
    double last = t;
    bool done = false;
    for (const Segment& s : segments) {
      const double length = s.end - s.begin;
      const double rate = std::min(rate_cap, s.rate);
      if (length <= kTiny || rate <= kTiny) continue;
      if (first < 0) first = s.begin;
      const double amount = rate * length;
      if (remaining <= amount) {
        last = s.begin + remaining / rate;
        placed += remaining;
        done = true;
        break;
      }
      placed += amount;
      remaining -= amount;
      last = s.end;
    }
    if (placed > 0) {
      if (bucket.used <= kTiny) {
        bucket.begin = first;
        bucket.end = last;
      } else {
        bucket.begin = std::min(bucket.begin, first);
        bucket.end = std::max(bucket.end, last);
      }
      bucket.used += placed;
    }
    if (done) return last;
    ++index;
    t = bucket_end;
  }
}

void BandwidthCalendar::forget_before(double time) {
  const uint64_t keep_from = static_cast<uint64_t>(std::floor(time / kBucketCycles));
  while (m_base < keep_from && !m_buckets.empty()) {
    m_buckets.pop_front();
    ++m_base;
  }
  if (m_buckets.empty() && m_base < keep_from) m_base = keep_from;
}

}  // namespace npu::sim
