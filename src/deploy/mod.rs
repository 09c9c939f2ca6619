//! Dedicated deployments: the URL of every endpoint of a model or chain
//! deployed on Baseten, and the async predict request body.
//!
//! A model (or chain) lives on its own host, `https://model-{id}.api.baseten.co`
//! (`chain-{id}`), and every path starts with a target:
//!
//! | target | path prefix |
//! |---|---|
//! | [`Target::Environment`] | `/environments/{env}` |
//! | [`Target::Production`] | `/production` |
//! | [`Target::Development`] | `/development` |
//! | [`Target::Deployment`] | `/deployment/{deployment_id}` |
//! | regional environment | none: the host is `model-{id}-{env}.api.baseten.co` |
//!
//! followed by the endpoint: `/predict`, `/async_predict`,
//! `/async_queue_status`, `/wake`, `/sync/{route}` (any route of a custom
//! server) or `/sync/v1` (an OpenAI-compatible base URL). Async requests
//! are addressed on the host alone: `/async_request/{request_id}` (GET for
//! the status, DELETE to cancel).
//!
//! The ids and names become part of a hostname or a path, so they are
//! checked strictly before any URL is built: model, chain and deployment
//! ids are ASCII letters and digits; environment names are lowercase
//! letters, digits and inner hyphens (a DNS label); request ids letters,
//! digits, `-` and `_`; sync routes are plain path segments (no `.`/`..`,
//! no encoded `.` or `/`, no backslash, no fragment). Nothing a caller
//! passes can change the host or climb out of the target's path.
//!
//! ```
//! use modelwire::deploy::{Deployment, DeploymentOptions};
//! let prod = Deployment::new("abcd1234", &DeploymentOptions::default()).unwrap();
//! assert_eq!(prod.predict_url(), "https://model-abcd1234.api.baseten.co/environments/production/predict");
//! assert_eq!(prod.sync_url("items/123?full=1").unwrap(),
//!            "https://model-abcd1234.api.baseten.co/environments/production/sync/items/123?full=1");
//!
//! let eu = Deployment::new("abcd1234", &DeploymentOptions {
//!     environment: Some("eu-prod"), regional: true, ..Default::default()
//! }).unwrap();
//! assert_eq!(eu.async_predict_url(), "https://model-abcd1234-eu-prod.api.baseten.co/async_predict");
//!
//! // Against the emulator: the base URL replaces the host.
//! let local = Deployment::new("abcd1234", &DeploymentOptions {
//!     base_url: Some("http://127.0.0.1:4010/model/{model_id}"), ..Default::default()
//! }).unwrap();
//! assert_eq!(local.predict_url(), "http://127.0.0.1:4010/model/abcd1234/environments/production/predict");
//!
//! assert!(Deployment::new("abcd.evil.com/x", &DeploymentOptions::default()).is_err());
//! ```

mod async_predict;

pub use async_predict::{
    ASYNC_PAYLOAD_LIMIT, AsyncPredictOptions, AsyncStatus, InferenceRetryConfig,
    async_predict_body, validate_async_predict_body,
};

use std::fmt;

/// The domain every deployment host is under.
pub const API_DOMAIN: &str = "api.baseten.co";

/// The longest DNS label: a host's `model-{id}` or `model-{id}-{env}` part.
const MAX_LABEL: usize = 63;

/// An option or argument that cannot be used, found before any request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployError {
    /// The option, by its name in Baseten's docs: `"model_id"`,
    /// `"environment"`, `"deployment_id"`, `"route"`, `"request_id"`,
    /// `"base_url"`, `"priority"`, `"inference_retry_config.max_attempts"`, …
    pub field: &'static str,
    /// What is wrong, readable on its own.
    pub message: String,
}

