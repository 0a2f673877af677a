// One lane of the vector unit: the element operations of vadd, vsub, vmul, vmax, vmin on fp16 and
// fp32, and vconv between fp32 and fp16 / bf16 in the six rounding modes, bit-exact to
// numerics/elementwise.h and numerics/convert.h (docs/numerics.md sections 3, 4 and 7): fp16
// operands are widened exactly, the operation is done in fp32 with round to nearest even, and the
// result rounded once to fp16; NaN results are canonical.
//
// Timing, the vector pipe's model (sim/exec/vector_timing.h) for one lane, with its fractional
// cycles per repeat: an instruction of R repeats streams R elements through the lane. With c the
// cycles per repeat of the op's class and width (vector.binary.cycles_per_repeat_b16 / _b32 for
// the arithmetic, vector.simple.cycles_per_repeat_b32 for vconv) and s the instruction's first
// acceptance edge, element i is accepted at edge s + ceil(i x c) and its result leaves at edge
// s + startup + ceil((i + 1) x c); the next instruction starts at s + ceil(R x c), the model's
// occupancy, and the last result leaves at its latency. c counts in units of 1/10,000 cycle, as
// in the model, and the lane keeps the exact sum in a fixed-point accumulator: debt_q, the time
// (in units) the accepted elements of the instruction reach past the current cycle. An element
// is taken while the debt is <= 0; it adds c (the first of an instruction restarts it at c); each
// cycle pays 10,000 units. With c < 1 several elements are due in one cycle: the lane takes and
// delivers up to Width a cycle (c >= 1 / Width).
//
// Configuration (cfg_*_i), the chip config's vector keys, sampled while rst_ni is low and in the
// first cycle after it; later changes are ignored until the next reset:
//   cfg_binary_startup_i, cfg_simple_startup_i    vector.<class>.startup_cycles, 0..MaxStartupCycles
//   cfg_binary_b16_i, cfg_binary_b32_i, cfg_simple_b32_i
//                         vector.<class>.cycles_per_repeat_<bNN> in 1/10,000 cycles,
//                         10,000 / Width .. MaxCyclesPerRepeat x 10,000
// The results stay in order when each class's startup + ceil(c) exceeds the other's startup (the
// harness checks its timings for that; the shipped chips: binary 1 + 2 > 2, simple 2 + 1 > 1).
//
// Interface (Width element slots in and out; slot j is used only if slots 0..j-1 are):
//   in_valid_i[j]         an element is offered in slot j (a prefix of the slots).
//   in_first_i[j]         it is element 0 of its instruction.
//   in_op_i[j]            OP_VADD, OP_VSUB, OP_VMUL, OP_VMAX, OP_VMIN or OP_VCONV (npu_isa_pkg).
//   in_dtype_i[j]         DT_F16 or DT_F32 (arithmetic); vconv: the destination (DT_F16,
//                         DT_BF16, DT_F32).
//   in_src_dtype_i[j]     vconv: the source (DT_F32 to DT_F16 / DT_BF16; DT_F16 / DT_BF16 to
//                         DT_F32).
//   in_round_i[j]         vconv's rounding mode (round_mode_e); arithmetic rounds to nearest even.
//   in_a_i[j], in_b_i[j]  operands, fp16 / bf16 in bits [15:0].
//   in_taken_o[j]         slot j's element is accepted at the coming edge (a prefix of in_valid_i).
//   out_valid_o[j], out_y_o[j]  results, in order, slot 0 first (a prefix), fp16 / bf16 in bits
//                         [15:0] with zeros above.
// The op / dtype combination is the harness's (and the decoder's) to keep legal; any other gives 0.
module npu_vec_lane
  import npu_isa_pkg::*;
  import npu_fp_pkg::*;
#(
  parameter int unsigned Width              = 2,
  parameter int unsigned MaxStartupCycles   = 15,
  parameter int unsigned MaxCyclesPerRepeat = 16
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,

  input  logic [3:0]                   cfg_binary_startup_i,
  input  logic [3:0]                   cfg_simple_startup_i,
  input  logic [17:0]                  cfg_binary_b16_i,
  input  logic [17:0]                  cfg_binary_b32_i,
  input  logic [17:0]                  cfg_simple_b32_i,

  input  logic        [Width-1:0]      in_valid_i,
  input  logic        [Width-1:0]      in_first_i,
  input  opcode_e     [Width-1:0]      in_op_i,
  input  dtype_e      [Width-1:0]      in_dtype_i,
  input  dtype_e      [Width-1:0]      in_src_dtype_i,
  input  round_mode_e [Width-1:0]      in_round_i,
  input  logic        [Width-1:0][31:0] in_a_i,
  input  logic        [Width-1:0][31:0] in_b_i,
  output logic        [Width-1:0]      in_taken_o,

  output logic        [Width-1:0]      out_valid_o,
  output logic        [Width-1:0][31:0] out_y_o
);

  localparam int signed Unit = 10000;  // fixed-point units per cycle (kVectorTimeUnitsPerCycle)
  // A result leaves at most MaxStartupCycles + MaxCyclesPerRepeat (+ 1, the variant) edges after
  // its acceptance: the wheel of due cycles is longer than that.
  localparam int unsigned Depth = 1 << $clog2(MaxStartupCycles + MaxCyclesPerRepeat + 3);
  localparam int unsigned SlotW = $clog2(Depth);
  localparam int unsigned CountW = $clog2(Width + 1);
