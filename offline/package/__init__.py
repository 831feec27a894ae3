"""Field packages: one GeoPackage per area for surveyors working offline (issue 12).

``create_package`` writes one, ``verify`` lists what is wrong with one (empty: fine),
``open_package`` runs the same checks without writing and refuses a damaged file.
"""
from offline.package.create import DEFAULT_RESTRICTED, PackageRequest, create_package
from offline.package.verify import open_package, verify

__all__ = ["DEFAULT_RESTRICTED", "PackageRequest", "create_package", "open_package", "verify"]
