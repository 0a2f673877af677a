// layout=nchw around an NHWC kernel: the two GM permutes, the sync_all between the phases, the
// workspaces (nchw_phases.h).
#include "compiler/ops/conv/nchw_phases.h"

#include <algorithm>
#include <utility>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/elementwise/transpose.h"

namespace npu::compiler {

using ir::op;

void check_nchw_layout(const OpSpec& spec, const NchwTensors& t) {
  // The phases transpose C x H*W planes (copies when one side is 1, which reach any stride).
  const auto check = [&](int64_t channels, int64_t plane, isa::DataType type,
                         const std::string& what, const std::string& channel_key) {
    const int64_t most = permute_max_stride(type);
    if (channels > 1 && plane > 1 && std::max(channels, plane) > most)
      spec.fail_at("layout", "layout=nchw: " + what + " = " + std::to_string(plane) + " and " +
                                 channel_key + " must be at most " + std::to_string(most) +
                                 " (the layout transpose's copies)");
  };
  check(t.in_channels, t.in_plane, t.in_type, "h * w", "c");
  check(t.out_channels, t.out_plane, t.out_type, "the output's h * w", t.out_channel_key);
}

void add_nchw_phases(const NchwTensors& t, CoreSelect nhwc_cores, const config::ChipConfig& chip,
                     OpKernel& r) {
  GmPermute in{"x", "x_nhwc", {t.n, t.in_channels, t.in_plane}, {0, 2, 1}, t.in_type, "in_"};
  GmPermute out{"y_nhwc", "y", {t.n, t.out_plane, t.out_channels}, {0, 2, 1}, t.out_type, "out_"};
  PermuteCode in_code = build_gm_permute(in, chip), out_code = build_gm_permute(out, chip);
  const uint32_t nhwc_block_dim = r.block_dim;
  r.block_dim = std::max({r.block_dim, in_code.block_dim, out_code.block_dim});
  const int64_t block_dim = r.block_dim;
  Kernel& k = r.kernel;
  NPU_CHECK(k.cores == nhwc_cores, "add_nchw_phases: the NHWC kernel runs on other cores");
  k.cores = CoreSelect::kAll;
  for (const PermuteCode* code : {&in_code, &out_code})
    k.tiles.insert(k.tiles.end(), code->tiles.begin(), code->tiles.end());
  Body nhwc = std::move(k.body);
  k.body.clear();
  k.body.push_back(permute_on_aiv(std::move(in_code), block_dim, chip));
  k.body.push_back(op("sync_all", {}, {}));
  if (nhwc_cores == CoreSelect::kAiv) {
    // A vector kernel ending in its pfor: dealt over the AIVs exactly as a permute's pfor.
    PermuteCode vector_code;
    vector_code.body = std::move(nhwc);
    vector_code.block_dim = nhwc_block_dim;
    k.body.push_back(permute_on_aiv(std::move(vector_code), block_dim, chip));
  } else {
    k.body.push_back(make_on(nhwc_cores, "", std::move(nhwc)));
  }
  k.body.push_back(op("sync_all", {}, {}));
  k.body.push_back(permute_on_aiv(std::move(out_code), block_dim, chip));
}

void add_nchw_workspaces(OpKernel& r) {
  Kernel& k = r.kernel;
  for (const char* name : {"x", "y"}) {
    const int index = k.find_arg(name);
    NPU_CHECK(index >= 0, std::string("add_nchw_workspaces: no argument ") + name);
    const std::string ws = std::string(name) + "_nhwc";
    const uint64_t bytes = k.args[static_cast<size_t>(index)].bytes;
    k.args.push_back({ws, isa::ArgKind::kGmPointer, bytes});
    TensorDesc d{ws, isa::DataType::kU8, bytes, false};
    d.workspace = true;
    r.tensors.push_back(d);
  }
}

}  // namespace npu::compiler
