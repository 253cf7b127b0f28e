"""Joins lai-bench-svd's JSON and torch_svd_ref.py's JSON of the same run into
one results JSON and prints the table. Singular values (raw f64 files in
SV_DIR) are compared here: max_i |s_i - r_i| / max_i r_i (per matrix for
batches, the largest over the batch).
Usage: merge.py LAI.json TORCH.json SV_DIR RESULTS.json [EXTRA.json [ZOO.json]]
(TORCH.json may be missing: cuSOLVER columns stay empty; EXTRA.json: facts
of the run from run_device.sh, e.g. nvidia-smi's driver version; ZOO.json:
lai-bench-svd --zoo's accuracy zoo, its table printed first and the whole of
it under "zoo" in RESULTS.json.)"""
import json, math, os, sys
from array import array


def load(path):
    if path and os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return None


def sv(dirname, name):
    p = os.path.join(dirname, name or "")
    if not name or not os.path.exists(p):
        return None
    a = array("d")
    with open(p, "rb") as f:
        a.frombytes(f.read())
    if sys.byteorder != "little":
        a.byteswap()
    return a


def svdiff(a, b, k):
    """max over matrices of max_i |a_i - b_i| / max_i |b_i| (no numpy: runs anywhere)."""
    if a is None or b is None or len(a) != len(b) or len(a) == 0 or k <= 0:
        return None
    worst = 0.0
    for o in range(0, len(a), k):
        ra, rb = a[o:o + k], b[o:o + k]
        scale = max(max(abs(x) for x in rb), 1e-300)
        worst = max(worst, max(abs(x - y) for x, y in zip(ra, rb)) / scale)
    return worst


def t(c):
    if c is None:
        return "-"
    if c.get("status") != "ok":
        return c.get("status", "?")
    return "%.4f" % c["median_s"]


def e(x):
    return "-" if x is None else "%.1e" % x


def clean(o):
    """NaN/Inf -> None so that the JSON stays valid."""
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, list):
        return [clean(v) for v in o]
    return o


