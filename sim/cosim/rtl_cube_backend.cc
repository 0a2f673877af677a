// The RTL cube in the loop (rtl_cube_backend.h).
#include "sim/cosim/rtl_cube_backend.h"

#include <cstring>
#include <string>
#include <vector>

#include <systemc>

#include "Vcube_sc.h"
#include "base/error.h"
#include "sim/cosim/rtl_cube_config.h"

namespace npu::sim {
namespace {

// Encodings of npu_cube_pkg::cube_init_e.
constexpr uint32_t kInitZero = 0;
constexpr uint32_t kInitLoad = 1;
constexpr uint32_t kInitKeep = 2;

constexpr uint64_t kAbFractalBytes = 512;
constexpr uint64_t kCFractalBytes = 1024;

template <int kBits>
sc_dt::sc_bv<kBits> to_bv(const uint8_t* bytes) {
  sc_dt::sc_bv<kBits> v;
  for (int w = 0; w < kBits / 32; ++w) {
    uint32_t word;
    std::memcpy(&word, bytes + 4 * w, 4);
    v.set_word(w, word);
  }
  return v;
}

class RtlCube final : public sc_core::sc_module, public CubeBackend {
 public:
  RtlCube(const sc_core::sc_module_name& name, const RtlCubeTiming& timing)
      : sc_core::sc_module(name), m_rtl("rtl"), m_timing(timing) {
    m_rtl.clk_i(m_clk);
    m_rtl.rst_ni(m_rst_n);
    m_rtl.cfg_cpf_f16_i(m_cfg_cpf_f16);
    m_rtl.cfg_cpf_bf16_i(m_cfg_cpf_bf16);
    m_rtl.cfg_cpf_int8_i(m_cfg_cpf_int8);
    m_rtl.cfg_startup_i(m_cfg_startup);
    m_rtl.in_valid_i(m_in_valid);
    m_rtl.in_ready_o(m_in_ready);
    m_rtl.in_dtype_i(m_in_dtype);
    m_rtl.in_init_i(m_in_init);
    m_rtl.in_k_count_i(m_in_k_count);
    m_rtl.in_last_i(m_in_last);
    m_rtl.in_a_i(m_in_a);
    m_rtl.in_b_i(m_in_b);
    m_rtl.in_c_i(m_in_c);
    m_rtl.out_valid_o(m_out_valid);
    m_rtl.out_c_o(m_out_c);
  }
  ~RtlCube() override { m_rtl.final(); }
  RtlCube(const RtlCube&) = delete;
  RtlCube& operator=(const RtlCube&) = delete;

  void run(const CubeJob& job) override {
    if (!m_reset_done) reset();
    const uint64_t outputs = job.m1 * job.n1;
    const uint64_t fractals = outputs * job.k1;
    uint64_t presented = 0;  // fractals accepted
    uint64_t driven = fractals;  // fractal on the input ports (none yet)
    uint64_t received = 0;   // output fractals back
    uint64_t edge = 0;
    uint64_t first_accept = 0;
    uint64_t last_accept = 0;
    uint64_t ready_again = 0;
    uint64_t last_result = 0;
    std::vector<uint8_t> c0(kCFractalBytes);
    const uint64_t limit =
        16 + (fractals + 1) * (kRtlCubeMaxCyclesPerFractal + m_timing.startup_cycles + 4);
    // Output fractals in the C++ cube's order: j outer, i inner; each its k fractals in order.
    while (received < outputs) {
      NPU_CHECK(edge < limit,
                "the RTL cube hangs: no result after " + std::to_string(edge) + " cycles");
      const bool present = presented < fractals;
      if (present && driven != presented) {
        drive_fractal(job, presented, c0);
        driven = presented;
      }
      m_in_valid.write(present);
      settle();
      const bool accepted = present && m_in_ready.read();
      if (presented == fractals && ready_again == 0 && m_in_ready.read()) ready_again = edge + 1;
      m_clk.write(true);
      settle();
      ++edge;
      if (accepted) {
        if (presented == 0) first_accept = edge;
        last_accept = edge;
        ++presented;
      }
      if (m_out_valid.read()) {
        NPU_CHECK(received < outputs, "the RTL cube sent more results than outputs");
        const uint64_t j = received / job.m1;
        const uint64_t i = received % job.m1;
        const sc_dt::sc_bv<8192> c = m_out_c.read();
        uint8_t* out = job.c + (j * job.m1 + i) * kCFractalBytes;
        for (int w = 0; w < 256; ++w) {
          const uint32_t word = c.get_word(w);
          std::memcpy(out + 4 * w, &word, 4);
        }
        ++received;
        last_result = edge;
      }
      m_clk.write(false);
      settle();
    }
    NPU_CHECK(ready_again != 0 && ready_again > last_accept, "RTL cube: no ready after the job");
    m_measured = PipeTiming{ready_again - first_accept, last_result - first_accept};
  }

