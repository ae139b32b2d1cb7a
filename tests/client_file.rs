#![allow(clippy::disallowed_methods)] // tests read fixture files
//! A file-transfer answer carrying UnionPay's sample archive decodes and parses through the client.

mod client_support;

use client_support::*;
use unionpay_acp::client::FileTransferParams;
use unionpay_acp::file::{encode_file_content, read_zip, ArchiveLimits};
use unionpay_acp::{ErrorCode, Outcome};

#[test]
fn file_transfer_answer_decodes_to_reconciliation_records() {
    let c = client();
    let req = c
        .build_file_transfer(
            &FileTransferParams {
                settle_date: "0905".into(),
            },
            now(),
            &mut rng(),
        )
        .unwrap();
    let members = read_zip(
        &read("fixtures/recon/802310048993424_20150905.zip"),
        &ArchiveLimits::default(),
    )
    .unwrap();
    let content = encode_file_content(&members).unwrap();
    let body = answer(
        &req,
        &[
            ("respCode", "00"),
            ("fileName", "802310048993424_20150905.zip"),
            ("fileContent", &content),
        ],
    );
    let Outcome::Success(response) = c.handle_response(&req, &body, now()).unwrap() else {
        panic!("expected success")
    };
    let files = response.files(&ArchiveLimits::default()).unwrap();
    assert_eq!(files.len(), 2);
    let recon = response.reconciliation(&ArchiveLimits::default()).unwrap();
    assert_eq!(recon.zm.len(), 8);
    assert_eq!(recon.zm[0].order_id, "10078087");
    assert_eq!(recon.zm[0].amount_fen, 476_800);

    // A tight limit is enforced through the same path.
    let tight = ArchiveLimits {
        max_total_bytes: 1000,
        ..ArchiveLimits::default()
    };
    assert_eq!(
        response.files(&tight).unwrap_err().code(),
        ErrorCode::ArchiveTooLarge
    );
}