impl DeployError {
    pub(crate) fn new(field: &'static str, message: impl Into<String>) -> DeployError {
        DeployError {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeployError {
    /// `invalid {field}: {message}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid ")?;
        f.write_str(self.field)?;
        f.write_str(": ")?;
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeployError {}

/// What is deployed: a model (`model-{id}` host) or a chain (`chain-{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// A Truss model.
    #[default]
    Model,
    /// A chain.
    Chain,
}

/// Which deployment of the model a request goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `/environments/{name}`: `production` or a custom environment.
    Environment(String),
    /// `/production`: the short form for the production environment.
    Production,
    /// `/development`: the development deployment.
    Development,
    /// `/deployment/{id}`: one deployment by id.
    Deployment(String),
}

/// How to reach a deployment; every field is optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeploymentOptions<'a> {
    /// A chain rather than a model.
    pub chain: bool,
    /// An environment name (`production`, `staging`, …).
    pub environment: Option<&'a str>,
    /// A deployment id.
    pub deployment_id: Option<&'a str>,
    /// The development deployment.
    pub development: bool,
    /// The regional host of the environment (`model-{id}-{env}`), which
    /// takes bare paths; needs an environment (production by default).
    pub regional: bool,
    /// Replaces `https://model-{id}.api.baseten.co` (for tests against the
    /// emulator, or a proxy). `{model_id}` in it is replaced by the id;
    /// paths are appended as they are (`/environments/{env}/predict`, or
    /// bare ones for `regional`).
    pub base_url: Option<&'a str>,
}

/// A checked deployment address; its methods build URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    kind: Kind,
    id: String,
    target: Target,
    regional: bool,
    /// `https://model-{id}.api.baseten.co`, the regional host, or the
    /// override; no trailing `/`.
    host: String,
}

impl Deployment {
    /// Checks the id and options. At most one of `environment`,
    /// `deployment_id` and `development` may be given; with none the target
    /// is the `production` environment.
    pub fn new(id: &str, options: &DeploymentOptions<'_>) -> Result<Deployment, DeployError> {
        let kind = if options.chain {
            Kind::Chain
        } else {
            Kind::Model
        };
        let id_field = if options.chain {
            "chain_id"
        } else {
            "model_id"
        };
        check_id(id_field, id, MAX_LABEL - "model-".len())?;
        let given = usize::from(options.environment.is_some())
            + usize::from(options.deployment_id.is_some())
            + usize::from(options.development);
        if given > 1 {
            return Err(DeployError::new(
                "environment",
                "give only one of environment, deployment_id and development",
            ));
        }
        let target = if let Some(env) = options.environment {
            check_environment(env)?;
            Target::Environment(env.to_owned())
        } else if let Some(deployment) = options.deployment_id {
            check_id("deployment_id", deployment, 64)?;
            Target::Deployment(deployment.to_owned())
        } else if options.development {
            Target::Development
        } else {
            Target::Environment("production".to_owned())
        };
        Deployment::build(kind, id, target, options.regional, options.base_url)
    }

    /// A deployment from a [`Target`] built by hand (checked the same way).
    pub fn with_target(
        kind: Kind,
        id: &str,
        target: Target,
        regional: bool,
        base_url: Option<&str>,
    ) -> Result<Deployment, DeployError> {
        let id_field = match kind {
            Kind::Model => "model_id",
            Kind::Chain => "chain_id",
        };
        check_id(id_field, id, MAX_LABEL - "model-".len())?;
        match &target {
            Target::Environment(env) => check_environment(env)?,
            Target::Deployment(deployment) => check_id("deployment_id", deployment, 64)?,
            Target::Production | Target::Development => {}
        }
        Deployment::build(kind, id, target, regional, base_url)
    }

    fn build(
        kind: Kind,
        id: &str,
        target: Target,
        regional: bool,
        base_url: Option<&str>,
    ) -> Result<Deployment, DeployError> {
        let prefix = match kind {
            Kind::Model => "model-",
            Kind::Chain => "chain-",
        };
        let regional_env = if regional {
            match &target {
                Target::Environment(env) => Some(env.as_str()),
                Target::Production => Some("production"),
                Target::Development | Target::Deployment(_) => {
                    return Err(DeployError::new(
                        "regional",
                        "regional hosts serve environments only, not development or a deployment id",
                    ));
                }
            }
        } else {
            None
        };
        let host = match base_url {
            Some(base) => check_base_url(base, id)?,
            None => {
                let mut host = String::with_capacity(64);
                host.push_str("https://");
                host.push_str(prefix);
                host.push_str(id);
                if let Some(env) = regional_env {
                    host.push('-');
                    host.push_str(env);
                    if prefix.len() + id.len() + 1 + env.len() > MAX_LABEL {
                        return Err(DeployError::new(
                            "environment",
                            "the regional host name would be longer than 63 characters",
                        ));
                    }
                }
                host.push('.');
                host.push_str(API_DOMAIN);
                host
            }
        };
        Ok(Deployment {
            kind,
            id: id.to_owned(),
            target,
            regional,
            host,
        })
    }

