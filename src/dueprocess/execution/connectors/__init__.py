"""The webhook connector: a real platform reached over signed HTTP, with its signing."""
