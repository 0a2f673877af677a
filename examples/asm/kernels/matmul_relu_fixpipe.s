# D = relu(A x B) in fp16, computed on the cube and converted on the way out by the fixpipe:
# A is 32 x 32 fp16, B is 32 x 32 fp16 (row-major), D is 32 x 32 fp16 (row-major).
#
# The cube accumulates in fp32 (L0C). fix_l0c_to_gm.f16.f32 then applies ReLU and rounds each
# value to fp16 (nearest even) while it turns the NZ fractals of L0C into a row-major matrix
# (layout=nd) in GM: one instruction for what would otherwise be a copy to UB, a vrelu, a
# vconv and a copy out.
.kernel matmul_relu_fixpipe
.arg a, gm
.arg b, gm
.arg d, gm
    ldg.s64 x2, 0(x1)          # A
    ldg.s64 x3, 8(x1)          # B
    ldg.s64 x4, 16(x1)         # D
    li x10, 0                  # L1: A (2 KiB)
    li x11, 2048               # L1: B (2 KiB)
    li x12, 0                  # L0A / L0B / L0C base
    li x13, 1024               # second fractal row of L0A / L0B
    copy_gm_to_l1_nd2nz.f16 x10, x2, rows=32, cols=32, src_row_stride=32, dst_c0_stride=32
    copy_gm_to_l1_nd2nz.f16 x11, x3, rows=32, cols=32, src_row_stride=32, dst_c0_stride=32
    set_flag mte2, mte1, 0
    wait_flag mte2, mte1, 0
    load2d_l1_to_l0a.f16 x12, x10, start_index=0, repeat=2, src_stride=2
    load2d_l1_to_l0a.f16 x13, x10, start_index=1, repeat=2, src_stride=2
    load2d_l1_to_l0b.f16 x12, x11, start_index=0, repeat=2, src_stride=2, transpose=1
    load2d_l1_to_l0b.f16 x13, x11, start_index=1, repeat=2, src_stride=2, transpose=1
    set_flag mte1, m, 0
    wait_flag mte1, m, 0
    mmad.f32.f16 x12, x12, x12, m=32, k=32, n=32, init=zero
    set_flag m, fix, 0
    wait_flag m, fix, 0
    # fp32 -> fp16 with ReLU, NZ -> row-major (dst_stride: 32 elements per row)
    fix_l0c_to_gm.f16.f32 x4, x12, x0, n=32, m=32, src_stride=2, dst_stride=32, relu=1, layout=nd
    end
