# C (16 x 16, fp32, row-major) = A (16 x 16 fp16, row-major) x B (16 x 16 fp16, row-major):
# GM -> L1 with ND -> NZ conversion, L1 -> L0A / L0B with load2d (B transposed into the ZN
# layout), one mmad, and the fixpipe writing C back to GM as ND.
.kernel matmul_16x16x16
.arg a, gm
.arg b, gm
.arg c, gm
    ldg.s64 x2, 0(x1)
    ldg.s64 x3, 8(x1)
    ldg.s64 x4, 16(x1)
    li x5, 0                      # L1: A fractal
    li x6, 512                    # L1: B fractal
    copy_gm_to_l1_nd2nz.f16 x5, x2, rows=16, cols=16, src_row_stride=16, dst_c0_stride=16
    copy_gm_to_l1_nd2nz.f16 x6, x3, rows=16, cols=16, src_row_stride=16, dst_c0_stride=16
    set_flag mte2, mte1, 0
    wait_flag mte2, mte1, 0
    li x7, 0                      # L0A, L0B and L0C addresses
    load2d_l1_to_l0a.f16 x7, x5, repeat=1
    load2d_l1_to_l0b.f16 x7, x6, repeat=1, transpose=1
    set_flag mte1, m, 0
    wait_flag mte1, m, 0
    mmad.f32.f16 x7, x7, x7, m=16, k=16, n=16, init=zero
    set_flag m, fix, 0
    wait_flag m, fix, 0
    fix_l0c_to_gm.f32.f32 x4, x7, x0, n=16, m=16, src_stride=1, dst_stride=16, layout=nd
    end
