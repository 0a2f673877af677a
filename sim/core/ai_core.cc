// The AI core's scalar unit and pipes (see ai_core.h; the rules are in docs/sim.md).
#include "sim/core/ai_core.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "base/error.h"
#include "sim/fault.h"
#include "sim/exec/cube_timing.h"
#include "sim/exec/vector_timing.h"
#include "sim/memory/data_paths.h"

namespace npu::sim {

namespace {

using isa::Opcode;
using isa::Pipe;

uint64_t scalar_latency(const config::ScalarSection& s, isa::ScalarClass cls) {
  switch (cls) {
    case isa::ScalarClass::kAlu: return s.alu_latency_cycles;
    case isa::ScalarClass::kMul: return s.mul_latency_cycles;
    case isa::ScalarClass::kSmemLoad: return s.smem_load_latency_cycles;
    case isa::ScalarClass::kGmLoad: return s.gm_load_latency_cycles;
    case isa::ScalarClass::kBranch: return s.alu_latency_cycles;
    case isa::ScalarClass::kSystem: return s.system_latency_cycles;
  }
  NPU_UNREACHABLE("bad scalar class");
}

std::string_view pipe_name(Pipe p) { return isa::name(p); }

// Longest stretch of cycles the scalar unit runs ahead of SystemC time without waiting.
constexpr Cycle kSyncQuantum = 4096;

uint64_t extend(uint64_t raw, isa::DataType type) {
  switch (type) {
    case isa::DataType::kS8: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(raw)));
    case isa::DataType::kS16:
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(raw)));
    case isa::DataType::kS32:
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(raw)));
    default: return raw;  // unsigned and float types: zero-extended raw bits
  }
}

}  // namespace

std::string CoreId::name() const {
  switch (type) {
    case isa::CoreType::kCoupled: return fmt::format("core {} (block {})", index, block_idx);
    case isa::CoreType::kAic: return fmt::format("core {} (aic, block {})", index, block_idx);
    case isa::CoreType::kAiv:
      return fmt::format("core {} (aiv, block {}.{})", index, block_idx, sub_block_idx);
  }
  return "core ?";
}

void LaunchContext::fail(std::string message) {
  if (!error) error = std::move(message);
  // Pause rather than stop: the chip then ends the remaining threads cleanly (see chip.cc).
  sc_core::sc_pause();
}

AiCore::AiCore(sc_core::sc_module_name name, const CoreId& id, LaunchContext& context,
               LocalBuffers& buffers, TraceBuffer* trace)
    : sc_core::sc_module(name),
      m_id(id),
      m_ctx(context),
      m_config(context.config),
      m_buffers(buffers),
      m_trace(trace),
      m_executor(context.config, id.type),
      m_race(context.race.get()),
      m_cycle_value(sc_core::sc_time(1, sc_core::SC_NS).value()),
      m_smem(context.config.scalar.data_memory_bytes, 0),
      m_icache(context.config.scalar.icache_bytes, context.config.scalar.icache_line_bytes,
               context.config.scalar.icache_ways),
      m_flags(static_cast<uint32_t>(context.config.pipes.event_ids)) {
  m_result.id = id;
  if (context.options.cube_backend && core_has_pipe(id.type, Pipe::kM)) {
    m_cube = context.options.cube_backend(context.config);
    m_executor.set_cube_backend(m_cube.get());
  }
  m_x[1] = context.program.args_base;
  for (size_t p = 1; p < kPipeCount; ++p) {
    if (!core_has_pipe(id.type, static_cast<Pipe>(p))) continue;
    m_pipes[p].present = true;
    m_pipes[p].queue.slots.resize(m_config.pipes.queue_depth);
  }
  m_pipes[0].present = true;  // the scalar pipe has no queue: the scalar unit runs it
  sc_core::sc_spawn([this] { scalar_thread(); }, "s");
  for (size_t p = 1; p < kPipeCount; ++p) {
    if (!m_pipes[p].present) continue;
    const auto pipe = static_cast<Pipe>(p);
    sc_core::sc_spawn([this, pipe] { pipe_thread(pipe); }, std::string(pipe_name(pipe)).c_str());
  }
}

const CoreResult& AiCore::result() {
  Cycle finish = m_s_complete;
  bool finished = m_scalar_done && m_issue_done;
  for (size_t p = 1; p < kPipeCount; ++p) {
    if (!m_pipes[p].present) continue;
    finish = std::max(finish, m_pipes[p].last_complete);
    finished = finished && m_pipes[p].finished;
  }
  m_result.finish = finish;
  m_result.finished = finished;
  return m_result;
}

std::vector<std::string> AiCore::blocked() const {
  std::vector<std::string> out;
  if (!m_scalar_done && m_scalar_waiting.blocked()) {
    out.push_back(
        fmt::format("{}: scalar unit waits for {}", m_id.name(), describe(m_scalar_waiting)));
  }
  for (size_t p = 1; p < kPipeCount; ++p) {
    const PipeUnit& u = m_pipes[p];
    if (u.present && !u.finished && u.waiting.blocked()) {
      out.push_back(fmt::format("{}: pipe {} waits for {}", m_id.name(),
                                pipe_name(static_cast<Pipe>(p)), describe(u.waiting)));
    }
  }
  return out;
}

