"""Network slice ids with settings, progress and cancel, roughness and the plain-vs-skip comparison."""

import threading

import numpy as np
import pytest

from core.landscapes.network import NNConfig, make_nn_landscape
from core.landscapes.registry import get_landscape, nn_landscape
from core.progress import Cancelled
from core.studies.slice_compare import (
    compare_slices,
    format_comparison,
    grid_slice,
    hessian_eigenvalues,
    roughness,
)


def test_config_ids_round_trip():
    assert NNConfig().id == "nn-plain"
    assert NNConfig("skip", depth=4, seed=2).id == "nn-skip:depth=4,seed=2"
    for text in ("nn-plain", "nn-skip:depth=4,seed=2", "nn-skip: width=8 , samples=50"):
        config = NNConfig.from_id(text)
        assert NNConfig.from_id(config.id) == config
    assert NNConfig.from_id("nn-skip: width=8 , samples=50") == NNConfig("skip", width=8, samples=50)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nn-deep", "unknown network variant 'deep'"),
        ("nn-plain:depth=0", "network depth 0 is out of range: expected a whole number 1..10"),
        ("nn-plain:width=1e3", "network width '1e3' is not a whole number"),
        ("nn-plain:colour=red", "bad network setting 'colour=red'"),
        ("nn-plain:depth", "bad network setting 'depth'"),
        ("nn-skip:seed=-1", "network seed -1 is out of range"),
    ],
)
def test_bad_ids_are_refused_with_a_message(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        get_landscape(text)


def test_ids_with_settings_build_that_network_and_are_cached():
    land = get_landscape("nn-skip:depth=2,width=4,seed=3,samples=40")
    assert land.id == "nn-skip:depth=2,width=4,seed=3,samples=40"
    assert (land.mlp.variant, land.mlp.depth, land.mlp.width, land.seed, len(land.X)) == ("skip", 2, 4, 3, 40)
    assert get_landscape("nn-skip:samples=40,seed=3,width=4,depth=2") is land  # same settings: cached
    assert land.with_domain(land.domain) is land  # no new minima search for the same box


def test_progress_rises_to_one_and_cancel_stops():
    seen = []
    make_nn_landscape("plain", depth=2, width=4, n=40, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and np.all(np.diff(seen) >= 0) and len(seen) > 10
    cancel = threading.Event()

    def stop_at_half(fraction):
        if fraction > 0.5:
            cancel.set()

    with pytest.raises(Cancelled):
        nn_landscape("nn-plain:depth=2,width=3,samples=30", progress=stop_at_half, cancel=cancel)
    # a cancelled build is not cached: the next call builds it fully
    assert nn_landscape("nn-plain:depth=2,width=3,samples=30").minima


def test_hessian_eigenvalues_of_a_quadratic():
    from core.landscape import Landscape

    land = Landscape(
        "q", "q", 2, ((-1.0, 1.0), (-1.0, 1.0)),
        value_fn=lambda p: p[:, 0] ** 2 - 3 * p[:, 1] ** 2,
        grad_fn=lambda p: np.column_stack([2 * p[:, 0], -6 * p[:, 1]]),
    )  # fmt: skip
    lam = hessian_eigenvalues(land, np.array([[0.1, 0.2], [0.5, -0.5]]))
    np.testing.assert_allclose(lam, [[-6.0, 2.0], [-6.0, 2.0]], rtol=1e-6)
    r = roughness(land, 21, curvature_grid=11)
    assert r["curvature_ratio"] == pytest.approx(3.0) and r["nonconvex_fraction"] == 1.0
    assert r["local_minima"] == 2  # a saddle: the only grid minima are the edge points (0, ±1)


def test_grid_slice_reports_progress_and_matches_pointwise_values():
    land = make_nn_landscape("skip", depth=2, width=4, n=40, search_minima=False)
    seen = []
    alphas, betas, Z = grid_slice(land, 21, progress=seen.append)
    assert seen[-1] == 1.0 and len(seen) > 2 and np.all(np.diff(seen) > 0)
    assert grid_slice(land, 21)[2] is Z  # kept in the slice's grid cache
    assert Z[4, 17] == pytest.approx(land.value(np.array([[alphas[4], betas[17]]]))[0], rel=1e-12)


def test_comparison_shares_one_colour_scale_and_measures_both():
    cmp = compare_slices(depth=3, width=6, seed=1, grid=31)
    assert [s.variant for s in cmp.slices] == ["plain", "skip"]
    lo, hi = cmp.levels
    for s in cmp.slices:
        assert s.Z.shape == (31, 31)
        logs = np.log10(s.Z)
        assert lo <= logs.min() and logs.max() <= hi
        assert s.roughness == roughness(s.landscape, 31)
        assert s.Z[15, 15] == pytest.approx(s.landscape.trained_loss, rel=1e-9)  # the centre is w*
    assert lo == pytest.approx(min(np.log10(s.Z).min() for s in cmp.slices))
    assert "grid local minima" in format_comparison(cmp)
    with pytest.raises(ValueError, match="grid 5 is out of range"):
        compare_slices(grid=5)
