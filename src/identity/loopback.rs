//! Who is at the other end of a loopback TCP connection, as the kernel says: on Linux, the
//! socket-diagnostics netlink family (`NETLINK_SOCK_DIAG`, the interface `ss -e` reads) names the
//! uid that owns the client's socket. Elsewhere nothing says (macOS and the BSDs have no
//! unprivileged way to ask), and callers fall back on what the client brings (a token).

use std::net::SocketAddr;

/// The uid owning the client's socket of the TCP connection from `client` to `server` (both on
/// this host), or `None` when the kernel cannot say (no such connection any more, or not Linux).
pub fn tcp_client_owner(server: SocketAddr, client: SocketAddr) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        linux::owner(server, client)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (server, client);
        None
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::net::{IpAddr, SocketAddr};
    use std::time::Duration;

    use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketType};

    /// `SOCK_DIAG_BY_FAMILY`: the message type of requests and answers.
    const SOCK_DIAG_BY_FAMILY: u16 = 20;
    /// `NLMSG_ERROR`: the kernel's refusal (here: no such socket).
    const NLMSG_ERROR: u16 = 2;
    /// `NLM_F_REQUEST`.
    const NLM_F_REQUEST: u16 = 1;
    /// The length of `struct nlmsghdr`.
    const HEADER: usize = 16;
    /// Where `idiag_uid` lies in `struct inet_diag_msg`: after the family, state, timer and
    /// retransmits (4 bytes), the socket id (48) and the expiry and queues (12).
    const UID_AT: usize = 64;

    /// The request for one TCP socket, `inet_diag_req_v2` after its header: the client's end,
    /// whose source is `client` and destination `server`.
    pub(super) fn request(server: SocketAddr, client: SocketAddr) -> Vec<u8> {
        let family = match client.ip() {
            IpAddr::V4(_) => libc_af(AddressFamily::INET),
            IpAddr::V6(_) => libc_af(AddressFamily::INET6),
        };
        let mut m = Vec::with_capacity(HEADER + 56);
        m.extend_from_slice(&((HEADER + 56) as u32).to_ne_bytes());
        m.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        m.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
        m.extend_from_slice(&1u32.to_ne_bytes()); // sequence
        m.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel fills it in
        m.push(family);
        m.push(6); // IPPROTO_TCP
        m.push(0); // no extensions
        m.push(0);
        m.extend_from_slice(&u32::MAX.to_ne_bytes()); // any state
        m.extend_from_slice(&client.port().to_be_bytes());
        m.extend_from_slice(&server.port().to_be_bytes());
        m.extend_from_slice(&address(client.ip()));
        m.extend_from_slice(&address(server.ip()));
        m.extend_from_slice(&0u32.to_ne_bytes()); // any interface
        m.extend_from_slice(&u32::MAX.to_ne_bytes()); // INET_DIAG_NOCOOKIE
        m.extend_from_slice(&u32::MAX.to_ne_bytes());
        m
    }

    fn libc_af(family: AddressFamily) -> u8 {
        u8::try_from(family.as_raw()).unwrap_or(0)
    }

    /// An address as the socket id holds it: 16 bytes, an IPv4 address in the first 4.
    fn address(ip: IpAddr) -> [u8; 16] {
        let mut out = [0u8; 16];
        match ip {
            IpAddr::V4(v4) => out[..4].copy_from_slice(&v4.octets()),
            IpAddr::V6(v6) => out.copy_from_slice(&v6.octets()),
        }
        out
    }

    /// The uid in the kernel's answer, when it is the one socket asked about.
    pub(super) fn uid_of(answer: &[u8], client: SocketAddr) -> Option<u32> {
        let kind = u16::from_ne_bytes(answer.get(4..6)?.try_into().ok()?);
        if kind != SOCK_DIAG_BY_FAMILY {
            return None;
        }
        let msg = answer.get(HEADER..)?;
        // The socket id starts 4 bytes in: the source port first, in network order.
        let sport = u16::from_be_bytes(msg.get(4..6)?.try_into().ok()?);
        if sport != client.port() {
            return None;
        }
        Some(u32::from_ne_bytes(
            msg.get(UID_AT..UID_AT + 4)?.try_into().ok()?,
        ))
    }

    pub(super) fn owner(server: SocketAddr, client: SocketAddr) -> Option<u32> {
        let fd = rustix::net::socket(
            AddressFamily::NETLINK,
            SocketType::DGRAM,
            Some(rustix::net::netlink::SOCK_DIAG),
        )
        .ok()?;
        rustix::net::sockopt::set_socket_timeout(
            &fd,
            rustix::net::sockopt::Timeout::Recv,
            Some(Duration::from_secs(1)),
        )
        .ok()?;
        rustix::net::send(&fd, &request(server, client), SendFlags::empty()).ok()?;
        let mut answer = [0u8; 1024];
        let (n, _) = rustix::net::recv(&fd, &mut answer[..], RecvFlags::empty()).ok()?;
        let answer = &answer[..n.min(answer.len())];
        if answer.get(4..6) == Some(&NLMSG_ERROR.to_ne_bytes()[..]) {
            return None;
        }
        uid_of(answer, client)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_names_the_owner_of_a_loopback_client_socket() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server = listener.local_addr().unwrap();
        let _client = std::net::TcpStream::connect(server).unwrap();
        let (_accepted, client) = listener.accept().unwrap();
        assert_eq!(
            tcp_client_owner(server, client),
            Some(crate::identity::current_uid())
        );
        // No connection from a port nobody connects from.
        let unused = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        assert_eq!(tcp_client_owner(server, unused), None);
    }

    #[test]
    fn an_answer_about_another_socket_is_not_taken() {
        let client: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let server: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let mut answer = vec![0u8; 16 + 72];
        answer[4..6].copy_from_slice(&20u16.to_ne_bytes());
        answer[16 + 4..16 + 6].copy_from_slice(&40001u16.to_be_bytes());
        answer[16 + 64..16 + 68].copy_from_slice(&1234u32.to_ne_bytes());
        assert_eq!(linux::uid_of(&answer, client), None);
        answer[16 + 4..16 + 6].copy_from_slice(&40000u16.to_be_bytes());
        assert_eq!(linux::uid_of(&answer, client), Some(1234));
        assert_eq!(linux::request(server, client).len(), 72);
    }
}
