//! The auto-submit page for front transactions (spec §9).

use crate::form::Fields;

/// A page that posts `fields` to `action` as soon as it loads. Every attribute value is
/// HTML-escaped; the browser unescapes it, so the posted bytes equal the signed ones.
pub fn auto_submit_page(action: &str, fields: &Fields) -> String {
    let mut out = String::with_capacity(
        512 + fields
            .iter()
            .map(|(k, v)| 2 * k.len() + v.len() + 48)
            .sum::<usize>(),
    );
    out.push_str("<!DOCTYPE html>\n<html>\n<head>\n");
    out.push_str("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n");
    out.push_str("<title>UnionPay</title>\n</head>\n");
    out.push_str("<body onload=\"document.getElementById('pay_form').submit()\">\n");
    out.push_str("<form id=\"pay_form\" name=\"pay_form\" action=\"");
    escape_into(action, &mut out);
    out.push_str("\" method=\"post\">\n");
    for (key, value) in fields.iter() {
        out.push_str("<input type=\"hidden\" name=\"");
        escape_into(key, &mut out);
        out.push_str("\" id=\"");
        escape_into(key, &mut out);
        out.push_str("\" value=\"");
        escape_into(value, &mut out);
        out.push_str("\"/>\n");
    }
    out.push_str("</form>\n</body>\n</html>\n");
    out
}

/// HTML-escapes `value` (`& < > " '`).
pub fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_into(value, &mut out);
    out
}

/// Escapes `& < > " '` so a value cannot leave its attribute.
pub fn escape_into(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}
