// Tiling of a conv2d (img2col on load3d) by an analytical cost model built from the chip config.
// An output tile is `rows` whole output rows (all Wo columns) of one image and one group, by
// `nt` output channels; small maps fold `images` whole images into one tile (their img2col
// matrices stacked in M), so each weight byte feeds more MACs. The images of such a tile are
// stacked in one feature map, `stack_gap()` zero rows apart (the rows serve as the bottom
// padding of one image and the top padding of the next), so one load3d produces their img2col
// rows back to back: M is padded to 16 once per tile, not once per image; the output rows
// that straddle two images (stack_gap() / stride of them between images) are computed and
// dropped. Two ways to walk its img2col K
// dimension (columns (c1, kh, kw, c0)):
//  * streamed: a K step is `blocks` whole channel blocks (blocks x r x s x C0 columns); the
//    step's slab of the band's input rows for those channels goes GM -> L1 double buffered, so
//    feature-map loads overlap the cube like the weights do;
//  * resident: the band's slab of all channels of the group is loaded once per tile, and K
//    steps of `kt` columns (any multiple of C0, so a large r x s fits small L0A) walk it;
//    when two slabs fit L1 next to the weights (which must be in L1, or their GM -> L0B loads
//    would queue behind the slab's on MTE2) the slab is double buffered over a core's tiles:
//    the next tile's slab loads under this tile's K steps (prefetch_by_two), so only a core's
//    first slab waits.
//  * pieces: the tile's slab of all channels is cut into pieces of `blocks` channel blocks
//    that alternate between two L1 tiles; piece 0 loads before the first K step, piece p + 1
//    copy by copy (one image, or its zero gap, per step) during piece p's K steps, so only the
//    first piece is waited for and the rest hide under the cube like the weights (MTE2 runs
//    one copy at a time: a whole slab queued there would hold up the weights). A K step of
//    `kt` columns (the weights' GM -> L0B copy) may be cut into kt / mmad_k load3d / mmad
//    pairs when L0A is too small for the whole step, so that the weight copies stay large
//    (GM reads reach their bandwidth only when large: mte.gm_efficiency). A piece's K steps
//    are even in number (the last piece's excepted), so L0B's ping-pong runs on across pieces.
// For every candidate that fits the buffers (L0A / L0B double buffered, L0C, UB on coupled
// chips, L1; plus a bias row's room in L1 and the bias table, or in UB) the model estimates
//   per K step: max(cube fractals, load3d bytes over L1 -> L0A, weight bytes over GM -> L0B,
//               streamed slab bytes over GM -> L1, scalar set-up),
//   per tile:   K steps + the exposed slab load (resident; with a double slab what the next
//               slab's load takes beyond the K steps, plus the first step's loads, which
//               nothing overlaps) + fixpipe write-out; a double slab adds one exposed load
//               per core (its first),
// where GM reads get the core's share of L2 and, for the feature map (read once from HBM),
// of HBM bandwidth; times the rounds of tiles over the cores; it keeps the cheapest. When every
// tile uses the same weights (one group, one block of output channels) and they fit L1 next to
// the slabs, they can be loaded into L1 once and go L1 -> L0B per step (MTE1, not MTE2).
// Any part of the tiling can be forced (ConvForce: the op spec's tile_rows, tile_images,
// tile_n, tile_k, slab and weights keys); the model then ranks only the tilings that agree, and
// says why none fits when none does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/chip_config.h"

namespace npu::compiler {

// The convolution of one group, as the kernel sees it (NHWC feature maps).
struct ConvShape {
  int64_t batch = 1, height = 1, width = 1;
  int64_t group_channels = 1;      // input channels per group (Cg)
  int64_t group_out_channels = 1;  // output channels per group (Kg)
  int64_t groups = 1;
  int64_t filter_h = 1, filter_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int64_t in_bytes = 2;   // bytes of an input element (2: fp16, 1: int8)
  int64_t out_bytes = 2;  // bytes of an output element
  bool bias = false;      // a bias row per tile (cube_bias.h: bias table, or UB on via-UB chips)

