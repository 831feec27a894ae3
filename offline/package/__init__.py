"""Field packages: one GeoPackage per area for surveyors working offline (issue 12).

``create_package`` writes one, ``verify`` lists what is wrong with one (empty: fine),
``open_package`` runs the same checks without writing and refuses a damaged file.

Checking a package needs SQLite only; creating one needs shapely, the HBIM store and the
sensor history: ``create``'s names load on first use, so `info` or the window opening a plain
file (which asks ``is_package`` first) pay for none of that (issue 25).
"""
from offline.package.verify import open_package, verify

__all__ = ["DEFAULT_RESTRICTED", "PackageRequest", "create_package", "open_package", "verify"]
_CREATE = ("DEFAULT_RESTRICTED", "PackageRequest", "create_package")


def __getattr__(name: str):
    if name in _CREATE:
        from offline.package import create
        return getattr(create, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
