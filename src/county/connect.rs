//! Reaching the county's PostgreSQL server: the URL read as libpq reads it (`sslmode`, `sslrootcert`,
//! `PGPASSWORD`), TLS through rustls, and every message that names the server with its password masked.

use std::sync::Arc;
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
pub struct Target {
    config: postgres::Config,
    /// The URL as messages show it: the password replaced by `***`.
    pub shown: String,
    /// The password, as every reading of the URL (and `PGPASSWORD`) gives it: masked in every message.
    secrets: Vec<String>,
    pub ssl: SslMode,
    root_cert: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("url", &self.shown).field("ssl", &self.ssl).finish()
    }
}

/// The URL with any password in it replaced by `***`: in the user part (`user:secret@`) and as a
/// `password=` parameter (in a query string or the `key=value` form). The user part is taken to end at the
/// last `@`: a password may hold `/`, `?` or `@` unencoded, and masking a host too is better than showing one.
pub fn masked(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        if let Some(at) = out[rest_start..].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest_start + colon + 1..rest_start + at, "***");
            }
        }
    }
    let mut masked = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("password=") {
        let value_start = i + "password=".len();
        masked.push_str(&rest[..value_start]);
        masked.push_str("***");
        let tail = &rest[value_start..];
        let end = if let Some(quoted) = tail.strip_prefix('\'') {
            quoted.find('\'').map_or(tail.len(), |j| j + 2)
        } else {
            tail.find(['&', ' ']).unwrap_or(tail.len())
        };
        rest = &tail[end..];
    }
    masked.push_str(rest);
    masked
}

/// `text` with each of the passwords (as given, and percent-encoded as a URL carries it) replaced by `***`: a
/// server's or a library's message may quote what it was given. Longer ones first, so a password that holds
/// another is masked whole.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut secrets: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_owned();
    for secret in secrets {
        out = out.replace(secret.as_str(), "***");
        let encoded = percent_encode(secret);
        if &encoded != secret {
            out = out.replace(&encoded, "***");
        }
    }
    out
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
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
    String::from_utf8_lossy(&out).into_owned()
}

/// Every reading of the password the URL may carry: the client library ends the user part at the first `@`, a
/// person who did not encode an `@` in the password means the last; both are masked wherever they appear.
fn passwords_in(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        for at in [rest.find('@'), rest.rfind('@')].into_iter().flatten() {
            if let Some((_, password)) = rest[..at].split_once(':') {
                found.push(percent_decode(password));
            }
        }
    }
    let mut rest = url;
    while let Some(i) = rest.find("password=") {
        let tail = &rest[i + "password=".len()..];
        let value = if let Some(quoted) = tail.strip_prefix('\'') {
            &quoted[..quoted.find('\'').unwrap_or(quoted.len())]
        } else {
            &tail[..tail.find(['&', ' ']).unwrap_or(tail.len())]
        };
        found.push(percent_decode(value));
        rest = tail;
    }
    found.dedup();
    found
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
        let mut secrets = passwords_in(url);
        let (rest, mode, root) = split_ssl(url.trim());
        let bad = |reason: String| CountyError::Url { shown: shown.clone(), reason };
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
            rest.parse().map_err(|e: postgres::Error| bad(scrub(&e.to_string(), &secrets)))?;
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
            secrets.push(p);
        }
        // What the server will actually be sent.
        if let Some(sent) = config.get_password() {
            secrets.push(String::from_utf8_lossy(sent).into_owned());
        }
        config.ssl_mode(match ssl {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("canbao");
        if matches!(ssl, SslMode::VerifyCa | SslMode::VerifyFull) && root.is_none() {
            return Err(bad("sslmode=verify-ca / verify-full 需要 sslrootcert=签发服务器证书的根证书文件 \
                 (verify-ca and verify-full need sslrootcert=FILE, the certificate that signed the server's)"
                .into()));
        }
        Ok(Target { config, shown, secrets, ssl, root_cert: root.map(Into::into) })
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
            secrets: self.secrets.clone(),
            ssl: self.ssl,
            root_cert: self.root_cert.clone(),
        }
    }

    /// A message about this server with the password masked.
    pub fn scrub(&self, text: &str) -> String {
        scrub(text, &self.secrets)
    }

    pub fn connect(&self) -> Result<postgres::Client, CountyError> {
        let failed = |reason: String| CountyError::Connect { shown: self.shown.clone(), reason: self.scrub(&reason) };
        let client = if self.ssl == SslMode::Disable {
            self.config.connect(postgres::NoTls)
        } else {
            let tls = self.tls_config().map_err(failed)?;
            self.config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        };
        client.map_err(|e| failed(error_text(&e)))
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
        assert_eq!(passwords_in("postgresql://office:s3cr%40t@db/county"), ["s3cr@t"]);
        assert_eq!(scrub("auth failed for s3cr@t and s3cr%40t", &["s3cr@t".into()]), "auth failed for *** and ***");
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
                Ok(t) => t.scrub(&format!("{} said {password}", t.shown)),
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
        assert_eq!(Target::parse("postgresql://root@127.0.0.1/test").unwrap().ssl, SslMode::Prefer);
        assert_eq!(Target::parse("host=/run/postgresql user=root sslmode=disable").unwrap().ssl, SslMode::Disable);
        let err = Target::parse("postgresql://root:pw@h/test?sslmode=sometimes").unwrap_err().to_string();
        assert!(err.contains("sslmode") && !err.contains("pw@"), "{err}");
        let err = Target::parse("postgresql://root@h/test?sslmode=verify-full").unwrap_err().to_string();
        assert!(err.contains("sslrootcert"), "{err}");
    }
}
