"""GraphiQL's files, served by the service itself: pinned npm releases, kept gzipped in `assets/`, each with the
sha384 that the page names in its `integrity` attribute (the same hashes Strawberry's CDN page pins).

`python -m service.graphiql.vendor` fetches them again from the npm registry and checks every hash.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Asset:
    name: str  # the file under assets/ (stored as name + ".gz") and the last part of its URL
    package: str  # the npm release it comes from
    path: str  # its path inside the release's tarball
    media_type: str
    integrity: str  # sha384 of the file, as the page's `integrity` attribute states it

    @property
    def url(self) -> str:
        return f"{ASSET_PREFIX}/{self.name}"


# Under the citizen endpoint's own path (development only), with the release in the name: cached for a year.
ASSET_PREFIX = "/graphiql"

REACT = Asset("react-18.2.0.min.js", "react@18.2.0", "umd/react.production.min.js", "text/javascript",
              "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8")
REACT_DOM = Asset("react-dom-18.2.0.min.js", "react-dom@18.2.0", "umd/react-dom.production.min.js", "text/javascript",
                  "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh")
GRAPHIQL_JS = Asset("graphiql-3.8.3.min.js", "graphiql@3.8.3", "graphiql.min.js", "text/javascript",
                    "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie")
GRAPHIQL_CSS = Asset("graphiql-3.8.3.min.css", "graphiql@3.8.3", "graphiql.min.css", "text/css",
                     "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM")
EXPLORER_JS = Asset("plugin-explorer-1.0.2.umd.js", "@graphiql/plugin-explorer@1.0.2", "dist/index.umd.js",
                    "text/javascript", "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9")
EXPLORER_CSS = Asset("plugin-explorer-1.0.2.css", "@graphiql/plugin-explorer@1.0.2", "dist/style.css", "text/css",
                     "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi")
VENDORED = (REACT, REACT_DOM, GRAPHIQL_JS, GRAPHIQL_CSS, EXPLORER_JS, EXPLORER_CSS)

# The service's own script (tabs, endpoint, the token after login); its hash is computed, not pinned.
OWN_SCRIPT = "vssid-graphiql.js"


def sri(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


@dataclass(frozen=True)
class Stored:
    media_type: str
    gzipped: bytes
    integrity: str

    @functools.cached_property
    def plain(self) -> bytes:
        return gzip.decompress(self.gzipped)


@functools.cache
def stored(name: str) -> Stored | None:
    """A served file by its URL name, or None; a vendored file whose hash differs from its pin fails loudly."""
    folder = resources.files("service.graphiql") / "assets"
    if name == OWN_SCRIPT:
        plain = (folder / OWN_SCRIPT).read_bytes()
        return Stored("text/javascript", gzip.compress(plain, mtime=0), sri(plain))
    asset = next((a for a in VENDORED if a.name == name), None)
    if asset is None:
        return None
    gzipped = (folder / f"{asset.name}.gz").read_bytes()
    if sri(gzip.decompress(gzipped)) != asset.integrity:
        raise RuntimeError(f"assets/{asset.name}.gz differs from its pin; run python -m service.graphiql.vendor")
    return Stored(asset.media_type, gzipped, asset.integrity)