std::string AiCore::describe(const Blocker& b) const {
  using K = Blocker::Kind;
  switch (b.kind) {
    case K::kNone: return "nothing";
    case K::kFlag:
      return fmt::format("flag {} -> {} event {} (wait_flag), which is not set", pipe_name(b.src),
                         pipe_name(b.dst), b.id);
    case K::kQueueSlot: return fmt::format("a free slot in the queue of pipe {}", pipe_name(b.src));
    case K::kCrossCoreFlag:
      return fmt::format("cross-core flag {} (cross_core_wait_flag), which is 0", b.id);
    case K::kSyncAll:
      return fmt::format("sync_all: the other cores to arrive ({} of {} have)",
                         m_ctx.cross.barrier_arrived, m_ctx.cross.barrier_participants);
    case K::kDrain: return b.why;
  }
  return "?";
}

Cycle AiCore::now() const { return sc_core::sc_time_stamp().value() / m_cycle_value; }

void AiCore::wait_until(Cycle cycle) {
  const Cycle current = now();
  if (cycle > current) {
    wait(sc_core::sc_time::from_value((cycle - current) * m_cycle_value));
  }
}

void AiCore::sync_scalar() { wait_until(m_t); }

void AiCore::wait_for_scalar_results() {
  if (m_s_complete > m_t) {
    m_t = m_s_complete;
    m_slots = 1;  // the instruction being issued
  }
}

[[noreturn]] void AiCore::fail(Pipe pipe, uint64_t pc, const std::string& what) const {
  throw ProgramError(fmt::format("{}, pipe {}, pc 0x{:x} `{}`: {}", m_id.name(), pipe_name(pipe),
                                 pc, m_ctx.program.text(pc), what));
}

void AiCore::check_pipe(Pipe pipe, uint64_t pc) const {
  if (pipe == Pipe::kAll || !m_pipes[static_cast<size_t>(pipe)].present) {
    fail(Pipe::kS, pc,
         fmt::format("pipe {} does not exist on a {} core", pipe_name(pipe), isa::name(m_id.type)));
  }
}

void AiCore::check_event(uint32_t event, uint64_t pc, Pipe pipe) const {
  if (event >= m_config.pipes.event_ids) {
    fail(pipe, pc,
         fmt::format("event id {} is out of range: the chip has {} event ids per pipe pair "
                     "(pipes.event_ids)",
                     event, m_config.pipes.event_ids));
  }
}

// ---- Scalar unit ----------------------------------------------------------------------------

void AiCore::scalar_thread() {
  try {
    run_scalar();
  } catch (const ProgramError& e) {
    m_ctx.fail(e.what());
  }
  m_scalar_done = true;
  m_scalar_waiting = {};
  park();
}

void AiCore::park() { wait(*m_ctx.parked); }

void AiCore::fetch(uint64_t pc) {
  const uint64_t address = m_ctx.program.code_base + pc;
  const uint64_t line = address / m_icache.line_bytes();
  if (line == m_fetched_line) return;
  m_fetched_line = line;
  if (m_icache.access(address)) {
    ++m_result.stats[CoreStat::kIcacheHits];
    return;
  }
  ++m_result.stats[CoreStat::kIcacheMisses];
  // The memory system takes calls in time order: catch SystemC time up first.
  sync_scalar();
  const uint64_t line_address = line * m_icache.line_bytes();
  const TransferTiming t =
      m_ctx.memory.fetch(m_id.index, m_ctx.base + m_t, line_address, m_icache.line_bytes());
  const Cycle done = t.done - m_ctx.base;
  if (done > m_t) {
    m_result.stats[CoreStat::kFetchCycles] += done - m_t;
    m_t = done;
    m_slots = 0;
  }
}

void AiCore::run_scalar() {
  const Program& program = m_ctx.program;
  const uint64_t code_bytes = program.code.size() * 8;
  const uint64_t width = m_config.scalar.issue_width;
  uint64_t pc = program.kernel->entry;
  Cycle next_sync = kSyncQuantum;
  for (;;) {
    // The scalar unit runs ahead of SystemC time; a loop of scalar instructions still lets
    // time advance now and then, so the cycle limit catches endless loops.
    if (m_t >= next_sync) {
      sync_scalar();
      next_sync = m_t + kSyncQuantum;
    }
    if (pc >= code_bytes) {
      throw ProgramError(fmt::format("{}, pipe s: pc 0x{:x} is outside the code (0x0..0x{:x}): "
                                     "the kernel ran past its last instruction without `end`",
                                     m_id.name(), pc, code_bytes));
    }
    // The cycle this instruction issues absent hazards, then the fetch (a fill starts then),
    // then its source registers.
    if (m_slots >= width) {
      ++m_t;
      m_slots = 0;
    }
    fetch(pc);
    const DecodedInst& d = program.code[pc / 8];
    if (!d.valid()) fail(Pipe::kS, pc, isa::decode_error(d.word));
    Cycle ready = m_t;
    for (uint32_t mask = d.read_mask; mask != 0; mask &= mask - 1) {
      ready = std::max(ready, m_ready[static_cast<size_t>(std::countr_zero(mask))]);
    }
    if (ready > m_t) {
      m_result.stats[CoreStat::kDependencyCycles] += ready - m_t;
      m_t = ready;
      m_slots = 0;
    }
    ++m_slots;
    ++m_result.stats[CoreStat::kScalarInstructions];
    if (d.pipe == Pipe::kS || d.pipe == Pipe::kAll) {
      if (!execute_scalar(d, pc)) break;
    } else {
      dispatch(d, pc);
      pc += 8;
    }
  }
  m_issue_done = true;
  for (PipeUnit& u : m_pipes) u.queue.pushed.notify();
}

