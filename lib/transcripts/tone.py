"""VADER's compound score, computed faster: moved to `transcripts.analysis.speakers.vader` (next to the
tone analysis that uses it); `from transcripts.tone import compound` keeps working."""
from __future__ import annotations

from .analysis.speakers.vader import compound

__all__ = ["compound"]
