//! Wire formats: the field map, the canonical signing string, form encoding and the
//! parsers for responses and notifications.

mod ambiguity;
mod borrowed;
mod canonical;
mod fields;
mod nested;
mod parse;
mod scan;
mod urlencoded;

pub use ambiguity::ambiguity;
pub(crate) use ambiguity::ambiguity_of;
pub use borrowed::{
    parse_notify_body_borrowed, parse_notify_body_borrowed_limited, parse_sync_body_borrowed,
    parse_sync_body_borrowed_limited, BorrowedFields,
};
pub use canonical::canonical_string;
pub(crate) use canonical::write_canonical;
pub use fields::Fields;
pub use nested::{build_nested, join_pairs, nested_get, parse_nested};
pub use parse::{
    parse_notify_body, parse_notify_body_limited, parse_sync_body, parse_sync_body_limited,
    MAX_FIELDS, MAX_NOTIFY_BODY, MAX_SYNC_BODY,
};
pub use urlencoded::{decode_component, encode_component, encode_form};
