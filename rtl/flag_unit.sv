// The flag / event unit of one core: one flag per (source pipe, destination pipe, event id).
// set_flag on the source pipe sets a flag; wait_flag on the destination pipe completes in the
// first cycle its flag is set and clears it, so one set releases exactly one wait. The
// reference is the C++ model the simulator uses, sim/core/flag_unit.h (FlagUnit, owned by
// AiCore), and tests/rtl/flag_unit_harness.cc checks the two agree cycle by cycle.
//
// Interface: each pipe may set one flag per cycle (set_*_i indexed by the source pipe) and has
// at most one wait outstanding (wait_*_i indexed by the destination pipe; a pipe stalls on its
// wait, so the request stays up until wait_done_o). Pipes are numbered as pipe_e of the ISA
// package (PIPE_S .. PIPE_FIX); the event field is the ISA's sync event field.
//
// Timing (docs/rtl.md): combinational from request to response. A set is visible to a wait in
// the same cycle (the wait completes in the cycle of the set) and a completing wait clears the
// flag at the end of that cycle. Within a cycle the sets act before the waits. A set of a flag
// that is already set (at the start of the cycle) is dropped and reported on set_error_o, the
// model's program error "set twice". A request naming PIPE_ALL or an event id >= NumEvents is
// out of range: a set is dropped and reported on set_error_o, a wait never completes (the
// simulator rejects such operands before they reach the unit).
//
// NPU_RTL_MISMODEL (a `define) builds a deliberately wrong variant in which a set is seen by
// waits one cycle late; the harness test shows it is caught.
module flag_unit
  import npu_isa_pkg::*;
#(
  parameter int unsigned NumEvents = 8,  // event ids per pipe pair (config pipes.event_ids)
  // The pipes that own flags: every pipe_e value below PIPE_ALL.
  localparam int unsigned NumPipes = int'(PIPE_ALL)
) (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,
  // Sets, one per source pipe.
  input  logic [NumPipes-1:0]                     set_valid_i,
  input  logic [NumPipes-1:0][SYNC_DST_PIPE_W-1:0] set_dst_i,
  input  logic [NumPipes-1:0][SYNC_EVENT_W-1:0]    set_event_i,
  output logic [NumPipes-1:0]                     set_error_o,
  // Waits, one per destination pipe, held until done.
  input  logic [NumPipes-1:0]                     wait_valid_i,
  input  logic [NumPipes-1:0][SYNC_PIPE_W-1:0]     wait_src_i,
  input  logic [NumPipes-1:0][SYNC_EVENT_W-1:0]    wait_event_i,
  output logic [NumPipes-1:0]                     wait_done_o
);

  // Bits that index an event id of the table (the range check covers the rest of the field).
  localparam int unsigned EventIdxW = NumEvents > 1 ? $clog2(NumEvents) : 1;
  typedef logic [EventIdxW-1:0] event_idx_t;

  typedef logic [NumPipes-1:0][NumPipes-1:0][NumEvents-1:0] flag_table_t;  // [src][dst][event]

  flag_table_t flags_d, flags_q;
  flag_table_t set_mask;    // flags set this cycle
  flag_table_t visible;     // what this cycle's waits see
  flag_table_t clear_mask;  // flags consumed by this cycle's waits

  // A request names a real pipe and an event id the unit has.
  function automatic logic in_range(logic [SYNC_PIPE_W-1:0] pipe, logic [SYNC_EVENT_W-1:0] event_id);
    return 32'(pipe) < NumPipes && 32'(event_id) < NumEvents;
  endfunction

  always_comb begin
    set_mask    = '0;
    set_error_o = '0;
    for (int unsigned s = 0; s < NumPipes; s++) begin
      if (set_valid_i[s]) begin
        if (!in_range(set_dst_i[s], set_event_i[s]) ||
            flags_q[s][set_dst_i[s]][event_idx_t'(set_event_i[s])]) begin
          set_error_o[s] = 1'b1;
        end else begin
          set_mask[s][set_dst_i[s]][event_idx_t'(set_event_i[s])] = 1'b1;
        end
      end
    end

`ifdef NPU_RTL_MISMODEL
    visible = flags_q;  // the wrong variant: no bypass, a set is seen from the next cycle on
`else
    visible = flags_q | set_mask;
`endif

    clear_mask  = '0;
    wait_done_o = '0;
    for (int unsigned d = 0; d < NumPipes; d++) begin
      if (wait_valid_i[d] && in_range(wait_src_i[d], wait_event_i[d]) &&
          visible[wait_src_i[d]][d][event_idx_t'(wait_event_i[d])]) begin
        wait_done_o[d] = 1'b1;
        clear_mask[wait_src_i[d]][d][event_idx_t'(wait_event_i[d])] = 1'b1;
      end
    end

    flags_d = (flags_q | set_mask) & ~clear_mask;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) flags_q <= '0;
    else         flags_q <= flags_d;
  end

endmodule
