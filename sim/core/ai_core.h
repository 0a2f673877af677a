// One AI core of a launch (coupled AiCore, AIC or AIV; the type decides which pipes exist):
// the scalar front end and one SystemC thread per pipe, with an in-order queue of
// pipes.queue_depth entries in front of each, the flag table and the core's statistics.
//
// Timing (DESIGN.md section 4, rules 1-4, as written out in docs/sim.md):
//  * The scalar thread issues in program order, up to issue_width instructions a cycle, each
//    when its source registers are ready (per-class latencies); a taken branch costs
//    branch_penalty_cycles more. It runs ahead of SystemC time ("local time") and only waits
//    when it must meet the other threads: a full queue, a scalar-side flag, GM access,
//    barriers, the end.
//  * A non-scalar instruction issued at cycle t enters its pipe's queue with its register
//    values; the pipe can start it at t + 1 at the earliest. A pipe starts its queue's head
//    when it is free (previous start + occupancy), runs it for its occupancy and completes it
//    after its latency. One SystemC wait per instruction per pipe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "sim/core/flag_unit.h"
#include "sim/core/icache.h"
#include "sim/core/launch.h"
#include "sim/core/race_checker.h"
#include "sim/core/stats.h"
#include "sim/core/trace.h"
#include "sim/exec/executor.h"
#include "sim/exec/local_buffers.h"

namespace npu::sim {

// What a launch leaves behind for one core.
struct CoreResult {
  CoreId id;
  Cycle finish = 0;  // cycle its last instruction completed
  bool finished = false;
  CoreStats stats;
};

class AiCore : public sc_core::sc_module {
 public:
  // `buffers` outlives the launch (the chip keeps them between launches).
  AiCore(sc_core::sc_module_name name, const CoreId& id, LaunchContext& context,
         LocalBuffers& buffers, TraceBuffer* trace);

  // Fills in finish and finished; call after the simulation ended.
  const CoreResult& result();
  // "pipe v waits for flag mte2 -> v event 0", one line per blocked unit (deadlock report).
  std::vector<std::string> blocked() const;

 private:
  struct Entry {
    Operands op;
    const DecodedInst* decoded = nullptr;
    uint64_t pc = 0;
    Cycle dispatch = 0;
    // --racecheck: the scalar unit's clock when it dispatched the instruction.
    std::shared_ptr<const RaceChecker::Clock> scalar_clock;
  };
  // A fixed-capacity FIFO; the SystemC events tell the two sides about changes.
  struct Queue {
    std::vector<Entry> slots;
    size_t head = 0;
    size_t count = 0;
    sc_core::sc_event pushed;
    sc_core::sc_event popped;
    // Who waits on the events: notify only then (a notification wakes a thread, the costly
    // part of a SystemC simulation).
    bool pipe_waiting = false;
    bool scalar_waiting = false;
    bool full() const { return count == slots.size(); }
  };
  // What a unit is blocked on, kept as data and put into words only for the deadlock report:
  // units block all the time, and formatting a message each time would cost more than the
  // simulation step itself.
  struct Blocker {
    enum class Kind : uint8_t { kNone, kFlag, kQueueSlot, kCrossCoreFlag, kSyncAll, kDrain };
    Kind kind = Kind::kNone;
    isa::Pipe src = isa::Pipe::kS;  // kFlag: the flag's pipes; kQueueSlot: src is the pipe
    isa::Pipe dst = isa::Pipe::kS;
    uint32_t id = 0;               // kFlag: event id; kCrossCoreFlag: flag id
    const char* why = nullptr;     // kDrain: what drains
    bool blocked() const { return kind != Kind::kNone; }
  };
  struct PipeUnit {
    bool present = false;
    Queue queue;
    Cycle accept = 0;         // earliest start of the next instruction
    Cycle last_complete = 0;  // completion of the latest-completing started instruction
    bool active = false;      // an instruction was taken from the queue and is not done
    bool finished = false;    // thread ended
    Blocker waiting;          // what it is blocked on, for the deadlock report
  };
  void scalar_thread();
  void pipe_thread(isa::Pipe pipe);
  // A thread whose work is done waits here until ChipModel::end_threads releases it, instead of
  // returning while others still run: libsystemc switches away from a returning thread without
  // its AddressSanitizer fiber hooks, so the next thread would run (and throw) with the dead
  // thread's stack bounds, and ASan reports false stack errors. No effect on timing.
  void park();
  void run_scalar();
  void run_pipe(isa::Pipe pipe);

