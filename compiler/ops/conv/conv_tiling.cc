// The conv2d tiling cost model (see conv_tiling.h).
#include "compiler/ops/conv/conv_tiling.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "compiler/ir/ir_builder.h"
#include "compiler/ops/cube_bias.h"

namespace npu::compiler {

using ir::ceil_div;
using ir::round_up;

int64_t ConvShape::out_height() const {
  int64_t span = height + pad_top + pad_bottom - dilation_h * (filter_h - 1) - 1;
  return span < 0 ? 0 : span / stride_h + 1;
}

int64_t ConvShape::out_width() const {
  int64_t span = width + pad_left + pad_right - dilation_w * (filter_w - 1) - 1;
  return span < 0 ? 0 : span / stride_w + 1;
}

int64_t ConvShape::stack_gap() const {
  int64_t gap = std::max(pad_top, pad_bottom);
  while ((height + gap) % stride_h != 0) ++gap;
  return gap;
}

int64_t conv_slab_bytes(const ConvShape& s, int64_t rows, int64_t blocks) {
  return blocks * std::min(s.window_rows(rows), s.height) * s.width * 32;
}

int64_t conv_tile_slab_bytes(const ConvShape& s, int64_t rows, int64_t images, int64_t blocks) {
  return images == 1 ? conv_slab_bytes(s, rows, blocks)
                     : blocks * s.stacked_rows(images) * s.width * 32;
}

int64_t conv_tile_m(const ConvShape& s, int64_t rows, int64_t images) {
  return round_up(images == 1 ? rows * s.out_width() : s.stacked_pixels(images), 16);
}

// A double slab's estimate counts this much more: two slab loads in flight contend for the
// memory system and the core keeps two tiles' scalar state, which the model does not see; with
// this margin and the per-tile fill no layer of docs/performance.md's conv table got slower
// (measured on both chips when the next slab became a prefetch).
constexpr double kDoubleSlabMargin = 1.05;
// Pieces count this much more: their copies and the weights' wait on one another in MTE2's
// queue in ways the per-step model averages away (the 910's 28 x 28 stride-2 layer measured
// 42.8k cycles against 41.4k estimated, the double slab it would replace 40.1k against 42.1k).
constexpr double kPiecesMargin = 1.05;

ConvTilingRanking rank_conv_tilings(const ConvShape& s, bool via_ub,
                                    const config::ChipConfig& chip, const ConvForce& force) {
  const auto& b = chip.buffers;
  const config::CubeShape& cube = s.in_bytes == 1 ? chip.cube.int8 : chip.cube.fp16;
  const int64_t ho = s.out_height(), wo = s.out_width(), c0 = s.c0(), kred = s.reduction();
  const int64_t c1 = s.channel_blocks(), taps = s.filter_h * s.filter_w;
  const double cores = static_cast<double>(chip.chip.cores);
  // Every core streams from L2 at once: its share of the chip's L2 bandwidth; the feature map
  // is read once, so it also gets only its share of HBM.
  const double l2_share =
      std::min(chip.noc.core_port_bytes_per_cycle, chip.l2.bytes_per_cycle / cores);
  const double hbm_share = chip.hbm.bandwidth_gbps * chip.hbm.efficiency * 1e3 /
                           static_cast<double>(chip.chip.clock_mhz) / cores;
  // A GM read of x bytes reaches the path's rate times the measured small-transfer efficiency.
  const auto gm_read_cycles = [&](const config::DataPath& path, double bytes, double share) {
    const double eff = std::clamp(chip.mte.gm_efficiency.at(bytes), 1e-3, 1.0);
    return static_cast<double>(path.latency_cycles) +
           bytes / std::min(path.bytes_per_cycle * eff, share);
  };
  const double load3d_bw = chip.paths.l1_to_l0a.bytes_per_cycle;
  const double out_bw =
      via_ub ? chip.paths.l0c_to_ub.bytes_per_cycle : chip.paths.l0c_to_gm.bytes_per_cycle;
  const double slab_latency = static_cast<double>(chip.paths.gm_to_l1.latency_cycles);
  // Scalar set-up of one K step (the heavy ops with their packed words, tail selects, syncs
  // and the loop), from the generated code.
  const double step_scalar = 110.0 / static_cast<double>(chip.scalar.issue_width);
  // Output tiles of a tiling, and the fixpipe's write-out of one.
  const auto tile_count = [&](int64_t rows, int64_t images, int64_t nt) {
    return static_cast<double>(s.batch / images * s.groups * ceil_div(ho, rows) *
                               ceil_div(s.group_out_channels, nt));
  };
  const auto write_out = [&](int64_t m_ext, int64_t nt) {
    return static_cast<double>(m_ext * nt * 4) / out_bw;
  };
  // One mmad of m_ext x k by nt, and the load3d of its m_ext x k img2col matrix (stacked images
  // included).
  const auto mmad_cycles = [&](int64_t m_ext, int64_t nt, int64_t k) {
    return static_cast<double>(chip.cube.startup_cycles) +
           static_cast<double>(ceil_div(m_ext, static_cast<int64_t>(cube.m0)) *
                               ceil_div(nt, static_cast<int64_t>(cube.n0)) *
                               ceil_div(k, static_cast<int64_t>(cube.k0))) *
               static_cast<double>(cube.cycles_per_fractal);
  };
  const auto load3d_cycles = [&](int64_t m_ext, int64_t k) {
    return 2.0 + static_cast<double>(m_ext * k * s.in_bytes) / load3d_bw;
  };

  ConvTilingRanking out;
  // Why the unforced model found nothing: the first output row's reason.
  std::string shape_reason = "no tile fits";
  // Why a forced tiling does not fit: the first rejection of a candidate that agrees with it.
  std::string forced_reason, forced_key;
  const auto reject = [&](const char* key, const std::string& why) {
    if (force.any() && forced_reason.empty()) {
      forced_reason = why;
      forced_key = key;
    }
  };
  const auto bytes_of = [](int64_t v) { return std::to_string(v) + " B"; };
  const int64_t kg16 = round_up(s.group_out_channels, 16);
  // One candidate: K steps of kt columns; `slab_step` bytes of feature map per step (streamed)
  // or `slab_tile` bytes per tile (resident).
  const double weights_l1_bw = chip.paths.l1_to_l0b.bytes_per_cycle;
  // Bytes of one group's FRACTAL_Z weights (every output channel).
  const int64_t all_weights = kred * round_up(s.group_out_channels, 16) * s.in_bytes;
  auto consider = [&](int64_t rows, int64_t images, int64_t nt, int64_t kt, bool streamed,
                      int64_t blocks, int64_t m_ext, bool weights_in_l1, bool slab_double,
                      int64_t l1_weights) {
    const int64_t a_bytes = m_ext * kt * s.in_bytes, w_bytes = kt * nt * s.in_bytes;
    const std::string step = "a K step of " + std::to_string(kt) + " columns";
    if (kt > 4095)  // mmad k (12 bits)
      return reject("tile_k", step + " exceeds the 4095 of an mmad");
    // L1 -> L0B moves a step's weights in one load2d of at most 255 fractals.
    if (weights_in_l1 && kt / c0 * ceil_div(nt, 16) > 255)
      return reject("tile_k", step + " by " + std::to_string(nt) + " channels is " +
                                  std::to_string(kt / c0 * ceil_div(nt, 16)) +
                                  " weight fractals; one L1 -> L0B load moves at most 255");
    if (static_cast<uint64_t>(2 * a_bytes) > b.l0a_bytes)
      return reject("tile_k", step + " by " + std::to_string(m_ext) + " img2col rows (2 x " +
                                  bytes_of(a_bytes) + ", double buffered) does not fit l0a (" +
                                  bytes_of(static_cast<int64_t>(b.l0a_bytes)) + ")");
    if (static_cast<uint64_t>(2 * w_bytes) > b.l0b_bytes)
      return reject("tile_k", step + " by " + std::to_string(nt) + " channels (2 x " +
                                  bytes_of(w_bytes) + ", double buffered) does not fit l0b (" +
                                  bytes_of(static_cast<int64_t>(b.l0b_bytes)) + ")");
    const double t_cube = mmad_cycles(m_ext, nt, kt);
    const double t_load3d = load3d_cycles(m_ext, kt);
    const double t_weights = weights_in_l1 ? 0.0
                                           : gm_read_cycles(chip.paths.gm_to_l0b,
                                                            static_cast<double>(w_bytes), l2_share);
    const double t_weights_l1 = weights_in_l1
                                    ? static_cast<double>(chip.paths.l1_to_l0b.latency_cycles) +
                                          static_cast<double>(w_bytes) / weights_l1_bw
                                    : 0.0;
    // Stacked images: their slab with the zero gap rows between them (copied from GM too).
    const double slab =
        static_cast<double>(conv_tile_slab_bytes(s, rows, images, streamed ? blocks : c1));
    // A double slab's tiles go round the cores with the channel blocks of a band side by
    // side, so ceil(k / nt) cores load one band's slab together, from HBM once.
    const double slab_readers =
        slab_double ? std::min(static_cast<double>(ceil_div(s.group_out_channels, nt)), cores)
                    : 1.0;
    const double t_slab_load = gm_read_cycles(chip.paths.gm_to_l1, slab,
                                              std::min(l2_share, hbm_share * slab_readers));
    const double t_slab = streamed ? t_slab_load : 0.0;
    // The slab and the weights both come in through MTE2.
    // Each extra image adds a slab load (and a gap's zeros) when streamed.
    const double scalar = step_scalar + 40.0 * static_cast<double>(images - 1) /
                                            static_cast<double>(chip.scalar.issue_width);
    // load3d and L1 -> L0B share MTE1; the slab and GM -> L0B weights share MTE2.
    const double t_step = std::max({t_cube, t_load3d + t_weights_l1, t_weights + t_slab, scalar});
    const double steps = static_cast<double>(streamed ? ceil_div(c1, blocks) : ceil_div(kred, kt));
    const double exposed = streamed ? slab_latency : t_slab_load;
    const double t_out = write_out(m_ext, nt);
    // A double slab (weights in L1): the next tile's slab loads under this tile's K steps
    // (prefetch_by_two); only a core's first slab is exposed (added once below). Its tiles
    // are many and small, so each also pays its first K step's loads (without it the model
    // took 2-row tiles for the 910B's 56 x 56 stride-2 layer: 13% slower than 3-row ones).
    const double per_tile =
        slab_double ? steps * t_step + t_out + std::max(0.0, t_slab_load - steps * t_step) +
                          t_load3d + t_weights_l1
                    : steps * t_step + exposed + t_out;
    const double tiles = tile_count(rows, images, nt);
    // Weights in L1 load before the first K step; with a double slab in two pieces after the
    // first slab, so only the first piece is waited for (the second loads under its steps).
    const double exposed_weights =
        weights_in_l1 ? gm_read_cycles(chip.paths.gm_to_l1,
                                       static_cast<double>(l1_weights) / (slab_double ? 2 : 1),
                                       l2_share)
                      : 0.0;
    const double total = (slab_double ? kDoubleSlabMargin : 1.0) * std::ceil(tiles / cores) *
                             per_tile +
                         (slab_double ? t_slab_load : 0.0) + exposed_weights;
    out.ranked.push_back({.rows = rows,
                          .images = images,
                          .nt = nt,
                          .streamed = streamed,
                          .slab_double = slab_double,
                          .blocks = blocks,
                          .kt = kt,
                          .weights_in_l1 = weights_in_l1,
                          .estimated_cycles = total});
  };
  // Pieces (weights from GM): pieces of `blocks` channel blocks through two L1 tiles, each
  // piece's K steps of kt columns in kt / ka load3d / mmad pairs (the widest ka that L0A holds
  // double buffered), the next piece's copies spread over them. A tiling with more pieces than
  // event ids would need more flags between MTE2 and MTE1 at once than the chip has.
  const int64_t max_pieces = static_cast<int64_t>(chip.pipes.event_ids);
  const double copy_overhead = static_cast<double>(chip.noc.latency_cycles +
                                                   chip.l2.hit_latency_cycles +
                                                   chip.paths.gm_to_l0b.latency_cycles);
  auto consider_pieces = [&](int64_t rows, int64_t images, int64_t nt, int64_t m_ext,
                             uint64_t l1, const std::string& l1_left) {
    const int64_t per_block = taps * c0;
    const bool gaps = images > 1 && (s.pad_top > 0 || s.pad_bottom > 0);
    const int64_t copies = images + (gaps ? images - 1 : 0);  // GM -> L1 copies of a piece
    const std::string band = std::to_string(rows) + " output row" + (rows > 1 ? "s" : "") +
                             (images > 1 ? " x " + std::to_string(images) + " images" : "");
    const auto plural = [](int64_t n, const std::string& what) {
      return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
    };
    if (c1 < 2)
      reject("slab", "slab=pieces needs at least 2 channel blocks of " + std::to_string(c0) +
                         " per group (c / groups = " + std::to_string(s.group_channels) + ")");
    for (int64_t blocks = force.blocks ? force.blocks : 1;
         blocks <= (force.blocks ? force.blocks : c1 - 1); ++blocks) {
      const int64_t pieces = ceil_div(c1, blocks);
      const std::string piece = "pieces of " + plural(blocks, "channel block");
      if (pieces < 2 || pieces > max_pieces) {
        reject("slab_blocks", plural(c1, "channel block") + " in " + piece + " are " +
                                  plural(pieces, "piece") + "; slab=pieces takes 2 to " +
                                  std::to_string(max_pieces) + " (pipes.event_ids)");
        continue;
      }
      const int64_t slab = conv_tile_slab_bytes(s, rows, images, blocks);
      if (static_cast<uint64_t>(2 * slab) > l1) {
        reject("slab_blocks", "two slab " + piece + " of " + band + " (2 x " +
                                  std::to_string(slab) + " B) do not fit " + l1_left);
        break;  // more blocks only grow the pieces
      }
      const int64_t last_k = (c1 - (pieces - 1) * blocks) * per_block;
      for (int64_t kt = force.kt ? force.kt : c0;
           kt <= (force.kt ? force.kt : round_up(blocks * per_block, c0)); kt *= 2) {
        const std::string step = "a K step of " + std::to_string(kt) + " columns";
        const int64_t w_bytes = kt * nt * s.in_bytes;
        if (kt > 4095 || static_cast<uint64_t>(2 * w_bytes) > b.l0b_bytes) {
          reject("tile_k", step + " by " + std::to_string(nt) + " channels (2 x " +
                               std::to_string(w_bytes) + " B, double buffered) does not fit l0b");
          break;
        }
        const int64_t steps_piece = ceil_div(blocks * per_block, kt);
        if (steps_piece % 2 != 0) {
          reject("tile_k", "slab=pieces needs an even number of K steps per piece (" + piece +
                               " are " + std::to_string(blocks * per_block) + " columns, " +
                               plural(steps_piece, "step") + " of " + std::to_string(kt) +
                               "): L0B's two slots alternate across the pieces");
          continue;
        }
        int64_t ka = 0;  // pairs of one, two, four or eight per step
        for (int64_t pairs = 1; pairs <= 8 && ka == 0; pairs *= 2)
          if (kt % (pairs * c0) == 0 &&
              static_cast<uint64_t>(2 * m_ext * (kt / pairs) * s.in_bytes) <= b.l0a_bytes)
            ka = kt / pairs;
        if (ka == 0) {
          reject("tile_k", step + " in up to 8 load3d / mmad pairs by " + std::to_string(m_ext) +
                               " img2col rows does not fit l0a (double buffered)");
          continue;
        }
        const double pairs = static_cast<double>(kt / ka);
        const double t_pair = mmad_cycles(m_ext, nt, ka);
        const double t_pair_load3d = load3d_cycles(m_ext, ka);
        // MTE2 is busy with a weight copy for more than its bytes take: the round trip to L2
        // and the copy's completion before the flag set after it (traced on the 910: a 32 KiB
        // copy takes 527 cycles, gm_read_cycles 407).
        const double t_w = gm_read_cycles(chip.paths.gm_to_l0b, static_cast<double>(w_bytes),
                                          l2_share) +
                           copy_overhead;
        // Consecutive tiles differ in their channel block only, so ceil(k / nt) cores load
        // the same pieces at about the same time, from HBM once.
        const double readers =
            std::min(static_cast<double>(ceil_div(s.group_out_channels, nt)), cores);
        const double t_piece =
            gm_read_cycles(chip.paths.gm_to_l1, static_cast<double>(slab),
                           std::min(l2_share, hbm_share * readers)) +
            static_cast<double>(copies) * copy_overhead;
        // Per tile: the cube runs the pairs (a piece's last step skips those past its
        // columns), MTE1 their load3d, MTE2 one weight copy per step and every piece but the
        // first (which nothing overlaps), the scalar unit the steps' set-up; the busiest wins.
        const double steps =
            static_cast<double>((pieces - 1) * steps_piece + ceil_div(last_k, kt));
        const double pairs_run = static_cast<double>(
            (pieces - 1) * ceil_div(blocks * per_block, ka) + ceil_div(last_k, ka));
        const double scalar = step_scalar * (1.0 + 0.5 * (pairs - 1.0)) +
                              40.0 * static_cast<double>(images - 1) /
                                  static_cast<double>(chip.scalar.issue_width);
        const double t_k = std::max({pairs_run * t_pair, pairs_run * t_pair_load3d,
                                     steps * t_w + static_cast<double>(pieces - 1) * t_piece,
                                     steps * scalar});
        // A copy longer than a step's slack holds up the next step's weights; and the next
        // piece's first weights, in the L0B slot of this piece's first step, load only under
        // its last step, which is short when the piece's columns leave a small remainder.
        const double last_step_pairs =
            static_cast<double>(ceil_div(blocks * per_block - (steps_piece - 1) * kt, ka));
        const double stall =
            static_cast<double>((pieces - 1) * copies) *
                std::max(0.0, t_w + t_piece / static_cast<double>(copies) - pairs * t_pair) +
            static_cast<double>(pieces) * std::max(0.0, t_w - last_step_pairs * t_pair);
        // A core's later tiles wait for their first piece again, while every core loads one
        // (traced on the 910's 28 x 28 stride-2 layer: 4.7k cycles where the first round's
        // took 3.6k and the model says 3.0k): counted twice.
        const double rounds = std::ceil(tile_count(rows, images, nt) / cores);
        out.ranked.push_back(
            {.rows = rows,
             .images = images,
             .nt = nt,
             .blocks = blocks,
             .kt = kt,
             .slab_pieces = true,
             .mmad_k = ka,
             .estimated_cycles = kPiecesMargin * (rounds * (t_k + t_piece + stall +
                                                            write_out(m_ext, nt)) +
                                                  (rounds - 1) * t_piece)});
      }
    }
  };
  const bool any_slab = force.slab == SlabMode::kAny;
  for (int64_t rows = force.rows ? force.rows : 1; rows <= (force.rows ? force.rows : ho);
       ++rows) {
    const int64_t m_ext = round_up(rows * wo, 16);
    const std::string band = std::to_string(rows) + " output row" + (rows > 1 ? "s" : "");
    if (m_ext > 4080) {  // mmad m (12 bits), in 16-row fractals
      if (rows == 1)
        shape_reason = "one output row (" + std::to_string(wo) +
                       " columns) exceeds the 4080 rows of an mmad; output columns are not tiled";
      reject("tile_rows", band + " (" + std::to_string(m_ext) +
                              " img2col rows) exceed the 4080 rows of an mmad");
      break;
    }
    if (rows == 1)
      shape_reason = "one output row (" + std::to_string(m_ext) + " img2col rows) by " +
                     std::to_string(c0) + " columns does not fit l0a (" +
                     std::to_string(b.l0a_bytes) + " B, double buffered)";
    const int64_t slab_rows = std::min(s.window_rows(rows), s.height) * s.width;
    const int64_t resident = conv_slab_bytes(s, rows, c1);
    const bool streams = static_cast<uint64_t>(2 * conv_slab_bytes(s, rows, 1)) <= b.l1_bytes;
    if (slab_rows > 65535 || (!streams && static_cast<uint64_t>(resident) > b.l1_bytes)) {
      if (rows == 1)
        shape_reason =
            "the L1 slab of one output row (2 x " + std::to_string(conv_slab_bytes(s, 1, 1)) +
            " B: " + std::to_string(std::min(s.window_rows(1), s.height)) + " input rows x " +
            std::to_string(s.width) + " x " + std::to_string(c0) +
            " channels, double buffered) does not fit in l1 (" + std::to_string(b.l1_bytes) + " B)";
      reject("tile_rows", slab_rows > 65535
                              ? "the slab of " + band + " has " + std::to_string(slab_rows) +
                                    " pixels; one load moves at most 65535"
                              : "the L1 slab of " + band + " (" + bytes_of(resident) +
                                    ", or 2 x " + bytes_of(conv_slab_bytes(s, rows, 1)) +
                                    " streamed) does not fit l1 (" +
                                    bytes_of(static_cast<int64_t>(b.l1_bytes)) + ")");
      break;
    }
    // Whole-map tiles may fold several images (a divisor of the batch) into M.
    for (int64_t images = force.images ? force.images : 1;
         images <= (force.images ? force.images : rows == ho ? s.batch : 1); ++images) {
      if (s.batch % images != 0 || (images > 1 && rows != ho)) continue;
      const int64_t m_all = conv_tile_m(s, rows, images);
      if (images > 1 && s.stacked_rows(images) * s.width > 65535) {
        reject("tile_images", "the slab of " + std::to_string(images) + " stacked images has " +
                                  std::to_string(s.stacked_rows(images) * s.width) +
                                  " pixels; one load moves at most 65535");
        break;
      }
      if (m_all > 4080) {
        reject("tile_images", std::to_string(images) + " images of " + band + " (" +
                                  std::to_string(m_all) +
                                  " img2col rows) exceed the 4080 rows of an mmad");
        break;
      }
      for (int64_t nt = force.nt ? force.nt : 16;
           nt <= (force.nt ? force.nt : std::min<int64_t>(kg16, 256)); nt += 16) {
        const std::string tile = std::to_string(m_all) + " x " + std::to_string(nt) + " tile";
        if (static_cast<uint64_t>(m_all * nt * 4) > b.l0c_bytes) {
          reject("tile_n", "the " + tile + "'s 32-bit accumulators (" + bytes_of(m_all * nt * 4) +
                               ") do not fit l0c (" +
                               bytes_of(static_cast<int64_t>(b.l0c_bytes)) + ")");
          break;
        }
        // Via UB a bias needs the 32-bit tiles and the row there too (cube_bias.h).
        const int64_t ub_need =
            m_all * nt * s.out_bytes + (s.bias ? cube_bias_ub_bytes(m_all, nt, s.out_bytes) : 0);
        if (via_ub && static_cast<uint64_t>(ub_need) > b.ub_bytes) {
          reject("tile_n", "the " + tile + " (" + bytes_of(ub_need) + " with its bias) does not " +
                               "fit ub (" + bytes_of(static_cast<int64_t>(b.ub_bytes)) + ")");
          break;
        }
        // Elsewhere it is a row of the bias table, staged in L1.
        const int64_t bias_l1 = s.bias && !via_ub ? nt * 4 : 0;
        if (static_cast<uint64_t>(bias_l1) > b.bt_bytes) {
          reject("tile_n", "the bias row of " + std::to_string(nt) + " channels (" +
                               bytes_of(bias_l1) + ") does not fit the bias table (" +
                               bytes_of(static_cast<int64_t>(b.bt_bytes)) + ")");
          break;
        }
        // Weights once in L1: one group, one block of output channels, room next to the slabs.
        const bool one_weight_set = s.groups == 1 && nt >= s.group_out_channels &&
                                    all_weights / 32 <= 65535;  // one burst copy
        // Or, with a double slab, each core's block of output channels: the tiles of a core
        // (c, c + cores, ...) share their channel block when the blocks divide the cores.
        const int64_t blocks_n = s.group_out_channels / nt;
        const int64_t used_cores = std::min<int64_t>(
            s.batch / images * ceil_div(ho, rows) * blocks_n, chip.chip.cores);
        const bool core_weight_set = s.groups == 1 && blocks_n > 1 &&
                                     s.group_out_channels % nt == 0 &&
                                     used_cores % blocks_n == 0 && kred / c0 <= 4095;
        for (bool in_l1 : {false, true}) {
          if (force.weights == (in_l1 ? WeightsMode::kGm : WeightsMode::kL1)) continue;
          if (in_l1 && !one_weight_set && !core_weight_set) {
            if (force.weights == WeightsMode::kL1)
              reject("weights",
                     "weights=l1 needs every tile to use the same weights (one group, tile_n >= "
                     "k / groups) and at most 65535 32-byte units of them, or slab=double with "
                     "tile_n dividing k and k / tile_n dividing the cores used");
            continue;
          }
          const int64_t l1_weights =
              !in_l1 ? 0 : one_weight_set ? all_weights : kred * nt * s.in_bytes;
          if (in_l1 && static_cast<uint64_t>(l1_weights + bias_l1) >= b.l1_bytes) {
            if (force.weights == WeightsMode::kL1)
              reject("weights", "the weights (" + bytes_of(l1_weights) + ") do not fit l1 (" +
                                  bytes_of(static_cast<int64_t>(b.l1_bytes)) + ")");
            continue;
          }
          const uint64_t l1 = b.l1_bytes - static_cast<uint64_t>(l1_weights) -
                              static_cast<uint64_t>(bias_l1);
          const std::string l1_left = "the " + bytes_of(static_cast<int64_t>(l1)) + " of l1" +
                                      (in_l1 || bias_l1 ? " left next to the weights / bias" : "");
          const int64_t per_block = taps * c0;  // img2col columns of a channel block
          if (any_slab || force.slab == SlabMode::kStreamed)
            for (int64_t blocks = 1; blocks <= c1; ++blocks) {
              if (force.kt && force.kt != blocks * per_block) continue;
              const int64_t slab = conv_tile_slab_bytes(s, rows, images, blocks);
              if (in_l1 && !one_weight_set) break;  // per-core weights: double slabs only
              if (static_cast<uint64_t>(2 * slab) <= l1)
                consider(rows, images, nt, blocks * per_block, true, blocks, m_all, in_l1, false,
                         l1_weights);
              else
                reject("tile_rows", "two streamed slabs of " + band + " x " +
                                        std::to_string(blocks) + " channel blocks (2 x " +
                                        bytes_of(slab) + ") do not fit " + l1_left);
            }
          // A double slab only with the weights in L1: MTE2 runs in order, so GM -> L0B weights
          // queued behind the second slab's load would hold up the first tile's K steps.
          for (int64_t slabs = 1; slabs <= 2; ++slabs) {
            const SlabMode mode = slabs == 2 ? SlabMode::kDouble : SlabMode::kResident;
            if (!any_slab && force.slab != mode) continue;
            if (slabs == 1 && in_l1 && !one_weight_set) continue;  // per-core weights: double
            if (slabs == 2 && !in_l1) {
              if (force.slab == SlabMode::kDouble)
                reject("slab", "slab=double needs the weights in L1 (weights=l1)");
              continue;
            }
            const int64_t tile_slab = conv_tile_slab_bytes(s, rows, images, c1);
            if (static_cast<uint64_t>(slabs * tile_slab) > l1) {
              reject("tile_rows", std::to_string(slabs) + " resident slab" +
                                      (slabs > 1 ? "s" : "") + " of " + band + " (" +
                                      std::to_string(slabs) + " x " +
                                      bytes_of(tile_slab) + ") do not fit " + l1_left);
              continue;
            }
            if (force.kt) {
              consider(rows, images, nt, force.kt, false, c1, m_all, in_l1, slabs == 2,
                       l1_weights);
              continue;
            }
            for (int64_t kt = c0; kt <= round_up(kred, c0); kt *= 2)
              consider(rows, images, nt, kt, false, c1, m_all, in_l1, slabs == 2, l1_weights);
          }
          if (!in_l1 && (any_slab || force.slab == SlabMode::kPieces))
            consider_pieces(rows, images, nt, m_all, l1, l1_left);
        }
      }
    }
  }
  std::stable_sort(out.ranked.begin(), out.ranked.end(),
                   [](const ConvTiling& x, const ConvTiling& y) {
                     return x.estimated_cycles < y.estimated_cycles;
                   });
  if (out.ranked.empty()) {
    out.reason = force.any() && !forced_reason.empty() ? forced_reason : shape_reason;
    if (force.any() && !forced_reason.empty()) out.reason_key = forced_key;
  }
  return out;
}

ConvTiling choose_conv_tiling(const ConvShape& s, bool via_ub, const config::ChipConfig& chip,
                              const ConvForce& force) {
  ConvTilingRanking r = rank_conv_tilings(s, via_ub, chip, force);
  if (!r.ranked.empty()) return r.ranked.front();
  ConvTiling none;
  none.reason = r.reason;
  return none;
}

std::string conv_tiling_keys(const ConvTiling& t) {
  return " tile_rows=" + std::to_string(t.rows) + " tile_images=" + std::to_string(t.images) +
         " tile_n=" + std::to_string(t.nt) + " tile_k=" + std::to_string(t.kt) + " slab=" +
         (t.streamed      ? "streamed"
          : t.slab_double ? "double"
          : t.slab_pieces ? "pieces slab_blocks=" + std::to_string(t.blocks)
                          : "resident") +
         " weights=" + (t.weights_in_l1 ? "l1" : "gm");
}

}  // namespace npu::compiler