    /// Model or chain.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The model or chain id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Whether the regional host is used.
    pub fn is_regional(&self) -> bool {
        self.regional
    }

    /// The scheme and host (or the base URL override), without a trailing
    /// `/`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `{host}{target prefix}{endpoint}`.
    fn url(&self, endpoint: &str) -> String {
        let mut url = String::with_capacity(self.host.len() + 48 + endpoint.len());
        url.push_str(&self.host);
        if !self.regional {
            match &self.target {
                Target::Environment(env) => {
                    url.push_str("/environments/");
                    url.push_str(env);
                }
                Target::Production => url.push_str("/production"),
                Target::Development => url.push_str("/development"),
                Target::Deployment(id) => {
                    url.push_str("/deployment/");
                    url.push_str(id);
                }
            }
        }
        url.push_str(endpoint);
        url
    }

    /// `POST`: synchronous predict (any JSON in; JSON out, or raw bytes
    /// when the model streams).
    pub fn predict_url(&self) -> String {
        self.url("/predict")
    }

    /// `POST`: queue an async predict (see [`async_predict_body`]).
    pub fn async_predict_url(&self) -> String {
        self.url("/async_predict")
    }

    /// `GET`: queued and in-progress async requests of the target.
    pub fn async_queue_status_url(&self) -> String {
        self.url("/async_queue_status")
    }

    /// `POST`: wake a deployment scaled to zero.
    pub fn wake_url(&self) -> String {
        self.url("/wake")
    }

    /// The OpenAI-compatible base URL of an Engine-Builder or vLLM server:
    /// `{target}/sync/v1` (append `/chat/completions`).
    pub fn openai_base_url(&self) -> String {
        self.url("/sync/v1")
    }

    /// A route of a custom server: `{target}/sync/{route}`. `route` is a
    /// path relative to the server's root (`health`, `/items/123`,
    /// `v1/models?x=1`), percent-encoded where needed; a leading `/` is
    /// optional and `""` is the root.
    pub fn sync_url(&self, route: &str) -> Result<String, DeployError> {
        let route = route.strip_prefix('/').unwrap_or(route);
        check_route(route)?;
        let mut endpoint = String::with_capacity(6 + route.len());
        endpoint.push_str("/sync/");
        endpoint.push_str(route);
        Ok(self.url(&endpoint))
    }

    /// `GET` the status, `DELETE` to cancel: `{host}/async_request/{id}`.
    pub fn async_request_url(&self, request_id: &str) -> Result<String, DeployError> {
        check_request_id(request_id)?;
        let mut url = String::with_capacity(self.host.len() + 15 + request_id.len());
        url.push_str(&self.host);
        url.push_str("/async_request/");
        url.push_str(request_id);
        Ok(url)
    }
}

/// `{what}: {rule}`, naming the first character that breaks it.
fn bad_char(field: &'static str, rule: &str, text: &str, at: usize) -> DeployError {
    let mut message = String::with_capacity(rule.len() + 40);
    message.push_str(rule);
    message.push_str(" (found ");
    match text[at..].chars().next() {
        Some(c) if c.is_ascii_graphic() => {
            message.push('\'');
            message.push(c);
            message.push('\'');
        }
        Some(' ') => message.push_str("a space"),
        _ => message.push_str("a control or non-ASCII character"),
    }
    message.push_str(" at byte ");
    super::catalog::push_u64(&mut message, at as u64);
    message.push(')');
    DeployError::new(field, message)
}

fn too_long(field: &'static str, max: usize) -> DeployError {
    let mut message = String::from("must be at most ");
    super::catalog::push_u64(&mut message, max as u64);
    message.push_str(" characters");
    DeployError::new(field, message)
}

/// A model, chain or deployment id: 1..=max ASCII letters and digits.
fn check_id(field: &'static str, id: &str, max: usize) -> Result<(), DeployError> {
    const RULE: &str = "must be the alphanumeric id from the Baseten dashboard";
    if id.is_empty() {
        return Err(DeployError::new(field, "is empty"));
    }
    if let Some(at) = id.bytes().position(|b| !b.is_ascii_alphanumeric()) {
        return Err(bad_char(field, RULE, id, at));
    }
    if id.len() > max {
        return Err(too_long(field, max));
    }
    Ok(())
}

