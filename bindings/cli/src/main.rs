//! The `acp` command: JSON in, JSON out, so any tool can drive the core.

mod args;
mod commands;
mod decode_file;
mod host;
mod sandbox_cmd;

use std::process::ExitCode;

const USAGE: &str = "usage: acp <command> [options]

commands:
  inspect FILE [--password P]          certificate or PFX details as JSON
  sign --pfx FILE --password P [--sign-method 01|11|12] [--secure-key K]
                                       JSON fields on stdin -> signed JSON on stdout
  verify [--trust test|production|ROOT.pem,MIDDLE.pem] [--at RFC3339] [--secure-key K]
         [--verify-cert FILE]... [--body sync|notify]
                                       JSON fields (or a raw body) on stdin -> verdict
  encrypt --cert FILE                  plaintext on stdin -> base64
  decrypt --pfx FILE --password P      base64 on stdin -> plaintext
  decode-file [--out DIR] [--force] [--parse] [--trust test|production|ROOT.pem,MIDDLE.pem [--at T]]
                                       file-transfer response body on stdin -> files in DIR, JSON
                                       summary (--parse: + one JSON line per record); UNVERIFIED
                                       unless --trust is given
  errors                               the error catalogue (errors.json)
  settings                             the client settings schema (settings.json)
  sandbox [--port N] [--bind ADDR] [--state DIR] [--notify-speed F] [--tls] [--print-trust]
                                       run the local gateway sandbox (see `acp sandbox --help`)";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "inspect" => commands::inspect(rest),
        "sign" => commands::sign(rest),
        "verify" => commands::verify(rest),
        "encrypt" => commands::encrypt(rest),
        "decrypt" => commands::decrypt(rest),
        "sandbox" => sandbox_cmd::run(rest),
        "decode-file" => decode_file::run(rest),
        "errors" => {
            print!("{}", unionpay_acp::error::catalogue_json());
            Ok(ExitCode::SUCCESS)
        }
        "settings" => {
            print!("{}", unionpay_acp::client::settings::schema_json());
            Ok(ExitCode::SUCCESS)
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command '{other}'; run `acp --help`")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("acp: {}", message.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}
