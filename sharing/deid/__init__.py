"""The parts of the de-identification finder (sharing.deidentify puts them together)."""