uint64_t AiCore::read_special(isa::SpecialReg reg) const {
  using S = isa::SpecialReg;
  switch (reg) {
    case S::kBlockIdx: return m_id.block_idx;
    case S::kBlockDim: return m_ctx.block_dim;
    case S::kCoreType: return static_cast<uint64_t>(m_id.type);
    case S::kSubBlockIdx: return m_id.sub_block_idx;
    case S::kSubBlockDim: return m_id.sub_block_dim;
    case S::kCycle: return m_t;
    case S::kArgsBase: return m_ctx.program.args_base;
    case S::kRodataBase: return m_ctx.program.rodata_base;
  }
  return 0;
}

void AiCore::check_smem(uint64_t address, uint32_t size, uint64_t pc) const {
  if (address % size != 0 || address > m_smem.size() || m_smem.size() - address < size) {
    fail(Pipe::kS, pc,
         fmt::format("SMEM address 0x{:x} + {} bytes is outside SMEM ({} bytes) or not "
                     "{}-byte aligned",
                     address, size, m_smem.size(), size));
  }
}

void AiCore::check_gm_alignment(uint64_t address, uint32_t size, uint64_t pc) const {
  if (address % size != 0) {
    fail(Pipe::kS, pc, fmt::format("GM address 0x{:x} is not {}-byte aligned", address, size));
  }
}

uint64_t AiCore::load(isa::Buffer buffer, uint64_t address, isa::DataType type, uint64_t pc) {
  const uint32_t size = isa::element_size(type);
  uint64_t raw = 0;
  if (buffer == isa::Buffer::kSmem) {
    check_smem(address, size, pc);
    std::memcpy(&raw, m_smem.data() + address, size);
    return extend(raw, type);
  }
  check_gm_alignment(address, size, pc);
  try {
    m_ctx.gm.check(address, size);
  } catch (const AccessFault& f) {
    fail(Pipe::kS, pc, f.what());
  }
  const Program& p = m_ctx.program;
  if (m_ctx.gm.backed()) {
    std::memcpy(&raw, m_ctx.gm.span(address, size).data(), size);
  } else if (address >= p.args_base && address - p.args_base + size <= p.args.size()) {
    std::memcpy(&raw, p.args.data() + (address - p.args_base), size);
  } else if (p.rodata_base != 0 && address >= p.rodata_base &&
             address - p.rodata_base + size <= p.rodata.size()) {
    std::memcpy(&raw, p.rodata.data() + (address - p.rodata_base), size);
  } else {
    return ~0ull;  // timing-only: GM data is not computed; the caller marks the register
  }
  return extend(raw, type);
}

void AiCore::store(isa::Buffer buffer, uint64_t address, isa::DataType type, uint64_t value,
                   uint64_t pc) {
  const uint32_t size = isa::element_size(type);
  if (buffer == isa::Buffer::kSmem) {
    check_smem(address, size, pc);
    std::memcpy(m_smem.data() + address, &value, size);
    return;
  }
  const Program& p = m_ctx.program;
  if (p.rodata_base != 0 && address < p.rodata_base + p.rodata.size() &&
      p.rodata_base < address + size) {
    fail(Pipe::kS, pc,
         fmt::format("store to GM 0x{:x} hits the read-only data at 0x{:x} ({} bytes)", address,
                     p.rodata_base, p.rodata.size()));
  }
  check_gm_alignment(address, size, pc);
  try {
    m_ctx.gm.check(address, size);
    if (m_ctx.gm.backed()) std::memcpy(m_ctx.gm.span(address, size).data(), &value, size);
  } catch (const AccessFault& f) {
    fail(Pipe::kS, pc, f.what());
  }
}

