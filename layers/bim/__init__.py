"""BIM layers as models: the view state of a model (view.py), the old town's heritage models
(heritage.py) and their interface words (strings.py). The IFC engine itself is layers/ifc/."""
