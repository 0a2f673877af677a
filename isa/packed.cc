// The packed parameter layouts (data) and the generic pack / check code over them. The typed
// helpers list their struct members in field order; a test round-trips every one of them.
#include "isa/packed.h"

#include <array>
#include <cstdio>

#include "base/error.h"

namespace npu::isa {
namespace {

constexpr std::array<std::string_view, 3> kMmadInitNames = {"acc", "zero", "bias"};

constexpr PackedField kMteFields[] = {
    {"nburst", 0, 12, 1, 4095, 1, false, "bursts", "number of bursts"},
    {"burst_len", 12, 16, 1, 65535, 1, true, "32 B", "length of each burst"},
    {"src_gap", 28, 16, 0, 65535, 0, false, "32 B",
     "source gap between the end of one burst and the start of the next"},
    {"dst_gap", 44, 16, 0, 65535, 0, false, "32 B",
     "destination gap between the end of one burst and the start of the next"},
};

constexpr PackedField kPadFields[] = {
    {"nburst", 0, 12, 1, 4095, 1, false, "bursts", "number of bursts"},
    {"burst_bytes", 12, 21, 1, 2097151, 1, true, "bytes",
     "bytes copied per burst (a multiple of the element size)"},
    {"gm_gap", 33, 20, 0, 1048575, 0, false, "bytes",
     "GM gap between the end of one burst and the start of the next"},
    {"local_gap", 53, 8, 0, 255, 0, false, "32 B",
     "L1 / UB gap between the end of one padded row and the start of the next"},
};

constexpr PackedField kPadValueFields[] = {
    {"value", 0, 32, 0, 0xffffffffull, 0, false, "bits",
     "raw bits of the padding element (its low element-size bytes)"},
    {"left_pad", 32, 8, 0, 32, 0, false, "elements", "padding elements before each burst"},
    {"right_pad", 40, 8, 0, 32, 0, false, "elements", "padding elements after each burst"},
};

constexpr PackedField kNd2NzFields[] = {
    {"rows", 0, 16, 1, 65535, 1, true, "rows", "rows of the ND source matrix"},
    {"cols", 16, 16, 1, 65535, 1, true, "elements", "columns of the ND source matrix"},
    {"src_row_stride", 32, 16, 1, 65535, 1, true, "elements",
     "distance between the starts of consecutive source rows in GM"},
    {"dst_c0_stride", 48, 16, 1, 65535, 1, true, "32 B",
     "distance between the starts of consecutive C0-wide column blocks in L1"},
};

constexpr PackedField kLoad2dFields[] = {
    {"start_index", 0, 16, 0, 65535, 0, false, "512 B", "first source fractal"},
    {"repeat", 16, 8, 1, 255, 1, false, "fractals",
     "number of fractals moved (8-bit transpose: of 32 x 32 blocks, two fractals each)"},
    {"src_stride", 24, 16, 0, 65535, 1, false, "512 B",
     "distance between consecutive source fractals (8-bit transpose: blocks)"},
    {"dst_gap", 40, 16, 0, 65535, 0, false, "512 B",
     "gap left between consecutive destination fractals"},
    {"transpose", 56, 1, 0, 1, 0, false, "", "transpose each 16 x 16 fractal (8-bit types: each 32 x 32 block of two)"},
};

constexpr PackedField kFmatrixFields[] = {
    {"width", 0, 16, 1, 65535, 1, true, "elements", "W of the L1 feature map"},
    {"height", 16, 16, 1, 65535, 1, true, "elements", "H of the L1 feature map"},
    {"pad_left", 32, 8, 0, 255, 0, false, "elements", "padding columns on the left"},
    {"pad_right", 40, 8, 0, 255, 0, false, "elements", "padding columns on the right"},
    {"pad_top", 48, 8, 0, 255, 0, false, "elements", "padding rows on top"},
    {"pad_bottom", 56, 8, 0, 255, 0, false, "elements", "padding rows at the bottom"},
};

constexpr PackedField kLoad3dPosFields[] = {
    {"k_extension", 0, 16, 1, 65535, 1, true, "elements", "K columns produced (multiple of C0)"},
    {"m_extension", 16, 16, 1, 65535, 1, true, "rows", "M rows produced (multiple of 16)"},
    {"k_start", 32, 16, 0, 65535, 0, false, "elements", "first K column (multiple of C0)"},
    {"m_start", 48, 16, 0, 65535, 0, false, "rows", "first M row (multiple of 16)"},
};

constexpr PackedField kLoad3dGeomFields[] = {
    {"stride_w", 0, 6, 1, 63, 1, false, "elements", "horizontal convolution stride"},
    {"stride_h", 6, 6, 1, 63, 1, false, "elements", "vertical convolution stride"},
    {"filter_w", 12, 8, 1, 255, 1, true, "elements", "filter width"},
    {"filter_h", 20, 8, 1, 255, 1, true, "elements", "filter height"},
    {"dilation_w", 28, 8, 1, 255, 1, false, "elements", "horizontal dilation"},
    {"dilation_h", 36, 8, 1, 255, 1, false, "elements", "vertical dilation"},
    {"channels", 44, 16, 1, 65535, 1, true, "elements", "input channels C (a multiple of C0)"},
};

constexpr PackedField kMmadFields[] = {
    {"m", 0, 12, 0, 4095, 0, true, "elements", "rows of A and C"},
    {"k", 12, 12, 0, 4095, 0, true, "elements", "columns of A, rows of B"},
    {"n", 24, 12, 0, 4095, 0, true, "elements", "columns of B and C"},
    {"init", 36, 2, 0, 2, 0, false, "",
     "initial C: acc = the current L0C contents, zero = 0, bias = the bias table row",
     kMmadInitNames},
    {"bias_addr", 48, 16, 0, 65535, 0, false, "bytes", "BT address of the bias row"},
};

constexpr PackedField kFixpipeFields[] = {
    {"n", 0, 16, 1, 65535, 1, true, "elements", "columns written"},
    {"m", 16, 16, 1, 65535, 1, true, "rows", "rows written"},
    {"src_stride", 32, 16, 1, 65535, 1, true, "16 rows",
     "distance between consecutive L0C column fractals, in 16-row blocks"},
    {"dst_stride", 48, 16, 1, 65535, 1, true, "see doc",
     "ND: elements between row starts; NZ: 32 B rows between column blocks"},
};

constexpr PackedField kVectorFields[] = {
    {"repeat", 0, 8, 0, 255, 1, true, "repeats", "number of 256 B repeats"},
    {"dst_blk_stride", 8, 8, 0, 255, 1, false, "32 B", "dst: between blocks of a repeat"},
    {"src0_blk_stride", 16, 8, 0, 255, 1, false, "32 B", "src0: between blocks of a repeat"},
    {"src1_blk_stride", 24, 8, 0, 255, 1, false, "32 B", "src1: between blocks of a repeat"},
    {"dst_rep_stride", 32, 8, 0, 255, 8, false, "32 B", "dst: between consecutive repeats"},
    {"src0_rep_stride", 40, 8, 0, 255, 8, false, "32 B", "src0: between consecutive repeats"},
    {"src1_rep_stride", 48, 8, 0, 255, 8, false, "32 B", "src1: between consecutive repeats"},
};

std::string range_text(const PackedField& f) {
  return std::to_string(f.min) + ".." + std::to_string(f.max);
}

uint64_t get(const PackedLayout& layout, uint64_t word, int index) {
  return layout.fields[static_cast<size_t>(index)].get(word);
}

}  // namespace

const PackedLayout kMteLayout = {"mte", "burst copies", kMteFields, "MteParams", "mte_params"};
const PackedLayout kPadLayout = {"pad", "byte-granular copies with padding", kPadFields,
                                 "PadParams", "pad_params"};
const PackedLayout kPadValueLayout = {"pad_value", "padding of the _pad copies", kPadValueFields,
                                      "PadValue", "pad_value"};
const PackedLayout kNd2NzLayout = {"nd2nz", "ND -> NZ conversion on GM -> L1", kNd2NzFields,
                                   "Nd2NzParams", "nd2nz_params"};
const PackedLayout kLoad2dLayout = {"load2d", "L1 -> L0A / L0B fractal copies", kLoad2dFields,
                                    "Load2dParams", "load2d_params"};
const PackedLayout kFmatrixLayout = {"fmatrix", "the feature map load3d reads", kFmatrixFields,
                                     "FmatrixParams", "fmatrix_params"};
const PackedLayout kLoad3dPosLayout = {"load3d_pos", "the part of the img2col matrix produced",
                                       kLoad3dPosFields, "Load3dPos", "load3d_pos"};
const PackedLayout kLoad3dGeomLayout = {"load3d_geom", "the convolution geometry of load3d",
                                        kLoad3dGeomFields, "Load3dGeom", "load3d_geom"};
const PackedLayout kMmadLayout = {"mmad", "cube matrix multiply", kMmadFields, "MmadParams",
                                  "mmad_params"};
const PackedLayout kFixpipeLayout = {"fixpipe", "L0C write-out", kFixpipeFields, "FixpipeParams",
                                     "fixpipe_params"};
const PackedLayout kVectorLayout = {"vector", "repeat and strides of every vector instruction",
                                    kVectorFields, "VectorParams", "vector_params"};

uint64_t PackedLayout::reserved_mask() const {
  uint64_t used = 0;
  for (const PackedField& f : fields) used |= f.mask() << f.lo;
  return ~used;
}

int PackedLayout::find(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

std::span<const PackedLayout* const> all_packed_layouts() {
  static const PackedLayout* const kAll[] = {
      &kMteLayout,    &kPadLayout,     &kPadValueLayout,  &kNd2NzLayout,
      &kLoad2dLayout, &kFmatrixLayout, &kLoad3dPosLayout, &kLoad3dGeomLayout,
      &kMmadLayout,   &kFixpipeLayout, &kVectorLayout};
  return kAll;
}

uint64_t pack(const PackedLayout& layout, std::span<const uint64_t> values) {
  NPU_CHECK(values.size() == layout.fields.size(),
            std::string("wrong number of values for packed layout ") + std::string(layout.name));
  uint64_t word = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const PackedField& f = layout.fields[i];
    NPU_CHECK(values[i] >= f.min && values[i] <= f.max,
              std::string(layout.name) + "." + std::string(f.name) + " = " +
                  std::to_string(values[i]) + " is out of range " + range_text(f));
    word |= values[i] << f.lo;
  }
  return word;
}

std::optional<std::string> check_packed(const PackedLayout& layout, uint64_t word) {
  const uint64_t reserved = word & layout.reserved_mask();
  if (reserved != 0) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "0x%016llx", static_cast<unsigned long long>(reserved));
    return std::string(layout.name) + " parameters have reserved bits set (" + buffer + ")";
  }
  for (const PackedField& f : layout.fields) {
    const uint64_t v = f.get(word);
    if (v < f.min || v > f.max) {
      return std::string(f.name) + " = " + std::to_string(v) + " is out of range " + range_text(f);
    }
  }
  return std::nullopt;
}

