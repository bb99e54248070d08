//! The EC2 instance metadata service, version 2, as the SDKs ask it for credentials: a session
//! token first (`PUT /latest/api/token`, its lifetime in `X-aws-ec2-metadata-token-ttl-seconds`,
//! 1 to 21600 s), then the role's name and its credentials with that token, the region, and the
//! few answers SDKs probe on the way. Requests that a proxy forwarded (`X-Forwarded-For`) are
//! refused, as EC2 refuses them. Tokens are bounded in number and swept as they expire.
//!
//! IMDS has no shared secret: on a shared host what guards it is the server's check of who is
//! connecting (see [`super`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Response, StatusCode};
use secrecy::ExposeSecret;

use crate::output::rfc3339;
use crate::sts::Issued;

/// The header that asks for a token, with its lifetime in seconds.
pub const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// The header that carries a token.
pub const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// The longest a token may live, as on EC2.
pub const MAX_TTL: u64 = 21_600;
/// The most tokens kept at once; past it, the one that expires soonest goes.
pub const MAX_TOKENS: usize = 1024;
/// The instance id the answers name (no instance is behind them).
const INSTANCE_ID: &str = "i-00000000000fedaws";

/// One connector served as an instance profile.
pub struct Imds {
    role: String,
    region: String,
    tokens: Mutex<HashMap<String, Instant>>,
}