bool AiCore::execute_scalar(const DecodedInst& d, uint64_t& pc) {
  const isa::Instruction& in = d.inst;
  const Cycle issue = m_t;
  const uint64_t a = m_x[in.rs1];
  const uint64_t b = m_x[in.rs2];
  const auto sa = static_cast<int64_t>(a);
  const auto sb = static_cast<int64_t>(b);
  const auto imm = static_cast<uint64_t>(in.imm);
  const uint64_t latency = scalar_latency(m_config.scalar, d.info->scalar_class);
  const bool unknown_sources = (m_unknown & d.read_mask) != 0;
  uint64_t value = 0;
  bool writes = d.rd != 0;
  bool unknown_result = unknown_sources;
  uint64_t next = pc + 8;
  bool taken = false;

  auto branch_to = [&](uint64_t target) {
    if (target % 8 != 0 || target >= m_ctx.program.code.size() * 8) {
      fail(Pipe::kS, pc,
           fmt::format("branch target 0x{:x} is outside the code (0x0..0x{:x}) or not a "
                       "multiple of 8",
                       target, m_ctx.program.code.size() * 8));
    }
    next = target;
    taken = true;
  };
  auto branch_if = [&](bool condition) {
    if (unknown_sources) m_ctx.data_dependent_control = true;
    if (condition) branch_to(pc + imm * 8);
  };

  switch (in.opcode) {
    case Opcode::kAdd: value = a + b; break;
    case Opcode::kSub: value = a - b; break;
    case Opcode::kMul: value = a * b; break;
    case Opcode::kDiv:
      value = b == 0 ? ~0ull
              : (sa == INT64_MIN && sb == -1) ? a
                                              : static_cast<uint64_t>(sa / sb);
      break;
    case Opcode::kDivu: value = b == 0 ? ~0ull : a / b; break;
    case Opcode::kRem:
      value = b == 0 ? a : (sa == INT64_MIN && sb == -1) ? 0 : static_cast<uint64_t>(sa % sb);
      break;
    case Opcode::kRemu: value = b == 0 ? a : a % b; break;
    case Opcode::kAnd: value = a & b; break;
    case Opcode::kOr: value = a | b; break;
    case Opcode::kXor: value = a ^ b; break;
    case Opcode::kSll: value = a << (b & 63); break;
    case Opcode::kSrl: value = a >> (b & 63); break;
    case Opcode::kSra: value = static_cast<uint64_t>(sa >> (b & 63)); break;
    case Opcode::kSlt: value = sa < sb ? 1 : 0; break;
    case Opcode::kSltu: value = a < b ? 1 : 0; break;
    case Opcode::kMin: value = static_cast<uint64_t>(std::min(sa, sb)); break;
    case Opcode::kMax: value = static_cast<uint64_t>(std::max(sa, sb)); break;
    case Opcode::kMinu: value = std::min(a, b); break;
    case Opcode::kMaxu: value = std::max(a, b); break;
    case Opcode::kAddi: value = a + imm; break;
    case Opcode::kMuli: value = a * imm; break;
    case Opcode::kAndi: value = a & imm; break;
    case Opcode::kOri: value = a | imm; break;
    case Opcode::kXori: value = a ^ imm; break;
    case Opcode::kSlli: value = a << (imm & 63); break;
    case Opcode::kSrli: value = a >> (imm & 63); break;
    case Opcode::kSrai: value = static_cast<uint64_t>(sa >> (imm & 63)); break;
    case Opcode::kSlti: value = sa < in.imm ? 1 : 0; break;
    case Opcode::kSltiu: value = a < imm ? 1 : 0; break;
    case Opcode::kLui: value = imm << 32; break;
    case Opcode::kLds: value = load(isa::Buffer::kSmem, a + imm, in.dtype, pc); break;
    case Opcode::kSts: store(isa::Buffer::kSmem, a + imm, in.dtype, b, pc); break;
    case Opcode::kLdg:
    case Opcode::kStg: {
      sync_scalar();
      const bool is_store = in.opcode == Opcode::kStg;
      if (is_store) {
        store(isa::Buffer::kGm, a + imm, in.dtype, b, pc);
      } else {
        value = load(isa::Buffer::kGm, a + imm, in.dtype, pc);
        if (!m_ctx.gm.backed() && value == ~0ull) unknown_result = true;
      }
      if (m_race != nullptr) {
        const uint64_t size = isa::element_size(in.dtype);
        const RaceChecker::Touch touch{isa::Buffer::kGm, {a + imm, 1, size, size}, is_store};
        check_race(Pipe::kS, pc, &touch, 1);
      }
      break;
    }
    case Opcode::kBeq: branch_if(a == b); break;
    case Opcode::kBne: branch_if(a != b); break;
    case Opcode::kBlt: branch_if(sa < sb); break;
    case Opcode::kBge: branch_if(sa >= sb); break;
    case Opcode::kBltu: branch_if(a < b); break;
    case Opcode::kBgeu: branch_if(a >= b); break;
    case Opcode::kJal:
      value = pc + 8;
      unknown_result = false;
      branch_to(pc + imm * 8);
      break;
    case Opcode::kJalr:
      if (unknown_sources) m_ctx.data_dependent_control = true;
      value = pc + 8;
      unknown_result = false;
      branch_to(a + imm);
      break;
    case Opcode::kRdsr:
      value = read_special(in.special_reg());
      unknown_result = false;
      break;
    case Opcode::kEnd:
      m_s_complete = std::max(m_s_complete, m_t + latency);
      if (m_trace != nullptr) {
        m_trace->add(TraceSlice{issue, issue, latency, pc, m_id.index, static_cast<uint8_t>(Pipe::kS)});
      }
      return false;
    case Opcode::kSetFlag: {
      check_pipe(in.dst_pipe, pc);
      check_event(in.event, pc, Pipe::kS);
      wait_for_scalar_results();
      sync_scalar();
      set_flag(Pipe::kS, in.dst_pipe, in.event, pc);
      break;
    }
    case Opcode::kWaitFlag: {
      check_pipe(in.pipe, pc);
      check_event(in.event, pc, Pipe::kS);
      sync_scalar();
      const Cycle from = now();
      wait_flag(in.pipe, Pipe::kS, in.event, pc, m_pipes[0]);
      m_result.stats(Pipe::kS, PipeStat::kFlagWaitCycles) += now() - from;
      m_t = now();
      m_slots = 0;
      break;
    }
    case Opcode::kPipeBarrier:
      if (in.pipe == Pipe::kAll) {
        drain_all("pipe_barrier all: every pipe to drain");
      } else {
        wait_for_scalar_results();
      }
      break;
    case Opcode::kSyncAll: {
      drain_all("sync_all: every pipe to drain");
      CrossCore& cross = m_ctx.cross;
      const Cycle from = now();
      if (++cross.barrier_arrived == cross.barrier_participants) {
        if (m_race != nullptr) m_race->join_everything();
        cross.barrier_arrived = 0;
        ++cross.barrier_generation;
        cross.barrier_release->notify();
      } else {
        const uint64_t generation = cross.barrier_generation;
        m_scalar_waiting = {Blocker::Kind::kSyncAll};
        while (cross.barrier_generation == generation) wait(*cross.barrier_release);
        m_scalar_waiting = {};
      }
      m_result.stats(Pipe::kS, PipeStat::kBarrierCycles) += now() - from;
      m_t = now();
      m_slots = 0;
      break;
    }
    case Opcode::kCrossCoreSetFlag:
      wait_for_scalar_results();
      sync_scalar();
      cross_core_set(in.cross_core_mode(), in.event, pc, Pipe::kS);
      break;
    case Opcode::kCrossCoreWaitFlag: {
      sync_scalar();
      const Cycle from = now();
      cross_core_wait(in.event, pc, Pipe::kS, m_pipes[0]);
      m_result.stats(Pipe::kS, PipeStat::kFlagWaitCycles) += now() - from;
      m_t = now();
      m_slots = 0;
      break;
    }
    default:
      NPU_UNREACHABLE(fmt::format("{} is not a scalar instruction", d.info->mnemonic));
  }
  if (writes && d.info->timing == isa::TimingKind::kScalar) {
    m_x[d.rd] = value;
    m_ready[d.rd] = m_t + latency;
    if (unknown_result) {
      m_unknown |= 1u << d.rd;
    } else {
      m_unknown &= ~(1u << d.rd);
    }
  }
  if (d.info->timing == isa::TimingKind::kScalar) {
    m_s_complete = std::max(m_s_complete, m_t + latency);
  }
  if (m_trace != nullptr) {
    const Cycle duration = d.info->timing == isa::TimingKind::kScalar ? latency : m_t - issue;
    m_trace->add(TraceSlice{issue, issue, duration, pc, m_id.index, static_cast<uint8_t>(Pipe::kS)});
  }
  if (taken) {
    const uint64_t penalty = m_config.scalar.branch_penalty_cycles;
    m_result.stats[CoreStat::kBranchCycles] += penalty;
    m_t += 1 + penalty;
    m_slots = 0;
  }
  pc = next;
  return true;
}

