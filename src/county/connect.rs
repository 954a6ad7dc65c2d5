//! Reaching the county's PostgreSQL server: the URL read as libpq reads it (`sslmode`, `sslrootcert`,
//! `PGPASSWORD`, the password file), TLS through rustls, and every message that names the server with its password masked.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use super::CountyError;

/// How a connection is encrypted, as libpq's `sslmode` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS when the server offers it (libpq's default): encrypted, the certificate not checked.
    Prefer,
    /// TLS or no connection; the certificate is checked only against `sslrootcert` when one is given.
    Require,
    /// TLS with the server's certificate signed by `sslrootcert`.
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host connected to.
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Option<SslMode> {
        Some(match text {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }
}

/// A server to connect to, read from a URL (`postgresql://user:password@host:port/db?sslmode=require`) or
/// libpq's `key=value` form.
#[derive(Clone)]
pub struct Target {
    config: postgres::Config,
    /// The URL as messages show it: the password replaced by `***`.
    pub shown: String,
    /// The URL's texts as given and as the client library was given it: where a message quotes one, it shows
    /// `shown` instead.
    quoted: Vec<String>,
    pub ssl: SslMode,
    root_cert: Option<std::path::PathBuf>,
    /// How long a connection attempt may take, start-up and login included: the URL's `connect_timeout`, else
    /// [`CONNECT_TIMEOUT`].
    timeout: Duration,
}

/// How long a connection attempt may take when the URL gives no `connect_timeout`. A server that takes the
/// connection and never answers (a hung server, a half-open VPN, another service on the port) would otherwise
/// hold a push for ever with no word.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("url", &self.shown).field("ssl", &self.ssl).finish()
    }
}

/// libpq's connection parameters: a `?` followed by one of them and `=` starts a URL's query string. A `?`
/// followed by anything else is part of a password written unencoded (`pw?x@host`).
const PARAMETERS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "require_auth",
    "channel_binding",
    "connect_timeout",
    "client_encoding",
    "options",
    "application_name",
    "fallback_application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "replication",
    "gssencmode",
    "sslmode",
    "sslnegotiation",
    "requiressl",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslpassword",
    "sslcertmode",
    "sslrootcert",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "krbsrvname",
    "gsslib",
    "gssdelegation",
    "service",
    "target_session_attrs",
    "load_balance_hosts",
];

/// A `postgres://` or `postgresql://` URL cut into its parts, as canbao reads it for connecting and for every
/// message: one reading, so the host a message names is the host connected to.
#[derive(Debug, PartialEq, Eq)]
struct UrlParts<'a> {
    /// `postgresql://`
    scheme: &'a str,
    /// The user as written (percent-encoded or not); None without an `@`.
    user: Option<&'a str>,
    /// The password as written; None without a `:` in the user part.
    password: Option<&'a str>,
    /// Hosts, database and query string: everything after the user part.
    rest: &'a str,
}

/// The user part ends at the last `@` before the query string: a password may hold `@`, `/`, `?`, `#` or `:`
/// unencoded, which the client library (it ends the user part at the first `@`) would misread. The query string
/// starts at a `?` followed by one of libpq's parameters (`?sslmode=`), so a `password=` parameter may hold `@`.
fn url_parts(url: &str) -> Option<UrlParts<'_>> {
    let lower = url.get(..13).unwrap_or(url).to_ascii_lowercase();
    let scheme_len = ["postgresql://", "postgres://"].iter().find(|p| lower.starts_with(*p))?.len();
    let (scheme, after) = url.split_at(scheme_len);
    let query = after
        .match_indices('?')
        .map(|(i, _)| i)
        .find(|&i| {
            let tail = &after[i + 1..];
            PARAMETERS.iter().any(|p| tail.strip_prefix(p).is_some_and(|t| t.starts_with('=')))
        })
        .unwrap_or(after.len());
    let Some(at) = after[..query].rfind('@') else {
        return Some(UrlParts { scheme, user: None, password: None, rest: after });
    };
    let userinfo = &after[..at];
    let (user, password) = match userinfo.split_once(':') {
        Some((user, password)) => (user, Some(password)),
        None => (userinfo, None),
    };
    Some(UrlParts { scheme, user: Some(user), password, rest: &after[at + 1..] })
}

