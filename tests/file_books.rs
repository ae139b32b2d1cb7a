//! The merchant's books compared with a reconciliation file: every verdict, matching by
//! queryId and by orderId + txnType, and refunds linked to what they reverse.

use unionpay_acp::file::{
    parse_archive, read_zip, reconcile, ArchiveLimits, BookEntry, BookState, Reconciliation,
    Verdict, ZmRecord,
};

fn sample() -> Reconciliation {
    let zip = include_bytes!("fixtures/recon/802310048993424_20150905.zip");
    parse_archive(&read_zip(zip, &ArchiveLimits::default()).unwrap()).unwrap()
}

/// A settled record like the sample's first, with its own ids and amount.
fn record(base: &ZmRecord, order_id: &str, query_id: &str, txn_type: &str, fen: u64) -> ZmRecord {
    ZmRecord {
        order_id: order_id.into(),
        query_id: query_id.into(),
        txn_type: txn_type.into(),
        amount_fen: fen,
        orig_query_id: String::new(),
        ..base.clone()
    }
}

fn entry(order_id: &str, query_id: Option<&str>, fen: u64, state: BookState) -> BookEntry {
    BookEntry {
        order_id: order_id.into(),
        txn_type: "01".into(),
        amount_fen: fen,
        query_id: query_id.map(Into::into),
        orig_query_id: None,
        state,
    }
}

#[test]
fn the_official_sample_against_books_that_agree_is_clean() {
    let file = sample();
    assert!(!file.zm.is_empty());
    let books: Vec<BookEntry> = file
        .zm
        .iter()
        .map(|r| BookEntry {
            order_id: r.order_id.clone(),
            txn_type: r.txn_type.clone(),
            amount_fen: r.amount_fen,
            query_id: Some(r.query_id.clone()),
            orig_query_id: None,
            state: BookState::Succeeded,
        })
        .collect();
    let report = reconcile(&books, &file);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.summary.matched as usize, file.zm.len());
    assert_eq!(report.lines.len(), file.zm.len());
    assert_eq!(report.lines[0].order_id, "10078087");
    assert_eq!(report.lines[0].file_amount_fen, Some(476_800));
}

#[test]
fn every_verdict() {
    let base = sample().zm[0].clone();
    let mut refund = record(&base, "REFUND0001", "Q-REFUND", "04", 300);
    refund.orig_query_id = "Q-PAID".into();
    let file = Reconciliation {
        zm: vec![
            record(&base, "PAID0001", "Q-PAID", "01", 1000),
            record(&base, "SHORT0001", "Q-SHORT", "01", 900),
            record(&base, "FAILED0001", "Q-FAILED", "01", 500),
            record(&base, "UNKNOWN0001", "Q-UNKNOWN", "01", 700),
            record(&base, "NOQUERYID1", "Q-NOQID", "01", 200),
            record(&base, "LOST00001", "Q-LOST", "01", 100),
            refund,
        ],
        ..Reconciliation::default()
    };
    let mut refund_entry = entry("REFUND0001", None, 300, BookState::Succeeded);
    refund_entry.txn_type = "04".into();
    let books = vec![
        entry("PAID0001", Some("Q-PAID"), 1000, BookState::Succeeded),
        entry("SHORT0001", Some("Q-SHORT"), 1000, BookState::Succeeded),
        entry("FAILED0001", Some("Q-FAILED"), 500, BookState::Failed),
        entry("UNKNOWN0001", None, 700, BookState::Unknown),
        // No queryId in the books: matched by orderId and txnType.
        entry("NOQUERYID1", None, 200, BookState::Succeeded),
        entry("GONE00001", Some("Q-GONE"), 400, BookState::Succeeded),
        entry("DECLINED1", None, 600, BookState::Failed),
        entry("PENDING01", None, 800, BookState::Unknown),
        refund_entry,
    ];
    let report = reconcile(&books, &file);
    let verdict = |order: &str| {
        report
            .lines
            .iter()
            .find(|l| l.order_id == order)
            .map(|l| l.verdict)
    };
    assert_eq!(verdict("PAID0001"), Some(Verdict::Matched));
    assert_eq!(verdict("SHORT0001"), Some(Verdict::AmountMismatch));
    assert_eq!(verdict("FAILED0001"), Some(Verdict::SettledButBookedFailed));
    assert_eq!(verdict("UNKNOWN0001"), Some(Verdict::SettledWhileUnknown));
    assert_eq!(verdict("NOQUERYID1"), Some(Verdict::Matched));
    assert_eq!(verdict("GONE00001"), Some(Verdict::MissingInFile));
    assert_eq!(verdict("DECLINED1"), Some(Verdict::FailedAsBooked));
    assert_eq!(verdict("PENDING01"), Some(Verdict::UnknownNotInFile));
    assert_eq!(verdict("LOST00001"), Some(Verdict::MissingInBooks));
    assert_eq!(verdict("REFUND0001"), Some(Verdict::Matched));
    assert!(!report.is_clean());

    // Books first, in their order; then what only the file has.
    assert_eq!(report.lines.len(), books.len() + 1);
    assert_eq!(report.lines.last().unwrap().order_id, "LOST00001");
    let s = &report.summary;
    assert_eq!(
        (
            s.matched,
            s.amount_mismatch,
            s.settled_but_booked_failed,
            s.settled_while_unknown
        ),
        (3, 1, 1, 1)
    );
    assert_eq!(
        (
            s.missing_in_file,
            s.failed_as_booked,
            s.unknown_not_in_file,
            s.missing_in_books
        ),
        (1, 1, 1, 1)
    );

    let short = report
        .lines
        .iter()
        .find(|l| l.order_id == "SHORT0001")
        .unwrap();
    assert_eq!(
        (short.book_amount_fen, short.file_amount_fen),
        (Some(1000), Some(900))
    );
    // The queryId the file gave, also when the books had none.
    let unknown = report
        .lines
        .iter()
        .find(|l| l.order_id == "UNKNOWN0001")
        .unwrap();
    assert_eq!(unknown.query_id.as_deref(), Some("Q-UNKNOWN"));

    // The refund is linked to the payment it reverses.
    let linked = report
        .lines
        .iter()
        .find(|l| l.order_id == "REFUND0001")
        .unwrap();
    let original = linked.original.as_ref().unwrap();
    assert_eq!(original.query_id, "Q-PAID");
    assert_eq!(original.order_id.as_deref(), Some("PAID0001"));
    assert!(original.in_file);
}