  // Scalar helpers.
  Cycle now() const;
  void wait_until(Cycle cycle);
  void sync_scalar();  // SystemC time catches up with the scalar's local time
  // A scalar-side set_flag / barrier: issue moves to when every earlier scalar result is ready.
  void wait_for_scalar_results();
  void fetch(uint64_t pc);
  bool execute_scalar(const DecodedInst& d, uint64_t& pc);  // false: `end`
  void dispatch(const DecodedInst& d, uint64_t pc);
  void drain_all(const char* why);  // why: a literal, for the deadlock report
  uint64_t read_special(isa::SpecialReg reg) const;
  // Program errors of a scalar access: outside SMEM or misaligned; a misaligned GM address.
  void check_smem(uint64_t address, uint32_t size, uint64_t pc) const;
  void check_gm_alignment(uint64_t address, uint32_t size, uint64_t pc) const;
  uint64_t load(isa::Buffer buffer, uint64_t address, isa::DataType type, uint64_t pc);
  void store(isa::Buffer buffer, uint64_t address, isa::DataType type, uint64_t value,
             uint64_t pc);

  // Pipe helpers.
  void run_work(isa::Pipe pipe, const Entry& e, Cycle start);
  void set_flag(isa::Pipe src, isa::Pipe dst, uint32_t event, uint64_t pc);
  void wait_flag(isa::Pipe src, isa::Pipe dst, uint32_t event, uint64_t pc, PipeUnit& unit);
  void cross_core_set(isa::CrossCoreMode mode, uint32_t flag, uint64_t pc, isa::Pipe pipe);
  void cross_core_wait(uint32_t flag, uint64_t pc, isa::Pipe pipe, PipeUnit& unit);
  void check_pipe(isa::Pipe pipe, uint64_t pc) const;
  void check_event(uint32_t event, uint64_t pc, isa::Pipe pipe) const;
  // --racecheck: checks and records the accesses of `pipe`'s instruction at pc.
  void check_race(isa::Pipe pipe, uint64_t pc, const RaceChecker::Touch* touches, size_t count);
  void check_work_race(isa::Pipe pipe, const Entry& e);
  RaceChecker::Unit race_unit(isa::Pipe pipe) const { return RaceChecker::unit(m_id.index, pipe); }
  std::shared_ptr<const RaceChecker::Clock> scalar_clock();
  [[noreturn]] void fail(isa::Pipe pipe, uint64_t pc, const std::string& what) const;
  std::string describe(const Blocker& blocker) const;

  CoreId m_id;
  LaunchContext& m_ctx;
  const config::ChipConfig& m_config;
  LocalBuffers& m_buffers;
  TraceBuffer* m_trace;
  Executor m_executor;
  std::unique_ptr<CubeBackend> m_cube;  // from SimOptions::cube_backend; null: the C++ cube
  PipeState m_state;
  Work m_work;
  RaceChecker* m_race;  // --racecheck in functional mode; otherwise nullptr
  std::shared_ptr<const RaceChecker::Clock> m_scalar_clock;  // copy at m_scalar_clock_version
  uint64_t m_scalar_clock_version = 0;
  CoreResult m_result;
  uint64_t m_cycle_value;  // SystemC time value of one cycle

  // Scalar unit.
  std::array<uint64_t, 32> m_x{};
  std::array<Cycle, 32> m_ready{};
  uint32_t m_unknown = 0;  // timing-only: bit r set = x r holds a value not computed
  std::vector<uint8_t> m_smem;
  Icache m_icache;
  uint64_t m_fetched_line = ~0ull;
  Cycle m_t = 0;             // local issue cycle
  uint32_t m_slots = 0;      // instructions issued in cycle m_t
  Cycle m_s_complete = 0;    // latest completion of a scalar instruction
  bool m_issue_done = false;
  bool m_scalar_done = false;
  Blocker m_scalar_waiting;
  sc_core::sc_event m_progress;  // a pipe took or finished an instruction
  bool m_draining = false;       // the scalar unit waits on m_progress

  std::array<PipeUnit, kPipeCount> m_pipes;
  FlagUnit m_flags;
  std::array<sc_core::sc_event, kPipeCount> m_flag_set;  // per destination pipe
};

}  // namespace npu::sim