/// The URL with any password in it replaced by `***`: in the user part (`user:secret@`) and as a
/// `password=` parameter (in a query string or the `key=value` form). An address mistyped with another scheme
/// (`http://user:secret@host`) or none (`user:secret@host`) is masked the same way: what lies between the
/// first `:` and the last `@` could be a password.
pub fn masked(url: &str) -> String {
    let out = match url_parts(url) {
        Some(UrlParts { scheme, user: Some(user), password: Some(_), rest }) => format!("{scheme}{user}:***@{rest}"),
        Some(_) => url.to_owned(),
        None => masked_user_part(url).unwrap_or_else(|| url.to_owned()),
    };
    mask_password_parameters(&out)
}

/// `scheme://user:secret@rest` or `user:secret@rest` (any scheme or none) with the secret masked; None when
/// the text has no such user part (or is libpq's `key=value` form, whose password is a parameter).
fn masked_user_part(text: &str) -> Option<String> {
    let scheme_len = text
        .find("://")
        .filter(|&i| i > 0 && text[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .map_or(0, |i| i + 3);
    let (scheme, after) = text.split_at(scheme_len);
    let at = after.rfind('@')?;
    let userinfo = &after[..at];
    if userinfo.contains(['=', ' ']) {
        return None;
    }
    let (user, _) = userinfo.split_once(':')?;
    Some(format!("{scheme}{user}:***@{}", &after[at + 1..]))
}

/// libpq's `key=value` form (`host=db user=office`), which the client library reads as well as a URL.
fn key_value_form(text: &str) -> bool {
    text.split_whitespace()
        .next()
        .and_then(|w| w.split_once('='))
        .is_some_and(|(key, _)| !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// What is wrong with an address the client library could not read, in Chinese with its English.
fn parse_reason(e: &postgres::Error) -> String {
    let text = error_text(e);
    let option = |name: &str| text.contains(&format!("option `{name}`"));
    if option("port") {
        "端口号无效，应为 1 到 65535 之间的数字，例如 postgresql://用户@服务器:5432/数据库 \
         (invalid port: a number from 1 to 65535)"
            .into()
    } else if option("host") || option("hostaddr") {
        "服务器地址无效 (invalid host)".into()
    } else if option("connect_timeout") {
        "connect_timeout 应为秒数，例如 connect_timeout=10 (connect_timeout must be a number of seconds)".into()
    } else if let Some(unknown) = text.split("unknown option `").nth(1).and_then(|t| t.split('`').next()) {
        format!("地址中有不认识的设置“{unknown}” (unknown option `{unknown}`)")
    } else {
        text
    }
}

/// Every `password=` value in `text` replaced by `***` (to the next `&`, space or closing quote).
fn mask_password_parameters(text: &str) -> String {
    let mut masked = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("password=") {
        let value_start = i + "password=".len();
        masked.push_str(&rest[..value_start]);
        masked.push_str("***");
        let tail = &rest[value_start..];
        let end = if let Some(quoted) = tail.strip_prefix('\'') {
            quoted.find('\'').map_or(tail.len(), |j| j + 2)
        } else {
            tail.find(['&', ' ', '\'', '"', '\n']).unwrap_or(tail.len())
        };
        rest = &tail[end..];
    }
    masked.push_str(rest);
    masked
}

/// `text` with the password masked where it quotes a server's address: each of `quoted` (the exact texts of
/// the URL that were given) becomes `shown`, any other `postgres(ql)://` URL in it (to the next space) is
/// masked, and so is any `password=` parameter. The rest of the text is left as it is: masking the password's
/// characters wherever they turn up would mangle the message and show where they turn up.
pub fn scrub(text: &str, quoted: &[String], shown: &str) -> String {
    let mut quoted: Vec<&String> = quoted.iter().filter(|q| !q.is_empty()).collect();
    quoted.sort_by_key(|q| std::cmp::Reverse(q.len()));
    let mut out = text.to_owned();
    for q in quoted {
        out = out.replace(q.as_str(), shown);
    }
    mask_password_parameters(&mask_urls(&out))
}

/// Each `postgres://` or `postgresql://` URL in `text`, to the next white space, masked.
pub fn mask_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        out.push_str(&masked(&tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Where the first `postgres://` or `postgresql://` in `text` starts (in either case).
pub fn find_url(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    [lower.find("postgresql://"), lower.find("postgres://")].into_iter().flatten().min()
}

/// Whether a command-line argument holds a server's address (a URL, or libpq's form with a password).
pub fn looks_like_url(text: &str) -> bool {
    find_url(text).is_some() || masked(text) != text
}

fn percent_decode(text: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(text)).into_owned()
}

/// As libpq decodes a URL's parts: `%` and two hex digits is a byte; any other `%` stands for itself.
fn percent_decode_bytes(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The URL as the client library is to read it: the user and password as `url_parts` reads them, encoded so
/// that the library's own reading (the user part ends at the first `@`) is the same one.
fn for_the_library(url: &str) -> String {
    match url_parts(url) {
        Some(UrlParts { scheme, user: Some(user), password, rest }) => {
            let user = percent_encode_bytes(&percent_decode_bytes(user));
            let password = password.map(|p| format!(":{}", percent_encode_bytes(&percent_decode_bytes(p))));
            // The library reads the lower-case scheme only.
            let scheme = if scheme.len() == "postgres://".len() { "postgres://" } else { "postgresql://" };
            format!("{scheme}{user}{}@{rest}", password.unwrap_or_default())
        }
        _ => url.to_owned(),
    }
}

fn percent_encode_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Takes `sslmode` and `sslrootcert` out of the URL (the client library knows fewer modes than libpq) and
/// returns them with what is left.
fn split_ssl(url: &str) -> (String, Option<String>, Option<String>) {
    let (mut mode, mut root) = (None, None);
    let mut take = |key: &str, value: &str| match key {
        "sslmode" => {
            mode = Some(percent_decode(value));
            true
        }
        "sslrootcert" => {
            root = Some(percent_decode(value));
            true
        }
        _ => false,
    };
    if url.contains("://") {
        let Some((base, query)) = url.split_once('?') else { return (url.to_owned(), None, None) };
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                !take(k, v)
            })
            .collect();
        let rest = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
        (rest, mode, root)
    } else {
        let kept: Vec<&str> = url
            .split_whitespace()
            .filter(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                !take(k.trim(), v.trim().trim_matches('\''))
            })
            .collect();
        (kept.join(" "), mode, root)
    }
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, CountyError> {
        let shown = masked(url);
        let for_library = for_the_library(url.trim());
        let quoted = vec![url.to_owned(), url.trim().to_owned(), for_library.clone()];
        let bad = |reason: String| CountyError::Url { shown: shown.clone(), reason };
        if url_parts(url.trim()).is_none() && !key_value_form(url) {
            let given = url.trim().split_once("://").map(|(scheme, _)| scheme).filter(|s| !s.contains(['@', ':']));
            return Err(bad(match given {
                Some(scheme) => format!(
                    "地址应以 postgresql:// 开头，这里是 {scheme}://，例如 postgresql://用户@服务器:5432/数据库 \
                     (the address must start with postgresql://, not {scheme}://)"
                ),
                None => "地址应以 postgresql:// 开头，例如 postgresql://用户@服务器:5432/数据库 \
                     (the address must start with postgresql://: postgresql://USER@HOST:PORT/DATABASE)"
                    .into(),
            }));
        }
        let (rest, mode, root) = split_ssl(&for_library);
        let ssl = match mode.as_deref() {
            None => SslMode::Prefer,
            Some(m) => SslMode::parse(m).ok_or_else(|| {
                bad(format!(
                    "sslmode “{m}” 无效，可用 disable、prefer、require、verify-ca、verify-full \
                     (sslmode must be disable, prefer, require, verify-ca or verify-full)"
                ))
            })?,
        };
        let mut config: postgres::Config =
            rest.parse().map_err(|e: postgres::Error| bad(scrub(&parse_reason(&e), &quoted, &shown)))?;
        if config.get_hosts().is_empty() {
            return Err(bad("没有写服务器地址 (no host given)".into()));
        }
        if config.get_user().is_none() {
            return Err(bad("没有写数据库用户 (no user given: postgresql://USER@HOST/DATABASE)".into()));
        }
        if config.get_password().is_none()
            && let Some(p) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty())
        {
            config.password(p.as_bytes());
        }
        if config.get_password().is_none()
            && let Some(file) = password_file()
        {
            match password_from_file(&config, &file) {
                Ok(Some(p)) => {
                    config.password(p.as_bytes());
                }
                Ok(None) => {}
                // As libpq: said, and the file not read; a server that asks for a password says it is missing.
                Err(warning) => eprintln!("{warning}"),
            }
        }
        config.ssl_mode(match ssl {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        // The client library bounds only the TCP connect by connect_timeout; `connect` bounds the whole attempt
        // by it, as libpq does.
        let timeout = config.get_connect_timeout().copied().unwrap_or(CONNECT_TIMEOUT);
        config.connect_timeout(timeout);
        config.application_name("canbao");
        if matches!(ssl, SslMode::VerifyCa | SslMode::VerifyFull) && root.is_none() {
            return Err(bad("sslmode=verify-ca / verify-full 需要 sslrootcert=签发服务器证书的根证书文件 \
                 (verify-ca and verify-full need sslrootcert=FILE, the certificate that signed the server's)"
                .into()));
        }
        Ok(Target { config, shown, quoted, ssl, root_cert: root.map(Into::into), timeout })
    }

    /// The database name the URL asks for (the user's name when it names none, as libpq does).
    pub fn database(&self) -> String {
        self.config.get_dbname().or(self.config.get_user()).unwrap_or_default().to_owned()
    }

    /// The same server with another database: tests make and drop their own through the `postgres` one.
    pub fn with_database(&self, name: &str) -> Target {
        let mut config = self.config.clone();
        config.dbname(name);
        Target {
            config,
            shown: format!("{} (数据库 database {name})", self.shown),
            quoted: self.quoted.clone(),
            ssl: self.ssl,
            root_cert: self.root_cert.clone(),
            timeout: self.timeout,
        }
    }

    /// A message about this server with the password masked where it quotes the server's address.
    pub fn scrub(&self, text: &str) -> String {
        scrub(text, &self.quoted, &self.shown)
    }

    /// Asks the server to cancel the statement the client `token` was taken from is running, over the kind of
    /// connection the target asks for (TLS or not): the statement fails there and its transaction rolls back.
    /// Nothing happens when no statement is running.
    pub fn cancel(&self, token: &postgres::CancelToken) {
        let cancelled = match self.ssl {
            SslMode::Disable => token.cancel_query(postgres::NoTls),
            _ => match self.tls_config() {
                Ok(tls) => token.cancel_query(tokio_postgres_rustls::MakeRustlsConnect::new(tls)),
                Err(_) => return,
            },
        };
        // Not sent (the server gone): the statement then fails on its own, or the server ends the session.
        let _ = cancelled;
    }

    pub fn connect(&self) -> Result<postgres::Client, CountyError> {
        self.finish(self.begin()?).map_err(|(e, _)| e)
    }

    fn failed(&self, reason: &str) -> CountyError {
        CountyError::Connect { shown: self.shown.clone(), reason: self.scrub(reason) }
    }

    /// Starts a connection attempt on a thread of its own: the client library waits for the server's first
    /// answer without end, so only a thread can be given up on.
    fn begin(&self) -> Result<Attempt, CountyError> {
        let tls = match self.ssl {
            SslMode::Disable => None,
            _ => Some(self.tls_config().map_err(|e| self.failed(&e))?),
        };
        let config = self.config.clone();
        let (tell, told) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("county-connect".into())
            .spawn(move || {
                let client = match tls {
                    None => config.connect(postgres::NoTls),
                    Some(tls) => config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls)),
                };
                // The caller may have given up and gone: nobody to tell, and the client is dropped.
                let _ = tell.send(client);
            })
            .map_err(|e| self.failed(&e.to_string()))?;
        Ok(Attempt(told))
    }

    /// Waits up to the timeout for an attempt; on a timeout the attempt is given back, still under way.
    fn finish(&self, attempt: Attempt) -> Result<postgres::Client, (CountyError, Option<Attempt>)> {
        match attempt.0.recv_timeout(self.timeout) {
            Ok(client) => client.map_err(|e| (self.failed(&error_text(&e)), None)),
            Err(RecvTimeoutError::Timeout) => {
                Err((CountyError::Timeout { shown: self.shown.clone(), secs: self.timeout.as_secs() }, Some(attempt)))
            }
            Err(RecvTimeoutError::Disconnected) => {
                Err((self.failed("连接中断 (the connection attempt broke off)"), None))
            }
        }
    }

    fn tls_config(&self) -> Result<rustls::ClientConfig, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let Some(path) = &self.root_cert else {
            // libpq's prefer and require: encrypted against eavesdropping, the server not authenticated.
            return Ok(builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
                .with_no_client_auth());
        };
        use rustls::pki_types::{CertificateDer, pem::PemObject};
        let mut roots = rustls::RootCertStore::empty();
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("读不了根证书 {} (cannot read sslrootcert): {e}", path.display()))?;
        for cert in certs {
            let cert = cert.map_err(|e| format!("根证书 {} 无效 (bad sslrootcert): {e}", path.display()))?;
            roots.add(cert).map_err(|e| format!("根证书 {} 无效 (bad sslrootcert): {e}", path.display()))?;
        }
        let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| e.to_string())?;
        let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> =
            if self.ssl == SslMode::VerifyFull { verifier } else { Arc::new(AnyName(verifier)) };
        Ok(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth())
    }
}