void AiCore::dispatch(const DecodedInst& d, uint64_t pc) {
  check_pipe(d.pipe, pc);
  PipeUnit& u = m_pipes[static_cast<size_t>(d.pipe)];
  if (u.queue.full()) {
    sync_scalar();
    const Cycle from = now();
    while (u.queue.full()) {
      m_scalar_waiting = {Blocker::Kind::kQueueSlot, d.pipe};
      u.queue.scalar_waiting = true;
      wait(u.queue.popped);
      u.queue.scalar_waiting = false;
    }
    m_scalar_waiting = {};
    if (now() > from) {
      m_result.stats[CoreStat::kQueueFullCycles] += now() - from;
      m_t = now();
      m_slots = 1;
    }
  }
  Queue& q = u.queue;
  Entry& e = q.slots[(q.head + q.count) % q.slots.size()];
  e.decoded = &d;
  e.pc = pc;
  e.dispatch = m_t;
  e.op.inst = &d.inst;
  const isa::Instruction& in = d.inst;
  e.op.rs = {m_x[in.rs1], m_x[in.rs2], m_x[in.rs3], m_x[in.rs4], m_x[in.rs5]};
  if (m_race != nullptr) e.scalar_clock = scalar_clock();
  ++q.count;
  if (q.pipe_waiting) q.pushed.notify();
}

void AiCore::drain_all(const char* why) {
  sync_scalar();
  const Cycle from = now();
  for (;;) {
    bool busy = false;
    for (size_t p = 1; p < kPipeCount; ++p) {
      busy = busy || m_pipes[p].queue.count > 0 || m_pipes[p].active;
    }
    if (!busy) break;
    m_scalar_waiting = {Blocker::Kind::kDrain};
    m_scalar_waiting.why = why;
    m_draining = true;
    wait(m_progress);
    m_draining = false;
  }
  m_scalar_waiting = {};
  Cycle done = std::max(now(), m_s_complete);
  for (size_t p = 1; p < kPipeCount; ++p) done = std::max(done, m_pipes[p].last_complete);
  wait_until(done);
  m_result.stats(Pipe::kS, PipeStat::kBarrierCycles) += now() - from;
  m_t = now();
  m_slots = 0;
  if (m_race != nullptr) m_race->join_core(m_id.index);
}

// ---- Pipes ----------------------------------------------------------------------------------

void AiCore::pipe_thread(Pipe pipe) {
  try {
    run_pipe(pipe);
  } catch (const ProgramError& e) {
    m_ctx.fail(e.what());
  }
  park();
}

