//! The raw RSA operations the backends expose to hosts (the JS binding's node:crypto and
//! pure-Rust module) agree with the padded ones and with each other.
#![cfg(feature = "portable")]

use unionpay_acp::crypto::portable::{PortablePrivateKey, PortablePublicKey};
use unionpay_acp::crypto::{
    default_backend, encrypt_pkcs1v15, unpad_pkcs1v15_encryption, FixedRandom, PrivateKeyOps,
    PublicKeyOps,
};
use unionpay_acp::pki::parse_pkcs12;
use unionpay_acp::ErrorCode;

const PFX: &[u8] = include_bytes!("fixtures/sandbox/merchant.pfx");
const PAN: &[u8] = b"6216261000000000018";

fn random() -> FixedRandom {
    FixedRandom::new((0..=255u8).cycle().take(1024).collect::<Vec<u8>>())
}

#[test]
fn raw_decryption_plus_core_unpadding_equals_padded_decryption() {
    let p12 = parse_pkcs12(PFX, "000000").unwrap();
    let public = p12.certificate.public_key().unwrap();
    let private = PortablePrivateKey::from_pkcs8(&p12.private_key_pkcs8).unwrap();
    let ops = PortablePublicKey::new(public).unwrap();

    let ct = encrypt_pkcs1v15(&ops, public, PAN, &mut random()).unwrap();
    assert_eq!(ct.len(), 256);
    let em = private.decrypt_raw(&ct).unwrap();
    assert_eq!(em.len(), 256);
    assert_eq!(em.get(..2), Some(&[0x00, 0x02][..]));
    assert_eq!(unpad_pkcs1v15_encryption(&em).unwrap().as_slice(), PAN);
    assert_eq!(private.decrypt_pkcs1v15(&ct).unwrap().as_slice(), PAN);

    // The default backend (AWS-LC in a native build) decrypts what the raw path made.
    let default_key = default_backend()
        .load_private_key(&p12.private_key_pkcs8)
        .unwrap();
    assert_eq!(default_key.decrypt_pkcs1v15(&ct).unwrap().as_slice(), PAN);
}

#[test]
fn every_backend_encrypts_the_same_bytes_from_the_same_randomness() {
    let p12 = parse_pkcs12(PFX, "000000").unwrap();
    let public = p12.certificate.public_key().unwrap();
    let portable = PortablePublicKey::new(public).unwrap();
    let default = default_backend().load_public_key(public).unwrap();
    let a = encrypt_pkcs1v15(&portable, public, PAN, &mut random()).unwrap();
    let b = encrypt_pkcs1v15(default.as_ref(), public, PAN, &mut random()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn raw_operations_refuse_malformed_input() {
    let p12 = parse_pkcs12(PFX, "000000").unwrap();
    let public = p12.certificate.public_key().unwrap();
    let private = PortablePrivateKey::from_pkcs8(&p12.private_key_pkcs8).unwrap();
    let ops = PortablePublicKey::new(public).unwrap();
    let code = |e: unionpay_acp::Error| e.code();

    // A block must be exactly k bytes and below the modulus.
    assert_eq!(
        ops.encrypt_raw(&[0u8; 255]).map_err(code).err(),
        Some(ErrorCode::InvalidArgument)
    );
    assert_eq!(
        ops.encrypt_raw(public.modulus()).map_err(code).err(),
        Some(ErrorCode::InvalidArgument)
    );
    // A ciphertext must be exactly k bytes.
    assert_eq!(
        private.decrypt_raw(&[1u8; 255]).map_err(code).err(),
        Some(ErrorCode::DecryptionFailed)
    );
    // A ciphertext of the right length but not ours decrypts to bytes that do not unpad.
    let em = private.decrypt_raw(&[0x42u8; 256]).unwrap();
    assert_eq!(
        unpad_pkcs1v15_encryption(&em).map_err(code).err(),
        Some(ErrorCode::DecryptionFailed)
    );
}
