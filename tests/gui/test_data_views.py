"""Data landscapes and typed formulas in the window."""

import numpy as np
import pytest

from core.experiment.presets import PRESETS
from tests.gui.helpers import make_window, wait_prepared, wait_settled


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def test_data_landscape_shows_the_full_loss_and_the_minibatch_loss(qtbot, window):
    window.model.load_preset(PRESETS["minibatch-noise"])
    view = window.view
    xs, full = view.curve.getData()
    assert len(xs) > 100 and np.isfinite(full).all()
    assert window.landscape_panel.extras.dataset.isVisibleTo(window)
    window.controller.step(5)
    batch_x, batch_y = view.overlay.curves[0].getData()
    assert batch_x is not None and len(batch_x) > 100
    assert not np.allclose(np.interp(batch_x, xs, full), batch_y)  # a batch's loss differs from the full loss
    assert view.overlay.curves[2].getData()[0] is None or len(view.overlay.curves[2].getData()[0]) == 0
    full_arrows, batch_arrows = view.overlay.full_arrows.getData(), view.overlay.batch_arrows.getData()
    assert len(full_arrows[0]) == 4 and len(batch_arrows[0]) == 4  # one segment per minibatch run


def test_batch_size_is_shown_only_on_data_landscapes(qtbot, window):
    window.methods_panel.show_parameters("gd")
    editor = window.methods_panel.editor
    assert editor.fields["batch_size"].isHidden()
    window.model.set_landscape("fit-frequency")
    assert not editor.fields["batch_size"].isHidden()


def test_two_d_data_landscape_can_overlay_batch_contours(qtbot, window):
    window.model.set_landscape("tiny-net")
    for mid in window.model.methods:
        window.model.set_method_enabled(mid, mid == "sgd")
    window.model.set_method_param("sgd", "batch_size", "8")
    window.model.set_starts([(1.0, 0.5)])
    window.model.set_view_option("batch_contours", True)
    window.controller.step(3)
    assert len(window.view.overlay.contours) > 2


def test_bad_csv_keeps_the_data_and_says_which_line(qtbot, window, tmp_path):
    window.model.set_landscape("fit-frequency")
    before = window.model.landscape
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3,abc\n")
    box = window.landscape_panel.extras.dataset
    box.load_csv(str(bad))  # read in the worker
    wait_prepared(qtbot, window)
    assert "line 3" in box.error.text() and window.model.landscape is before
    good = tmp_path / "good.csv"
    good.write_text("x,y\n" + "\n".join(f"{x},{np.sin(2 * x)}" for x in np.linspace(-3, 3, 20)))
    box.load_csv(str(good))
    wait_prepared(qtbot, window)
    assert box.error.text() == ""
    assert window.model.landscape.n_samples == 20


def test_invalid_formula_is_refused_inline_and_the_landscape_kept(qtbot, window):
    window.model.set_landscape("himmelblau")
    panel = window.landscape_panel
    panel.choose("__custom__")
    box = panel.extras.formula
    assert box.isVisibleTo(window)
    box.edit.setText("sin(x) + z")
    assert not box.apply_formula()
    assert "unknown name 'z' at position 9" in box.error.text()
    assert window.model.landscape.id == "himmelblau"
    box.edit.setText("x.real")
    assert not box.apply_formula() and "attribute" in box.error.text()
    box.edit.setText("sin(x) + 0.5*sin(3*x)")
    assert box.apply_formula() and box.error.text() == ""
    wait_prepared(qtbot, window)
    land = window.model.landscape
    assert land.id == "expr:sin(x) + 0.5*sin(3*x)" and land.dim == 1
    assert sum(m.kind == "global" for m in land.minima_in_domain()) == 3


def test_two_variable_formula_gives_a_surface_with_exact_gradient(qtbot, window):
    box = window.landscape_panel.extras.formula
    box.edit.setText("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    assert box.apply_formula()
    wait_prepared(qtbot, window)
    land = window.model.landscape
    assert land.dim == 2 and window.view.image.image is not None
    np.testing.assert_allclose(land.grad([[0.0, 0.0]])[0], [-14.0, -22.0])


def test_a_data_landscape_names_its_parameters_and_shows_the_fit_of_the_chosen_run(qtbot, window):
    assert window.side.fit is None  # (made for the first data landscape only)
    window.model.load_preset(PRESETS["minibatch-noise"])
    window.controller.step(30)
    wait_settled(qtbot, window)
    axes = window.view.plot_item
    assert axes.getAxis("bottom").labelText == "w" and axes.getAxis("left").labelText == "L(w)"
    fit, land = window.side.fit, window.model.landscape
    assert fit.isVisibleTo(window) and len(fit.samples.data) == land.n_samples
    for run in (0, 3):
        window.table.select_run(run)
        theta = window.presenter.buffer.trajectory(run)[-1]
        xs, ys = fit.curve.getData()
        np.testing.assert_allclose(ys, np.sin(theta[0] * xs))  # the model sin(w·x) at the run's w
        assert f"w = {theta[0]:.3g}" in fit.plotItem.titleLabel.text
    window.model.set_landscape("himmelblau")
    wait_settled(qtbot, window)
    assert not fit.isVisibleTo(window) and axes.getAxis("bottom").labelText == "x"
