//! Cold handoff: a fresh 100 MiB buffer per message, set-up and tear-down included.
//!
//! * Zinc: the writer creates a fresh region (`create` reserves every page), fills it, tells
//!   the reader its name through a small long-lived control region (notify), the reader opens
//!   it, reads every byte, closes and acks; the writer's close (the last handle) unlinks it.
//! * memfd + SCM_RIGHTS: the writer makes a `memfd_create` + `ftruncate` + `mmap`, fills it,
//!   passes the descriptor over a Unix socket (SCM_RIGHTS); the reader maps it, reads every
//!   byte, unmaps, closes and acks; the writer unmaps and closes (the pages are freed).
//! * The Unix socket copy is [`crate::handoff`]'s socket method (both sides reuse warm
//!   buffers: the socket's best case, no per-message set-up).
//!
//! Timed on the shared clock from the writer's first call to the writer's close returning.

use crate::latency::zerr;
use crate::util::{self, SharedMem};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use zinc_core::{SharedRegion, ZincError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Zinc,
    Memfd,
}

impl Method {
    pub const ALL: [Method; 2] = [Method::Zinc, Method::Memfd];
    pub fn key(self) -> &'static str {
        match self {
            Method::Zinc => "zinc_fresh_region",
            Method::Memfd => "memfd_scm_rights",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Method::Zinc => "Zinc, fresh region per message (create, fill, open, read, close)",
            Method::Memfd => {
                "memfd + SCM_RIGHTS, fresh memfd per message (create, fill, pass fd, map, read, close)"
            }
        }
    }
}

/// One round's phases, in seconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Round {
    pub total_s: f64,
    /// Writer: create / memfd + ftruncate + mmap.
    pub create_s: f64,
    pub fill_s: f64,
    /// Writer's last store → reader has the bytes mapped (wake-up + open / recvmsg + mmap).
    pub handover_s: f64,
    /// Reader's pass over every byte.
    pub read_s: f64,
    /// Reader's close → writer's close returned (unmap, unlink, free the pages).
    pub close_s: f64,
}

impl Round {
    pub fn to_json(&self) -> String {
        format!(
            "{{\"total_s\":{:.6},\"create_s\":{:.6},\"fill_s\":{:.6},\"handover_s\":{:.6},\"read_s\":{:.6},\"close_s\":{:.6}}}",
            self.total_s, self.create_s, self.fill_s, self.handover_s, self.read_s, self.close_s
        )
    }
}

fn value(r: usize) -> u8 {
    (r % 250) as u8 + 1
}

// ctl slots per round r at 8 + 4r: reader opened (mapped), reader done reading, ok, reader closed.
const BASE: usize = 8;

