//! The class of an API error, from its HTTP status or, for an error that
//! arrives inside a stream (where there is no status), from its type.

use std::fmt;

/// What went wrong, as a JavaScript binding maps it to an error class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400
    BadRequest,
    /// 401
    Authentication,
    /// 402: payment or budget.
    PaymentRequired,
    /// 403 (Baseten also answers a bad key with 403).
    PermissionDenied,
    /// 404
    NotFound,
    /// 409
    Conflict,
    /// 413
    PayloadTooLarge,
    /// 422
    UnprocessableEntity,
    /// 429: rate limit or exhausted quota (tell them apart by `code`).
    RateLimit,
    /// Any 5xx, including 529 and Anthropic's `overloaded_error`.
    InternalServer,
    /// Any other status (e.g. 408, or a 2xx/3xx the caller treats as an
    /// error).
    Other(u16),
    /// A stream error whose type and code name no known class.
    Unknown,
}

impl ErrorKind {
    /// The class of an HTTP status.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            402 => ErrorKind::PaymentRequired,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            413 => ErrorKind::PayloadTooLarge,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::RateLimit,
            500..=599 => ErrorKind::InternalServer,
            other => ErrorKind::Other(other),
        }
    }

    /// The class an error type or code string names, if any. Matching
    /// ignores case, punctuation and a trailing `error`, so Anthropic's
    /// `rate_limit_error`, vLLM's `BadRequestError` and Baseten's
    /// `"Bad Request"` are all understood.
    pub fn from_error_type(name: &str) -> Option<ErrorKind> {
        if name.len() > 64 {
            return None;
        }
        let norm: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let norm = norm
            .strip_suffix("error")
            .filter(|s| !s.is_empty())
            .unwrap_or(&norm);
        Some(match norm {
            "invalidrequest" | "badrequest" | "validation" => ErrorKind::BadRequest,
            "authentication" | "unauthorized" | "invalidapikey" => ErrorKind::Authentication,
            "billing" | "paymentrequired" => ErrorKind::PaymentRequired,
            "permission" | "permissiondenied" | "forbidden" => ErrorKind::PermissionDenied,
            "notfound" | "modelnotfound" => ErrorKind::NotFound,
            "conflict" => ErrorKind::Conflict,
            "requesttoolarge" | "payloadtoolarge" => ErrorKind::PayloadTooLarge,
            "unprocessableentity" => ErrorKind::UnprocessableEntity,
            // OpenAI sends insufficient_quota with 429 too.
            "ratelimit" | "ratelimitexceeded" | "toomanyrequests" | "insufficientquota" => {
                ErrorKind::RateLimit
            }
            "api" | "server" | "internalserver" | "internal" | "overloaded"
            | "serviceunavailable" | "badgateway" | "timeout" | "gatewaytimeout" => {
                ErrorKind::InternalServer
            }
            _ => return None,
        })
    }

    /// The openai-node style class name a binding should use:
    /// `BadRequestError`, `RateLimitError`, …, and `APIError` for
    /// [`Other`](Self::Other) and [`Unknown`](Self::Unknown).
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "BadRequestError",
            ErrorKind::Authentication => "AuthenticationError",
            ErrorKind::PaymentRequired => "PaymentRequiredError",
            ErrorKind::PermissionDenied => "PermissionDeniedError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Conflict => "ConflictError",
            ErrorKind::PayloadTooLarge => "PayloadTooLargeError",
            ErrorKind::UnprocessableEntity => "UnprocessableEntityError",
            ErrorKind::RateLimit => "RateLimitError",
            ErrorKind::InternalServer => "InternalServerError",
            ErrorKind::Other(_) | ErrorKind::Unknown => "APIError",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.class_name())
    }
}
