"""Download the Nu HTML Checker (vnu.jar) from the npm registry and check its integrity.

Usage: python tests/tools/fetch_vnu.py VERSION SHA512_INTEGRITY DESTINATION

The npm package ``vnu-jar`` is the checker's official distribution. The
tarball's SHA-512 digest is pinned in the Makefile (the registry's "integrity"
field for that version) and checked before unpacking. Needs only the standard
library, so a fresh machine needs no npm.
"""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org/vnu-jar"


def main(version: str, integrity: str, destination: str) -> None:
    algorithm, _sep, digest = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"Expected a sha512-… integrity string, got {integrity!r}")
    tarball_url = f"{REGISTRY}/-/vnu-jar-{version}.tgz"
    with urllib.request.urlopen(tarball_url, timeout=300) as response:
        data = response.read()
    if base64.b64encode(hashlib.sha512(data).digest()).decode() != digest:
        raise SystemExit("vnu-jar download does not match the pinned SHA-512 digest; not using it.")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        jar = archive.extractfile("package/build/dist/vnu.jar")
        target = Path(destination)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(jar.read())
    print(f"Nu HTML Checker {version} saved to {target}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
