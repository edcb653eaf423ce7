"""What `reportgen new` starts a report from: a folder per language with the configuration, the
secretariat's README and an example action."""

from importlib import resources


def languages() -> list[str]:
    """The languages a new report can start in."""
    return sorted(p.name for p in resources.files(__name__).iterdir() if p.joinpath("report.yaml").is_file())
