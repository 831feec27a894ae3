"""Qt widgets bound to model state (layers, selection); they never touch VTK actors."""