`ifdef NPU_RTL_MISMODEL_EXTRA_CYCLE
  localparam int unsigned ExtraCycles = 1;
`else
  localparam int unsigned ExtraCycles = 0;
`endif

  // ---- configuration, latched during reset -----------------------------------------------------

  logic        in_reset_q;
  logic [3:0]  binary_startup_q;
  logic [3:0]  simple_startup_q;
  logic [17:0] binary_b16_q;
  logic [17:0] binary_b32_q;
  logic [17:0] simple_b32_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) in_reset_q <= 1'b1;
    else         in_reset_q <= 1'b0;
  end

  always_ff @(posedge clk_i) begin
    if (in_reset_q) begin
      binary_startup_q <= cfg_binary_startup_i;
      simple_startup_q <= cfg_simple_startup_i;
      binary_b16_q <= cfg_binary_b16_i;
      binary_b32_q <= cfg_binary_b32_i;
      simple_b32_q <= cfg_simple_b32_i;
    end
  end

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

  // Units per repeat and startup of the op's timing class and width.
  function automatic int signed op_units(opcode_e op, dtype_e dtype);
    if (op == OP_VCONV) return int'(simple_b32_q);
    return (dtype == DT_F16) ? int'(binary_b16_q) : int'(binary_b32_q);
  endfunction
  function automatic int unsigned op_startup(opcode_e op);
    return (op == OP_VCONV) ? int'(simple_startup_q) : int'(binary_startup_q);
  endfunction

  // ---- acceptance: the fixed-point accumulator -------------------------------------------------

  int signed              debt_q;  // > -Unit: credit of at most one cycle
  int signed              debt;    // after the slots taken so far this cycle
  logic [Width-1:0][31:0] delay;   // edges from acceptance to the result, per slot

  always_comb begin
    debt = debt_q;
    in_taken_o = '0;
    delay = '0;
    for (int j = 0; j < int'(Width); j++) begin
      if (in_valid_i[j] && (j == 0 || in_taken_o[j > 0 ? j - 1 : 0]) && debt <= 0) begin
        in_taken_o[j] = 1'b1;
        debt = (in_first_i[j] ? 0 : debt) + op_units(in_op_i[j], in_dtype_i[j]);
        // ceil(debt / Unit), debt > -Unit: the cycles past this one until the element is done.
        delay[j] = 32'(op_startup(in_op_i[j])) + 32'((debt + Unit - 1) / Unit) +
                   32'(ExtraCycles);
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      debt_q <= 0;
    end else begin
      debt_q <= (debt - Unit < -Unit) ? -Unit : debt - Unit;
    end
  end

  // ---- results wait on a wheel of due cycles ---------------------------------------------------

  // now_q: edges since reset modulo Depth; wheel slot t holds the results due after edge t.
  logic [SlotW-1:0]                   now_q;
  logic [Depth-1:0][CountW-1:0]       due_count_q;
  logic [Depth-1:0][Width-1:0][31:0]  due_y_q;
  logic [CountW-1:0]                  out_count;
  assign out_count = due_count_q[now_q];
  always_comb begin
    for (int j = 0; j < int'(Width); j++) begin
      out_valid_o[j] = CountW'(j) < out_count;
      out_y_o[j] = due_y_q[now_q][j];
    end
  end

  // Where slot j's result goes: wheel slot at[j] (edge of acceptance + delay), position pos[j]
  // after the results already due there and those of slots 0..j-1 that go there too.
  logic [Depth-1:0][CountW-1:0] count_d;
  logic [Width-1:0][SlotW-1:0]  at;
  logic [Width-1:0][CountW-1:0] pos;
  always_comb begin
    count_d = due_count_q;
    count_d[now_q] = '0;  // delivered this cycle
    at = '0;
    pos = '0;
    for (int j = 0; j < int'(Width); j++) begin
      if (in_taken_o[j]) begin
        at[j] = now_q + SlotW'(1) + SlotW'(delay[j]);
        pos[j] = count_d[at[j]];
        count_d[at[j]] = count_d[at[j]] + CountW'(1);
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      now_q <= '0;
      due_count_q <= '0;
    end else begin
      now_q <= now_q + SlotW'(1);
      due_count_q <= count_d;
    end
  end

  // The values: plain storage, read only where counted.
  always_ff @(posedge clk_i) begin
    for (int j = 0; j < int'(Width); j++) begin
      if (in_taken_o[j]) begin
        due_y_q[at[j]][pos[j]] <= compute(in_op_i[j], in_dtype_i[j], in_src_dtype_i[j],
                                          in_round_i[j], in_a_i[j], in_b_i[j]);
      end
    end
  end

endmodule
