//! Any model / chain id, environment, deployment id, route, request id and
//! base URL: each is rejected, or every URL built from them is parsed back
//! (by a small independent reader, WHATWG rules for `http(s)`) and its host
//! is exactly the expected `model-{id}…` host (or the base URL's own host),
//! its path starts with the target's prefix and the endpoint, and nothing in
//! it can be resolved out of that path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelwire::deploy::{API_DOMAIN, Deployment, DeploymentOptions, Kind, Target};

// Input layout: one flags byte, then up to six fields separated by 0x00:
// id, environment, deployment id, route, request id, base URL.
fuzz_target!(|input: &[u8]| {
    let Some((&flags, rest)) = input.split_first() else {
        return;
    };
    let fields: Vec<String> = rest
        .splitn(6, |&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let field = |i: usize| fields.get(i).map(String::as_str).unwrap_or("");
    let (id, env, dep, route, request_id, base) =
        (field(0), field(1), field(2), field(3), field(4), field(5));

    let chain = flags & 1 != 0;
    let options = DeploymentOptions {
        chain,
        environment: (flags & 2 != 0).then_some(env),
        deployment_id: (flags & 4 != 0).then_some(dep),
        development: flags & 8 != 0,
        regional: flags & 16 != 0,
        base_url: (flags & 32 != 0).then_some(base),
    };
    let result = Deployment::new(id, &options);
    if let Ok(d) = &result {
        check(d, &options, id, route, request_id);
    }
    // The same through with_target (Production is only reachable here).
    let kind = if chain { Kind::Chain } else { Kind::Model };
    let target = match flags >> 6 {
        0 => Target::Production,
        1 => Target::Development,
        2 => Target::Environment(env.to_owned()),
        _ => Target::Deployment(dep.to_owned()),
    };
    if let Ok(d) = Deployment::with_target(kind, id, target, flags & 16 != 0, options.base_url) {
        check(&d, &options, id, route, request_id);
    }
});

fn check(d: &Deployment, options: &DeploymentOptions<'_>, id: &str, route: &str, request_id: &str) {
    // Ids that made it through are plain alphanumerics.
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "id {id:?} accepted"
    );
    assert_eq!(d.id(), id);
    let prefix = match d.kind() {
        Kind::Model => "model-",
        Kind::Chain => "chain-",
    };
    let env_of = |t: &Target| match t {
        Target::Environment(e) => Some(e.clone()),
        Target::Production => Some("production".to_owned()),
        _ => None,
    };
    if let Target::Environment(e) = d.target() {
        assert!(is_dns_label(e), "environment {e:?} accepted");
    }
    if let Target::Deployment(dep) = d.target() {
        assert!(
            !dep.is_empty() && dep.bytes().all(|b| b.is_ascii_alphanumeric()),
            "deployment id {dep:?} accepted"
        );
    }

    // The authority every URL must have, and the path it starts with.
    let (scheme, authority, base_path) = match options.base_url {
        None => {
            let host = if d.is_regional() {
                let env = env_of(d.target()).expect("a regional deployment has an environment");
                format!("{prefix}{id}-{env}.{API_DOMAIN}")
            } else {
                format!("{prefix}{id}.{API_DOMAIN}")
            };
            // Host names are case-insensitive (a URL parser lowercases them).
            let host = host.to_ascii_lowercase();
            let label = host.split('.').next().unwrap();
            assert!(
                label.len() <= 63 && is_dns_label(label),
                "host label {label:?}"
            );
            ("https".to_owned(), host, String::new())
        }
        Some(base) => {
            let replaced = base.replace("{model_id}", id);
            let parsed = parse(&replaced).expect("an accepted base URL parses");
            (
                parsed.scheme,
                parsed.authority,
                parsed.path.trim_end_matches('/').to_owned(),
            )
        }
    };
    let target_path = if d.is_regional() {
        String::new()
    } else {
        match d.target() {
            Target::Environment(e) => format!("/environments/{e}"),
            Target::Production => "/production".to_owned(),
            Target::Development => "/development".to_owned(),
            Target::Deployment(dep) => format!("/deployment/{dep}"),
        }
    };

    let mut urls = vec![
        (d.predict_url(), "/predict".to_owned()),
        (d.async_predict_url(), "/async_predict".to_owned()),
        (d.async_queue_status_url(), "/async_queue_status".to_owned()),
        (d.wake_url(), "/wake".to_owned()),
        (d.openai_base_url(), "/sync/v1".to_owned()),
    ];
    if let Ok(url) = d.sync_url(route) {
        let r = route.strip_prefix('/').unwrap_or(route);
        let path = r.split('?').next().unwrap();
        urls.push((url, format!("/sync/{path}")));
    }
    for (url, endpoint) in &urls {
        let parsed = parse(url).unwrap_or_else(|why| panic!("{url:?} does not parse back: {why}"));
        assert_eq!(parsed.scheme, scheme, "{url:?}");
        assert_eq!(parsed.authority, authority, "host changed in {url:?}");
        let want = format!("{base_path}{target_path}{endpoint}");
        assert_eq!(parsed.path, want, "path of {url:?}");
        // The base URL's own path is the caller's; what follows it is built.
        assert_no_escape(url, &parsed.path[base_path.len()..]);
    }
    if let Ok(url) = d.async_request_url(request_id) {
        assert!(
            !request_id.is_empty()
                && request_id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "request id {request_id:?} accepted"
        );
        let parsed = parse(&url).unwrap_or_else(|why| panic!("{url:?} does not parse back: {why}"));
        assert_eq!(parsed.authority, authority, "host changed in {url:?}");
        assert_eq!(
            parsed.path,
            format!("{base_path}/async_request/{request_id}")
        );
        assert!(parsed.query.is_none());
    }
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Nothing in the built path that a WHATWG URL parser would resolve or
/// reinterpret: no dot segments (also escaped), no `\`, no escaped `/` or
/// `\`, no fragment, no whitespace or controls.
fn assert_no_escape(url: &str, path: &str) {
    assert!(!url.contains('#'), "fragment in {url:?}");
    assert!(
        url.bytes().all(|b| b > b' ' && b < 0x7f),
        "space, control or non-ASCII in {url:?}"
    );
    assert!(!url.contains('\\'), "backslash in {url:?}");
    let lower = path.to_ascii_lowercase();
    assert!(
        !lower.contains("%2f") && !lower.contains("%5c"),
        "escaped separator in {url:?}"
    );
    for segment in lower.split('/').skip(1) {
        let unescaped = segment.replace("%2e", ".");
        assert!(
            unescaped != "." && unescaped != "..",
            "dot segment in {url:?}"
        );
    }
}

struct Parsed {
    scheme: String,
    authority: String,
    path: String,
    query: Option<String>,
}

/// A special-scheme URL split the way a WHATWG parser splits it: the
/// authority ends at the first `/`, `\`, `?` or `#`; the path at `?` or `#`.
/// Refused: userinfo (`@`), an empty host, tabs or newlines (WHATWG would
/// strip them, so the string would not mean what it reads as).
fn parse(url: &str) -> Result<Parsed, &'static str> {
    if url.contains(['\t', '\n', '\r']) {
        return Err("tab or newline");
    }
    let (scheme, rest) = url.split_once("://").ok_or("no scheme")?;
    if scheme != "https" && scheme != "http" {
        return Err("not http(s)");
    }
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() {
        return Err("empty host");
    }
    if authority.contains('@') {
        return Err("userinfo in the authority");
    }
    let rest = &rest[end..];
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = rest[..path_end].to_owned();
    let tail = &rest[path_end..];
    let query = tail
        .strip_prefix('?')
        .map(|q| q.split('#').next().unwrap().to_owned());
    Ok(Parsed {
        scheme: scheme.to_owned(),
        authority: authority.to_ascii_lowercase(),
        path,
        query,
    })
}
