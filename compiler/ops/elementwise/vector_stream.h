// The streaming scheme shared by every elementwise op (binary, unary, activations, cast): N
// elements are cut into UB tiles, the tiles are dealt round-robin to the vector workers (on split
// chips the AIV cores, `CoreSelect::kAiv`), and each worker runs, per tile, GM -> UB (MTE2,
// double buffered), the vector body (V, counter-mode mask = the tile's element count, so the
// ragged last tile needs no padding), UB -> GM (MTE3, byte-exact). Inputs of another type than
// the compute type are converted on the way in and the result on the way out.
//
// An op file only says which tensors stream and what the body computes, through VectorBody.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/kernel_ir.h"
#include "compiler/ops/ops.h"
#include "config/chip_config.h"
#include "isa/types.h"
#include "numerics/rounding.h"

namespace npu::compiler {

// Emits the vector instructions of one tile. Every instruction covers the tile's elements
// (counter mode), contiguous in each operand's own type; operands are UB tile names.
class VectorBody {
 public:
  VectorBody(Body& out, std::map<std::string, isa::DataType> types)
      : m_out(out), m_types(std::move(types)) {}

  isa::DataType type(const std::string& tile) const;

  // dst = OP(src): vabs vexp vln vrec vsqrt vrsqrt vrelu vcopy.
  void unary(const std::string& mnemonic, const std::string& dst, const std::string& src);
  // dst = OP(src0, src1): vadd vsub vmul vdiv vmax vmin.
  void binary(const std::string& mnemonic, const std::string& dst, const std::string& src0,
              const std::string& src1);
  // dst = OP(src, scalar): vadds vmuls vmaxs vmins; `scalar` is rounded to the tile's type
  // (float tiles) or is an integer (integer tiles).
  void scalar(const std::string& mnemonic, const std::string& dst, const std::string& src,
              double value);
  // dst = convert(src) with the rounding mode (one vconv; the pair must exist in the ISA).
  void convert(const std::string& dst, const std::string& src,
               numerics::RoundingMode mode = numerics::RoundingMode::kRint);
  // dst = src with src's first block (32 B) repeated: every element of dst reads element
  // (i mod 32 / es) of src (a vcopy with zero source strides).
  void repeat_block(const std::string& dst, const std::string& src);
  // dst[dst_offset ..] = src[src_offset ..] (byte offsets, 32-byte aligned).
  void copy(const std::string& dst, int64_t dst_offset, const std::string& src,
            int64_t src_offset);
  // The following instructions cover `elements` elements.
  void set_count(Value elements);

 private:
  void emit(const std::string& mnemonic, const std::vector<Operand>& tiles,
            std::optional<int64_t> scalar_bits, std::vector<Field> extra);

  Body& m_out;
  std::map<std::string, isa::DataType> m_types;
};

struct StreamTensor {
  std::string name;  // the kernel argument
  isa::DataType dtype = isa::DataType::kF16;
  double low = -1.0, high = 1.0;  // --check input range (inputs only)
  // Inputs only: 0 = one element per output element; P > 0 = the tensor has P elements and
  // output element i reads element i % P (numpy broadcasting of a trailing row, P = 1: a
  // scalar). Such an input is loaded and replicated across a UB tile once per worker.
  int64_t period = 0;
};

struct StreamSpec {
  std::string kernel_name;
  int64_t elements = 0;
  std::vector<StreamTensor> inputs;
  StreamTensor output;
  // The type the body works in. Inputs of another type arrive converted (exactly, or rounded to
  // nearest even); the body's result is converted to the output type. Unset: the body sees the
  // tiles in their own types (cast).
  std::optional<isa::DataType> compute;
  // Extra UB tiles for the body, named "t0", "t1", ... of these types.
  std::vector<isa::DataType> scratch;
  // Writes body.output from body.inputs. Unset: a plain copy of the one input (no vector work,
  // the output leaves from the input's tile).
  std::function<void(VectorBody& body, const std::vector<std::string>& inputs,
                     const std::string& output)>
      emit;
};

// Builds the kernel, its tensors and its launch size. The caller fills flops, summary and
// tolerances.
OpKernel build_stream(const StreamSpec& spec, const config::ChipConfig& chip);

// Whether the UB holds a tile of the stream: false when a broadcast row (an input's period)
// is too long for one tile; the general broadcast (general_broadcast.h) then splits the row.
bool stream_fits(const StreamSpec& spec, const config::ChipConfig& chip);

// Elements of one UB tile the stream would use (for tests and docs).
int64_t stream_tile_elements(const StreamSpec& spec, const config::ChipConfig& chip);

// The raw bits of `value` rounded to the float type `t` (a vector instruction's scalar operand).
int64_t float_bits(isa::DataType t, double value);

// The vector workers of a launch: AIVs on split chips, cores on coupled ones.
int64_t vector_workers(const config::ChipConfig& chip);
// The block_dim that starts `workers` vector workers (AIVs come in groups per AI core).
uint32_t vector_block_dim(const config::ChipConfig& chip, int64_t workers);

// Tiles 0 .. tiles-1 dealt round-robin to `workers` workers: tile index W*j + c (tile_index())
// for `pfor c in W { for j in ceil(tiles / W) { [if W*j + c < tiles] tile_body } }`, the `for`
// being what double buffering unrolls. `prologue` runs once per worker before its tiles.
Affine tile_index(int64_t workers);
Stmt deal_tiles(int64_t tiles, int64_t workers, Body prologue, Body tile_body);

}  // namespace npu::compiler
