"""The application shell: CLI, main window, VTK scene adapters, settings."""
__version__ = "0.1.0"