void AiCore::run_pipe(Pipe pipe) {
  PipeUnit& u = m_pipes[static_cast<size_t>(pipe)];
  Queue& q = u.queue;
  for (;;) {
    while (q.count == 0) {
      if (m_issue_done) {
        u.finished = true;
        return;
      }
      q.pipe_waiting = true;
      wait(q.pushed);
      q.pipe_waiting = false;
    }
    const Entry e = q.slots[q.head];
    const Cycle start = std::max(u.accept, e.dispatch + 1);
    wait_until(start);
    q.head = (q.head + 1) % q.slots.size();
    --q.count;
    if (q.scalar_waiting) q.popped.notify();
    u.active = true;
    if (m_race != nullptr) m_race->join(race_unit(pipe), *e.scalar_clock);
    const isa::Instruction& in = *e.op.inst;
    const isa::InstructionInfo& info = *e.decoded->info;
    ++m_result.stats(pipe, PipeStat::kInstructions);
    switch (info.timing) {
      case isa::TimingKind::kSync: {
        Cycle effect = start;
        if (in.opcode == Opcode::kSetFlag || in.opcode == Opcode::kCrossCoreSetFlag ||
            in.opcode == Opcode::kPipeBarrier) {
          effect = std::max(start, u.last_complete);
          m_result.stats(pipe, PipeStat::kBarrierCycles) += effect - start;
        }
        if (in.opcode == Opcode::kSetFlag) {
          check_pipe(in.dst_pipe, e.pc);
          check_event(in.event, e.pc, pipe);
          wait_until(effect);
          set_flag(pipe, in.dst_pipe, in.event, e.pc);
        } else if (in.opcode == Opcode::kWaitFlag) {
          check_pipe(in.pipe, e.pc);
          check_event(in.event, e.pc, pipe);
          wait_flag(in.pipe, pipe, in.event, e.pc, u);
          effect = now();
          m_result.stats(pipe, PipeStat::kFlagWaitCycles) += effect - start;
        } else if (in.opcode == Opcode::kCrossCoreSetFlag) {
          wait_until(effect);
          cross_core_set(in.cross_core_mode(), in.event, e.pc, pipe);
        } else if (in.opcode == Opcode::kCrossCoreWaitFlag) {
          cross_core_wait(in.event, e.pc, pipe, u);
          effect = now();
          m_result.stats(pipe, PipeStat::kFlagWaitCycles) += effect - start;
        }
        u.accept = effect;
        if (m_trace != nullptr) {
          m_trace->add(TraceSlice{e.dispatch, start, effect - start, e.pc, m_id.index,
                                  static_cast<uint8_t>(pipe)});
        }
        break;
      }
      case isa::TimingKind::kControl: {
        if (m_ctx.options.timing_only) {
          m_executor.apply_state(e.op, m_state);
        } else {
          try {
            m_executor.execute(e.op, m_state, m_buffers, m_ctx.gm);
          } catch (const AccessFault& f) {
            fail(pipe, e.pc, f.what());
          }
        }
        u.accept = start + 1;
        u.last_complete = std::max(u.last_complete, start + 1);
        ++m_result.stats(pipe, PipeStat::kBusyCycles);
        if (m_trace != nullptr) {
          m_trace->add(TraceSlice{e.dispatch, start, 1, e.pc, m_id.index, static_cast<uint8_t>(pipe)});
        }
        break;
      }
      default: run_work(pipe, e, start); break;
    }
    u.active = false;
    if (m_draining) m_progress.notify();
  }
}

void AiCore::run_work(Pipe pipe, const Entry& e, Cycle start) {
  PipeUnit& u = m_pipes[static_cast<size_t>(pipe)];
  const isa::Instruction& in = *e.op.inst;
  const isa::InstructionInfo& info = *e.decoded->info;
  try {
    m_executor.describe(e.op, m_state, m_buffers, m_ctx.gm, m_work);
  } catch (const AccessFault& f) {
    fail(pipe, e.pc, f.what());
  }
  Cycle occupancy = 1;
  Cycle latency = 1;
  CoreStats& stats = m_result.stats;
  switch (info.timing) {
    case isa::TimingKind::kVector: {
      const uint32_t width = std::max(isa::element_size(in.dtype), isa::element_size(in.src_dtype));
      const PipeTiming t = vector_timing(m_config, info.vector_class, m_work.repeats, width);
      occupancy = t.occupancy;
      latency = t.latency;
      stats[CoreStat::kVectorElementOps] += m_work.element_ops;
      break;
    }
    case isa::TimingKind::kCube: {
      const PipeTiming t = cube_timing(m_config, in.src_dtype, m_work.fractals);
      occupancy = t.occupancy;
      latency = t.latency;
      stats[CoreStat::kCubeMacs] += m_work.macs;
      stats[cube_macs_stat(in.src_dtype)] += m_work.macs;
      break;
    }
    case isa::TimingKind::kMove: {
      NPU_CHECK(info.path.has_value(), std::string(info.mnemonic) + " has no data path");
      const isa::DataPath path = *info.path;
      const config::DataPath& pc = path_config(m_config, path);
      if (!pc.enabled) {
        fail(pipe, e.pc,
             fmt::format("data path {} does not exist on this chip (paths.{}.enabled)",
                         isa::name(path), isa::name(path)));
      }
      if (m_work.has_gm) {
        const TransferTiming t = m_ctx.memory.transfer(m_id.index, path, m_ctx.base + start,
                                                       m_work.gm, m_work.gm_write);
        latency = std::max<Cycle>(1, t.done - m_ctx.base - start);
        stats(pipe, PipeStat::kBandwidthCycles) += t.done - std::min(t.done, t.uncontended);
      } else {
        latency = std::max<Cycle>(1, m_ctx.memory.local_transfer_cycles(path, m_work.bytes));
      }
      occupancy = latency > pc.latency_cycles ? latency - pc.latency_cycles : 1;
      stats.path_bytes[static_cast<size_t>(path)] += m_work.bytes;
      break;
    }
    default: NPU_UNREACHABLE("run_work on a sync or scalar instruction");
  }
  if (m_race != nullptr) check_work_race(pipe, e);
  if (!m_ctx.options.timing_only) {
    try {
      m_executor.execute(e.op, m_state, m_buffers, m_ctx.gm);
    } catch (const AccessFault& f) {
      fail(pipe, e.pc, f.what());
    }
  }
  if (info.timing == isa::TimingKind::kCube && m_cube) {
    // A cube that measures its own cycles (the RTL in the loop) times the pipe.
    if (const std::optional<PipeTiming> measured = m_cube->take_measured_timing()) {
      occupancy = measured->occupancy;
      latency = measured->latency;
    }
  }
  u.accept = start + occupancy;
  u.last_complete = std::max(u.last_complete, start + latency);
  stats(pipe, PipeStat::kBusyCycles) += occupancy;
  if (m_trace != nullptr) {
    m_trace->add(TraceSlice{e.dispatch, start, latency, e.pc, m_id.index, static_cast<uint8_t>(pipe)});
  }
}

