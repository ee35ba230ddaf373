"""What every screen shares: the session and its lock, widgets, the idle rule."""
