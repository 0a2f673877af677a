#include "config/config_json.h"

#include "config/config_hash.h"
#include "config/param_table.h"

namespace npu::config {
namespace {

nlohmann::ordered_json value_to_json(const ParamValue& value) {
  struct ToJson {
    nlohmann::ordered_json operator()(int64_t v) const { return v; }
    nlohmann::ordered_json operator()(double v) const { return v; }
    nlohmann::ordered_json operator()(bool v) const { return v; }
    nlohmann::ordered_json operator()(const std::string& v) const { return v; }
    nlohmann::ordered_json operator()(const Curve& v) const {
      nlohmann::ordered_json points = nlohmann::ordered_json::array();
      for (const auto& [x, y] : v.points) points.push_back({x, y});
      return points;
    }
  };
  return std::visit(ToJson{}, value);
}

// "buffers.l1_bytes" -> /buffers/l1_bytes, so values nest by section.
nlohmann::ordered_json::json_pointer key_pointer(std::string key) {
  for (char& ch : key) {
    if (ch == '.') ch = '/';
  }
  return nlohmann::ordered_json::json_pointer("/" + key);
}

}  // namespace

nlohmann::ordered_json derived_to_json(const DerivedValues& d) {
  nlohmann::ordered_json out;
  out["clock_hz"] = d.clock_hz;
  out["cube_cores"] = d.cube_cores;
  out["vector_cores"] = d.vector_cores;
  nlohmann::ordered_json cube = nlohmann::ordered_json::object();
  for (const CubePeak& p : d.cube) {
    cube[p.dtype] = {{"enabled", p.enabled},
                     {"macs_per_cycle_per_core", p.macs_per_cycle_per_core},
                     {"ops_per_second", p.ops_per_second}};
  }
  out["cube_peak"] = cube;
  out["vector_fp16_ops_per_second"] = d.vector_fp16_ops_per_second;
  out["vector_fp32_ops_per_second"] = d.vector_fp32_ops_per_second;
  out["hbm_bytes_per_second"] = d.hbm_bytes_per_second;
  out["hbm_effective_bytes_per_second"] = d.hbm_effective_bytes_per_second;
  out["hbm_bytes_per_cycle"] = d.hbm_bytes_per_cycle;
  out["l2_bytes_per_second"] = d.l2_bytes_per_second;
  out["core_gm_to_l1_bytes_per_second"] = d.core_gm_to_l1_bytes_per_second;
  out["cube_core_buffer_bytes"] = d.cube_core_buffer_bytes;
  out["vector_core_buffer_bytes"] = d.vector_core_buffer_bytes;
  out["chip_buffer_bytes"] = d.chip_buffer_bytes;
  out["fp16_ridge_flops_per_byte"] = d.fp16_ridge_flops_per_byte;
  return out;
}

nlohmann::ordered_json to_json(const ResolvedConfig& resolved) {
  nlohmann::ordered_json out;
  out["name"] = resolved.config.name;
  out["hash"] = config_hash(resolved.config);
  out["files"] = resolved.files;
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (const ParamDecl& decl : chip_params().all()) {
    values[key_pointer(decl.key)] = value_to_json(decl.load(resolved.config));
  }
  out["values"] = values;
  out["derived"] = derived_to_json(derive(resolved.config));
  return out;
}

}  // namespace npu::config
