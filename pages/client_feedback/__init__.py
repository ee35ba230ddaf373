"""Sections of the Client feedback screen."""