/// A connection kept for reading again and again (the county's dashboard). A read that finds the connection
/// closed drops it; the next read connects afresh, and when that fails its own reason is the one reported (a
/// login no longer allowed, not the "connection closed" that came first).
pub struct Session {
    target: Target,
    client: Option<postgres::Client>,
    /// An attempt that outlived its timeout: the next read waits for it again rather than start another, so a
    /// server that never answers holds one thread, not one a refresh.
    pending: Option<Attempt>,
}

/// A connection attempt under way on its own thread.
struct Attempt(Receiver<Result<postgres::Client, postgres::Error>>);

impl Session {
    pub fn open(target: Target) -> Result<Session, CountyError> {
        let client = target.connect()?;
        Ok(Session { target, client: Some(client), pending: None })
    }

    pub fn read<T>(
        &mut self,
        read: impl FnOnce(&mut postgres::Client) -> Result<T, CountyError>,
    ) -> Result<T, CountyError> {
        let client = match &mut self.client {
            Some(client) => client,
            None => {
                let attempt = match self.pending.take() {
                    Some(attempt) => attempt,
                    None => self.target.begin()?,
                };
                match self.target.finish(attempt) {
                    Ok(client) => self.client.insert(client),
                    Err((e, still)) => {
                        self.pending = still;
                        return Err(e);
                    }
                }
            }
        };
        let done = read(client);
        if done.is_err() && client.is_closed() {
            self.client = None;
        }
        done.map_err(|e| e.scrubbed(&self.target))
    }
}

