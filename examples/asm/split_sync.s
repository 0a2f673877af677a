# Split-core cooperation (910B style): the AIC computes a tile and writes it to GM with the
# fixpipe; its AIVs wait on a cross-core counter flag, scale the tile and accumulate it into
# the output with atomic adds; then every core meets at sync_all.
.kernel aic_aiv_pipeline
.arg tile, gm
.arg out, gm
.arg alpha, f32
    ldg.s64 x2, 0(x1)
    ldg.s64 x3, 8(x1)
    ldg.s32 x4, 16(x1)
    rdsr x5, core_type
    li x6, 1
    beq x5, x6, cube_side
vector_side:
    rdsr x7, sub_block_idx
    slli x7, x7, 12               # each AIV takes 4 KB of the tile
    add x2, x2, x7
    add x3, x3, x7
    li x8, 0
    cross_core_wait_flag mte2, 0  # the AIC's tile is in GM
    copy_gm_to_ub x8, x2, burst_len=128
    set_flag mte2, v, 0
    wait_flag mte2, v, 0
    vmuls.f32 x8, x8, x4, repeat=16
    set_flag v, mte3, 0
    wait_flag v, mte3, 0
    copy_ub_to_gm_atomic_add.f32 x3, x8, burst_len=128
    cross_core_set_flag mte3, aic_aiv, 1
    j finish
cube_side:
    li x8, 0
    fix_l0c_to_gm.f32.f32 x2, x8, x0, n=64, m=32, src_stride=2, dst_stride=64, layout=nd
    cross_core_set_flag fix, aic_aiv, 0
    cross_core_wait_flag s, 1     # both AIVs have accumulated
    pipe_barrier all
finish:
    pipe_barrier mte3
    sync_all
    end
