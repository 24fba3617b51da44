"""GraphiQL for developers, in development only, served from the service's own files (nothing from the internet).

Each endpoint has its page: `/graphql` opens with Login, the mobile documents, the public ones and the staff ones;
`/graphql/partner` with the partner documents and the partner key header. The page's own script posts to the endpoint
that served it and fills each tab's Authorization header after Login. A content security policy allows nothing
outside the service.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from db.examples import examples
from seed.demo import AN, CITIZEN_PASSWORD, DEMO_UNREGISTERED, PARTNER_API_KEY
from service.graphiql.assets import (
    ASSET_PREFIX,
    EXPLORER_CSS,
    EXPLORER_JS,
    GRAPHIQL_CSS,
    GRAPHIQL_JS,
    OWN_SCRIPT,
    REACT,
    REACT_DOM,
    stored,
)

PLACEHOLDER = "Bearer <paste accessToken from Login>"
REFRESH_PLACEHOLDER = "<refreshToken from Login>"
SESSION = json.dumps({"Authorization": PLACEHOLDER}, indent=2)

# Nothing from outside the service: scripts only from its files (no inline script runs), styles from its files plus
# the inline styles React and CodeMirror set, fonts and icons as the stylesheet's data: URLs, requests to itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Tab:
    document: str  # contract folder/name
    variables: Mapping[str, object] | None = None
    headers: str | None = None


def _citizen_tabs(ex: Mapping[str, str | None], demo: bool) -> list[Tab]:
    code = AN.social_insurance_code if demo else ""
    page = {"first": 20}
    return [
        Tab("mobile/Login", {"socialInsuranceCode": code, "password": CITIZEN_PASSWORD if demo else ""}),
        Tab("mobile/Home", None, SESSION),
        Tab("mobile/Contributions", page, SESSION),
        Tab("mobile/Benefits", page, SESSION),
        Tab("mobile/MedicalHistory", page, SESSION),
        Tab("mobile/AccessLog", page, SESSION),
        Tab("mobile/CardImage", {"format": "SVG"}, SESSION),
        Tab("mobile/CardHistory", page, SESSION),
        Tab("mobile/RefreshSession", {"refreshToken": REFRESH_PLACEHOLDER}),
        Tab("mobile/ChangePassword", {"currentPassword": "", "newPassword": ""}, SESSION),
        Tab("mobile/Logout", None, SESSION),
        Tab("mobile/RequestOtp", {"phone": DEMO_UNREGISTERED.phone if demo else "", "purpose": "REGISTRATION"}),
        Tab("mobile/SubmitRegistration", {"input": {
            "socialInsuranceCode": DEMO_UNREGISTERED.social_insurance_code if demo else "",
            "nationalIdNumber": DEMO_UNREGISTERED.national_id if demo else "",
            "fullName": DEMO_UNREGISTERED.full_name if demo else "",
            "dateOfBirth": DEMO_UNREGISTERED.date_of_birth.isoformat() if demo else "",
            "phone": DEMO_UNREGISTERED.phone if demo else "", "otp": "", "agencyCode": ex.get("agency_code") or "",
        }}),
        Tab("mobile/ResetPassword", {"socialInsuranceCode": code, "otp": "", "newPassword": ""}),
        Tab("public/Facilities", {"filter": {"provinceCode": "01"}, "first": 10}),
        Tab("public/Facility", {"code": ex.get("facility_code") or ""}),
        Tab("public/Provinces"),
        Tab("public/Employers", {"provinceCode": "01", "first": 10}),
        Tab("public/LookupSocialInsuranceCode", {"input": {
            "fullName": AN.full_name if demo else "", "dateOfBirth": AN.date_of_birth.isoformat() if demo else "",
            "provinceCode": AN.province_code if demo else "", "nationalIdNumber": AN.national_id if demo else "",
        }}),
        Tab("public/Support", {"question": "Tôi quên mật khẩu thì lấy lại thế nào?"}),
        Tab("staff/PendingRegistrations", page, SESSION),
        Tab("staff/DecideRegistration", {"id": "", "reason": ""}, SESSION),
    ]


def _key_header(demo: bool) -> str:
    return json.dumps({"X-API-Key": PARTNER_API_KEY if demo else "<partner API key>"}, indent=2)


def _partner_tabs(ex: Mapping[str, str | None], demo: bool) -> list[Tab]:
    key = _key_header(demo)
    card = {
        "cardNumber": ex.get("card_number") or "", "fullName": AN.full_name if demo else "",
        "dateOfBirth": AN.date_of_birth.isoformat() if demo else "",
    }
    by_citizen_id = {"citizenId": AN.national_id if demo else "", **{k: card[k] for k in ("fullName", "dateOfBirth")}}
    return [Tab("partner/FacilityDirectory", {"provinceCode": "79", "first": 20}, key),
            Tab("partner/VerifyInsuranceCard", card, key),
            Tab("partner/VerifyCardByCitizenId", by_citizen_id, key),
            Tab("partner/VerifyScannedCard", {"qr": "<qrPayload of the CardImage tab>" if demo else ""}, key)]


def _with_the_rest(listed: list[Tab], folders: tuple[str, ...], headers: str | None) -> list[Tab]:
    """The listed tabs, then every other contract document of `folders` (a new document gets a tab by itself)."""
    known = {tab.document for tab in listed}
    root = resources.files("contract")
    rest = [
        Tab(f"{folder}/{entry.name.removesuffix('.graphql')}", None, None if folder == "public" else headers)
        for folder in folders
        for entry in sorted(root.joinpath(folder).iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".graphql") and f"{folder}/{entry.name.removesuffix('.graphql')}" not in known
    ]
    return listed + rest


def _document(name: str) -> str:
    folder, file = name.split("/")
    return (resources.files("contract") / folder / f"{file}.graphql").read_text(encoding="utf-8")


def tabs(partner: bool, examples: Mapping[str, str | None], demo: bool) -> list[dict[str, str]]:
    """GraphiQL's `defaultTabs`: one per client document sent to this endpoint, Login first on the citizen one."""
    if partner:
        chosen = _with_the_rest(_partner_tabs(examples, demo), ("partner",), _key_header(demo))
    else:
        chosen = _with_the_rest(_citizen_tabs(examples, demo), ("mobile", "public", "staff"), SESSION)
    out = []
    for tab in chosen:
        entry = {"query": _document(tab.document)}
        if tab.variables is not None:
            entry["variables"] = json.dumps(tab.variables, ensure_ascii=False, indent=2)
        if tab.headers is not None:
            entry["headers"] = tab.headers
        out.append(entry)
    return out


