//! `acp sandbox`: runs the local gateway (acp-sandbox) in the foreground.
//!
//! The first line of stdout is the base URL (scripts read it); everything else goes to
//! stderr. It runs until Ctrl-C / SIGTERM (the state is saved after every change, so
//! nothing is lost), or — with `--exit-on-eof` — until stdin is closed, which shuts down
//! cleanly (useful when a parent process owns the sandbox).

use acp_sandbox::{Sandbox, SandboxConfig, MIDDLE_PEM, ROOT_PEM};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use unionpay_acp::Timestamp;

const HELP: &str = "usage: acp sandbox [--port N] [--bind ADDR] [--state DIR] [--notify-speed F]
                   [--now RFC3339] [--txn-time-tolerance SECS] [--lenient] [--tls]
                   [--exit-on-eof] [--print-trust]

  --port N           port to listen on (default 0: a free port; the URL is printed)
  --bind ADDR        address or address:port (default 127.0.0.1)
  --state DIR        keep the state as JSON in DIR and reload it at start
  --notify-speed F   divide the notification retry schedule (0, 1, 2, 4 min) by F
  --now RFC3339      start the sandbox clock at this time
  --txn-time-tolerance SECS
                     accept a new transaction's txnTime up to SECS away from Beijing
                     time (default 300, like the real gateway; 86400 relaxes it for a
                     client that cannot send Beijing time yet)
  --lenient          accept every API at every gateway path
  --tls              serve HTTPS (https://127.0.0.1:PORT) with the sandbox's certificate
                     for localhost / 127.0.0.1 / ::1, issued by its test CA: trust the
                     root that --print-trust prints (the same CA signs its messages)
  --exit-on-eof      also stop (cleanly) when stdin is closed
  --print-trust      print the sandbox root + middle certificates (PEM) and exit: the
                     trust of its signatures and, with --tls, of its HTTPS certificate

Stops on Ctrl-C. The first stdout line is the base URL.";

/// `acp sandbox …`
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let mut config = SandboxConfig::default();
    let mut ip: IpAddr = [127, 0, 0, 1].into();
    let mut port: Option<u16> = None;
    let mut exit_on_eof = false;
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name {
            "--print-trust" => {
                print!("{ROOT_PEM}{MIDDLE_PEM}");
                return Ok(ExitCode::SUCCESS);
            }
            "-h" | "--help" => {
                println!("{HELP}");
                return Ok(ExitCode::SUCCESS);
            }
            "--port" => {
                port = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--port needs a number 0-65535")?,
                )
            }
            "--bind" => {
                let v = value()?;
                if let Ok(addr) = v.parse::<SocketAddr>() {
                    ip = addr.ip();
                    port = port.or(Some(addr.port()));
                } else {
                    ip = v
                        .parse()
                        .map_err(|_| format!("--bind {v}: not an IP address or IP:port"))?;
                }
            }
            "--state" => config.state_dir = Some(PathBuf::from(value()?)),
            "--notify-speed" => {
                let speed: f64 = value()?
                    .parse()
                    .map_err(|_| "--notify-speed needs a number")?;
                if !(speed.is_finite() && speed > 0.0) {
                    return Err("--notify-speed must be a positive number".into());
                }
                config.notify_speed = speed;
            }
            "--now" => {
                let now = Timestamp::parse_rfc3339(&value()?).map_err(|e| e.to_string())?;
                config.clock.set_now(now);
            }
            "--txn-time-tolerance" => {
                let secs: i64 = value()?
                    .parse()
                    .ok()
                    .filter(|s| *s >= 0)
                    .ok_or("--txn-time-tolerance needs a number of seconds")?;
                config.rules.txn_time_past_secs = secs;
                config.rules.txn_time_future_secs = secs;
            }
            "--lenient" => config.lenient_endpoints = true,
            "--tls" => config.tls = Some(acp_sandbox::http::TlsIdentity::sandbox()),
            "--exit-on-eof" => exit_on_eof = true,
            other => return Err(format!("unknown option {other}; run `acp sandbox --help`")),
        }
    }
    config.bind = SocketAddr::new(ip, port.unwrap_or(0));
    let mut sandbox = Sandbox::start(config).map_err(|e| e.to_string())?;
    let url = sandbox.base_url();
    println!("{url}");
    let _ = std::io::stdout().flush();
    eprintln!("acp-sandbox listening on {url} (test keys only; never use them for real merchants)");
    eprintln!("  back   {url}/gateway/api/backTransReq.do");
    eprintln!("  front  {url}/gateway/api/frontTransReq.do");
    eprintln!("  query  {url}/gateway/api/queryTrans.do");
    eprintln!("  file   {url}/");
    eprintln!("  trust  {url}/_sandbox/trust  (or `acp sandbox --print-trust`)");
    eprintln!(
        "  merchant certIds accepted: {}",
        sandbox.merchant_cert_ids().join(", ")
    );
    if exit_on_eof {
        eprintln!("stop with Ctrl-C or by closing stdin");
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        sandbox.shutdown();
        eprintln!("acp-sandbox stopped");
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("stop with Ctrl-C");
    loop {
        std::thread::park();
    }
}
