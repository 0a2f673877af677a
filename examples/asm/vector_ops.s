# The vector families on UB data: masks (normal and counter mode), conversions with rounding,
# compare and select, whole-repeat and per-block reductions, vector-scalar operations, dup,
# broadcast, transpose and gather.
.kernel vector_tour
.arg alpha, f16
    ldg.s64 x9, 0(x1)             # fp16 bits of alpha
    li x3, 0                      # UB regions
    li x4, 1024
    li x5, 2048
    li x6, 4096
    li x7, -1
    set_mask x0, x7               # only the first 64 elements of each repeat
    vexp.f32 x5, x4, repeat=2
    vln.f16 x5, x5, repeat=1
    vsqrt.f32 x5, x5, repeat=1
    vrsqrt.f32 x5, x5, repeat=1
    vrec.f16 x5, x5, repeat=1
    set_mask x7, x7               # all elements
    vconv.f16.f32 x3, x4, repeat=2, dst_rep_stride=4, round=rint
    vconv.s32.f32 x6, x4, repeat=2, round=floor
    vconv.f32.f16 x4, x3, repeat=1, src0_rep_stride=4
    vadd.f16 x3, x3, x5, repeat=4
    vsub.s32 x6, x6, x6, repeat=1
    vmul.f16 x3, x3, x3, repeat=1
    vdiv.f32 x4, x4, x5, repeat=1
    vmax.f16 x3, x3, x5, repeat=1
    vmin.f16 x3, x3, x5, repeat=1
    vand.s16 x3, x3, x5, repeat=1
    vor.s16 x3, x3, x5, repeat=1
    vnot.s16 x3, x3, repeat=1
    vmla.f32 x4, x4, x5, repeat=1
    vcmp.f16 x6, x3, x5, lt, repeat=1
    vcmps.f16 x6, x3, x9, ge, repeat=1
    vsel.f16 x3, x3, x5, x6, repeat=1
    vcadd.f32 x6, x4, repeat=4, dst_rep_stride=1
    vcmax.f16 x6, x3, repeat=2, dst_rep_stride=1
    vcmin.f16 x6, x3, repeat=2, dst_rep_stride=1
    vcgadd.f32 x6, x4, repeat=1, dst_rep_stride=1
    vcgmax.f16 x6, x3, repeat=2, dst_rep_stride=1
    vcgmin.f16 x6, x3, repeat=2, dst_rep_stride=1
    vadds.f16 x3, x3, x9, repeat=1
    vmuls.f16 x3, x3, x9, repeat=1
    vmaxs.f16 x3, x3, x9, repeat=1
    vmins.f16 x3, x3, x9, repeat=1
    vlrelu.f16 x3, x3, x9, repeat=1
    vaxpy.f32 x4, x4, x9, repeat=1
    li x10, 3
    vshl.s32 x6, x6, x10, repeat=1
    vshr.s16 x3, x3, x10, repeat=1
    vabs.f16 x3, x3, repeat=1
    vrelu.f16 x3, x3, repeat=1
    set_mask_mode counter
    li x8, 1000
    set_mask x0, x8               # counter mode: 1000 elements, repeat ignored
    vmuls.f16 x3, x3, x9, repeat=0
    set_mask_mode normal
    set_mask x7, x7
    vdup.f32 x4, x9, repeat=1
    vbrcb.f32 x5, x4, repeat=2
    vcopy.s16 x5, x3, repeat=1, dst_blk_stride=2
    vtranspose.f16 x6, x3
    vgather.f32 x4, x5, x6, repeat=1
    end
