//! notify → wait one-way latency: Zinc (waiter awake, waiter parked, waiter's core busy, and the
//! blocking `ZINC_SPIN=never` mode) against a bare cache-line spin, a pipe, a Unix socket, an
//! eventfd, a raw futex and a POSIX semaphore. Every peer that can be polled is measured twice:
//! blocking (the receiver sleeps in the kernel) and spinning (the receiver busy-polls a
//! non-blocking call: `sem_trywait`, a non-blocking eventfd read, `recv(MSG_DONTWAIT)`, a read
//! on an `O_NONBLOCK` pipe), so Zinc's spinning waiter is compared with spinning peers and
//! its parking waiter with blocking peers. The iceoryx2 figures come from the side binary in
//! `bench/iceoryx2` through the same harness.

use crate::pingpong::{self, Endpoint, Maker, PingPong, SpinLine};
use crate::util::{self, futex_wait, futex_wake, SharedMem};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use zinc_core::SharedRegion;

/// How long the driver lets a parked peer sleep in the kernel before it signals (both for Zinc
/// and for the identically paced futex), so "parked" really means asleep in the kernel.
pub const PARKED_SLEEP_NS: u64 = 20_000;

/// Every transport measured by this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Spin,
    Spin2Lines,
    ZincAwake,
    ZincAwakeBusy,
    ZincBusyPaced,
    ZincParked,
    Futex,
    FutexBusy,
    FutexParked,
    Pipe,
    UnixSocket,
    EventFd,
    Semaphore,
    PipeSpin,
    UnixSocketSpin,
    EventFdSpin,
    SemaphoreSpin,
    /// Zinc with back-to-back pings in a process whose policy is `ZINC_SPIN=never` (see
    /// [`Method::NEVER`]): the waiter parks at once, like a blocking peer.
    ZincNever,
}

/// Which comparison a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The receiver busy-polls (burns its CPU while waiting).
    Spin,
    /// The receiver sleeps in the kernel.
    Block,
    /// A special condition (parked pacing, a busy core).
    Other,
}

impl Mode {
    pub fn key(self) -> &'static str {
        match self {
            Mode::Spin => "spin",
            Mode::Block => "block",
            Mode::Other => "other",
        }
    }
}

impl Method {
    pub const ALL: [Method; 17] = [
        Method::Spin,
        Method::Spin2Lines,
        Method::ZincAwake,
        Method::ZincAwakeBusy,
        Method::ZincBusyPaced,
        Method::ZincParked,
        Method::Futex,
        Method::FutexBusy,
        Method::FutexParked,
        Method::Pipe,
        Method::UnixSocket,
        Method::EventFd,
        Method::Semaphore,
        Method::PipeSpin,
        Method::UnixSocketSpin,
        Method::EventFdSpin,
        Method::SemaphoreSpin,
    ];

    /// Measured by a second process started with `ZINC_SPIN=never`.
    pub const NEVER: [Method; 1] = [Method::ZincNever];

