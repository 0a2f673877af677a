// Img2colAddressGen: see the header for the matrix and the order of the rows.
#include "sim/exec/img2col_address_gen.h"

namespace npu::sim {
namespace {

uint64_t out_size(uint64_t in, uint64_t pad_a, uint64_t pad_b, uint64_t filter, uint64_t dilation,
                  uint64_t stride) {
  const uint64_t padded = in + pad_a + pad_b;
  const uint64_t span = dilation * (filter - 1) + 1;
  return padded < span ? 0 : (padded - span) / stride + 1;
}

}  // namespace

uint64_t Img2colParams::out_height() const {
  return out_size(fm_height, pad_top, pad_bottom, filter_h, dilation_h, stride_h);
}

uint64_t Img2colParams::out_width() const {
  return out_size(fm_width, pad_left, pad_right, filter_w, dilation_w, stride_w);
}

Img2colAddressGen::Img2colAddressGen(const Img2colParams& params)
    : m_p(params),
      m_out_h(params.out_height()),
      m_out_w(params.out_width()),
      m_k_blocks(params.k_extension / params.c0),
      m_total(uint64_t{params.m_extension / 16} * m_k_blocks * 16) {}

Img2colRow Img2colAddressGen::next() {
  const uint64_t row_in_fractal = m_index % 16;
  const uint64_t fractal = m_index / 16;
  const uint64_t m1 = fractal / m_k_blocks;
  const uint64_t k1 = fractal % m_k_blocks;
  Img2colRow row;
  row.dst_offset = m_index * 32;
  ++m_index;

  const uint64_t m = m_p.m_start + m1 * 16 + row_in_fractal;
  const uint64_t kb = m_p.k_start / m_p.c0 + k1;
  if (m >= m_out_h * m_out_w) {
    row.source = Img2colSource::kZero;
    return row;
  }
  const uint64_t oh = m / m_out_w;
  const uint64_t ow = m % m_out_w;
  const uint64_t kw = kb % m_p.filter_w;
  const uint64_t kh = kb / m_p.filter_w % m_p.filter_h;
  const uint64_t c1 = kb / (uint64_t{m_p.filter_w} * m_p.filter_h);
  // Signed: the padded positions are negative.
  const int64_t ih = static_cast<int64_t>(oh * m_p.stride_h + kh * m_p.dilation_h) -
                     static_cast<int64_t>(m_p.pad_top);
  const int64_t iw = static_cast<int64_t>(ow * m_p.stride_w + kw * m_p.dilation_w) -
                     static_cast<int64_t>(m_p.pad_left);
  if (ih < 0 || iw < 0 || ih >= static_cast<int64_t>(m_p.fm_height) ||
      iw >= static_cast<int64_t>(m_p.fm_width)) {
    row.source = Img2colSource::kPadding;
    return row;
  }
  row.src_offset = ((c1 * m_p.fm_height + static_cast<uint64_t>(ih)) * m_p.fm_width +
                    static_cast<uint64_t>(iw)) *
                   32;
  return row;
}

}  // namespace npu::sim