  int64_t c0() const { return 32 / in_bytes; }  // channels per 32-byte row
  int64_t channel_blocks() const { return (group_channels + c0() - 1) / c0(); }  // C1 of a group
  int64_t reduction() const { return channel_blocks() * filter_h * filter_w * c0(); }  // img2col K
  int64_t out_height() const;  // 0 when the dilated filter does not fit the padded input
  int64_t out_width() const;
  // Zero input rows between two images stacked in one feature map: at least the padding on
  // either side, and a whole number of strides per image so every image's output rows align.
  int64_t stack_gap() const;
  // Rows of the feature map of `images` stacked whole images (gaps included).
  int64_t stacked_rows(int64_t images) const {
    return images * (height + stack_gap()) - stack_gap();
  }
  // Output rows from one stacked image's first output row to the next one's.
  int64_t stacked_row_period() const { return (height + stack_gap()) / stride_h; }
  // img2col rows of `images` stacked images: their output pixels and the dropped rows between.
  int64_t stacked_pixels(int64_t images) const {
    return ((images - 1) * stacked_row_period() + out_height()) * out_width();
  }
  // Input rows a tile of `rows` output rows reads, padding included.
  int64_t window_rows(int64_t rows) const {
    return (rows - 1) * stride_h + (filter_h - 1) * dilation_h + 1;
  }
};

struct ConvTiling {
  int64_t rows = 1;              // output rows per tile
  int64_t images = 1;            // images per tile (> 1 only when rows is the whole output)
  int64_t nt = 16;               // output channels per tile (multiple of 16)
  bool streamed = false;         // K steps of whole channel blocks, slab per step (else resident)
  bool slab_double = false;      // resident: the slab alternates between two L1 slots per tile
  int64_t blocks = 1;            // channel blocks per K step (streamed) or per piece (pieces)
  int64_t kt = 16;               // img2col columns per K step (multiple of C0)
  bool weights_in_l1 = false;    // all tiles use the same weights: load them into L1 once
  bool slab_pieces = false;      // the slab in pieces of `blocks` channel blocks (see above)
  int64_t mmad_k = 0;            // pieces: img2col columns per load3d / mmad (kt / mmad_k pairs)
  double estimated_cycles = -1;  // < 0: nothing fits; `reason` says what
  std::string reason;
};

// How the K dimension walks the slab (ConvTiling::streamed / slab_double / slab_pieces).
enum class SlabMode { kAny, kStreamed, kResident, kDouble, kPieces };
// Where the weights come from (ConvTiling::weights_in_l1).
enum class WeightsMode { kAny, kGm, kL1 };

// Forced parts of a tiling (0 / kAny: the model's choice).
struct ConvForce {
  int64_t rows = 0, images = 0, nt = 0, kt = 0;
  int64_t blocks = 0;  // slab=pieces: channel blocks per piece (slab_blocks)
  SlabMode slab = SlabMode::kAny;
  WeightsMode weights = WeightsMode::kAny;
  bool any() const {
    return rows || images || nt || kt || blocks || slab != SlabMode::kAny ||
           weights != WeightsMode::kAny;
  }
};

// Every tiling that fits and agrees with `force`, fastest first (ties in a fixed enumeration
// order). When none does, `reason` says why and `reason_key` names the spec key (tile_rows,
// tile_images, tile_n, tile_k, slab, slab_blocks or weights) that the reason concerns most; empty
// when the
// reason is the shape's, not a forced key's.
struct ConvTilingRanking {
  std::vector<ConvTiling> ranked;
  std::string reason;
  std::string reason_key;
};
ConvTilingRanking rank_conv_tilings(const ConvShape& s, bool via_ub,
                                    const config::ChipConfig& chip, const ConvForce& force = {});

// The spec keys that force tiling `t` (" tile_rows=7 tile_images=1 ... weights=l1", and
// slab_blocks for pieces).
std::string conv_tiling_keys(const ConvTiling& t);

// Bytes of the L1 slab of a tile of `rows` output rows and `blocks` channel blocks (input rows
// clipped to the map, 32 B per (row, column, channel block)).
int64_t conv_slab_bytes(const ConvShape& s, int64_t rows, int64_t blocks);
// The same for a tile of `images` images (> 1: stacked whole images, gaps included).
int64_t conv_tile_slab_bytes(const ConvShape& s, int64_t rows, int64_t images, int64_t blocks);
// img2col rows (M) of such a tile, rounded up to the cube's 16.
int64_t conv_tile_m(const ConvShape& s, int64_t rows, int64_t images);

// via_ub: the result leaves L0C through UB (coupled 910-class cores).
// The best of rank_conv_tilings (estimated_cycles < 0 and `reason` when nothing fits).
ConvTiling choose_conv_tiling(const ConvShape& s, bool via_ub, const config::ChipConfig& chip,
                              const ConvForce& force = {});

}  // namespace npu::compiler
