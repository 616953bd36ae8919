"""Benchmark msutils' joint-domain segmentation against OpenCV and EDISON (pymeanshift).

Every run happens in a child process of its own (so that its peak memory is
its own); the tools are run interleaved, repeat after repeat, and the best
time of each is kept.  Times cover the call alone (not imports, not reading
the picture; msutils' compiled code is loaded by a warm-up call on a tiny
picture first).  All at hs = 8, hr = 16, minimum region 20:

* ``opencv``: ``cv2.pyrMeanShiftFiltering(bgr, sp=8, sr=16, maxLevel=0)``, filtering only;
* ``msutils``: ``msutils.segmentation.segment`` (filter + fusion + pruning, L*u*v*), default speed-up "high";
* ``msutils_medium`` / ``msutils_none``: the same with speedup "medium" / "none" (exact), small pictures only;
* ``edison_medium`` / ``edison_none``: ``pymeanshift.segment(rgb, 8, 16, 20, speedup)``, in bench/.venv-edison.

Usage::

    .venv/bin/python bench/bench_segmentation.py            # -> bench/results_segmentation.json
    .venv/bin/python bench/bench_segmentation.py --quick    # small pictures, 1 repeat -> bench/out/

See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
EDISON_PYTHON = HERE / ".venv-edison" / "bin" / "python"
HS, HR, MIN_REGION = 8, 16, 20


# ----------------------------------------------------------------------------- pictures


def scene() -> tuple[np.ndarray, np.ndarray]:
    """A synthetic piecewise-smooth scene with known regions: (uint8 RGB picture, true labels), seeded."""
    rng = np.random.default_rng(0)
    h, w = 240, 320
    yy, xx = np.mgrid[:h, :w].astype(float)
    truth = np.zeros((h, w), dtype=np.int32)
    truth[(yy - 80) ** 2 + (xx - 90) ** 2 < 55**2] = 1  # disc
    truth[(yy > 130) & (yy < 220) & (xx > 40) & (xx < 150)] = 2  # rectangle
    truth[((yy - 150) / 60) ** 2 + ((xx - 240) / 50) ** 2 < 1] = 3  # ellipse
    truth[(yy > 20) & (yy < 110) & (xx > 190) & (xx - 190 < (110 - yy) * 1.2)] = 4  # triangle
    base = np.array([[90, 140, 200], [200, 60, 50], [60, 160, 70], [220, 200, 60], [120, 60, 160]], dtype=float)
    slope = rng.uniform(-0.25, 0.25, (5, 2, 3))  # a smooth colour gradient inside each region
    image = base[truth] + slope[truth, 0] * (yy - h / 2)[..., None] + slope[truth, 1] * (xx - w / 2)[..., None]
    image = np.clip(image + rng.normal(0, 6, image.shape), 0, 255)
    return image.astype(np.uint8), truth


def picture_path(case: str) -> Path:
    """Write the case's picture as a PNG in bench/out (once) and return its path."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{case}.png"
    if not path.exists():
        from PIL import Image
        from sklearn.datasets import load_sample_image

        if case == "scene":
            image, truth = scene()
            np.save(OUT / "scene_truth.npy", truth)
            Image.fromarray(image).save(path)
            return path
        if case == "china12mp":
            img = Image.fromarray(load_sample_image("china.jpg")).resize((4000, 3000), Image.Resampling.BICUBIC)
        else:
            img = Image.fromarray(load_sample_image(f"{case}.jpg"))
        img.save(path)
    return path


# ----------------------------------------------------------------------------- children


def _peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")  # pragma: no cover


