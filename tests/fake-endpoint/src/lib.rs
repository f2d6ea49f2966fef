//! A local test double of the Magento downloads endpoint
//! (`/products/downloads/`), as `docs/endpoint.md` describes it.
//!
//! [`Server::start`] binds two loopback listeners (the main endpoint and a
//! second "CDN" origin), serves them from a background thread with its own
//! tokio runtime, records every request, and lets tests flip fault switches
//! while it runs via [`Server::update`].

mod catalog;
mod content;
mod http;
mod tls;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub use catalog::{default_catalog, fixture_body};
use content::Content;

/// Which listener a request arrived on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
    Main,
    Second,
}

/// One request as the double saw it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub listener: Listener,
    pub method: String,
    /// Raw request path as received (still percent-encoded), without the query.
    pub path: String,
    pub range: Option<String>,
    pub if_range: Option<String>,
    /// An `Authorization` header arrived.
    pub authorization: bool,
    pub authorization_value: Option<String>,
    pub accept_encoding: Option<String>,
    pub referer: Option<String>,
    pub user_agent: Option<String>,
    /// What the double answered (0 while the response is still being prepared).
    pub status: u16,
}

/// How the `md5` of a file is published.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Md5 {
    /// The MD5 of the current body.
    #[default]
    Correct,
    /// `""` in the feed, blank table cell.
    Empty,
    /// No `md5` key in the feed, blank table cell.
    Absent,
    /// This exact string.
    Wrong(String),
}

/// A file body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Bytes(Vec<u8>),
    /// Deterministic pseudo-random bytes; never held in memory whole.
    Generated {
        size: u64,
        seed: u64,
    },
}

/// One catalogue entry = one listing row / one feed object. A patch listed
/// under several version keys is registered once per key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSpec {
    /// `ce-full` | `ce-patch` | `ee-full` | `ee-patch` | `other` | anything.
    pub category: String,
    /// Version key; `None` for `other`.
    pub version: Option<String>,
    /// File Description / `name`.
    pub title: String,
    pub file_name: String,
    pub body: Body,
    pub md5: Md5,
    /// For patches: the `ce_versions` / `ee_versions` list (empty → `[version]`).
    pub extra_versions: Vec<String>,
    /// `YYYY-MM-DD HH:MM:SS` (UTC); table cell and `Last-Modified`.
    pub date: String,
}

impl FileSpec {
    /// A `ce-full` entry with a generated body (title = file name).
    pub fn generated(file_name: &str, size: u64, seed: u64) -> FileSpec {
        FileSpec {
            category: "ce-full".to_string(),
            version: Some("9.9.9".to_string()),
            title: file_name.to_string(),
            file_name: file_name.to_string(),
            body: Body::Generated { size, seed },
            md5: Md5::Correct,
            extra_versions: Vec::new(),
            date: "2024-01-01 00:00:00".to_string(),
        }
    }

