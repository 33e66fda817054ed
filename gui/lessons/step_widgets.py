"""The parts of a lesson step on screen: the prediction question and the observations."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QButtonGroup, QGroupBox, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from core.lessons import ClaimResult, Predict

RIGHT, WRONG = "#1b7a2f", "#b3261e"


class ChoiceLabel(QLabel):
    """A choice's text, wrapped to the dock's width; clicking it chooses it (as a radio button's own
    text would, which does not wrap)."""

    def __init__(self, text: str, button: QRadioButton):
        super().__init__(text)
        self.button = button
        self.setWordWrap(True)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.button.isEnabled():
            self.button.click()


class PredictBox(QGroupBox):
    """A multiple-choice question; ``reveal`` marks the answer (and the choice made) after the run."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Predict", parent)
        self.setToolTip("Choose what you expect before running the step; the answer shows after the run")
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.group = QButtonGroup(self)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.question)
        self.buttons: list[QRadioButton] = []
        self.labels: list[ChoiceLabel] = []
        self.predict: Predict | None = None

    def show_question(self, predict: Predict | None) -> None:
        """Ask ``predict`` (hide the box when None); nothing chosen, nothing revealed."""
        self.predict = predict
        for button in self.buttons:
            self.group.removeButton(button)
            button.parentWidget().deleteLater()
        self.buttons, self.labels = [], []
        self.setVisible(predict is not None)
        if predict is None:
            return
        self.question.setText(predict.question)
        for k, choice in enumerate(predict.choices):
            row, button = QWidget(), QRadioButton()
            label = ChoiceLabel(choice, button)
            button.setAccessibleName(choice)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(button, 0)
            line.addWidget(label, 1)
            self.group.addButton(button, k)
            self._layout.addWidget(row)
            self.buttons.append(button)
            self.labels.append(label)

    @property
    def chosen(self) -> int:
        """The index of the choice made (-1: none)."""
        return self.group.checkedId()

    def reveal(self) -> None:
        """Mark the right answer (and a wrong choice) and freeze the choices."""
        if self.predict is None:
            return
        for k, (button, label) in enumerate(zip(self.buttons, self.labels, strict=True)):
            right = k == self.predict.answer
            if right or button.isChecked():
                mark = "✓ " if right else "✗ "
                label.setText(mark + self.predict.choices[k])
                label.setStyleSheet(f"color: {RIGHT if right else WRONG}; font-weight: bold")
            else:
                label.setEnabled(False)
            button.setEnabled(False)
        verdict = "" if self.chosen < 0 else (" — you got it." if self.chosen == self.predict.answer else "")
        self.setTitle(f"Predict (answer shown){verdict}")

    @property
    def revealed(self) -> bool:
        return self.predict is not None and bool(self.buttons) and not self.buttons[0].isEnabled()


class ObservationBox(QGroupBox):
    """What happened: each claim's statement with the figure measured for it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Observation", parent)
        self.setToolTip("What the run showed, each statement with the figure measured in this run")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(self.label.textFormat().RichText)
        QVBoxLayout(self).addWidget(self.label)
        self.results: list[ClaimResult] = []

    def clear(self, waiting: str = "") -> None:
        self.results = []
        self.label.setText(html.escape(waiting))
        self.setVisible(bool(waiting))

    def show_results(self, results: list[ClaimResult]) -> None:
        """Each claim's statement, its measured figure against its bounds, and whether it held."""
        self.results = list(results)
        self.label.setText("<br><br>".join(observation_html(r) for r in results))
        self.setVisible(True)


def observation_html(result: ClaimResult) -> str:
    claim = result.claim
    colour = RIGHT if result.holds else WRONG
    mark = "✓" if result.holds else "✗ not this time"
    figure = claim.show(result.figure)
    seeds = f", {claim.seeds} seeds" if claim.seeds > 1 else ""
    count = f" over {result.runs:,} runs{seeds}" if result.runs > 1 else ""
    return (
        f"{html.escape(claim.says)}<br>"
        f'<span style="color: {colour}"><b>measured: {claim.measure} = {html.escape(figure)}</b>'
        f"{count} (the claim: {html.escape(claim.wanted())}) {mark}</span>"
    )
