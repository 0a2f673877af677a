// The cube's fractal MAC array: C[16 x 16] = C0 + A[16 x K0] * B[K0 x 16] for one fractal,
// fp16 / bf16 -> fp32 (K0 = 16) or int8 / uint8 -> int32 (K0 = 32), bit-exact to
// numerics/cube.h (docs/numerics.md section 9), with the timing of the simulator's cube model
// (sim/exec/cube_timing.h) for the chip's own cube keys, which the block takes as configuration
// inputs: a new fractal every cube.<dtype>.cycles_per_fractal cycles, the result of an output
// fractal cube.startup_cycles after that.
//
// Datapath: 256 MAC lanes (npu_cube_pkg::cube_mac_step), one per output element, each adding the
// fractal's 16 k steps (32 for int8, two a step) in increasing k, as the contract demands: the
// whole fractal in the cycle after it is accepted, as the real cube does (4096 MACs a cycle).
// The 256 accumulators stay in the array between fractals, so the k fractals of one output chain
// without a bubble (init CUBE_INIT_KEEP). The configured cycles per fractal is the issue
// interval: the array takes the next fractal that many cycles after the last one. A finished
// output fractal waits in a small queue, stamped with the cycle it is due, until its startup
// latency has passed. The lanes are one loop, not 256 instances, so the Verilated model holds the
// MAC step once (verilated with a small --unroll-count) and only computes in the cycles it works.
//
// Configuration (cfg_*_i), the chip config's cube keys, sampled while rst_ni is low and in the
// first cycle after it; later changes are ignored until the next reset:
//   cfg_cpf_f16_i, cfg_cpf_bf16_i, cfg_cpf_int8_i  cube.<fp16|bf16|int8>.cycles_per_fractal,
//                                                  1 .. 1024 (0 counts as 1)
//   cfg_startup_i                                  cube.startup_cycles, 0 .. MaxStartupCycles
//
// Interface (valid / ready on the input, a result pulse on the output, no back-pressure):
//   in_valid_i / in_ready_o  a fractal is accepted at a rising edge where both are 1. ready is 1
//                            from cycles_per_fractal cycles after the last acceptance on, so
//                            fractals stream back to back at the configured rate.
//   in_dtype_i               DT_F16, DT_BF16, DT_S8 or DT_U8.
//   in_init_i                C0: zero, in_c_i, or the sums the array holds (cube_init_e).
//   in_k_count_i             valid k of this fractal (0..16 fp, 0..32 int): later products are
//                            not added.
//   in_last_i                this fractal completes its output: emit C afterwards.
//   in_a_i                   A fractal as in L0A: element (m, k) at byte m * 32 + k * size.
//   in_b_i                   B fractal as in L0B: element (k, n) at byte n * 32 + k * size.
//   in_c_i                   C0 as in L0C: element (m, n) at bits (m * 16 + n) * 32.
//   out_valid_o / out_c_o    one cycle: C, same layout as in_c_i; fp NaN results canonical.
// A fractal accepted at edge t whose in_last_i is 1 shows out_valid_o after edge
// t + cycles_per_fractal + startup_cycles.
//
// NPU_RTL_MISMODEL_EXTRA_CYCLE adds a cycle of result latency: a deliberately wrong variant
// that the harness must catch (tests/rtl).
module npu_cube_fractal
  import npu_isa_pkg::*;
  import npu_fp_pkg::*;
  import npu_cube_pkg::*;
#(
  parameter int unsigned MaxStartupCycles = 15
) (
  input  logic          clk_i,
  input  logic          rst_ni,

  input  logic [10:0]   cfg_cpf_f16_i,
  input  logic [10:0]   cfg_cpf_bf16_i,
  input  logic [10:0]   cfg_cpf_int8_i,
  input  logic [4:0]    cfg_startup_i,

  input  logic          in_valid_i,
  output logic          in_ready_o,
  input  dtype_e        in_dtype_i,
  input  cube_init_e    in_init_i,
  input  logic [5:0]    in_k_count_i,
  input  logic          in_last_i,
  input  logic [4095:0] in_a_i,
  input  logic [4095:0] in_b_i,
  input  logic [8191:0] in_c_i,

  output logic          out_valid_o,
  output logic [8191:0] out_c_o
);

  // At most MaxStartupCycles + 1 results wait at once: output i + j's last fractal is accepted
  // at least cycles_per_fractal_i + j - 1 edges after output i's, and waits startup more.
  localparam int unsigned Depth = MaxStartupCycles + 1;
  localparam int unsigned PtrW = $clog2(Depth);
  localparam int unsigned TimeW = 16;  // > 1024 + MaxStartupCycles: due stamps compare exactly
`ifdef NPU_RTL_MISMODEL_EXTRA_CYCLE
  localparam int unsigned ExtraCycles = 1;
`else
  localparam int unsigned ExtraCycles = 0;
