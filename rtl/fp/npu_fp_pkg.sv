// Floating-point building blocks of the RTL datapaths, bit-exact to docs/numerics.md and to the
// C++ definition in numerics/ (convert.h, elementwise.h, cube.h): IEEE binary32 add and multiply
// with round to nearest even, subnormals kept, canonical NaN results; exact fp16 / bf16 -> fp32
// widening; fp32 -> fp16 / bf16 narrowing in the six rounding modes; IEEE 754-2019 maximum and
// minimum. Pure functions, used by the cube's MAC lanes and the vector ALU lane.
//
// Every rounding goes through round_up() (the one-rounding-step rule of docs/numerics.md
// section 3): a magnitude q truncated to the destination's grid (exponent and mantissa bits
// together, so a carry out of the mantissa increments the exponent), the round bit r and the
// sticky bit st. Defining NPU_RTL_MISMODEL_TRUNCATE makes every rounding truncate instead: a
// deliberately wrong variant that the Verilator harnesses must catch (tests/rtl).
package npu_fp_pkg;

  import npu_isa_pkg::*;

  localparam logic [31:0] Fp32NaN = 32'h7FC0_0000;
  localparam logic [31:0] Fp32Inf = 32'h7F80_0000;
  localparam logic [15:0] Fp16NaN = 16'h7E00;
  localparam logic [15:0] Bf16NaN = 16'h7FC0;

  function automatic logic fp32_is_nan(logic [30:0] magnitude);
    return magnitude > Fp32Inf[30:0];
  endfunction

  // 1 when the rounded magnitude is q + 1 (docs/numerics.md section 3; odd sets the last bit,
  // which is an increment exactly when that bit is 0).
  function automatic logic round_up(round_mode_e mode, logic sign, logic q0, logic r, logic st);
    logic up;
    unique case (mode)
      RND_RINT:  up = r & (st | q0);
      RND_FLOOR: up = sign & (r | st);
      RND_CEIL:  up = ~sign & (r | st);
      RND_AWAY:  up = r;
      RND_ZERO:  up = 1'b0;
      RND_ODD:   up = (r | st) & ~q0;
      default:   up = 1'b0;
    endcase
