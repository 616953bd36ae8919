"""Command-line interface: ``python -m msutils segment ...`` (or ``msutils segment ...``).

Segments image files by mean shift and writes the results, at the input's
full resolution::

    python -m msutils segment photo.jpg photo_segmented.png
    python -m msutils segment photo.jpg regions.png --spatial 8 --range 16 --min-region 20
    python -m msutils segment photo.jpg labels.png --mode labels
    python -m msutils segment *.jpg --out-dir segmented/ --spatial 8 --range 16 --jobs 2

Without ``--spatial``/``--range`` the pixels' colours are clustered
(:func:`msutils.segmentation.segment_colors`, the bandwidth estimated with
``--quantile`` and ``--n-samples``); with both, the picture is segmented in the
joint spatial-range domain (:func:`msutils.segmentation.segment`, range in
L*u*v* units, ``--speedup`` as there).  ``--max-side S`` first shrinks a
picture whose longer side exceeds ``S`` pixels (opt-in, for speed); a picture
too large for the memory available is refused with a message suggesting it.

``--mode posterize`` (the default) paints every segment with its colour (the
cluster's mode, or the region's mean colour); ``--mode labels`` writes the
segment index of each pixel as a greyscale PNG or TIFF (8-bit up to 256
segments, else 16-bit).

**Many pictures at once.**  With ``--out-dir DIR`` every argument is an input
and ``DIR/<name>.png`` is written for each (``<name>`` is the input's file
name without its extension; ``DIR`` and its parents are created if
missing).  The pictures are processed in parallel by joblib, ``--jobs N``
at a time (default 1); the same code runs on a Dask
cluster through joblib's Dask backend with ``--dask-scheduler ADDRESS`` (the
address of a running ``dask.distributed`` scheduler, e.g.
``tcp://10.0.0.5:8786``; needs the ``distributed`` package).  From Python,
``with joblib.parallel_config(backend="dask"): main([...])`` inside an open
``distributed.Client`` does the same.  A file that cannot be read or
segmented is reported on standard error and skipped; the others are still
written, and the exit status is then 1.

One summary line per picture goes to standard output.  A tqdm progress bar
goes to standard error when it is a terminal (``--progress``/``--no-progress``
force it on or off): over the pixels for one picture, over the pictures for a
batch.  Bad arguments, and an unreadable file when only one is given, end the
program with exit status 2 and a message naming the argument.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import Any, Callable, Sequence

__all__ = ["main", "build_parser"]

_LABEL_FORMATS = {".png", ".tif", ".tiff"}


class _InputError(Exception):
    """A picture that cannot be read or segmented (message names the argument)."""


def _parser_of(convert: Callable[[str], Any], ok: Callable[[Any], bool], expected: str) -> Callable[[str], Any]:
    """An argparse ``type=`` that converts, checks, and says what was ``expected``."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive_int = _parser_of(int, lambda v: v >= 1, "a positive integer")
