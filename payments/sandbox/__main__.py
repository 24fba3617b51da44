"""`python -m payments.sandbox --port 8099 --merchant CODE:SECRET:IPN_URL [--merchant ...] [--exit-with-parent]`

`--exit-with-parent`: stop (as on SIGTERM) once the process that started it is gone, even if that process was
killed and could not stop it (`serve` starts it so: service/sandbox.py)."""

from __future__ import annotations

import argparse
import os
import signal
import threading
import time

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
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop once the process that started the sandbox has exited")
    args = parser.parse_args()
    if args.exit_with_parent:
        threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    uvicorn.run(create_app(args.merchant), host=args.host, port=args.port, log_level="info")


def _watch_parent(parent: int, every_seconds: float = 0.5) -> None:
    """Once the parent is gone (this process is handed to another), stop the way SIGTERM stops uvicorn."""
    while os.getppid() == parent:
        time.sleep(every_seconds)
    os.kill(os.getpid(), signal.SIGTERM)


if __name__ == "__main__":
    main()