`endif

  // ---- configuration, latched during reset -----------------------------------------------------

  logic        in_reset_q;
  logic [10:0] cpf_f16_q;
  logic [10:0] cpf_bf16_q;
  logic [10:0] cpf_int8_q;
  logic [4:0]  startup_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) in_reset_q <= 1'b1;
    else         in_reset_q <= 1'b0;
  end

  always_ff @(posedge clk_i) begin
    if (in_reset_q) begin
      cpf_f16_q <= cfg_cpf_f16_i;
      cpf_bf16_q <= cfg_cpf_bf16_i;
      cpf_int8_q <= cfg_cpf_int8_i;
      startup_q <= cfg_startup_i;
    end
  end

  // The issue interval of a fractal of `dtype`, at least 1.
  function automatic logic [10:0] cycles_per_fractal(dtype_e dtype);
    logic [10:0] cpf;
    unique case (dtype)
      DT_BF16:      cpf = cpf_bf16_q;
      DT_S8, DT_U8: cpf = cpf_int8_q;
      default:      cpf = cpf_f16_q;
    endcase
    return cpf == 11'd0 ? 11'd1 : cpf;
  endfunction

  // ---- issue: the next fractal cycles_per_fractal edges after the last -------------------------

  logic [10:0] wait_q;  // edges before the array takes the next fractal, minus one
  logic        accept;
  assign in_ready_o = wait_q == 11'd0;
  assign accept = in_valid_i && in_ready_o;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wait_q <= '0;
    end else if (accept) begin
      wait_q <= cycles_per_fractal(in_dtype_i) - 11'd1;
    end else if (wait_q != 11'd0) begin
      wait_q <= wait_q - 11'd1;
    end
  end

  // ---- the fractal being computed (in the cycle after its acceptance) --------------------------

  logic                mac_q;
  dtype_e              dtype_q;
  cube_init_e          init_q;
  logic [5:0]          k_count_q;
  logic                last_q;
  logic [4095:0]       a_q;
  logic [4095:0]       b_q;
  logic [255:0][31:0]  c0_q;
  logic [255:0][31:0]  acc_q;
  logic [255:0][31:0]  acc_d;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mac_q <= 1'b0;
      dtype_q <= DT_F16;
      init_q <= CUBE_INIT_ZERO;
      k_count_q <= '0;
      last_q <= 1'b0;
    end else begin
      mac_q <= accept;
      if (accept) begin
        dtype_q <= in_dtype_i;
        init_q <= in_init_i;
        k_count_q <= in_k_count_i;
        last_q <= in_last_i;
      end
    end
  end

  // Operands, C0 and the accumulators: plain storage, written before they are read.
  always_ff @(posedge clk_i) begin
    if (accept) begin
      a_q <= in_a_i;
      b_q <= in_b_i;
      c0_q <= in_c_i;
    end
    if (mac_q) acc_q <= acc_d;
  end

  // The lanes: lane e computes element (m, n) = (e / 16, e % 16) over the fractal's k steps. Each
  // k step reads the 16 bits at byte (row * 32 + kstep * 2) of A and B: one fp16 / bf16 value
  // (k = kstep) or two int8 values (k = 2 kstep, 2 kstep + 1).
  always_comb begin
    acc_d = acc_q;
    if (mac_q) begin
      for (int e = 0; e < 256; e++) begin
        logic [3:0]  m;
        logic [3:0]  n;
        logic [31:0] sum;
        m = 4'(e / 16);
        n = 4'(e % 16);
        unique case (init_q)
          CUBE_INIT_ZERO: sum = 32'd0;
          CUBE_INIT_LOAD: sum = c0_q[e];
          default:        sum = acc_q[e];
        endcase
        for (int ks = 0; ks < 16; ks++) begin
          logic [6:0] k_lo;
          logic [1:0] en;
          k_lo = cube_is_float(dtype_q) ? 7'(ks) : 7'(2 * ks);
          en = {!cube_is_float(dtype_q) && k_lo + 7'd1 < 7'(k_count_q), k_lo < 7'(k_count_q)};
          sum = cube_mac_step(dtype_q, a_q[{m, 4'(ks), 4'd0} +: 16], b_q[{n, 4'(ks), 4'd0} +: 16],
                              en, sum);
        end
        acc_d[e] = sum;
      end
    end
  end

  // ---- results wait until they are due ---------------------------------------------------------

  logic [TimeW-1:0] now_q;  // edges since reset, modulo 2^TimeW
  logic [8191:0]    result;
  logic [TimeW-1:0] due;
  logic             push;
  logic             pop;
  logic [8191:0]    queue_c_q   [Depth];
  logic [TimeW-1:0] queue_due_q [Depth];
  logic [PtrW-1:0]  head_q;
  logic [PtrW-1:0]  tail_q;
  logic [PtrW:0]    count_q;

  // C as it leaves the array: fp NaNs canonical (numerics::canonicalize), integers as they are.
  always_comb begin
    for (int i = 0; i < 256; i++) begin
      result[i*32 +: 32] = cube_is_float(dtype_q) ? fp32_canonical(acc_d[i]) : acc_d[i];
    end
  end

  // The fractal was accepted at edge now_q; its result is due cycles_per_fractal + startup
  // edges after that.
  assign due = now_q + TimeW'(cycles_per_fractal(dtype_q)) + TimeW'(startup_q) +
               TimeW'(ExtraCycles);
  assign push = mac_q && last_q;
  assign pop = count_q != '0 && queue_due_q[head_q] == now_q;
  assign out_valid_o = pop;
  assign out_c_o = queue_c_q[head_q];

  function automatic logic [PtrW-1:0] next_ptr(logic [PtrW-1:0] p);
    return p == PtrW'(Depth - 1) ? '0 : p + PtrW'(1);
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      now_q <= '0;
      head_q <= '0;
      tail_q <= '0;
      count_q <= '0;
    end else begin
      now_q <= now_q + TimeW'(1);
      if (push) tail_q <= next_ptr(tail_q);
      if (pop) head_q <= next_ptr(head_q);
      count_q <= count_q + (PtrW+1)'(push) - (PtrW+1)'(pop);
    end
  end

  always_ff @(posedge clk_i) begin
    if (push) begin
      queue_c_q[tail_q] <= result;
      queue_due_q[tail_q] <= due;
    end
  end

endmodule
