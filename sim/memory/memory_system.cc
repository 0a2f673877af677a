// Timing of GM-facing transfers: latency, the path's rate with the small-transfer efficiency,
// the core's NoC port, the L2 tag array and the chip-wide L2 and HBM bandwidth, shared by
// reservation in bandwidth calendars. The model and its limits: docs/memory-model.md.
#include "sim/memory/memory_system.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "base/error.h"
#include "config/derived.h"
#include "sim/memory/bandwidth_calendar.h"
#include "sim/memory/data_paths.h"
#include "sim/memory/l2_cache.h"

namespace npu::sim {
namespace {

// Whole cycles from a fractional time; the tolerance keeps 100.0000000001 at 100.
Cycle to_cycle(double time) { return static_cast<Cycle>(std::ceil(time - 1e-6)); }

}  // namespace

class MemorySystem::Impl {
 public:
  Impl(const config::ChipConfig& config, uint32_t cores)
      : m_config(config),
        m_line(config.l2.line_bytes),
        m_l2(config.l2.capacity_bytes, config.l2.line_bytes, config.l2.ways, config.l2.policy),
        m_l2_bandwidth(config.l2.bytes_per_cycle),
        m_hbm_bandwidth(config::derive(config).hbm_bytes_per_cycle) {
    NPU_CHECK(cores > 0, "a chip has at least one core");
    m_ports.reserve(cores);
    for (uint32_t i = 0; i < cores; ++i) m_ports.emplace_back(config.noc.core_port_bytes_per_cycle);
  }

  // One transfer through the port of `core`: `latency` cycles before the first byte flows,
  // then at most `rate` bytes per cycle of the transfer's own (path x efficiency, port).
  TransferTiming move(uint32_t core, Cycle start, const GmPattern& gm, bool write,
                      Cycle fixed_latency, double rate, bool posted) {
    NPU_CHECK(core < m_ports.size(), "core index beyond the chip's cores");
    // No later call starts before `start`: drop the buckets behind it in what this one uses.
    const double now = static_cast<double>(start);
    m_ports[core].forget_before(now);
    m_l2_bandwidth.forget_before(now);
    m_hbm_bandwidth.forget_before(now);
    const uint64_t bytes = gm.bytes();
    if (bytes == 0) return {start + fixed_latency, start + fixed_latency};

    uint64_t misses = 0;
    uint64_t writebacks = 0;
    for_each_line(gm, [&](uint64_t line) {
      const L2Cache::Outcome outcome = m_l2.access(line, write);
      if (outcome.hit) {
        ++m_stats.l2_hits;
      } else {
        ++m_stats.l2_misses;
        if (!write) ++misses;  // a write miss allocates without reading (write-validate)
      }
      if (outcome.writeback) ++writebacks;
    });
    m_stats.l2_writebacks += writebacks;
    m_stats.hbm_read_bytes += misses * m_line;
    m_stats.hbm_write_bytes += writebacks * m_line;

    // Reads wait for the request to reach L2 and the data to come back; writes are posted:
    // the core is done when its last byte has left through the port.
    Cycle latency = fixed_latency;
    if (!posted) {
      latency += m_config.noc.latency_cycles + m_config.l2.hit_latency_cycles;
      if (misses > 0) latency += m_config.hbm.latency_cycles;
    }
    const double flow_start = static_cast<double>(start + latency);
    const double data = static_cast<double>(bytes);
    const double hbm_bytes = static_cast<double>((misses + writebacks) * m_line);
    const double own_rate = std::min(rate, m_config.noc.core_port_bytes_per_cycle);

    const double idle = std::max({data / own_rate, data / m_l2_bandwidth.bytes_per_cycle(),
                                  hbm_bytes / m_hbm_bandwidth.bytes_per_cycle()});
    TransferTiming timing;
    timing.uncontended = to_cycle(flow_start + idle);
    double finish = m_ports[core].reserve(flow_start, data, own_rate);
    finish = std::max(finish, m_l2_bandwidth.reserve(flow_start, data, own_rate));
    if (hbm_bytes > 0) {
      finish = std::max(finish, m_hbm_bandwidth.reserve(flow_start, hbm_bytes,
                                                        own_rate * hbm_bytes / data));
    }
    timing.done = std::max(timing.uncontended, to_cycle(finish));
    return timing;
  }

  TransferTiming transfer(uint32_t core, isa::DataPath path, Cycle start, const GmPattern& gm,
                          bool write) {
    NPU_CHECK(reads_gm(path) || writes_gm(path), "transfer() is for GM-facing paths");
    NPU_CHECK(write == writes_gm(path), "a GM-facing path either reads or writes GM");
    const config::DataPath& p = path_config(m_config, path);
    double rate = p.bytes_per_cycle;
    // The efficiency curve was measured on MTE2 reads; fixpipe and MTE3 writes reach their
    // peak from about 11 KB (reference §1.4), so writes run at the path's rate.
    if (!write) {
      rate *= std::clamp(m_config.mte.gm_efficiency.at(static_cast<double>(gm.bytes())), 1e-3,
                         1.0);
    }
    return move(core, start, gm, write, p.latency_cycles, rate, write);
  }

  TransferTiming fetch(uint32_t core, Cycle start, uint64_t address, uint64_t bytes) {
    const GmPattern gm{address, 1, bytes, bytes};
    return move(core, start, gm, false, 0, m_config.noc.core_port_bytes_per_cycle, false);
  }

  Cycle local_transfer_cycles(isa::DataPath path, uint64_t bytes) const {
    const config::DataPath& p = path_config(m_config, path);
    return p.latency_cycles + to_cycle(static_cast<double>(bytes) / p.bytes_per_cycle);
  }

  const MemoryStats& stats() const { return m_stats; }

 private:
  // Calls `visit(line)` for every L2 line the pattern touches, burst by burst; a line shared
  // by consecutive bursts is visited once.
  template <class Visit>
  void for_each_line(const GmPattern& gm, Visit visit) const {
    bool any = false;
    uint64_t previous = 0;
    for (uint64_t i = 0; i < gm.count; ++i) {
      const uint64_t begin = gm.address + i * gm.stride;
      const uint64_t first = begin / m_line;
      const uint64_t last = (begin + gm.length - 1) / m_line;
      for (uint64_t line = first; line <= last; ++line) {
        if (any && line == previous) continue;
        visit(line);
        any = true;
        previous = line;
      }
    }
  }

  const config::ChipConfig m_config;  // a copy: the caller's may not outlive this
  uint64_t m_line;
  L2Cache m_l2;
  BandwidthCalendar m_l2_bandwidth;
  BandwidthCalendar m_hbm_bandwidth;
  std::vector<BandwidthCalendar> m_ports;
  MemoryStats m_stats;
};

MemorySystem::MemorySystem(const config::ChipConfig& config, uint32_t cores)
    : m_impl(std::make_unique<Impl>(config, cores)) {}

MemorySystem::~MemorySystem() = default;

TransferTiming MemorySystem::transfer(uint32_t core, isa::DataPath path, Cycle start,
                                      const GmPattern& gm, bool write) {
  return m_impl->transfer(core, path, start, gm, write);
}

TransferTiming MemorySystem::fetch(uint32_t core, Cycle start, uint64_t address, uint64_t bytes) {
  return m_impl->fetch(core, start, address, bytes);
}

Cycle MemorySystem::local_transfer_cycles(isa::DataPath path, uint64_t bytes) const {
  return m_impl->local_transfer_cycles(path, bytes);
}

const MemoryStats& MemorySystem::stats() const { return m_impl->stats(); }

}  // namespace npu::sim
