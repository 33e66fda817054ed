"""Tests for the data landscapes: analytic gradients, minibatches, the CSV loader and the sampler."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.landscapes.data import (
    DATA_LANDSCAPE_IDS,
    DataFileError,
    DataLandscape,
    Dataset,
    generate_dataset,
    load_csv_dataset,
    make_data_landscape,
)
from core.methods.batching import MinibatchSampler

each_data_landscape = pytest.mark.parametrize("land_id", DATA_LANDSCAPE_IDS)


def _random_points(land: DataLandscape, count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return land.lower + (land.upper - land.lower) * rng.random((count, land.dim))


def _central_differences(fn, points: np.ndarray, h: float = 1e-6) -> np.ndarray:
    out = np.empty_like(points)
    for k in range(points.shape[1]):
        step = np.zeros(points.shape[1])
        step[k] = h
        out[:, k] = (fn(points + step) - fn(points - step)) / (2 * h)
    return out


# --- the landscapes --------------------------------------------------------------------------------


def test_registry_and_defaults():
    assert DATA_LANDSCAPE_IDS == ("fit-frequency", "fit-frequency-phase", "tiny-net")
    for land_id in DATA_LANDSCAPE_IDS:
        land = make_data_landscape(land_id)
        assert isinstance(land, DataLandscape)
        assert land.n_samples == 64
        assert land.dataset.source == "generated: n=64, noise=0.1, seed=0"
        assert land.name and land.description and land.formula
        assert sum(m.kind == "global" for m in land.minima) >= 1
    with pytest.raises(ValueError, match="unknown data landscape"):
        make_data_landscape("nope")
    with pytest.raises(ValueError, match="n=1"):
        make_data_landscape("fit-frequency", n=1)


@each_data_landscape
def test_full_gradient_matches_finite_differences(land_id):
    land = make_data_landscape(land_id)
    points = _random_points(land, 200)
    expected = _central_differences(land.value_fn, points)
    np.testing.assert_allclose(land.grad_fn(points), expected, rtol=1e-5, atol=1e-7)


@each_data_landscape
def test_batch_gradient_matches_finite_differences(land_id):
    land = make_data_landscape(land_id)
    rng = np.random.default_rng(1)
    points = _random_points(land, 100, seed=2)
    for batch in (1, 5, 16):
        idx = rng.integers(0, land.n_samples, size=(len(points), batch))
        expected = _central_differences(lambda p, idx=idx: land.batch_value(p, idx), points)
        np.testing.assert_allclose(land.batch_grad(points, idx), expected, rtol=1e-5, atol=1e-7)


@each_data_landscape
def test_batch_over_all_samples_is_the_full_loss(land_id):
    land = make_data_landscape(land_id)
    points = _random_points(land, 50, seed=3)
    idx = np.tile(np.arange(land.n_samples), (len(points), 1))
    np.testing.assert_allclose(land.batch_value(points, idx), land.value_fn(points), rtol=1e-12)
    np.testing.assert_allclose(land.batch_grad(points, idx), land.grad_fn(points), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(land.per_sample_grads(points[0]).mean(axis=0), land.grad_fn(points[:1])[0])


@each_data_landscape
def test_epoch_mean_of_batch_gradients_is_the_full_gradient(land_id):
    land = make_data_landscape(land_id)
    points = _random_points(land, 30, seed=4)
    sampler = MinibatchSampler(land.n_samples, 8, len(points), np.random.default_rng(5))
    grads = [land.batch_grad(points, sampler.next_batches()) for _ in range(sampler.batches_per_epoch)]
    np.testing.assert_allclose(np.mean(grads, axis=0), land.grad_fn(points), rtol=1e-10, atol=1e-13)


def test_full_loss_is_chunked_for_many_points(monkeypatch):
    import core.landscapes.data as module

    land = make_data_landscape("tiny-net")
    points = _random_points(land, 101, seed=6)
    whole_v, whole_g = land.value_fn(points), land.grad_fn(points)
    monkeypatch.setattr(module, "MAX_CHUNK_ELEMENTS", 64 * 7)  # chunks of 7 points
    np.testing.assert_allclose(land.value_fn(points), whole_v, rtol=1e-14)
    np.testing.assert_allclose(land.grad_fn(points), whole_g, rtol=1e-14)


def test_minibatch_gradients_do_not_vanish_at_a_critical_point():
    land = make_data_landscape("fit-frequency")
    local = [m for m in land.minima if m.kind == "local"]
    assert local
    rng = np.random.default_rng(7)
    for m in local:
        theta = np.tile(np.array(m.location), (500, 1))
        assert abs(land.grad_fn(theta[:1])[0, 0]) < 1e-6  # a critical point of the full loss
        sampler = MinibatchSampler(land.n_samples, 8, len(theta), rng)
        g = np.abs(land.batch_grad(theta, sampler.next_batches())[:, 0])
        assert np.mean(g > 0.02) > 0.7  # measured 0.82 to 0.99 over the local minima


def test_fit_frequency_is_multimodal():
    land = make_data_landscape("fit-frequency")
    (best,) = [m for m in land.minima if m.kind == "global"]
    assert best.location[0] == pytest.approx(2.0, abs=0.05)
    assert sum(m.kind == "local" for m in land.minima) >= 3


def test_fit_frequency_phase_finds_the_true_parameters():
    land = make_data_landscape("fit-frequency-phase")
    best = land.minima[0]
    assert best.kind == "global"
    np.testing.assert_allclose(best.location, (2.0, 0.5), atol=0.05)
    assert any(m.kind == "local" for m in land.minima)


def test_tiny_net_has_a_genuine_local_minimum():
    land = make_data_landscape("tiny-net")
    kinds = [m.kind for m in land.minima]
    assert kinds.count("global") == 1 and "local" in kinds
    for m in land.minima:
        p = np.array([m.location])
        assert np.linalg.norm(land.grad_fn(p)) < 1e-6
        h = 1e-4
        hessian = np.column_stack(
            [(land.grad_fn(p + h * e) - land.grad_fn(p - h * e))[0] / (2 * h) for e in np.eye(2)]
        )
        assert np.linalg.eigvalsh((hessian + hessian.T) / 2).min() > 1e-2  # a strict minimum
    np.testing.assert_allclose(land.minima[0].location, (-1.5, 1.0), atol=0.1)  # on the big bump
    local = next(m for m in land.minima if m.kind == "local")
    assert local.location[0] == pytest.approx(1.5, abs=0.1)  # on the small bump


def test_generated_data_are_reproducible_and_read_only():
    a = generate_dataset("fit-frequency", n=32, noise=0.2, seed=3)
    b = generate_dataset("fit-frequency", n=32, noise=0.2, seed=3)
    assert a == b and a.source == "generated: n=32, noise=0.2, seed=3"
    assert generate_dataset("fit-frequency", n=32, noise=0.2, seed=4) != a
    with pytest.raises(ValueError):
        a.x[0] = 1.0
    clean = generate_dataset("fit-frequency", n=32, noise=0.0, seed=3)
    np.testing.assert_allclose(clean.y, np.sin(2 * clean.x))


def test_with_dataset_and_with_domain_keep_a_data_landscape():
    land = make_data_landscape("fit-frequency")
    x = np.linspace(-3, 3, 40)
    other = land.with_dataset(Dataset(x, np.sin(3 * x), "mine.csv"))
    assert isinstance(other, DataLandscape) and other.n_samples == 40
    assert other.minima[0].location[0] == pytest.approx(3.0, abs=1e-4)
    np.testing.assert_allclose(other.value(np.array([[3.0]])), [0.0], atol=1e-20)
    narrow = land.with_domain(((2.5, 6.0),))
    assert isinstance(narrow, DataLandscape) and narrow.dataset is land.dataset
    assert all(2.5 <= m.location[0] <= 6.0 for m in narrow.minima)
    # w = 2 lies outside: the box's lowest point is its left edge, lower than every interior minimum
    assert narrow.lowest_edge.location == (2.5,) and narrow.lowest_edge.value < narrow.minima[0].value
    assert {m.kind for m in narrow.minima} == {"local"} and narrow.minima[0].value > 0.3
    np.testing.assert_allclose(narrow.value_fn(np.array([[3.0]])), land.value_fn(np.array([[3.0]])))
    replaced = dataclasses.replace(land, dataset=other.dataset)  # the loss always follows the data
    np.testing.assert_allclose(replaced.value_fn(np.array([[3.0]])), [0.0], atol=1e-20)
    with pytest.raises(ValueError, match="at least 2"):
        land.with_dataset(Dataset([1.0], [2.0], "one"))


# --- the CSV loader --------------------------------------------------------------------------------


def _write(tmp_path, text: str | bytes, name: str = "data.csv"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        "0,1\n1,2.5\n2,-3e-1\n",
        "x,y\n0,1\n1,2.5\n2,-3e-1\n",
        "\ufeff# a comment\nx ; y\n\n0;1\n1;2.5\n2;-3e-1",
        "0\t1\n1   2.5\r\n2 -3e-1\n",
    ],
    ids=["plain", "header", "bom-comment-semicolon", "whitespace"],
)
def test_csv_loader_accepts_good_files(tmp_path, text):
    path = _write(tmp_path, text)
    data = load_csv_dataset(path)
    np.testing.assert_allclose(data.x, [0, 1, 2])
    np.testing.assert_allclose(data.y, [1, 2.5, -0.3])
    assert data.source == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,y\n1,2\n3,4\n5,6,7\n", "line 4: expected 2 numbers, got 3"),
        ("1,2\n3\n", "line 2: expected 2 numbers, got 1"),
        ("x,y\n1,2\n3,4\n5,6\n7,8\n9,10\nabc,1\n", "line 7: 'abc' is not a number"),
        ("1,x\n2,3\n", "line 1: 'x' is not a number"),
        ("1,2\n3,\n", "line 2: a value is missing"),
        ("1,2\n\n# note\n4,5\n6,7\n8,9\n10,11\n12,13\nnan,1\n", "line 9: NaN is not allowed"),
        ("1,2\n3,inf\n", "line 2: 'inf' is infinite"),
        ("1,2\n3,1e999\n", "line 2: '1e999' is infinite"),
        ("x,y\n1,2\n", "the file has 1 data row; at least 2 are needed"),
        ("x,y\n", "the file has no data rows; at least 2 are needed"),
        ("", "the file has no data rows"),
        (b"1,2\n3,4\n\xff\xfe,1\n", "line 3: .* is not UTF-8 text"),
    ],
)
def test_csv_loader_refuses_bad_files(tmp_path, text, message):
    with pytest.raises(DataFileError, match=message):
        load_csv_dataset(_write(tmp_path, text))


def test_csv_loader_refuses_missing_and_huge_files(tmp_path, monkeypatch):
    import core.landscapes.data as module

    missing = tmp_path / "missing.csv"
    with pytest.raises(DataFileError, match=r"cannot read .*missing\.csv: No such file"):
        load_csv_dataset(missing)
    with pytest.raises(DataFileError, match="cannot read"):
        load_csv_dataset(tmp_path)  # a folder
    monkeypatch.setattr(module, "MAX_DATA_FILE_BYTES", 10)
    with pytest.raises(DataFileError, match="larger than"):
        load_csv_dataset(_write(tmp_path, "1,2\n3,4\n5,6\n"))
    assert issubclass(DataFileError, ValueError)


# --- the minibatch sampler -------------------------------------------------------------------------


def _draw(seed: int, calls: int, n: int = 10, batch: int = 3, runs: int = 5) -> list[np.ndarray]:
    sampler = MinibatchSampler(n, batch, runs, np.random.default_rng(seed))
    return [sampler.next_batches() for _ in range(calls)]


def test_sampler_is_reproducible_from_the_seed():
    a, b, c = _draw(11, 7), _draw(11, 7), _draw(12, 7)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not all(np.array_equal(p, q) for p, q in zip(a, c, strict=True))


@pytest.mark.parametrize(("n", "batch"), [(10, 3), (12, 4), (7, 7), (5, 1)])
def test_sampler_never_repeats_a_sample_within_an_epoch(n, batch):
    sampler = MinibatchSampler(n, batch, 6, np.random.default_rng(0))
    per_epoch = n // batch
    assert sampler.batches_per_epoch == per_epoch
    for epoch in range(4):
        batches = np.concatenate([sampler.next_batches() for _ in range(per_epoch)], axis=1)
        assert batches.shape == (6, per_epoch * batch) and batches.dtype.kind == "i"
        assert sampler.epoch == epoch + 1
        for row in batches:
            assert len(set(row.tolist())) == len(row)  # no repeats within the run's epoch
            assert row.min() >= 0 and row.max() < n
    if per_epoch * batch == n:  # every sample once per epoch
        assert np.array_equal(np.sort(batches, axis=1), np.tile(np.arange(n), (6, 1)))


def test_sampler_runs_get_different_orders():
    (first,) = _draw(0, 1, n=64, batch=16, runs=20)
    assert len({tuple(row) for row in first.tolist()}) == 20


def test_sampler_keep_drops_finished_runs():
    full = MinibatchSampler(12, 4, 5, np.random.default_rng(3))
    kept = MinibatchSampler(12, 4, 5, np.random.default_rng(3))
    mask = np.array([True, False, True, True, False])
    np.testing.assert_array_equal(full.next_batches(), kept.next_batches())
    kept.keep(mask)
    assert kept.n_runs == 3
    after_full, after_kept = full.next_batches(), kept.next_batches()
    assert after_kept.shape == (3, 4)
    np.testing.assert_array_equal(after_kept, after_full[mask])  # the survivors keep their permutations
    kept.next_batches()
    assert kept.next_batches().shape == (3, 4)  # a new epoch for the survivors only
    kept.keep(np.zeros(3, dtype=bool))
    assert kept.next_batches().shape == (0, 4)
    with pytest.raises(ValueError):
        kept.keep(np.ones(2, dtype=bool))
    early = MinibatchSampler(12, 4, 5, np.random.default_rng(3))
    early.keep(mask)  # before the first draw
    assert early.next_batches().shape == (3, 4)


def test_sampler_validates_its_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="batch_size"):
        MinibatchSampler(10, 11, 2, rng)
    with pytest.raises(ValueError, match="batch_size"):
        MinibatchSampler(10, 0, 2, rng)
    with pytest.raises(ValueError, match="n_runs"):
        MinibatchSampler(10, 2, -1, rng)
