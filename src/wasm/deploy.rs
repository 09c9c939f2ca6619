//! `DeploymentCore` for `js/deployment.js`: the URLs of one dedicated
//! deployment ([`crate::deploy`]), its request headers and error bodies
//! ([`crate::client`]), the async predict body, and `verifyWebhook`
//! ([`crate::webhook`]). Adapts only; every rule lives in the core.

use super::error::api_error_object;
use crate::client::{AuthScheme, ClientConfig, ConfigError};
use crate::deploy::{
    AsyncPredictOptions, AsyncStatus, Deployment, DeploymentOptions, InferenceRetryConfig,
    async_predict_body,
};
use crate::webhook::{self, WebhookError};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

/// One deployment's address and credentials. Every id and name was checked
/// by the constructor, so no later URL can reach another host or path.
///
/// ```js
/// const core = new DeploymentCore("abcd1234", "staging", undefined, false, false, false, undefined, key, "Api-Key");
/// core.predictUrl; // "https://model-abcd1234.api.baseten.co/environments/staging/predict"
/// ```
#[wasm_bindgen]
pub struct DeploymentCore {
    deployment: Deployment,
    config: ClientConfig,
}

#[wasm_bindgen]
impl DeploymentCore {
    /// Throws a `ValidationError` naming the bad id or option (`model_id`,
    /// `environment`, `deployment_id`, `regional`, `base_url`), or a
    /// `ModelwireError` for the key or auth scheme (never quoting the key).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: &str,
        environment: Option<String>,
        deployment_id: Option<String>,
        development: bool,
        regional: bool,
        chain: bool,
        base_url: Option<String>,
        api_key: Option<String>,
        auth_scheme: &str,
    ) -> Result<DeploymentCore, JsValue> {
        let deployment = Deployment::new(
            id,
            &DeploymentOptions {
                chain,
                environment: environment.as_deref(),
                deployment_id: deployment_id.as_deref(),
                development,
                regional,
                base_url: base_url.as_deref(),
            },
        )?;
        let auth = AuthScheme::parse(auth_scheme).ok_or_else(|| ConfigError {
            option: "authScheme",
            message: "must be \"Bearer\" or \"Api-Key\"".to_owned(),
        })?;
        let config = ClientConfig::new(deployment.host(), api_key, auth)?;
        Ok(DeploymentCore { deployment, config })
    }

    /// The model or chain id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.deployment.id().to_owned()
    }

    /// Scheme and host (or the base URL override), no trailing `/`.
    #[wasm_bindgen(getter)]
    pub fn host(&self) -> String {
        self.deployment.host().to_owned()
    }

    #[wasm_bindgen(getter, js_name = predictUrl)]
    pub fn predict_url(&self) -> String {
        self.deployment.predict_url()
    }

    #[wasm_bindgen(getter, js_name = asyncPredictUrl)]
    pub fn async_predict_url(&self) -> String {
        self.deployment.async_predict_url()
    }

    #[wasm_bindgen(getter, js_name = asyncQueueStatusUrl)]
    pub fn async_queue_status_url(&self) -> String {
        self.deployment.async_queue_status_url()
    }

    #[wasm_bindgen(getter, js_name = wakeUrl)]
    pub fn wake_url(&self) -> String {
        self.deployment.wake_url()
    }

    /// `{target}/sync/v1`, the base URL of an OpenAI-compatible server.
    #[wasm_bindgen(getter, js_name = openaiBaseUrl)]
    pub fn openai_base_url(&self) -> String {
        self.deployment.openai_base_url()
    }

    /// `{target}/sync/{route}`; throws a `ValidationError` (`route`) for a
    /// route that would leave `/sync/`.
    #[wasm_bindgen(js_name = syncUrl)]
    pub fn sync_url(&self, route: &str) -> Result<String, JsValue> {
        Ok(self.deployment.sync_url(route)?)
    }

    /// `{host}/async_request/{id}`; throws a `ValidationError`
    /// (`request_id`) for an id that is not letters, digits, `-`, `_`.
    #[wasm_bindgen(js_name = asyncRequestUrl)]
    pub fn async_request_url(&self, request_id: &str) -> Result<String, JsValue> {
        Ok(self.deployment.async_request_url(request_id)?)
    }

    /// `authorization` (when there is a key), `content-type` and `accept`
    /// for JSON, names in lower case.
    pub fn headers(&self) -> Result<JsValue, JsValue> {
        let out: JsValue = Object::new().into();
        for (name, value) in self.config.headers(false) {
            Reflect::set(&out, &JsValue::from_str(name), &JsValue::from_str(&value))?;
        }
        Ok(out)
    }

    /// The body of `POST …/async_predict` from the model input (JSON text of
    /// an object) and the options; throws a `ValidationError` naming the
    /// field that is out of bounds, or the 256 KiB limit.
    ///
    /// ```js
    /// core.asyncPredictBody('{"prompt":"hi"}', "https://example.com/hook", 1, undefined, undefined, undefined, undefined, false);
    /// // '{"model_input":{"prompt":"hi"},"webhook_endpoint":"https://example.com/hook","priority":1}'
    /// ```
    #[wasm_bindgen(js_name = asyncPredictBody)]
    #[allow(clippy::too_many_arguments)]
    pub fn async_predict_body(
        &self,
        model_input: &str,
        webhook_endpoint: Option<String>,
        priority: Option<f64>,
        max_time_in_queue_seconds: Option<f64>,
        max_attempts: Option<f64>,
        initial_delay_ms: Option<f64>,
        max_delay_ms: Option<f64>,
        retry_config: bool,
        allow_http_loopback_webhook: bool,
    ) -> Result<String, JsValue> {
        let body = async_predict_body(
            model_input,
            &AsyncPredictOptions {
                webhook_endpoint: webhook_endpoint.as_deref(),
                priority: integer("priority", priority)?,
                max_time_in_queue_seconds: integer(
                    "max_time_in_queue_seconds",
                    max_time_in_queue_seconds,
                )?,
                inference_retry_config: if retry_config {
                    Some(InferenceRetryConfig {
                        max_attempts: integer("inference_retry_config.max_attempts", max_attempts)?,
                        initial_delay_ms: integer(
                            "inference_retry_config.initial_delay_ms",
                            initial_delay_ms,
                        )?,
                        max_delay_ms: integer("inference_retry_config.max_delay_ms", max_delay_ms)?,
                    })
                } else {
                    None
                },
                allow_http_loopback_webhook,
            },
        )?;
        Ok(body)
    }

    /// Describes a failed response (`headers` flattened name, value, …),
    /// with the key scrubbed, as `ClientCore.responseError`.
    #[wasm_bindgen(js_name = responseError, unchecked_return_type = "ApiErrorFields")]
    pub fn response_error(&self, status: u16, headers: Vec<String>, body: &[u8]) -> JsValue {
        api_error_object(&self.config.response_error(status, &pairs(&headers), body))
    }

    /// Replaces the key in `text` with `[REDACTED]`.
    pub fn scrub(&self, text: &str) -> String {
        match self.config.secret() {
            Some(key) => text.replace(key, crate::api_error::REDACTED),
            None => text.to_owned(),
        }
    }
}

