//! The uniffi binding of `unionpay-acp` (issue 6): converts types, maps errors.