uint64_t pack_mte_params(const MteParams& p) {
  const uint64_t v[] = {p.nburst, p.burst_len, p.src_gap, p.dst_gap};
  return pack(kMteLayout, v);
}

MteParams unpack_mte_params(uint64_t w) {
  const PackedLayout& l = kMteLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3))};
}

uint64_t pack_pad_params(const PadParams& p) {
  const uint64_t v[] = {p.nburst, p.burst_bytes, p.gm_gap, p.local_gap};
  return pack(kPadLayout, v);
}

PadParams unpack_pad_params(uint64_t w) {
  const PackedLayout& l = kPadLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3))};
}

uint64_t pack_pad_value(const PadValue& p) {
  const uint64_t v[] = {p.value, p.left_pad, p.right_pad};
  return pack(kPadValueLayout, v);
}

PadValue unpack_pad_value(uint64_t w) {
  const PackedLayout& l = kPadValueLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2))};
}

uint64_t pack_nd2nz_params(const Nd2NzParams& p) {
  const uint64_t v[] = {p.rows, p.cols, p.src_row_stride, p.dst_c0_stride};
  return pack(kNd2NzLayout, v);
}

Nd2NzParams unpack_nd2nz_params(uint64_t w) {
  const PackedLayout& l = kNd2NzLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3))};
}

