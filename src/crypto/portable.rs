//! The pure-Rust backend (RustCrypto `rsa`), the one used on wasm.

use super::backend::{CryptoBackend, PrivateKeyOps, PublicKeyOps};
use super::HashAlg;
use crate::error::{Error, ErrorCode, Result};
use crate::pki::rsa_private::RsaPrivateKeyDer;
use crate::pki::RsaPublicKey;
use hmac::{Hmac, KeyInit, Mac};
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::rand_core::{TryCryptoRng, TryRng};
use rsa::traits::PublicKeyParts;
use rsa::BoxedUint;
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The pure-Rust RSA backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct PortableBackend;

impl CryptoBackend for PortableBackend {
    fn name(&self) -> &'static str {
        "rsa"
    }

    fn load_private_key(&self, pkcs8_der: &[u8]) -> Result<Arc<dyn PrivateKeyOps>> {
        Ok(Arc::new(PortablePrivateKey::from_pkcs8(pkcs8_der)?))
    }

    fn load_public_key(&self, key: &RsaPublicKey) -> Result<Arc<dyn PublicKeyOps>> {
        Ok(Arc::new(PortablePublicKey::new(key)?))
    }
}

/// A private key held by the `rsa` crate (zeroized on drop by that crate).
pub struct PortablePrivateKey {
    key: rsa::PrivateKey,
    // Keys the blinding stream; never leaves this struct.
    blinding_seed: Zeroizing<[u8; 32]>,
}

impl PortablePrivateKey {
    /// Parses PKCS#8 DER.
    pub fn from_pkcs8(pkcs8_der: &[u8]) -> Result<Self> {
        let parts = RsaPrivateKeyDer::from_pkcs8(pkcs8_der)?;
        // As the rsa crate's own PKCS#1 decoder: every integer at the modulus' width.
        let bits = u32::try_from(parts.modulus.len() * 8).unwrap_or(u32::MAX);
        let uint = |bytes: &[u8], bits: u32| {
            BoxedUint::from_be_slice(bytes, bits).map_err(|_| {
                Error::new(
                    ErrorCode::KeyMalformed,
                    "an RSA private key integer is wider than the modulus",
                )
            })
        };
        let e_bits = u32::try_from(parts.public_exponent.len() * 8).unwrap_or(u32::MAX);
        let key = rsa::PrivateKey::from_components(
            uint(parts.modulus, bits)?,
            uint(parts.public_exponent, e_bits)?,
            uint(parts.private_exponent, bits)?,
            vec![uint(parts.prime1, bits)?, uint(parts.prime2, bits)?],
        )
        .map_err(|e| {
            Error::new(
                ErrorCode::KeyMalformed,
                format!("the RSA private key is not consistent: {e}"),
            )
        })?;
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(
            &Sha256::new_with_prefix(b"unionpay-acp blinding")
                .chain_update(pkcs8_der)
                .finalize(),
        );
        Ok(PortablePrivateKey {
            key,
            blinding_seed: seed,
        })
    }

    fn blinding(&self, input: &[u8]) -> BlindingRng {
        BlindingRng::new(&self.blinding_seed, input)
    }
}

impl PrivateKeyOps for PortablePrivateKey {
    fn sign_pkcs1v15(&self, hash: HashAlg, msg: &[u8]) -> Result<Vec<u8>> {
        let scheme = match hash {
            HashAlg::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
            HashAlg::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            HashAlg::Sm3 => {
                return Err(Error::new(
                    ErrorCode::UnsupportedSignMethod,
                    "RSA with SM3 is not part of the protocol",
                ))
            }
        };
        let digest = hash.digest(msg);
        let mut rng = self.blinding(&digest);
        self.key
            .sign_with_rng(&mut rng, scheme, &digest)
            .map_err(|e| Error::new(ErrorCode::CryptoBackend, format!("RSA signing failed: {e}")))
    }

    fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let mut rng = self.blinding(ciphertext);
        self.key
            .pkcs1v15_decrypt_with_rng(&mut rng, ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| {
                Error::new(
                    ErrorCode::DecryptionFailed,
                    "the ciphertext does not decrypt with the merchant key",
                )
            })
    }
}

