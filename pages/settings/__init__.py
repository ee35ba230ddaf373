"""Sections of the Settings screen."""
