//! `acp decode-file`: a file-transfer (76/01) response body on stdin → the archive's
//! members written to a directory, a JSON summary, and with `--parse` one JSON line per
//! reconciliation record (spec §10).

use crate::args::Args;
use crate::host;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use unionpay_acp::crypto::default_backend;
use unionpay_acp::file::{
    classify_member, decode_file_content, parse_archive, ArchiveLimits, NamedFile, Reconciliation,
    ZmRecord, ZmeRecord,
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
        v["zmTotals"] = serde_json::to_value(t).unwrap_or(Value::Null);
    }
    v
}

/// A ZM record in the core's JSON shape (the one every binding shares), tagged.
fn zm_json(r: &ZmRecord) -> Value {
    tagged("zm", serde_json::to_value(r))
}

fn tagged(kind: &str, v: serde_json::Result<Value>) -> Value {
    let mut v = v.unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("type".to_owned(), json!(kind));
    }
    v
}

fn zme_json(r: &ZmeRecord) -> Value {
    tagged("zme", serde_json::to_value(r))
}
