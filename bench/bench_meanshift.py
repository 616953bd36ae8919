"""Benchmark msutils.MeanShift against sklearn.cluster.MeanShift.

Every fit runs in its own child process (so that its peak memory is its own
and one fit cannot warm another's caches); the parent compares the results.
The times are wall-clock seconds of ``fit`` alone (data loading and imports
excluded), the best of a few repeats where a fit is cheap.

A last section times ``assign_labels="basin"`` (every distinct point climbs)
against the default nearest-centre labels on the two photos.

Usage::

    .venv/bin/python bench/bench_meanshift.py            # full run -> bench/results.json
    .venv/bin/python bench/bench_meanshift.py --quick    # smoke run -> bench/out/results_quick.json
    .venv/bin/python bench/bench_meanshift.py --basin-only   # basin labels only -> bench/results_basin.json

See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
#: sklearn is not run at sizes where its last time, extrapolated linearly, exceeds this
SKLEARN_BUDGET_S = 600.0
#: nor beyond the first size where it took longer than this
SKLEARN_STOP_S = 60.0


# ----------------------------------------------------------------------------- data


def make_case(case: str, n: int | None) -> tuple[np.ndarray, dict]:
    """The data and MeanShift parameters of a benchmark case (deterministic)."""
    from sklearn.cluster import estimate_bandwidth
    from sklearn.datasets import load_sample_image, make_blobs

    if case == "china":  # the article's image recipe, on scikit-learn's sample photo
        img = load_sample_image("china.jpg")
        if n is not None:  # --quick: every n-th row and column
            img = img[::n, ::n]
        X = img.reshape(-1, 3).astype(float)
        bw = estimate_bandwidth(X, quantile=0.1, n_samples=100)
        return X, {"bandwidth": bw, "bin_seeding": True}
    if case == "thermogram":  # the same recipe on the book's synthetic thermogram (chapter 5)
        from msutils.datasets import thermogram

        img = thermogram(seed=0).image
        if n is not None:
            img = img[::n, ::n]
        X = img.reshape(-1, 3).astype(float)
        bw = estimate_bandwidth(X, quantile=0.1, n_samples=100)
        return X, {"bandwidth": bw, "bin_seeding": True}
    if case == "blobs120":  # the article's 120 points in 3-D
        X, _ = make_blobs(n_samples=120, centers=[[2, 2, 3], [6, 7, 8], [5, 10, 13]],
                          cluster_std=0.6, random_state=0)
        bw = estimate_bandwidth(X, quantile=0.2, n_samples=500)
        return X, {"bandwidth": bw, "bin_seeding": True}
    if case == "scaling":  # n points in 3-D, 5 blobs; one bandwidth for every n
        X, _ = make_blobs(n_samples=n, n_features=3, centers=5, cluster_std=1.0, random_state=0)
        return X, {"bandwidth": 1.0, "bin_seeding": True}
    raise ValueError(f"unknown case {case!r}")


# ----------------------------------------------------------------------------- child


def worker(spec: dict) -> dict:
    """Fit one implementation on one case; save centres and labels; report time and memory."""
    X, params = make_case(spec["case"], spec.get("n"))
    if spec["impl"] in ("msutils", "msutils-basin"):
        from msutils.meanshift import MeanShift

        if spec["impl"] == "msutils-basin":
            params = {**params, "assign_labels": "basin"}
    else:
        from sklearn.cluster import MeanShift
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    for _ in range(spec["repeats"]):
        t0 = time.perf_counter()
        model = MeanShift(**params).fit(X)
        times.append(time.perf_counter() - t0)
    np.savez(spec["out"], centers=model.cluster_centers_, labels=model.labels_, n_iter=model.n_iter_)
    return {
        "time_s": min(times),
        "times_s": times,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_before_fit_mb": peak_before,
        "n_samples": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "n_distinct": int(len(np.unique(X, axis=0))),
        "bandwidth": float(params["bandwidth"]),
        "n_clusters": int(len(model.cluster_centers_)),
        "n_iter": int(model.n_iter_),
    }


def run_child(case: str, impl: str, n: int | None, repeats: int, out: Path, threads: int | None = None) -> dict:
    """Run :func:`worker` in a fresh process (``threads``: its NUMBA_NUM_THREADS, default all cores)."""
    spec = {"case": case, "impl": impl, "n": n, "repeats": repeats, "out": str(out)}
    env = dict(os.environ)
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    proc = subprocess.run([sys.executable, __file__, "--worker", json.dumps(spec)],
                          capture_output=True, text=True, check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- parent


def compare(case: str, n: int | None, *, repeats: int, run_sklearn: bool, tmp: Path) -> dict:
    """Time both implementations on a case and compare their results."""
    ours_file, theirs_file = tmp / f"{case}-{n}-ours.npz", tmp / f"{case}-{n}-sk.npz"
    ours = run_child(case, "msutils", n, repeats, ours_file)
    row = {"case": case, "n": ours["n_samples"], "n_features": ours["n_features"],
           "n_distinct": ours["n_distinct"], "bandwidth": ours["bandwidth"],
           "n_clusters": ours["n_clusters"], "n_iter": ours["n_iter"],
           "msutils_s": ours["time_s"], "msutils_times_s": ours["times_s"],
           "msutils_peak_rss_mb": ours["peak_rss_mb"],
           "msutils_peak_rss_before_fit_mb": ours["peak_rss_before_fit_mb"],
           "sklearn_s": None, "ratio": None, "identical_centres": None,
           "bit_identical_centres": None, "max_abs_centre_diff": None, "identical_labels": None,
           "identical_n_iter": None}
    if not run_sklearn:
        return row
    theirs = run_child(case, "sklearn", n, 1 if case != "blobs120" else repeats, theirs_file)
    a, b = np.load(ours_file), np.load(theirs_file)
    same_shape = a["centers"].shape == b["centers"].shape
    diff = float(np.abs(a["centers"] - b["centers"]).max()) if same_shape else None
    row.update(
        sklearn_s=theirs["time_s"],
        sklearn_peak_rss_mb=theirs["peak_rss_mb"],
        ratio=theirs["time_s"] / ours["time_s"],
        identical_centres=bool(same_shape and diff <= 1e-9 * ours["bandwidth"]),
        bit_identical_centres=bool(same_shape and np.array_equal(a["centers"], b["centers"])),
        max_abs_centre_diff=diff,
        identical_labels=bool(np.array_equal(a["labels"], b["labels"])),
        identical_n_iter=bool(int(a["n_iter"]) == int(b["n_iter"])),
    )
    return row


def basin_cost(case: str, n: int | None, *, repeats: int, tmp: Path) -> dict:
    """msutils with ``assign_labels="basin"`` against the default ``"nearest"``, on one case."""
    near_file, basin_file = tmp / f"{case}-{n}-near.npz", tmp / f"{case}-{n}-basin.npz"
    one_file = tmp / f"{case}-{n}-basin1.npz"
    near = run_child(case, "msutils", n, repeats, near_file)
    basin = run_child(case, "msutils-basin", n, repeats, basin_file)
    basin1 = run_child(case, "msutils-basin", n, repeats, one_file, threads=1)
    a, b, c = np.load(near_file), np.load(basin_file), np.load(one_file)
    from msutils.meanshift._seeds import bin_seeds

    X, params = make_case(case, n)
    return {
        "n_seeds": int(len(bin_seeds(X, params["bandwidth"], 1, None))),
        "case": case, "n": near["n_samples"], "n_distinct": near["n_distinct"],
        "nearest_s": near["time_s"], "basin_s": basin["time_s"],
        "ratio": basin["time_s"] / near["time_s"],
        "threads": os.cpu_count(),
        "basin_1_thread_s": basin1["time_s"],
        "ratio_1_thread": basin1["time_s"] / near["time_s"],
        "basin_peak_rss_mb": basin["peak_rss_mb"],
        "same_centres": bool(np.array_equal(a["centers"], b["centers"])),
        "same_labels_1_thread": bool(np.array_equal(b["labels"], c["labels"])),
        "fraction_labels_differ": float(np.mean(a["labels"] != b["labels"])),
    }


def print_basin(row: dict) -> None:
    print(f"basin labels on {row['case']} (n = {row['n']}, {row['n_distinct']} distinct): "
          f"nearest {row['nearest_s']:.2f} s, basin {row['basin_s']:.2f} s ({row['ratio']:.0f} x; "
          f"1 thread {row['basin_1_thread_s']:.2f} s, {row['ratio_1_thread']:.0f} x); "
          f"same centres: {row['same_centres']}; labels differ for "
          f"{100 * row['fraction_labels_differ']:.1f} % of the points")


def machine() -> dict:
    import scipy
    import sklearn

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "load_average_at_start": list(os.getloadavg()),
    }


def fmt(x, width: int, spec: str = "") -> str:
    text = "-" if x is None else str(x) if isinstance(x, bool) else format(x, spec)
    return text.rjust(width)


def print_table(rows: list[dict]) -> None:
    head = (f"{'case':<10} {'n':>8} {'msutils s':>10} {'sklearn s':>10} {'ratio':>7} "
            f"{'same centres':>12} {'same labels':>11} {'peak MB':>8}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['case']:<10} {r['n']:>8} {fmt(r['msutils_s'], 10, '.3f')} {fmt(r['sklearn_s'], 10, '.2f')} "
              f"{fmt(r['ratio'], 7, '.1f')} {fmt(r['identical_centres'], 12)} {fmt(r['identical_labels'], 11)} "
              f"{fmt(r['msutils_peak_rss_mb'], 8, '.0f')}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--basin-only", action="store_true",
                        help='only the cost of assign_labels="basin" -> bench/results_basin.json')
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return
    if args.basin_only:
        result = {"machine": machine(), "quick": args.quick, "basin": []}
        with tempfile.TemporaryDirectory() as tmp:
            for case in ("china", "thermogram"):
                row = basin_cost(case, 4 if args.quick else None, repeats=3, tmp=Path(tmp))
                result["basin"].append(row)
                print_basin(row)
        result["machine"]["load_average_at_end"] = list(os.getloadavg())
        out = HERE / "out" / "results_basin_quick.json" if args.quick else HERE / "results_basin.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {out.relative_to(HERE.parent)}")
        return

    quick = args.quick
    out = HERE / "out" / "results_quick.json" if quick else HERE / "results.json"
    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000, 1_000_000]
    result = {"machine": machine(), "quick": quick, "rows": [], "scaling": [], "basin": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # 1. the article's image recipe on china.jpg and on the thermogram; 2. the article's 120 blobs
        for case, n, repeats in [("china", 4 if quick else None, 3),
                                 ("thermogram", 4 if quick else None, 3),
                                 ("blobs120", None, 5)]:
            row = compare(case, n, repeats=repeats, run_sklearn=True, tmp=tmp)
            result["rows"].append(row)
            print_table([row])
        # 3. scaling
        last = None
        for n in sizes:
            run_sk = last is None or (last[1] <= SKLEARN_STOP_S and last[1] * n / last[0] <= SKLEARN_BUDGET_S)
            row = compare("scaling", n, repeats=3 if n <= 100_000 else 1, run_sklearn=run_sk, tmp=tmp)
            if row["sklearn_s"] is not None:
                last = (n, row["sklearn_s"])
            result["scaling"].append(row)
            print_table([row])
        # 4. the cost of basin labelling (every distinct point climbs) on the photos
        for case in ("china", "thermogram"):
            row = basin_cost(case, 4 if quick else None, repeats=1 if quick else 3, tmp=tmp)
            result["basin"].append(row)
            print_basin(row)
    result["machine"]["load_average_at_end"] = list(os.getloadavg())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print_table(result["rows"] + result["scaling"])
    print(f"\nwrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
