"""Test configuration: Qt runs headless in every test session."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