    pub fn mode(self) -> Mode {
        match self {
            Method::Spin
            | Method::Spin2Lines
            | Method::ZincAwake
            | Method::PipeSpin
            | Method::UnixSocketSpin
            | Method::EventFdSpin
            | Method::SemaphoreSpin => Mode::Spin,
            Method::ZincNever
            | Method::Futex
            | Method::Pipe
            | Method::UnixSocket
            | Method::EventFd
            | Method::Semaphore => Mode::Block,
            _ => Mode::Other,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Method::Spin => "spin",
            Method::Spin2Lines => "spin_2lines",
            Method::ZincAwake => "zinc_awake",
            Method::ZincAwakeBusy => "zinc_awake_busy",
            Method::ZincBusyPaced => "zinc_busy_paced",
            Method::ZincParked => "zinc_parked",
            Method::Futex => "futex",
            Method::FutexBusy => "futex_busy",
            Method::FutexParked => "futex_parked",
            Method::Pipe => "pipe",
            Method::UnixSocket => "unix_socket",
            Method::EventFd => "eventfd",
            Method::Semaphore => "semaphore",
            Method::PipeSpin => "pipe_spin",
            Method::UnixSocketSpin => "unix_socket_spin",
            Method::EventFdSpin => "eventfd_spin",
            Method::SemaphoreSpin => "semaphore_spin",
            Method::ZincNever => "zinc_never",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Spin => "bare cache-line spin (floor)",
            Method::Spin2Lines => "bare spin, payload on a 2nd cache line",
            Method::ZincAwake => "Zinc, waiter awake",
            Method::ZincAwakeBusy => "Zinc, waiter awake, its core busy",
            Method::ZincBusyPaced => "Zinc, its core busy, 1 ping / 50 µs",
            Method::ZincParked => "Zinc, waiter parked",
            Method::Futex => "raw futex ping-pong",
            Method::FutexBusy => "raw futex, its core busy, 1 ping / 50 µs",
            Method::FutexParked => "raw futex, paced like Zinc parked",
            Method::Pipe => "pipe",
            Method::UnixSocket => "Unix socket (stream)",
            Method::EventFd => "eventfd",
            Method::Semaphore => "POSIX semaphore",
            Method::PipeSpin => "pipe, busy-polled",
            Method::UnixSocketSpin => "Unix socket (stream), busy-polled",
            Method::EventFdSpin => "eventfd, busy-polled",
            Method::SemaphoreSpin => "POSIX semaphore, busy-polled",
            Method::ZincNever => "Zinc, ZINC_SPIN=never (parks at once)",
        }
    }

    /// How the sample was taken, for the report.
    pub fn note(self) -> &'static str {
        match self {
            Method::Spin => "receiver busy-polls a shared cache line that also holds the stamp",
            Method::Spin2Lines => "as above, but the stamp is on another line (like Zinc's header vs data area)",
            Method::ZincAwake => "wait(ms) called right after the previous pong: notify lands in its spin phase",
            Method::ZincAwakeBusy => "as above, plus a third process spinning on the waiter's CPU (back-to-back pings)",
            Method::ZincBusyPaced => "hog on the waiter's CPU; the driver spins 50 µs before each ping, so the waiter is often off-CPU",
            Method::ZincParked => "driver waits until the waiter is announced parked in the header, then 20 µs more",
            Method::Futex => "FUTEX_WAIT/FUTEX_WAKE (shared) on a u32 in shared memory; wake always issued",
            Method::FutexParked => "driver waits until the waiter says it sleeps, then 20 µs more",
            Method::FutexBusy => "the same load and pacing as the Zinc row above, waiter always sleeps in FUTEX_WAIT",
            Method::Pipe => "8-byte message through pipe(2), blocking read",
            Method::UnixSocket => "8-byte message through socketpair(AF_UNIX, SOCK_STREAM), blocking read",
            Method::EventFd => "write/read(2) on an eventfd, stamp in shared memory",
            Method::Semaphore => "sem_post/sem_wait on a process-shared sem_t",
            Method::PipeSpin => "as pipe, but the reader polls read(2) on an O_NONBLOCK end until it gets the bytes",
            Method::UnixSocketSpin => "as Unix socket, but the reader polls recv(MSG_DONTWAIT)",
            Method::EventFdSpin => "as eventfd, but EFD_NONBLOCK and the reader polls read(2)",
            Method::SemaphoreSpin => "as POSIX semaphore, but the waiter polls sem_trywait",
            Method::ZincNever => "back-to-back pings like 'waiter awake', in a process started with ZINC_SPIN=never: every wait parks in the kernel",
        }
    }
}

/// Runs one method in `rounds` separate runs (fresh processes and endpoints each), `samples`
/// in all; the result keeps each round's median for the spread.
pub fn measure_rounds(
    m: Method,
    samples: usize,
    warmup: usize,
    rounds: usize,
    tag: &str,
) -> io::Result<PingPong> {
    let rounds = rounds.max(1);
    let mut v = Vec::new();
    for r in 0..rounds {
        v.push(measure(m, samples / rounds, warmup / rounds, &format!("{tag}r{r}"))?);
    }
    Ok(PingPong::merge(v))
}