/// What a request to the metadata service comes to.
pub enum Step {
    /// Answered.
    Done(Response<Full<Bytes>>),
    /// Answered with the role's credentials, once the server has them
    /// ([`credentials_answer`]).
    Credentials,
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

fn json(value: &serde_json::Value) -> Response<Full<Bytes>> {
    crate::conns::json(StatusCode::OK, value.to_string())
}

impl Imds {
    /// `role` (the connector's name) as an instance profile in `region`.
    pub fn new(role: &str, region: &str) -> Imds {
        Imds {
            role: role.to_string(),
            region: region.to_string(),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    /// Answer `method path`, or say that it asks for the credentials.
    pub fn answer(&self, method: &Method, path: &str, headers: &HeaderMap) -> Step {
        if headers.contains_key("x-forwarded-for") {
            return Step::Done(text(StatusCode::FORBIDDEN, "Forbidden"));
        }
        if path == "/latest/api/token" {
            return Step::Done(if method == Method::PUT {
                self.new_token(headers)
            } else {
                text(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
            });
        }
        if method != Method::GET {
            return Step::Done(text(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed"));
        }
        if !self.valid(headers) {
            return Step::Done(text(StatusCode::UNAUTHORIZED, "Unauthorized"));
        }
        let creds = "/latest/meta-data/iam/security-credentials/";
        let region = &self.region;
        let done = match path {
            "/latest/meta-data/iam/security-credentials" => text(StatusCode::OK, self.role.clone()),
            p if p == creds => text(StatusCode::OK, self.role.clone()),
            p if p.strip_prefix(creds) == Some(self.role.as_str()) => return Step::Credentials,
            "/latest/meta-data/iam/info" => json(&serde_json::json!({
                "Code": "Success",
                "LastUpdated": rfc3339(jiff::Timestamp::now()),
                "InstanceProfileArn": format!("arn:aws:iam::000000000000:instance-profile/{}", self.role),
                "InstanceProfileId": "AIPAFEDAWSFEDAWSFEDAW",
            })),
            "/latest/dynamic/instance-identity/document" => json(&serde_json::json!({
                "region": region,
                "availabilityZone": format!("{region}a"),
                "instanceId": INSTANCE_ID,
                "instanceType": "fedaws.local",
                "architecture": "x86_64",
                "imageId": "ami-00000000000000000",
                "privateIp": "127.0.0.1",
                "version": "2017-09-30",
            })),
            "/latest/meta-data/placement/region" => text(StatusCode::OK, region.clone()),
            "/latest/meta-data/placement/availability-zone" => {
                text(StatusCode::OK, format!("{region}a"))
            }
            "/latest/meta-data/instance-id" => text(StatusCode::OK, INSTANCE_ID),
            "/latest/meta-data" | "/latest/meta-data/" => {
                text(StatusCode::OK, "iam/\ninstance-id\nplacement/")
            }
            _ => text(StatusCode::NOT_FOUND, "Not Found"),
        };
        Step::Done(done)
    }

    /// `PUT /latest/api/token`: a token living as long as the request asks (1 to 21600 s).
    fn new_token(&self, headers: &HeaderMap) -> Response<Full<Bytes>> {
        let ttl = headers
            .get(TTL_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|t| (1..=MAX_TTL).contains(t));
        let Some(ttl) = ttl else {
            return text(
                StatusCode::BAD_REQUEST,
                format!("{TTL_HEADER} must be a number of seconds from 1 to {MAX_TTL}"),
            );
        };
        let Ok(token) = super::new_token() else {
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "no randomness from the OS",
            );
        };
        let now = Instant::now();
        {
            let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
            tokens.retain(|_, expires| *expires > now);
            if tokens.len() >= MAX_TOKENS
                && let Some(soonest) = tokens
                    .iter()
                    .min_by_key(|(_, expires)| **expires)
                    .map(|(t, _)| t.clone())
            {
                tokens.remove(&soonest);
            }
            tokens.insert(
                token.expose_secret().to_string(),
                now + Duration::from_secs(ttl),
            );
        }
        let mut response = text(StatusCode::OK, token.expose_secret().to_string());
        if let Ok(v) = HeaderValue::from_str(&ttl.to_string()) {
            response.headers_mut().insert(TTL_HEADER, v);
        }
        response
    }

    /// Whether the request carries a token that was given and has not expired.
    fn valid(&self, headers: &HeaderMap) -> bool {
        let Some(given) = headers.get(TOKEN_HEADER).map(HeaderValue::as_bytes) else {
            return false;
        };
        let now = Instant::now();
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        // Every live token is compared, each in constant time.
        tokens.iter().fold(false, |found, (token, expires)| {
            found | (super::constant_time_eq(given, token.as_bytes()) && *expires > now)
        })
    }

    /// How many tokens are kept.
    pub fn tokens(&self) -> usize {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// The credentials of the role, as EC2 gives them.
pub fn credentials_answer(c: &Issued) -> Response<Full<Bytes>> {
    json(&serde_json::json!({
        "Code": "Success",
        "LastUpdated": rfc3339(jiff::Timestamp::now()),
        "Type": "AWS-HMAC",
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key.expose_secret(),
        "Token": c.session_token.expose_secret(),
        "Expiration": rfc3339(c.expiration),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn done(step: Step) -> Response<Full<Bytes>> {
        match step {
            Step::Done(r) => r,
            Step::Credentials => panic!("asked for the credentials"),
        }
    }

    fn token(imds: &Imds, ttl: &str) -> Response<Full<Bytes>> {
        done(imds.answer(
            &Method::PUT,
            "/latest/api/token",
            &headers(&[(TTL_HEADER, ttl)]),
        ))
    }

    fn body(r: Response<Full<Bytes>>) -> String {
        use http_body_util::BodyExt;
        let bytes = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(r.into_body().collect())
            .unwrap()
            .to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn a_token_of_1_to_21600_seconds_opens_the_role_and_nothing_opens_it_without() {
        let imds = Imds::new("dev", "eu-central-1");
        for bad in ["0", "21601", "-1", "x", ""] {
            assert_eq!(
                token(&imds, bad).status(),
                StatusCode::BAD_REQUEST,
                "{bad:?}"
            );
        }
        let forwarded = imds.answer(
            &Method::PUT,
            "/latest/api/token",
            &headers(&[(TTL_HEADER, "60"), ("x-forwarded-for", "10.0.0.1")]),
        );
        assert_eq!(done(forwarded).status(), StatusCode::FORBIDDEN);
        let got = token(&imds, "21600");
        assert_eq!(got.status(), StatusCode::OK);
        assert_eq!(got.headers()[TTL_HEADER], "21600");
        let t = body(got);
        let list = "/latest/meta-data/iam/security-credentials/";
        let without = imds.answer(&Method::GET, list, &HeaderMap::new());
        assert_eq!(done(without).status(), StatusCode::UNAUTHORIZED);
        let wrong = imds.answer(&Method::GET, list, &headers(&[(TOKEN_HEADER, "nope")]));
        assert_eq!(done(wrong).status(), StatusCode::UNAUTHORIZED);
        let with = headers(&[(TOKEN_HEADER, &t)]);
        assert_eq!(body(done(imds.answer(&Method::GET, list, &with))), "dev");
        assert!(matches!(
            imds.answer(&Method::GET, &format!("{list}dev"), &with),
            Step::Credentials
        ));
        let other = imds.answer(&Method::GET, &format!("{list}prod"), &with);
        assert_eq!(done(other).status(), StatusCode::NOT_FOUND);
        let doc = imds.answer(
            &Method::GET,
            "/latest/dynamic/instance-identity/document",
            &with,
        );
        let doc: serde_json::Value = serde_json::from_str(&body(done(doc))).unwrap();
        assert_eq!(doc["region"], "eu-central-1");
        let extended = "/latest/meta-data/iam/security-credentials-extended/";
        let extended = imds.answer(&Method::GET, extended, &with);
        assert_eq!(done(extended).status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn tokens_are_bounded_and_swept() {
        let imds = Imds::new("dev", "us-east-1");
        for _ in 0..MAX_TOKENS + 10 {
            assert_eq!(token(&imds, "60").status(), StatusCode::OK);
        }
        assert_eq!(imds.tokens(), MAX_TOKENS);
        imds.tokens
            .lock()
            .unwrap()
            .values_mut()
            .for_each(|e| *e = Instant::now() - Duration::from_secs(1));
        let _ = token(&imds, "60");
        assert_eq!(imds.tokens(), 1, "expired tokens were not swept");
    }
}