  std::optional<PipeTiming> take_measured_timing() override {
    std::optional<PipeTiming> t = m_measured;
    m_measured.reset();
    return t;
  }

 private:
  // Two delta cycles: the Verilated module evaluates what changed, then its outputs update.
  void settle() {
    wait(sc_core::SC_ZERO_TIME);
    wait(sc_core::SC_ZERO_TIME);
  }

  // Resets the block with the chip's cube timing on its configuration inputs.
  void reset() {
    m_cfg_cpf_f16.write(m_timing.cycles_per_fractal_fp16);
    m_cfg_cpf_bf16.write(m_timing.cycles_per_fractal_bf16);
    m_cfg_cpf_int8.write(m_timing.cycles_per_fractal_int8);
    m_cfg_startup.write(m_timing.startup_cycles);
    m_rst_n.write(false);
    for (int i = 0; i < 2; ++i) {
      m_clk.write(true);
      settle();
      m_clk.write(false);
      settle();
    }
    m_rst_n.write(true);
    settle();
    m_reset_done = true;
  }

  // Puts fractal number `index` of the job (in issue order) on the input ports.
  void drive_fractal(const CubeJob& job, uint64_t index, std::vector<uint8_t>& c0) {
    const uint64_t kk = index % job.k1;
    const uint64_t output = index / job.k1;
    const uint64_t j = output / job.m1;
    const uint64_t i = output % job.m1;
    const bool last = kk + 1 == job.k1;
    m_in_dtype.write(static_cast<uint32_t>(job.src));  // dtype_e is generated from isa::DataType
    m_in_k_count.write(last ? job.last_k : job.k0);
    m_in_last.write(last);
    m_in_a.write(to_bv<4096>(job.a + (i * job.k1 + kk) * kAbFractalBytes));
    m_in_b.write(to_bv<4096>(job.b + (kk * job.n1 + j) * kAbFractalBytes));
    if (kk > 0) {
      m_in_init.write(kInitKeep);
      return;
    }
    switch (job.init) {
      case isa::MmadInit::kZero:
        m_in_init.write(kInitZero);
        return;
      case isa::MmadInit::kAccumulate:
        m_in_init.write(kInitLoad);
        m_in_c.write(to_bv<8192>(job.c + (j * job.m1 + i) * kCFractalBytes));
        return;
      case isa::MmadInit::kBias:
        for (uint64_t r = 0; r < 16; ++r) {
          std::memcpy(c0.data() + r * 64, job.bias + j * 64, 64);
        }
        m_in_init.write(kInitLoad);
        m_in_c.write(to_bv<8192>(c0.data()));
        return;
    }
  }

  Vcube_sc m_rtl;
  RtlCubeTiming m_timing;
  sc_core::sc_signal<bool> m_clk{"clk"};
  sc_core::sc_signal<bool> m_rst_n{"rst_n"};
  sc_core::sc_signal<uint32_t> m_cfg_cpf_f16{"cfg_cpf_f16"};
  sc_core::sc_signal<uint32_t> m_cfg_cpf_bf16{"cfg_cpf_bf16"};
  sc_core::sc_signal<uint32_t> m_cfg_cpf_int8{"cfg_cpf_int8"};
  sc_core::sc_signal<uint32_t> m_cfg_startup{"cfg_startup"};
  sc_core::sc_signal<bool> m_in_valid{"in_valid"};
  sc_core::sc_signal<bool> m_in_ready{"in_ready"};
  sc_core::sc_signal<uint32_t> m_in_dtype{"in_dtype"};
  sc_core::sc_signal<uint32_t> m_in_init{"in_init"};
  sc_core::sc_signal<uint32_t> m_in_k_count{"in_k_count"};
  sc_core::sc_signal<bool> m_in_last{"in_last"};
  sc_core::sc_signal<sc_dt::sc_bv<4096>> m_in_a{"in_a"};
  sc_core::sc_signal<sc_dt::sc_bv<4096>> m_in_b{"in_b"};
  sc_core::sc_signal<sc_dt::sc_bv<8192>> m_in_c{"in_c"};
  sc_core::sc_signal<bool> m_out_valid{"out_valid"};
  sc_core::sc_signal<sc_dt::sc_bv<8192>> m_out_c{"out_c"};
  bool m_reset_done = false;
  std::optional<PipeTiming> m_measured;
};

}  // namespace

std::function<std::unique_ptr<CubeBackend>(const config::ChipConfig&)> rtl_cube_backend() {
  return [](const config::ChipConfig& config) -> std::unique_ptr<CubeBackend> {
    return std::make_unique<RtlCube>("rtl_cube", rtl_cube_timing(config));
  };
}

}  // namespace npu::sim
