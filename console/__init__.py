"""The application shell: CLI, main window, VTK scene adapters, settings."""
__version__ = "0.1.0"


def _read_sensorthings(url, project_crs):
    from console.feeds.sta_http import read_sensorthings  # imported when a project asks for it
    return read_sensorthings(url, project_crs)


def _hand_clients_to_the_models():
    """layers/ names no network client: the console gives it the ones it has, once."""
    from layers.sensors.clients import use_sta_reader
    use_sta_reader(_read_sensorthings)


_hand_clients_to_the_models()
