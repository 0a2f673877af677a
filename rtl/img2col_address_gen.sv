// The img2col (load3d) address generator: walks the destination fractals of a load3d in L0A
// order and says, for every 32-byte destination row, which 32-byte row of the L1 feature map
// (C1HWC0) it copies, or that it is padding, or zero. The reference is the C++ model the
// simulator uses, sim/exec/img2col_address_gen.h (Img2colAddressGen, which also states the
// img2col matrix), and tests/rtl/img2col_address_gen_harness.cc checks the two agree on every
// row and every cycle.
//
// Parameters come as the ISA's packed words (npu_isa_pkg): the fmatrix of set_fmatrix, the
// pos and geom registers of load3d, plus C0 (elements per 32-byte row: 32 / element bytes).
// The caller guarantees what the decode checks (sim/exec/load_exec.cc): m_start, m_extension
// multiples of 16; k_start, k_extension multiples of C0; k_start + k_extension <= K.
//
// Timing (docs/rtl.md), as the MTE generator: the parameters are taken at the clock edge that
// ends a cycle with start_i && ready_o; destination row i is on the outputs (valid_o high) in
// cycle i after that edge; ready_o is high again in cycle rows = (m_extension / 16) *
// (k_extension / C0) * 16, where a new start may be taken. The setup (output size, the first
// row's output position and filter position) is computed in the load cycle with dividers; the
// rows themselves need no division: counters step the output position (oh, ow) and the filter
// position (kw, kh, c1) one row or one fractal at a time.
//
// NPU_RTL_MISMODEL (a `define) builds a deliberately wrong variant that loses a cycle at every
// fractal boundary (a bubble before each fractal after the first); the harness test shows it is
// caught.
module img2col_address_gen
  import npu_isa_pkg::*;
(
  input  logic                clk_i,
  input  logic                rst_ni,
  // Parameter load, taken when start_i && ready_o.
  input  logic                start_i,
  input  fmatrix_params_t     fmatrix_i,
  input  load3d_pos_params_t  pos_i,
  // channels and the reserved bits are the decode's business (it checks channels against C0
  // and K); the walk itself does not need them.
  /* verilator lint_off UNUSEDSIGNAL */
  input  load3d_geom_params_t geom_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [5:0]          c0_i,
  output logic                ready_o,
  // The row stream, one destination row per cycle while valid_o.
  output logic                valid_o,
  output logic [63:0]         dst_offset_o,  // bytes from the destination (row index * 32)
  output logic [63:0]         src_offset_o,  // bytes from the feature map; 0 unless feature map
  output logic [1:0]          source_o       // 0 feature map, 1 padding, 2 zero (Img2colSource)
);

  localparam logic [1:0] SrcFeatureMap = 2'd0;
  localparam logic [1:0] SrcPadding    = 2'd1;
  localparam logic [1:0] SrcZero       = 2'd2;

  // ---------------------------------------------------------------------------------------
  // Setup, from the inputs of the load cycle.
  // ---------------------------------------------------------------------------------------

  // Output size of one dimension; 0 when the dilated filter does not fit the padded input.
  function automatic logic [31:0] out_size(logic [15:0] in, logic [7:0] pad_a, logic [7:0] pad_b,
                                           logic [7:0] filter, logic [7:0] dilation,
                                           logic [5:0] stride);
    logic [31:0] padded, span;
    padded = 32'(in) + 32'(pad_a) + 32'(pad_b);
    span   = 32'(dilation) * (32'(filter) - 32'd1) + 32'd1;
    return padded < span ? '0 : (padded - span) / 32'(stride) + 32'd1;
  endfunction

  logic [31:0] setup_out_h, setup_out_w, setup_kb, setup_kb_w;
  logic [31:0] setup_k_blocks, setup_m_blocks, setup_rows;
  always_comb begin
    setup_out_h    = out_size(fmatrix_i.height, fmatrix_i.pad_top, fmatrix_i.pad_bottom,
                              geom_i.filter_h, geom_i.dilation_h, geom_i.stride_h);
    setup_out_w    = out_size(fmatrix_i.width, fmatrix_i.pad_left, fmatrix_i.pad_right,
                              geom_i.filter_w, geom_i.dilation_w, geom_i.stride_w);
    setup_kb       = 32'(pos_i.k_start) / 32'(c0_i);  // first K block (C0 columns)
    setup_kb_w     = setup_kb / 32'(geom_i.filter_w);
    setup_k_blocks = 32'(pos_i.k_extension) / 32'(c0_i);
    setup_m_blocks = 32'(pos_i.m_extension) >> 4;
    setup_rows     = setup_m_blocks * setup_k_blocks * 32'd16;
  end

  // ---------------------------------------------------------------------------------------
  // State.
  // ---------------------------------------------------------------------------------------

  // Held for the whole transaction.
  logic [15:0] width_q, height_q;
  logic [7:0]  pad_left_q, pad_top_q;
  logic [5:0]  stride_w_q, stride_h_q;
  logic [7:0]  filter_w_q, filter_h_q, dilation_w_q, dilation_h_q;
  logic [31:0] out_w_q, k_blocks_q, last_row_q;
  logic [63:0] out_hw_q;              // OH * OW: rows m >= this are zero
  logic [31:0] kw0_q, kh0_q, c10_q;  // filter position of the first K block
  // Progress.
  logic        busy_q;
  logic [31:0] row_q;               // destination row index
  logic [3:0]  r_q;                 // row within the fractal
  logic [31:0] k1_q;                // fractal column (K block of the destination)
  logic [31:0] m_q, oh_q, ow_q;     // this row's output position m = oh * OW + ow
  logic [31:0] mb_q, ohb_q, owb_q;  // the same for row 0 of the current fractal row
  logic [31:0] kw_q, kh_q, c1_q;    // this fractal's filter position