    /// A `ce-full` entry with fixed bytes (title = file name).
    pub fn bytes(file_name: &str, body: Vec<u8>) -> FileSpec {
        FileSpec {
            body: Body::Bytes(body),
            ..FileSpec::generated(file_name, 0, 0)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum AuthFail {
    #[default]
    None,
    /// Every request under the prefix gets `401` (+ challenge) even with valid credentials.
    Status401,
    /// Every request under the prefix gets `403 Access denied.`.
    Status403,
    /// `file/` requests get `200` with the 25-byte body `Access denied: bad token\n`.
    Ok200Text,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Redirect {
    #[default]
    Off,
    /// `302` to `/products/downloads/cdn/<random>/<name>` on the main listener (no auth).
    SameOrigin,
    /// `302` to the second listener's `/products/downloads/cdn/<random>/<name>` (no auth).
    CrossOrigin,
    /// `302` to this exact absolute URL.
    To(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OtherShape {
    /// `"other": [ {...}, ... ]` (the shape the built-in feed uses).
    #[default]
    List,
    /// `"other": { "<version or \"\">": [ ... ] }`.
    DictOfLists,
    /// `"other": { "<file_name>": {...} }`.
    DictOfObjects,
}

/// Switches of the double: every unknown of the real endpoint, and faults. `Default` gives the
/// normal behaviour.
#[derive(Clone, Debug)]
pub struct Config {
    /// Port of the main listener (0 = ephemeral). Only read by `start`.
    pub port: u16,
    pub tls: bool,
    pub catalog: bool,
    pub extra_files: Vec<FileSpec>,
    pub require_auth: bool,
    /// Extra `(MAGEID, token, ee_entitled)` accounts besides the two defaults.
    pub accounts: Vec<(String, String, bool)>,
    pub auth_fail: AuthFail,
    pub entitlement_fail: u16,
    pub ranges: bool,
    pub validators: bool,
    pub redirect: Redirect,
    pub truncate_at: Option<u64>,
    pub truncate_times: u32,
    pub stall_after: Option<u64>,
    pub stall_for_ms: u64,
    pub stall_times: u32,
    pub status_sequence: Vec<(u16, Option<u64>)>,
    pub throttle_bps: Option<u64>,
    /// The body rate of the first range answer (206) only, in bytes per
    /// second: one slow connection among fast ones.
    pub throttle_first_range_bps: Option<u64>,
    /// Offer `Accept-Ranges: bytes` but answer every range with a 200 of
    /// the whole file (a server that lies about ranges).
    pub ignore_ranges: bool,
    pub change_after: Option<u32>,
    /// Serve a range even when `If-Range` names another version (busybox
    /// httpd and some object stores do): a 206 of the *new* content.
    pub ignore_if_range: bool,
    pub wrong_content_range: bool,
    pub gzip: bool,
    /// Label file answers `Content-Encoding: x-gzip` without compressing
    /// them (Apache's `AddEncoding x-gzip .gz`).
    pub label_gzip: bool,
    pub content_disposition: Option<String>,
    pub corrupt: bool,
    pub json_extra_fields: bool,
    pub json_fail: Option<u16>,
    /// `info/json` streams without end (a broken or hostile server).
    pub json_endless: bool,
    /// `info/json`'s connection breaks after the headers (a transport
    /// failure, unlike `json_fail`).
    pub json_broken: bool,
    pub other_shape: OtherShape,
    pub patch_shape_list: bool,
    pub delay_ms: u64,
    pub no_content_length: bool,
    pub body_longer_by: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            tls: false,
            catalog: true,
            extra_files: Vec::new(),
            require_auth: true,
            accounts: Vec::new(),
            auth_fail: AuthFail::None,
            entitlement_fail: 403,
            ranges: true,
            validators: true,
            redirect: Redirect::Off,
            truncate_at: None,
            truncate_times: 1,
            stall_after: None,
            stall_for_ms: 0,
            stall_times: 1,
            status_sequence: Vec::new(),
            throttle_bps: None,
            throttle_first_range_bps: None,
            ignore_ranges: false,
            change_after: None,
            ignore_if_range: false,
            wrong_content_range: false,
            gzip: false,
            label_gzip: false,
            content_disposition: None,
            corrupt: false,
            json_extra_fields: false,
            json_fail: None,
            json_endless: false,
            json_broken: false,
            other_shape: OtherShape::List,
            patch_shape_list: false,
            delay_ms: 0,
            no_content_length: false,
            body_longer_by: 0,
        }
    }
}

/// The two built-in accounts: CE-only, and partner (CE + EE).
pub const CE_USER: &str = "MAG000000001";
pub const CE_TOKEN: &str = "1111111111111111111111111111111111111111";
pub const EE_USER: &str = "MAG000000002";
pub const EE_TOKEN: &str = "2222222222222222222222222222222222222222";

pub(crate) struct Entry {
    pub spec: FileSpec,
    pub builtin: bool,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub started_gets: u32,
    pub truncations: u32,
    pub stalls: u32,
    pub redirects: u64,
    /// Range answers (206) started.
    pub range_answers: u32,
    /// TLS handshakes that failed (e.g. the client rejected the certificate).
    pub tls_failures: u32,
}

/// (seed, size) → lazily computed MD5 of a generated body.
type Md5Cache = HashMap<(u64, u64), Arc<content::Md5Slot>>;

pub(crate) struct Shared {
    pub cfg: Mutex<Config>,
    pub files: Mutex<Vec<Entry>>,
    pub requests: Mutex<Vec<(u64, RecordedRequest)>>,
    next_request: std::sync::atomic::AtomicU64,
    pub counters: Mutex<Counters>,
    md5_cache: Mutex<Md5Cache>,
    /// Set on drop: background hashing gives up.
    pub stopping: AtomicBool,
    pub scheme: &'static str,
    pub main_port: u16,
    pub second_port: u16,
}

impl Shared {
    /// Current generation (1 once `change_after` file GETs have started).
    pub(crate) fn generation(&self, cfg: &Config) -> u64 {
        let started = self.counters.lock().unwrap().started_gets;
        match cfg.change_after {
            Some(k) if started >= k => 1,
            _ => 0,
        }
    }

    /// The content of `spec` in generation `generation` (before `corrupt`).
    pub(crate) fn content(spec: &FileSpec, generation: u64) -> Content {
        match &spec.body {
            Body::Generated { size, seed } => Content::Generated {
                size: *size,
                seed: seed.wrapping_add(generation),
            },
            Body::Bytes(b) => {
                if generation == 0 {
                    Content::Bytes(Arc::new(b.clone()))
                } else {
                    let mut v = b.clone();
                    match v.last_mut() {
                        Some(last) => *last ^= 0x01,
                        None => v.push(b'!'),
                    }
                    Content::Bytes(Arc::new(v))
                }
            }
        }
    }

    fn md5_slot(&self, size: u64, seed: u64) -> Arc<content::Md5Slot> {
        self.md5_cache
            .lock()
            .unwrap()
            .entry((seed, size))
            .or_default()
            .clone()
    }

    /// MD5 of `content`; generated bodies are hashed once and cached.
    pub(crate) fn md5_of(&self, content: &Content) -> String {
        match content {
            Content::Bytes(b) => content::md5_hex(b),
            Content::Generated { size, seed } => self.md5_slot(*size, *seed).get(content),
        }
    }

    /// Register (or replace: same name, category and version) a file.
    pub(crate) fn register(self: &Arc<Self>, spec: FileSpec, builtin: bool) {
        if let Body::Generated { .. } = spec.body {
            // Warm the md5 cache in the background.
            let me = Arc::clone(self);
            let c = Shared::content(&spec, 0);
            if let Content::Generated { size, seed } = c {
                let slot = me.md5_slot(size, seed);
                std::thread::spawn(move || slot.warm(&c, &me.stopping));
            }
        }
        let mut files = self.files.lock().unwrap();
        if let Some(e) = files.iter_mut().find(|e| {
            e.spec.file_name == spec.file_name
                && e.spec.category == spec.category
                && e.spec.version == spec.version
        }) {
            e.spec = spec;
            e.builtin = builtin;
        } else {
            files.push(Entry { spec, builtin });
        }
    }

    /// Specs currently in the catalogue (respecting `cfg.catalog`).
    pub(crate) fn specs(&self, cfg: &Config) -> Vec<FileSpec> {
        self.files
            .lock()
            .unwrap()
            .iter()
            .filter(|e| cfg.catalog || !e.builtin)
            .map(|e| e.spec.clone())
            .collect()
    }

    pub(crate) fn record(&self, rec: RecordedRequest) -> u64 {
        let id = self
            .next_request
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.requests.lock().unwrap().push((id, rec));
        id
    }

    pub(crate) fn set_status(&self, id: u64, status: u16) {
        let mut reqs = self.requests.lock().unwrap();
        if let Some((_, r)) = reqs.iter_mut().rev().find(|(i, _)| *i == id) {
            r.status = status;
        }
    }

    /// A fresh random-looking path segment for redirect targets.
    pub(crate) fn random_token(&self) -> String {
        let n = {
            let mut c = self.counters.lock().unwrap();
            c.redirects += 1;
            c.redirects
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let mut z = nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        format!("{:016x}", z ^ (z >> 31))
    }

    pub(crate) fn base_url_for(&self, port: u16) -> String {
        format!("{}://127.0.0.1:{}/products/downloads/", self.scheme, port)
    }
}

/// The running double. Dropping it stops the listeners and the runtime thread.
pub struct Server {
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
    ca_pem: Option<PathBuf>,
    registered_extra: Mutex<Vec<FileSpec>>,
}

impl Server {
    /// Binds `127.0.0.1:cfg.port` (main) and `127.0.0.1:0` (second) and
    /// serves them from a background thread. Panics if binding fails.
    pub fn start(cfg: Config) -> Server {
        let main =
            std::net::TcpListener::bind(("127.0.0.1", cfg.port)).expect("bind main listener");
        let second = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind second listener");
        main.set_nonblocking(true).expect("nonblocking");
        second.set_nonblocking(true).expect("nonblocking");
        let main_port = main.local_addr().unwrap().port();
        let second_port = second.local_addr().unwrap().port();

        let (tls_cfg, ca_pem) = if cfg.tls {
            let (server_cfg, ca_pem_text) = tls::make_server_config();
            let path = tls::write_temp_pem(&ca_pem_text);
            (Some(server_cfg), Some(path))
        } else {
            (None, None)
        };

        let extra = cfg.extra_files.clone();
        let shared = Arc::new(Shared {
            scheme: if cfg.tls { "https" } else { "http" },
            cfg: Mutex::new(cfg),
            files: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            next_request: std::sync::atomic::AtomicU64::new(0),
            counters: Mutex::new(Counters::default()),
            md5_cache: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
            main_port,
            second_port,
        });
        for spec in default_catalog() {
            shared.register(spec, true);
        }
        for spec in extra.iter().cloned() {
            shared.register(spec, false);
        }

        let (tx, rx) = tokio::sync::watch::channel(false);
        let sh = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("fake-endpoint".to_string())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                rt.block_on(http::serve(sh, main, second, tls_cfg, rx));
                rt.shutdown_timeout(std::time::Duration::from_millis(200));
            })
            .expect("spawn server thread");

        Server {
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
            ca_pem,
            registered_extra: Mutex::new(extra),
        }
    }

    /// `http(s)://127.0.0.1:PORT/products/downloads/` (always ends with `/`).
    pub fn base_url(&self) -> String {
        self.shared.base_url_for(self.shared.main_port)
    }

    pub fn port(&self) -> u16 {
        self.shared.main_port
    }

    /// Base URL of the second ("CDN") listener, same scheme and prefix.
    pub fn second_base_url(&self) -> String {
        self.shared.base_url_for(self.shared.second_port)
    }

    pub fn second_port(&self) -> u16 {
        self.shared.second_port
    }

    /// With `tls`: a PEM file holding the CA certificate (removed on drop).
    pub fn ca_pem_path(&self) -> Option<PathBuf> {
        self.ca_pem.clone()
    }

    /// Every request on either listener, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .requests
            .lock()
            .unwrap()
            .iter()
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// How many TLS handshakes failed on either listener.
    pub fn tls_failures(&self) -> u32 {
        self.shared.counters.lock().unwrap().tls_failures
    }

    pub fn clear_requests(&self) {
        self.shared.requests.lock().unwrap().clear();
    }

    /// Change switches while running. New entries appended to
    /// `extra_files` are registered too.
    pub fn update(&self, f: impl FnOnce(&mut Config)) {
        let extra = {
            let mut cfg = self.shared.cfg.lock().unwrap();
            f(&mut cfg);
            cfg.extra_files.clone()
        };
        let mut reg = self.registered_extra.lock().unwrap();
        for spec in extra {
            if !reg.contains(&spec) {
                self.shared.register(spec.clone(), false);
                reg.push(spec);
            }
        }
    }

    /// Add (or replace: same file name, category and version) a catalogue entry.
    pub fn add_file(&self, spec: FileSpec) {
        self.shared.register(spec, false);
    }

    /// The current body of `name` as the feed's md5 describes it (after
    /// `change_after`, without `corrupt`); `None` if unknown.
    pub fn file_bytes(&self, name: &str) -> Option<Vec<u8>> {
        self.with_current_content(name, |c| c.to_vec())
    }

    /// The md5 the feed currently publishes for `name` when its `md5` is
    /// `Correct` (i.e. the MD5 of [`Server::file_bytes`]).
    pub fn file_md5(&self, name: &str) -> Option<String> {
        self.with_current_content(name, |c| self.shared.md5_of(c))
    }

    /// Applies `f` to the current content of `name` (after `change_after`).
    fn with_current_content<T>(&self, name: &str, f: impl FnOnce(&Content) -> T) -> Option<T> {
        let cfg = self.shared.cfg.lock().unwrap().clone();
        let spec = self
            .shared
            .specs(&cfg)
            .into_iter()
            .find(|s| s.file_name == name)?;
        let generation = self.shared.generation(&cfg);
        Some(f(&Shared::content(&spec, generation)))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::Relaxed);
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(p) = self.ca_pem.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}
