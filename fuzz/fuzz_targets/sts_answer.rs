//! STS answers as they come off the wire: any status and body, for each of the three APIs,
//! through the SDK's own client (fedaws's set-up, with an HTTP client that answers what the
//! fuzzer made and no retries) and fedaws's checks and error mapping. Nothing panics, and an
//! answer that is refused never has the secret key or session token it carried in its message.
//!
//! The input: the first byte picks the API, the next two the status, the rest is the body.
#![no_main]

use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::RetryConfig;
use fedaws::principal::Principal;
use fedaws::secret::AccountKeys;
use fedaws::sts::{Call, Endpoint};
use libfuzzer_sys::fuzz_target;

/// The answer the next request gets.
static ANSWER: Mutex<(u16, Vec<u8>)> = Mutex::new((200, Vec::new()));

/// An HTTP client that answers every request with [`ANSWER`].
#[derive(Debug, Clone)]
struct Answers;

impl HttpConnector for Answers {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let (status, body) = ANSWER.lock().expect("the answer").clone();
        let status = StatusCode::try_from(status).expect("a status in 100..=999");
        let mut response = HttpResponse::new(status, SdkBody::from(body));
        response.headers_mut().insert("content-type", "text/xml");
        HttpConnectorFuture::ready(Ok(response))
    }
}

impl HttpClient for Answers {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.clone().into_shared()
    }
}

struct World {
    runtime: tokio::runtime::Runtime,
    client: aws_sdk_sts::Client,
    endpoint: Endpoint,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let keys = AccountKeys {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            .to_string()
            .into(),
    };
    let endpoint = Endpoint {
        region: "us-east-1".into(),
        url: Some("http://127.0.0.1:9".into()),
        connect_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(5),
    };
    let http: SharedHttpClient = Answers.into_shared();
    let config = fedaws::sts::config(&keys, &endpoint)
        .http_client(http)
        .retry_config(RetryConfig::disabled())
        .build();
    World {
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime"),
        client: aws_sdk_sts::Client::from_conf(config),
        endpoint,
    }
});

/// The text between `<tag>` and `</tag>` in `body`, where there is one.
fn element<'a>(body: &'a str, tag: &str) -> Option<&'a str> {
    let start = body.find(&format!("<{tag}>"))? + tag.len() + 2;
    let len = body[start..].find(&format!("</{tag}>"))?;
    Some(&body[start..start + len])
}

fuzz_target!(|data: &[u8]| {
    let [pick, high, low, body @ ..] = data else {
        return;
    };
    let principal = match pick % 3 {
        0 => Principal::FederatedUser,
        1 => Principal::IamUser,
        _ => Principal::AssumeRole,
    };
    let status = match u16::from_be_bytes([*high, *low]) % 1000 {
        s if s < 100 => [200, 400, 403, 500, 503][usize::from(s % 5)],
        s => s,
    };
    *ANSWER.lock().expect("the answer") = (status, body.to_vec());
    let call = Call {
        principal,
        duration: 3600,
        session_name: Some("alice".into()),
        role_arn: Some("arn:aws:iam::123456789012:role/fuzz".into()),
        external_id: None,
        policy: None,
        policy_arns: Vec::new(),
        mfa: None,
        tags: Vec::new(),
        account: "main".into(),
        source_identity: None,
    };
    let world = &*WORLD;
    let result = world
        .runtime
        .block_on(fedaws::sts::send(&world.client, &world.endpoint, &call));
    if let (Err(e), Ok(text)) = (result, std::str::from_utf8(body)) {
        let message = format!("{e}");
        for tag in ["SecretAccessKey", "SessionToken"] {
            if let Some(value) = element(text, tag).filter(|v| v.len() >= 8) {
                let elsewhere = text.matches(value).count() > 1;
                assert!(
                    elsewhere || !message.contains(value),
                    "a refusal of an answer told its {tag}: {message}"
                );
            }
        }
    }
});
