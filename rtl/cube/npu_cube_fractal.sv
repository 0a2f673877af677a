// The cube's fractal MAC array: C[16 x 16] = C0 + A[16 x K0] * B[K0 x 16] for one fractal,
// fp16 / bf16 -> fp32 (K0 = 16) or int8 / uint8 -> int32 (K0 = 32), bit-exact to
// numerics/cube.h (docs/numerics.md section 9), with the timing of the simulator's cube model
// (sim/core/cube_timing.h): a new fractal every CyclesPerFractal cycles, the result of an output
// fractal StartupCycles after its last k step.
//
// Datapath: 16 x RowsPerCycle MAC lanes (npu_cube_pkg::cube_mac_step), one per output element of a group
// of RowsPerCycle rows. Each cycle every lane adds one k step (two for int8), so a fractal takes
// CyclesPerFractal = (16 / RowsPerCycle) x 16 cycles: row group 0 for k = 0..15, then group 1,
// ... Every element still adds its products strictly in increasing k, as the contract demands.
// The 256 accumulators stay in the array between fractals, so the k fractals of one output
// chain without a bubble (init CUBE_INIT_KEEP).
//
// Interface (valid / ready on the input, a result pulse on the output, no back-pressure):
//   in_valid_i / in_ready_o  a fractal is accepted at a rising edge where both are 1. ready is 1
//                            when idle and in the last cycle of a fractal, so fractals stream
//                            back to back.
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
// t + CyclesPerFractal + StartupCycles.
//
// NPU_RTL_MISMODEL_EXTRA_CYCLE adds a cycle of result latency: a deliberately wrong variant
// that the harness must catch (tests/rtl).
module npu_cube_fractal
  import npu_isa_pkg::*;
  import npu_fp_pkg::*;
  import npu_cube_pkg::*;
#(
  parameter int unsigned RowsPerCycle  = 16,
  parameter int unsigned StartupCycles = 3
) (
  input  logic          clk_i,
  input  logic          rst_ni,

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

  localparam int unsigned Groups = 16 / RowsPerCycle;
  localparam int unsigned CyclesPerFractal = Groups * 16;
  localparam int unsigned StepW = $clog2(CyclesPerFractal + 1);
`ifdef NPU_RTL_MISMODEL_EXTRA_CYCLE
  localparam int unsigned Delay = StartupCycles + 1;
`else
  localparam int unsigned Delay = StartupCycles;
`endif

  // The fractal being computed.
  logic                busy_q;
  logic [StepW-1:0]    step_q;
  dtype_e              dtype_q;
  cube_init_e          init_q;
  logic [5:0]          k_count_q;
  logic                last_q;
  logic [4095:0]       a_q;
  logic [4095:0]       b_q;
  logic [255:0][31:0] c0_q;
  logic [255:0][31:0] acc_q;
  logic [255:0][31:0] acc_d;
  // The output fractal whose last k step just ended.
  logic                fin_q;
  dtype_e              fin_dtype_q;
  logic [8191:0]       result;

  logic accept;
  logic last_step;
  logic [3:0] group;
  logic [3:0] kstep;
  assign last_step = busy_q && step_q == StepW'(CyclesPerFractal - 1);
  assign in_ready_o = !busy_q || last_step;
  assign accept = in_valid_i && in_ready_o;
  assign group = 4'(step_q >> 4);
  assign kstep = step_q[3:0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      step_q <= '0;
      dtype_q <= DT_F16;
      init_q <= CUBE_INIT_ZERO;
      k_count_q <= '0;
      last_q <= 1'b0;
      a_q <= '0;
      b_q <= '0;
      fin_q <= 1'b0;
      fin_dtype_q <= DT_F16;
    end else begin
      fin_q <= last_step && last_q;
      if (last_step) fin_dtype_q <= dtype_q;
      if (accept) begin
        busy_q <= 1'b1;
        step_q <= '0;
        dtype_q <= in_dtype_i;
        init_q <= in_init_i;
        k_count_q <= in_k_count_i;
        last_q <= in_last_i;
        a_q <= in_a_i;
        b_q <= in_b_i;
      end else if (last_step) begin
        busy_q <= 1'b0;
        step_q <= '0;
      end else if (busy_q) begin
        step_q <= step_q + StepW'(1);
      end
    end
  end

  // C0 and the accumulators: plain storage, no reset needed (written before they are read).
  always_ff @(posedge clk_i) begin
    if (accept) c0_q <= in_c_i;
    if (busy_q) acc_q <= acc_d;
  end

  // The lanes: lane l updates element (group * RowsPerCycle + l / 16, l % 16). One loop rather
  // than RowsPerCycle x 16 instances, so the Verilated model holds the MAC step once (the harness
  // verilates with a small --unroll-count) and its size does not grow with the lane count.
  always_comb begin
    acc_d = acc_q;
    for (int l = 0; l < int'(RowsPerCycle) * 16; l++) begin
      logic [3:0]  m;
      logic [3:0]  n;
      logic [31:0] base;
      logic [6:0]  k_lo;
      logic [1:0]  en;
      m = 4'(int'(group) * int'(RowsPerCycle) + l / 16);
      n = 4'(l % 16);
      // fp: k = kstep; int8: k = 2 kstep and 2 kstep + 1. Either way the lane's 16 bits start
      // at byte (row * 32 + kstep * 2) of the fractal.
      k_lo = cube_is_float(dtype_q) ? 7'(kstep) : 7'({kstep, 1'b0});
      en = {!cube_is_float(dtype_q) && k_lo + 7'd1 < 7'(k_count_q), k_lo < 7'(k_count_q)};
      if (kstep != 4'd0) begin
        base = acc_q[{m, n}];
      end else begin
        unique case (init_q)
          CUBE_INIT_ZERO: base = 32'd0;
          CUBE_INIT_LOAD: base = c0_q[{m, n}];
          default:        base = acc_q[{m, n}];
        endcase
      end
      acc_d[{m, n}] = cube_mac_step(dtype_q, a_q[{m, kstep, 4'd0} +: 16],
                                    b_q[{n, kstep, 4'd0} +: 16], en, base);
    end
  end

  // C as it leaves the array: fp NaNs canonical (numerics::canonicalize), integers as they are.
  always_comb begin
    for (int i = 0; i < 256; i++) begin
      result[i*32 +: 32] = cube_is_float(fin_dtype_q) ? fp32_canonical(acc_q[i]) : acc_q[i];
    end
  end

  // The result waits Delay cycles (the cube's startup latency) before it leaves.
  if (Delay == 0) begin : gen_no_delay
    assign out_valid_o = fin_q;
    assign out_c_o = result;
  end else begin : gen_delay
    logic [Delay-1:0]        valid_q;
    logic [Delay-1:0][8191:0] c_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        valid_q <= '0;
      end else begin
        valid_q <= Delay'({valid_q, fin_q});
      end
    end
    always_ff @(posedge clk_i) begin
      if (fin_q) c_q[0] <= result;
    end
    for (genvar i = 1; i < int'(Delay); i++) begin : gen_stage
      always_ff @(posedge clk_i) c_q[i] <= c_q[i-1];
    end
    assign out_valid_o = valid_q[Delay-1];
    assign out_c_o = c_q[Delay-1];
  end

endmodule
