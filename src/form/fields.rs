//! The flat string map every ACP message is.

use std::collections::BTreeMap;

/// A message's fields, kept sorted by key in byte order (the order the signature uses).
///
/// `String`'s `Ord` compares UTF-8 bytes, which is exactly the ordering of spec §4.1.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Fields(BTreeMap<String, String>);

impl Fields {
    /// An empty map.
    pub fn new() -> Self {
        Fields(BTreeMap::new())
    }

    /// Sets a field; an empty or whitespace-only value removes it instead, since
    /// UnionPay never sends empty values (spec §2.1).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let key = key.into();
        let value = value.into();
        if value.trim().is_empty() {
            self.0.remove(&key);
        } else {
            self.0.insert(key, value);
        }
        self
    }

    /// Inserts a received value exactly as it came, even when empty (verification must
    /// use exactly what arrived). Returns the previous value if the key was present.
    pub fn insert_raw(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Option<String> {
        self.0.insert(key.into(), value.into())
    }

    /// A field's value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Removes a field, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.0.remove(key)
    }

    /// Whether a field is present.
    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Fields in byte order of their keys.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The underlying map.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// Consumes into the underlying map.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl std::fmt::Debug for Fields {
    // Field values may hold encrypted card data or tokens; show only what identifies
    // the message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: [&str; 7] = [
            "merId",
            "orderId",
            "txnTime",
            "txnType",
            "txnSubType",
            "respCode",
            "version",
        ];
        let mut m = f.debug_map();
        for (k, v) in self.iter() {
            if SHOWN.contains(&k) {
                m.entry(&k, &v);
            } else {
                m.entry(&k, &"…");
            }
        }
        m.finish()
    }
}

impl FromIterator<(String, String)> for Fields {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Fields(iter.into_iter().collect())
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for Fields {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(iter: I) -> Self {
        Fields(
            iter.into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }
}

impl From<BTreeMap<String, String>> for Fields {
    fn from(map: BTreeMap<String, String>) -> Self {
        Fields(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_drops_blank_values_and_insert_raw_keeps_them() {
        let mut f = Fields::new();
        f.set("a", "1").set("b", "  ").set("a", "");
        assert!(f.is_empty());
        f.insert_raw("c", "");
        assert_eq!(f.get("c"), Some(""));
    }

    #[test]
    fn iteration_is_byte_ordered() {
        let f: Fields = [
            ("accessType", "0"),
            ("accNo", "x"),
            ("accType", "01"),
            ("Z", "z"),
        ]
        .into_iter()
        .collect();
        let keys: Vec<_> = f.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["Z", "accNo", "accType", "accessType"]);
    }

    #[test]
    fn debug_hides_values() {
        let f: Fields = [("accNo", "6216261000000000018"), ("orderId", "A1")]
            .into_iter()
            .collect();
        let s = format!("{f:?}");
        assert!(!s.contains("6216"));
        assert!(s.contains("A1"));
    }
}
