"""The neural-network slice landscape: backprop, filter normalization, the slice, and roughness."""

import numpy as np
import pytest

from core.landscapes.network import (
    MLP,
    VARIANTS,
    filter_normalized_direction,
    make_moons,
    make_nn_landscape,
)
from core.minima.search import grid_local_minima
from core.studies.slice_compare import grid_slice


def _fd_grad(f, x, h=1e-6):
    g = np.empty_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


@pytest.fixture(scope="module")
def lands():
    return {v: make_nn_landscape(v, depth=3, width=5, seed=0, n=60, search_minima=False) for v in VARIANTS}


@pytest.mark.parametrize("variant", VARIANTS)
def test_backprop_matches_finite_differences(variant):
    mlp = MLP(variant, depth=3, width=4)
    X, y = make_moons(30, 0.15, seed=1)
    w = mlp.init(seed=2) + 0.1 * np.random.default_rng(3).standard_normal(mlp.n_params)
    loss, g = mlp.loss_and_grad(w, X, y)
    assert loss == pytest.approx(mlp.loss(w, X, y))
    np.testing.assert_allclose(g, _fd_grad(lambda v: mlp.loss(v, X, y), w), rtol=1e-5, atol=1e-8)


def test_flatten_roundtrip():
    mlp = MLP("skip", depth=2, width=3)
    w = mlp.init(seed=0)
    assert [p.shape for p in mlp.unflatten(w)] == mlp.shapes
    np.testing.assert_array_equal(mlp.flatten(mlp.unflatten(w)), w)


@pytest.mark.parametrize("variant", VARIANTS)
def test_slice_centred_on_trained_weights(lands, variant):
    land = lands[variant]
    assert land.value(np.zeros((1, 2)))[0] == pytest.approx(land.trained_loss, rel=1e-10)
    assert land.trained_loss == pytest.approx(land.mlp.loss(land.center, land.X, land.y), rel=1e-12)


@pytest.mark.parametrize("variant", VARIANTS)
def test_filter_normalization(lands, variant):
    land = lands[variant]
    ref = land.mlp.unflatten(land.center)
    for d in (land.d1, land.d2):
        for p, q in zip(land.mlp.unflatten(d), ref, strict=True):
            if p.ndim == 2:
                np.testing.assert_allclose(np.linalg.norm(p, axis=1), np.linalg.norm(q, axis=1), rtol=1e-12)
            else:
                assert not p.any()  # biases are not moved
    d_again = filter_normalized_direction(land.mlp, land.center, np.random.default_rng([0, 1]))
    np.testing.assert_array_equal(d_again, land.d1)


@pytest.mark.parametrize("variant", VARIANTS)
def test_slice_gradient(lands, variant):
    land = lands[variant]
    pts = np.random.default_rng(4).uniform(-1, 1, (6, 2))
    g = land.grad(pts)
    h = 1e-6
    fd = np.column_stack([(land.value(pts + h * e) - land.value(pts - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-8)
    # and it is the full backprop gradient projected on the directions
    for p, gp in zip(pts, g, strict=True):
        _, full = land.mlp.loss_and_grad(land.params_at(*p), land.X, land.y)
        np.testing.assert_allclose(gp, [full @ land.d1, full @ land.d2], rtol=1e-9, atol=1e-12)
    # batched values match one network at a time
    vals = land.value(pts)
    single = [land.mlp.loss(land.params_at(*p), land.X, land.y) for p in pts]
    np.testing.assert_allclose(vals, single, rtol=1e-10)


@pytest.mark.parametrize("variant", VARIANTS)
def test_training_lowers_the_loss(variant):
    mlp = MLP(variant)
    X, y = make_moons(seed=0)
    w, history = mlp.train(X, y, seed=0)
    assert history[0] > 0.5
    assert history[-1] < 0.3
    np.testing.assert_array_equal(w, mlp.train(X, y, seed=0)[0])  # deterministic


def test_moons():
    X, y = make_moons(200, 0.1, seed=0)
    assert X.shape == (200, 2) and y.shape == (200,)
    assert set(np.unique(y)) == {0.0, 1.0} and y.sum() == 100
    np.testing.assert_array_equal(X, make_moons(200, 0.1, seed=0)[0])


def test_skip_connections_smooth_the_slice():
    # Measured with the defaults (depth 6, width 12, 200 points, noise 0.15), grid local minima of a
    # 101×101 slice, plain vs skip: seed 0: 7 vs 3, seed 1: 11 vs 2, seed 2: 5 vs 3.
    counts = {}
    for seed in range(3):
        for variant in VARIANTS:
            land = make_nn_landscape(variant, seed=seed, search_minima=False)
            counts[variant, seed] = len(grid_local_minima(grid_slice(land, 101)[2]))
    for seed in range(3):
        assert counts["skip", seed] < counts["plain", seed], counts
    assert sum(counts["plain", s] for s in range(3)) >= 2 * sum(counts["skip", s] for s in range(3)), counts
