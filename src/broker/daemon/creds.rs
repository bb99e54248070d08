//! `POST /v1/creds`: credentials for the peer, issued through the core as `fedaws creds` would
//! issue them locally, with the broker's config, stores, in-memory cache and audit log.

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};

use super::peer::Peer;
use super::{Shared, error_body, json, refusal};
use crate::broker::access;
use crate::broker::log;
use crate::broker::protocol::{CredsAnswer, CredsBody, ErrorBody};
use crate::config::{Config, Location};
use crate::exit::Exit;
use crate::issue::Services;
use crate::secret::{self, SecretStore};

/// One request's view of the world, as the issuing core sees it.
struct Work {
    shared: Arc<Shared>,
    config: Arc<Config>,
    sts: crate::sts::AwsSts,
    peer: String,
}

impl Services for Work {
    fn location(&self) -> &Location {
        &self.shared.location
    }
    fn config(&mut self) -> anyhow::Result<Arc<Config>> {
        Ok(self.config.clone())
    }
    fn account_store(&mut self, config: &Config) -> anyhow::Result<Box<dyn SecretStore>> {
        self.shared.account_store(config)
    }
    fn fast_cache_store(&mut self) -> Option<Box<dyn SecretStore>> {
        Some(Box::new(self.shared.cache.clone()))
    }
    fn cache_store(&mut self, config: &Config) -> anyhow::Result<Option<Box<dyn SecretStore>>> {
        Ok((self.shared.stores(config)?.cache != secret::CacheAt::Off)
            .then(|| Box::new(self.shared.cache.clone()) as Box<dyn SecretStore>))
    }
    fn sts(&self) -> &dyn crate::sts::Sts {
        &self.sts
    }
    fn ask_mfa_code(&mut self, _serial: &str) -> anyhow::Result<Option<secrecy::SecretString>> {
        // Nobody at the broker's terminal: the code comes in the request.
        Ok(None)
    }
    fn debug(&mut self, level: u8, message: std::fmt::Arguments<'_>) {
        if self.shared.verbose >= level {
            log(format_args!("{}: {message}", self.peer));
        }
    }
    fn warn(&mut self, message: &str) {
        log(format_args!("warning: {}: {message}", self.peer));
    }
    fn family(&self, error: &anyhow::Error) -> Exit {
        crate::error::exit_for(error)
    }
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
    }
    fn host(&self) -> String {
        self.shared.host.clone()
    }
    fn env(&self, name: &str) -> Option<String> {
        // The broker's own environment, which its administrator set; never a client's.
        std::env::var(name).ok()
    }
    fn state_dir(&self) -> PathBuf {
        self.shared.state_dir.clone()
    }
    fn prepare_state(&mut self) -> anyhow::Result<()> {
        // Made and checked when the broker started; it is the broker's own.
        Ok(())
    }
    fn record(&mut self, event: crate::audit::Event) -> anyhow::Result<()> {
        Ok(self.shared.record(event)?)
    }
}

/// `POST /v1/creds`.
pub(super) async fn creds(
    shared: Arc<Shared>,
    peer: Peer,
    body: CredsBody,
) -> Response<Full<Bytes>> {
    let system = body.system;
    let request = match body.request() {
        Ok(r) => r,
        Err(message) => return refusal(&ErrorBody::new(Exit::Usage, message)),
    };
    let caller = match peer.caller(system) {
        Ok(c) => c,
        Err(e) => return refusal(&error_body(&e.into())),
    };
    let mut work = Work {
        config: shared.config(),
        shared: shared.clone(),
        sts: crate::sts::AwsSts,
        peer: peer.describe(),
    };
    // A cache hit is answered here and now: a few stats, a lookup in memory, one write to the
    // audit log.
    let time = crate::output::rfc3339(jiff::Timestamp::now());
    if let Some(hit) = crate::issue::cached(&mut work, &request, &caller) {
        let answer = zeroize::Zeroizing::new(
            serde_json::to_vec(&CredsAnswer::of(&hit.creds, &hit.region, true)).unwrap_or_default(),
        );
        let event = crate::issue::event_of(time, &request, &caller, &Ok(hit), None);
        if let Err(e) = shared.record(event) {
            return refusal(&error_body(&e.into()));
        }
        return json(StatusCode::OK, answer.to_vec());
    }
    // Someone who may not use the connector learns no more than that, whether it exists or
    // not (and the audit line says the same, since they may read it).
    let identity = match peer.identity() {
        Ok(id) => id,
        Err(e) => return refusal(&error_body(&e.into())),
    };
    if access::is_outsider(&work.config, &identity, &request.connector) {
        let refused = access::outsider(&work.config, &identity, &request.connector);
        let failure = crate::issue::Failure {
            error: refused.clone().into(),
            known: crate::issue::Known::default(),
        };
        let family = Some(crate::error::exit_for(&failure.error));
        let event = crate::issue::event_of(time, &request, &caller, &Err(failure), family);
        if let Err(e) = shared.record(event) {
            return refusal(&error_body(&e.into()));
        }
        return refusal(&error_body(&refused.into()));
    }
    let config = work.config.clone();
    // The rest may wait (on STS, another caller's call, an MFA process): one user's requests
    // take turns among themselves, and nobody else waits for them.
    let Ok(_turn) = shared.turns_of(peer.uid).acquire_owned().await else {
        return refusal(&ErrorBody::new(Exit::Failure, "the broker is stopping"));
    };
    let done = tokio::task::spawn_blocking(move || {
        crate::issue::obtain_audited(&mut work, &request, &caller)
            .map(|o| CredsAnswer::of(&o.creds, &o.region, o.from_cache))
    })
    .await;
    match done {
        Ok(Ok(answer)) => {
            let body = zeroize::Zeroizing::new(serde_json::to_vec(&answer).unwrap_or_default());
            json(StatusCode::OK, body.to_vec())
        }
        Ok(Err(e)) => refusal(&error_body(&access::for_peer(e, &config, &identity))),
        Err(_) => refusal(&ErrorBody::new(Exit::Failure, super::BUG)),
    }
}
