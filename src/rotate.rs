//! Replacing an account's access key through IAM, with the account's own key: make a new key,
//! wait until it works, store it, deactivate the old one, delete it.
//!
//! Each step is written to the account's store entry before it is taken ([`Rotation`]), and IAM
//! is asked where things stand at the start, so a rerun after a crash or a failed call at any
//! step finishes the job: the store always holds a key that works (the old one until the new
//! one has been seen to work, then the new one). A key IAM made after the rotation began that is
//! not in the store is the rotation's own leftover (its secret was lost with the answer that
//! carried it) and is deleted; a key made before is someone else's, and IAM's limit of two keys
//! a user makes the rotation stop and name it (or, with `--force`, delete it).

use std::time::{Duration, Instant};

use aws_sdk_iam::config::{BehaviorVersion, Region};
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

use crate::secret::{self, AccountEntry, AccountKeys, Rotation, SecretStore};
use crate::sts::Endpoint;

/// How long a new key may take to work (IAM is eventually consistent) before the rotation
/// stops; a rerun goes on waiting.
pub const WAIT_FOR_KEY: Duration = Duration::from_secs(60);

/// One of the user's access keys, as `ListAccessKeys` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// `AKIA…`.
    pub id: String,
    /// Active or not.
    pub active: bool,
    /// When IAM made it.
    pub created: Option<jiff::Timestamp>,
}

/// What fedaws asks of IAM (and of STS, whether a key works), signed with `signer`.
pub trait Iam {
    /// The signer's user's access keys.
    fn list_keys(&self, signer: &AccountKeys) -> Result<Vec<KeyInfo>, IamError>;
    /// A new access key for the signer's user, and when IAM made it.
    fn create_key(&self, signer: &AccountKeys) -> Result<(AccountKeys, jiff::Timestamp), IamError>;
    /// Make key `id` inactive.
    fn deactivate(&self, signer: &AccountKeys, id: &str) -> Result<(), IamError>;
    /// Delete key `id`.
    fn delete(&self, signer: &AccountKeys, id: &str) -> Result<(), IamError>;
    /// Whether `keys` work yet (`GetCallerIdentity` answers): `Ok(false)` while AWS does not
    /// know them yet.
    fn works(&self, keys: &AccountKeys) -> Result<bool, IamError>;
}

/// An IAM (or STS) call that failed. Never carries a secret.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{call} failed: {message}")]
pub struct IamError {
    /// The API.
    pub call: &'static str,
    /// AWS's error code, when it gave one.
    pub code: Option<String>,
    /// What went wrong.
    pub message: String,
}

/// What the rotation asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Stop after deactivating the old key.
    pub keep_old: bool,
    /// Delete another key that is in the way (IAM allows two per user).
    pub force: bool,
}

/// How far a rotation got, for the audit log and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing done yet.
    Start,
    /// The keys IAM has were listed.
    Listed,
    /// A key in the way was deleted (`--force`, or the rotation's own leftover).
    Cleared,
    /// IAM made the new key.
    Created,
    /// The new key works.
    Verified,
    /// The new key is in the store.
    Stored,
    /// The old key is inactive.
    Deactivated,
    /// The old key is gone (or kept inactive with `--keep-old`), and the rotation is over.
    Done,
}

impl Step {
    /// The name in audit lines and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Start => "start",
            Step::Listed => "listed",
            Step::Cleared => "cleared",
            Step::Created => "created",
            Step::Verified => "verified",
            Step::Stored => "stored",
            Step::Deactivated => "deactivated",
            Step::Done => "done",
        }
    }
}

/// A rotation that stopped: the step it reached and why. The store holds a key that works;
/// running the rotation again goes on from here.
#[derive(Debug, thiserror::Error)]
#[error(
    "the rotation stopped after step `{}` (the store holds a working key; run `fedaws account rotate` again to go on)",
    .reached.as_str()
)]
pub struct Stopped {
    /// The last step done.
    pub reached: Step,
    /// Why it stopped.
    #[source]
    pub why: anyhow::Error,
}

/// What a finished rotation did.
#[derive(Debug, Clone)]
pub struct Rotated {
    /// The old key's id.
    pub old: String,
    /// The new key's id.
    pub new: String,
    /// The old key was kept, inactive.
    pub kept_old: bool,
}

/// A person watching: told of each wait (a spinner on a terminal; nothing elsewhere).
pub trait Progress {
    /// Waiting for `what`, `waited` so far.
    fn waiting(&mut self, what: &str, waited: Duration);
    /// The wait is over.
    fn done(&mut self);
}