/// Runs one method once. `tag` makes region names unique.
pub fn measure(m: Method, samples: usize, warmup: usize, tag: &str) -> io::Result<PingPong> {
    if m == Method::ZincNever && zinc_core::SpinPolicy::current() != zinc_core::SpinPolicy::Never {
        return Err(io::Error::other("the zinc_never row needs a process started with ZINC_SPIN=never"));
    }
    match m {
        Method::Spin | Method::Spin2Lines => {
            let (_mem, a, b) = SpinLine::pair(m == Method::Spin2Lines)?;
            pingpong::run(samples, warmup, boxed(a), boxed(b), None)
        }
        Method::ZincAwake
        | Method::ZincNever
        | Method::ZincAwakeBusy
        | Method::ZincBusyPaced
        | Method::ZincParked => {
            let parked = m == Method::ZincParked;
            let gap_ns = if m == Method::ZincBusyPaced { 50_000 } else { 0 };
            let base = format!("zbench_{}_{}_{}", std::process::id(), tag, m.key());
            let ping_name = format!("{base}_ping");
            let pong_name = format!("{base}_pong");
            // The driver creates both regions (and owns them); the peer opens them after fork.
            let ping = SharedRegion::create(&ping_name, 4096).map_err(zerr)?;
            let pong = SharedRegion::create(&pong_name, 4096).map_err(zerr)?;
            let driver: Maker<'_> = Box::new(move || {
                Ok(Box::new(ZincEnd { tx: ping, rx: pong, parked_peer: parked, gap_ns }) as Box<dyn Endpoint>)
            });
            let (pn, qn) = (ping_name.clone(), pong_name.clone());
            let peer: Maker<'_> = Box::new(move || {
                let rx = SharedRegion::open(&pn).map_err(zerr)?;
                let tx = SharedRegion::open(&qn).map_err(zerr)?;
                Ok(Box::new(ZincEnd { tx, rx, parked_peer: false, gap_ns: 0 }) as Box<dyn Endpoint>)
            });
            let hog = matches!(m, Method::ZincAwakeBusy | Method::ZincBusyPaced).then_some(util::PEER_CPU);
            pingpong::run(samples, warmup, driver, peer, hog)
        }
        Method::Futex | Method::FutexParked | Method::FutexBusy => {
            let mem = Arc::new(SharedMem::new(4096)?);
            let paced = m == Method::FutexParked;
            // words: 0 = ping seq, 16 = pong seq (separate cache lines); u64 slots 16/24 = stamps;
            // u32 word 64 (byte 256) = "peer asleep" flag.
            let gap_ns = if m == Method::FutexBusy { 50_000 } else { 0 };
            let a = FutexEnd { mem: mem.clone(), tx: 0, rx: 16, seen: 0, paced, announce: false, gap_ns };
            let b = FutexEnd { mem, tx: 16, rx: 0, seen: 0, paced: false, announce: paced, gap_ns: 0 };
            let hog = (m == Method::FutexBusy).then_some(util::PEER_CPU);
            pingpong::run(samples, warmup, boxed(a), boxed(b), hog)
        }
        Method::Pipe | Method::PipeSpin => {
            let (r1, w1) = pipe()?;
            let (r2, w2) = pipe()?;
            let read = if m == Method::PipeSpin { Read::Poll(0) } else { Read::Block };
            if read != Read::Block {
                for fd in [&r1, &r2] {
                    set_nonblocking(fd)?;
                }
            }
            pingpong::run(
                samples,
                warmup,
                boxed(FdEnd { tx: w1, rx: r2, read }),
                boxed(FdEnd { tx: w2, rx: r1, read }),
                None,
            )
        }
        Method::UnixSocket | Method::UnixSocketSpin => {
            let (s1, s2) = socketpair()?;
            let s1b = s1.try_clone()?;
            let s2b = s2.try_clone()?;
            let read = if m == Method::UnixSocketSpin { Read::Poll(libc::MSG_DONTWAIT) } else { Read::Block };
            pingpong::run(
                samples,
                warmup,
                boxed(FdEnd { tx: s1, rx: s1b, read }),
                boxed(FdEnd { tx: s2, rx: s2b, read }),
                None,
            )
        }
        Method::EventFd | Method::EventFdSpin => {
            let spin = m == Method::EventFdSpin;
            let (read, flags) = if spin { (Read::Poll(0), libc::EFD_NONBLOCK) } else { (Read::Block, 0) };
            let mem = Arc::new(SharedMem::new(4096)?);
            let e1 = eventfd_flags(flags)?;
            let e2 = eventfd_flags(flags)?;
            let a = EventFdEnd {
                mem: mem.clone(),
                tx: e1.try_clone()?,
                rx: e2.try_clone()?,
                tx_slot: 0,
                rx_slot: 8,
                read,
            };
            let b = EventFdEnd { mem, tx: e2, rx: e1, tx_slot: 8, rx_slot: 0, read };
            pingpong::run(samples, warmup, boxed(a), boxed(b), None)
        }
        Method::Semaphore | Method::SemaphoreSpin => {
            let spin = m == Method::SemaphoreSpin;
            let mem = Arc::new(SharedMem::new(4096)?);
            // sem_t at byte 0 and byte 128; stamps at u64 slots 32 and 40.
            // SAFETY: the shared page is writable and large enough; pshared = 1.
            unsafe {
                if libc::sem_init(mem.ptr() as *mut libc::sem_t, 1, 0) != 0
                    || libc::sem_init(mem.ptr().add(128) as *mut libc::sem_t, 1, 0) != 0
                {
                    return Err(io::Error::last_os_error());
                }
            }
            let a = SemEnd { mem: mem.clone(), tx: 0, rx: 128, tx_slot: 32, rx_slot: 40, spin };
            let b = SemEnd { mem, tx: 128, rx: 0, tx_slot: 40, rx_slot: 32, spin };
            pingpong::run(samples, warmup, boxed(a), boxed(b), None)
        }
    }
}

