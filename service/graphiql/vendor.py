"""Fetch GraphiQL's pinned files from the npm registry into service/graphiql/assets/ (run by hand, needs npm).

    python -m service.graphiql.vendor

Each file must match the sha384 pinned in assets.py; a release that changed under its version is refused. To move to
a new release, change the package, path and hash in assets.py (the release's unpkg page lists the hash) and run this.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from service.graphiql.assets import VENDORED, sri

FOLDER = Path(__file__).parent / "assets"


def main() -> int:
    npm = shutil.which("npm")
    if npm is None:
        print("npm is not on PATH (Debian: apt-get install npm)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for package in sorted({asset.package for asset in VENDORED}):
            subprocess.run([npm, "pack", "--silent", package], cwd=work, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (pinned names)
        for asset in VENDORED:
            name, version = asset.package.rsplit("@", 1)
            tarball = work / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(f"package/{asset.path}")
                assert member is not None, asset
                content = member.read()
            if sri(content) != asset.integrity:
                print(f"{asset.package} {asset.path}: hash {sri(content)} is not the pinned one", file=sys.stderr)
                return 1
            (FOLDER / f"{asset.name}.gz").write_bytes(gzip.compress(content, compresslevel=9, mtime=0))
            print(f"{asset.name}: {len(content):,} bytes, {asset.integrity}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
