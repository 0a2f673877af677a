// Packed parameter words: the 64-bit register values that heavy instructions (MTE, cube,
// vector, fixpipe) read their counts and strides from, as DaVinci does.
//
// Each layout is data (a PackedLayout: named fields with bit ranges, ranges, defaults and
// units). The typed helpers below (pack_mte_params, unpack_vector_params, ...) are the only
// bit twiddling for these words in the project: the compiler packs with them, the simulator
// unpacks with them, the assembler's named-field pseudo-instructions, docs/isa.md and the RTL
// package are generated from the same layouts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "isa/types.h"

namespace npu::isa {

struct PackedField {
  std::string_view name;
  uint8_t lo = 0;     // least significant bit
  uint8_t width = 0;  // bits
  uint64_t min = 0;   // smallest legal value
  uint64_t max = 0;   // largest legal value
  uint64_t default_value = 0;
  bool required = false;  // the assembler's named form must give it
  std::string_view unit;  // "32 B", "elements", ... or empty
  std::string_view doc;
  // Symbolic names for the values 0..n-1 (e.g. mmad init: acc, zero, bias), or empty.
  std::span<const std::string_view> symbols = {};

  constexpr uint64_t mask() const { return width >= 64 ? ~0ull : ((1ull << width) - 1); }
  constexpr uint64_t get(uint64_t word) const { return (word >> lo) & mask(); }
};

struct PackedLayout {
  std::string_view name;  // "mte", "vector", ...
  std::string_view doc;
  std::span<const PackedField> fields;
  std::string_view cpp_type;  // the typed struct below, e.g. "MteParams"
  std::string_view helper;    // pack_<helper> / unpack_<helper>, e.g. "mte_params"

