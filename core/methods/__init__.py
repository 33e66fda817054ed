"""The registry of optimization methods, by id."""

from __future__ import annotations

from core.methods.adjusted import MALA, MinibatchMH
from core.methods.base import Method
from core.methods.escape import Langevin, NoisySGD, PerturbedGD
from core.methods.gradient import AdaGrad, Adam, GradientDescent, Momentum, Nesterov, RMSProp
from core.methods.multistart import BasinHopping, RandomRestarts
from core.methods.sampling import MetropolisHastings, SimulatedAnnealing
from core.methods.stability import largest_curvature, rate_advice, stable_rate, unstable

METHODS: dict[str, type[Method]] = {
    cls.id: cls
    for cls in (
        GradientDescent,
        Momentum,
        Nesterov,
        AdaGrad,
        RMSProp,
        Adam,
        NoisySGD,
        PerturbedGD,
        Langevin,
        SimulatedAnnealing,
        MetropolisHastings,
        MALA,
        MinibatchMH,
        RandomRestarts,
        BasinHopping,
    )
}


def get_method(method_id: str) -> type[Method]:
    """The method class for ``method_id``; ValueError listing the valid ids otherwise."""
    try:
        return METHODS[method_id]
    except KeyError:
        raise ValueError(f"unknown method {method_id!r}; valid: {', '.join(METHODS)}") from None


__all__ = [
    "METHODS",
    "Method",
    "get_method",
    "largest_curvature",
    "rate_advice",
    "stable_rate",
    "unstable",
]
