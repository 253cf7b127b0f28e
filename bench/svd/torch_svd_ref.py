"""cuSOLVER reference for lai-bench-svd through PyTorch, on the same
deterministic matrices (value(idx, seed) of lai_bench_svd.cpp: splitmix64 of
the row-major index, uniform in [-1, 1); batch b adds b*m*n to the index).

Timed: torch.linalg.svd(A, full_matrices=False, driver=D) (job S) and
torch.linalg.svdvals(A, driver=D) (job N) for D in gesvd, gesvdj
(torch.backends.cuda.preferred_linalg_library('cusolver')); batches with
driver=None (PyTorch's default: cuSOLVER's batched gesvdj for m, n <= 32,
gesvdj per matrix above, gesvd where gesvdj does not converge). A is already
on the GPU: DEVICE-RESIDENT, torch.cuda.Event around the call (any copies
PyTorch makes inside the call included), median of the runs after one
warm-up; a warm-up that alone takes half of --case-cap-s is the only run
(said in the JSON). A case predicted (same series' last size, cost
max(m,n) min(m,n)^2) over --single-cap-s or the time left is skipped;
dense shapes run cheapest first (tall 16384x1024 before 4096 and 8192).
Singular values go to SV_DIR as raw little-endian f64 for merge.py.

Usage: torch_svd_ref.py OUT.json SV_DIR --sizes 1024,2048 --tall 16384x1024
       --batched 10000x8,1000x64 --dtypes f64,f32 --jobs NS --reps 3
       --budget-s 100 --case-cap-s 8 --single-cap-s 40
"""
import argparse, json, os, sys, time
import numpy as np

M1, M2, M3 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)


def values(start, count, seed):
    """value(idx, seed) for idx in [start, start+count) (lai_bench_svd.cpp)."""
    out = np.empty(count, dtype=np.float64)
    step = 1 << 24
    with np.errstate(over="ignore"):
        for o in range(0, count, step):
            z = np.arange(start + o, start + min(count, o + step), dtype=np.uint64) + np.uint64(seed) * M3
            z = (z ^ (z >> np.uint64(30))) * M1
            z = (z ^ (z >> np.uint64(27))) * M2
            z ^= z >> np.uint64(31)
            out[o:o + len(z)] = (z >> np.uint64(11)).astype(np.float64) * 2.0**-52 - 1.0
    return out


