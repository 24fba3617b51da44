"""`python -m payments.sandbox --port 8099 --merchant CODE:SECRET:IPN_URL [--merchant ...]`"""

from __future__ import annotations

import argparse

import uvicorn

from payments.sandbox import Merchant, create_app


def merchant(text: str) -> Merchant:
    code, secret, ipn_url = text.split(":", 2)
    if not (code and secret and ipn_url):
        raise argparse.ArgumentTypeError("expected CODE:SECRET:IPN_URL")
    return Merchant(code, secret, ipn_url)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m payments.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--merchant", type=merchant, action="append", required=True,
                        help="a merchant the sandbox accepts: CODE:SECRET:IPN_URL")
    args = parser.parse_args()
    uvicorn.run(create_app(args.merchant), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
