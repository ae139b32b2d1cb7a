//! ZM reconciliation records (spec §10.4): the official sample, its RD summary, the
//! writer, and typed errors.
#![allow(clippy::disallowed_methods)] // tests read fixture files
#![cfg_attr(not(feature = "gbk"), allow(dead_code, unused_imports))] // writer tests need gbk

use unionpay_acp::file::{
    format_zm_file, format_zm_record, parse_archive, parse_zm, read_zip, ArchiveLimits, Direction,
    MonthDayTime, NamedFile, SignedAmount, ZmRecord, ZM_LINE_BYTES,
};
use unionpay_acp::ErrorCode;

fn sample() -> Vec<NamedFile> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/recon/802310048993424_20150905.zip"
    );
    read_zip(&std::fs::read(path).unwrap(), &ArchiveLimits::default()).unwrap()
}

fn amount(direction: Direction, fen: u64) -> SignedAmount {
    SignedAmount { direction, fen }
}

fn time(s: &str) -> MonthDayTime {
    MonthDayTime::parse(s).unwrap()
}

#[test]
fn first_sample_record_matches_the_spec() {
    let rec = parse_archive(&sample()).unwrap();
    assert_eq!(rec.zm.len(), 8);
    assert!(rec.zme.is_empty());
    assert_eq!(rec.other_files, ["RD201015090501_802310048993424"]);
    let zero = SignedAmount::ZERO;
    // Spec §10.4 "Sample (first record of the fixture)"; blank fields are empty strings.
    let expected = ZmRecord {
        txn_code: "S56".into(),
        acquirer_code: "88022900".into(),
        sender_code: "00049993".into(),
        trace_no: "190624".into(),
        trace_time: time("0906112203"),
        pan_masked: "622609******0048".into(),
        amount_fen: 476_800,
        mcc: "4899".into(),
        terminal_type: "07".into(),
        query_id: "201509061122031906248".into(),
        pay_method_old: "01".into(),
        order_id: "10078087".into(),
        pay_card_type: "01".into(),
        orig_trace_no: "".into(),
        orig_txn_time: None,
        merchant_fee: amount(Direction::Debit, 2861),
        settle_amount: amount(Direction::Credit, 473_939),
        pay_method: "0001".into(),
        group_mer_id: "".into(),
        txn_type: "01".into(),
        txn_sub_type: "".into(),
        biz_type: "000201".into(),
        mer_id: "802310048993424".into(),
        sub_mer_id: "000000000000000".into(),
        sub_mer_split_amount: zero,
        net_settle_amount: amount(Direction::Credit, 473_939),
        term_id: "01080209".into(),
        discount_amount: zero,
        invoice_amount: zero,
        installment_fee: zero,
        installment_count: None,
        medium: "7".into(),
        ..ZmRecord::default()
    };
    assert_eq!(rec.zm[0], expected);
    // Settlement = amount − fee on every line (spec: ¥4739.39 = ¥4768.00 − ¥28.61).
    for r in &rec.zm {
        assert_eq!(
            r.settle_amount.signed_fen(),
            r.amount_fen as i64 + r.merchant_fee.signed_fen()
        );
        assert_eq!(r.net_settle_amount, r.settle_amount);
    }
}

/// The RD report's 总计 line: count, then 交易金额 借/贷, 费用 借/贷, 资金清算差额 借/贷.
fn rd_totals(files: &[NamedFile]) -> (u64, [u64; 6]) {
    let rd = files.iter().find(|f| f.name.starts_with("RD")).unwrap();
    let (text, _, bad) = encoding_rs::GBK.decode(&rd.bytes);
    assert!(!bad);
    assert!(text.contains("中国银联全渠道商户交易汇总表"));
    let line = text.lines().find(|l| l.starts_with("总计")).unwrap();
    let nums: Vec<&str> = line.split_whitespace().skip(1).collect();
    let fen = |s: &str| {
        let (yuan, cents) = s.split_once('.').unwrap();
        yuan.parse::<u64>().unwrap() * 100 + cents.parse::<u64>().unwrap()
    };
    let amounts: Vec<u64> = nums[1..].iter().map(|s| fen(s)).collect();
    (nums[0].parse().unwrap(), amounts.try_into().unwrap())
}