fn boxed<'a, E: Endpoint + 'static>(e: E) -> Maker<'a> {
    Box::new(move || Ok(Box::new(e) as Box<dyn Endpoint>))
}

pub(crate) fn zerr(e: zinc_core::ZincError) -> io::Error {
    io::Error::other(format!("zinc: {e}"))
}

struct ZincEnd {
    tx: SharedRegion,
    rx: SharedRegion,
    /// Driver only: before each ping, wait until the peer is parked in the kernel.
    parked_peer: bool,
    /// Driver only: busy-wait this long before each ping (pacing).
    gap_ns: u64,
}

impl ZincEnd {
    fn stamp_slot(r: &SharedRegion) -> &AtomicU64 {
        // SAFETY: the data area is page-aligned and at least 4096 bytes.
        unsafe { &*(r.as_ptr() as *const AtomicU64) }
    }
}

impl Endpoint for ZincEnd {
    fn before_send(&mut self) -> io::Result<()> {
        if self.parked_peer {
            let tx = &self.tx;
            if !util::spin_until(|| tx.snapshot().waiter_parked(), 10_000_000_000) {
                return Err(io::Error::other("zinc parked: peer never parked"));
            }
            util::spin_for(PARKED_SLEEP_NS);
        }
        if self.gap_ns > 0 {
            util::spin_for(self.gap_ns);
        }
        Ok(())
    }
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        Self::stamp_slot(&self.tx).store(stamp, Ordering::Relaxed);
        self.tx.notify();
        Ok(())
    }
    fn recv(&mut self) -> io::Result<u64> {
        self.rx.wait(10_000).map_err(zerr)?;
        Ok(Self::stamp_slot(&self.rx).load(Ordering::Relaxed))
    }
}

