"""Helpers shared by the tests: live servers, backends, example data, sample graphs, and where things are."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
DATA = TESTS / "data"
