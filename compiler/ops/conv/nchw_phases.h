// layout=nchw for ops whose kernel is written for NHWC tensors in GM (conv2d, maxpool,
// avgpool): the NHWC kernel reads the `x_nhwc` workspace and writes `y_nhwc`; add_nchw_phases
// puts it between two layout phases on the vector workers, GM permutes of
// ops/elementwise/transpose.h (perm 0,2,1 of the input's N x C x H*W into x_nhwc, and of
// y_nhwc's N x Ho*Wo x K into the output), ordered by `sync_all` (every core of the launch, both
// core types, drains and meets). docs/ops.md "Layouts" describes the scheme.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/kernel_ir.h"
#include "compiler/ops/op_spec.h"
#include "compiler/ops/ops.h"
#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::compiler {

// The NCHW tensors around the NHWC kernel.
struct NchwTensors {
  int64_t n = 1;
  int64_t in_channels = 1, in_plane = 1;    // the input's C and H * W
  int64_t out_channels = 1, out_plane = 1;  // the output's C (K) and Ho * Wo
  isa::DataType in_type = isa::DataType::kF16, out_type = isa::DataType::kF16;
  std::string out_channel_key = "c";  // the spec key of the output's channels (conv2d: "k")
};

// Fails at key `layout` of `spec` when a layout phase cannot run: a C x H*W plane whose longer
// side is beyond the permute copies' reach (permute_max_stride).
void check_nchw_layout(const OpSpec& spec, const NchwTensors& t);

// Wraps r.kernel's body (the NHWC kernel, reading x_nhwc and writing y_nhwc) between the layout
// phases. The NHWC body runs on `nhwc_cores` (kAic for the cube's conv2d; kAiv for a vector
// kernel, whose final pfor is then dealt over the AIVs of each core as the permutes' are). The
// kernel becomes one of both core types (cores = all); block_dim widens to the permutes' work
// so that every vector worker of the chip takes a share. The caller declares the arguments and
// workspaces (add_nchw_workspaces does it for a kernel with arguments x and y).
void add_nchw_phases(const NchwTensors& t, CoreSelect nhwc_cores, const config::ChipConfig& chip,
                     OpKernel& r);

// Appends the x_nhwc and y_nhwc arguments (the sizes of x and y) to r.kernel.args and their
// workspace tensors to r.tensors.
void add_nchw_workspaces(OpKernel& r);

}  // namespace npu::compiler
