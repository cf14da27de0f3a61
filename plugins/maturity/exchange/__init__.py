"""Data in and out of the repository: git, diffs, formatting, score sheets, digests, reports."""
