// Autotuning by simulation (see autotune.h).
#include "runtime/autotune.h"

#include <cstdio>

#include "compiler/ops/tuning.h"
#include "runtime/device.h"
#include "runtime/op_runner.h"

namespace npu::runtime {

AutotuneResult autotune_op(const config::ChipConfig& chip, const compiler::OpSpec& spec,
                           size_t candidates) {
  AutotuneResult r;
  sim::SimOptions options;
  options.timing_only = true;
  for (const compiler::TuningCandidate& c : compiler::tuning_candidates(spec, chip, candidates)) {
    Device device = Device::simulated(chip, options);
    OpRun run = run_op(device, c.spec, false);
    r.trials.push_back({c.spec, c.estimated_cycles, run.run.cycles});
    if (run.run.cycles < r.trials[r.best].cycles) r.best = r.trials.size() - 1;
  }
  return r;
}

compiler::OpSpec autotuned_spec(const config::ChipConfig& chip, const compiler::OpSpec& spec) {
  AutotuneResult r = autotune_op(chip, spec);
  std::printf("autotune: %zu candidate(s) of the cost model, timing-only on %s:\n%s",
              r.trials.size(), chip.name.c_str(), describe_autotune(r).c_str());
  return r.trials[r.best].spec;
}

std::string describe_autotune(const AutotuneResult& r) {
  std::string out;
  for (size_t i = 0; i < r.trials.size(); ++i) {
    const AutotuneTrial& t = r.trials[i];
    char line[512];
    std::snprintf(line, sizeof line, "%s %s: %llu cycles (estimate %.0f)\n",
                  i == r.best ? "*" : " ", t.spec.text.c_str(),
                  static_cast<unsigned long long>(t.cycles), t.estimated_cycles);
    out += line;
  }
  return out;
}

}  // namespace npu::runtime
