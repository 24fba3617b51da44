"""GraphiQL for developers: Strawberry's page, opening with the mobile contract documents as tabs and a token slot."""

from __future__ import annotations

import functools
import json
from importlib import resources

from strawberry.http.ides import get_graphql_ide_html

# Documents of the client contract's mobile folder (the `contract` package, installed with the service).
TABS = ("Home", "Contributions", "Benefits", "MedicalHistory", "AccessLog")
HEADERS = json.dumps({"Authorization": "Bearer <paste accessToken from Login>"}, indent=2)

# Strawberry's template, and what we change in it; a template that no longer has these fails loudly (and in tests).
_BEFORE_EXAMPLE = "const EXAMPLE_QUERY ="
_QUERY_PROP = "query: query,"
_TABS_PROPS = "query: parameters.q ? query : undefined, defaultTabs: VSSID_TABS, defaultHeaders: VSSID_HEADERS,"


def _script_literal(value: object) -> str:
    # JSON is valid JavaScript; escaping "</" keeps a document from closing the <script> element early.
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def _mobile_document(name: str) -> str:
    return (resources.files("contract") / "mobile" / f"{name}.graphql").read_text(encoding="utf-8")


@functools.cache
def graphiql_html() -> str:
    """The GraphiQL page with one tab per mobile document and the Authorization header ready to fill in."""
    html = get_graphql_ide_html("graphiql")
    if _BEFORE_EXAMPLE not in html or _QUERY_PROP not in html:
        raise RuntimeError("Strawberry's GraphiQL template changed; update service/graphiql.py")
    tabs = [{"query": _mobile_document(name), "headers": HEADERS} for name in TABS]
    constants = (
        f"const VSSID_TABS = {_script_literal(tabs)};\n      const VSSID_HEADERS = {_script_literal(HEADERS)};\n"
    )
    html = html.replace(_BEFORE_EXAMPLE, constants + "      " + _BEFORE_EXAMPLE, 1)
    return html.replace(_QUERY_PROP, _TABS_PROPS, 1)
