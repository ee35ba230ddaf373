"""Sections of the Supervision screen: share, shared with me, comments, log, keys."""