`ifdef NPU_RTL_MISMODEL_TRUNCATE
    up = 1'b0;
`endif
    return up;
  endfunction

  // Whether a finite value too large for the destination becomes infinity (else the largest
  // finite value), per mode and sign (docs/numerics.md section 3, "Overflow").
  function automatic logic overflows_to_inf(round_mode_e mode, logic sign);
    unique case (mode)
      RND_RINT, RND_AWAY: return 1'b1;
      RND_FLOOR:          return sign;
      RND_CEIL:           return ~sign;
      default:            return 1'b0;
    endcase
  endfunction

  // Number of leading zeros of a 32-bit value (32 for zero). Narrower values are passed
  // left-aligned ({x, zeros}), so the count is theirs as long as x is not zero.
  function automatic logic [5:0] clz32(logic [31:0] x);
    logic [5:0] n;
    n = 6'd32;
    for (int i = 0; i < 32; i++) begin
      if (x[i]) n = 6'(31 - i);
    end
    return n;
  endfunction

  // ---- widening (exact) ----------------------------------------------------------------------

  function automatic logic [31:0] fp16_to_fp32(logic [15:0] h);
    logic [4:0]  e;
    logic [9:0]  m;
    logic [5:0]  lz;
    logic [23:0] sig;
    logic [7:0]  exp32;
    e = h[14:10];
    m = h[9:0];
    if (e == 5'h1F) begin
      return (m != 10'd0) ? Fp32NaN : {h[15], Fp32Inf[30:0]};
    end
    if (e != 5'd0) begin
      return {h[15], 8'(e) + 8'd112, m, 13'd0};
    end
    if (m == 10'd0) begin
      return {h[15], 31'd0};
    end
    // Subnormal m * 2^-24: normalise so the leading one becomes the hidden bit.
    sig = {14'd0, m};
    lz = clz32({sig, 8'd0});        // 14..23
    sig = sig << (lz + 6'd1);       // leading one shifted out at bit 24
    exp32 = 8'd126 - 8'(lz);        // leading one at bit 23 - lz: value 1.f * 2^(-1 - lz)
    return {h[15], exp32, sig[23:1]};
  endfunction

  function automatic logic [31:0] bf16_to_fp32(logic [15:0] h);
    return (h[14:0] > 15'h7F80) ? Fp32NaN : {h, 16'd0};
  endfunction

  // ---- narrowing ------------------------------------------------------------------------------

  // fp32 -> fp16, the bit-level algorithm of docs/numerics.md section 4.
  function automatic logic [15:0] fp32_to_fp16(logic [31:0] x, round_mode_e mode);
    logic [30:0] a;
    logic        s;
    logic [7:0]  e;
    logic [23:0] sig;
    logic [4:0]  sh;
    logic [14:0] q;
    logic        r;
    logic        st;
    logic [48:0] wide;
    a = x[30:0];
    s = x[31];
    e = x[30:23];
    if (a > Fp32Inf[30:0]) return Fp16NaN;
    if (a == Fp32Inf[30:0]) return {s, 15'h7C00};
    if (a >= 31'h4780_0000) return {s, overflows_to_inf(mode, s) ? 15'h7C00 : 15'h7BFF};
    if (e >= 8'd113) begin
      q = 15'((a - 31'h3800_0000) >> 13);
      r = a[12];
      st = |a[11:0];
    end else begin
      sig = {e != 8'd0, x[22:0]};
      sh = (e >= 8'd101) ? 5'(8'd126 - e) : 5'd25;
      wide = {sig, 25'd0} >> sh;    // kept bits from bit 25 up, discarded ones below
      q = 15'(wide[48:25]);
      r = wide[24];
      st = |wide[23:0];
    end
    return {s, q + 15'(round_up(mode, s, q[0], r, st))};
  endfunction

  // fp32 -> bf16: keep the upper half, rounded (docs/numerics.md section 4).
  function automatic logic [15:0] fp32_to_bf16(logic [31:0] x, round_mode_e mode);
    logic [14:0] q;
    if (fp32_is_nan(x[30:0])) return Bf16NaN;
    q = x[30:16];
    return {x[31], q + 15'(round_up(mode, x[31], q[0], x[15], |x[14:0]))};
  endfunction

  // ---- arithmetic (IEEE binary32, round to nearest even) -------------------------------------

  // Rounds sign, biased exponent `e` (>= 1) and a 27-bit significand {hidden, 23 bits, round,
  // two sticky bits} whose hidden bit is 0 only when e == 1 (a subnormal result).
  function automatic logic [31:0] fp32_pack(logic sign, logic [9:0] e, logic [26:0] m);
    logic [30:0] pattern;
    if (e >= 10'd255) return {sign, Fp32Inf[30:0]};
    pattern = {m[26] ? e[7:0] : 8'd0, m[25:3]};
    return {sign, pattern + 31'(round_up(RND_RINT, sign, m[3], m[2], m[1] | m[0]))};
  endfunction

  function automatic logic [31:0] fp32_add(logic [31:0] x, logic [31:0] y);
    logic [31:0] a;
    logic [31:0] b;
    logic [7:0]  ea;
    logic [7:0]  eb;
    logic [7:0]  d;
    logic [26:0] ma;
    logic [26:0] mb;
    logic [26:0] shifted;
    logic        sticky;
    logic [27:0] sum;
    logic [9:0]  e;
    logic [26:0] m;
    logic [5:0]  lz;
    logic [5:0]  sh;
    if (fp32_is_nan(x[30:0]) || fp32_is_nan(y[30:0])) return Fp32NaN;
    if (x[30:0] == Fp32Inf[30:0] && y[30:0] == Fp32Inf[30:0] && x[31] != y[31]) return Fp32NaN;
    if (x[30:0] == Fp32Inf[30:0]) return x;
    if (y[30:0] == Fp32Inf[30:0]) return y;
    // a is the operand of larger magnitude.
    if (x[30:0] >= y[30:0]) begin
      a = x;
      b = y;
    end else begin
      a = y;
      b = x;
    end
    ea = (a[30:23] == 8'd0) ? 8'd1 : a[30:23];
    eb = (b[30:23] == 8'd0) ? 8'd1 : b[30:23];
    ma = {a[30:23] != 8'd0, a[22:0], 3'd0};
    mb = {b[30:23] != 8'd0, b[22:0], 3'd0};
    d = ea - eb;
    if (d >= 8'd27) begin
      shifted = 27'd0;
      sticky = |mb;
    end else begin
      shifted = mb >> d;
      sticky = |(mb & ((27'd1 << d) - 27'd1));
    end
    shifted[0] = shifted[0] | sticky;
    e = 10'(ea);
    if (a[31] == b[31]) begin
      sum = {1'b0, ma} + {1'b0, shifted};
      if (sum[27]) begin
        m = {sum[27:2], sum[1] | sum[0]};
        e = e + 10'd1;
      end else begin
        m = sum[26:0];
      end
      return fp32_pack(a[31], e, m);
    end
    m = ma - shifted;
    if (m == 27'd0) return 32'd0;  // exact zero of opposite signs: +0
    lz = clz32({m, 5'd0});
    sh = (10'(lz) > e - 10'd1) ? 6'(e - 10'd1) : lz;
    m = m << sh;
    e = e - 10'(sh);
    return fp32_pack(a[31], e, m);
  endfunction

  function automatic logic [31:0] fp32_mul(logic [31:0] x, logic [31:0] y);
    logic        s;
    logic [23:0] ma;
    logic [23:0] mb;
    logic [5:0]  lza;
    logic [5:0]  lzb;
    logic signed [11:0] e;
    logic signed [11:0] ea;
    logic signed [11:0] eb;
    logic [47:0] p;
    logic [47:0] n;
    logic [11:0] sh;
    logic        sticky;
    logic        x_zero;
    logic        y_zero;
    logic        x_inf;
    logic        y_inf;
    s = x[31] ^ y[31];
    x_zero = x[30:0] == 31'd0;
    y_zero = y[30:0] == 31'd0;
    x_inf = x[30:0] == Fp32Inf[30:0];
    y_inf = y[30:0] == Fp32Inf[30:0];
    if (fp32_is_nan(x[30:0]) || fp32_is_nan(y[30:0])) return Fp32NaN;
    if ((x_inf && y_zero) || (y_inf && x_zero)) return Fp32NaN;
    if (x_inf || y_inf) return {s, Fp32Inf[30:0]};
    if (x_zero || y_zero) return {s, 31'd0};
    ma = {x[30:23] != 8'd0, x[22:0]};
    mb = {y[30:23] != 8'd0, y[22:0]};
    lza = clz32({ma, 8'd0});
    lzb = clz32({mb, 8'd0});
    ma = ma << lza;
    mb = mb << lzb;
    // Value = ma * mb * 2^(ea + eb - 254 - 46) with ea, eb the exponents after normalising.
    ea = $signed({4'd0, (x[30:23] == 8'd0) ? 8'd1 : x[30:23]}) - $signed({6'd0, lza});
    eb = $signed({4'd0, (y[30:23] == 8'd0) ? 8'd1 : y[30:23]}) - $signed({6'd0, lzb});
    e = ea + eb - 12'sd127;
    p = 48'(ma) * 48'(mb);
    if (p[47]) begin
      n = p;
      e = e + 12'sd1;
    end else begin
      n = p << 1;
    end
    // n[47] is the hidden bit of 2^(e - 127); below e = 1 the result is subnormal.
    sticky = 1'b0;
    if (e < 12'sd1) begin
      sh = 12'(12'sd1 - e);
      if (sh >= 12'd48) begin
        sticky = 1'b1;
        n = 48'd0;
      end else begin
        sticky = |(n & ((48'd1 << sh) - 48'd1));
        n = n >> sh;
      end
      e = 12'sd1;
    end
    if (e >= 12'sd255) return {s, Fp32Inf[30:0]};
    return fp32_pack(s, 10'(e), {n[47:22], (|n[21:0]) | sticky});
  endfunction

  // ---- maximum / minimum (IEEE 754-2019: NaN wins, +0 > -0) ---------------------------------

  // Total-order key of a non-NaN value: larger key, larger value.
  function automatic logic [31:0] fp32_order_key(logic [31:0] x);
    return x[31] ? ~x : {1'b1, x[30:0]};
  endfunction

  function automatic logic [31:0] fp32_max(logic [31:0] x, logic [31:0] y);
    if (fp32_is_nan(x[30:0]) || fp32_is_nan(y[30:0])) return Fp32NaN;
    return (fp32_order_key(x) >= fp32_order_key(y)) ? x : y;
  endfunction

  function automatic logic [31:0] fp32_min(logic [31:0] x, logic [31:0] y);
    if (fp32_is_nan(x[30:0]) || fp32_is_nan(y[30:0])) return Fp32NaN;
    return (fp32_order_key(x) <= fp32_order_key(y)) ? x : y;
  endfunction

  // Canonical NaN for any NaN; other values unchanged.
  function automatic logic [31:0] fp32_canonical(logic [31:0] x);
    return fp32_is_nan(x[30:0]) ? Fp32NaN : x;
  endfunction

endpackage