def pairs(s):
    return [] if s in ("", "none") else [tuple(int(x) for x in p.split("x")) for p in s.split(",")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("sv_dir")
    ap.add_argument("--sizes", default="1024,2048,4096,8192")
    ap.add_argument("--tall", default="16384x1024")
    ap.add_argument("--batched", default="10000x8,10000x16,10000x32,1000x64")
    ap.add_argument("--dtypes", default="f64,f32")
    ap.add_argument("--jobs", default="NS")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--budget-s", type=float, default=100)
    ap.add_argument("--case-cap-s", type=float, default=8)
    ap.add_argument("--single-cap-s", type=float, default=40)
    a = ap.parse_args()
    import torch
    t_start = time.time()
    dev = torch.device("cuda")
    torch.backends.cuda.preferred_linalg_library("cusolver")
    props = torch.cuda.get_device_properties(0)
    res = {"tool": "torch_svd_ref.py", "device": torch.cuda.get_device_name(0), "torch": torch.__version__,
           "cuda": torch.version.cuda, "multiprocessors": props.multi_processor_count,
           "timing": "device-resident (A already on the GPU), torch.cuda.Event around the call, median of the runs "
                     "after one warm-up (a warm-up that alone takes half the case cap is the only run)",
           "cases": []}
    try:
        from importlib.metadata import version
        res["cusolver_wheel"] = version("nvidia-cusolver")
    except Exception as e:  # not a pip-installed cuSOLVER
        res["cusolver_wheel"] = "unknown (%s)" % type(e).__name__
    dts = {"f64": torch.float64, "f32": torch.float32}
    series = {}

    def left():
        return a.budget_s - (time.time() - t_start)

    def once(fn):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        r = fn()
        e.record()
        torch.cuda.synchronize()
        return s.elapsed_time(e) * 1e-3, r

    def timed(key, cost, fn):
        c = {"status": "ok", "note": "", "runs_s": []}
        pred = series[key][1] * cost / series[key][0] if key in series else -1
        if pred > a.single_cap_s:
            c.update(status="skipped", note="predicted %.1f s (from the previous size of this series) > single-run cap %.0f s" % (pred, a.single_cap_s))
            return c, None
        if left() <= 0 or pred > left():
            c.update(status="skipped", note=("predicted %.1f s > time budget left %.1f s" % (pred, left())) if pred > 0 else "time budget used up")
            return c, None
        try:
            w, r = once(fn)
            if w >= 0.5 * a.case_cap_s or a.reps == 0:
                c["runs_s"] = [w]
                c["note"] = "1 run: the warm-up itself (includes first-call setup)"
            else:
                reps = max(1, min(a.reps, int((a.case_cap_s - w) / max(w, 1e-9))))
                for _ in range(reps):
                    t, r = once(fn)
                    c["runs_s"].append(t)
                c["note"] = "median of %d after one warm-up (warm-up %.4f s)" % (reps, w)
        except Exception as e:  # cuSOLVER errors, out of memory
            c.update(status="error", note=("%s: %s" % (type(e).__name__, e))[:500], runs_s=[])
            torch.cuda.synchronize()
            return c, None
        c["median_s"] = float(np.median(c["runs_s"]))
        series[key] = (cost, c["median_s"])
        return c, r

    # First-call setup (context, cuSOLVER handles) outside every timing.
    x = torch.rand(64, 64, dtype=torch.float64, device=dev)
    for d in ("gesvd", "gesvdj"):
        torch.linalg.svd(x, full_matrices=False, driver=d)
        torch.linalg.svdvals(x, driver=d)
    torch.linalg.svd(x.expand(4, 64, 64)[:, :16, :16].contiguous(), full_matrices=False)
    torch.cuda.synchronize()

    def save(name, s):
        np.ascontiguousarray(s.detach().double().cpu().numpy().reshape(-1)).astype("<f8").tofile(os.path.join(a.sv_dir, name))

    def record(c, **kw):
        c.update(kw)
        res["cases"].append(c)
        shape = ("%d x %dx%d" % (kw["count"], kw["m"], kw["n"])) if kw["kind"] == "batched" else "%dx%d" % (kw["m"], kw["n"])
        if c["status"] == "ok":
            print("%-7s %-4s %-14s %s %-16s %10.4f s  (%s)" % (kw["kind"], kw["dtype"], shape, kw["job"], kw["impl"], c["median_s"], c["note"]), flush=True)
        else:
            print("%-7s %-4s %-14s %s %-16s %s: %s" % (kw["kind"], kw["dtype"], shape, kw["job"], kw["impl"], c["status"], c["note"]), flush=True)

    # Batches: PyTorch's default driver.
    for count, n in pairs(a.batched):
        base = values(0, count * n * n, 3).reshape(count, n, n)
        for dt in a.dtypes.split(","):
            A = torch.from_numpy(base).to(dev).to(dts[dt])
            for job in a.jobs:
                if job == "S":
                    fn = lambda: torch.linalg.svd(A, full_matrices=False)[1]
                else:
                    fn = lambda: torch.linalg.svdvals(A)
                c, s = timed("batched %s%s %d" % (dt, job, n), 1.0, fn)
                if s is not None:
                    c["sv_file"] = "batched_torch_%s_%s_%dx%dx%d.f64" % (dt, job, count, n, n)
                    save(c["sv_file"], s)
                record(c, kind="batched", impl="torch-default", dtype=dt, m=n, n=n, count=count, job=job,
                       what="torch.linalg.%s (driver None: cuSOLVER gesvdjBatched for n <= 32)" % ("svd" if job == "S" else "svdvals"))
            del A
        del base
    shapes = [(n, n) for n in [int(s) for s in a.sizes.split(",") if s]] + pairs(a.tall)
    # Cheapest first (cost max(m,n) min(m,n)^2): the tall cases run before the largest squares, which get what
    # the budget leaves (the largest square alone can take the whole budget).
    shapes.sort(key=lambda p: max(p) * min(p) ** 2)
    for m, n in shapes:
        base = values(0, m * n, 1 if m == n else 2).reshape(m, n)
        cost = max(m, n) * min(m, n) ** 2
        for dt in a.dtypes.split(","):
            A = torch.from_numpy(base).to(dev).to(dts[dt])
            for job in a.jobs:
                for drv in ("gesvd", "gesvdj"):
                    if job == "S":
                        fn = lambda: torch.linalg.svd(A, full_matrices=False, driver=drv)[1]
                    else:
                        fn = lambda: torch.linalg.svdvals(A, driver=drv)
                    c, s = timed("%s %s%s" % (drv, dt, job), cost, fn)
                    if s is not None:
                        c["sv_file"] = "%s_%s_%s_%dx%d.f64" % (drv, dt, job, m, n)
                        save(c["sv_file"], s)
                    record(c, kind="square" if m == n else "tall", impl="cusolver-" + drv, dtype=dt, m=m, n=n, count=1,
                           job=job, what="torch.linalg.%s(driver='%s')" % ("svd full_matrices=False" if job == "S" else "svdvals", drv))
            del A
            torch.cuda.empty_cache()
        del base
    res["elapsed_s"] = time.time() - t_start
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1, allow_nan=False)
    print("%d cases in %.1f s; JSON: %s" % (len(res["cases"]), res["elapsed_s"], a.out), flush=True)


if __name__ == "__main__":
    main()
