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
  // State: the transaction's configuration (loaded once) and the walk (moves every row).
  // ---------------------------------------------------------------------------------------

  typedef struct packed {
    logic [15:0] width, height;
    logic [7:0]  pad_left, pad_top;
    logic [5:0]  stride_w, stride_h;
    logic [7:0]  filter_w, filter_h, dilation_w, dilation_h;
    logic [31:0] out_w;           // OW
    logic [63:0] out_hw;          // OH * OW: rows m >= this are zero
    logic [31:0] k_blocks;        // K1, fractals per fractal row
    logic [31:0] last_row;        // index of the final destination row
    logic [31:0] kw0, kh0, c10;   // filter position of the first K block
  } config_t;

  typedef struct packed {
    logic        busy;
`ifdef NPU_RTL_MISMODEL
    logic        bubble;          // the wrong variant: idle for one cycle
`endif
    logic [31:0] row;             // destination row index
    logic [3:0]  r;               // row within the fractal
    logic [31:0] k1;              // fractal column (K block of the destination)
    logic [31:0] m, oh, ow;       // this row's output position m = oh * OW + ow
    logic [31:0] mb, ohb, owb;    // the same for row 0 of the current fractal row
    logic [31:0] kw, kh, c1;      // this fractal's filter position
  } walk_t;

  config_t cfg_d, cfg_q;
  walk_t   walk_d, walk_q;

  // ---------------------------------------------------------------------------------------
  // This row.
  // ---------------------------------------------------------------------------------------

  logic [63:0] ih_padded, iw_padded;  // ih + pad_top, iw + pad_left: never negative
  logic [63:0] ih, iw;
  logic        in_map;
  always_comb begin
    ih_padded = 64'(walk_q.oh) * 64'(cfg_q.stride_h) + 64'(walk_q.kh) * 64'(cfg_q.dilation_h);
    iw_padded = 64'(walk_q.ow) * 64'(cfg_q.stride_w) + 64'(walk_q.kw) * 64'(cfg_q.dilation_w);
    ih        = ih_padded - 64'(cfg_q.pad_top);
    iw        = iw_padded - 64'(cfg_q.pad_left);
    in_map    = ih_padded >= 64'(cfg_q.pad_top) && iw_padded >= 64'(cfg_q.pad_left) &&
                ih < 64'(cfg_q.height) && iw < 64'(cfg_q.width);
    if (64'(walk_q.m) >= cfg_q.out_hw) begin
      source_o     = SrcZero;
      src_offset_o = '0;
    end else if (!in_map) begin
      source_o     = SrcPadding;
      src_offset_o = '0;
    end else begin
      source_o     = SrcFeatureMap;
      src_offset_o = ((64'(walk_q.c1) * 64'(cfg_q.height) + ih) * 64'(cfg_q.width) + iw) << 5;
    end
  end

`ifdef NPU_RTL_MISMODEL
  assign valid_o = walk_q.busy && !walk_q.bubble;
`else
  assign valid_o = walk_q.busy;
`endif
  assign ready_o      = !walk_q.busy;
  assign dst_offset_o = 64'(walk_q.row) << 5;

  // ---------------------------------------------------------------------------------------
  // Next state.
  // ---------------------------------------------------------------------------------------

  // The output position after (oh, ow): one step along the row-major output.
  logic [31:0] m_step, oh_step, ow_step;
  always_comb begin
    m_step  = walk_q.m + 32'd1;
    oh_step = walk_q.oh;
    ow_step = walk_q.ow + 32'd1;
    if (ow_step == cfg_q.out_w) begin
      ow_step = '0;
      oh_step = walk_q.oh + 32'd1;
    end
  end

  // The filter position of the next K block: kw fastest, then kh, then c1.
  logic [31:0] kw_step, kh_step, c1_step;
  always_comb begin
    kw_step = walk_q.kw + 32'd1;
    kh_step = walk_q.kh;
    c1_step = walk_q.c1;
    if (kw_step == 32'(cfg_q.filter_w)) begin
      kw_step = '0;
      kh_step = walk_q.kh + 32'd1;
      if (kh_step == 32'(cfg_q.filter_h)) begin
        kh_step = '0;
        c1_step = walk_q.c1 + 32'd1;
      end
    end
  end

  // The first row's positions, from the setup dividers. With no output (OW = 0) every row is
  // zero and the output position is never used.
  logic [31:0] start_oh, start_ow, start_kw, start_kh, start_c1;
  always_comb begin
    start_oh = setup_out_w == '0 ? '0 : 32'(pos_i.m_start) / setup_out_w;
    start_ow = setup_out_w == '0 ? '0 : 32'(pos_i.m_start) % setup_out_w;
    start_kw = setup_kb % 32'(geom_i.filter_w);
    start_kh = setup_kb_w % 32'(geom_i.filter_h);
    start_c1 = setup_kb_w / 32'(geom_i.filter_h);
  end

  always_comb begin
    cfg_d  = cfg_q;
    walk_d = walk_q;
    if (!walk_q.busy) begin
      if (start_i) begin
        cfg_d = '{
          width:      fmatrix_i.width,
          height:     fmatrix_i.height,
          pad_left:   fmatrix_i.pad_left,
          pad_top:    fmatrix_i.pad_top,
          stride_w:   geom_i.stride_w,
          stride_h:   geom_i.stride_h,
          filter_w:   geom_i.filter_w,
          filter_h:   geom_i.filter_h,
          dilation_w: geom_i.dilation_w,
          dilation_h: geom_i.dilation_h,
          out_w:      setup_out_w,
          out_hw:     64'(setup_out_h) * 64'(setup_out_w),
          k_blocks:   setup_k_blocks,
          last_row:   setup_rows - 32'd1,
          kw0:        start_kw,
          kh0:        start_kh,
          c10:        start_c1
        };
        walk_d      = '0;
        walk_d.busy = setup_rows != '0;
        walk_d.m    = 32'(pos_i.m_start);
        walk_d.oh   = start_oh;
        walk_d.ow   = start_ow;
        walk_d.mb   = 32'(pos_i.m_start);
        walk_d.ohb  = start_oh;
        walk_d.owb  = start_ow;
        walk_d.kw   = start_kw;
        walk_d.kh   = start_kh;
        walk_d.c1   = start_c1;
      end
`ifdef NPU_RTL_MISMODEL
    end else if (walk_q.bubble) begin
      walk_d.bubble = 1'b0;
`endif
    end else begin
      // A row leaves this cycle.
      walk_d.busy = walk_q.row != cfg_q.last_row;
      walk_d.row  = walk_q.row + 32'd1;
      if (walk_q.r != 4'd15) begin
        walk_d.r  = walk_q.r + 4'd1;
        walk_d.m  = m_step;
        walk_d.oh = oh_step;
        walk_d.ow = ow_step;
      end else begin
        walk_d.r = '0;
`ifdef NPU_RTL_MISMODEL
        walk_d.bubble = 1'b1;
`endif
        if (walk_q.k1 != cfg_q.k_blocks - 32'd1) begin
          // Next fractal of this fractal row: the same 16 output positions, the next K block.
          walk_d.k1 = walk_q.k1 + 32'd1;
          walk_d.m  = walk_q.mb;
          walk_d.oh = walk_q.ohb;
          walk_d.ow = walk_q.owb;
          walk_d.kw = kw_step;
          walk_d.kh = kh_step;
          walk_d.c1 = c1_step;
        end else begin
          // Next fractal row: the next 16 output positions, back to the first K block.
          walk_d.k1  = '0;
          walk_d.m   = m_step;
          walk_d.oh  = oh_step;
          walk_d.ow  = ow_step;
          walk_d.mb  = m_step;
          walk_d.ohb = oh_step;
          walk_d.owb = ow_step;
          walk_d.kw  = cfg_q.kw0;
          walk_d.kh  = cfg_q.kh0;
          walk_d.c1  = cfg_q.c10;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cfg_q  <= '0;
      walk_q <= '0;
    end else begin
      cfg_q  <= cfg_d;
      walk_q <= walk_d;
    end
  end

endmodule