struct FutexEnd {
    mem: Arc<SharedMem>,
    tx: usize,
    rx: usize,
    seen: u32,
    /// Driver: wait for the peer's "asleep" flag (+20 µs) before each ping.
    paced: bool,
    /// Peer: raise the "asleep" flag before FUTEX_WAIT.
    announce: bool,
    /// Driver: busy-wait this long before each ping (pacing).
    gap_ns: u64,
}

/// u32 index of the peer's "asleep" flag (byte 256: clear of the words and stamps).
const ASLEEP_WORD: usize = 64;

impl Endpoint for FutexEnd {
    fn before_send(&mut self) -> io::Result<()> {
        if self.paced {
            let f = self.mem.u32_at(ASLEEP_WORD);
            if !util::spin_until(|| f.load(Ordering::SeqCst) != 0, 10_000_000_000) {
                return Err(io::Error::other("futex paced: peer never slept"));
            }
            util::spin_for(PARKED_SLEEP_NS);
        }
        if self.gap_ns > 0 {
            util::spin_for(self.gap_ns);
        }
        Ok(())
    }
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        self.mem.u64_at(16 + self.tx / 8).store(stamp, Ordering::Relaxed);
        let w = self.mem.u32_at(self.tx);
        w.fetch_add(1, Ordering::SeqCst);
        futex_wake(w);
        Ok(())
    }
    fn recv(&mut self) -> io::Result<u64> {
        let w = self.mem.u32_at(self.rx);
        let start = util::now_ns();
        loop {
            let v = w.load(Ordering::SeqCst);
            if v != self.seen {
                self.seen = v;
                break;
            }
            if self.announce {
                self.mem.u32_at(ASLEEP_WORD).store(1, Ordering::SeqCst);
            }
            futex_wait(w, v, 1_000_000_000);
            if self.announce {
                self.mem.u32_at(ASLEEP_WORD).store(0, Ordering::SeqCst);
            }
            if util::now_ns() - start > 10_000_000_000 {
                return Err(io::Error::other("futex: peer silent for 10 s"));
            }
        }
        Ok(self.mem.u64_at(16 + self.rx / 8).load(Ordering::Relaxed))
    }
}

/// How a receiver reads its descriptor: blocking, or busy-polling a non-blocking one (with these
/// recv(2) flags; 0 means read(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Block,
    Poll(libc::c_int),
}

impl Read {
    fn exact(self, fd: &OwnedFd, buf: &mut [u8], what: &'static str) -> io::Result<()> {
        match self {
            Read::Block => read_exact(fd, buf),
            Read::Poll(flags) => read_exact_polling(fd, buf, flags, what),
        }
    }
}

/// A byte-stream transport (pipe or socket): the stamp is the 8-byte message.
struct FdEnd {
    tx: OwnedFd,
    rx: OwnedFd,
    read: Read,
}

pub(crate) fn write_all(fd: &OwnedFd, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        // SAFETY: valid buffer and descriptor.
        let n = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr() as *const libc::c_void, buf.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        buf = &buf[n as usize..];
    }
    Ok(())
}

pub(crate) fn read_exact(fd: &OwnedFd, mut buf: &mut [u8]) -> io::Result<()> {
    while !buf.is_empty() {
        // SAFETY: valid buffer and descriptor.
        let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "peer closed"));
        }
        buf = &mut buf[n as usize..];
    }
    Ok(())
}

impl Endpoint for FdEnd {
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        write_all(&self.tx, &stamp.to_ne_bytes())
    }
    fn recv(&mut self) -> io::Result<u64> {
        let mut b = [0u8; 8];
        self.read.exact(&self.rx, &mut b, "fd spin")?;
        Ok(u64::from_ne_bytes(b))
    }
}

/// An eventfd pair (EFD_NONBLOCK when its reader busy-polls); the stamp is in shared memory.
struct EventFdEnd {
    mem: Arc<SharedMem>,
    tx: OwnedFd,
    rx: OwnedFd,
    tx_slot: usize,
    rx_slot: usize,
    read: Read,
}

