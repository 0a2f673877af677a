// The img2col (load3d) address generator: the block that walks the destination fractals of a
// load3d in L0A order and says, for every 32-byte destination row, which 32-byte row of the L1
// feature map (C1HWC0) it copies or that it is padding. load_exec.cc moves the data with it;
// rtl/ builds a Verilog version of exactly this block and cross-checks it transaction by
// transaction.
//
// The img2col matrix (docs/sim-exec.md, "load3d"): row m is output position (oh, ow) with
// m = oh * OW + ow; column k = ((c1 * FH + kh) * FW + kw) * C0 + c0. Its element is the feature
// map at (c1, ih, iw, c0) with ih = oh * stride_h - pad_top + kh * dilation_h (iw likewise), or
// the padding value when (ih, iw) is outside the map, and 0 when m >= OH * OW.
// The destination holds rows m_start .. m_start + m_extension - 1 and columns k_start ..
// k_start + k_extension - 1 in ZZ layout: fractal (i, j) of 16 rows x C0 columns at
// (i * K1 + j) * 512 bytes, K1 = k_extension / C0, rows of 32 bytes inside. The caller
// guarantees the parameters load_exec.cc checks (multiples, k_start + k_extension <= K).
//
// Transaction-level interface: parameters in (constructor), one Img2colRow per next(), in
// destination order (fractal by fractal in ZZ order, 16 rows each), so dst_offset grows by 32
// each time. Cycle behaviour: one row per cycle, (m_extension / 16) * K1 * 16 cycles in all.
#pragma once

#include <cstdint>

namespace npu::sim {

struct Img2colParams {
  uint32_t fm_width = 1, fm_height = 1;  // W, H of the feature map
  uint32_t pad_left = 0, pad_right = 0, pad_top = 0, pad_bottom = 0;
  uint32_t stride_w = 1, stride_h = 1;
  uint32_t filter_w = 1, filter_h = 1;
  uint32_t dilation_w = 1, dilation_h = 1;
  uint32_t channels = 16;                  // multiple of c0
  uint32_t c0 = 16;                        // elements per 32-byte row
  uint32_t m_start = 0, m_extension = 16;  // multiples of 16
  uint32_t k_start = 0, k_extension = 16;  // multiples of c0

  // Output size of the convolution; 0 when the filter does not fit the padded map.
  uint64_t out_height() const;
  uint64_t out_width() const;
};

// Where a destination row's 32 bytes come from.
enum class Img2colSource : uint8_t {
  kFeatureMap,  // the L1 row at src_offset
  kPadding,     // the padding value (the position is in the padding around the map)
  kZero,        // zeros (row m beyond the img2col matrix, m >= Ho * Wo)
};

struct Img2colRow {
  uint64_t dst_offset = 0;  // bytes from the destination address
  uint64_t src_offset = 0;  // bytes from the feature map address; 0 unless kFeatureMap
  Img2colSource source = Img2colSource::kFeatureMap;
  bool operator==(const Img2colRow&) const = default;
};

class Img2colAddressGen {
 public:
  explicit Img2colAddressGen(const Img2colParams& params);

  bool done() const { return m_index >= m_total; }
  // The next destination row. Precondition: !done().
  Img2colRow next();
  uint64_t rows() const { return m_total; }

 private:
  Img2colParams m_p;
  uint64_t m_out_h, m_out_w;
  uint64_t m_k_blocks;  // K1 of the destination
  uint64_t m_total;
  uint64_t m_index = 0;
};

}  // namespace npu::sim
