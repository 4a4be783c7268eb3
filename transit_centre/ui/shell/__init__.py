"""The window's frame: start-up, sign-in and lock, the main window and its navigation, the welcome wizard."""
