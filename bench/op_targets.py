#!/usr/bin/env python3
"""Issue 5's quality targets for the generated code, measured: each workload runs
`npusim run --timing-only --no-trace` (simulated cycles are deterministic, so one run each) and
the table says what it reached against the target.

  cube      the op's useful MACs over the cores' peak for the run's cycles ("useful cube
            utilization" of `npusim run`: padding and masked work not counted)
  hbm       the op's tensors' bytes (inputs read once, the output written once) over the chip's
            HBM bandwidth (`hbm.bandwidth_gbps`), divided by the run's time; above 100% when the
            write-back L2 keeps the output (the 910B's 192 MiB)
  report    measured and shown, no target (attention: docs/performance.md explains its bound)

  bench/op_targets.py [--npusim build/bin/npusim] [--only conv]

Exit status 1 when a workload with a target misses it, 2 when a run fails. docs/performance.md
records the results, with the layers that cannot reach their target and why.
"""
import argparse
import re
import subprocess
import sys

CHIPS = {"910": "configs/chips/ascend910.yaml", "910B": "configs/chips/ascend910b.yaml"}
CONV = "conv2d n=32 c={c} h={h} w={h} k={c} r=3 s=3 stride={s} pad=1 dtype=fp16"
RESNET_3X3 = [(64, 56, 1), (128, 56, 2), (128, 28, 1), (256, 28, 2), (256, 14, 1), (512, 14, 2),
              (512, 7, 1)]

# (group, chip, spec, metric, target in %, bytes moved for the hbm metric)
TARGETS = (
    [("matmul", "910", "matmul m=4096 n=4096 k=4096 dtype=fp16", "cube", 85, 0),
     ("matmul", "910B", "matmul m=4096 n=4096 k=4096 dtype=fp16", "cube", 80, 0)]
    + [("conv", "910", CONV.format(c=c, h=h, s=s), "cube", 70, 0) for c, h, s in RESNET_3X3]
    + [("memory", chip, spec, "hbm", 75, moved)
       for chip in ("910", "910B")
       for spec, moved in (
           ("add n=16777216 dtype=fp16", 3 * 2 * 16777216),
           ("softmax rows=16384 cols=4096 dtype=fp16", 2 * 2 * 16384 * 4096),
           ("layernorm rows=16384 cols=4096 dtype=fp16", 2 * 2 * 16384 * 4096 + 2 * 2 * 4096),
           ("softmax rows=4096 cols=1024 dtype=fp16", 2 * 2 * 4096 * 1024),
           ("layernorm rows=4096 cols=1024 dtype=fp16", 2 * 2 * 4096 * 1024 + 2 * 2 * 1024))]
    + [("attention", "910B", "attention b=1 h=32 s=4096 d=128 dtype=fp16 causal=1", "report",
        None, 0)])


def hbm_bytes_per_second(chip_yaml):
    text = open(chip_yaml).read()
    m = re.search(r"^hbm:\s*\n(?:\s+.*\n)*?\s+bandwidth_gbps:\s*([0-9.]+)", text, re.M)
    if not m:
        raise SystemExit(f"{chip_yaml}: no hbm.bandwidth_gbps")
    return float(m.group(1)) * 1e9


def run(npusim, chip_yaml, spec):
    p = subprocess.run([npusim, "run", "--chip", chip_yaml, "--op", spec, "--timing-only",
                        "--no-trace"], capture_output=True, text=True, timeout=1800)
    out = p.stdout + p.stderr
    total = re.search(r"^total: (\d+) cycles = ([0-9.]+) us", out, re.M)
    if p.returncode != 0 or not total:
        print(out, file=sys.stderr)
        raise RuntimeError(f"npusim failed ({p.returncode}) on {spec}")
    useful = re.search(r"^useful cube utilization: ([0-9.]+)%", out, re.M)
    return int(total.group(1)), float(total.group(2)) * 1e-6, float(useful.group(1)) if useful else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--npusim", default="build/bin/npusim")
    ap.add_argument("--only", help="one group: matmul, conv, memory or attention")
    args = ap.parse_args()
    missed = 0
    print(f"{'chip':5} {'workload':70} {'cycles':>10} {'reached':>8} {'target':>7}  verdict")
    for group, chip, spec, metric, target, moved in TARGETS:
        if args.only and group != args.only:
            continue
        try:
            cycles, seconds, useful = run(args.npusim, CHIPS[chip], spec)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print(f"{chip:5} {spec:70} failed: {e}")
            return 2
        reached = useful if metric != "hbm" else \
            100.0 * moved / hbm_bytes_per_second(CHIPS[chip]) / seconds
        verdict = "-" if target is None else "met" if reached >= target else "MISSED"
        missed += verdict == "MISSED"
        shown = "-" if target is None else f">= {target}%"
        print(f"{chip:5} {spec:70} {cycles:>10,} {reached:>7.1f}% {shown:>7}  {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
