"""A sandbox payment gateway of VNPay's shape, served over real HTTP (for the demo and the tests).

`python -m payments.sandbox --port 8099 --merchant CODE:SECRET:IPN_URL` runs it as its own process;
`create_app({code: Merchant(...)})` gives the Starlette app to serve in a test. Its state (the orders it was shown,
their results and IPN attempts) lives in memory and is lost when it stops: it is a sandbox, not a ledger.
"""

from payments.sandbox.app import create_app
from payments.sandbox.state import Merchant

__all__ = ["Merchant", "create_app"]
