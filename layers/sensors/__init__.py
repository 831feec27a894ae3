"""Live sensor layers: registry, state, alarms, feeds (simulator, MQTT). Qt-free."""