std::shared_ptr<const RaceChecker::Clock> AiCore::scalar_clock() {
  const RaceChecker::Unit s = race_unit(Pipe::kS);
  if (!m_scalar_clock || m_scalar_clock_version != m_race->version(s)) {
    m_scalar_clock = std::make_shared<const RaceChecker::Clock>(m_race->clock(s));
    m_scalar_clock_version = m_race->version(s);
  }
  return m_scalar_clock;
}

void AiCore::check_work_race(Pipe pipe, const Entry& e) {
  // GM sides are checked by their exact burst pattern; local operands by bounding interval.
  std::array<RaceChecker::Touch, 4> touches;
  // Atomic-add stores (MTE3's atomic copy, the fixpipe's atomic=1) to the same bytes commute.
  const bool atomic = e.op.inst->opcode == Opcode::kCopyUbToGmAtomicAdd ||
                      (e.op.inst->opcode == Opcode::kFixL0cToGm && e.op.inst->atomic);
  for (size_t i = 0; i < m_work.access_count; ++i) {
    const Access& a = m_work.accesses[i];
    RaceChecker::Touch& t = touches[i];
    t.buffer = a.buffer;
    t.write = a.write;
    if (a.buffer == isa::Buffer::kGm && m_work.has_gm) {
      t.pattern = m_work.gm;
      t.atomic = atomic && a.write;
    } else {
      t.pattern = GmPattern{a.address, 1, a.bytes, a.bytes};
    }
  }
  check_race(pipe, e.pc, touches.data(), m_work.access_count);
}

void AiCore::check_race(Pipe pipe, uint64_t pc, const RaceChecker::Touch* touches, size_t count) {
  const auto conflict = m_race->check(race_unit(pipe), pc, touches, count);
  if (!conflict) return;
  const RaceChecker::Conflict& c = *conflict;
  const GmPattern& p = c.now.pattern;
  const uint64_t end = p.address + (p.count - 1) * p.stride + p.length;
  const bool same_core = c.core == m_id.index;
  fail(pipe, pc,
       fmt::format("race: this instruction {} {} bytes 0x{:x}..0x{:x}, which {}pipe {} {} at pc "
                   "0x{:x} `{}` (bytes 0x{:x}..0x{:x}) with no {} ordering the two",
                   c.now.write ? "writes" : "reads", isa::name(c.now.buffer), p.address, end,
                   same_core ? "" : fmt::format("core {} ", c.core), pipe_name(c.pipe),
                   c.write ? "wrote" : "read", c.pc, m_ctx.program.text(c.pc), c.lo, c.hi,
                   same_core ? "set_flag/wait_flag or barrier"
                             : "sync_all or cross-core flag"));
}

void AiCore::set_flag(Pipe src, Pipe dst, uint32_t event, uint64_t pc) {
  if (!m_flags.set(src, dst, event)) {
    fail(src, pc,
         fmt::format("flag {} -> {} event {} set twice: it is still set (no wait_flag consumed "
                     "it since the last set_flag)",
                     pipe_name(src), pipe_name(dst), event));
  }
  if (m_race != nullptr) {
    m_race->tick(race_unit(src));
    m_flags.clock(src, dst, event) = m_race->clock(race_unit(src));
  }
  m_flag_set[static_cast<size_t>(dst)].notify();
}

void AiCore::wait_flag(Pipe src, Pipe dst, uint32_t event, uint64_t /*pc*/, PipeUnit& unit) {
  if (!m_flags.consume(src, dst, event)) {
    unit.waiting = {Blocker::Kind::kFlag, src, dst, event};
    if (dst == Pipe::kS) m_scalar_waiting = unit.waiting;
    while (!m_flags.consume(src, dst, event)) wait(m_flag_set[static_cast<size_t>(dst)]);
    unit.waiting = {};
    if (dst == Pipe::kS) m_scalar_waiting = {};
  }
  if (m_race != nullptr) m_race->join(race_unit(dst), m_flags.clock(src, dst, event));
}

