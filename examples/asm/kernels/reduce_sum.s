# out[0] = sum of x[0..4095], fp32, on one core.
#
# A whole-repeat reduction (vcadd) turns 64 repeats of 64 elements into 64 partial sums, laid
# out contiguously (dst_rep_stride=1 counts elements for reductions); a second vcadd adds the
# 64 partial sums. The sums are pairwise trees (docs/isa.md §5.7). copy_ub_to_gm_pad writes
# exactly the 4 result bytes.
.kernel reduce_sum
.arg x, gm
.arg out, gm
    ldg.s64 x2, 0(x1)          # x: 4096 fp32 = 16 KiB
    ldg.s64 x3, 8(x1)          # out: one fp32
    li x4, 0                   # UB: the input
    li x5, 16384               # UB: 64 partial sums
    li x6, 16640               # UB: the total
    copy_gm_to_ub x4, x2, burst_len=512
    set_flag mte2, v, 0
    wait_flag mte2, v, 0
    vcadd.f32 x5, x4, repeat=64, dst_rep_stride=1
    pipe_barrier v             # the partial sums are complete before they are read
    vcadd.f32 x6, x5, repeat=1
    set_flag v, mte3, 0
    wait_flag v, mte3, 0
    copy_ub_to_gm_pad x3, x6, nburst=1, burst_bytes=4
    end
