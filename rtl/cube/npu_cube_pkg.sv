// Types and the MAC step of the cube fractal MAC array (npu_cube_fractal).
package npu_cube_pkg;

  import npu_isa_pkg::*;
  import npu_fp_pkg::*;

  // The initial value of C for a fractal's first k step.
  typedef enum logic [1:0] {
    CUBE_INIT_ZERO = 2'd0,  // C0 = 0 (mmad init = zero)
    CUBE_INIT_LOAD = 2'd1,  // C0 = in_c_i (the L0C contents, or the bias rows)
    CUBE_INIT_KEEP = 2'd2   // C0 = the previous fractal's sums (the next k fractal of an output)
  } cube_init_e;

  function automatic logic cube_is_float(dtype_e dtype);
    return dtype == DT_F16 || dtype == DT_BF16;
  endfunction

  // 8 x 8 -> 16-bit product, sign- or zero-extended to 32 bits.
  function automatic logic [31:0] cube_mul8(logic [7:0] x, logic [7:0] y, logic sgn);
    logic signed [17:0] xs;
    logic signed [17:0] ys;
    logic signed [17:0] p;
    xs = $signed({{10{sgn & x[7]}}, x});
    ys = $signed({{10{sgn & y[7]}}, y});
    p = xs * ys;
    return 32'(p);
  endfunction

  // One MAC lane's cycle: one output element's k step.
  //   fp16 / bf16: RN32(base + RN32(A * B)) for the one product (docs/numerics.md section 9), or
  //     base when the product lies beyond the instruction's K (en[0] = 0).
  //   int8 / uint8: two k steps at once, base + A0 * B0 + A1 * B1 modulo 2^32, each product only
  //     when enabled (the sum is exact, so two per cycle keep the contract).
  // a / b hold one fp16 or bf16 value, or two int8 / uint8 values {k + 1, k}.
  function automatic logic [31:0] cube_mac_step(dtype_e dtype, logic [15:0] a, logic [15:0] b,
                                                logic [1:0] en, logic [31:0] base);
    logic [31:0] a32;
    logic [31:0] b32;
    logic        sgn;
    if (cube_is_float(dtype)) begin
      if (!en[0]) return base;
      a32 = (dtype == DT_BF16) ? bf16_to_fp32(a) : fp16_to_fp32(a);
      b32 = (dtype == DT_BF16) ? bf16_to_fp32(b) : fp16_to_fp32(b);
      return fp32_add(base, fp32_mul(a32, b32));
    end
    sgn = dtype == DT_S8;
    return base + (en[0] ? cube_mul8(a[7:0], b[7:0], sgn) : 32'd0)
                + (en[1] ? cube_mul8(a[15:8], b[15:8], sgn) : 32'd0);
  endfunction

endpackage
