"""SensorThings over HTTP: page a server's Things (following @iot.nextLink) into a registry."""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from layers.crs import ProjectCRS
from layers.sensors import sta
from layers.sensors.loaders import MAX_PAGE_BYTES, MAX_PAGES, registry_from_things
from layers.sensors.registry import RegistryError, SensorRegistry


def _get_json(url: str, timeout: float):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            body = resp.read(MAX_PAGE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise RegistryError(f"{url}: {exc}") from None
    try:
        return sta.loads(body, max_bytes=MAX_PAGE_BYTES)
    except sta.Rejected as exc:
        raise RegistryError(f"{url}: {exc}") from None


def sta_pages(url: str, timeout: float = 30.0):
    """Yield the entities of a collection, following @iot.nextLink (relative links allowed)."""
    seen = set()
    for _ in range(MAX_PAGES):
        if url in seen:
            raise RegistryError(f"{url}: @iot.nextLink loops")
        seen.add(url)
        page = _get_json(url, timeout)
        if not isinstance(page, dict) or not isinstance(page.get("value"), list):
            raise RegistryError(f"{url}: not a SensorThings collection (no 'value' list)")
        yield from page["value"]
        nxt = page.get("@iot.nextLink")
        if not nxt:
            return
        url = urllib.parse.urljoin(url, nxt)
    raise RegistryError(f"{url}: more than {MAX_PAGES} pages")


def read_sensorthings(base_url: str, project: ProjectCRS | None = None,
                      timeout: float = 30.0) -> SensorRegistry:
    """The registry of a SensorThings server: Things with Locations and Datastreams expanded."""
    url = base_url.rstrip("/") + "/Things?$expand=Locations,Datastreams"
    return registry_from_things(sta_pages(url, timeout), base_url, project)

