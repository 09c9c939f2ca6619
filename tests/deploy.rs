//! Dedicated deployments: every URL form of baseten-api.md (and the
//! emulator's base URL), strict ids so nothing can reach another host or
//! climb out of a path, and the async predict body with the documented
//! bounds.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::deploy::{
    ASYNC_PAYLOAD_LIMIT, AsyncPredictOptions, AsyncStatus, Deployment, DeploymentOptions,
    InferenceRetryConfig, Kind, Target, async_predict_body, validate_async_predict_body,
};
use proptest::prelude::*;

const HOST: &str = "https://model-abcd1234.api.baseten.co";

fn deployment(options: DeploymentOptions<'_>) -> Deployment {
    Deployment::new("abcd1234", &options).unwrap()
}

/// Every endpoint of a deployment, in a fixed order.
fn all_urls(d: &Deployment) -> Vec<String> {
    vec![
        d.predict_url(),
        d.async_predict_url(),
        d.async_queue_status_url(),
        d.wake_url(),
        d.sync_url("health").unwrap(),
        d.openai_base_url(),
        d.async_request_url("8f1c2d3e4a5b6c7d").unwrap(),
    ]
}

fn expected(prefix: &str, host: &str) -> Vec<String> {
    vec![
        format!("{host}{prefix}/predict"),
        format!("{host}{prefix}/async_predict"),
        format!("{host}{prefix}/async_queue_status"),
        format!("{host}{prefix}/wake"),
        format!("{host}{prefix}/sync/health"),
        format!("{host}{prefix}/sync/v1"),
        format!("{host}/async_request/8f1c2d3e4a5b6c7d"),
    ]
}

// ---------------------------------------------------------------- URL forms

#[test]
fn production_environment_by_default() {
    let d = deployment(DeploymentOptions::default());
    assert_eq!(all_urls(&d), expected("/environments/production", HOST));
    assert_eq!(d.target(), &Target::Environment("production".into()));
    assert_eq!(
        (d.kind(), d.id(), d.is_regional(), d.host()),
        (Kind::Model, "abcd1234", false, HOST)
    );
}

#[test]
fn named_environment() {
    let d = deployment(DeploymentOptions {
        environment: Some("staging"),
        ..Default::default()
    });
    assert_eq!(all_urls(&d), expected("/environments/staging", HOST));
    let d = deployment(DeploymentOptions {
        environment: Some("production"),
        ..Default::default()
    });
    assert_eq!(
        d.predict_url(),
        format!("{HOST}/environments/production/predict")
    );
}

#[test]
fn production_shortcut() {
    let d =
        Deployment::with_target(Kind::Model, "abcd1234", Target::Production, false, None).unwrap();
    assert_eq!(all_urls(&d), expected("/production", HOST));
}

#[test]
fn development_deployment() {
    let d = deployment(DeploymentOptions {
        development: true,
        ..Default::default()
    });
    assert_eq!(all_urls(&d), expected("/development", HOST));
    assert_eq!(d.target(), &Target::Development);
}

#[test]
fn deployment_by_id() {
    let d = deployment(DeploymentOptions {
        deployment_id: Some("q48rmd3"),
        ..Default::default()
    });
    assert_eq!(all_urls(&d), expected("/deployment/q48rmd3", HOST));
    assert_eq!(d.target(), &Target::Deployment("q48rmd3".into()));
}

#[test]
fn regional_hosts_take_bare_paths() {
    let d = deployment(DeploymentOptions {
        environment: Some("eu-prod"),
        regional: true,
        ..Default::default()
    });
    assert_eq!(
        all_urls(&d),
        expected("", "https://model-abcd1234-eu-prod.api.baseten.co")
    );
    assert!(d.is_regional());
    // Regional without an environment: production's regional host.
    let d = deployment(DeploymentOptions {
        regional: true,
        ..Default::default()
    });
    assert_eq!(
        d.predict_url(),
        "https://model-abcd1234-production.api.baseten.co/predict"
    );
    let d =
        Deployment::with_target(Kind::Model, "abcd1234", Target::Production, true, None).unwrap();
    assert_eq!(
        d.predict_url(),
        "https://model-abcd1234-production.api.baseten.co/predict"
    );
}

