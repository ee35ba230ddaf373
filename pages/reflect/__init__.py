"""Sections of the Reflect screen and its draft (the widget-key contract)."""