/// An environment name: a DNS label of lowercase letters, digits and inner
/// hyphens, since a regional host embeds it.
fn check_environment(env: &str) -> Result<(), DeployError> {
    const RULE: &str = "must be lowercase letters, digits and inner hyphens";
    if env.is_empty() {
        return Err(DeployError::new("environment", "is empty"));
    }
    if let Some(at) = env
        .bytes()
        .position(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    {
        return Err(bad_char("environment", RULE, env, at));
    }
    if env.starts_with('-') || env.ends_with('-') {
        return Err(DeployError::new(
            "environment",
            "must not start or end with a hyphen",
        ));
    }
    if env.len() > MAX_LABEL {
        return Err(too_long("environment", MAX_LABEL));
    }
    Ok(())
}

/// An async request id: letters, digits, `-` and `_`.
fn check_request_id(id: &str) -> Result<(), DeployError> {
    if id.is_empty() {
        return Err(DeployError::new("request_id", "is empty"));
    }
    if let Some(at) = id
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        return Err(bad_char(
            "request_id",
            "must be letters, digits, '-' and '_'",
            id,
            at,
        ));
    }
    if id.len() > 128 {
        return Err(too_long("request_id", 128));
    }
    Ok(())
}

/// A sync route: `/`-separated segments of URL path characters (RFC 3986
/// `pchar`, percent-escapes included), then an optional `?query`. Refused:
/// empty, `.` and `..` segments and any escaped `.`, `/` or `\` (a URL
/// parser would resolve them out of `/sync/`), a backslash, a fragment,
/// spaces, controls and non-ASCII (encode them).
fn check_route(route: &str) -> Result<(), DeployError> {
    const PATH_RULE: &str = "must be URL path characters (percent-encode others)";
    if route.len() > 4096 {
        return Err(too_long("route", 4096));
    }
    let (path, query) = match route.find('?') {
        Some(q) => (&route[..q], Some(q + 1)),
        None => (route, None),
    };
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
            let Some(hex) = hex else {
                return Err(DeployError::new(
                    "route",
                    "has a '%' that is not followed by two hex digits",
                ));
            };
            let escaped = (hex_value(hex[0]) << 4) | hex_value(hex[1]);
            if matches!(escaped, b'.' | b'/' | b'\\') {
                return Err(DeployError::new(
                    "route",
                    "must not escape '.', '/' or '\\' (%2e, %2f, %5c)",
                ));
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b)) {
            return Err(bad_char("route", PATH_RULE, path, i));
        }
        i += 1;
    }
    if !path.is_empty() {
        for segment in path.split('/') {
            match segment {
                "" => {
                    return Err(DeployError::new(
                        "route",
                        "has an empty path segment ('//' or a trailing '/')",
                    ));
                }
                "." | ".." => {
                    return Err(DeployError::new(
                        "route",
                        "must not have '.' or '..' segments",
                    ));
                }
                _ => {}
            }
        }
    }
    if let Some(start) = query {
        let q = &route[start..];
        if let Some(at) = q
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&b)))
        {
            return Err(bad_char(
                "route",
                "query must be URL query characters (no '#'; percent-encode others)",
                route,
                start + at,
            ));
        }
    }
    Ok(())
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

/// An override for the host part: absolute `http(s)` with a host, no
/// credentials, query, fragment, spaces or controls; `{model_id}` replaced
/// by the (already checked) id; no trailing `/`.
fn check_base_url(base: &str, id: &str) -> Result<String, DeployError> {
    let fail = |message: &str| DeployError::new("base_url", message.to_owned());
    let rest = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .ok_or_else(|| fail("must start with https:// or http://"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return Err(fail("has no host"));
    }
    if authority.contains(['@', '{', '}', '\\']) {
        return Err(fail(
            "must not carry credentials or a placeholder in the host",
        ));
    }
    if base.contains(['?', '#', '\\']) {
        return Err(fail("must not have a query, fragment or backslash"));
    }
    if base.bytes().any(|b| b <= b' ' || b >= 0x7f) {
        return Err(fail(
            "must not contain spaces, controls or non-ASCII characters",
        ));
    }
    let replaced = base.replace("{model_id}", id);
    if replaced.contains(['{', '}']) {
        return Err(fail("has a placeholder other than {model_id}"));
    }
    Ok(replaced.trim_end_matches('/').to_owned())
}