/// The password file libpq reads: `PGPASSFILE`, else `~/.pgpass` (`%APPDATA%\postgresql\pgpass.conf` on
/// Windows).
fn password_file() -> Option<std::path::PathBuf> {
    if let Some(file) = std::env::var_os("PGPASSFILE").filter(|f| !f.is_empty()) {
        return Some(file.into());
    }
    if cfg!(windows) {
        return std::env::var_os("APPDATA").map(|d| std::path::Path::new(&d).join("postgresql").join("pgpass.conf"));
    }
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| std::path::Path::new(&h).join(".pgpass"))
}

/// The password a libpq password file gives the connection `config` makes: the first line
/// `host:port:database:user:password` whose first four fields match (`*` matches anything; `\:` and `\\`
/// are a field's `:` and `\`). None when the file does not exist or no line matches. As libpq, a file that is
/// not a plain file, or that its group or others may read or write, is not read: Err says why.
pub fn password_from_file(config: &postgres::Config, file: &std::path::Path) -> Result<Option<String>, String> {
    let Ok(meta) = std::fs::metadata(file) else { return Ok(None) };
    let shown = file.display();
    if !meta.is_file() {
        return Err(format!(
            "注意：密码文件 {shown} 不是普通文件，未读取 (WARNING: password file \"{shown}\" is not a plain file)"
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(format!(
                "注意：密码文件 {shown} 别的用户也能读写，未读取；请 chmod 600 {shown} (WARNING: password file \
                 \"{shown}\" has group or world access; permissions should be u=rw (0600) or less)"
            ));
        }
    }
    let Ok(text) = std::fs::read_to_string(file) else { return Ok(None) };
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(path)) => {
            let path = path.display().to_string();
            // libpq names the default socket folder "localhost" here.
            if ["/tmp", "/var/run/postgresql", "/run/postgresql"].contains(&path.as_str()) {
                "localhost".to_owned()
            } else {
                path
            }
        }
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().unwrap_or_default();
    let database = config.get_dbname().unwrap_or(user);
    let wanted = [host.as_str(), port.as_str(), database, user];
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = pgpass_fields(line);
        if fields.len() < 5 {
            continue;
        }
        if fields[..4].iter().zip(wanted).all(|(f, w)| f == "*" || f == w) {
            return Ok(Some(fields[4].clone()));
        }
    }
    Ok(None)
}

