"""The generic workflow engine: plugins declare states and steps; every step is one transaction."""
