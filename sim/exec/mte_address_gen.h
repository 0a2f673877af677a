// The MTE burst / stride address generator: the block that turns a burst copy's parameters
// into the sequence of bursts the MTE issues. The burst copies, the pad copies, ND -> NZ and
// the fixpipe's ND writes all run through it, and rtl/ builds a Verilog version of exactly this
// block that a Verilator harness compares with it transaction by transaction.
//
// Transaction-level interface: parameters in (constructor), one MteBurst out per next().
// Cycle behaviour: the generator issues one burst per cycle; burst i is available in cycle i
// after the parameters are loaded, and done() is true from cycle nburst on. The datapath is a
// burst counter and two address accumulators (src += src_stride, dst += dst_stride): adders
// only, no multiplier.
#pragma once

#include <cstdint>

namespace npu::sim {

// Strides are start-to-start distances in bytes (a gap-based copy passes length + gap).
struct MteAddressParams {
  uint64_t src = 0;
  uint64_t dst = 0;
  uint64_t nburst = 1;
  uint64_t burst_bytes = 0;
  uint64_t src_stride = 0;
  uint64_t dst_stride = 0;
};

struct MteBurst {
  uint64_t src = 0;
  uint64_t dst = 0;
  uint64_t bytes = 0;
  bool operator==(const MteBurst&) const = default;
};

class MteAddressGen {
 public:
  explicit MteAddressGen(const MteAddressParams& params)
      : m_params(params), m_src(params.src), m_dst(params.dst) {}

  bool done() const { return m_index >= m_params.nburst; }
  // The next burst. Precondition: !done().
  MteBurst next() {
    const MteBurst burst{m_src, m_dst, m_params.burst_bytes};
    m_src += m_params.src_stride;
    m_dst += m_params.dst_stride;
    ++m_index;
    return burst;
  }
  uint64_t index() const { return m_index; }

  // Closed forms for describe(): bytes from the first burst's start to the last burst's end,
  // on each side (the bounding interval of the operand). nburst >= 1.
  static uint64_t src_extent(const MteAddressParams& p) {
    return (p.nburst - 1) * p.src_stride + p.burst_bytes;
  }
  static uint64_t dst_extent(const MteAddressParams& p) {
    return (p.nburst - 1) * p.dst_stride + p.burst_bytes;
  }

 private:
  MteAddressParams m_params;
  uint64_t m_src;
  uint64_t m_dst;
  uint64_t m_index = 0;
};

}  // namespace npu::sim
