//! Who the process runs as on Windows: its user's name and its groups, from its access token.
//!
//! The one module of fedaws with `unsafe` code: the Win32 calls that read the token have no safe
//! wrapper. Each call is given buffers of the sizes it asked for, and nothing it returns outlives
//! the buffer that holds it.
#![allow(unsafe_code)]

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
use windows_sys::Win32::Security::{
    GetTokenInformation, LookupAccountSidW, PSID, SID_AND_ATTRIBUTES, SID_NAME_USE, TOKEN_GROUPS,
    TOKEN_QUERY, TokenGroups,
};
use windows_sys::Win32::System::SystemServices::{SE_GROUP_ENABLED, SE_GROUP_LOGON_ID};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};
use windows_sys::Win32::System::WindowsProgramming::GetUserNameW;

/// The name of the user the process runs as (`GetUserNameW`), without a domain.
pub fn user_name() -> Option<String> {
    let mut len: u32 = 0;
    // SAFETY: a null buffer of length 0 asks for the length needed, which is written to `len`.
    unsafe { GetUserNameW(std::ptr::null_mut(), &mut len) };
    if len == 0 {
        return None;
    }
    let mut buffer = vec![0u16; len as usize];
    // SAFETY: `buffer` holds `len` UTF-16 units, as the call is told.
    if unsafe { GetUserNameW(buffer.as_mut_ptr(), &mut len) } == 0 {
        return None;
    }
    // `len` now counts the name and its terminating NUL.
    let name = String::from_utf16(&buffer[..(len as usize).saturating_sub(1)]).ok()?;
    (!name.is_empty()).then_some(name)
}

/// The names of the enabled groups in the process's token (local groups such as
/// `Administrators` and `Users`, and domain groups), without their domains; not the logon
/// session's own SID, which names no group.
pub fn group_names() -> Vec<String> {
    let mut token: HANDLE = std::ptr::null_mut();
    // SAFETY: the pseudo-handle of the current process needs no closing; `token` receives a
    // handle that is closed below.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return Vec::new();
    }
    let names = token_group_names(token);
    // SAFETY: `token` is the open handle `OpenProcessToken` gave.
    unsafe { CloseHandle(token) };
    names
}

fn token_group_names(token: HANDLE) -> Vec<String> {
    let mut len: u32 = 0;
    // SAFETY: a null buffer of length 0 asks for the length needed.
    unsafe { GetTokenInformation(token, TokenGroups, std::ptr::null_mut(), 0, &mut len) };
    if len == 0 {
        return Vec::new();
    }
    // Whole u64s, so the buffer is aligned for the pointers TOKEN_GROUPS holds.
    let mut buffer = vec![0u64; (len as usize).div_ceil(8)];
    // SAFETY: `buffer` holds at least `len` bytes, as the call is told.
    let ok = unsafe {
        GetTokenInformation(
            token,
            TokenGroups,
            buffer.as_mut_ptr().cast(),
            len,
            &mut len,
        )
    };
    if ok == 0 {
        return Vec::new();
    }
    let groups = buffer.as_ptr().cast::<TOKEN_GROUPS>();
    // SAFETY: the call wrote a TOKEN_GROUPS at the start of `buffer`, its `GroupCount` entries
    // following in the same buffer, which lives until the end of this function.
    let entries: &[SID_AND_ATTRIBUTES] = unsafe {
        let count = (*groups).GroupCount as usize;
        std::slice::from_raw_parts(std::ptr::addr_of!((*groups).Groups).cast(), count)
    };
    let logon = SE_GROUP_LOGON_ID as u32;
    let mut names: Vec<String> = entries
        .iter()
        .filter(|g| g.Attributes & SE_GROUP_ENABLED as u32 != 0 && g.Attributes & logon != logon)
        .filter_map(|g| sid_name(g.Sid))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The account name of `sid`, without its domain.
fn sid_name(sid: PSID) -> Option<String> {
    let (mut name_len, mut domain_len): (u32, u32) = (0, 0);
    let mut kind: SID_NAME_USE = 0;
    // SAFETY: null buffers of length 0 ask for the lengths needed; `sid` points into the token
    // buffer the caller holds.
    unsafe {
        LookupAccountSidW(
            std::ptr::null(),
            sid,
            std::ptr::null_mut(),
            &mut name_len,
            std::ptr::null_mut(),
            &mut domain_len,
            &mut kind,
        )
    };
    if name_len == 0 {
        return None;
    }
    let mut name = vec![0u16; name_len as usize];
    let mut domain = vec![0u16; domain_len.max(1) as usize];
    // SAFETY: each buffer holds the length the call is told.
    let ok = unsafe {
        LookupAccountSidW(
            std::ptr::null(),
            sid,
            name.as_mut_ptr(),
            &mut name_len,
            domain.as_mut_ptr(),
            &mut domain_len,
            &mut kind,
        )
    };
    if ok == 0 {
        return None;
    }
    // On success the lengths leave out the terminating NUL.
    String::from_utf16(&name[..name_len as usize])
        .ok()
        .filter(|n| !n.is_empty())
}
