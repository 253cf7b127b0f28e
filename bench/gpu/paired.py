"""Table and JSON of bench/gpu/paired_dgemm.sh: per pair lapack-ai's nvmma
leaf (plain and +tail) and cuBLAS at n, the ratios, medians over the pairs.
Usage: paired.py WORKDIR N PAIRS OUT.json"""
import json, statistics, sys

def main():
    work, n, pairs, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rows, meta = [], {}
    for p in range(1, pairs + 1):
        lai = json.load(open(f"{work}/lai_{p}.json"))
        ref = json.load(open(f"{work}/cublas_{p}.json"))
        meta = {k: lai.get(k) for k in ("device", "vendor", "driver", "platform")}
        meta.update({"torch": ref.get("torch"), "cuda": ref.get("cuda"), "cuda_device": ref.get("device")})
        best = {b["variant"]: b for b in lai["gemm_f64"]["best"] if b["n"] == n and b["ok"]}
        cub = next(g for g in ref["gemm"] if g["dtype"] == "f64" and g["n"] == n)
        row = {"pair": p, "order": "lai first" if p % 2 == 1 else "cuBLAS first", "cublas_TFLOPs": cub["TFLOPs"],
               "cublas_runs_ms": cub.get("runs_ms"), "cublas_err": cub["max_rel_err"]}
        for v in ("nvmma", "nvmma+tail"):
            if v in best:
                row[v + "_TFLOPs"] = best[v]["TFLOPs"]
                row[v + "_err"] = best[v]["max_rel_err"]
                row[v + "_ratio"] = best[v]["TFLOPs"] / cub["TFLOPs"]
        rows.append(row)
    def med(k):
        v = [r[k] for r in rows if k in r]
        return statistics.median(v) if v else float("nan")
    tails = [r["nvmma+tail_ratio"] for r in rows if "nvmma+tail_ratio" in r] or [float("nan")]
    print(f"paired DGEMM n={n}: {meta.get('device')} (driver {meta.get('driver')}), PyTorch {meta.get('torch')} CUDA {meta.get('cuda')}")
    print(f"{'pair':>4} {'order':<13} {'nvmma':>8} {'+tail':>8} {'cuBLAS':>8} {'ratio':>7} {'+tail':>7}   (TFLOP/s)")
    for r in rows:
        print(f"{r['pair']:>4} {r['order']:<13} {r.get('nvmma_TFLOPs', 0):8.2f} {r.get('nvmma+tail_TFLOPs', 0):8.2f} "
              f"{r['cublas_TFLOPs']:8.2f} {r.get('nvmma_ratio', 0):7.3f} {r.get('nvmma+tail_ratio', 0):7.3f}")
    summary = {"n": n, "pairs": pairs, "median_cublas_TFLOPs": med("cublas_TFLOPs"),
               "median_tail_TFLOPs": med("nvmma+tail_TFLOPs"), "median_tail_ratio": med("nvmma+tail_ratio"),
               "min_tail_ratio": min(tails), "max_tail_ratio": max(tails),
               "median_plain_ratio": med("nvmma_ratio")}
    print(f"median: +tail {summary['median_tail_TFLOPs']:.2f} TFLOP/s, cuBLAS {summary['median_cublas_TFLOPs']:.2f}, "
          f"ratio {summary['median_tail_ratio']:.3f} (range {summary['min_tail_ratio']:.3f}-{summary['max_tail_ratio']:.3f}); "
          f"plain grid {summary['median_plain_ratio']:.3f}")
    json.dump({**meta, "summary": summary, "pairs": rows}, open(out, "w"), indent=1)

if __name__ == "__main__":
    main()
