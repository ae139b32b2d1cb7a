"""How the core's records print: as the core shows them in logs.

The generated records print every value, and a response's fields, a request's fields or
`tokenPayData` hold tokens that pay like card numbers. These records print through the
core's own log form instead (`fields_for_log`, `token_pay_data_for_log`), so logging an
outcome never writes a token.
"""

from __future__ import annotations

from typing import Any

from . import _ffi


def _response(self: Any) -> str:
    return f"Response({_ffi.fields_for_log(self.fields)})"


def _request(self: Any) -> str:
    return f"OutgoingRequest(api={self.api!r}, url={self.url!r}, fields={_ffi.fields_for_log(self.fields)})"


def _token_pay_data(self: Any) -> str:
    return str(_ffi.token_pay_data_for_log(self))


def _notification(self: Any) -> str:
    return (
        f"Notification(api={self.api!r}, resp_code={self.resp_code!r}, order_id={self.order_id!r}, "
        f"txn_time={self.txn_time!r}, txn_amt={self.txn_amt!r}, response={_response(self.response)})"
    )


for _cls, _show in (
    (_ffi.Response, _response),
    (_ffi.OutgoingRequest, _request),
    (_ffi.TokenPayData, _token_pay_data),
    (_ffi.Notification, _notification),
):
    _cls.__str__ = _show
    _cls.__repr__ = _show