#[test]
fn sample_totals_match_the_rd_report() {
    let files = sample();
    let (count, [amt_d, amt_c, fee_d, fee_c, net_d, net_c]) = rd_totals(&files);
    // The report: 8 transactions, ¥13227.00 credited, ¥79.36 fees debited, ¥13147.64 net.
    assert_eq!(
        (count, amt_d, amt_c, fee_d, fee_c, net_d, net_c),
        (8, 0, 1_322_700, 7_936, 0, 0, 1_314_764)
    );
    let t = parse_archive(&files).unwrap().zm_totals();
    assert_eq!(t.records as u64, count);
    assert_eq!(t.amount_fen, amt_c - amt_d); // all consumes: credited to the merchant
    assert_eq!(t.merchant_fee_fen, fee_c as i64 - fee_d as i64);
    assert_eq!(t.settle_fen, net_c as i64 - net_d as i64);
    assert_eq!(t.net_settle_fen, net_c as i64 - net_d as i64);
}

#[test]
fn sample_lines_format_back_byte_for_byte() {
    let files = sample();
    let zm = &files[0].bytes;
    let records = parse_zm(zm).unwrap();
    for (r, line) in records.iter().zip(zm.split(|&b| b == b'\n')) {
        let line = line.strip_suffix(b"\r").unwrap();
        assert_eq!(line.len(), ZM_LINE_BYTES);
        assert_eq!(format_zm_record(r).unwrap(), line);
    }
    assert_eq!(&format_zm_file(&records).unwrap(), zm);
}

fn full_record() -> ZmRecord {
    // Every field distinct and as wide as allowed where it matters, Chinese in two fields.
    ZmRecord {
        txn_code: "S30".into(),
        acquirer_code: "12345678901".into(),
        sender_code: "00049993".into(),
        trace_no: "000001".into(),
        trace_time: time("1231235959"),
        pan_masked: "6216261000000000018".into(),
        amount_fen: 999_999_999_999,
        mcc: "5411".into(),
        terminal_type: "08".into(),
        query_id: "123456789012345678901".into(),
        pay_method_old: "02".into(),
        order_id: "ORDER-0123456789abcdefghijklmnop".into(),
        pay_card_type: "02".into(),
        orig_trace_no: "654321".into(),
        orig_txn_time: Some(time("0101000000")),
        merchant_fee: amount(Direction::Credit, 12),
        settle_amount: amount(Direction::Debit, 100_000),
        pay_method: "0002".into(),
        group_mer_id: "GROUP0000000001".into(),
        txn_type: "04".into(),
        txn_sub_type: "00".into(),
        biz_type: "000902".into(),
        acc_type: "01".into(),
        bill_type: "ABCD".into(),
        bill_no: "BILL".into(),
        interaction_mode: "1".into(),
        orig_query_id: "201509061122031906248".into(),
        mer_id: "777290058110097".into(),
        split_mode: "0".into(),
        sub_mer_id: "SUB000000000001".into(),
        sub_mer_abbr: "淘在路上淘在路上淘在路上淘在路上".into(), // 16 chars = 32 GBK bytes
        sub_mer_split_amount: amount(Direction::Credit, 1),
        net_settle_amount: amount(Direction::Debit, 99_988),
        term_id: "T0000001".into(),
        req_reserved: "商户 自定义".into(),
        discount_amount: amount(Direction::Debit, 5),
        invoice_amount: amount(Direction::Credit, 6),
        installment_fee: amount(Direction::Debit, 99_999_999_999),
        installment_count: Some(12),
        medium: "2".into(),
        field41: "ORIGORDER".into(),
        reserved: "x".repeat(98),
    }
}