/// A password file's line cut at its unescaped `:`s (a password ends at one, as libpq reads it).
fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let last = fields.len() - 1;
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields[last].push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => fields[last].push(c),
        }
    }
    fields
}

/// A client error with its cause: the library's own text says only "error connecting to server".
pub fn error_text(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let text = format!("{}: {}", db.severity(), db.message());
        return match server_words(db.code()) {
            Some(zh) => format!("{zh} ({text})"),
            None => text,
        };
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    match CLIENT_WORDS.iter().find(|(en, _)| text.starts_with(en)) {
        Some((_, zh)) => format!("{zh} ({text})"),
        None => text,
    }
}

/// The client library's own messages (English only), in the words an office's IT reads first.
const CLIENT_WORDS: &[(&str, &str)] = &[
    ("connection closed", "与服务器的连接已断开"),
    ("error communicating with the server", "与服务器通信出错"),
    ("invalid connection string", "数据库地址格式不对"),
    ("invalid configuration", "数据库地址中的设置不对"),
    ("error connecting to server", "连接不上服务器"),
    ("timeout waiting for server", "等待服务器超时"),
    ("error performing TLS handshake", "加密连接（TLS）建立失败"),
    ("server does not support TLS", "服务器不支持加密连接（TLS）"),
    ("unexpected message from server", "服务器回应异常"),
    ("error parsing response from server", "服务器回应异常"),
];

