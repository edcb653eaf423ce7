"""Editions as archival records: the data inside the PDF, a manifest of hashes, verification, diffs."""
