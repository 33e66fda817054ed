"""High-dimensional random landscapes: derivatives, Hessian index, and the saddle / loss-spread trends."""

import numpy as np
import pytest

from core.studies.highdim import RandomLandscape, hessian_index, study
from core.studies.highdim_report import format_summary, to_csv


@pytest.mark.parametrize("d", [1, 3, 10])
def test_gradient_and_hessian_match_finite_differences(d):
    f = RandomLandscape(d, n_features=64, seed=3)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4, d))
    h = 1e-5
    E = np.eye(d)
    fd_grad = np.stack([(f.value(X + h * e) - f.value(X - h * e)) / (2 * h) for e in E], axis=1)
    np.testing.assert_allclose(f.grad(X), fd_grad, rtol=1e-5, atol=1e-6)
    for x in X:
        fd_hess = np.stack([(f.grad(x + h * e)[0] - f.grad(x - h * e)[0]) / (2 * h) for e in E])
        H = f.hessian(x)
        np.testing.assert_allclose(H, fd_hess, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(H, H.T)
    np.testing.assert_allclose(f.hessians(X), np.stack([f.hessian(x) for x in X]), atol=1e-12)
    g, hg = f.grad_hvp_self(X)
    np.testing.assert_allclose(hg, np.einsum("nij,nj->ni", f.hessians(X), g), atol=1e-9)


def test_hessian_index_of_saddle_and_bowl():
    def saddle_hessian(x):  # f = x² − y²
        return np.array([[2.0, 0.0], [0.0, -2.0]])

    def bowl_hessian(x):  # f = x² + y²
        return np.array([[2.0, 0.0], [0.0, 2.0]])

    origin = np.zeros(2)
    assert hessian_index(saddle_hessian(origin)) == 0.5
    assert hessian_index(bowl_hessian(origin)) == 0.0
    assert hessian_index(-bowl_hessian(origin)) == 1.0


DIMS = (1, 2, 5, 10, 20)


@pytest.fixture(scope="module")
def results():
    return study(dims=DIMS, n_starts=100, seed=0, n_features=256)


def test_share_of_minima_falls_with_dimension(results):
    # measured (seed 0, 100 starts, 256 features): 0.60, 0.29, 0.02, 0.00, 0.00
    share = {r.d: r.share_minima for r in results}
    assert all(r.n_critical >= 5 for r in results)
    assert share[1] > 0.4
    assert share[1] > share[2] > share[5]
    assert share[1] > share[10] + 0.3
    assert share[20] < 0.1
    # higher-index critical points sit higher: index and loss are positively correlated for d ≥ 5
    assert all(r.index_loss_corr > 0.3 for r in results if r.d >= 5)


def test_spread_of_gd_final_losses_shrinks_with_dimension(results):
    # measured std of loss/d: 0.52, 0.42, 0.22, 0.20, 0.14; range: 1.57, 2.84, 1.25, 0.89, 0.73
    std = {r.d: r.gd_std for r in results}
    rng_ = {r.d: r.gd_range for r in results}
    assert std[1] > 1.5 * std[10]
    assert std[2] > 1.5 * std[20]
    assert std[20] < std[5]
    assert rng_[20] < 0.6 * rng_[1]


def test_summary_and_csv(results):
    assert len(format_summary(results).splitlines()) == len(DIMS)
    lines = to_csv(results).splitlines()
    assert lines[0].startswith("d,n_critical,share_minima")
    assert len(lines) == len(DIMS) + 1


def test_is_deterministic():
    a = RandomLandscape(5, n_features=32, seed=7)
    b = RandomLandscape(5, n_features=32, seed=7)
    X = np.ones((2, 5))
    np.testing.assert_array_equal(a.value(X), b.value(X))


def test_highdim_command(capsys):
    from core.cli import main as cli_main

    assert cli_main(["highdim", "--dims", "1,2", "--starts", "20"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") >= 2
    assert cli_main(["highdim", "--dims", "1,500"]) == 2
    assert "each dimension must be 1..100" in capsys.readouterr().err


def test_study_reports_progress_and_gives_the_same_results():
    seen: list[float] = []
    quiet = study(dims=(1, 3), n_starts=20, seed=1, n_features=64)
    loud = study(dims=(1, 3), n_starts=20, seed=1, n_features=64, progress=seen.append)
    for a, b in zip(quiet, loud, strict=True):
        np.testing.assert_array_equal(a.crit_indices, b.crit_indices)
        np.testing.assert_array_equal(a.crit_losses, b.crit_losses)
        np.testing.assert_array_equal(a.gd_losses, b.gd_losses)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(later >= earlier for earlier, later in zip(seen, seen[1:], strict=False))
    # weights d + 2: d = 1 is 3/8 of the work, so the progress passes 3/8 when d = 3 starts
    assert any(abs(v - 3 / 8) < 1e-12 for v in seen)


def test_study_cancels_between_and_within_stages():
    import threading

    from core.progress import Cancelled

    event = threading.Event()
    event.set()
    with pytest.raises(Cancelled):
        study(dims=(2,), n_starts=10, n_features=32, cancel=event)
    event = threading.Event()
    calls = []

    def cancel_midway(fraction: float) -> None:
        calls.append(fraction)
        if fraction > 0.3:
            event.set()

    with pytest.raises(Cancelled):
        study(dims=(2, 3), n_starts=10, n_features=32, progress=cancel_midway, cancel=event)
    assert 0.3 < calls[-1] < 0.5  # stopped soon after, not at the end


@pytest.mark.parametrize(("text", "dims"), [("1,2,5", (1, 2, 5)), (" 10, 2 ,2", (2, 10)), ("100", (100,))])
def test_parse_dims(text, dims):
    from core.studies.highdim import parse_dims

    assert parse_dims(text) == dims


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no dimensions given"),
        ("1,,2", "has an empty item"),
        ("10,2,", "has an empty item"),
        ("1,x", "'x' is not a whole number"),
        ("2.5", "'2.5' is not a whole number"),
        ("-3", "'-3' is not a whole number"),
        ("0,4", "each dimension must be 1..100"),
        ("1,101", "each dimension must be 1..100"),
        (",".join(map(str, range(1, 22))), "at most 20 dimensions"),
    ],
)
def test_parse_dims_refuses(text, message):
    from core.studies.highdim import parse_dims

    with pytest.raises(ValueError, match=message):
        parse_dims(text)


def test_highdim_png_needs_output_and_renderer(capsys, tmp_path):
    from core.cli import main as cli_main

    assert cli_main(["highdim", "--dims", "1", "--starts", "5", "--format", "png"]) == 2
    assert "--format png needs -o FILE.png" in capsys.readouterr().err
    out = str(tmp_path / "x.png")
    assert cli_main(["highdim", "--dims", "1", "--starts", "5", "--format", "png", "-o", out]) == 2
    assert "needs the Qt renderer" in capsys.readouterr().err
    drawn = []
    code = cli_main(
        ["highdim", "--dims", "1,2", "--starts", "5", "--format", "png", "-o", out],
        renderers={"highdim": lambda results, path: drawn.append(([r.d for r in results], path))},
    )
    assert code == 0 and drawn == [([1, 2], out)]
    missing = str(tmp_path / "no" / "x.png")
    assert (
        cli_main(["highdim", "--dims", "1", "--format", "png", "-o", missing], renderers={"highdim": print})
        == 2
    )
    assert "does not exist" in capsys.readouterr().err