def child(tool: str, picture: str, labels_out: str) -> dict:
    """Run one tool once on one picture (in this process); return time, memory and region count."""
    from PIL import Image

    rgb = np.asarray(Image.open(picture).convert("RGB"))
    result: dict = {}
    if tool == "opencv":
        import cv2

        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        before = _peak_mb()
        t0 = time.perf_counter()
        cv2.pyrMeanShiftFiltering(bgr, HS, HR, maxLevel=0)
        result["seconds"] = time.perf_counter() - t0
    elif tool.startswith("msutils"):
        from msutils.segmentation import segment

        speedup = {"msutils": "high", "msutils_medium": "medium", "msutils_none": "none"}[tool]
        segment(rgb[:16, :16], spatial_bandwidth=HS, range_bandwidth=HR)  # loads the compiled code
        before = _peak_mb()
        t0 = time.perf_counter()
        labels = segment(rgb, spatial_bandwidth=HS, range_bandwidth=HR, min_region=MIN_REGION, speedup=speedup)
        result["seconds"] = time.perf_counter() - t0
        result["n_regions"] = int(labels.max()) + 1
        np.save(labels_out, labels)
    elif tool.startswith("edison"):
        import pymeanshift

        level = {"edison_medium": pymeanshift.SPEEDUP_MEDIUM, "edison_none": pymeanshift.SPEEDUP_NO}[tool]
        before = _peak_mb()
        t0 = time.perf_counter()
        _, labels, n_regions = pymeanshift.segment(np.ascontiguousarray(rgb), HS, HR, MIN_REGION, level)
        result["seconds"] = time.perf_counter() - t0
        result["n_regions"] = int(n_regions)
        np.save(labels_out, labels.astype(np.int32))
    else:
        raise ValueError(tool)
    result["peak_rss_mb"] = _peak_mb()
    result["peak_rss_before_mb"] = before
    return result


def run_child(tool: str, case: str, labels_out: Path) -> dict:
    python = str(EDISON_PYTHON) if tool.startswith("edison") else sys.executable
    cmd = [python, str(Path(__file__).resolve()), "--child", tool, str(picture_path(case)), str(labels_out)]
    env = dict(os.environ, PYTHONPATH="")  # the EDISON venv must not see the main venv's packages
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{tool} on {case} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def modes_effect(case: str) -> dict:
    """Effect of the speed-ups on the modes: fraction of pixels whose mode is further than hr/2 from the exact one."""
    from PIL import Image

    from msutils.segmentation._joint import SPEEDUPS, _modes, _prepare

    rgb = np.asarray(Image.open(picture_path(case)).convert("RGB"))
    modes = {}
    for level in ("none", "medium", "high"):
        planes, scale, hs, hr, k, max_iter, tol, _ = _prepare(rgb, HS, HR, "flat", 50, 0.1, "luv", level)
        col, _ = _modes(planes, scale, hs, k, max_iter, tol, SPEEDUPS[level], None)
        modes[level] = col.astype(np.float64) / scale  # in units of hr
    out = {}
    for level in ("medium", "high"):
        dist = np.sqrt(((modes[level] - modes["none"]) ** 2).sum(axis=0))
        out[level] = {
            "fraction_mode_further_than_hr_over_2": float((dist > 0.5).mean()),
            "fraction_mode_further_than_hr_over_10": float((dist > 0.1).mean()),
            "mean_distance_in_hr": float(dist.mean()),
        }
    return out


def agreement(a: np.ndarray, b: np.ndarray) -> dict:
    from skimage.metrics import variation_of_information
    from sklearn.metrics import adjusted_rand_score

    h1, h2 = variation_of_information(a.astype(np.int64), b.astype(np.int64))
    return {"vi": float(h1 + h2), "ari": float(adjusted_rand_score(a.ravel(), b.ravel()))}


# ----------------------------------------------------------------------------- driver