/// Rotate `account`'s key in `store` through `iam`; see the module's documentation.
pub fn rotate(
    store: &dyn SecretStore,
    account: &str,
    iam: &dyn Iam,
    options: Options,
    progress: &mut dyn Progress,
) -> Result<Rotated, Stopped> {
    let mut reached = Step::Start;
    let stop = |reached: Step| move |why: anyhow::Error| Stopped { reached, why };
    let key = secret::account_key(account);
    let write = |entry: &AccountEntry| store.set(&key, &entry.to_secret());
    let mut entry = secret::read_entry(store, account)
        .map_err(|e| stop(reached)(e.into()))?
        .ok_or_else(|| {
            stop(reached)(anyhow::anyhow!(
                "account `{account}` has no key pair in the {} store; store one with `fedaws account edit {account} --rotate`",
                store.backend()
            ))
        })?;

    // Before the new key is in the store: make it (again, if its answer was lost), and see it
    // work. The store keeps the old key throughout.
    if entry.rotation.as_ref().is_none_or(|r| r.retire.is_none()) {
        let listed = iam
            .list_keys(&entry.keys)
            .map_err(|e| stop(reached)(e.into()))?;
        reached = Step::Listed;
        let started = entry.rotation.as_ref().map(|r| r.started);
        let made = entry.rotation.as_ref().and_then(|r| r.new.clone());
        // A key made by this rotation whose answer never reached the store is a leftover; one
        // in the store's journal that IAM no longer has is forgotten.
        let made = made.filter(|(k, _)| listed.iter().any(|l| l.id == k.access_key_id));
        for other in listed.iter().filter(|l| l.id != entry.keys.access_key_id) {
            let ours = made
                .as_ref()
                .is_some_and(|(k, _)| k.access_key_id == other.id);
            if ours {
                continue;
            }
            let leftover = matches!((started, other.created), (Some(s), Some(c)) if c >= s - jiff::SignedDuration::from_secs(5));
            if !leftover && !options.force {
                return Err(stop(reached)(anyhow::anyhow!(
                    "the IAM user of account `{account}` already has another access key, {} ({}{}), which fedaws does not keep; IAM allows two keys a user. Delete it, or run again with --force to have fedaws delete it",
                    secret::mask_key_id(&other.id),
                    if other.active { "active" } else { "inactive" },
                    other
                        .created
                        .map(|c| format!(", created {c}"))
                        .unwrap_or_default()
                )));
            }
            iam.delete(&entry.keys, &other.id)
                .map_err(|e| stop(reached)(e.into()))?;
            reached = Step::Cleared;
        }
        let (new, created) = match made {
            Some(made) => made,
            None => {
                // The journal first, so a rerun knows a key made from here on is its own.
                let started = jiff::Timestamp::now();
                entry.rotation = Some(Rotation {
                    started,
                    new: None,
                    retire: None,
                });
                write(&entry).map_err(|e| stop(reached)(e.into()))?;
                let made = iam
                    .create_key(&entry.keys)
                    .map_err(|e| stop(reached)(e.into()))?;
                reached = Step::Created;
                entry.rotation = Some(Rotation {
                    started,
                    new: Some(made.clone()),
                    retire: None,
                });
                write(&entry).map_err(|e| stop(reached)(e.into()))?;
                made
            }
        };
        reached = Step::Created;
        wait_until_it_works(iam, &new, progress).map_err(stop(reached))?;
        reached = Step::Verified;
        let started = entry
            .rotation
            .as_ref()
            .map_or_else(jiff::Timestamp::now, |r| r.started);
        let old = std::mem::replace(&mut entry.keys, new);
        entry.created = Some(created);
        entry.rotation = Some(Rotation {
            started,
            new: None,
            retire: Some(old.access_key_id.clone()),
        });
        write(&entry).map_err(|e| stop(reached)(e.into()))?;
        reached = Step::Stored;
    } else {
        reached = Step::Stored;
    }

    // The new key is in the store and signs from here on: retire the old one.
    let old = entry
        .rotation
        .as_ref()
        .and_then(|r| r.retire.clone())
        .expect("a rotation past the store step names the key it retires");
    let listed = iam
        .list_keys(&entry.keys)
        .map_err(|e| stop(reached)(e.into()))?;
    if let Some(found) = listed.iter().find(|k| k.id == old) {
        if found.active {
            iam.deactivate(&entry.keys, &old)
                .map_err(|e| stop(reached)(e.into()))?;
        }
        reached = Step::Deactivated;
        if !options.keep_old {
            iam.delete(&entry.keys, &old)
                .map_err(|e| stop(reached)(e.into()))?;
        }
    }
    entry.rotation = None;
    write(&entry).map_err(|e| stop(reached)(e.into()))?;
    Ok(Rotated {
        old,
        new: entry.keys.access_key_id.clone(),
        kept_old: options.keep_old,
    })
}