def main():
    lai, tor, svdir, out = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3], sys.argv[4]
    extra = load(sys.argv[5]) if len(sys.argv) > 5 else None
    zoo = load(sys.argv[6]) if len(sys.argv) > 6 else None
    if lai is None:
        sys.exit("merge.py: no lai-bench-svd JSON at %s" % sys.argv[1])
    tcases = tor["cases"] if tor else []

    def find(cases, **kw):
        for c in cases:
            if all(c.get(k) == v for k, v in kw.items()):
                return c
        return None

    lines = ["lai-bench svd | OpenCL device: %s | driver %s | %s | host CPU: %s | OpenBLAS %s" %
             (lai["device"], lai["driver"], lai["device_version"], lai["host_cpu"], lai["openblas"])]
    if extra:
        lines.append("run: " + " | ".join("%s %s" % (k, v) for k, v in extra.items()))
    if tor:
        lines.append("cuSOLVER through PyTorch %s (CUDA %s, cuSOLVER wheel %s) on %s" %
                     (tor["torch"], tor["cuda"], tor.get("cusolver_wheel"), tor["device"]))
    else:
        lines.append("cuSOLVER: no CUDA PyTorch in this run: its columns are empty")
    lines.append("")
    if zoo:
        lines.extend(zoo["table"])
    else:
        lines.append("accuracy zoo: not run (no zoo JSON)")
    lines.append("")
    lines.append("timing, lapack-ai: " + lai["timing"])
    if tor:
        lines.append("timing, cuSOLVER: " + tor["timing"])
    lines.append("times in seconds; lai = lai_?gesvd_ex(backend OPENCL), HOST-TO-HOST; cuSOLVER device-resident; "
                 "lapack = ?gesdd on the host CPU; speedup = best cuSOLVER / lai")
    lines.append("ratios (LAPACK ddrvbd): r_usv = ||A-USV^T||_1/(||A||_1 max(m,n) ulp), r_u = ||I-U^TU||_1/(m ulp), "
                 "r_vt = ||I-VV^T||_1/(n ulp); full up to n=%d, sampled above (64 triplets, 256 columns); "
                 "sv = max|s-r|/max r against gesvd / gesvdj / dgesdd" % lai["full_check_max_n"])
    lines.append("")
    hdr = "%-6s %-4s %-11s %-3s %9s %9s %9s %9s %7s  %-22s %-26s" % (
        "kind", "dt", "shape", "job", "lai", "gesvd", "gesvdj", "lapack", "speedup", "r_usv/r_u/r_vt", "sv vs gesvd/gesvdj/dgesdd")
    lines.append(hdr)
    rows = []
    dense = [c for c in lai["cases"] if c["kind"] != "batched" and c["impl"] == "lai-gpu"]
    for c in dense:
        key = dict(kind=c["kind"], dtype=c["dtype"], m=c["m"], n=c["n"], job=c["job"])
        k = min(c["m"], c["n"])
        g1, g2 = find(tcases, impl="cusolver-gesvd", **key), find(tcases, impl="cusolver-gesvdj", **key)
        lp = find(lai["cases"], impl="lapack", **key)
        s = sv(svdir, c.get("sv_file"))
        d1 = svdiff(s, sv(svdir, g1.get("sv_file")) if g1 else None, k)
        d2 = svdiff(s, sv(svdir, g2.get("sv_file")) if g2 else None, k)
        d3 = svdiff(s, sv(svdir, lp.get("sv_file")) if lp else None, k)
        best = [x["median_s"] for x in (g1, g2) if x and x.get("status") == "ok"]
        sp = (min(best) / c["median_s"]) if best and c.get("status") == "ok" and c["median_s"] > 0 else None
        rat = "-" if c.get("r_usv") is None else "%.2f/%.2f/%.2f%s" % (c["r_usv"], c["r_u"], c["r_vt"], "" if c["check"] == "full" else " smp")
        lines.append("%-6s %-4s %-11s %-3s %9s %9s %9s %9s %7s  %-22s %s/%s/%s" % (
            c["kind"], c["dtype"], "%dx%d" % (c["m"], c["n"]), c["job"], t(c), t(g1), t(g2), t(lp),
            "-" if sp is None else "%.2fx" % sp, rat, e(d1), e(d2), e(d3)))
        if c.get("stages"):
            lines.append("        stages (s): " + ", ".join("%s %.4g" % (x["stage"], x["s"]) for x in c["stages"] if x["s"] is not None))
        if c.get("status") != "ok":
            lines.append("        lai: " + c["note"][:240])
        rows.append(dict(key, lai=c, cusolver_gesvd=g1, cusolver_gesvdj=g2, lapack=lp, speedup_vs_best_cusolver=sp,
                         sv_vs_gesvd=d1, sv_vs_gesvdj=d2, sv_vs_dgesdd=d3))
    lines.append("")
    lines.append("batched (square, count x n): lai = lai_?gesvd_batched(backend OPENCL) HOST-TO-HOST, lai-dev = "
                 "jacobi_device kernel time (device-resident), torch = torch.linalg.svd/svdvals default driver "
                 "(device-resident); ratios on 32 matrices of the batch; sv vs torch over all matrices, vs dgesdd on the 32")
    lines.append("%-4s %-12s %-3s %9s %9s %9s %11s  %-22s %-18s" % (
        "dt", "batch", "job", "lai", "lai-dev", "torch", "torch/dev", "r_usv/r_u/r_vt", "sv vs torch/dgesdd"))
    brows = []
    for c in [c for c in lai["cases"] if c["kind"] == "batched" and c["impl"] == "lai-batched"]:
        key = dict(kind="batched", dtype=c["dtype"], m=c["m"], n=c["n"], count=c["count"], job=c["job"])
        dv = find(lai["cases"], impl="lai-batched-dev", **key)
        tt = find(tcases, impl="torch-default", **key)
        k = min(c["m"], c["n"])
        s = sv(svdir, c.get("sv_file"))
        d1 = svdiff(s, sv(svdir, tt.get("sv_file")) if tt else None, k)
        ref = dv if dv and dv.get("status") == "ok" else c
        sp = (tt["median_s"] / ref["median_s"]) if tt and tt.get("status") == "ok" and ref.get("status") == "ok" and ref["median_s"] > 0 else None
        rat = "-" if c.get("r_usv") is None else "%.2f/%.2f/%.2f" % (c["r_usv"], c["r_u"], c["r_vt"])
        lines.append("%-4s %-12s %-3s %9s %9s %9s %11s  %-22s %s/%s" % (
            c["dtype"], "%dx%d" % (c["count"], c["n"]), c["job"], t(c), t(dv), t(tt), "-" if sp is None else "%.2fx" % sp,
            rat, e(d1), e(c.get("sv_vs_lapack_sampled"))))
        if c.get("status") != "ok":
            lines.append("        lai: " + c["note"][:240])
        if dv and dv.get("path"):
            lines.append("        lai-dev: " + dv["path"][:200])
        brows.append(dict(key, lai=c, lai_dev=dv, torch=tt, speedup_torch_over_lai=sp, sv_vs_torch=d1))
    skipped = [c for c in lai["cases"] + tcases if c.get("status") == "skipped"]
    if skipped:
        lines.append("")
        lines.append("skipped (time caps):")
        for c in skipped:
            lines.append("  %s %s %dx%d %s: %s" % (c["impl"], c["dtype"], c["m"], c["n"], c["job"], c["note"]))
    lines.append("")
    lines.append("device-resident batched Jacobi: %s; GPU SVD stage times: %s" % (
        "timed" if lai.get("jacobi_device") else "entry not in this tree (bench/svd/device_hooks.h)",
        "one extra call per case" if lai.get("stage_times") else "entry not in this tree (bench/svd/device_hooks.h)"))
    res = {"format": "lai-bench-svd/1", "lapack_ai": lai, "cusolver": tor, "run": extra, "zoo": zoo, "dense": rows,
           "batched": brows, "table": lines}
    with open(out, "w") as f:
        json.dump(clean(res), f, indent=1, allow_nan=False)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
