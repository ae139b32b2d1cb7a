//! The native backend: AWS-LC through `aws-lc-rs` (constant-time, assembly-optimised).

use super::backend::{CryptoBackend, PrivateKeyOps, PublicKeyOps};
use super::native_raw::RawPublicKey;
use super::portable::PortablePrivateKey;
use super::HashAlg;
use crate::error::{Error, ErrorCode, Result};
use crate::pki::RsaPublicKey;
use aws_lc_rs::rsa::{KeyPair, Pkcs1PrivateDecryptingKey, PrivateDecryptingKey};
use aws_lc_rs::signature::{self, ParsedPublicKey, UnparsedPublicKey};
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

/// The AWS-LC backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct NativeBackend;

impl CryptoBackend for NativeBackend {
    fn name(&self) -> &'static str {
        "aws-lc"
    }

    fn load_private_key(&self, pkcs8_der: &[u8]) -> Result<Arc<dyn PrivateKeyOps>> {
        let rejected = |e: aws_lc_rs::error::KeyRejected| {
            Error::new(
                ErrorCode::KeyMalformed,
                format!("the RSA private key is not usable: {e}"),
            )
        };
        match KeyPair::from_pkcs8(pkcs8_der) {
            Ok(pair) => {
                let decrypting = PrivateDecryptingKey::from_pkcs8(pkcs8_der)
                    .map_err(rejected)
                    .and_then(|k| {
                        Pkcs1PrivateDecryptingKey::new(k).map_err(|_| {
                            Error::new(ErrorCode::KeyMalformed, "the RSA key cannot decrypt")
                        })
                    })?;
                Ok(Arc::new(NativePrivateKey {
                    pair,
                    decrypting,
                    pkcs8: Zeroizing::new(pkcs8_der.to_vec()),
                    legacy: OnceLock::new(),
                }))
            }
            // AWS-LC refuses keys under 2048 bits (the 5.0.0-era 1024-bit test key): fall
            // back to the portable backend for those.
            Err(_) => Ok(Arc::new(PortablePrivateKey::from_pkcs8(pkcs8_der)?)),
        }
    }

    fn load_public_key(&self, key: &RsaPublicKey) -> Result<Arc<dyn PublicKeyOps>> {
        let sha256 = ParsedPublicKey::new(
            &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            key.pkcs1_der(),
        )
        .ok();
        Ok(Arc::new(NativePublicKey {
            sha256,
            pkcs1: key.pkcs1_der().to_vec(),
            encrypting: OnceLock::new(),
        }))
    }
}

struct NativePrivateKey {
    pair: KeyPair,
    decrypting: Pkcs1PrivateDecryptingKey,
    // Kept only for SHA-1 signing (5.0.0), which AWS-LC's signing API does not offer.
    pkcs8: Zeroizing<Vec<u8>>,
    legacy: OnceLock<std::result::Result<PortablePrivateKey, Error>>,
}

impl PrivateKeyOps for NativePrivateKey {
    fn sign_pkcs1v15(&self, hash: HashAlg, msg: &[u8]) -> Result<Vec<u8>> {
        match hash {
            HashAlg::Sha256 => {
                // PKCS#1 v1.5 signatures are deterministic; AWS-LC's RNG only blinds.
                let rng = aws_lc_rs::rand::SystemRandom::new();
                let mut sig = vec![0u8; self.pair.public_modulus_len()];
                self.pair
                    .sign(&signature::RSA_PKCS1_SHA256, &rng, msg, &mut sig)
                    .map_err(|_| {
                        Error::new(ErrorCode::CryptoBackend, "AWS-LC RSA signing failed")
                    })?;
                Ok(sig)
            }
            HashAlg::Sha1 => match self
                .legacy
                .get_or_init(|| PortablePrivateKey::from_pkcs8(&self.pkcs8))
            {
                Ok(key) => key.sign_pkcs1v15(hash, msg),
                Err(e) => Err(e.clone()),
            },
            HashAlg::Sm3 => Err(Error::new(
                ErrorCode::UnsupportedSignMethod,
                "RSA with SM3 is not part of the protocol",
            )),
        }
    }

    fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(vec![0u8; self.decrypting.min_output_size()]);
        let len = self
            .decrypting
            .decrypt(ciphertext, &mut out)
            .map_err(|_| {
                Error::new(
                    ErrorCode::DecryptionFailed,
                    "the ciphertext does not decrypt with the merchant key",
                )
            })?
            .len();
        out.truncate(len);
        Ok(out)
    }
}

struct NativePublicKey {
    sha256: Option<ParsedPublicKey>,
    pkcs1: Vec<u8>,
    // aws-lc-rs pads by itself; card data needs the core's reproducible padding, so the
    // raw operation goes to AWS-LC directly.
    encrypting: OnceLock<std::result::Result<RawPublicKey, Error>>,
}

impl PublicKeyOps for NativePublicKey {
    fn verify_pkcs1v15(&self, hash: HashAlg, msg: &[u8], sig: &[u8]) -> Result<bool> {
        Ok(match hash {
            HashAlg::Sha256 => match &self.sha256 {
                Some(k) => k.verify_sig(msg, sig).is_ok(),
                None => false,
            },
            HashAlg::Sha1 => UnparsedPublicKey::new(
                &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
                &self.pkcs1,
            )
            .verify(msg, sig)
            .is_ok(),
            HashAlg::Sm3 => false,
        })
    }

    fn encrypt_raw(&self, block: &[u8]) -> Result<Vec<u8>> {
        match self
            .encrypting
            .get_or_init(|| RawPublicKey::from_pkcs1_der(&self.pkcs1))
        {
            Ok(key) => key.encrypt(block),
            Err(e) => Err(e.clone()),
        }
    }
}
