//! `fake-endpoint [--port N] [--tls] [--no-auth] [--generate NAME=SIZE[:CATEGORY[:VERSION]]]...
//!  [--throttle BPS] [--ca-out PATH]`
//!
//! Prints `URL <base_url>` on one line, then serves until SIGTERM / SIGINT.

use std::io::Write;
use std::process::ExitCode;

use fake_endpoint::{Config, FileSpec, Server};

const USAGE: &str = "usage: fake-endpoint [--port N] [--tls] [--no-auth] \
[--generate NAME=SIZE[:CATEGORY[:VERSION]]]... [--throttle BPS] [--ca-out PATH]";

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1u64 << 10),
        'm' | 'M' => (&s[..s.len() - 1], 1u64 << 20),
        'g' | 'G' => (&s[..s.len() - 1], 1u64 << 30),
        _ => (s, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mult)
}

fn seed_of(name: &str) -> u64 {
    // FNV-1a
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn parse_generate(arg: &str) -> Option<FileSpec> {
    let (name, rest) = arg.split_once('=')?;
    if name.is_empty() {
        return None;
    }
    let mut parts = rest.splitn(3, ':');
    let size = parse_size(parts.next()?)?;
    let mut spec = FileSpec::generated(name, size, seed_of(name));
    if let Some(cat) = parts.next().filter(|c| !c.is_empty()) {
        spec.category = cat.to_string();
        if cat == "other" {
            spec.version = None;
        }
    }
    if let Some(ver) = parts.next() {
        spec.version = if ver.is_empty() {
            None
        } else {
            Some(ver.to_string())
        };
    }
    Some(spec)
}

fn main() -> ExitCode {
    let mut cfg = Config::default();
    let mut ca_out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| -> Result<String, ExitCode> {
            args.next().ok_or_else(|| {
                eprintln!("fake-endpoint: {flag} needs a value\n{USAGE}");
                ExitCode::from(2)
            })
        };
        let res: Result<(), ExitCode> = (|| {
            match arg.as_str() {
                "--port" => {
                    let v = value("--port")?;
                    cfg.port = v.parse().map_err(|_| {
                        eprintln!("fake-endpoint: bad port {v:?}");
                        ExitCode::from(2)
                    })?;
                }
                "--tls" => cfg.tls = true,
                "--no-auth" => cfg.require_auth = false,
                "--generate" => {
                    let v = value("--generate")?;
                    let spec = parse_generate(&v).ok_or_else(|| {
                        eprintln!("fake-endpoint: bad --generate {v:?}\n{USAGE}");
                        ExitCode::from(2)
                    })?;
                    cfg.extra_files.push(spec);
                }
                "--throttle" => {
                    let v = value("--throttle")?;
                    cfg.throttle_bps = Some(parse_size(&v).ok_or_else(|| {
                        eprintln!("fake-endpoint: bad --throttle {v:?}");
                        ExitCode::from(2)
                    })?);
                }
                "--ca-out" => ca_out = Some(value("--ca-out")?),
                "-h" | "--help" => {
                    println!("{USAGE}");
                    return Err(ExitCode::SUCCESS);
                }
                other => {
                    eprintln!("fake-endpoint: unknown argument {other:?}\n{USAGE}");
                    return Err(ExitCode::from(2));
                }
            }
            Ok(())
        })();
        if let Err(code) = res {
            return code;
        }
    }

    let server = Server::start(cfg);
    if let (Some(out), Some(pem)) = (&ca_out, server.ca_pem_path())
        && let Err(e) = std::fs::copy(&pem, out)
    {
        eprintln!("fake-endpoint: cannot write {out}: {e}");
        return ExitCode::from(1);
    }
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "URL {}", server.base_url());
        let _ = stdout.flush();
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    });
    drop(server);
    ExitCode::SUCCESS
}
