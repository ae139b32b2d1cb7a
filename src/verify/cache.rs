//! A small bounded cache of validated signing certificates, so that repeat verifications
//! with the same `signPubKeyCert` cost one RSA verify.

use super::chain::ValidatedChain;
use crate::crypto::PublicKeyOps;
use crate::pki::Certificate;
use std::sync::{Arc, Mutex};

/// How many distinct UnionPay signing certificates are remembered. UnionPay rotates its
/// leaf every few years, so a handful covers any overlap.
pub(crate) const CAPACITY: usize = 16;

/// A certificate that passed chain and name checks.
pub(crate) struct CachedCert {
    pub leaf: Certificate,
    pub chain: ValidatedChain,
    pub key: Arc<dyn PublicKeyOps>,
}

/// Keyed by the `signPubKeyCert` text exactly as received: comparing ~1.7 KB is cheaper
/// than hashing it on every message, and an exact match cannot collide.
#[derive(Default)]
pub(crate) struct CertCache {
    entries: Mutex<Vec<(Box<str>, Arc<CachedCert>)>>,
}

impl CertCache {
    pub fn get(&self, key: &str) -> Option<Arc<CachedCert>> {
        let mut entries = self.entries.lock().ok()?;
        let pos = entries.iter().position(|(k, _)| &**k == key)?;
        // Move to the back: the back is most recently used.
        let entry = entries.remove(pos);
        let value = entry.1.clone();
        entries.push(entry);
        Some(value)
    }

    pub fn insert(&self, key: &str, value: Arc<CachedCert>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(k, _)| &**k != key);
            if entries.len() >= CAPACITY {
                entries.remove(0);
            }
            entries.push((key.into(), value));
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }
}
