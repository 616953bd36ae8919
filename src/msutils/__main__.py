"""Command-line interface: ``python -m msutils segment INPUT OUTPUT`` (or ``msutils segment ...``).

Segments any image file by mean shift and writes the result::

    python -m msutils segment photo.jpg photo_segmented.png
    python -m msutils segment photo.jpg regions.png --spatial 6 --range 16 --min-region 50
    python -m msutils segment photo.jpg labels.png --mode labels

Without ``--spatial``/``--range`` the pixels' colours are clustered
(:func:`msutils.segmentation.segment_colors`, the bandwidth estimated with
``--quantile`` and ``--n-samples``); with both, the picture is segmented in the
joint spatial-range domain (:func:`msutils.segmentation.segment`).  The image
is first shrunk so that its longer side is at most ``--max-side`` pixels (512
by default), and the output has that size.

``--mode posterize`` (the default) paints every segment with its colour (the
cluster's mode, or the region's mean colour); ``--mode labels`` writes the
segment index of each pixel as a greyscale PNG or TIFF (8-bit up to 256
segments, else 16-bit).

One summary line goes to standard output.  A progress bar goes to standard
error when it is a terminal (``--progress``/``--no-progress`` force it on or
off).  Bad arguments and unreadable files end the program with exit status 2
and a message naming the argument.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import IO, Any, Callable, Sequence

__all__ = ["main", "build_parser", "ProgressBar"]

_LABEL_FORMATS = {".png", ".tif", ".tiff"}


class ProgressBar:
    """A minimal text progress bar, redrawn in place on a stream.

    Parameters
    ----------
    stream : file-like
        Where to draw (standard error in the CLI).
    width : int, default=30
        Number of characters of the bar.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar(out, width=10)
    >>> bar.update(0.5, "mean shift")
    >>> bar.close()
    >>> out.getvalue().splitlines()[0].strip()
    '[#####.....]  50% mean shift'
    """

    def __init__(self, stream: IO[str], *, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self._shown = False

    def update(self, fraction: float, message: str = "") -> None:
        """Redraw the bar at ``fraction`` (0 to 1) followed by ``message``."""
        fraction = min(max(float(fraction), 0.0), 1.0)
        filled = math.floor(fraction * self.width)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {fraction * 100:3.0f}% {message}"
        self.stream.write("\r" + line.ljust(self.width + 40))
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """End the bar's line (if anything was drawn)."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False


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
        help="segment an image by mean shift",
        description="Segment an image file by mean shift and write the segmented image.",
    )
    seg.add_argument("input", metavar="INPUT", help="image file to segment (JPEG, PNG, TIFF, ...)")
    seg.add_argument("output", metavar="OUTPUT", help="where to write the result; the extension picks the format")
    seg.add_argument("--quantile", type=_quantile, default=0.1, metavar="Q",
                     help="quantile for the colour bandwidth estimate (default 0.1)")
    seg.add_argument("--n-samples", type=_positive_int, default=100, metavar="N",
                     help="pixels sampled for the bandwidth estimate (default 100)")
    seg.add_argument("--spatial", type=_positive_float, metavar="HS",
                     help="spatial bandwidth in pixels: segment in the joint spatial-range domain (needs --range)")
    seg.add_argument("--range", type=_positive_float, metavar="HR", dest="range_",
                     help="range (colour) bandwidth, 0-255 units (needs --spatial)")
    seg.add_argument("--min-region", type=_positive_int, metavar="M",
                     help="with --spatial/--range: merge regions smaller than M pixels (default 20)")
    seg.add_argument("--max-side", type=_positive_int, default=512, metavar="S",
                     help="shrink the image so that its longer side is at most S pixels (default 512)")
    seg.add_argument("--mode", choices=("posterize", "labels"), default="posterize",
                     help="write segment colours (posterize, default) or segment indices (labels)")
    seg.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="show a progress bar on standard error (default: when it is a terminal)")
    seg.set_defaults(subparser=seg)
    return parser


def _check_output(parser: argparse.ArgumentParser, output: str, mode: str) -> None:
    from PIL import Image

    ext = os.path.splitext(output)[1].lower()
    if ext not in Image.registered_extensions():
        parser.error(f"argument OUTPUT: cannot tell the image format from {output!r}; use e.g. .png or .jpg")
    if mode == "labels" and ext not in _LABEL_FORMATS:
        parser.error(f"argument OUTPUT: --mode labels needs a lossless format (.png, .tif), got {output!r}")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        parser.error(f"argument OUTPUT: the folder {folder!r} does not exist")


def _segment(args: argparse.Namespace, parser: argparse.ArgumentParser, bar: ProgressBar | None) -> str:
    import numpy as np
    from PIL import Image

    from msutils.bandwidth import estimate_bandwidth
    from msutils.images import load_rgb, mean_colors, posterize, to_pixels
    from msutils.segmentation import segment, segment_colors

    try:
        image = load_rgb(args.input, max_side=args.max_side)
    except (OSError, ValueError) as exc:
        parser.error(f"argument INPUT: {exc}")
    height, width = image.shape[:2]
    name = os.path.basename(args.input)

    if args.spatial is not None:
        def progress(iteration: int, done: int, total: int) -> None:
            if bar is not None:
                bar.update(done / total, f"mean shift step {iteration}")

        min_region = 20 if args.min_region is None else args.min_region
        labels = segment(image, spatial_bandwidth=args.spatial, range_bandwidth=args.range_,
                         min_region=min_region, progress=progress)
        colours = mean_colors(image, labels)
        what = (f"{labels.max() + 1} regions (joint domain, spatial {args.spatial:g}, "
                f"range {args.range_:g}, min region {min_region})")
    else:
        if bar is not None:
            bar.update(0.0, "estimating the bandwidth")
        bandwidth = estimate_bandwidth(to_pixels(image), quantile=args.quantile,
                                       n_samples=args.n_samples, random_state=0)
        if not bandwidth > 0:
            parser.error(f"argument --quantile: the estimated bandwidth is {bandwidth:g} "
                         "(the sampled pixels are all alike); raise --quantile or --n-samples")
        if bar is not None:
            bar.update(0.3, "mean shift on the colours")
        labels, colours = segment_colors(image, bandwidth=bandwidth)
        what = f"{len(colours)} clusters (colour mean shift, bandwidth {bandwidth:.2f})"
    if bar is not None:
        bar.update(1.0, "writing")

    if args.mode == "posterize":
        out = Image.fromarray(posterize(labels, colours))
    else:
        n_labels = int(labels.max()) + 1
        if n_labels > 65536:
            parser.error(f"argument --mode: {n_labels} segments do not fit a 16-bit label image; "
                         "use --mode posterize or a larger --min-region")
        dtype = np.uint8 if n_labels <= 256 else np.uint16
        out = Image.fromarray(labels.astype(dtype))
    try:
        out.save(args.output)
    except (OSError, ValueError) as exc:
        parser.error(f"argument OUTPUT: could not write {args.output!r}: {exc}")
    return f"{name}: {width}x{height} pixels, {what} -> {os.path.basename(args.output)}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 on success, 2 on bad input).

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
        _check_output(seg_parser, args.output, args.mode)
        show = sys.stderr.isatty() if args.progress is None else args.progress
        bar = ProgressBar(sys.stderr) if show else None
        try:
            summary = _segment(args, seg_parser, bar)
        finally:
            if bar is not None:
                bar.close()
    except SystemExit as exc:  # argparse reports bad arguments this way
        return exc.code if isinstance(exc.code, int) else 2
    print(summary)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