`ifdef NPU_RTL_MISMODEL
  logic        bubble_q;            // the wrong variant: idle for one cycle
`endif

  // ---------------------------------------------------------------------------------------
  // This row.
  // ---------------------------------------------------------------------------------------

  logic [63:0] ih_padded, iw_padded;  // ih + pad_top, iw + pad_left: never negative
  logic [63:0] ih, iw;
  logic        in_map;
  always_comb begin
    ih_padded = 64'(oh_q) * 64'(stride_h_q) + 64'(kh_q) * 64'(dilation_h_q);
    iw_padded = 64'(ow_q) * 64'(stride_w_q) + 64'(kw_q) * 64'(dilation_w_q);
    ih        = ih_padded - 64'(pad_top_q);
    iw        = iw_padded - 64'(pad_left_q);
    in_map    = ih_padded >= 64'(pad_top_q) && iw_padded >= 64'(pad_left_q) &&
                ih < 64'(height_q) && iw < 64'(width_q);
    if (64'(m_q) >= out_hw_q) begin
      source_o     = SrcZero;
      src_offset_o = '0;
    end else if (!in_map) begin
      source_o     = SrcPadding;
      src_offset_o = '0;
    end else begin
      source_o     = SrcFeatureMap;
      src_offset_o = ((64'(c1_q) * 64'(height_q) + ih) * 64'(width_q) + iw) << 5;
    end
  end

`ifdef NPU_RTL_MISMODEL
  assign valid_o = busy_q && !bubble_q;
`else
  assign valid_o = busy_q;
`endif
  assign ready_o      = !busy_q;
  assign dst_offset_o = 64'(row_q) << 5;

  // ---------------------------------------------------------------------------------------
  // Next state.
  // ---------------------------------------------------------------------------------------

  // The output position after (oh, ow): one step along the row-major output.
  logic [31:0] m_step, oh_step, ow_step;
  always_comb begin
    m_step  = m_q + 32'd1;
    oh_step = oh_q;
    ow_step = ow_q + 32'd1;
    if (ow_step == out_w_q) begin
      ow_step = '0;
      oh_step = oh_q + 32'd1;
    end
  end

  // The filter position of the next K block: kw fastest, then kh, then c1.
  logic [31:0] kw_step, kh_step, c1_step;
  always_comb begin
    kw_step = kw_q + 32'd1;
    kh_step = kh_q;
    c1_step = c1_q;
    if (kw_step == 32'(filter_w_q)) begin
      kw_step = '0;
      kh_step = kh_q + 32'd1;
      if (kh_step == 32'(filter_h_q)) begin
        kh_step = '0;
        c1_step = c1_q + 32'd1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q       <= 1'b0;
      width_q      <= '0;
      height_q     <= '0;
      pad_left_q   <= '0;
      pad_top_q    <= '0;
      stride_w_q   <= '0;
      stride_h_q   <= '0;
      filter_w_q   <= '0;
      filter_h_q   <= '0;
      dilation_w_q <= '0;
      dilation_h_q <= '0;
      out_w_q      <= '0;
      out_hw_q     <= '0;
      k_blocks_q   <= '0;
      last_row_q   <= '0;
      kw0_q        <= '0;
      kh0_q        <= '0;
      c10_q        <= '0;
      row_q        <= '0;
      r_q          <= '0;
      k1_q         <= '0;
      m_q          <= '0;
      oh_q         <= '0;
      ow_q         <= '0;
      mb_q         <= '0;
      ohb_q        <= '0;
      owb_q        <= '0;
      kw_q         <= '0;
      kh_q         <= '0;
      c1_q         <= '0;
`ifdef NPU_RTL_MISMODEL
      bubble_q     <= 1'b0;
`endif
    end else if (!busy_q) begin
      if (start_i) begin
        busy_q       <= setup_rows != '0;
        width_q      <= fmatrix_i.width;
        height_q     <= fmatrix_i.height;
        pad_left_q   <= fmatrix_i.pad_left;
        pad_top_q    <= fmatrix_i.pad_top;
        stride_w_q   <= geom_i.stride_w;
        stride_h_q   <= geom_i.stride_h;
        filter_w_q   <= geom_i.filter_w;
        filter_h_q   <= geom_i.filter_h;
        dilation_w_q <= geom_i.dilation_w;
        dilation_h_q <= geom_i.dilation_h;
        out_w_q      <= setup_out_w;
        out_hw_q     <= 64'(setup_out_h) * 64'(setup_out_w);
        k_blocks_q   <= setup_k_blocks;
        last_row_q   <= setup_rows - 32'd1;
        kw0_q        <= setup_kb % 32'(geom_i.filter_w);
        kh0_q        <= setup_kb_w % 32'(geom_i.filter_h);
        c10_q        <= setup_kb_w / 32'(geom_i.filter_h);
        kw_q         <= setup_kb % 32'(geom_i.filter_w);
        kh_q         <= setup_kb_w % 32'(geom_i.filter_h);
        c1_q         <= setup_kb_w / 32'(geom_i.filter_h);
        row_q        <= '0;
        r_q          <= '0;
        k1_q         <= '0;
        // With no output (OW = 0) every row is zero and the position is never used.
        m_q          <= 32'(pos_i.m_start);
        mb_q         <= 32'(pos_i.m_start);
        oh_q         <= setup_out_w == '0 ? '0 : 32'(pos_i.m_start) / setup_out_w;
        ohb_q        <= setup_out_w == '0 ? '0 : 32'(pos_i.m_start) / setup_out_w;
        ow_q         <= setup_out_w == '0 ? '0 : 32'(pos_i.m_start) % setup_out_w;
        owb_q        <= setup_out_w == '0 ? '0 : 32'(pos_i.m_start) % setup_out_w;
`ifdef NPU_RTL_MISMODEL
        bubble_q     <= 1'b0;
`endif
      end
`ifdef NPU_RTL_MISMODEL
    end else if (bubble_q) begin
      bubble_q <= 1'b0;
`endif
    end else begin
      // A row leaves this cycle.
      busy_q <= row_q != last_row_q;
      row_q  <= row_q + 32'd1;
      if (r_q != 4'd15) begin
        r_q  <= r_q + 4'd1;
        m_q  <= m_step;
        oh_q <= oh_step;
        ow_q <= ow_step;
      end else begin
        r_q <= '0;
`ifdef NPU_RTL_MISMODEL
        bubble_q <= 1'b1;
`endif
        if (k1_q != k_blocks_q - 32'd1) begin
          // Next fractal of this fractal row: the same 16 output positions, the next K block.
          k1_q <= k1_q + 32'd1;
          m_q  <= mb_q;
          oh_q <= ohb_q;
          ow_q <= owb_q;
          kw_q <= kw_step;
          kh_q <= kh_step;
          c1_q <= c1_step;
        end else begin
          // Next fractal row: the next 16 output positions, back to the first K block.
          k1_q  <= '0;
          m_q   <= m_step;
          oh_q  <= oh_step;
          ow_q  <= ow_step;
          mb_q  <= m_step;
          ohb_q <= oh_step;
          owb_q <= ow_step;
          kw_q  <= kw0_q;
          kh_q  <= kh0_q;
          c1_q  <= c10_q;
        end
      end
    end
  end

endmodule