uint64_t pack_load2d_params(const Load2dParams& p) {
  const uint64_t v[] = {p.start_index, p.repeat, p.src_stride, p.dst_gap, p.transpose ? 1u : 0u};
  return pack(kLoad2dLayout, v);
}

Load2dParams unpack_load2d_params(uint64_t w) {
  const PackedLayout& l = kLoad2dLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3)),
          get(l, w, 4) != 0};
}

uint64_t pack_fmatrix_params(const FmatrixParams& p) {
  const uint64_t v[] = {p.width, p.height, p.pad_left, p.pad_right, p.pad_top, p.pad_bottom};
  return pack(kFmatrixLayout, v);
}

FmatrixParams unpack_fmatrix_params(uint64_t w) {
  const PackedLayout& l = kFmatrixLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3)),
          static_cast<uint32_t>(get(l, w, 4)), static_cast<uint32_t>(get(l, w, 5))};
}

uint64_t pack_load3d_pos(const Load3dPos& p) {
  const uint64_t v[] = {p.k_extension, p.m_extension, p.k_start, p.m_start};
  return pack(kLoad3dPosLayout, v);
}

Load3dPos unpack_load3d_pos(uint64_t w) {
  const PackedLayout& l = kLoad3dPosLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3))};
}

uint64_t pack_load3d_geom(const Load3dGeom& p) {
  const uint64_t v[] = {p.stride_w,   p.stride_h,   p.filter_w, p.filter_h,
                        p.dilation_w, p.dilation_h, p.channels};
  return pack(kLoad3dGeomLayout, v);
}

