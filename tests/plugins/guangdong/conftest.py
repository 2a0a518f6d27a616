"""A fresh SQLite deployment per test, driven through the real CLI."""

from __future__ import annotations

import pytest

from ._world import World


@pytest.fixture
def world(tmp_path):
    return World(tmp_path, f"sqlite:///{tmp_path / 'huiqi.db'}")


@pytest.fixture
def programme(world):
    """Two announced periods, Guangzhou's allocation and funds, one registered supplier."""
    from ._world import P1, P2

    world.announce(P1)
    world.announce(P2)
    world.allocate("2018-1", "440100", "1000000.00", funds="500000.00")
    return world
