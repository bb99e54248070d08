//! What fedaws does to its own process before it touches a secret, and what it gives back to the
//! programs it starts.
//!
//! Long-term keys and temporary credentials pass through this process's memory. A core dump
//! would write them to disk, and another process of the same user could read them with `ptrace`
//! or `/proc/PID/mem`. So at start fedaws marks itself not dumpable (`PR_SET_DUMPABLE` 0, which
//! also makes its `/proc` files root's and refuses `ptrace` by the same user) and sets its soft
//! core size limit to 0. A credential server also raises its soft file descriptor limit to the
//! hard one, so that a flood of connections meets its connection cap, not the limit.
//!
//! Limits are inherited across `exec`, so the programs fedaws starts for the user (`exec`, the
//! child of `exec --server`) get the limits the user gave fedaws: [`for_child`] puts them back
//! around the start of a child, and puts fedaws's own back once the child has started.
//! Dumpability needs no such care: the kernel resets it when a program is executed. Helpers that
//! fedaws runs for itself (an `mfa_process`, the browser launcher of `console --open`) keep its
//! own limits: they handle its secrets.

/// The soft limits this process started with: core size and open files (`None`: unlimited).
#[cfg(target_os = "linux")]
static STARTED_WITH: std::sync::OnceLock<(Option<u64>, Option<u64>)> = std::sync::OnceLock::new();

/// Make this process undumpable and its core size limit 0. Best effort: a kernel that refuses
/// leaves the process as it was, and fedaws runs on.
pub fn protect_process() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, Resource, getrlimit};
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::NotDumpable);
        STARTED_WITH.get_or_init(|| {
            (
                getrlimit(Resource::Core).current,
                getrlimit(Resource::Nofile).current,
            )
        });
        set_soft(Resource::Core, Some(0));
    }
}

/// Raise the soft file descriptor limit to the hard one, and say what it is now (`None`:
/// unlimited, or not a Unix limit).
pub fn raise_open_files() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Resource, getrlimit};
        set_soft(Resource::Nofile, getrlimit(Resource::Nofile).maximum);
        getrlimit(Resource::Nofile).current
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Start a child with the limits fedaws was started with, then take fedaws's own back: the
/// core limit 0, and the open-files limit as it was (raised, where a server raised it).
pub fn for_child<T>(start: impl FnOnce() -> T) -> T {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Resource, getrlimit};
        let Some((core, files)) = STARTED_WITH.get().copied() else {
            return start();
        };
        let own_files = getrlimit(Resource::Nofile).current;
        set_soft(Resource::Core, core);
        set_soft(Resource::Nofile, files);
        let started = start();
        set_soft(Resource::Core, Some(0));
        set_soft(Resource::Nofile, own_files);
        started
    }
    #[cfg(not(target_os = "linux"))]
    start()
}

/// Set a soft limit, keeping the hard one (best effort).
#[cfg(target_os = "linux")]
fn set_soft(resource: rustix::process::Resource, soft: Option<u64>) {
    use rustix::process::{Rlimit, getrlimit, setrlimit};
    let maximum = getrlimit(resource).maximum;
    let _ = setrlimit(
        resource,
        Rlimit {
            current: soft,
            maximum,
        },
    );
}