#[test]
fn chain_hosts() {
    let d = Deployment::new(
        "x7k2p9q1",
        &DeploymentOptions {
            chain: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(d.kind(), Kind::Chain);
    assert_eq!(
        all_urls(&d),
        expected(
            "/environments/production",
            "https://chain-x7k2p9q1.api.baseten.co"
        )
    );
    let d = Deployment::new(
        "x7k2p9q1",
        &DeploymentOptions {
            chain: true,
            development: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        d.predict_url(),
        "https://chain-x7k2p9q1.api.baseten.co/development/predict"
    );
    let d = Deployment::new(
        "x7k2p9q1",
        &DeploymentOptions {
            chain: true,
            environment: Some("staging"),
            regional: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        d.async_predict_url(),
        "https://chain-x7k2p9q1-staging.api.baseten.co/async_predict"
    );
    let err = Deployment::new(
        "x.y",
        &DeploymentOptions {
            chain: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.field, "chain_id");
}

#[test]
fn sync_routes_map_to_the_servers_routes() {
    let d = deployment(DeploymentOptions::default());
    let base = format!("{HOST}/environments/production/sync");
    for (route, path) in [
        ("health", "/health"),
        ("/health", "/health"),
        ("items", "/items"),
        ("items/123", "/items/123"),
        ("/items/123", "/items/123"),
        ("v1/chat/completions", "/v1/chat/completions"),
        ("", "/"),
        ("/", "/"),
        ("search?q=a%20b&n=2", "/search?q=a%20b&n=2"),
        ("?x=1", "/?x=1"),
        ("files/%41BC", "/files/%41BC"),
        (
            "a:b@c;v=1/~user/-._!$&'()*+,=",
            "/a:b@c;v=1/~user/-._!$&'()*+,=",
        ),
        ("v1.2/model.json", "/v1.2/model.json"),
        ("q?next=/a/../b", "/q?next=/a/../b"),
    ] {
        assert_eq!(
            d.sync_url(route).unwrap(),
            format!("{base}{path}"),
            "{route:?}"
        );
    }
}

#[test]
fn emulator_base_url() {
    // emulator/README.md: http://127.0.0.1:PORT/model/{model_id}/environments/production/predict
    let base = "http://127.0.0.1:41237/model/{model_id}";
    let d = deployment(DeploymentOptions {
        base_url: Some(base),
        ..Default::default()
    });
    assert_eq!(d.host(), "http://127.0.0.1:41237/model/abcd1234");
    assert_eq!(
        all_urls(&d),
        expected(
            "/environments/production",
            "http://127.0.0.1:41237/model/abcd1234"
        )
    );
    assert_eq!(
        d.openai_base_url(),
        "http://127.0.0.1:41237/model/abcd1234/environments/production/sync/v1"
    );
    // The emulator's other target forms.
    let d = deployment(DeploymentOptions {
        base_url: Some(base),
        deployment_id: Some("dep1"),
        ..Default::default()
    });
    assert_eq!(
        d.predict_url(),
        "http://127.0.0.1:41237/model/abcd1234/deployment/dep1/predict"
    );
    let d = deployment(DeploymentOptions {
        base_url: Some(base),
        regional: true,
        ..Default::default()
    });
    assert_eq!(
        d.predict_url(),
        "http://127.0.0.1:41237/model/abcd1234/predict"
    );
    // Without the placeholder the base is used as it is; a trailing / goes.
    let d = deployment(DeploymentOptions {
        base_url: Some("https://proxy.example.com/bt/"),
        ..Default::default()
    });
    assert_eq!(
        d.predict_url(),
        "https://proxy.example.com/bt/environments/production/predict"
    );
}

// ---------------------------------------------------------------- rejections

fn err(id: &str, options: DeploymentOptions<'_>) -> (String, String) {
    let e = Deployment::new(id, &options).unwrap_err();
    (e.field.to_owned(), e.to_string())
}

#[test]
fn model_ids_are_alphanumeric() {
    for id in [
        "",
        "abc.def",
        "abc/def",
        "abc-def",
        "abc_def",
        "abc def",
        "abcd1234.evil.com",
        "evil.com#",
        "a@b",
        "a%2eb",
        "a:80",
        "ab\ncd",
        "abcé",
        "abc?x",
        "abc\\x",
        "..",
    ] {
        let (field, _) = err(id, DeploymentOptions::default());
        assert_eq!(field, "model_id", "{id:?}");
    }
    assert_eq!(
        err("abc.evil.com", DeploymentOptions::default()).1,
        "invalid model_id: must be the alphanumeric id from the Baseten dashboard (found '.' at byte 3)"
    );
    assert_eq!(
        err("", DeploymentOptions::default()).1,
        "invalid model_id: is empty"
    );
    assert_eq!(
        err("ab cd", DeploymentOptions::default()).1,
        "invalid model_id: must be the alphanumeric id from the Baseten dashboard (found a space at byte 2)"
    );
    assert_eq!(
        err("abé", DeploymentOptions::default()).1,
        "invalid model_id: must be the alphanumeric id from the Baseten dashboard (found a control or non-ASCII character at byte 2)"
    );
    // 57 characters fill a DNS label with "model-"; 58 do not.
    assert!(Deployment::new(&"a".repeat(57), &DeploymentOptions::default()).is_ok());
    assert_eq!(
        err(&"a".repeat(58), DeploymentOptions::default()).1,
        "invalid model_id: must be at most 57 characters"
    );
    // Upper case is alphanumeric (host names are case-insensitive).
    assert!(Deployment::new("AbCd1234", &DeploymentOptions::default()).is_ok());
}

#[test]
fn environment_names_are_dns_labels() {
    for env in [
        "",
        "Staging",
        "stag_ing",
        "-staging",
        "staging-",
        "stag.ing",
        "stag/ing",
        "../production",
        "staging?x",
        "staging#",
        "st aging",
        "prod%2f",
        "é",
    ] {
        let (field, _) = err(
            "abcd1234",
            DeploymentOptions {
                environment: Some(env),
                ..Default::default()
            },
        );
        assert_eq!(field, "environment", "{env:?}");
    }
    assert_eq!(
        err(
            "abcd1234",
            DeploymentOptions {
                environment: Some("Staging"),
                ..Default::default()
            }
        )
        .1,
        "invalid environment: must be lowercase letters, digits and inner hyphens (found 'S' at byte 0)"
    );
    assert_eq!(
        err(
            "abcd1234",
            DeploymentOptions {
                environment: Some("-x"),
                ..Default::default()
            }
        )
        .1,
        "invalid environment: must not start or end with a hyphen"
    );
    for env in ["staging", "prod-eu-1", "a", "0", "canary2"] {
        assert!(
            Deployment::new(
                "abcd1234",
                &DeploymentOptions {
                    environment: Some(env),
                    ..Default::default()
                }
            )
            .is_ok()
        );
    }
    // Hand-built targets are checked the same way.
    let e = Deployment::with_target(
        Kind::Model,
        "abcd1234",
        Target::Environment("a/b".into()),
        false,
        None,
    );
    assert_eq!(e.unwrap_err().field, "environment");
    let e = Deployment::with_target(
        Kind::Model,
        "abcd1234",
        Target::Deployment("a/b".into()),
        false,
        None,
    );
    assert_eq!(e.unwrap_err().field, "deployment_id");
}

#[test]
fn deployment_ids_are_alphanumeric() {
    for id in [
        "",
        "dep_production",
        "a/b",
        "..",
        "a.b",
        "a b",
        "a?b",
        "a#b",
    ] {
        let (field, _) = err(
            "abcd1234",
            DeploymentOptions {
                deployment_id: Some(id),
                ..Default::default()
            },
        );
        assert_eq!(field, "deployment_id", "{id:?}");
    }
}

#[test]
fn targets_are_exclusive_and_regional_needs_an_environment() {
    let both = DeploymentOptions {
        environment: Some("staging"),
        development: true,
        ..Default::default()
    };
    assert_eq!(
        err("abcd1234", both).1,
        "invalid environment: give only one of environment, deployment_id and development"
    );
    let both = DeploymentOptions {
        environment: Some("staging"),
        deployment_id: Some("x1"),
        ..Default::default()
    };
    assert!(Deployment::new("abcd1234", &both).is_err());
    let both = DeploymentOptions {
        deployment_id: Some("x1"),
        development: true,
        ..Default::default()
    };
    assert!(Deployment::new("abcd1234", &both).is_err());

    for options in [
        DeploymentOptions {
            development: true,
            regional: true,
            ..Default::default()
        },
        DeploymentOptions {
            deployment_id: Some("x1"),
            regional: true,
            ..Default::default()
        },
    ] {
        let (field, message) = err("abcd1234", options);
        assert_eq!(field, "regional");
        assert_eq!(
            message,
            "invalid regional: regional hosts serve environments only, not development or a deployment id"
        );
    }
    // model-{id}-{env} must fit one 63-character label.
    let env = "e".repeat(63 - "model-abcd1234-".len());
    assert!(
        Deployment::new(
            "abcd1234",
            &DeploymentOptions {
                environment: Some(&env),
                regional: true,
                ..Default::default()
            }
        )
        .is_ok()
    );
    let env = "e".repeat(64 - "model-abcd1234-".len());
    assert_eq!(
        err(
            "abcd1234",
            DeploymentOptions {
                environment: Some(&env),
                regional: true,
                ..Default::default()
            }
        )
        .1,
        "invalid environment: the regional host name would be longer than 63 characters"
    );
}

#[test]
fn routes_cannot_leave_the_sync_prefix() {
    let d = deployment(DeploymentOptions::default());
    for route in [
        "..",
        "../predict",
        "a/../../deployment/x/predict",
        ".",
        "./x",
        "a/./b",
        "a/..",
        "%2e%2e/predict",
        "%2E%2e/x",
        "a/%2e",
        "a%2fb",
        "a%2Fb",
        "a%5cb",
        "a\\..\\b",
        "a//b",
        "a/",
        "//evil.com",
        "a#frag",
        "a b",
        "a\tb",
        "é",
        "%",
        "%4",
        "%zz",
        "a?b#c",
        "a?b c",
        "a\"b",
        "a<b>",
        "a|b",
        "a^b",
        "a`b",
        "a{b}",
        "a[0]",
    ] {
        let e = d.sync_url(route).unwrap_err();
        assert_eq!(e.field, "route", "{route:?}");
    }
    assert_eq!(
        d.sync_url("../predict").unwrap_err().to_string(),
        "invalid route: must not have '.' or '..' segments"
    );
    assert_eq!(
        d.sync_url("%2e%2e/predict").unwrap_err().to_string(),
        "invalid route: must not escape '.', '/' or '\\' (%2e, %2f, %5c)"
    );
    assert_eq!(
        d.sync_url("a#frag").unwrap_err().to_string(),
        "invalid route: must be URL path characters (percent-encode others) (found '#' at byte 1)"
    );
    assert!(d.sync_url(&"a".repeat(4097)).is_err());
}

#[test]
fn request_ids_are_checked() {
    let d = deployment(DeploymentOptions::default());
    for id in [
        "8f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f",
        "0b5e0c5e-7d6a-4f4e-9e1b-2f6c8a1d3b7e",
        "req_1",
    ] {
        assert_eq!(
            d.async_request_url(id).unwrap(),
            format!("{HOST}/async_request/{id}")
        );
    }
    for id in ["", "..", "a/b", "a?b", "a#b", "a.b", "a b", "a%2fb", "é"] {
        assert_eq!(
            d.async_request_url(id).unwrap_err().field,
            "request_id",
            "{id:?}"
        );
    }
    assert!(d.async_request_url(&"a".repeat(128)).is_ok());
    assert!(d.async_request_url(&"a".repeat(129)).is_err());
}

#[test]
fn base_url_overrides_are_checked() {
    for base in [
        "ftp://x",
        "127.0.0.1:4000",
        "http://",
        "https:///path",
        "http://user:pw@host",
        "http://h?q=1",
        "http://h#f",
        "http://h/a b",
        "http://h/{other}",
        "http://{model_id}.example.com",
        "http://h\\@evil.com",
        "http://hé",
    ] {
        let (field, _) = err(
            "abcd1234",
            DeploymentOptions {
                base_url: Some(base),
                ..Default::default()
            },
        );
        assert_eq!(field, "base_url", "{base:?}");
    }
}

/// The host of an absolute URL.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").unwrap().1;
    rest.split('/').next().unwrap()
}

proptest! {
    #[test]
    fn no_input_changes_the_host_or_escapes_the_path(
        id in "[a-zA-Z0-9./%#?@:_-]{1,10}",
        env in "[a-z0-9./%#?A-Z_-]{1,10}",
        route in "[a-zA-Z0-9./%#?@:;=&+ \\\\2eEfFcC-]{0,24}",
        request in "[a-zA-Z0-9./%#?_-]{1,12}",
    ) {
        let options = DeploymentOptions { environment: Some(&env), ..Default::default() };
        if let Ok(d) = Deployment::new(&id, &options) {
            let host = format!("model-{id}.api.baseten.co");
            let predict = d.predict_url();
            prop_assert_eq!(host_of(&predict), host.as_str());
            let prefix = format!("https://{host}/environments/{env}/");
            if let Ok(url) = d.sync_url(&route) {
                let sync_prefix = format!("{prefix}sync/");
                prop_assert!(url.starts_with(&sync_prefix));
                let path = url.split('?').next().unwrap();
                prop_assert!(!path.contains("/../") && !path.ends_with("/..") && !path.contains("/./"));
                prop_assert!(!url.contains('#') && !url.contains('\\') && !url.contains(' '));
                prop_assert!(!path.to_ascii_lowercase().contains("%2e"));
            }
            if let Ok(url) = d.async_request_url(&request) {
                prop_assert_eq!(url, format!("https://{host}/async_request/{request}"));
                prop_assert!(!request.contains(['/', '.', '?', '#']));
            }
        }
    }
}

// ---------------------------------------------------------- async predict

#[test]
fn minimal_async_body() {
    assert_eq!(
        async_predict_body(r#"{"prompt":"hi"}"#, &AsyncPredictOptions::default()).unwrap(),
        r#"{"model_input":{"prompt":"hi"}}"#
    );
    // Surrounding whitespace goes; the input's own text is kept.
    assert_eq!(
        async_predict_body(" { \"a\" : [1, 2] } ", &AsyncPredictOptions::default()).unwrap(),
        r#"{"model_input":{ "a" : [1, 2] }}"#
    );
}

#[test]
fn full_async_body() {
    let options = AsyncPredictOptions {
        webhook_endpoint: Some("https://hooks.example.com/baseten?team=a"),
        priority: Some(0),
        max_time_in_queue_seconds: Some(259_200),
        inference_retry_config: Some(InferenceRetryConfig {
            max_attempts: Some(3),
            initial_delay_ms: Some(1000),
            max_delay_ms: Some(5000),
        }),
        allow_http_loopback_webhook: false,
    };
    let body = async_predict_body(r#"{"prompt":"hi"}"#, &options).unwrap();
    assert_eq!(
        body,
        r#"{"model_input":{"prompt":"hi"},"webhook_endpoint":"https://hooks.example.com/baseten?team=a","priority":0,"max_time_in_queue_seconds":259200,"inference_retry_config":{"max_attempts":3,"initial_delay_ms":1000,"max_delay_ms":5000}}"#
    );
    assert_eq!(validate_async_predict_body(&body, false), Ok(()));
    let partial = AsyncPredictOptions {
        inference_retry_config: Some(InferenceRetryConfig {
            max_delay_ms: Some(0),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        async_predict_body("{}", &partial).unwrap(),
        r#"{"model_input":{},"inference_retry_config":{"max_delay_ms":0}}"#
    );
    let empty = AsyncPredictOptions {
        inference_retry_config: Some(InferenceRetryConfig::default()),
        ..Default::default()
    };
    assert_eq!(
        async_predict_body("{}", &empty).unwrap(),
        r#"{"model_input":{},"inference_retry_config":{}}"#
    );
}

fn body_err(options: AsyncPredictOptions<'_>) -> String {
    async_predict_body("{}", &options).unwrap_err().to_string()
}

#[test]
fn async_bounds_from_the_docs() {
    let ok = |options: AsyncPredictOptions<'_>| async_predict_body("{}", &options).is_ok();
    for p in [0, 1, 2] {
        assert!(ok(AsyncPredictOptions {
            priority: Some(p),
            ..Default::default()
        }));
    }
    assert_eq!(
        body_err(AsyncPredictOptions {
            priority: Some(-1),
            ..Default::default()
        }),
        "invalid priority: must be an integer from 0 to 2, got -1"
    );
    assert_eq!(
        body_err(AsyncPredictOptions {
            priority: Some(3),
            ..Default::default()
        }),
        "invalid priority: must be an integer from 0 to 2, got 3"
    );
    assert!(ok(AsyncPredictOptions {
        max_time_in_queue_seconds: Some(10),
        ..Default::default()
    }));
    assert_eq!(
        body_err(AsyncPredictOptions {
            max_time_in_queue_seconds: Some(9),
            ..Default::default()
        }),
        "invalid max_time_in_queue_seconds: must be an integer from 10 to 259200, got 9"
    );
    assert!(
        body_err(AsyncPredictOptions {
            max_time_in_queue_seconds: Some(259_201),
            ..Default::default()
        })
        .contains("got 259201")
    );
    let retry = |c: InferenceRetryConfig| AsyncPredictOptions {
        inference_retry_config: Some(c),
        ..Default::default()
    };
    for (config, message) in [
        (
            InferenceRetryConfig {
                max_attempts: Some(0),
                ..Default::default()
            },
            "invalid inference_retry_config.max_attempts: must be an integer from 1 to 10, got 0",
        ),
        (
            InferenceRetryConfig {
                max_attempts: Some(11),
                ..Default::default()
            },
            "invalid inference_retry_config.max_attempts: must be an integer from 1 to 10, got 11",
        ),
        (
            InferenceRetryConfig {
                initial_delay_ms: Some(10_001),
                ..Default::default()
            },
            "invalid inference_retry_config.initial_delay_ms: must be an integer from 0 to 10000, got 10001",
        ),
        (
            InferenceRetryConfig {
                initial_delay_ms: Some(-1),
                ..Default::default()
            },
            "invalid inference_retry_config.initial_delay_ms: must be an integer from 0 to 10000, got -1",
        ),
        (
            InferenceRetryConfig {
                max_delay_ms: Some(60_001),
                ..Default::default()
            },
            "invalid inference_retry_config.max_delay_ms: must be an integer from 0 to 60000, got 60001",
        ),
    ] {
        assert_eq!(body_err(retry(config)), message);
    }
    assert!(ok(retry(InferenceRetryConfig {
        max_attempts: Some(10),
        initial_delay_ms: Some(10_000),
        max_delay_ms: Some(60_000)
    })));
    assert!(!ok(AsyncPredictOptions {
        priority: Some(i64::MAX),
        ..Default::default()
    }));
    assert!(
        body_err(AsyncPredictOptions {
            priority: Some(i64::MIN),
            ..Default::default()
        })
        .ends_with("got -9223372036854775808")
    );
}

#[test]
fn model_input_must_be_a_json_object() {
    let opts = AsyncPredictOptions::default();
    for input in ["[1]", "\"text\"", "1", "null", "true"] {
        assert_eq!(
            async_predict_body(input, &opts).unwrap_err().to_string(),
            "invalid model_input: must be a JSON object",
            "{input}"
        );
    }
    for input in ["", "{", "{} {}", "{'a':1}"] {
        assert_eq!(
            async_predict_body(input, &opts).unwrap_err().to_string(),
            "invalid model_input: is not valid JSON"
        );
    }
}

#[test]
fn payload_limit_is_256_kib_of_request_body() {
    let wrapper = r#"{"model_input":{"p":""}}"#.len();
    let fill = |n: usize| format!(r#"{{"p":"{}"}}"#, "x".repeat(n));
    let at_limit = async_predict_body(
        &fill(ASYNC_PAYLOAD_LIMIT - wrapper),
        &AsyncPredictOptions::default(),
    )
    .unwrap();
    assert_eq!(at_limit.len(), 262_144);
    let e = async_predict_body(
        &fill(ASYNC_PAYLOAD_LIMIT - wrapper + 1),
        &AsyncPredictOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid model_input: the request body is 262145 bytes; async predict takes at most 262144 (256 KiB)"
    );
    assert!(validate_async_predict_body(&at_limit, false).is_ok());
    assert!(validate_async_predict_body(&format!("{at_limit} "), false).is_err());
}

#[test]
fn webhooks_must_be_https() {
    let with = |url: &'static str, loopback: bool| {
        async_predict_body(
            "{}",
            &AsyncPredictOptions {
                webhook_endpoint: Some(url),
                allow_http_loopback_webhook: loopback,
                ..Default::default()
            },
        )
    };
    for url in [
        "https://example.com/hook",
        "HTTPS://example.com",
        "https://user:pw@example.com:8443/h?x=1#f",
        "https://[2001:db8::1]/h",
        "https://example.com",
    ] {
        assert!(with(url, false).is_ok(), "{url}");
    }
    let https_only =
        "invalid webhook_endpoint: must be an https:// URL (Baseten requires HTTPS webhooks)";
    for url in [
        "http://example.com/hook",
        "http://127.0.0.1:9000/hook",
        "ftp://example.com",
        "example.com/hook",
        "",
        "wss://x",
    ] {
        assert_eq!(
            with(url, false).unwrap_err().to_string(),
            https_only,
            "{url}"
        );
    }
    // For the emulator: http only to loopback, and only when allowed.
    for url in [
        "http://127.0.0.1:9000/hook",
        "http://localhost:9000/hook",
        "http://[::1]:9000/hook",
        "http://LOCALHOST/h",
    ] {
        assert!(with(url, true).is_ok(), "{url}");
    }
    for url in [
        "http://127.0.0.2/hook",
        "http://localhost.evil.com/h",
        "http://127.0.0.1.nip.io/h",
        "http://evil.com@127.0.0.1x/h",
    ] {
        assert_eq!(
            with(url, true).unwrap_err().to_string(),
            https_only,
            "{url}"
        );
    }
    assert_eq!(
        with("https:///path", false).unwrap_err().to_string(),
        "invalid webhook_endpoint: has no host"
    );
    assert!(
        with("https://example.com/a b", false)
            .unwrap_err()
            .to_string()
            .contains("spaces")
    );
    assert!(with("https://exämple.com", false).is_err());
    // A quote is escaped in the JSON body, not passed raw.
    let body = with("https://example.com/\"x", false).unwrap();
    assert!(body.contains(r#""webhook_endpoint":"https://example.com/\"x""#));
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_ok());
}

#[test]
fn validating_a_body_built_elsewhere() {
    let ok = |body: &str| validate_async_predict_body(body, false);
    assert_eq!(ok(r#"{"model_input":{"a":1}}"#), Ok(()));
    assert_eq!(
        ok(
            r#"{"model_input":{},"webhook_endpoint":null,"priority":null,"max_time_in_queue_seconds":600,
              "inference_retry_config":null,"extra_field":true}"#
        ),
        Ok(())
    );
    assert_eq!(ok(r#"{"model_input":{},"priority":1.0}"#), Ok(()));
    let field = |body: &str| validate_async_predict_body(body, false).unwrap_err().field;
    assert_eq!(field("[]"), "body");
    assert_eq!(field("nope"), "body");
    assert_eq!(field("{}"), "model_input");
    assert_eq!(field(r#"{"model_input":null}"#), "model_input");
    assert_eq!(field(r#"{"model_input":[1]}"#), "model_input");
    assert_eq!(field(r#"{"model_input":{},"priority":"1"}"#), "priority");
    assert_eq!(field(r#"{"model_input":{},"priority":1.5}"#), "priority");
    assert_eq!(field(r#"{"model_input":{},"priority":5}"#), "priority");
    assert_eq!(
        field(r#"{"model_input":{},"max_time_in_queue_seconds":5}"#),
        "max_time_in_queue_seconds"
    );
    assert_eq!(
        field(r#"{"model_input":{},"webhook_endpoint":7}"#),
        "webhook_endpoint"
    );
    assert_eq!(
        field(r#"{"model_input":{},"webhook_endpoint":"http://x.com"}"#),
        "webhook_endpoint"
    );
    assert_eq!(
        field(r#"{"model_input":{},"inference_retry_config":[]}"#),
        "inference_retry_config"
    );
    assert_eq!(
        field(r#"{"model_input":{},"inference_retry_config":{"max_attempts":0}}"#),
        "inference_retry_config.max_attempts"
    );
    assert_eq!(
        validate_async_predict_body(r#"{"model_input":{},"priority":"1"}"#, false)
            .unwrap_err()
            .to_string(),
        "invalid priority: must be an integer from 0 to 2"
    );
    assert_eq!(
        validate_async_predict_body(
            r#"{"model_input":{},"webhook_endpoint":"http://127.0.0.1:1/h"}"#,
            true
        ),
        Ok(())
    );
}

#[test]
fn async_statuses() {
    let all = [
        ("QUEUED", AsyncStatus::Queued, false),
        ("IN_PROGRESS", AsyncStatus::InProgress, false),
        ("SUCCEEDED", AsyncStatus::Succeeded, true),
        ("FAILED", AsyncStatus::Failed, true),
        ("EXPIRED", AsyncStatus::Expired, true),
        ("CANCELED", AsyncStatus::Canceled, true),
        ("WEBHOOK_FAILED", AsyncStatus::WebhookFailed, true),
    ];
    for (text, status, terminal) in all {
        assert_eq!(AsyncStatus::parse(text), Some(status));
        assert_eq!(status.as_str(), text);
        assert_eq!(status.is_terminal(), terminal, "{text}");
    }
    for text in ["queued", "CANCELLED", "", "PENDING", "NO_WEBHOOK_PROVIDED"] {
        assert_eq!(AsyncStatus::parse(text), None);
    }
}

proptest! {
    #[test]
    fn built_bodies_are_json_that_validates(priority in 0i64..=2, queue in 10i64..=259_200,
                                            attempts in proptest::option::of(1i64..=10),
                                            text in ".{0,40}") {
        let input = serde_json::json!({ "text": text }).to_string();
        let options = AsyncPredictOptions {
            webhook_endpoint: Some("https://example.com/hook"),
            priority: Some(priority),
            max_time_in_queue_seconds: Some(queue),
            inference_retry_config: Some(InferenceRetryConfig { max_attempts: attempts, ..Default::default() }),
            allow_http_loopback_webhook: false,
        };
        let body = async_predict_body(&input, &options).unwrap();
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        prop_assert_eq!(&value["model_input"]["text"], &serde_json::Value::String(text));
        prop_assert_eq!(value["priority"].as_i64(), Some(priority));
        prop_assert_eq!(validate_async_predict_body(&body, false), Ok(()));
    }
}