#[test]
fn a_refund_of_an_earlier_days_payment_links_through_the_books() {
    let base = sample().zm[0].clone();
    let mut refund = record(&base, "REFUND0002", "Q-REFUND2", "04", 100);
    refund.orig_query_id = "Q-YESTERDAY".into();
    let file = Reconciliation {
        zm: vec![refund],
        ..Reconciliation::default()
    };
    let mut paid = entry(
        "PAIDYESTERDAY",
        Some("Q-YESTERDAY"),
        1000,
        BookState::Succeeded,
    );
    paid.txn_type = "01".into();
    // Yesterday's payment is in the books, not in this file: it is listed, and found.
    let report = reconcile(&[paid], &file);
    let line = report
        .lines
        .iter()
        .find(|l| l.order_id == "REFUND0002")
        .unwrap();
    assert_eq!(line.verdict, Verdict::MissingInBooks);
    let original = line.original.as_ref().unwrap();
    assert_eq!(original.order_id.as_deref(), Some("PAIDYESTERDAY"));
    assert!(!original.in_file);
}

#[test]
fn a_record_matches_one_entry_only() {
    let base = sample().zm[0].clone();
    let file = Reconciliation {
        zm: vec![record(&base, "TWICE0001", "Q-TWICE", "01", 100)],
        ..Reconciliation::default()
    };
    let books = vec![
        entry("TWICE0001", None, 100, BookState::Succeeded),
        entry("TWICE0001", None, 100, BookState::Succeeded),
    ];
    let report = reconcile(&books, &file);
    assert_eq!(report.lines[0].verdict, Verdict::Matched);
    assert_eq!(report.lines[1].verdict, Verdict::MissingInFile);
}

#[cfg(feature = "json")]
#[test]
fn books_and_the_report_as_the_cores_json() {
    use unionpay_acp::json::{books_from_json, to_json};
    let books = books_from_json(
        r#"[{"orderId":"PAID0001","txnType":"01","amountFen":1000,"queryId":"Q-PAID","state":"succeeded"},
            {"orderId":"GONE0001","txnType":"01","amountFen":5,"state":"unknown"}]"#,
    )
    .unwrap();
    assert_eq!(books[1].query_id, None);
    let base = sample().zm[0].clone();
    let file = Reconciliation {
        zm: vec![record(&base, "PAID0001", "Q-PAID", "01", 1000)],
        ..Reconciliation::default()
    };
    let json: serde_json::Value =
        serde_json::from_str(&to_json(&reconcile(&books, &file))).unwrap();
    assert_eq!(json["lines"][0]["verdict"], "matched");
    assert_eq!(json["lines"][1]["verdict"], "unknown_not_in_file");
    assert_eq!(json["lines"][1]["bookState"], "unknown");
    assert_eq!(json["summary"]["unknownNotInFile"], 1);
    let bad = books_from_json(r#"[{"orderId":"X","txnType":"01","amountFen":1,"state":"paid"}]"#);
    assert_eq!(
        bad.unwrap_err().code(),
        unionpay_acp::ErrorCode::InvalidArgument
    );
    let unknown_key =
        books_from_json(r#"[{"orderId":"X","txnType":"01","amountFen":1,"state":"failed","x":1}]"#);
    assert!(unknown_key.is_err());
}