impl Endpoint for EventFdEnd {
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        self.mem.u64_at(self.tx_slot).store(stamp, Ordering::Relaxed);
        write_all(&self.tx, &1u64.to_ne_bytes())
    }
    fn recv(&mut self) -> io::Result<u64> {
        let mut b = [0u8; 8];
        self.read.exact(&self.rx, &mut b, "eventfd spin")?;
        Ok(self.mem.u64_at(self.rx_slot).load(Ordering::Relaxed))
    }
}

struct SemEnd {
    mem: Arc<SharedMem>,
    tx: usize,
    rx: usize,
    tx_slot: usize,
    rx_slot: usize,
    /// Poll `sem_trywait` instead of sleeping in `sem_wait`.
    spin: bool,
}

impl Endpoint for SemEnd {
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        self.mem.u64_at(self.tx_slot).store(stamp, Ordering::Relaxed);
        // SAFETY: an initialised process-shared semaphore in our shared page.
        if unsafe { libc::sem_post(self.mem.ptr().add(self.tx) as *mut libc::sem_t) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
    fn recv(&mut self) -> io::Result<u64> {
        let sem = self.mem.ptr().wrapping_add(self.rx) as *mut libc::sem_t;
        let mut poll = Poll::new("semaphore spin");
        loop {
            // SAFETY: as above.
            let r = unsafe {
                if self.spin {
                    libc::sem_trywait(sem)
                } else {
                    libc::sem_wait(sem)
                }
            };
            if r == 0 {
                break;
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => {}
                io::ErrorKind::WouldBlock if self.spin => poll.again()?,
                _ => return Err(e),
            }
        }
        Ok(self.mem.u64_at(self.rx_slot).load(Ordering::Relaxed))
    }
}

pub(crate) fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: valid out array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors we own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

pub(crate) fn socketpair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: valid out array.
    if unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) }
        != 0
    {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors we own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn eventfd_flags(flags: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: plain syscall.
    let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | flags) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub(crate) fn set_nonblocking(fd: &OwnedFd) -> io::Result<()> {
    // SAFETY: plain fcntl on our descriptor.
    unsafe {
        let fl = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        if fl < 0 || libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, fl | libc::O_NONBLOCK) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A busy-poll loop's bookkeeping: a spin hint per empty poll, and an error after 10 s.
pub(crate) struct Poll {
    what: &'static str,
    start: u64,
    k: u32,
}

impl Poll {
    pub(crate) fn new(what: &'static str) -> Poll {
        Poll { what, start: util::now_ns(), k: 0 }
    }
    #[inline]
    pub(crate) fn again(&mut self) -> io::Result<()> {
        std::hint::spin_loop();
        self.k = self.k.wrapping_add(1);
        if self.k.is_multiple_of(4096) && util::now_ns() - self.start > 10_000_000_000 {
            return Err(io::Error::other(format!("{}: peer silent for 10 s", self.what)));
        }
        Ok(())
    }
}

/// Reads exactly `buf.len()` bytes by polling a non-blocking descriptor (`flags` = 0: read(2)
/// on an O_NONBLOCK descriptor; `MSG_DONTWAIT`: recv(2) on a socket).
fn read_exact_polling(
    fd: &OwnedFd,
    mut buf: &mut [u8],
    flags: libc::c_int,
    what: &'static str,
) -> io::Result<()> {
    let mut poll = Poll::new(what);
    while !buf.is_empty() {
        // SAFETY: valid buffer and descriptor.
        let n = unsafe {
            if flags == 0 {
                libc::read(fd.as_raw_fd(), buf.as_mut_ptr() as *mut libc::c_void, buf.len())
            } else {
                libc::recv(fd.as_raw_fd(), buf.as_mut_ptr() as *mut libc::c_void, buf.len(), flags)
            }
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => continue,
                io::ErrorKind::WouldBlock => {
                    poll.again()?;
                    continue;
                }
                _ => return Err(e),
            }
        }
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "peer closed"));
        }
        buf = &mut buf[n as usize..];
    }
    Ok(())
}