#[cfg(feature = "gbk")] // the records carry Chinese text
#[test]
fn writer_and_parser_round_trip() {
    let r = full_record();
    let line = format_zm_record(&r).unwrap();
    assert_eq!(ZM_LINE_BYTES, 607);
    assert_eq!(line.len(), ZM_LINE_BYTES);
    assert_eq!(parse_zm(&line).unwrap(), vec![r.clone()]);
    let empty = ZmRecord {
        trace_time: time("0101000000"),
        ..ZmRecord::default()
    };
    let file = format_zm_file(&[r.clone(), empty.clone()]).unwrap();
    assert_eq!(parse_zm(&file).unwrap(), vec![r, empty]);
    // LF-only line endings are read too.
    let lf: Vec<u8> = file.iter().copied().filter(|&b| b != b'\r').collect();
    assert_eq!(parse_zm(&lf).unwrap().len(), 2);
}

/// Spoils one field of a valid record.
type Spoil = fn(&mut ZmRecord);

#[cfg(feature = "gbk")] // the records carry Chinese text
#[test]
fn writer_rejects_values_that_do_not_fit() {
    let cases: Vec<(&str, Spoil)> = vec![
        ("txn_code", |r| r.txn_code = "S560".into()),
        ("sub_mer_abbr", |r| r.sub_mer_abbr.push('淘')),
        ("order_id", |r| r.order_id = "😀".into()),
        ("mcc", |r| r.mcc = " 54".into()),
        ("term_id", |r| r.term_id = "a\r\nb".into()),
        ("amount_fen", |r| r.amount_fen = 1_000_000_000_000),
        ("installment_fee", |r| {
            r.installment_fee.fen = 100_000_000_000
        }),
        ("installment_count", |r| r.installment_count = Some(100)),
    ];
    for (field, change) in cases {
        let mut r = full_record();
        change(&mut r);
        let err = format_zm_record(&r).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidField, "{field}");
        assert!(err.message().starts_with(field), "{field}: {err}");
    }
}

fn corrupt(at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut file = format_zm_file(&[full_record(), full_record()]).unwrap();
    let start = ZM_LINE_BYTES + 2 + at; // on line 2
    file[start..start + bytes.len()].copy_from_slice(bytes);
    file
}

#[cfg(feature = "gbk")] // the records carry Chinese text
#[test]
fn bad_lines_name_the_line_and_the_field() {
    let check = |file: &[u8], needle: &str| {
        let err = parse_zm(file).unwrap_err();
        assert_eq!(err.code(), ErrorCode::ReconRecordInvalid);
        assert!(
            err.message().contains(needle),
            "expected {needle:?} in {err}"
        );
    };
    // Wrong length.
    let mut file = format_zm_file(&[full_record()]).unwrap();
    file.extend_from_slice(b"S56 too short\r\n");
    check(&file, "ZM line 2: 13 bytes, expected 607");
    // Amount with a non-digit (field 7 starts at byte 3+1+11+1+11+1+6+1+10+1+19+1 = 66).
    check(&corrupt(66, b"X"), "ZM line 2, field 7 (amount_fen)");
    // Bad sign on the fee (field 16).
    let fee_at = [3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10]
        .iter()
        .sum::<usize>()
        + 15;
    check(&corrupt(fee_at, b"X"), "field 16 (merchant_fee)");
    // Impossible month in the trace time (field 5).
    check(&corrupt(35, b"13"), "field 5 (trace_time)");
    // A separator that is not a space: the layout is off.
    check(&corrupt(3, b"X"), "ZM line 2: 607 bytes");
    // Invalid GBK inside a text field (field 1).
    check(&corrupt(0, b"\xff"), "field 1 (txn_code): not valid GBK");
}

#[test]
fn an_archive_error_names_the_member() {
    let files = vec![NamedFile {
        name: "INN15090588ZM_802310048993424".into(),
        bytes: b"short\r\n".to_vec(),
    }];
    let err = parse_archive(&files).unwrap_err();
    assert!(
        err.message()
            .starts_with("INN15090588ZM_802310048993424: ZM line 1"),
        "{err}"
    );
}
