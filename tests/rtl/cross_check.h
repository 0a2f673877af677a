// The transaction loop shared by the RTL harnesses: feeds transactions to a Verilated block and
// to the C++ model the simulator uses (through a per-block `check` that runs one transaction on
// both and describes the first difference), stops at the first mismatch, re-runs that
// transaction from reset with the FST waveform on and reports transaction, results, cycle and
// the waveform's path.
//
// Seeds and paths: NPU_RTL_SEED overrides the random seed of every harness (the default is
// fixed, so runs are reproducible); waveforms go to $NPU_RTL_WAVE_DIR, else ./rtl_waves (CTest
// runs the harnesses in build/tests/rtl).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace npu::rtl_test {

// The seed of a harness's random transactions: $NPU_RTL_SEED if set, else `fallback`.
uint64_t random_seed(uint64_t fallback);

// Where the waveform of `block`'s mismatching transaction `index` goes.
std::string waveform_path(std::string_view block, uint64_t index);

struct Mismatch {
  uint64_t transaction = 0;  // index in the list
  std::string message;       // what differs, both results, the cycle, the waveform path
  std::string waveform;      // the FST file
};

// Runs `transactions` back to back on `bench` after a reset. `check(bench, txn)` drives one
// transaction through the RTL and the model and returns a description of the first difference
// (transaction, both results, cycle), or nothing when they agree. The first mismatch is re-run
// alone from reset with the waveform recorded, and returned; nothing when all agree.
template <typename Bench, typename Txn>
std::optional<Mismatch> cross_check(
    Bench& bench, std::string_view block, const std::vector<Txn>& transactions,
    const std::function<std::optional<std::string>(Bench&, const Txn&)>& check) {
  bench.reset();
  for (uint64_t i = 0; i < transactions.size(); ++i) {
    std::optional<std::string> difference = check(bench, transactions[i]);
    if (!difference) continue;
    Mismatch mismatch{i, {}, waveform_path(block, i)};
    bench.open_waveform(mismatch.waveform);
    bench.reset();
    check(bench, transactions[i]);
    bench.tick();  // the cycle after the last compared one, so the waveform shows it whole
    bench.close_waveform();
    mismatch.message = std::string(block) + " transaction #" + std::to_string(i) + ": " +
                       *difference +
                       "\n  waveform (this transaction alone, from reset): " + mismatch.waveform;
    return mismatch;
  }
  return std::nullopt;
}

}  // namespace npu::rtl_test
