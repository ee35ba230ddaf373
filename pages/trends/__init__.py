"""Sections of the Trends screen."""
