"""What every screen shares: the session and its lock, widgets, notices shown after a
rerun, the idle rule."""
