// The MTE burst / stride address generator: turns a burst copy's parameters into the sequence
// of bursts the MTE issues, one burst per cycle. The reference for this block is the C++ model
// the simulator uses, sim/exec/mte_address_gen.h (MteAddressGen), and
// tests/rtl/mte_address_gen_harness.cc checks the two agree on every burst and every cycle.
//
// Addresses, lengths and strides are in bytes (the decode turns the ISA's 32-byte units of
// burst_len / src_gap / dst_gap into start-to-start byte strides, see sim/exec/mte_exec.cc),
// so the same block serves the burst copies, the byte-granular pad copies, ND -> NZ and the
// fixpipe's ND writes. All arithmetic is modulo 2^AddrW, like the model's uint64_t.
//
// Timing (docs/rtl.md): the parameters are taken at the clock edge that ends a cycle with
// start_i && ready_o. Burst i is on the outputs (valid_o high) in cycle i after that edge;
// in cycle nburst ready_o is high again (the model's done()), and a new start may be taken in
// that same cycle, so back-to-back transactions cost nburst + 1 cycles each. nburst = 0 gives
// no burst: ready_o is high in cycle 0.
//
// Datapath: a burst counter and two address accumulators (src += src_stride,
// dst += dst_stride); adders only.
//
// NPU_RTL_MISMODEL (a `define) builds a deliberately wrong variant whose destination address
// advances one 32-byte unit too far per burst; the harness test shows it is caught.
module mte_address_gen #(
  parameter int unsigned AddrW  = 64,  // address, length and stride width (the model's 64 bits)
  parameter int unsigned CountW = 16   // burst counter width (the ISA's nburst fields fit)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Parameter load, taken when start_i && ready_o.
  input  logic              start_i,
  input  logic [AddrW-1:0]  src_i,
  input  logic [AddrW-1:0]  dst_i,
  input  logic [CountW-1:0] nburst_i,
  input  logic [AddrW-1:0]  burst_bytes_i,
  input  logic [AddrW-1:0]  src_stride_i,
  input  logic [AddrW-1:0]  dst_stride_i,
  output logic              ready_o,  // idle: the previous transaction is done
  // The burst stream, one burst per cycle while valid_o.
  output logic              valid_o,
  output logic [AddrW-1:0]  src_o,
  output logic [AddrW-1:0]  dst_o,
  output logic [AddrW-1:0]  bytes_o
);

`ifdef NPU_RTL_MISMODEL
  localparam logic [AddrW-1:0] DstSkew = AddrW'(32);
`else
  localparam logic [AddrW-1:0] DstSkew = '0;
`endif

  logic              busy_d, busy_q;
  logic [CountW-1:0] index_d, index_q;
  logic [CountW-1:0] last_d, last_q;  // index of the final burst
  logic [AddrW-1:0]  src_d, src_q;
  logic [AddrW-1:0]  dst_d, dst_q;
  logic [AddrW-1:0]  bytes_d, bytes_q;
  logic [AddrW-1:0]  src_stride_d, src_stride_q;
  logic [AddrW-1:0]  dst_stride_d, dst_stride_q;

  always_comb begin
    busy_d       = busy_q;
    index_d      = index_q;
    last_d       = last_q;
    src_d        = src_q;
    dst_d        = dst_q;
    bytes_d      = bytes_q;
    src_stride_d = src_stride_q;
    dst_stride_d = dst_stride_q;
    if (busy_q) begin
      // One burst leaves this cycle; the accumulators move to the next one.
      index_d = index_q + CountW'(1);
      src_d   = src_q + src_stride_q;
      dst_d   = dst_q + dst_stride_q + DstSkew;
      busy_d  = index_q != last_q;
    end else if (start_i) begin
      busy_d       = nburst_i != '0;
      index_d      = '0;
      last_d       = nburst_i - CountW'(1);
      src_d        = src_i;
      dst_d        = dst_i;
      bytes_d      = burst_bytes_i;
      src_stride_d = src_stride_i;
      dst_stride_d = dst_stride_i;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q       <= 1'b0;
      index_q      <= '0;
      last_q       <= '0;
      src_q        <= '0;
      dst_q        <= '0;
      bytes_q      <= '0;
      src_stride_q <= '0;
      dst_stride_q <= '0;
    end else begin
      busy_q       <= busy_d;
      index_q      <= index_d;
      last_q       <= last_d;
      src_q        <= src_d;
      dst_q        <= dst_d;
      bytes_q      <= bytes_d;
      src_stride_q <= src_stride_d;
      dst_stride_q <= dst_stride_d;
    end
  end

  assign ready_o = !busy_q;
  assign valid_o = busy_q;
  assign src_o   = src_q;
  assign dst_o   = dst_q;
  assign bytes_o = bytes_q;

endmodule
