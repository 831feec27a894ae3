"""Pure data models of the console: layers, readers and coordinate handling.

Nothing in this package imports Qt or VTK (checked by tests/test_architecture.py).
"""
