"""Sharing with supervisors: de-identification, encrypted bundles, printable reports."""
