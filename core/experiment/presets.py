"""Named experiments that show one idea each (GUI "Presets" menu, ``--preset`` on the command line)."""

from __future__ import annotations

from dataclasses import dataclass

from core.experiment.spec import Experiment, parse_method_spec
from core.experiment.state import ExperimentState
from core.landscapes.registry import get_landscape

# Minibatch SGD that escapes on fit-frequency where full-batch GD stays (see docs/escape.md): batches of
# two are noisy enough to leave the local minima, and the cosine decay lets the run settle.
MINIBATCH_SGD = "sgd:lr=0.25,batch_size=2,noise=0,patience=100000,schedule=cosine,t_max=1000"
MINIBATCH_DOMAIN = ((-2.0, 6.5),)  # wide enough to show the noisy runs' excursions
# The SGDR-scheduled noisy SGD that escapes on sin(x) + 0.5 sin(3x) (see docs/escape.md).
SGDR_NOISY_SGD = "sgd:lr=0.1,schedule=sgdr,t0=100,eta_min=0.01,noise=4,noise_decay=0,patience=100000"


@dataclass(frozen=True)
class Preset:
    """A named experiment: a title for the menu, a description that states its claim (what the runs
    show; ``tests/core/test_preset_claims.py`` checks it over many seeds), and its state written
    compactly (landscape id and domain, methods as CLI spec text, starts, steps and seed)."""

    id: str
    title: str
    description: str
    landscape: str
    methods: tuple[str, ...]
    starts: tuple[tuple[float, ...], ...]
    max_steps: int
    seed: int = 0
    domain: tuple[tuple[float, float], ...] | None = None  # the landscape's own box when None

    def state(self) -> ExperimentState:
        """The preset as the app's experiment state (checked like a file)."""
        methods = tuple(parse_method_spec(text) for text in self.methods)
        land = get_landscape(self.landscape, self.domain)
        return ExperimentState(land, methods, self.starts, self.seed, self.max_steps).check()

    def experiment(self) -> Experiment:
        """The preset as an Experiment, ready to run."""
        return self.state().experiment()


PRESETS: dict[str, Preset] = {
    p.id: p
    for p in (
        Preset(
            "seed-lecture",
            "Seed lecture: escaping sin(x) + ½ sin(3x)",
            "From x = 1, GD and momentum stop in the local minimum at π/2, where the slope vanishes; "
            "SGDR-scheduled noise and annealing escape to a global minimum in most seeds.",
            "sine-mix",
            ("gd:lr=0.1", "momentum:lr=0.1,beta=0.9", SGDR_NOISY_SGD, "annealing"),
            ((0.5,), (1.0,)),
            1000,
        ),
        Preset(
            "adaptive-rosenbrock",
            "Adaptive methods in Rosenbrock's valley",
            "The narrow curved valley: GD and AdaGrad crawl and end short of (1, 1); momentum overshoots, "
            "oscillates and arrives; Nesterov and Adam arrive; RMSProp's rescaled steps jitter on the floor.",
            "rosenbrock",
            (
                "gd:lr=0.001",
                "momentum:lr=0.001,beta=0.9",
                "nesterov:lr=0.001,mu=0.9",
                "adagrad:lr=0.5",
                "rmsprop:lr=0.01",
                "adam:lr=0.05",
            ),
            ((-1.5, 2.0),),
            2000,
        ),
        Preset(
            "escape-rastrigin",
            "Escape heuristics on Rastrigin",
            "A lattice of local minima: plain GD stops in the nearest one, (3, −3); annealing, restarts and "
            "basin hopping reach far lower minima; noisy SGD, Langevin and perturbed GD's kicks often do.",
            "rastrigin",
            (
                "gd:lr=0.002",
                "sgd:lr=0.002,schedule=sgdr,t0=300,noise=20000,noise_decay=0.3,patience=5000",
                "langevin:lr=0.002,temperature=5,patience=5000",
                "perturbed-gd:lr=0.002,radius=2,g_thres=0.1,t_thres=100",
                "annealing:temperature=10,sigma=0.5",
                "restarts:lr=0.002,local_steps=150",
                "basin-hopping:lr=0.002,stepsize=1,local_steps=100",
            ),
            ((3.1, -2.9),),
            1500,
        ),
        Preset(
            "minibatch-noise",
            "Why minibatch noise helps: fitting a frequency",
            "Full-batch GD stops in the local minimum where the full gradient vanishes; minibatch SGD "
            "(batches of 2) keeps moving and settles in the global minimum w ≈ 2 in most seeds.",
            "fit-frequency",
            ("gd:lr=0.5", MINIBATCH_SGD),
            ((0.5,), (3.0,)),
            1000,
            domain=MINIBATCH_DOMAIN,
        ),
    )
}


def get_preset(preset_id: str) -> Preset:
    """The preset ``preset_id``; ValueError listing the valid ids otherwise."""
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise ValueError(f"unknown preset {preset_id!r}; valid: {', '.join(PRESETS)}") from None
