//! Peers: who is at the other end of a connection, as the kernel says (uid, pid), with the name
//! and groups the user and group databases give, looked up off the async threads and kept for a
//! moment so a user's many connections do not look up at once.

use std::sync::Arc;
use std::time::Duration;

use super::Shared;
use crate::issue::Caller;

/// How long a user's name and groups are taken as looked up (a group change counts after this,
/// and the time a new lookup takes).
const LOOKUP_FOR: Duration = Duration::from_secs(1);

/// How long a lookup may stand in for the next one while that is under way.
const STALE_FOR: Duration = Duration::from_secs(5);

/// A user as last looked up.
pub(super) struct Known {
    at: std::time::Instant,
    peer: Peer,
    /// A new lookup is under way.
    refreshing: bool,
}

impl Shared {
    /// The peer `uid` (process `pid`): its name and groups from the databases, off the async
    /// threads (a slow directory service holds up only the connections that wait for it). A
    /// lookup is used for [`LOOKUP_FOR`]; after that, one request starts a new lookup and the
    /// others go on with the last one until it is in, for at most [`STALE_FOR`], so a user's
    /// many connections never look up at once.
    pub(super) async fn peer(self: &Arc<Self>, uid: u32, pid: Option<u32>) -> Peer {
        enum Found {
            Use(Peer),
            UseAndRefresh(Peer),
            LookUp,
        }
        let found = {
            let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
            match known.get_mut(&uid) {
                Some(k) if k.at.elapsed() < LOOKUP_FOR => Found::Use(k.peer.clone()),
                Some(k) if k.at.elapsed() < STALE_FOR && k.refreshing => Found::Use(k.peer.clone()),
                Some(k) if k.at.elapsed() < STALE_FOR => {
                    k.refreshing = true;
                    Found::UseAndRefresh(k.peer.clone())
                }
                _ => Found::LookUp,
            }
        };
        let peer = match found {
            Found::Use(peer) => peer,
            Found::UseAndRefresh(peer) => {
                let shared = self.clone();
                tokio::spawn(async move { shared.look_up(uid).await });
                peer
            }
            Found::LookUp => self.look_up(uid).await,
        };
        Peer { pid, ..peer }
    }

    /// Look `uid` up in the user and group databases now, and keep what was found.
    async fn look_up(&self, uid: u32) -> Peer {
        let looked = tokio::task::spawn_blocking(move || Peer::look_up(uid, None))
            .await
            .unwrap_or(Peer {
                uid,
                pid: None,
                user: None,
                groups: Vec::new(),
            });
        self.known.lock().unwrap_or_else(|p| p.into_inner()).insert(
            uid,
            Known {
                at: std::time::Instant::now(),
                peer: looked.clone(),
                refreshing: false,
            },
        );
        looked
    }
}

/// Who is at the other end of a connection, as the kernel says.
#[derive(Clone)]
pub(super) struct Peer {
    pub(super) uid: u32,
    pub(super) pid: Option<u32>,
    /// The login name, where the user database has one.
    pub(super) user: Option<String>,
    /// The user's groups in the group database.
    pub(super) groups: Vec<String>,
}

impl Peer {
    /// The user `uid` as the user and group databases have it now.
    fn look_up(uid: u32, pid: Option<u32>) -> Peer {
        let Some(account) = uzers::get_user_by_uid(uid) else {
            return Peer {
                uid,
                pid,
                user: None,
                groups: Vec::new(),
            };
        };
        let name = account.name().to_os_string();
        let mut groups: Vec<String> = uzers::get_user_groups(&name, account.primary_group_id())
            .unwrap_or_default()
            .iter()
            .map(|g| g.name().to_string_lossy().into_owned())
            .collect();
        groups.sort();
        groups.dedup();
        Peer {
            uid,
            pid,
            user: Some(name.to_string_lossy().into_owned()),
            groups,
        }
    }

    pub(super) fn describe(&self) -> String {
        format!(
            "{} (uid {}, pid {})",
            self.user.as_deref().unwrap_or("?"),
            self.uid,
            self.pid.map_or_else(|| "?".to_string(), |p| p.to_string())
        )
    }

    /// The peer as authorization sees it, or why there is none.
    pub(super) fn identity(&self) -> Result<crate::authz::Identity, crate::identity::Nameless> {
        Ok(crate::authz::Identity {
            user: self.user.clone().ok_or(crate::identity::Nameless)?,
            uid: self.uid,
            os_groups: self.groups.clone(),
            system: false,
        })
    }

    /// The caller the core sees, or why there is none.
    pub(super) fn caller(&self, system: bool) -> Result<Caller, crate::identity::Nameless> {
        let user = self.user.clone().ok_or(crate::identity::Nameless)?;
        Ok(Caller::new(user, self.uid, system, self.groups.clone()).from_pid(self.pid))
    }
}
