// The per-transaction check of an address generator that issues one item per cycle (the MTE's
// bursts, img2col's destination rows): the RTL takes the transaction in the current cycle
// (the caller has set start_i and the parameters), then item i must be on its outputs in
// cycle i after the load with valid_o high, exactly the model's i-th next(), and ready_o must
// rise in the cycle the model reports done(). Returns in that cycle, so the next transaction
// loads back to back (throughput is checked along with latency).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tests/rtl/verilated_bench.h"

namespace npu::rtl_test {

// `read(top)` builds the model's item type from the RTL outputs; `describe(item)` prints one;
// `limit` bounds the cycles a transaction may take before the RTL counts as hung.
template <typename Top, typename Model, typename Read, typename Describe>
std::optional<std::string> check_stream(VerilatedBench<Top>& bench, const std::string& txn,
                                        Model model, uint64_t limit, Read read, Describe describe) {
  Top& top = bench.top();
  bench.settle();
  if (!top.ready_o) return txn + ": not ready to load at cycle " + std::to_string(bench.cycle());
  bench.tick();
  top.start_i = 0;
  for (uint64_t c = 0;; ++c) {
    bench.settle();
    const std::string at = txn + ": cycle " + std::to_string(c) + " after the load (absolute " +
                           std::to_string(bench.cycle()) + ")";
    const bool ready = top.ready_o;
    if (model.done() != ready) {
      return at + ": model done=" + std::to_string(model.done()) +
             " but RTL ready_o=" + std::to_string(ready);
    }
    if (model.done()) {
      if (top.valid_o) return at + ": RTL issues an item after the last";
      return std::nullopt;
    }
    if (!top.valid_o) return at + ": model issues item " + std::to_string(c) + ", RTL valid_o=0";
    const auto expected = model.next();
    const auto got = read(top);
    if (!(got == expected)) {
      return at + ": item " + std::to_string(c) + ": model " + describe(expected) + " RTL " +
             describe(got);
    }
    if (c > limit) return txn + ": RTL never became ready";
    bench.tick();
  }
}

}  // namespace npu::rtl_test
