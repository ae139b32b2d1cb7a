//! `acp decode-file`: a file-transfer (76/01) response body on stdin → the archive's
//! members written to a directory, a JSON summary, and with `--parse` one JSON line per
//! reconciliation record (spec §10).

use crate::args::Args;
use crate::host;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use unionpay_acp::crypto::default_backend;
use unionpay_acp::file::{
    classify_member, decode_file_content, parse_archive, ArchiveLimits, NamedFile, Reconciliation,
    SignedAmount, ZmRecord, ZmeRecord,
};
use unionpay_acp::form::parse_sync_body;
use unionpay_acp::{CustomTrust, Error, Fields, Timestamp, TrustProfile, Verifier};

/// Options that take no value (the shared parser gives every option a value).
const FLAGS: &[&str] = &["--parse", "--force"];

/// `acp decode-file [--out DIR] [--force] [--parse] [--trust …] [--at T]`
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let has = |flag: &str| argv.iter().any(|a| a == flag);
    let (parse, force) = (has("--parse"), has("--force"));
    let rest: Vec<String> = argv
        .iter()
        .filter(|a| !FLAGS.contains(&a.as_str()))
        .cloned()
        .collect();
    let args = Args::parse(&rest, &["out", "trust", "at"])?;
    if !args.positional.is_empty() {
        return Err("decode-file reads the response body from stdin and takes no FILE".into());
    }
    if args.one("at").is_some() && args.one("trust").is_none() {
        return Err("--at only applies with --trust".into());
    }
    let body = host::read_stdin()?;
    let fields = match args.one("trust") {
        Some(trust) => match verifier(trust)?.verify_sync_body(&body, now(&args)?) {
            Ok(fields) => fields,
            Err(e) => {
                eprintln!("acp: the response does not verify: {e}");
                return Ok(ExitCode::from(1));
            }
        },
        None => parse_sync_body(&body).map_err(core)?,
    };
    let resp_code = fields.get("respCode").unwrap_or("");
    if resp_code != "00" {
        eprintln!(
            "acp: UnionPay answered respCode={resp_code:?} respMsg={:?}; no file (98: not generated yet or no transactions)",
            fields.get("respMsg").unwrap_or("")
        );
        return Ok(ExitCode::from(1));
    }
    let content = fields
        .get("fileContent")
        .ok_or("respCode is 00 but the response has no fileContent")?;
    let files = decode_file_content(content, &ArchiveLimits::default()).map_err(core)?;
    let out = PathBuf::from(args.one("out").unwrap_or("."));
    write_members(&out, &files, force)?;
    // Parsed after writing: the raw files are the ground truth, useful even when a line
    // does not parse.
    let recon = if parse {
        let parsed = parse_archive(&files)
            .map_err(|e| format!("{} (the files were written to {})", core(e), out.display()))?;
        Some(parsed)
    } else {
        None
    };
    let verified = args.one("trust").is_some();
    let mut lines = vec![summary(&fields, &files, &out, verified, recon.as_ref())];
    if let Some(recon) = recon {
        lines.extend(recon.zm.iter().map(zm_json));
        lines.extend(recon.zme.iter().map(zme_json));
    }
    emit(&lines)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints JSON lines; a closed pipe (`| head`) ends the output quietly instead of panicking
/// the way `println!` does.
fn emit(lines: &[Value]) -> Result<(), String> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        match writeln!(stdout, "{line}") {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(format!("cannot write stdout: {e}")),
        }
    }
    match stdout.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write stdout: {e}"))
        }
        _ => Ok(()),
    }
}

fn core(e: Error) -> String {
    e.to_string()
}

fn verifier(trust: &str) -> Result<Verifier, String> {
    let profile = match trust {
        "test" => TrustProfile::Test,
        "production" => TrustProfile::Production,
        files => {
            let (root, middle) = files
                .split_once(',')
                .ok_or("--trust takes test, production or ROOT.pem,MIDDLE.pem")?;
            let (root, middle) = (host::read_file(root)?, host::read_file(middle)?);
            TrustProfile::Custom(CustomTrust::from_pem(&[&root], &[&middle]).map_err(core)?)
        }
    };
    Verifier::new(profile, default_backend()).map_err(core)
}

fn now(args: &Args) -> Result<Timestamp, String> {
    match args.one("at") {
        Some(at) => Timestamp::parse_rfc3339(at).map_err(core),
        None => Ok(host::now()),
    }
}