pub fn measure(m: Method, size: usize, rounds: usize, tag: &str) -> io::Result<Vec<Round>> {
    let total = rounds + 1;
    let ctl = SharedMem::new(8 * (BASE + 4 * total + 8))?;
    let c = &ctl;
    let two = util::cpu_count() >= 2;
    let base = format!("zbench_{}_{}_cold", std::process::id(), tag);
    let region_name = |r: usize| format!("{base}_{r}");
    match m {
        Method::Zinc => {
            let sig = SharedRegion::create(&format!("{base}_sig"), 4096).map_err(zerr)?;
            let ack = SharedRegion::create(&format!("{base}_ack"), 4096).map_err(zerr)?;
            let b2 = base.clone();
            let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
                let sig = SharedRegion::open(&format!("{b2}_sig")).map_err(zerr)?;
                let ack = SharedRegion::open(&format!("{b2}_ack")).map_err(zerr)?;
                c.u64_at(0).store(1, Ordering::Release);
                for r in 0..total {
                    let start = util::now_ns();
                    while word(&sig).load(Ordering::Acquire) < r as u64 + 1 {
                        match sig.wait(1000) {
                            Ok(()) | Err(ZincError::TimedOut) => {}
                            Err(e) => return Err(zerr(e)),
                        }
                        if util::now_ns() - start > 60_000_000_000 {
                            return Err(io::Error::other("cold: no message for 60 s"));
                        }
                    }
                    let d = SharedRegion::open(&format!("{b2}_{r}")).map_err(zerr)?;
                    let t_open = util::now_ns();
                    // SAFETY: the region holds `size` bytes, page-aligned; the writer is done.
                    let ok = d.capacity() >= size && unsafe { util::touch(d.as_ptr(), size, value(r)) };
                    let t_read = util::now_ns();
                    drop(d);
                    let t_closed = util::now_ns();
                    record(c, r, t_open, t_read, ok, t_closed);
                    word(&ack).store(r as u64 + 1, Ordering::Release);
                    ack.notify();
                }
                Ok(())
            })?;
            drive(child, two, c, total, |r| {
                let t0 = util::now_ns();
                let d = SharedRegion::create(&region_name(r), size).map_err(zerr)?;
                let t_created = util::now_ns();
                // SAFETY: the fresh region holds `size` writable bytes.
                unsafe { util::fill(d.as_ptr(), size, value(r)) };
                let t_filled = util::now_ns();
                word(&sig).store(r as u64 + 1, Ordering::Release);
                sig.notify();
                let start = util::now_ns();
                while word(&ack).load(Ordering::Acquire) < r as u64 + 1 {
                    match ack.wait(1000) {
                        Ok(()) | Err(ZincError::TimedOut) => {}
                        Err(e) => return Err(zerr(e)),
                    }
                    if util::now_ns() - start > 60_000_000_000 {
                        return Err(io::Error::other("cold: no ack for 60 s"));
                    }
                }
                drop(d);
                Ok([t0, t_created, t_filled, util::now_ns()])
            })
        }
        Method::Memfd => {
            let (a, b) = seqpacket()?;
            let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
                c.u64_at(0).store(1, Ordering::Release);
                for r in 0..total {
                    let fd = recv_fd(&b)?;
                    // SAFETY: a zeroed stat is a valid out buffer.
                    let mut st: libc::stat = unsafe { std::mem::zeroed() };
                    // SAFETY: fstat on our descriptor into a valid buffer.
                    if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } != 0 {
                        return Err(io::Error::last_os_error());
                    }
                    let len = st.st_size as usize;
                    let p = map(&fd, len)?;
                    let t_open = util::now_ns();
                    // SAFETY: the mapping holds `len` bytes, page-aligned.
                    let ok = len >= size && unsafe { util::touch(p, size, value(r)) };
                    let t_read = util::now_ns();
                    // SAFETY: our own mapping.
                    unsafe { libc::munmap(p as *mut libc::c_void, len) };
                    drop(fd);
                    let t_closed = util::now_ns();
                    record(c, r, t_open, t_read, ok, t_closed);
                    crate::latency::write_all(&b, &[1u8])?;
                }
                Ok(())
            })?;
            drive(child, two, c, total, |r| {
                let t0 = util::now_ns();
                let name = std::ffi::CString::new(format!("zbench_cold_{r}")).unwrap();
                // SAFETY: valid C string.
                let raw = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
                if raw < 0 {
                    return Err(io::Error::last_os_error());
                }
                // SAFETY: fresh descriptor we own.
                let fd = unsafe { OwnedFd::from_raw_fd(raw) };
                // SAFETY: plain ftruncate on our descriptor.
                if unsafe { libc::ftruncate(fd.as_raw_fd(), size as libc::off_t) } != 0 {
                    return Err(io::Error::last_os_error());
                }
                let p = map(&fd, size)?;
                let t_created = util::now_ns();
                // SAFETY: the mapping holds `size` writable bytes.
                unsafe { util::fill(p, size, value(r)) };
                let t_filled = util::now_ns();
                send_fd(&a, &fd)?;
                crate::latency::read_exact(&a, &mut [0u8; 1])?;
                // SAFETY: our own mapping.
                unsafe { libc::munmap(p as *mut libc::c_void, size) };
                drop(fd);
                Ok([t0, t_created, t_filled, util::now_ns()])
            })
        }
    }
}