  // Bits not covered by any field: reserved, must be zero.
  uint64_t reserved_mask() const;
  // Index of the field called `field_name`, or -1.
  int find(std::string_view field_name) const;
};

// Every layout, in documentation order.
std::span<const PackedLayout* const> all_packed_layouts();

// Packs `values` (one per field, in field order). A value out of its field's range is a bug in
// the caller (the compiler and the assembler check ranges first): NPU_CHECK.
uint64_t pack(const PackedLayout& layout, std::span<const uint64_t> values);

// Checks a word a program put in a register: reserved bits zero and every field within its
// range. Returns the first problem, e.g. "nburst = 0 is out of range 1..4095", or nullopt.
// The simulator reports it as a ProgramError.
std::optional<std::string> check_packed(const PackedLayout& layout, uint64_t word);

// ---------------------------------------------------------------------------------------------
// The layouts, and a typed struct with pack/unpack helpers for each. Units and semantics are in
// docs/isa.md ("Packed parameter words").

// Burst copies (copy_gm_to_*, copy_l1_to_*, copy_ub_to_*): nburst bursts of burst_len x 32 B.
extern const PackedLayout kMteLayout;
struct MteParams {
  uint32_t nburst = 1;     // 1..4095 bursts
  uint32_t burst_len = 1;  // 1..65535, 32 B units
  uint32_t src_gap = 0;    // 0..65535, 32 B units between the end of a burst and the next start
  uint32_t dst_gap = 0;    // 0..65535, 32 B units
};
uint64_t pack_mte_params(const MteParams& p);
MteParams unpack_mte_params(uint64_t word);

// Byte-granular copies with padding (copy_gm_to_l1_pad, copy_gm_to_ub_pad, copy_ub_to_gm_pad).
extern const PackedLayout kPadLayout;
struct PadParams {
  uint32_t nburst = 1;       // 1..4095
  uint32_t burst_bytes = 1;  // 1..2097151 bytes per burst
  uint32_t gm_gap = 0;       // 0..1048575 bytes between GM bursts
  uint32_t local_gap = 0;    // 0..255, 32 B units between L1/UB rows
};
uint64_t pack_pad_params(const PadParams& p);
PadParams unpack_pad_params(uint64_t word);

// The pad-value register of copy_gm_to_*_pad.
extern const PackedLayout kPadValueLayout;
struct PadValue {
  uint32_t value = 0;      // raw bits of one element (low element-size bytes used)
  uint32_t left_pad = 0;   // 0..32 elements before each burst
  uint32_t right_pad = 0;  // 0..32 elements after each burst
};
uint64_t pack_pad_value(const PadValue& p);
PadValue unpack_pad_value(uint64_t word);

// ND -> NZ conversion on GM -> L1 (copy_gm_to_l1_nd2nz).
extern const PackedLayout kNd2NzLayout;
struct Nd2NzParams {
  uint32_t rows = 1;            // 1..65535 rows of the ND matrix
  uint32_t cols = 1;            // 1..65535 columns, elements
  uint32_t src_row_stride = 1;  // 1..65535 elements between GM row starts
  uint32_t dst_c0_stride = 1;   // 1..65535, 32 B rows between column blocks in L1
};
uint64_t pack_nd2nz_params(const Nd2NzParams& p);
Nd2NzParams unpack_nd2nz_params(uint64_t word);

// load2d L1 -> L0A / L0B.
extern const PackedLayout kLoad2dLayout;
struct Load2dParams {
  uint32_t start_index = 0;  // 0..65535, 512 B fractals added to the source address
  uint32_t repeat = 1;       // 1..255 fractals
  uint32_t src_stride = 1;   // 0..65535, 512 B between consecutive source fractals
  uint32_t dst_gap = 0;      // 0..65535, 512 B left free between destination fractals
  bool transpose = false;    // transpose each 16 x 16 fractal (16-bit types only)
};
uint64_t pack_load2d_params(const Load2dParams& p);
Load2dParams unpack_load2d_params(uint64_t word);

// set_fmatrix: the L1 feature map that load3d reads.
extern const PackedLayout kFmatrixLayout;
struct FmatrixParams {
  uint32_t width = 1;   // 1..65535 W of the feature map in L1
  uint32_t height = 1;  // 1..65535 H
  uint32_t pad_left = 0, pad_right = 0, pad_top = 0, pad_bottom = 0;  // 0..255 each
};
uint64_t pack_fmatrix_params(const FmatrixParams& p);
FmatrixParams unpack_fmatrix_params(uint64_t word);

// load3d, first parameter register: which part of the img2col matrix to produce.
extern const PackedLayout kLoad3dPosLayout;
struct Load3dPos {
  uint32_t k_extension = 1;  // 1..65535 columns (K) produced
  uint32_t m_extension = 1;  // 1..65535 rows (M) produced
  uint32_t k_start = 0;      // 0..65535 first K column
  uint32_t m_start = 0;      // 0..65535 first M row
};
uint64_t pack_load3d_pos(const Load3dPos& p);
Load3dPos unpack_load3d_pos(uint64_t word);

// load3d, second parameter register: the convolution geometry.
extern const PackedLayout kLoad3dGeomLayout;
struct Load3dGeom {
  uint32_t stride_w = 1, stride_h = 1;      // 1..63
  uint32_t filter_w = 1, filter_h = 1;      // 1..255
  uint32_t dilation_w = 1, dilation_h = 1;  // 1..255
  uint32_t channels = 1;                    // 1..65535 input channels (multiple of C0)
};
uint64_t pack_load3d_geom(const Load3dGeom& p);
Load3dGeom unpack_load3d_geom(uint64_t word);

// mmad: sizes and the source of the initial C.
extern const PackedLayout kMmadLayout;
struct MmadParams {
  uint32_t m = 0, k = 0, n = 0;  // 0..4095 each; any 0 makes the instruction a no-op
  MmadInit init = MmadInit::kAccumulate;
  uint32_t bias_addr = 0;  // BT byte address when init == kBias
};
uint64_t pack_mmad_params(const MmadParams& p);
MmadParams unpack_mmad_params(uint64_t word);

// fixpipe: the tile of L0C to write out.
extern const PackedLayout kFixpipeLayout;
struct FixpipeParams {
  uint32_t n = 1;           // 1..65535 columns
  uint32_t m = 1;           // 1..65535 rows
  uint32_t src_stride = 1;  // 1..65535: 16-row blocks between L0C column fractals
  uint32_t dst_stride = 1;  // 1..65535: ND: elements per row; NZ: 32 B rows per column block
};
uint64_t pack_fixpipe_params(const FixpipeParams& p);
FixpipeParams unpack_fixpipe_params(uint64_t word);

// Every vector instruction: repeat count and block / repeat strides (32 B units).
extern const PackedLayout kVectorLayout;
struct VectorParams {
  uint32_t repeat = 1;                                                    // 0..255
  uint32_t dst_blk_stride = 1, src0_blk_stride = 1, src1_blk_stride = 1;  // 0..255
  uint32_t dst_rep_stride = 8, src0_rep_stride = 8, src1_rep_stride = 8;  // 0..255
};
uint64_t pack_vector_params(const VectorParams& p);
VectorParams unpack_vector_params(uint64_t word);

}  // namespace npu::isa