/// Ask STS with the new key until it answers, up to [`WAIT_FOR_KEY`], backing off from 1 s.
fn wait_until_it_works(
    iam: &dyn Iam,
    keys: &AccountKeys,
    progress: &mut dyn Progress,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut pause = Duration::from_secs(1);
    loop {
        let last = match iam.works(keys) {
            Ok(true) => {
                progress.done();
                return Ok(());
            }
            Ok(false) => None,
            Err(e) => Some(e),
        };
        let waited = started.elapsed();
        if waited + pause > WAIT_FOR_KEY {
            progress.done();
            return Err(anyhow::anyhow!(
                "the new key {} did not work within {} s{}; IAM may still be spreading it. The store keeps the old key: run `fedaws account rotate` again to go on",
                keys.masked_id(),
                WAIT_FOR_KEY.as_secs(),
                last.map(|e| format!(" ({e})")).unwrap_or_default()
            ));
        }
        progress.waiting("the new key to work", waited);
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_secs(8));
    }
}

/// IAM through aws-sdk-iam and STS's `GetCallerIdentity` through aws-sdk-sts, each built from
/// static keys like the STS client: no default credential chain. No retries: every step can
/// be taken again by a rerun, and a retried `CreateAccessKey` could make a second key.
pub struct AwsIam {
    /// IAM's endpoint URL, when not the partition's.
    pub iam_url: Option<String>,
    /// STS, for `GetCallerIdentity`.
    pub sts: Endpoint,
}

impl AwsIam {
    fn runtime() -> Result<tokio::runtime::Runtime, IamError> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| IamError {
                call: "IAM",
                code: None,
                message: format!("cannot start the async runtime: {e}"),
            })
    }

    fn client(&self, keys: &AccountKeys) -> aws_sdk_iam::Client {
        let credentials = crate::sts::static_credentials(keys);
        let mut builder = aws_sdk_iam::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(
                crate::partition::Partition::of_region(&self.sts.region).iam_region(),
            ))
            .credentials_provider(credentials)
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(self.sts.connect_timeout)
                    .operation_timeout(self.sts.request_timeout)
                    .build(),
            );
        if let Some(url) = &self.iam_url {
            builder = builder.endpoint_url(url.clone());
        }
        aws_sdk_iam::Client::from_conf(builder.build())
    }
}

/// An SDK failure (of IAM or STS) as an [`IamError`]: AWS's code and message, else the cause.
fn failed<E>(call: &'static str) -> impl Fn(aws_sdk_iam::error::SdkError<E>) -> IamError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    move |e| IamError {
        call,
        code: e.code().map(str::to_string),
        message: match (e.code(), e.message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_string(),
            _ => crate::exit::innermost(&e),
        },
    }
}

fn timestamp(t: Option<&aws_smithy_types::DateTime>) -> Option<jiff::Timestamp> {
    t.and_then(|t| jiff::Timestamp::from_second(t.secs()).ok())
}

impl Iam for AwsIam {
    fn list_keys(&self, signer: &AccountKeys) -> Result<Vec<KeyInfo>, IamError> {
        let client = self.client(signer);
        let out = AwsIam::runtime()?
            .block_on(client.list_access_keys().send())
            .map_err(failed("ListAccessKeys"))?;
        Ok(out
            .access_key_metadata()
            .iter()
            .filter_map(|k| {
                Some(KeyInfo {
                    id: k.access_key_id()?.to_string(),
                    active: k.status() == Some(&aws_sdk_iam::types::StatusType::Active),
                    created: timestamp(k.create_date()),
                })
            })
            .collect())
    }

    fn create_key(&self, signer: &AccountKeys) -> Result<(AccountKeys, jiff::Timestamp), IamError> {
        let client = self.client(signer);
        let out = AwsIam::runtime()?
            .block_on(client.create_access_key().send())
            .map_err(failed("CreateAccessKey"))?;
        let key = out.access_key().ok_or_else(|| IamError {
            call: "CreateAccessKey",
            code: None,
            message: "the answer had no key".into(),
        })?;
        let keys =
            AccountKeys::new(key.access_key_id(), key.secret_access_key()).map_err(|_| {
                IamError {
                    call: "CreateAccessKey",
                    code: None,
                    message: "the answer's key does not look like an AWS access key pair".into(),
                }
            })?;
        let created = timestamp(key.create_date()).unwrap_or_else(jiff::Timestamp::now);
        Ok((keys, created))
    }