fn word(r: &SharedRegion) -> &AtomicU64 {
    // SAFETY: the data area is page-aligned and at least 4096 bytes.
    unsafe { &*(r.as_ptr() as *const AtomicU64) }
}

fn record(c: &SharedMem, r: usize, t_open: u64, t_read: u64, ok: bool, t_closed: u64) {
    c.u64_at(BASE + 4 * r).store(t_open, Ordering::Relaxed);
    c.u64_at(BASE + 4 * r + 1).store(t_read, Ordering::Relaxed);
    c.u64_at(BASE + 4 * r + 2).store(ok as u64, Ordering::Relaxed);
    c.u64_at(BASE + 4 * r + 3).store(t_closed, Ordering::Release);
}

/// Runs the writer's rounds (`one(r)` returns [start, created, filled, closed]) and builds the
/// rounds from the reader's records (round 0 is warm-up).
fn drive<F: FnMut(usize) -> io::Result<[u64; 4]>>(
    child: libc::pid_t,
    two: bool,
    c: &SharedMem,
    total: usize,
    mut one: F,
) -> io::Result<Vec<Round>> {
    if two {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let res = (|| -> io::Result<Vec<Round>> {
        if !util::spin_until(|| c.u64_at(0).load(Ordering::Acquire) == 1, 20_000_000_000) {
            return Err(io::Error::other("cold: reader never became ready"));
        }
        let mut out = Vec::new();
        for r in 0..total {
            let [t0, tc, tf, te] = one(r)?;
            let g = |k: usize| c.u64_at(BASE + 4 * r + k).load(Ordering::Acquire);
            if g(2) != 1 {
                return Err(io::Error::other("cold: reader saw wrong bytes"));
            }
            let s = |a: u64, b: u64| b.saturating_sub(a) as f64 / 1e9;
            if r > 0 {
                out.push(Round {
                    total_s: s(t0, te),
                    create_s: s(t0, tc),
                    fill_s: s(tc, tf),
                    handover_s: s(tf, g(0)),
                    read_s: s(g(0), g(1)),
                    close_s: s(g(1), te),
                });
            }
        }
        Ok(out)
    })();
    util::unpin();
    util::settle(child, res)
}

fn map(fd: &OwnedFd, len: usize) -> io::Result<*mut u8> {
    // SAFETY: mapping our descriptor; checked below.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd.as_raw_fd(),
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    Ok(p as *mut u8)
}

fn seqpacket() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: valid out array.
    if unsafe {
        libc::socketpair(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr())
    } != 0
    {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors we own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

const CMSG_SPACE: usize = 64;

fn send_fd(sock: &OwnedFd, fd: &OwnedFd) -> io::Result<()> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr() as *mut libc::c_void, iov_len: 1 };
    let mut cbuf = [0u64; CMSG_SPACE / 8];
    // SAFETY: msghdr/cmsg built per cmsg(3) in a buffer large enough for one descriptor.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = libc::CMSG_SPACE(4) as _;
        let cm = libc::CMSG_FIRSTHDR(&msg);
        (*cm).cmsg_level = libc::SOL_SOCKET;
        (*cm).cmsg_type = libc::SCM_RIGHTS;
        (*cm).cmsg_len = libc::CMSG_LEN(4) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cm) as *mut i32, fd.as_raw_fd());
        if libc::sendmsg(sock.as_raw_fd(), &msg, 0) != 1 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn recv_fd(sock: &OwnedFd) -> io::Result<OwnedFd> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr() as *mut libc::c_void, iov_len: 1 };
    let mut cbuf = [0u64; CMSG_SPACE / 8];
    // SAFETY: as in send_fd; the received descriptor is taken into an OwnedFd once.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = CMSG_SPACE as _;
        let n = libc::recvmsg(sock.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let cm = libc::CMSG_FIRSTHDR(&msg);
        if n == 0 || cm.is_null() || (*cm).cmsg_type != libc::SCM_RIGHTS {
            return Err(io::Error::other("cold: no descriptor received"));
        }
        Ok(OwnedFd::from_raw_fd(std::ptr::read_unaligned(libc::CMSG_DATA(cm) as *const i32)))
    }
}
