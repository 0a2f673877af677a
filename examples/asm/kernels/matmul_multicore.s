# C = A x B on block_dim cores: A is (32 x block_dim) x 64 fp16, B is 64 x 32 fp16, C is
# (32 x block_dim) x 32 fp32, all row-major. Core b computes rows 32b .. 32b+31 of C from the
# same rows of A and all of B (every core reads B; L2 serves the repeats). Inside a core it is
# the single-core kernel (matmul_tiled.s): two K tiles of 32 accumulated in L0C.
#
# Per K tile kt:
#   MTE2  copy_gm_to_l1_nd2nz: the A tile (32 x 32, rows of 64) and the B tile (32 x 32) into
#         L1 in the NZ layout (column blocks of 16 elements, 32 rows each: 2 x 2 fractals).
#   MTE1  load2d: A's fractals to L0A in ZZ order (for each fractal row m1: k1 = 0, 1), and B's
#         to L0B in ZN order (for each k1: n1 = 0, 1), transposing each B fractal.
#   M     mmad 32 x 32 x 32: init=zero for the first tile, init=acc after.
# Then FIX writes L0C (NZ, fp32) to GM as a row-major fp32 matrix (layout=nd).
# Flags: MTE2 -> MTE1 (L1 filled), MTE1 -> MTE2 (L1 free), MTE1 -> M (L0A/L0B filled),
# M -> MTE1 (L0A/L0B free), M -> FIX (C complete).
.kernel matmul_multicore
.arg a, gm
.arg b, gm
.arg c, gm
    ldg.s64 x2, 0(x1)          # A
    ldg.s64 x3, 8(x1)          # B
    ldg.s64 x4, 16(x1)         # C
    rdsr x6, block_idx
    slli x7, x6, 12            # 32 rows x 64 fp16 = 4096 bytes of A per block
    add x2, x2, x7
    add x4, x4, x7             # 32 rows x 32 fp32 = 4096 bytes of C per block
    li x10, 0                  # L1: A tile (2 KiB)
    li x11, 2048               # L1: B tile (2 KiB)
    li x12, 0                  # L0A / L0B / L0C base
    li x13, 1024               # second fractal row of L0A / L0B (2 fractals of 512 B)
    set_flag mte1, mte2, 0     # L1 starts free
    set_flag m, mte1, 0        # L0A / L0B start free
    # ---- K tile 0 ----
    wait_flag mte1, mte2, 0
    copy_gm_to_l1_nd2nz.f16 x10, x2, rows=32, cols=32, src_row_stride=64, dst_c0_stride=32
    copy_gm_to_l1_nd2nz.f16 x11, x3, rows=32, cols=32, src_row_stride=32, dst_c0_stride=32
    set_flag mte2, mte1, 0
    wait_flag mte2, mte1, 0
    wait_flag m, mte1, 0
    load2d_l1_to_l0a.f16 x12, x10, start_index=0, repeat=2, src_stride=2
    load2d_l1_to_l0a.f16 x13, x10, start_index=1, repeat=2, src_stride=2
    load2d_l1_to_l0b.f16 x12, x11, start_index=0, repeat=2, src_stride=2, transpose=1
    load2d_l1_to_l0b.f16 x13, x11, start_index=1, repeat=2, src_stride=2, transpose=1
    set_flag mte1, mte2, 0
    set_flag mte1, m, 0
    wait_flag mte1, m, 0
    mmad.f32.f16 x12, x12, x12, m=32, k=32, n=32, init=zero
    set_flag m, mte1, 0
    # ---- K tile 1: columns 32..63 of A (64 bytes in), rows 32..63 of B (2048 bytes in) ----
    addi x2, x2, 64
    addi x3, x3, 2048
    wait_flag mte1, mte2, 0
    copy_gm_to_l1_nd2nz.f16 x10, x2, rows=32, cols=32, src_row_stride=64, dst_c0_stride=32
    copy_gm_to_l1_nd2nz.f16 x11, x3, rows=32, cols=32, src_row_stride=32, dst_c0_stride=32
    set_flag mte2, mte1, 0
    wait_flag mte2, mte1, 0
    wait_flag m, mte1, 0
    load2d_l1_to_l0a.f16 x12, x10, start_index=0, repeat=2, src_stride=2
    load2d_l1_to_l0a.f16 x13, x10, start_index=1, repeat=2, src_stride=2
    load2d_l1_to_l0b.f16 x12, x11, start_index=0, repeat=2, src_stride=2, transpose=1
    load2d_l1_to_l0b.f16 x13, x11, start_index=1, repeat=2, src_stride=2, transpose=1
    set_flag mte1, mte2, 0
    set_flag mte1, m, 0
    wait_flag mte1, m, 0
    mmad.f32.f16 x12, x12, x12, m=32, k=32, n=32, init=acc
    set_flag m, mte1, 0
    # ---- write C ----
    set_flag m, fix, 0
    wait_flag m, fix, 0
    fix_l0c_to_gm.f32.f32 x4, x12, x0, n=32, m=32, src_stride=2, dst_stride=32, layout=nd
    wait_flag mte1, mte2, 0    # consume the last sets
    wait_flag m, mte1, 0
    end
