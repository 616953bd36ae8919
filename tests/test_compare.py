"""msutils.compare and msutils.plotting._compare: the comparison grid, its tables and its figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from msutils.compare import GridResult, Method, ari_table, default_methods, run_grid, told_table
from msutils.plotting import plot_clustering_grid, plot_curves
from msutils.toydata import separated_blobs, toy_datasets


@pytest.fixture(scope="module")
def small_grid():
    sets = {k: v for k, v in toy_datasets(200).items() if k in ("blobs", "moons", "no structure")}
    return sets, run_grid(sets)


def test_grid_scores_are_the_ari_of_the_stored_labels(small_grid):
    sets, g = small_grid
    assert g.datasets == list(sets) and g.methods == [m.name for m in default_methods()]
    for d, (_, y) in sets.items():
        for m in g.methods:
            assert g.ari[d][m] == pytest.approx(adjusted_rand_score(y, g.labels[d][m]))
            labels = g.labels[d][m]
            assert g.n_clusters[d][m] == len(np.unique(labels[labels >= 0]))
        np.testing.assert_allclose(g.X[d].mean(axis=0), 0, atol=1e-12)  # standardised
        np.testing.assert_allclose(g.X[d].std(axis=0), 1, rtol=1e-12)


def test_methods_told_k_are_told_the_true_number(small_grid):
    _, g = small_grid
    assert g.n_clusters["moons"]["k-means"] == 2
    assert g.n_clusters["blobs"]["Gaussian mixture"] == 3
    assert g.n_clusters["no structure"]["k-means"] == 3  # default_k: nothing true to tell
    assert g.ari["blobs"]["k-means"] > 0.9


def test_rules_depend_only_on_the_data():
    X, _ = separated_blobs(300, 2)
    for m in default_methods():
        a, b = m.make(X, 3).get_params(), m.make(X, 3).get_params()
        assert a == b
    ad = [m for m in default_methods() if m.name == "mean shift, adaptive"][0]
    assert ad.make(X, 3).n_neighbors == 30  # a tenth of the points


def test_tables_are_markdown_with_a_row_per_method(small_grid):
    _, g = small_grid
    t = ari_table(g).splitlines()
    assert len(t) == 2 + len(g.methods)
    assert t[0] == "| method | moons | blobs | no structure | mean |"
    row = t[2].split(" | ")
    vals = [g.ari[d][g.methods[0]] for d in g.datasets]
    assert row[1:4] == [f"{v:.2f}" for v in vals] and row[4].rstrip(" |") == f"{np.mean(vals):.2f}"
    told = told_table().splitlines()
    assert len(told) == 2 + len(default_methods()) and "the number of clusters" in told_table()


def test_run_grid_rejects_bad_input():
    with pytest.raises(TypeError, match="datasets must be a non-empty dict"):
        run_grid([])
    with pytest.raises(TypeError, match=r"datasets\['a'\] must be a pair"):
        run_grid({"a": np.zeros((3, 2))})
    with pytest.raises(ValueError, match="one label per row"):
        run_grid({"a": (np.zeros((3, 2)), np.zeros(4))})
    with pytest.raises(TypeError, match="methods must be a non-empty list"):
        run_grid({"a": (np.zeros((3, 2)), np.zeros(3))}, methods=["k-means"])


def test_custom_method_is_used():
    X, y = separated_blobs(90, 2)
    m = Method("all one", "nothing", "label 0", lambda X, k: _Constant())
    g = run_grid({"b": (X, y)}, [m])
    assert g.ari["b"]["all one"] == 0.0 and g.n_clusters["b"]["all one"] == 1


class _Constant:
    def fit_predict(self, X):
        return np.zeros(len(X), dtype=int)


def test_grid_figure_has_a_panel_per_pair_with_its_score(small_grid):
    _, g = small_grid
    fig = plot_clustering_grid(g)
    assert len(fig.axes) == len(g.datasets) * len(g.methods)
    ax = fig.axes[len(g.methods) + 4]  # row 1 (blobs), column 4
    m = g.methods[4]
    assert ax.texts[0].get_text() == f"ARI {g.ari['blobs'][m]:.2f}\n{g.n_clusters['blobs'][m]} cl."
    assert fig.axes[0].get_title() and fig.axes[len(g.methods)].get_ylabel() == "blobs"
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), g.X["blobs"])
    plt.close(fig)
    with pytest.raises(TypeError, match="GridResult"):
        plot_clustering_grid({"a": 1})


def test_plot_curves(ax):
    lines = plot_curves(ax, [0.1, 1, 10], {"a": [0, 1, 2], "b": [2, 1, 0]}, xlabel="h", ylabel="ARI",
                        title="sweep", logx=True, hline=0.5, hline_label="ref")
    assert [l.get_label() for l in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[1].get_ydata(), [2, 1, 0])
    assert ax.get_xscale() == "log" and ax.get_title() == "sweep" and ax.get_ylabel() == "ARI"
    with pytest.raises(ValueError, match=r"curves\['a'\] has 2 values, but x has 3"):
        plot_curves(ax, [1, 2, 3], {"a": [1, 2]}, xlabel="", ylabel="", title="")
    with pytest.raises(TypeError, match="curves must be a non-empty mapping"):
        plot_curves(ax, [1, 2, 3], {}, xlabel="", ylabel="", title="")


def test_tiny_negative_scores_print_as_zero():
    r = GridResult(["a"], ["m"], {"a": np.zeros((2, 2))}, {"a": {"m": np.array([0, 1])}},
                   {"a": {"m": -0.0004}}, {"a": {"m": 2}})
    assert ari_table(r).splitlines()[2] == "| m | 0.00 | 0.00 |"
    assert ari_table(r, row_digits={"m": 1}).splitlines()[2] == "| m | 0.0 | 0.0 |"
    fig = plot_clustering_grid(r)
    assert fig.axes[0].texts[0].get_text() == "ARI 0.00\n2 cl."
    plt.close(fig)
