"""The in-tree plugins of huiqi: one jurisdiction document each."""
