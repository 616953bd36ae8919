"""Plotting helpers used by the book's chapters.

Every helper draws on matplotlib axes it is given (or returns an HTML animation
player) and sets titles, axis labels and colour bars, so that a chapter cell
stays short.

- densities and bandwidths: :func:`plot_kernel_shapes`, :func:`plot_kernel_sum_1d`,
  :func:`plot_kde_surface`, :func:`plot_kde_contour`, :func:`plot_modes_vs_bandwidth`,
  :func:`bandwidth_sweep_animation`;
- mean shift: :func:`plot_paths`, :func:`climb_animation`, :func:`plot_shift_norms`,
  :func:`scatter_clusters`, :func:`plot_mean_shift_step`, :func:`plot_shadow_pair`;
- images: :func:`show_image`, :func:`show_side_by_side`, :func:`show_labels`,
  :func:`label_colors`, :func:`plot_rgb_cloud`, :func:`plot_region_ranges`,
  :func:`plot_cluster_views` (3-D points with their 2-D projections);
- comparisons and sweeps: :func:`plot_clustering_grid`, :func:`plot_curves`;
- convergence: :func:`plot_rate_vs_bandwidth`, :func:`plot_step_ratios`,
  :func:`plot_label_differences`, :func:`plot_basins`, :func:`compare_climbs_animation`,
  :func:`plot_em_step`, :func:`plot_bound_slice`;
- animations in static HTML: :func:`animation_html`;
- interactive 3-D figures (Plotly, offline, with a static fallback picture):
  :func:`kde_surface_3d`, :func:`clusters_3d`, :func:`colour_cloud_3d`, which
  return a :class:`Figure3D`.
"""

from __future__ import annotations

from msutils.plotting._animation import animation_html
from msutils.plotting._compare import plot_clustering_grid, plot_curves
from msutils.plotting._convergence import (
    compare_climbs_animation,
    plot_basins,
    plot_bound_slice,
    plot_em_step,
    plot_label_differences,
    plot_rate_vs_bandwidth,
    plot_step_ratios,
)
from msutils.plotting._density import (
    bandwidth_sweep_animation,
    plot_kde_contour,
    plot_kde_surface,
    plot_kernel_shapes,
    plot_kernel_sum_1d,
    plot_modes_vs_bandwidth,
)
from msutils.plotting._interactive import Figure3D, clusters_3d, colour_cloud_3d, kde_surface_3d
from msutils.plotting._images import (
    label_colors,
    plot_cluster_views,
    plot_region_ranges,
    plot_rgb_cloud,
    show_image,
    show_labels,
    show_side_by_side,
)
from msutils.plotting._meanshift import (
    climb_animation,
    plot_mean_shift_step,
    plot_paths,
    plot_shadow_pair,
    plot_shift_norms,
    scatter_clusters,
)

__all__ = [
    "Figure3D",
    "animation_html",
    "bandwidth_sweep_animation",
    "climb_animation",
    "clusters_3d",
    "colour_cloud_3d",
    "compare_climbs_animation",
    "kde_surface_3d",
    "label_colors",
    "plot_basins",
    "plot_bound_slice",
    "plot_cluster_views",
    "plot_clustering_grid",
    "plot_curves",
    "plot_em_step",
    "plot_kde_contour",
    "plot_kde_surface",
    "plot_kernel_shapes",
    "plot_kernel_sum_1d",
    "plot_label_differences",
    "plot_mean_shift_step",
    "plot_modes_vs_bandwidth",
    "plot_paths",
    "plot_rate_vs_bandwidth",
    "plot_region_ranges",
    "plot_rgb_cloud",
    "plot_shadow_pair",
    "plot_shift_norms",
    "plot_step_ratios",
    "scatter_clusters",
    "show_image",
    "show_labels",
    "show_side_by_side",
]