/// The server's errors an office meets when setting up, by SQLSTATE.
fn server_words(code: &postgres::error::SqlState) -> Option<&'static str> {
    use postgres::error::SqlState;
    Some(match code {
        c if *c == SqlState::INVALID_CATALOG_NAME => "数据库不存在",
        c if *c == SqlState::INVALID_PASSWORD => "密码不对",
        c if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => "服务器不允许这个用户连接",
        c if *c == SqlState::INSUFFICIENT_PRIVILEGE => "数据库用户权限不足（见 README 全县汇总一节）",
        c if *c == SqlState::TOO_MANY_CONNECTIONS => "服务器连接数已满",
        c if *c == SqlState::ADMIN_SHUTDOWN || *c == SqlState::CRASH_SHUTDOWN => "服务器正在关闭",
        c if *c == SqlState::CANNOT_CONNECT_NOW => "服务器正在启动，稍后再试",
        c if *c == SqlState::READ_ONLY_SQL_TRANSACTION => "这是只读的备用服务器，上传需要主服务器",
        _ => return None,
    })
}

/// sslmode prefer/require without a root certificate: the handshake's signatures are checked, the chain is not
/// (what libpq does in those modes).
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// verify-ca: the chain must lead to the root certificate; the name in the certificate may be another.
#[derive(Debug)]
struct AnyName(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName | rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_file_is_read_as_libpq_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# comment\nother:5432:county:office:nope\ndb.county:5432:county:office:wrong:port\n\
             db.county:*:county:office:a\\:b\\\\c:d\n*:*:*:*:fallback\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let config = |url: &str| -> postgres::Config { url.parse().unwrap() };
        // The third line: the port is a wildcard, `\:` and `\\` are escapes, an unescaped `:` ends the password.
        let found = password_from_file(&config("postgresql://office@db.county:5433/county"), &file);
        assert_eq!(found, Ok(Some(r"a:b\c".to_owned())));
        assert_eq!(
            password_from_file(&config("postgresql://office@db.county/county"), &file),
            Ok(Some("wrong".to_owned()))
        );
        // The database defaults to the user's name, as libpq's does; the last line matches anything.
        assert_eq!(password_from_file(&config("postgresql://x@h"), &file), Ok(Some("fallback".to_owned())));
        assert_eq!(password_from_file(&config("postgresql://x@h"), &dir.path().join("none")), Ok(None));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            let said = password_from_file(&config("postgresql://x@h"), &file).unwrap_err();
            assert!(said.contains("chmod 600") && said.contains("0600"), "{said}");
        }
    }

    use super::*;

    #[test]
    fn a_password_never_shows() {
        assert_eq!(
            masked("postgresql://office:s3cr%40t@db.example:5432/county"),
            "postgresql://office:***@db.example:5432/county"
        );
        assert_eq!(
            masked("postgresql://office@db/county?password=hunter2&sslmode=require"),
            "postgresql://office@db/county?password=***&sslmode=require"
        );
        assert_eq!(
            masked("host=db user=office password='a b' dbname=county"),
            "host=db user=office password=*** dbname=county"
        );
        assert_eq!(masked("postgresql://office@db/county"), "postgresql://office@db/county");
        // Mistyped: another scheme, or none. What could be a password is masked all the same.
        assert_eq!(masked("http://root:Pw123@127.0.0.1/x"), "http://root:***@127.0.0.1/x");
        assert_eq!(masked("root:Pw123@127.0.0.1"), "root:***@127.0.0.1");
        assert_eq!(masked("postgresq://root:p@ss@h/db"), "postgresq://root:***@h/db");
        assert_eq!(masked("root@127.0.0.1"), "root@127.0.0.1");
        assert_eq!(
            masked("postgresql://office@db/county?password=a@b&sslmode=require"),
            "postgresql://office@db/county?password=***&sslmode=require"
        );
    }

    #[test]
    fn a_message_is_masked_where_it_quotes_the_server_not_wherever_the_passwords_letters_appear() {
        let t = Target::parse("postgresql://root:e@x@127.0.0.1:5433/x").unwrap();
        assert_eq!(t.shown, "postgresql://root:***@127.0.0.1:5433/x");
        let said = "error connecting to server: failed to lookup address information: Name or service not known";
        assert_eq!(t.scrub(said), said);
        assert_eq!(
            t.scrub("could not reach postgresql://root:e@x@127.0.0.1:5433/x (refused)"),
            "could not reach postgresql://root:***@127.0.0.1:5433/x (refused)"
        );
        assert_eq!(t.scrub("bad option password=e@x&sslmode=z"), "bad option password=***&sslmode=z");
        // Another URL quoted in a message is masked too.
        assert_eq!(t.scrub("see postgres://u:pw@h/db now"), "see postgres://u:***@h/db now");
    }

    #[test]
    fn the_host_connected_to_is_the_host_shown_whatever_the_password_holds() {
        for password in ["Cb@2026", "a/b", "a?b", "a#b", "50%off", "a:b", "p@ss/w?rd#1:%", "a?b=c", "@@"] {
            let url = format!("postgresql://root:{password}@127.0.0.1:5432/county?sslmode=require");
            let t = Target::parse(&url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(t.shown, "postgresql://root:***@127.0.0.1:5432/county?sslmode=require", "{url}");
            assert_eq!(t.config.get_password(), Some(password.as_bytes()), "{url}");
            assert_eq!(t.config.get_user(), Some("root"), "{url}");
            assert_eq!(t.config.get_hosts(), [postgres::config::Host::Tcp("127.0.0.1".into())], "{url}");
            assert_eq!(t.config.get_ports(), [5432], "{url}");
            assert_eq!(t.config.get_dbname(), Some("county"), "{url}");
            assert_eq!(t.ssl, SslMode::Require, "{url}");
        }
        // Encoded, as libpq reads it.
        let t = Target::parse("postgresql://ro%40t:Cb%402026@db.example/county").unwrap();
        assert_eq!((t.config.get_user(), t.config.get_password()), (Some("ro@t"), Some(&b"Cb@2026"[..])));
        // No password in the URL; one in the query string may hold an @.
        let t = Target::parse("postgresql://office@db/county?password=a@b").unwrap();
        assert_eq!((t.config.get_user(), t.config.get_password()), (Some("office"), Some(&b"a@b"[..])));
        assert_eq!(t.config.get_hosts(), [postgres::config::Host::Tcp("db".into())]);
        let t = Target::parse("postgresql://db/county?user=office").unwrap();
        assert_eq!(t.config.get_hosts(), [postgres::config::Host::Tcp("db".into())]);
    }

    #[test]
    fn a_password_holding_url_punctuation_never_shows() {
        for (url, password) in [
            ("postgresql://postgres:pw/Secret@127.0.0.1:5432/nosuchdb", "pw/Secret"),
            ("postgresql://postgres:pw?x@127.0.0.1:5432/nosuchdb", "pw?x"),
            ("postgresql://postgres:p@ss@127.0.0.1/db", "p@ss"),
            ("postgresql://postgres:a:b/c?d@h/db?sslmode=disable", "a:b/c?d"),
        ] {
            let shown = masked(url);
            assert!(!shown.contains(password), "{url} shown as {shown}");
            assert!(shown.contains("***"), "{shown}");
            let t = Target::parse(url);
            let message = match &t {
                Ok(t) => t.scrub(&format!("{url} said no")),
                Err(e) => e.to_string(),
            };
            assert!(!message.contains(password), "{url}: {message}");
        }
    }

    #[test]
    fn the_servers_errors_are_named_in_chinese_too() {
        // Nothing listens on port 1: the library's English message comes with its Chinese words.
        let t = Target::parse("postgresql://root@127.0.0.1:1/test?sslmode=disable&connect_timeout=2").unwrap();
        let said = match t.connect() {
            Ok(_) => panic!("nothing listens on port 1"),
            Err(e) => e.to_string(),
        };
        assert!(said.contains("连接不上服务器") && said.contains("error connecting to server"), "{said}");
        assert_eq!(server_words(&postgres::error::SqlState::INVALID_CATALOG_NAME), Some("数据库不存在"));
        assert_eq!(server_words(&postgres::error::SqlState::SYNTAX_ERROR), None);
    }

    #[test]
    fn sslmode_is_read_as_libpq_reads_it() {
        let t = Target::parse("postgresql://root@127.0.0.1:5432/test?sslmode=require&connect_timeout=3").unwrap();
        assert_eq!(t.ssl, SslMode::Require);
        assert_eq!(t.config.get_connect_timeout(), Some(&Duration::from_secs(3)));
        // The whole attempt is bounded: by connect_timeout, else by canbao's own default.
        assert_eq!(t.timeout, Duration::from_secs(3));
        assert_eq!(Target::parse("postgresql://root@127.0.0.1/test").unwrap().timeout, CONNECT_TIMEOUT);
        assert_eq!(Target::parse("postgresql://root@127.0.0.1/test").unwrap().ssl, SslMode::Prefer);
        assert_eq!(Target::parse("host=/run/postgresql user=root sslmode=disable").unwrap().ssl, SslMode::Disable);
        let err = Target::parse("postgresql://root:pw@h/test?sslmode=sometimes").unwrap_err().to_string();
        assert!(err.contains("sslmode") && !err.contains("pw@"), "{err}");
        let err = Target::parse("postgresql://root@h/test?sslmode=verify-full").unwrap_err().to_string();
        assert!(err.contains("sslrootcert"), "{err}");
    }
}