def machine() -> dict:
    import cv2
    import numba

    import msutils

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # pragma: no cover
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "opencv": cv2.__version__,
        "msutils": msutils.__version__,
        "numba_threads": numba.get_num_threads(),
        "date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "load_average_at_start": list(os.getloadavg()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small pictures, one repeat, results to bench/out/")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per tool (default 3; 2 for 12 MP)")
    parser.add_argument("--only", nargs="+", metavar="CASE",
                        help="run these cases only and update their rows in the results file")
    parser.add_argument("--child", nargs=3, metavar=("TOOL", "PICTURE", "LABELS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    if not EDISON_PYTHON.exists():
        sys.exit(f"EDISON's virtual environment is missing ({EDISON_PYTHON}); run `make bench` (see bench/README.md).")
    cases = ["china", "flower", "scene"] if args.quick else ["china", "flower", "scene", "china12mp"]
    if args.only:
        cases = [c for c in cases if c in args.only]
    # compile msutils' numba code once (cached in __pycache__), so that no measured run includes compiling
    run_child("msutils", "china", OUT / "labels_warmup.npy")
    info = machine()
    rows = []
    OUT.mkdir(exist_ok=True)
    for case in cases:
        big = case == "china12mp"
        tools = ["opencv", "msutils", "edison_medium"] + ([] if big else ["msutils_medium", "msutils_none", "edison_none"])
        repeats = args.repeats or (1 if args.quick else (2 if big else 3))
        runs: dict[str, list[dict]] = {t: [] for t in tools}
        for _ in range(repeats):
            for tool in tools:
                runs[tool].append(run_child(tool, case, OUT / f"labels_{case}_{tool}.npy"))
                print(f"{case:10s} {tool:15s} {runs[tool][-1]['seconds']:8.2f} s", flush=True)
        row: dict = {"case": case}
        from PIL import Image

        with Image.open(picture_path(case)) as img:
            row["width"], row["height"] = img.size
        for tool in tools:
            best = min(runs[tool], key=lambda r: r["seconds"])
            row[tool] = {
                "seconds": best["seconds"],
                "all_seconds": [r["seconds"] for r in runs[tool]],
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[tool]),
                "peak_rss_before_mb": best["peak_rss_before_mb"],
                **({"n_regions": best["n_regions"]} if "n_regions" in best else {}),
            }
        row["ratio_opencv_over_msutils"] = row["opencv"]["seconds"] / row["msutils"]["seconds"]
        row["ratio_edison_medium_over_msutils"] = row["edison_medium"]["seconds"] / row["msutils"]["seconds"]
        labels = {t: np.load(OUT / f"labels_{case}_{t}.npy") for t in tools if t != "opencv"}
        row["agreement"] = {
            "msutils_vs_edison_medium": agreement(labels["msutils"], labels["edison_medium"]),
        }
        if not big:
            row["agreement"].update({
                "msutils_vs_edison_none": agreement(labels["msutils"], labels["edison_none"]),
                "msutils_none_vs_edison_none": agreement(labels["msutils_none"], labels["edison_none"]),
                "msutils_high_vs_msutils_none": agreement(labels["msutils"], labels["msutils_none"]),
                "msutils_medium_vs_msutils_none": agreement(labels["msutils_medium"], labels["msutils_none"]),
                "edison_medium_vs_edison_none": agreement(labels["edison_medium"], labels["edison_none"]),
            })
            row["speedup_effect_on_modes"] = modes_effect(case)
        if case == "scene":  # known regions: agreement with the truth
            truth = np.load(OUT / "scene_truth.npy")
            row["agreement_with_truth"] = {t: agreement(labels[t], truth) for t in labels}
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if k not in ("agreement", "speedup_effect_on_modes")},
                         indent=None)[:400], flush=True)
    info["load_average_at_end"] = list(os.getloadavg())
    result = {"machine": info, "quick": args.quick, "parameters": {"hs": HS, "hr": HR, "min_region": MIN_REGION},
              "rows": rows}
    target = OUT / "results_segmentation_quick.json" if args.quick else HERE / "results_segmentation.json"
    if args.only and target.exists():  # keep the other cases' rows (and the first run's machine record)
        old = json.loads(target.read_text())
        done = {r["case"] for r in rows}
        rows_by_case = {r["case"]: r for r in old["rows"] if r["case"] not in done} | {r["case"]: r for r in rows}
        order = ["china", "flower", "scene", "china12mp"]
        result["rows"] = sorted(rows_by_case.values(), key=lambda r: order.index(r["case"]))
        result["machine"]["updated_cases"] = sorted(done)
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {target}")
    for row in rows:
        print(f"{row['case']:10s} {row['width']}x{row['height']}: opencv {row['opencv']['seconds']:.2f} s, "
              f"msutils {row['msutils']['seconds']:.2f} s (ratio {row['ratio_opencv_over_msutils']:.2f}, "
              f"peak {row['msutils']['peak_rss_mb']:.0f} MB, {row['msutils']['n_regions']} regions), "
              f"EDISON medium {row['edison_medium']['seconds']:.2f} s ({row['edison_medium']['n_regions']} regions)")


if __name__ == "__main__":
    main()