_positive_float = _parser_of(float, lambda v: math.isfinite(v) and v > 0, "a positive number")
_quantile = _parser_of(float, lambda v: 0 < v <= 1, "a number in (0, 1]")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m msutils``."""
    parser = argparse.ArgumentParser(
        prog="msutils",
        description="Mean shift tools from the book 'Mean Shift, End to End'.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    seg = commands.add_parser(
        "segment",
        help="segment images by mean shift",
        description="Segment image files by mean shift and write the segmented images (full resolution).",
        usage="%(prog)s INPUT OUTPUT [options]\n       %(prog)s INPUT [INPUT ...] --out-dir DIR [--jobs N] [options]",
    )
    seg.add_argument("paths", nargs="+", metavar="PATH",
                     help="INPUT OUTPUT, or with --out-dir any number of INPUTs (JPEG, PNG, TIFF, ...)")
    seg.add_argument("--out-dir", metavar="DIR",
                     help="write DIR/<name>.png for every input (all PATHs are inputs); DIR is created if needed")
    seg.add_argument("--jobs", type=_positive_int, default=1, metavar="N",
                     help="with --out-dir: segment N pictures at a time (joblib; default 1)")
    seg.add_argument("--dask-scheduler", metavar="ADDRESS",
                     help="with --out-dir: run the batch on this Dask scheduler (joblib's dask backend)")
    seg.add_argument("--quantile", type=_quantile, default=0.1, metavar="Q",
                     help="quantile for the colour bandwidth estimate (default 0.1)")
    seg.add_argument("--n-samples", type=_positive_int, default=100, metavar="N",
                     help="pixels sampled for the bandwidth estimate (default 100)")
    seg.add_argument("--spatial", type=_positive_float, metavar="HS",
                     help="spatial bandwidth in pixels: segment in the joint spatial-range domain (needs --range)")
    seg.add_argument("--range", type=_positive_float, metavar="HR", dest="range_",
                     help="range (colour) bandwidth, L*u*v* units (needs --spatial)")
    seg.add_argument("--min-region", type=_positive_int, metavar="M",
                     help="with --spatial/--range: merge regions smaller than M pixels (default 20)")
    seg.add_argument("--speedup", choices=("high", "medium", "none"), default=None,
                     help="with --spatial/--range: basin sharing level (default high)")
    seg.add_argument("--max-side", type=_positive_int, default=None, metavar="S",
                     help="first shrink a picture whose longer side exceeds S pixels (default: full resolution)")
    seg.add_argument("--mode", choices=("posterize", "labels"), default="posterize",
                     help="write segment colours (posterize, default) or segment indices (labels)")
    seg.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="show a progress bar on standard error (default: when it is a terminal)")
    seg.set_defaults(subparser=seg)
    return parser


def _check_output(output: str, mode: str) -> None:
    from PIL import Image

    ext = os.path.splitext(output)[1].lower()
    if ext not in Image.registered_extensions():
        raise _InputError(f"argument OUTPUT: cannot tell the image format from {output!r}; use e.g. .png or .jpg")
    if mode == "labels" and ext not in _LABEL_FORMATS:
        raise _InputError(f"argument OUTPUT: --mode labels needs a lossless format (.png, .tif), got {output!r}")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise _InputError(f"argument OUTPUT: the folder {folder!r} does not exist")


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """The picklable options of one picture's job."""
    return {
        "quantile": args.quantile,
        "n_samples": args.n_samples,
        "spatial": args.spatial,
        "range": args.range_,
        "min_region": 20 if args.min_region is None else args.min_region,
        "speedup": args.speedup or "high",
        "max_side": args.max_side,
        "mode": args.mode,
    }


def _segment_file(source: str, target: str, settings: dict[str, Any], progress: bool = False) -> str:
    """Segment one file and write the result; return the summary line (``_InputError`` if it cannot)."""
    import numpy as np
    from PIL import Image

    from msutils.bandwidth import estimate_bandwidth
    from msutils.images import load_rgb, mean_colors, posterize, to_pixels
    from msutils.segmentation import segment, segment_colors

    try:
        image = load_rgb(source, max_side=settings["max_side"])
    except (OSError, ValueError) as exc:
        raise _InputError(f"argument INPUT: {exc}") from None
    height, width = image.shape[:2]
    try:
        if settings["spatial"] is not None:
            labels = segment(image, spatial_bandwidth=settings["spatial"], range_bandwidth=settings["range"],
                             min_region=settings["min_region"], speedup=settings["speedup"], progress=progress)
            colours = mean_colors(image, labels)
            what = (f"{labels.max() + 1} regions (joint domain, spatial {settings['spatial']:g}, "
                    f"range {settings['range']:g}, min region {settings['min_region']})")
        else:
            bandwidth = estimate_bandwidth(to_pixels(image), quantile=settings["quantile"],
                                           n_samples=settings["n_samples"], random_state=0)
            if not bandwidth > 0:
                raise _InputError(f"argument --quantile: the estimated bandwidth is {bandwidth:g} "
                                  "(the sampled pixels are all alike); raise --quantile or --n-samples")
            labels, colours = segment_colors(image, bandwidth=bandwidth)
            what = f"{len(colours)} clusters (colour mean shift, bandwidth {bandwidth:.2f})"
    except ValueError as exc:  # e.g. a picture too large for the memory available
        raise _InputError(f"argument INPUT: {os.path.basename(source)}: {exc}") from None

    if settings["mode"] == "posterize":
        out = Image.fromarray(posterize(labels, colours))
    else:
        n_labels = int(labels.max()) + 1
        if n_labels > 65536:
            raise _InputError(f"argument --mode: {n_labels} segments do not fit a 16-bit label image; "
                              "use --mode posterize or a larger --min-region")
        dtype = np.uint8 if n_labels <= 256 else np.uint16
        out = Image.fromarray(labels.astype(dtype))
    try:
        out.save(target)
    except (OSError, ValueError) as exc:
        raise _InputError(f"argument OUTPUT: could not write {target!r}: {exc}") from None
    return f"{os.path.basename(source)}: {width}x{height} pixels, {what} -> {os.path.basename(target)}"