/// Writes every member under `dir`. Without `force`, checks first that none exists, so
/// a refusal leaves nothing half-written; `create_new` still guards against races.
#[allow(clippy::disallowed_methods)] // the CLI is the host: it owns the file system
fn write_members(dir: &Path, files: &[NamedFile], force: bool) -> Result<(), String> {
    // Names are already safe relative paths (checked by the core's ZIP reader).
    let targets: Vec<PathBuf> = files.iter().map(|f| dir.join(&f.name)).collect();
    if !force {
        if let Some(existing) = targets.iter().find(|p| p.symlink_metadata().is_ok()) {
            return Err(format!(
                "refusing to overwrite {} (pass --force)",
                existing.display()
            ));
        }
    }
    for (file, path) in files.iter().zip(&targets) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true);
        if force {
            options.create(true).truncate(true);
        } else {
            options.create_new(true);
        }
        let mut handle = options
            .open(path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        std::io::Write::write_all(&mut handle, &file.bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn summary(
    fields: &Fields,
    files: &[NamedFile],
    dir: &Path,
    verified: bool,
    recon: Option<&Reconciliation>,
) -> Value {
    let members: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "name": f.name,
                "kind": classify_member(&f.name).name(),
                "bytes": f.bytes.len(),
                "path": dir.join(&f.name).display().to_string(),
            })
        })
        .collect();
    let mut v = json!({
        "type": "summary",
        "verified": verified,
        "merId": fields.get("merId"),
        "settleDate": fields.get("settleDate"),
        "fileName": fields.get("fileName"),
        "files": members,
    });
    if let Some(recon) = recon {
        let t = recon.zm_totals();
        v["zmRecords"] = json!(t.records);
        v["zmeRecords"] = json!(recon.zme.len());
        v["zmTotals"] = json!({
            "amountFen": t.amount_fen,
            "merchantFeeFen": t.merchant_fee_fen,
            "settleFen": t.settle_fen,
            "netSettleFen": t.net_settle_fen,
        });
    }
    v
}

fn amount_json(a: SignedAmount) -> Value {
    json!({"dc": a.direction.as_str(), "fen": a.fen})
}

fn zm_json(r: &ZmRecord) -> Value {
    // Built from pairs: one json! literal this wide exceeds the macro recursion limit.
    let pairs = [
        ("type", json!("zm")),
        ("txnCode", json!(r.txn_code)),
        ("acquirerCode", json!(r.acquirer_code)),
        ("senderCode", json!(r.sender_code)),
        ("traceNo", json!(r.trace_no)),
        ("traceTime", json!(r.trace_time.to_string())),
        ("panMasked", json!(r.pan_masked)),
        ("amountFen", json!(r.amount_fen)),
        ("mcc", json!(r.mcc)),
        ("terminalType", json!(r.terminal_type)),
        ("queryId", json!(r.query_id)),
        ("payMethodOld", json!(r.pay_method_old)),
        ("orderId", json!(r.order_id)),
        ("payCardType", json!(r.pay_card_type)),
        ("origTraceNo", json!(r.orig_trace_no)),
        ("origTxnTime", json!(r.orig_txn_time.map(|t| t.to_string()))),
        ("merchantFee", json!(amount_json(r.merchant_fee))),
        ("settleAmount", json!(amount_json(r.settle_amount))),
        ("payMethod", json!(r.pay_method)),
        ("groupMerId", json!(r.group_mer_id)),
        ("txnType", json!(r.txn_type)),
        ("txnSubType", json!(r.txn_sub_type)),
        ("bizType", json!(r.biz_type)),
        ("accType", json!(r.acc_type)),
        ("billType", json!(r.bill_type)),
        ("billNo", json!(r.bill_no)),
        ("interactionMode", json!(r.interaction_mode)),
        ("origQueryId", json!(r.orig_query_id)),
        ("merId", json!(r.mer_id)),
        ("splitMode", json!(r.split_mode)),
        ("subMerId", json!(r.sub_mer_id)),
        ("subMerAbbr", json!(r.sub_mer_abbr)),
        (
            "subMerSplitAmount",
            json!(amount_json(r.sub_mer_split_amount)),
        ),
        ("netSettleAmount", json!(amount_json(r.net_settle_amount))),
        ("termId", json!(r.term_id)),
        ("reqReserved", json!(r.req_reserved)),
        ("discountAmount", json!(amount_json(r.discount_amount))),
        ("invoiceAmount", json!(amount_json(r.invoice_amount))),
        ("installmentFee", json!(amount_json(r.installment_fee))),
        ("installmentCount", json!(r.installment_count)),
        ("medium", json!(r.medium)),
        ("field41", json!(r.field41)),
        ("reserved", json!(r.reserved)),
    ];
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Map<_, _>>(),
    )
}

fn zme_json(r: &ZmeRecord) -> Value {
    json!({"type": "zme", "lineNo": r.line_no, "text": r.text, "fields": r.fields})
}
