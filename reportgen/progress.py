"""How the library tells its caller what it is doing (the CLI shows it; a script may ignore it)."""

from __future__ import annotations


class Progress:
    """Receives the stages of a run. The default does nothing."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage starts: read, render, layout, write …"""

    def step(self, detail: str = "") -> None:
        """One unit of the current stage is done (a sheet read, say)."""


silent = Progress()
