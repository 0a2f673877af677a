// The chip's host-side API and the launch sequence (see chip.h).
#include "sim/core/chip.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "base/error.h"
#include "sim/core/chip_model.h"

#if defined(__SANITIZE_ADDRESS__)
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace npu::sim {

namespace {

// libsystemc tells AddressSanitizer about its coroutine switches (weak references to the
// sanitizer's fiber hooks), but after a launch whose threads were killed ASan may still believe
// the host thread runs on a coroutine's stack; the next exception thrown on the real stack then
// cannot clear the stack's shadow and later code sees false "stack-buffer-overflow" reports.
// After each launch, on the host thread's own stack, say so explicitly. No-op without ASan.
void reset_sanitizer_stack_bounds() {
#if defined(__SANITIZE_ADDRESS__)
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* bottom = nullptr;
  size_t size = 0;
  pthread_attr_getstack(&attr, &bottom, &size);
  pthread_attr_destroy(&attr);
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}

// Makes a fresh SystemC simulation context current for one launch and deletes it afterwards.
// The context libsystemc made at load time stays alive and current between launches: static
// kernel objects (sc_process_handle::non_event) registered in it at load time unregister from
// it when the process exits.
class SimContextScope {
 public:
  SimContextScope() {
    NPU_CHECK(!s_active, "a launch started while another one runs");
    s_active = true;
    m_process_context = sc_core::sc_get_curr_simcontext();
    m_context = new sc_core::sc_simcontext;
    sc_core::sc_curr_simcontext = m_context;
    sc_core::sc_default_global_context = m_context;
    // sc_pause() / sc_stop() are how program errors end a simulation; not news to the user.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  }
  ~SimContextScope() {
    reset_sanitizer_stack_bounds();
    delete m_context;
    sc_core::sc_curr_simcontext = m_process_context;
    sc_core::sc_default_global_context = m_process_context;
    s_active = false;
  }
  SimContextScope(const SimContextScope&) = delete;
  SimContextScope& operator=(const SimContextScope&) = delete;

 private:
  static inline bool s_active = false;
  sc_core::sc_simcontext* m_process_context;
  sc_core::sc_simcontext* m_context;
};

// GM allocations of one launch (code, read-only data, arguments), freed when it ends.
class LaunchAllocations {
 public:
  explicit LaunchAllocations(GlobalMemory& gm) : m_gm(gm) {}
  ~LaunchAllocations() {
    for (uint64_t a : m_addresses) m_gm.free(a);
  }
  LaunchAllocations(const LaunchAllocations&) = delete;
  LaunchAllocations& operator=(const LaunchAllocations&) = delete;

  uint64_t place(std::span<const uint8_t> bytes, const std::string& name) {
    const uint64_t address = m_gm.allocate(std::max<uint64_t>(bytes.size(), 8), name);
    m_addresses.push_back(address);
    if (m_gm.backed() && !bytes.empty()) {
      std::memcpy(m_gm.span(address, bytes.size()).data(), bytes.data(), bytes.size());
    }
    return address;
  }

 private:
  GlobalMemory& m_gm;
  std::vector<uint64_t> m_addresses;
};

MemoryStats minus(const MemoryStats& a, const MemoryStats& b) {
  return MemoryStats{a.l2_hits - b.l2_hits, a.l2_misses - b.l2_misses,
                     a.l2_writebacks - b.l2_writebacks, a.hbm_read_bytes - b.hbm_read_bytes,
                     a.hbm_write_bytes - b.hbm_write_bytes};
}

uint32_t total_cores(const config::ChipConfig& c) {
  return static_cast<uint32_t>(c.chip.cores + (c.split() ? c.chip.cores * c.chip.aiv_per_core : 0));
}

}  // namespace

Chip::Chip(const config::ChipConfig& config, const SimOptions& options)
    : m_config(config),
      m_options(options),
      m_core_count(total_cores(config)),
      m_gm(config.hbm.capacity_bytes, !options.timing_only),
      m_memory(std::make_unique<MemorySystem>(m_config, m_core_count)),
      m_buffers(m_core_count) {
  if (options.timing_only && options.cube_backend) {
    throw UserError("a cube backend (the RTL cube in the loop) needs functional mode: it "
                    "computes the data, which timing-only mode skips");
  }
}

Chip::~Chip() = default;

std::vector<CoreId> Chip::launch_cores(uint32_t block_dim) const {
  std::vector<CoreId> out;
  if (!m_config.split()) {
    for (uint32_t b = 0; b < block_dim; ++b) {
      CoreId id;
      id.index = b;
      id.block_idx = b;
      out.push_back(id);
    }
    return out;
  }
  const auto cores = static_cast<uint32_t>(m_config.chip.cores);
  const auto aivs = static_cast<uint32_t>(m_config.chip.aiv_per_core);
  for (uint32_t b = 0; b < block_dim; ++b) {
    CoreId id;
    id.index = b;
    id.type = isa::CoreType::kAic;
    id.block_idx = b;
    id.aic = b;
    id.sub_block_dim = aivs;
    for (uint32_t v = 0; v < aivs; ++v) id.aivs.push_back(cores + b * aivs + v);
    out.push_back(id);
  }
  for (uint32_t b = 0; b < block_dim; ++b) {
    for (uint32_t v = 0; v < aivs; ++v) {
      CoreId id = out[b];
      id.index = cores + b * aivs + v;
      id.type = isa::CoreType::kAiv;
      id.sub_block_idx = v;
      out.push_back(id);
    }
  }
  return out;
}

LocalBuffers& Chip::buffers(uint32_t core, isa::CoreType type) {
  std::unique_ptr<LocalBuffers>& b = m_buffers[core];
  if (!b) b = std::make_unique<LocalBuffers>(m_config, type, !m_options.timing_only);
  return *b;
}

RunResult Chip::launch(const isa::Binary& binary, std::string_view kernel_name,
                       std::span<const uint64_t> args, uint32_t block_dim) {
  const isa::Kernel* kernel = binary.find_kernel(kernel_name);
  if (kernel == nullptr) {
    std::string names;
    for (const isa::Kernel& k : binary.kernels) names += (names.empty() ? "" : ", ") + k.name;
    throw UserError(fmt::format("no kernel named '{}' in the binary (it has: {})", kernel_name,
                                names.empty() ? "none" : names));
  }
  if (args.size() != kernel->args.size()) {
    throw UserError(fmt::format("kernel '{}' takes {} arguments, {} given", kernel->name,
                                kernel->args.size(), args.size()));
  }
  if (block_dim == 0 || block_dim > m_config.chip.cores) {
    throw UserError(fmt::format("block_dim {} is out of range: the chip has {} AI cores",
                                block_dim, m_config.chip.cores));
  }

  Program program;
  program.code = decode_program(binary);
  program.kernel = kernel;
  program.rodata = binary.rodata;
  program.args.resize(8 * args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const uint32_t size = kernel->args[i].size();
    std::memcpy(program.args.data() + 8 * i, &args[i], size);
  }
  LaunchAllocations allocations(m_gm);
  std::vector<uint8_t> code_bytes(binary.code.size() * 8);
  std::memcpy(code_bytes.data(), binary.code.data(), code_bytes.size());
  program.code_base = allocations.place(code_bytes, "code of " + kernel->name);
  if (!binary.rodata.empty()) {
    program.rodata_base = allocations.place(binary.rodata, "rodata of " + kernel->name);
  }
  program.args_base = allocations.place(program.args, "arguments of " + kernel->name);

  const std::vector<CoreId> ids = launch_cores(block_dim);
  std::vector<LocalBuffers*> buffer_list;
  for (const CoreId& id : ids) buffer_list.push_back(&buffers(id.index, id.type));

  RunResult result;
  result.kernel = kernel->name;
  result.block_dim = block_dim;
  result.timing_only = m_options.timing_only;
  result.trace.limit = m_options.trace ? m_options.trace_limit : 0;
  const MemoryStats before = m_memory->stats();

  LaunchContext context(m_config, m_options, m_gm, *m_memory, program);
  context.block_dim = block_dim;
  context.base = m_clock;
  context.cross.flags = static_cast<uint32_t>(m_config.pipes.cross_core_flags);
  context.cross.types.assign(m_core_count, isa::CoreType::kCoupled);
  context.cross.in_launch.assign(m_core_count, false);
  for (const CoreId& id : ids) {
    context.cross.types[id.index] = id.type;
    context.cross.in_launch[id.index] = true;
  }
  const size_t flag_slots = static_cast<size_t>(m_core_count) * context.cross.flags;
  context.cross.type_arrivals.assign(3 * context.cross.flags, 0);
  context.cross.block_arrivals.assign(flag_slots, 0);
  context.cross.arrived_type.assign(flag_slots, 0);
  context.cross.arrived_block.assign(flag_slots, 0);
  context.cross.counters.assign(static_cast<size_t>(m_core_count) * context.cross.flags, 0);
  context.cross.barrier_participants = static_cast<uint32_t>(ids.size());
  if (m_options.racecheck && !m_options.timing_only) {
    context.race = std::make_unique<RaceChecker>(m_core_count);
  }

  std::vector<std::string> blocked;
  bool limit_reached = false;
  {
    SimContextScope scope;
    for (uint32_t c = 0; c < m_core_count; ++c) {
      context.cross.raised.push_back(std::make_unique<sc_core::sc_event>());
    }
    context.cross.barrier_release = std::make_unique<sc_core::sc_event>();
    context.parked = std::make_unique<sc_core::sc_event>();
    ChipModel model("chip", context, ids, buffer_list, m_options.trace ? &result.trace : nullptr);
    const uint64_t cycle = sc_core::sc_time(1, sc_core::SC_NS).value();
    sc_core::sc_start(sc_core::sc_time::from_value(m_options.cycle_limit * cycle),
                      sc_core::SC_EXIT_ON_STARVATION);
    const Cycle end = sc_core::sc_time_stamp().value() / cycle;
    for (auto& core : model.cores()) {
      result.cores.push_back(core->result());
      result.cycles = std::max(result.cycles, result.cores.back().finish);
    }
    if (!context.error) {
      const bool all_done = std::all_of(result.cores.begin(), result.cores.end(),
                                        [](const CoreResult& r) { return r.finished; });
      if (!all_done) {
        limit_reached = sc_core::sc_pending_activity();
        blocked = model.blocked();
      }
      result.cycles = std::max(result.cycles, end);
    }
    model.end_threads();
    context.cross.raised.clear();
    context.cross.barrier_release.reset();
    context.parked.reset();
  }
  m_clock += result.cycles;
  if (context.error) throw ProgramError(*context.error);
  if (limit_reached) {
    throw ProgramError(fmt::format(
        "cycle limit reached: kernel '{}' has not finished after {} cycles (raise the limit "
        "with --cycle-limit if it is expected to run longer)",
        kernel->name, m_options.cycle_limit));
  }
  if (!blocked.empty() ||
      !std::all_of(result.cores.begin(), result.cores.end(),
                   [](const CoreResult& r) { return r.finished; })) {
    std::string text = fmt::format(
        "deadlock at cycle {}: kernel '{}' cannot go on, every unfinished unit is blocked:",
        result.cycles, kernel->name);
    for (const std::string& line : blocked) text += "\n  " + line;
    throw ProgramError(text);
  }
  result.seconds = static_cast<double>(result.cycles) / (m_config.chip.clock_mhz * 1e6);
  result.data_dependent_control = context.data_dependent_control;
  result.memory = minus(m_memory->stats(), before);
  if (m_options.trace) {
    result.instruction_text.resize(program.code.size());
    for (size_t i = 0; i < program.code.size(); ++i) {
      result.instruction_text[i] = program.text(i * 8);
    }
  }
  return result;
}

}  // namespace npu::sim

// libsystemc's own main() refers to sc_main. npusim has its own entry points (the CLI, the
// tests) and never runs SystemC's main, but the shared library still needs the symbol; it lives
// here because this object file is part of every program that simulates.
int sc_main(int /*argc*/, char* /*argv*/[]) {
  NPU_UNREACHABLE("SystemC's main() is not an entry point of npusim");
}
