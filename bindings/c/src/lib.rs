//! The C binding of `unionpay-acp` (issue 7): opaque handles, key/value lists, error codes.
