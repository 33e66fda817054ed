"""Minima Lab: ``python main.py`` opens the app, ``python main.py FILE.json`` opens an experiment file,
``python main.py COMMAND …`` runs a headless command (``python main.py --help`` lists them).

The same program is installed as ``minima-lab`` (``pip install -e .``); see ``gui/launcher.py``.
"""

from __future__ import annotations

import sys

from gui.launcher import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