def _script_literal(value: object) -> str:
    # JSON inside <script>: escaping "<" keeps a document from closing the element early.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def page(endpoint_path: str, partner: bool, examples: Mapping[str, str | None], demo: bool) -> str:
    """The HTML page: vendored files with their integrity hashes, the tabs as a JSON block, the service's script."""
    chosen = tabs(partner, examples, demo)
    other = ("/graphql", "Citizen endpoint") if partner else ("/graphql/partner", "Partner endpoint")
    config = {
        "endpoint": endpoint_path, "tabs": chosen,
        "placeholder": PLACEHOLDER, "refreshPlaceholder": REFRESH_PLACEHOLDER,
        "version": hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:16],
        "links": [{"href": other[0], "text": other[1]}],
    }
    own = stored(OWN_SCRIPT)
    assert own is not None
    styles = "\n".join(
        f'    <link rel="stylesheet" href="{a.url}" integrity="{a.integrity}">' for a in (GRAPHIQL_CSS, EXPLORER_CSS)
    )
    scripts = "\n".join(
        f'    <script src="{a.url}" integrity="{a.integrity}"></script>'
        for a in (REACT, REACT_DOM, GRAPHIQL_JS, EXPLORER_JS)
    )
    title = html.escape(f"VssID API — GraphiQL ({endpoint_path})")
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:,">
    <title>{title}</title>
{styles}
    <style>
      body {{ margin: 0; overflow: hidden; }}
      #graphiql {{ height: 100vh; }}
      .vssid-footer {{ padding: 4px 8px; font-size: 0.9em; }}
    </style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script type="application/json" id="vssid-graphiql">{_script_literal(config)}</script>
{scripts}
    <script src="{ASSET_PREFIX}/{OWN_SCRIPT}" integrity="{own.integrity}"></script>
  </body>
</html>
"""


async def build_page(request: Request, partner: bool, *, demo: bool) -> str:
    """The page of the endpoint `request` came to, with example codes read on the request's connection."""
    async with request.state.connection.acquire() as conn:
        found = await examples(conn, AN.social_insurance_code)
    return page(request.url.path, partner, found, demo)


def page_response(content: str) -> Response:
    return HTMLResponse(content, headers={
        "Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    })


async def asset(request: Request) -> Response:
    """A GraphiQL file: gzipped as stored when the client takes gzip, else plain."""
    found = stored(request.path_params["name"])
    if found is None:
        return Response("not found", status_code=404, media_type="text/plain")
    # A vendored file has its release in the name: cached for a year. The service's own script keeps its name across
    # versions, so it is revalidated (the page names its hash, and a stale copy would be refused, not run).
    cache = "no-cache" if request.path_params["name"] == OWN_SCRIPT else "public, max-age=31536000, immutable"
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(found.gzipped, media_type=found.media_type, headers=headers)
    return Response(found.plain, media_type=found.media_type, headers=headers)
