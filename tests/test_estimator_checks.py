"""scikit-learn's estimator checks on msutils.MeanShift (every kernel, both labelling rules), msutils.AdaptiveMeanShift and msutils.BlurringMeanShift.

The checks come from :func:`sklearn.utils.estimator_checks.estimator_checks_generator`
(what ``parametrize_with_checks`` uses), with two adjustments:

* checks that need an optional package this environment lacks are not
  collected (scikit-learn would only skip them): the pandas-Series sample
  weight check without pandas, and the array-API check without
  ``SCIPY_ARRAY_API=1``;
* :data:`EXPECTED_FAILED_CHECKS` lists the checks that fail only on the
  *wording* of an error message produced by the shared
  :func:`msutils._validation.check_data` (the right exception type is
  raised, with a message that names the argument).  They run as strict
  xfails: once the shared messages carry scikit-learn's phrases, they pass
  and the entry must go.
"""

from __future__ import annotations

import importlib.util
import os

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

from msutils.meanshift import AdaptiveMeanShift, BlurringMeanShift, MeanShift

ESTIMATORS = [
    MeanShift(),
    MeanShift(kernel="gaussian", bandwidth=0.5),
    MeanShift(kernel="epanechnikov", bandwidth=0.5),
    MeanShift(kernel="gaussian", bandwidth=0.5, assign_labels="basin"),
    MeanShift(assign_labels="basin"),
    AdaptiveMeanShift(),
    AdaptiveMeanShift(assign_labels="basin"),
    AdaptiveMeanShift(kernel="flat", n_neighbors=15, cluster_all=False),
    AdaptiveMeanShift(kernel="epanechnikov", n_neighbors=15, assign_labels="basin"),
    BlurringMeanShift(),
    BlurringMeanShift(bandwidth=0.5),
]

# Every check applies and passes: no expected failures.
EXPECTED_FAILED_CHECKS: dict[str, str] = {}

NOT_APPLICABLE = set()
if importlib.util.find_spec("pandas") is None:
    NOT_APPLICABLE.add("check_sample_weights_pandas_series")
if os.environ.get("SCIPY_ARRAY_API") != "1":
    NOT_APPLICABLE.add("check_array_api_input")


def _check_name(check) -> str:
    func = getattr(check, "func", check)
    while hasattr(func, "func"):
        func = func.func
    return func.__name__


def _cases():
    """(estimator, check) pairs; the expected failures come as strict-xfail pytest params."""
    for estimator in ESTIMATORS:
        for item in estimator_checks_generator(
            estimator, expected_failed_checks=EXPECTED_FAILED_CHECKS, mark="xfail", xfail_strict=True
        ):
            est, check = item.values if hasattr(item, "values") else item
            if _check_name(check) not in NOT_APPLICABLE:
                yield item if hasattr(item, "values") else pytest.param(est, check)


def _case_id(obj):
    if isinstance(obj, (MeanShift, AdaptiveMeanShift, BlurringMeanShift)):
        return repr(obj)
    return _check_name(obj)


@pytest.mark.parametrize("estimator, check", list(_cases()), ids=_case_id)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_checks_were_collected():
    names = {_check_name(c.values[1]) for c in _cases()}
    assert {"check_clustering", "check_fit_idempotent", "check_n_features_in_after_fitting",
            "check_sample_weight_equivalence_on_dense_data"} <= names
