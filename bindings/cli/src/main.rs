//! The `acp` command.
fn main() {
    if std::env::args().nth(1).as_deref() == Some("errors") {
        print!("{}", unionpay_acp::error::catalogue_json());
    }
}