impl PortablePrivateKey {
    /// The raw RSA private operation (RSADP, blinded): `ciphertext`^d mod n as many
    /// bytes as the modulus, without unpadding; for hosts that plug this backend in
    /// through raw operations (the JS binding's fallback module).
    pub fn decrypt_raw(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let k = self.key.size();
        if ciphertext.len() != k {
            return Err(Error::new(
                ErrorCode::DecryptionFailed,
                format!("the ciphertext is {} bytes, the key {k}", ciphertext.len()),
            ));
        }
        let bits = self.key.n_bits_precision();
        let c = BoxedUint::from_be_slice(ciphertext, bits)
            .map_err(|_| Error::new(ErrorCode::DecryptionFailed, "the ciphertext is too large"))?;
        let mut rng = self.blinding(ciphertext);
        // The result is padded card data: every copy is wiped when dropped.
        let m = rsa::hazmat::rsa_decrypt_and_check(&self.key, Some(&mut rng), &c)
            .map(Zeroizing::new)
            .map_err(|_| {
                Error::new(
                    ErrorCode::DecryptionFailed,
                    "the ciphertext does not decrypt with the merchant key",
                )
            })?;
        Ok(left_pad(&Zeroizing::new(m.to_be_bytes()), k))
    }
}

/// A public key held by the `rsa` crate.
pub struct PortablePublicKey {
    key: rsa::PublicKey,
    modulus: Vec<u8>,
}

impl PortablePublicKey {
    /// From a parsed certificate key.
    pub fn new(key: &RsaPublicKey) -> Result<Self> {
        Ok(PortablePublicKey {
            key: rsa_public_key(key)?,
            modulus: key.modulus().to_vec(),
        })
    }
}

impl PublicKeyOps for PortablePublicKey {
    fn verify_pkcs1v15(&self, hash: HashAlg, msg: &[u8], sig: &[u8]) -> Result<bool> {
        let scheme = match hash {
            HashAlg::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
            HashAlg::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            HashAlg::Sm3 => return Ok(false),
        };
        Ok(self.key.verify(scheme, &hash.digest(msg), sig).is_ok())
    }

    fn encrypt_raw(&self, block: &[u8]) -> Result<Vec<u8>> {
        let k = self.modulus.len();
        // RSAEP needs m < n; equal lengths make the byte order the numeric order.
        // The block is padded card data: the integer made from it is wiped when dropped.
        let m = BoxedUint::from_be_slice(block, self.key.n_bits_precision())
            .ok()
            .map(Zeroizing::new)
            .filter(|_| block.len() == k && block < self.modulus.as_slice())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidArgument,
                    format!("an RSA block must be {k} bytes below the modulus"),
                )
            })?;
        let c = rsa::hazmat::rsa_encrypt(&self.key, &m).map_err(|e| {
            Error::new(
                ErrorCode::CryptoBackend,
                format!("RSA encryption failed: {e}"),
            )
        })?;
        Ok(left_pad(&c.to_be_bytes(), k).to_vec())
    }
}

/// The integer's bytes left-padded (or trimmed of leading zeros) to `k` bytes.
fn left_pad(bytes: &[u8], k: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; k.saturating_sub(bytes.len())]);
    out.extend(bytes.iter().skip(bytes.len().saturating_sub(k)));
    out
}

fn rsa_public_key(key: &RsaPublicKey) -> Result<rsa::PublicKey> {
    let bits = u32::try_from(key.modulus().len() * 8).unwrap_or(u32::MAX);
    let n = BoxedUint::from_be_slice(key.modulus(), bits)
        .map_err(|_| Error::new(ErrorCode::CertificateKeyUnsupported, "bad RSA modulus"))?;
    let e = BoxedUint::from_be_slice(key.exponent(), 64)
        .map_err(|_| Error::new(ErrorCode::CertificateKeyUnsupported, "bad RSA exponent"))?;
    rsa::PublicKey::new(n, e).map_err(|e| {
        Error::new(
            ErrorCode::CertificateKeyUnsupported,
            format!("unusable RSA public key: {e}"),
        )
    })
}

/// Blinding randomness for the portable backend without an OS RNG in the core: an
/// HMAC-SHA256 stream keyed by a secret derived from the private key and bound to the
/// operation's input. An attacker who does not know the key cannot predict it, which is
/// all blinding needs (the same idea as RFC 6979's deterministic nonces).
struct BlindingRng {
    key: Zeroizing<[u8; 32]>,
    counter: u64,
    buf: [u8; 32],
    used: usize,
}

impl BlindingRng {
    fn new(seed: &[u8; 32], input: &[u8]) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&Sha256::new_with_prefix(seed).chain_update(input).finalize());
        BlindingRng {
            key,
            counter: 0,
            buf: [0; 32],
            used: 32,
        }
    }

    fn refill(&mut self) {
        // HMAC accepts keys of any length, so construction cannot fail.
        if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.as_slice()) {
            mac.update(&self.counter.to_be_bytes());
            self.buf.copy_from_slice(&mac.finalize().into_bytes());
        }
        self.counter = self.counter.wrapping_add(1);
        self.used = 0;
    }
}

impl Drop for BlindingRng {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}

impl TryRng for BlindingRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for out in dst.iter_mut() {
            if self.used >= self.buf.len() {
                self.refill();
            }
            *out = self.buf.get(self.used).copied().unwrap_or_default();
            self.used += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for BlindingRng {}