Load3dGeom unpack_load3d_geom(uint64_t w) {
  const PackedLayout& l = kLoad3dGeomLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3)),
          static_cast<uint32_t>(get(l, w, 4)), static_cast<uint32_t>(get(l, w, 5)),
          static_cast<uint32_t>(get(l, w, 6))};
}

uint64_t pack_mmad_params(const MmadParams& p) {
  const uint64_t v[] = {p.m, p.k, p.n, static_cast<uint64_t>(p.init), p.bias_addr};
  return pack(kMmadLayout, v);
}

MmadParams unpack_mmad_params(uint64_t w) {
  const PackedLayout& l = kMmadLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<MmadInit>(get(l, w, 3)),
          static_cast<uint32_t>(get(l, w, 4))};
}

uint64_t pack_fixpipe_params(const FixpipeParams& p) {
  const uint64_t v[] = {p.n, p.m, p.src_stride, p.dst_stride};
  return pack(kFixpipeLayout, v);
}

FixpipeParams unpack_fixpipe_params(uint64_t w) {
  const PackedLayout& l = kFixpipeLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3))};
}

uint64_t pack_vector_params(const VectorParams& p) {
  const uint64_t v[] = {p.repeat,         p.dst_blk_stride,  p.src0_blk_stride, p.src1_blk_stride,
                        p.dst_rep_stride, p.src0_rep_stride, p.src1_rep_stride};
  return pack(kVectorLayout, v);
}

VectorParams unpack_vector_params(uint64_t w) {
  const PackedLayout& l = kVectorLayout;
  return {static_cast<uint32_t>(get(l, w, 0)), static_cast<uint32_t>(get(l, w, 1)),
          static_cast<uint32_t>(get(l, w, 2)), static_cast<uint32_t>(get(l, w, 3)),
          static_cast<uint32_t>(get(l, w, 4)), static_cast<uint32_t>(get(l, w, 5)),
          static_cast<uint32_t>(get(l, w, 6))};
}

}  // namespace npu::isa