    fn deactivate(&self, signer: &AccountKeys, id: &str) -> Result<(), IamError> {
        let client = self.client(signer);
        AwsIam::runtime()?
            .block_on(
                client
                    .update_access_key()
                    .access_key_id(id)
                    .status(aws_sdk_iam::types::StatusType::Inactive)
                    .send(),
            )
            .map_err(failed("UpdateAccessKey"))?;
        Ok(())
    }

    fn delete(&self, signer: &AccountKeys, id: &str) -> Result<(), IamError> {
        let client = self.client(signer);
        AwsIam::runtime()?
            .block_on(client.delete_access_key().access_key_id(id).send())
            .map_err(failed("DeleteAccessKey"))?;
        Ok(())
    }

    fn works(&self, keys: &AccountKeys) -> Result<bool, IamError> {
        let client = crate::sts::client(keys, &self.sts);
        match AwsIam::runtime()?.block_on(client.get_caller_identity().send()) {
            Ok(_) => Ok(true),
            // The codes of a key AWS does not know yet.
            Err(e)
                if matches!(
                    e.code(),
                    Some("InvalidClientTokenId" | "SignatureDoesNotMatch" | "AccessDenied")
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(failed("GetCallerIdentity")(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    use secrecy::ExposeSecret;

    use super::*;
    use crate::secret::MemoryStore;

    /// IAM in memory: one user's keys, and a call that fails (after doing its work, or before).
    #[derive(Default)]
    struct FakeIam {
        keys: RefCell<BTreeMap<String, (String, bool, jiff::Timestamp)>>,
        calls: RefCell<usize>,
        fail_at: Option<(usize, bool)>,
        made: RefCell<usize>,
    }

    impl FakeIam {
        fn with(keys: &AccountKeys) -> FakeIam {
            let iam = FakeIam::default();
            iam.keys.borrow_mut().insert(
                keys.access_key_id.clone(),
                (
                    keys.secret_access_key.expose_secret().to_string(),
                    true,
                    jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2000),
                ),
            );
            iam
        }

        /// Count the call; fail it before (`false`) or after (`true`) `work` when it is the one.
        fn call<T>(&self, name: &'static str, work: impl FnOnce() -> T) -> Result<T, IamError> {
            *self.calls.borrow_mut() += 1;
            let n = *self.calls.borrow();
            let fault = IamError {
                call: name,
                code: Some("InjectedFault".into()),
                message: "injected".into(),
            };
            match self.fail_at {
                Some((at, false)) if at == n => Err(fault),
                Some((at, true)) if at == n => {
                    work();
                    Err(fault)
                }
                _ => Ok(work()),
            }
        }

        fn knows(&self, signer: &AccountKeys) -> Result<(), IamError> {
            match self.keys.borrow().get(&signer.access_key_id) {
                Some((secret, true, _)) if secret == signer.secret_access_key.expose_secret() => {
                    Ok(())
                }
                _ => Err(IamError {
                    call: "signing",
                    code: Some("InvalidClientTokenId".into()),
                    message: "not a working key".into(),
                }),
            }
        }
    }

    impl Iam for FakeIam {
        fn list_keys(&self, signer: &AccountKeys) -> Result<Vec<KeyInfo>, IamError> {
            self.knows(signer)?;
            self.call("ListAccessKeys", || {
                self.keys
                    .borrow()
                    .iter()
                    .map(|(id, (_, active, created))| KeyInfo {
                        id: id.clone(),
                        active: *active,
                        created: Some(*created),
                    })
                    .collect()
            })
        }
        fn create_key(
            &self,
            signer: &AccountKeys,
        ) -> Result<(AccountKeys, jiff::Timestamp), IamError> {
            self.knows(signer)?;
            if self.keys.borrow().len() >= 2 {
                return Err(IamError {
                    call: "CreateAccessKey",
                    code: Some("LimitExceeded".into()),
                    message: "two keys".into(),
                });
            }
            self.call("CreateAccessKey", || {
                *self.made.borrow_mut() += 1;
                let n = *self.made.borrow();
                let keys = AccountKeys::new(
                    &format!("AKIANEWKEY{n:010}"),
                    &format!("newsecret{n}newsecret{n}"),
                )
                .unwrap();
                let now = jiff::Timestamp::now();
                self.keys.borrow_mut().insert(
                    keys.access_key_id.clone(),
                    (
                        keys.secret_access_key.expose_secret().to_string(),
                        true,
                        now,
                    ),
                );
                (keys, now)
            })
        }
        fn deactivate(&self, signer: &AccountKeys, id: &str) -> Result<(), IamError> {
            self.knows(signer)?;
            self.call("UpdateAccessKey", || {
                if let Some(k) = self.keys.borrow_mut().get_mut(id) {
                    k.1 = false;
                }
            })
        }
        fn delete(&self, signer: &AccountKeys, id: &str) -> Result<(), IamError> {
            self.knows(signer)?;
            self.call("DeleteAccessKey", || {
                self.keys.borrow_mut().remove(id);
            })
        }
        fn works(&self, keys: &AccountKeys) -> Result<bool, IamError> {
            Ok(self.knows(keys).is_ok())
        }
    }

    struct Quiet;
    impl Progress for Quiet {
        fn waiting(&mut self, _: &str, _: Duration) {}
        fn done(&mut self) {}
    }

    fn setup() -> (MemoryStore, AccountKeys) {
        let store = MemoryStore::default();
        let keys = AccountKeys::new("AKIAOLDKEY0000000001", "oldsecretoldsecretoldsecret").unwrap();
        store
            .set(&secret::account_key("a"), &keys.to_secret())
            .unwrap();
        (store, keys)
    }

    /// The stored key is one IAM has, active.
    fn assert_store_works(store: &MemoryStore, iam: &FakeIam, when: &str) {
        let entry = secret::read_entry(store, "a").unwrap().unwrap();
        assert!(
            iam.knows(&entry.keys).is_ok(),
            "{when}: the stored key does not work"
        );
    }

    #[test]
    fn a_rotation_leaves_one_key_the_new_one_in_the_store() {
        let (store, old) = setup();
        let iam = FakeIam::with(&old);
        let done = rotate(&store, "a", &iam, Options::default(), &mut Quiet).unwrap();
        assert_eq!(done.old, old.access_key_id);
        let keys = iam.keys.borrow();
        assert_eq!(keys.len(), 1);
        let entry = secret::read_entry(&store, "a").unwrap().unwrap();
        assert!(keys.contains_key(&entry.keys.access_key_id));
        assert_ne!(entry.keys.access_key_id, old.access_key_id);
        assert!(entry.rotation.is_none());
        assert!(entry.created.is_some());
    }

    #[test]
    fn a_failure_at_any_call_leaves_a_working_key_and_a_rerun_finishes() {
        for at in 1..=6 {
            for after in [false, true] {
                let (store, old) = setup();
                let mut iam = FakeIam::with(&old);
                iam.fail_at = Some((at, after));
                let first = rotate(&store, "a", &iam, Options::default(), &mut Quiet);
                let when = format!(
                    "failing call {at} ({})",
                    if after { "after" } else { "before" }
                );
                assert_store_works(&store, &iam, &when);
                iam.fail_at = None;
                if first.is_err() {
                    rotate(&store, "a", &iam, Options::default(), &mut Quiet).unwrap_or_else(|e| {
                        panic!("{when}: the rerun stopped at {:?}: {e}", e.reached)
                    });
                }
                let keys = iam.keys.borrow();
                assert_eq!(keys.len(), 1, "{when}: {keys:?}");
                let entry = secret::read_entry(&store, "a").unwrap().unwrap();
                assert!(keys.contains_key(&entry.keys.access_key_id), "{when}");
                assert_ne!(entry.keys.access_key_id, old.access_key_id, "{when}");
                assert!(entry.rotation.is_none(), "{when}");
            }
        }
    }

    #[test]
    fn another_key_stops_the_rotation_unless_forced() {
        let (store, old) = setup();
        let iam = FakeIam::with(&old);
        iam.keys.borrow_mut().insert(
            "AKIAOTHERKEY00000001".into(),
            (
                "x".into(),
                true,
                jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1),
            ),
        );
        let err = rotate(&store, "a", &iam, Options::default(), &mut Quiet).unwrap_err();
        assert_eq!(err.reached, Step::Listed);
        let why = err.why.to_string();
        assert!(
            why.contains("AKIA…0001") && why.contains("--force"),
            "{why}"
        );
        let force = Options {
            force: true,
            ..Options::default()
        };
        rotate(&store, "a", &iam, force, &mut Quiet).unwrap();
        assert_eq!(iam.keys.borrow().len(), 1);
    }

    #[test]
    fn keep_old_leaves_it_inactive() {
        let (store, old) = setup();
        let iam = FakeIam::with(&old);
        let keep = Options {
            keep_old: true,
            ..Options::default()
        };
        rotate(&store, "a", &iam, keep, &mut Quiet).unwrap();
        let keys = iam.keys.borrow();
        assert_eq!(keys.len(), 2);
        assert!(!keys[&old.access_key_id].1, "the old key is still active");
    }
}