def _batch_job(source: str, target: str, settings: dict[str, Any], threads: int) -> tuple[bool, str]:
    """One picture of a batch, in a joblib worker: ``(ok, summary or error message)``."""
    import numba

    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    try:
        return True, _segment_file(source, target, settings)
    except _InputError as exc:
        return False, f"{source}: {exc}"


def _run_batch(args: argparse.Namespace, parser: argparse.ArgumentParser, show: bool) -> int:
    from joblib import Parallel, delayed, parallel_config

    if os.path.exists(args.out_dir) and not os.path.isdir(args.out_dir):
        parser.error(f"argument --out-dir: {args.out_dir!r} exists and is not a folder")
    targets: dict[str, str] = {}
    for source in args.paths:
        target = os.path.join(args.out_dir, os.path.splitext(os.path.basename(source))[0] + ".png")
        if target in targets:
            parser.error(f"argument PATH: {targets[target]!r} and {source!r} would both be written to {target!r}")
        targets[target] = source
    settings = _settings(args)
    try:
        os.makedirs(args.out_dir, exist_ok=True)  # a new folder (and its parents) is created
    except OSError as exc:
        parser.error(f"argument --out-dir: cannot create the folder {args.out_dir!r}: {exc.strerror}")
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    jobs = [delayed(_batch_job)(source, target, settings, threads) for target, source in targets.items()]
    failures = 0
    client = None
    if args.dask_scheduler is not None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - distributed is in the test extra
            parser.error("argument --dask-scheduler: needs the 'distributed' package (pip install distributed)")
        try:
            client = Client(args.dask_scheduler, timeout=30)
        except (OSError, ValueError) as exc:
            parser.error(f"argument --dask-scheduler: cannot reach {args.dask_scheduler!r}: {exc}")
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(jobs), desc="pictures", unit="picture", file=sys.stderr)
    try:
        config = parallel_config(backend="dask") if client is not None else parallel_config()
        with config:
            for ok, message in Parallel(n_jobs=args.jobs, return_as="generator")(jobs):
                if ok:
                    print(message, flush=True)
                else:
                    failures += 1
                    print(f"msutils segment: error: {message}", file=sys.stderr, flush=True)
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        if client is not None:
            client.close()
    if failures:
        print(f"msutils segment: {failures} of {len(jobs)} pictures could not be segmented", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 on success, 2 on bad input, 1 if a batch had failures).

    Parameters
    ----------
    argv : sequence of str or None, default=None
        The arguments (without the program name); None reads ``sys.argv``.

    Returns
    -------
    int
        The exit status.

    Examples
    --------
    >>> main(["segment", "no-such-file.jpg", "out.png"])  # the message goes to stderr
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        seg_parser = args.subparser
        if (args.spatial is None) != (args.range_ is None):
            seg_parser.error("arguments --spatial and --range must be given together")
        if args.min_region is not None and args.spatial is None:
            seg_parser.error("argument --min-region: only applies with --spatial and --range")
        if args.speedup is not None and args.spatial is None:
            seg_parser.error("argument --speedup: only applies with --spatial and --range")
        show = sys.stderr.isatty() if args.progress is None else args.progress
        if args.out_dir is not None:
            return _run_batch(args, seg_parser, show)
        if args.jobs != 1 or args.dask_scheduler is not None:
            seg_parser.error("arguments --jobs and --dask-scheduler: only apply with --out-dir")
        if len(args.paths) != 2:
            seg_parser.error(f"expected INPUT OUTPUT (or inputs with --out-dir DIR), got {len(args.paths)} paths")
        source, target = args.paths
        try:
            _check_output(target, args.mode)
            summary = _segment_file(source, target, _settings(args), progress=show)
        except _InputError as exc:
            seg_parser.error(str(exc))
    except SystemExit as exc:  # argparse reports bad arguments this way
        return exc.code if isinstance(exc.code, int) else 2
    print(summary)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