/// Header pairs flattened to `[name, value, name, value, …]`.
fn pairs(flat: &[String]) -> Vec<(&str, &str)> {
    flat.chunks_exact(2)
        .map(|pair| (pair[0].as_str(), pair[1].as_str()))
        .collect()
}

/// A whole number from JS, or a `ValidationError` naming `field`.
fn integer(field: &'static str, value: Option<f64>) -> Result<Option<i64>, JsValue> {
    match value {
        None => Ok(None),
        Some(v) if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 => Ok(Some(v as i64)),
        Some(_) => Err(crate::deploy::DeployError {
            field,
            message: "must be a whole number".to_owned(),
        }
        .into()),
    }
}

/// Whether an async request status will not change any more: `false` for
/// `QUEUED`, `IN_PROGRESS` and any status this version does not know.
///
/// ```js
/// isTerminalAsyncStatus("SUCCEEDED"); // true
/// ```
#[wasm_bindgen(js_name = isTerminalAsyncStatus)]
pub fn is_terminal_async_status(status: &str) -> bool {
    AsyncStatus::parse(status).is_some_and(AsyncStatus::is_terminal)
}

/// Checks a webhook body against its `X-BASETEN-SIGNATURE` header under any
/// of `secrets`, in constant time; throws a `WebhookVerificationError`
/// (`code`: `empty_secret`, `missing_signature`, `malformed_signature`,
/// `mismatch`) when it does not verify. The secrets never appear in a
/// message.
///
/// ```js
/// verifyWebhookSignature([new TextEncoder().encode(secret)], bodyBytes, header);
/// ```
#[wasm_bindgen(js_name = verifyWebhookSignature)]
pub fn verify_webhook_signature(
    secrets: Vec<Uint8Array>,
    body: &[u8],
    header: &str,
) -> Result<(), JsValue> {
    let secrets: Vec<Vec<u8>> = secrets.iter().map(Uint8Array::to_vec).collect();
    let refs: Vec<&[u8]> = secrets.iter().map(Vec::as_slice).collect();
    webhook::verify_any(&refs, body, header).map_err(JsValue::from)
}

/// `v1=<hex HMAC-SHA256(secret, body)>`: the header Baseten sends (for tests
/// and for signing in a relay).
#[wasm_bindgen(js_name = signWebhook)]
pub fn sign_webhook(secret: &[u8], body: &[u8]) -> Result<String, JsValue> {
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret.into());
    }
    Ok(webhook::sign(secret, body))
}
