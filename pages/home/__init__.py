"""Sections of the Home screen."""
