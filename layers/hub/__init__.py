"""The Songjiang hub's BIM district: where the station and the CBD towers stand (layers/hub/plan.py)."""
