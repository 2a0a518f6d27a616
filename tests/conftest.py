"""Shared fixtures: huiqi's own testing plugin, as an out-of-tree plugin would use it."""

pytest_plugins = ["huiqi.testing"]
