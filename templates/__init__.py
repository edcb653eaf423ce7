# Makes this folder installable as the package data ``reportgen.templates`` (see pyproject.toml).
