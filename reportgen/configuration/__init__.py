"""The configuration: the one source of truth of an edition.

``schema`` declares every key (pydantic), ``loading`` reads a YAML file into it with every problem
as a finding, ``names`` is the naming contract of the standard sheet's cells and of file names.
"""

from .loading import contrast, load_config, unknown_keys
from .names import slugify
from .schema import (
           DEFAULT_CONFIG,
           ActionField,
           Administration,
           Committee,
           Config,
           ReportMeta,
           Status,
           Theme,
           find_config,
)

__all__ = ["DEFAULT_CONFIG", "ActionField", "Administration", "Committee", "Config", "ReportMeta", "Status", "Theme",
           "contrast", "find_config", "load_config", "slugify", "unknown_keys"]
