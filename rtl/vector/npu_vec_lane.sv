// One lane of the vector unit: the element operations of vadd, vsub, vmul, vmax, vmin on fp16 and
// fp32, and vconv between fp32 and fp16 / bf16 in the six rounding modes, bit-exact to
// numerics/elementwise.h and numerics/convert.h (docs/numerics.md sections 3, 4 and 7): fp16
// operands are widened exactly, the operation is done in fp32 with round to nearest even, and the
// result rounded once to fp16; NaN results are canonical.
//
// Timing, the vector pipe's model (sim/exec/vector_timing.h) for one lane: an instruction of R
// repeats streams R elements through the lane; element i is accepted CyclesPerRepeat cycles after
// element i - 1 (vector.<class>.cycles_per_repeat_b16 / _b32 of the op's class: binary for the
// arithmetic, simple for vconv) and its result leaves StartupCycles + CyclesPerRepeat cycles
// after its acceptance, so the last result of the instruction leaves startup + R x
// cycles_per_repeat cycles after the first element was accepted.
//
// Interface (valid / ready in, one result per cycle at most out, in order, no back-pressure):
//   in_op_i           OP_VADD, OP_VSUB, OP_VMUL, OP_VMAX, OP_VMIN or OP_VCONV (npu_isa_pkg).
//   in_dtype_i        DT_F16 or DT_F32 (arithmetic); vconv: the destination (DT_F16, DT_BF16,
//                     DT_F32).
//   in_src_dtype_i    vconv: the source (DT_F32 to DT_F16 / DT_BF16; DT_F16 / DT_BF16 to DT_F32).
//   in_round_i        vconv's rounding mode (round_mode_e); arithmetic always rounds to nearest
//                     even.
//   in_a_i, in_b_i    operands, fp16 / bf16 in bits [15:0].
//   out_valid_o, out_y_o  the result, fp16 / bf16 in bits [15:0] with zeros above.
// The op / dtype combination is the harness's (and the decoder's) to keep legal; any other gives 0.
module npu_vec_lane
  import npu_isa_pkg::*;
  import npu_fp_pkg::*;
#(
  parameter int unsigned StartupCycles   = 2,
  parameter int unsigned BinaryCyclesB16 = 1,  // vector.binary.cycles_per_repeat_b16
  parameter int unsigned BinaryCyclesB32 = 2,  // vector.binary.cycles_per_repeat_b32
  parameter int unsigned SimpleCyclesB32 = 1   // vector.simple.cycles_per_repeat_b32 (vconv)
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic        in_valid_i,
  output logic        in_ready_o,
  input  opcode_e     in_op_i,
  input  dtype_e      in_dtype_i,
  input  dtype_e      in_src_dtype_i,
  input  round_mode_e in_round_i,
  input  logic [31:0] in_a_i,
  input  logic [31:0] in_b_i,

  output logic        out_valid_o,
  output logic [31:0] out_y_o
);

  localparam int unsigned MaxCycles = (BinaryCyclesB16 > BinaryCyclesB32) ?
      ((BinaryCyclesB16 > SimpleCyclesB32) ? BinaryCyclesB16 : SimpleCyclesB32) :
      ((BinaryCyclesB32 > SimpleCyclesB32) ? BinaryCyclesB32 : SimpleCyclesB32);
  localparam int unsigned Depth = StartupCycles + MaxCycles + 2;  // + 1: room for the variant
  localparam int unsigned CountW = $clog2(MaxCycles + 1);

  // ---- the operation --------------------------------------------------------------------------

  // fp32 arithmetic of the binary ops (fp16 operands already widened).
  function automatic logic [31:0] arith32(opcode_e op, logic [31:0] a, logic [31:0] b);
    unique case (op)
      OP_VADD: return fp32_add(a, b);
      OP_VSUB: return fp32_add(a, {~b[31], b[30:0]});
      OP_VMUL: return fp32_mul(a, b);
      OP_VMAX: return fp32_max(a, b);
      OP_VMIN: return fp32_min(a, b);
      default: return 32'd0;
    endcase
  endfunction

  function automatic logic [31:0] compute(opcode_e op, dtype_e dtype, dtype_e src,
                                          round_mode_e mode, logic [31:0] a, logic [31:0] b);
    if (op == OP_VCONV) begin
      if (dtype == DT_F16 && src == DT_F32) return {16'd0, fp32_to_fp16(a, mode)};
      if (dtype == DT_BF16 && src == DT_F32) return {16'd0, fp32_to_bf16(a, mode)};
      if (dtype == DT_F32 && src == DT_F16) return fp16_to_fp32(a[15:0]);
      if (dtype == DT_F32 && src == DT_BF16) return bf16_to_fp32(a[15:0]);
      return 32'd0;
    end
    if (dtype == DT_F16) begin
      return {16'd0, fp32_to_fp16(arith32(op, fp16_to_fp32(a[15:0]), fp16_to_fp32(b[15:0])),
                                  RND_RINT)};
    end
    return arith32(op, a, b);
  endfunction

  // Cycles per element of the op's timing class and element width.
  function automatic logic [CountW-1:0] op_cycles(opcode_e op, dtype_e dtype);
    if (op == OP_VCONV) return CountW'(SimpleCyclesB32);
    return (dtype == DT_F16) ? CountW'(BinaryCyclesB16) : CountW'(BinaryCyclesB32);
  endfunction

  // ---- occupancy: the next element after op_cycles -------------------------------------------

  logic [CountW-1:0] remain_q;
  logic              accept;
  logic [CountW-1:0] cycles;
  assign in_ready_o = remain_q <= CountW'(1);
  assign accept = in_valid_i && in_ready_o;
  assign cycles = op_cycles(in_op_i, in_dtype_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      remain_q <= '0;
    end else if (accept) begin
      remain_q <= cycles;
    end else if (remain_q != '0) begin
      remain_q <= remain_q - CountW'(1);
    end
  end

  // ---- latency: results wait in a shift register, written startup + cycles slots ahead -------

  logic [Depth-1:0]       slot_valid_q;
  logic [Depth-1:0][31:0] slot_y_q;
  logic [31:0]            y;
  int unsigned            target;
  assign y = compute(in_op_i, in_dtype_i, in_src_dtype_i, in_round_i, in_a_i, in_b_i);
`ifdef NPU_RTL_MISMODEL_EXTRA_CYCLE
  assign target = StartupCycles + int'(cycles) + 1;
`else
  assign target = StartupCycles + int'(cycles);
`endif

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      slot_valid_q <= '0;
    end else begin
      for (int i = 0; i < int'(Depth); i++) begin
        if (accept && int'(target) == i) begin
          slot_valid_q[i] <= 1'b1;
        end else begin
          slot_valid_q[i] <= (i + 1 < int'(Depth)) ? slot_valid_q[(i + 1) % Depth] : 1'b0;
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    for (int i = 0; i < int'(Depth); i++) begin
      if (accept && int'(target) == i) begin
        slot_y_q[i] <= y;
      end else if (i + 1 < int'(Depth)) begin
        slot_y_q[i] <= slot_y_q[(i + 1) % Depth];
      end
    end
  end

  assign out_valid_o = slot_valid_q[0];
  assign out_y_o = slot_y_q[0];

endmodule