void AiCore::cross_core_set(isa::CrossCoreMode mode, uint32_t flag_id, uint64_t pc, Pipe pipe) {
  CrossCore& cross = m_ctx.cross;
  if (flag_id >= cross.flags) {
    fail(pipe, pc,
         fmt::format("cross-core flag {} is out of range: the chip has {} (pipes.cross_core_flags)",
                     flag_id, cross.flags));
  }
  const size_t slot = static_cast<size_t>(m_id.index) * cross.flags + flag_id;
  std::vector<uint32_t> targets;
  // --racecheck: a round's count carries the join of its arrivals' clocks (race_checker.h).
  uint64_t round = 0;
  if (m_race != nullptr) m_race->tick(race_unit(pipe));
  switch (mode) {
    case isa::CrossCoreMode::kSameType: {
      // A round completes when every core of this type in the launch has arrived.
      if (cross.arrived_type[slot] != 0) break;  // counts once per round
      cross.arrived_type[slot] = 1;
      round = (uint64_t{1} << 62) | (static_cast<uint64_t>(m_id.type) * cross.flags + flag_id);
      if (m_race != nullptr) m_race->arrive(round, race_unit(pipe));
      uint32_t& arrivals =
          cross.type_arrivals[static_cast<size_t>(m_id.type) * cross.flags + flag_id];
      uint32_t members = 0;
      for (uint32_t c = 0; c < cross.types.size(); ++c) {
        members += cross.in_launch[c] && cross.types[c] == m_id.type ? 1 : 0;
      }
      if (++arrivals < members) break;
      arrivals = 0;
      for (uint32_t c = 0; c < cross.types.size(); ++c) {
        if (!cross.in_launch[c] || cross.types[c] != m_id.type) continue;
        targets.push_back(c);
        cross.arrived_type[static_cast<size_t>(c) * cross.flags + flag_id] = 0;
      }
      break;
    }
    case isa::CrossCoreMode::kAivPair:
      if (m_id.type != isa::CoreType::kAiv) {
        fail(pipe, pc,
             fmt::format("mode aiv_pair is only allowed on an AIV core (this is a {} core)",
                         isa::name(m_id.type)));
      }
      for (uint32_t c : m_id.aivs) {
        if (c != m_id.index) targets.push_back(c);
      }
      break;
    case isa::CrossCoreMode::kAicAiv:
      if (m_id.type == isa::CoreType::kCoupled) {
        fail(pipe, pc, "mode aic_aiv needs a split chip (this is a coupled core)");
      }
      if (m_id.type == isa::CoreType::kAic) {
        targets = m_id.aivs;
      } else {
        // The AIC hears about it when every AIV of its AI core has arrived.
        if (cross.arrived_block[slot] != 0) break;
        cross.arrived_block[slot] = 1;
        round = (uint64_t{1} << 61) | (static_cast<uint64_t>(m_id.aic) * cross.flags + flag_id);
        if (m_race != nullptr) m_race->arrive(round, race_unit(pipe));
        uint32_t& arrivals = cross.block_arrivals[static_cast<size_t>(m_id.aic) * cross.flags + flag_id];
        if (++arrivals < m_id.aivs.size()) break;
        arrivals = 0;
        for (uint32_t c : m_id.aivs) {
          cross.arrived_block[static_cast<size_t>(c) * cross.flags + flag_id] = 0;
        }
        targets.push_back(m_id.aic);
      }
      break;
  }
  for (uint32_t c : targets) {
    uint8_t& counter = cross.counters[c * cross.flags + flag_id];
    if (counter >= CrossCore::kCounterMax) {
      fail(pipe, pc,
           fmt::format("cross-core flag {} of core {} overflows: it already counts {} (the "
                       "maximum)",
                       flag_id, c, counter));
    }
    ++counter;
    if (m_race != nullptr) {
      const uint64_t channel = static_cast<uint64_t>(c) * cross.flags + flag_id;
      if (round != 0) {
        m_race->release(round, channel);
      } else {
        m_race->signal(channel, race_unit(pipe));
      }
    }
    cross.raised[c]->notify();
  }
  if (m_race != nullptr && round != 0 && !targets.empty()) m_race->end_round(round);
}

void AiCore::cross_core_wait(uint32_t flag_id, uint64_t pc, Pipe pipe, PipeUnit& unit) {
  CrossCore& cross = m_ctx.cross;
  if (flag_id >= cross.flags) {
    fail(pipe, pc,
         fmt::format("cross-core flag {} is out of range: the chip has {} (pipes.cross_core_flags)",
                     flag_id, cross.flags));
  }
  uint8_t& counter = cross.counters[m_id.index * cross.flags + flag_id];
  if (counter == 0) {
    unit.waiting = {Blocker::Kind::kCrossCoreFlag, Pipe::kS, Pipe::kS, flag_id};
    if (pipe == Pipe::kS) m_scalar_waiting = unit.waiting;
    while (counter == 0) wait(*cross.raised[m_id.index]);
    unit.waiting = {};
    if (pipe == Pipe::kS) m_scalar_waiting = {};
  }
  --counter;
  if (m_race != nullptr) {
    m_race->consume(static_cast<uint64_t>(m_id.index) * cross.flags + flag_id, race_unit(pipe));
  }
}

}  // namespace npu::sim
