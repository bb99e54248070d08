//! What fedaws does to its own process before it touches a secret.
//!
//! Long-term keys and temporary credentials pass through this process's memory. A core dump
//! would write them to disk, and another process of the same user could read them with `ptrace`
//! or `/proc/PID/mem`. So at start fedaws marks itself not dumpable (`PR_SET_DUMPABLE` 0, which
//! also makes its `/proc` files root's and refuses `ptrace` by the same user) and sets its soft
//! core size limit to 0. Programs fedaws starts for the user (`exec`) get the core limit back:
//! their dumps are their business; dumpability is reset by the kernel when they are executed.

/// The soft core limit this process started with, to give back to the user's programs.
#[cfg(target_os = "linux")]
static CORE_LIMIT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();

/// Make this process undumpable and its core size limit 0. Best effort: a kernel that refuses
/// leaves the process as it was, and fedaws runs on.
pub fn protect_process() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, Resource, Rlimit, getrlimit, setrlimit};
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::NotDumpable);
        let limit = getrlimit(Resource::Core);
        CORE_LIMIT.get_or_init(|| limit.current);
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: limit.maximum,
            },
        );
    }
}

/// Give back the core size limit the user had, just before fedaws starts a program of theirs (it
/// is inherited across `exec`). fedaws itself stays undumpable, which alone stops its dumps.
pub fn restore_for_child() {
    #[cfg(target_os = "linux")]
    if let Some(current) = CORE_LIMIT.get() {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let maximum = getrlimit(Resource::Core).maximum;
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: *current,
                maximum,
            },
        );
    }
}
