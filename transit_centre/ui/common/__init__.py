"""What every feature package of the window shares: the page base, the operation runner, the lazy table model, widgets, errors."""
