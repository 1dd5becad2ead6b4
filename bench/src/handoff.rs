//! Bulk handoff: the writer fills N bytes, the reader (another process) ends up able to read
//! them and touches every byte. Timed on the shared CLOCK_MONOTONIC from the writer's first
//! store to the reader's last load, so every method pays for the same fill and read pass and
//! differs only in how the bytes get from one process to the other.
//!
//! Methods here: the single-process memory pass (fill + read of one warm buffer: the physical
//! reference), Zinc, a Unix socket, TCP over loopback and a pipe. The Python
//! `multiprocessing.shared_memory` + signal variant and iceoryx2 run as separate programs with
//! the same protocol and report through JSON.

use crate::latency::{pipe, read_exact, socketpair, write_all, zerr};
use crate::util::{self, SharedMem};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::Ordering;
use zinc_core::SharedRegion;

pub const MIB: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Reference,
    Zinc,
    UnixSocket,
    Tcp,
    Pipe,
}

impl Method {
    pub const ALL: [Method; 5] =
        [Method::Reference, Method::Zinc, Method::UnixSocket, Method::Tcp, Method::Pipe];

    pub fn key(self) -> &'static str {
        match self {
            Method::Reference => "memory_pass",
            Method::Zinc => "zinc",
            Method::UnixSocket => "unix_socket",
            Method::Tcp => "tcp_loopback",
            Method::Pipe => "pipe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Reference => "memory pass, one process (reference)",
            Method::Zinc => "Zinc",
            Method::UnixSocket => "Unix socket",
            Method::Tcp => "TCP loopback",
            Method::Pipe => "pipe",
        }
    }
}

/// One measured round, in seconds: writer fill, then until the reader is running with the
/// bytes in reach (wake-up, plus the copy for sockets and pipes), then the reader's pass.
#[derive(Clone, Copy, Debug)]
pub struct Round {
    pub total_s: f64,
    pub fill_s: f64,
    pub transfer_s: f64,
    pub read_s: f64,
}

/// Median of each phase over rounds (each phase on its own).
pub fn medians(v: &[Round]) -> Round {
    let m = |f: fn(&Round) -> f64| util::median(&v.iter().map(f).collect::<Vec<_>>());
    Round {
        total_s: m(|r| r.total_s),
        fill_s: m(|r| r.fill_s),
        transfer_s: m(|r| r.transfer_s),
        read_s: m(|r| r.read_s),
    }
}

/// Rounds measured for a size (after one warm-up round).
pub fn rounds_for(size: usize) -> usize {
    match size {
        s if s <= MIB => 20,
        s if s <= 16 * MIB => 10,
        s if s <= 128 * MIB => 5,
        _ => 3,
    }
}

/// The byte value of round `r` (both sides know it, so the reader can verify every byte).
fn value(r: usize) -> u8 {
    (r % 250) as u8 + 1
}

/// Per-round wall times in seconds (warm-up excluded).
pub fn measure(m: Method, size: usize, rounds: usize, tag: &str) -> io::Result<Vec<Round>> {
    assert!(size.is_multiple_of(4096));
    match m {
        Method::Reference => reference(size, rounds),
        Method::Zinc => {
            let name = format!("zbench_{}_{}_h{}", std::process::id(), tag, size);
            let data = SharedRegion::create(&name, size).map_err(zerr)?;
            let ack = SharedRegion::create(&format!("{name}_ack"), 4096).map_err(zerr)?;
            let n2 = name.clone();
            two_process(
                size,
                rounds,
                move || Ok(Box::new(ZincWriter { data, ack }) as Box<dyn Writer>),
                move || {
                    let data = SharedRegion::open(&n2).map_err(zerr)?;
                    let ack = SharedRegion::open(&format!("{n2}_ack")).map_err(zerr)?;
                    Ok(Box::new(ZincReader { data, ack }) as Box<dyn Reader>)
                },
            )
        }
        Method::UnixSocket => {
            let (a, b) = socketpair()?;
            for fd in [&a, &b] {
                set_bufs(fd, 4 * MIB)?;
            }
            fd_pair(size, rounds, a, b)
        }
        Method::Tcp => {
            let (a, b) = tcp_pair()?;
            fd_pair(size, rounds, a, b)
        }
        Method::Pipe => {
            let (r1, w1) = pipe()?;
            let (r2, w2) = pipe()?;
            for fd in [&r1, &r2] {
                // Largest pipe the system allows without privileges (fs.pipe-max-size).
                // SAFETY: plain fcntl on our descriptor; failure keeps the default.
                unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETPIPE_SZ, MIB as libc::c_int) };
            }
            two_process(
                size,
                rounds,
                move || Ok(Box::new(FdWriter { data: w1, ack: r2, buf: prefaulted(size) }) as Box<dyn Writer>),
                move || Ok(Box::new(FdReader { data: r1, ack: w2, buf: prefaulted(size) }) as Box<dyn Reader>),
            )
        }
    }
}

fn fd_pair(size: usize, rounds: usize, a: OwnedFd, b: OwnedFd) -> io::Result<Vec<Round>> {
    let a2 = a.try_clone()?;
    let b2 = b.try_clone()?;
    two_process(
        size,
        rounds,
        move || Ok(Box::new(FdWriter { data: a, ack: a2, buf: prefaulted(size) }) as Box<dyn Writer>),
        move || Ok(Box::new(FdReader { data: b, ack: b2, buf: prefaulted(size) }) as Box<dyn Reader>),
    )
}

/// One process fills then reads one warm buffer: what any handoff must at least cost.
fn reference(size: usize, rounds: usize) -> io::Result<Vec<Round>> {
    let mut buf = prefaulted(size);
    if util::cpu_count() >= 2 {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let mut times = Vec::new();
    for r in 0..rounds + 1 {
        let v = value(r);
        let t0 = util::now_ns();
        // SAFETY: `buf` is `size` bytes, 8-aligned (Vec<u64>).
        unsafe { util::fill(buf.as_mut_ptr() as *mut u8, size, v) };
        let tf = util::now_ns();
        // SAFETY: as above.
        let ok = unsafe { util::touch(buf.as_ptr() as *const u8, size, v) };
        let t1 = util::now_ns();
        if !ok {
            util::unpin();
            return Err(io::Error::other("memory pass: verification failed"));
        }
        if r > 0 {
            let s = |a: u64, b: u64| (b - a) as f64 / 1e9;
            times.push(Round { total_s: s(t0, t1), fill_s: s(t0, tf), transfer_s: 0.0, read_s: s(tf, t1) });
        }
    }
    util::unpin();
    Ok(times)
}

/// An 8-aligned, already faulted-in buffer of `size` bytes.
fn prefaulted(size: usize) -> Vec<u64> {
    vec![0x5555_5555_5555_5555u64; size / 8]
}

trait Writer {
    fn buf(&mut self) -> *mut u8;
    fn send(&mut self, n: usize) -> io::Result<()>;
    fn wait_ack(&mut self) -> io::Result<()>;
}

trait Reader {
    /// Blocks until the bytes are here; returns where they are.
    fn receive(&mut self, n: usize) -> io::Result<*const u8>;
    fn ack(&mut self) -> io::Result<()>;
}

type WriterMaker = Box<dyn FnOnce() -> io::Result<Box<dyn Writer>>>;

fn two_process<W, R>(size: usize, rounds: usize, writer: W, reader: R) -> io::Result<Vec<Round>>
where
    W: FnOnce() -> io::Result<Box<dyn Writer>> + 'static,
    R: FnOnce() -> io::Result<Box<dyn Reader>>,
{
    let total = rounds + 1;
    // slot 0: reader ready; per round r, slots 8+3r..: reader's wake time, its end time, verified.
    let ctl = SharedMem::new(8 * (8 + 3 * total))?;
    let two = util::cpu_count() >= 2;
    let c = &ctl;
    let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
        let mut rd = reader()?;
        c.u64_at(0).store(1, Ordering::Release);
        for r in 0..total {
            let p = rd.receive(size)?;
            let t_wake = util::now_ns();
            // SAFETY: `p` points at `size` readable, 8-aligned bytes nobody writes until our ack.
            let ok = unsafe { util::touch(p, size, value(r)) };
            c.u64_at(8 + 3 * r).store(t_wake, Ordering::Relaxed);
            c.u64_at(9 + 3 * r).store(util::now_ns(), Ordering::Relaxed);
            c.u64_at(10 + 3 * r).store(ok as u64, Ordering::Relaxed);
            rd.ack()?;
        }
        Ok(())
    })?;
    if two {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let writer: WriterMaker = Box::new(writer);
    let res = (|| -> io::Result<Vec<Round>> {
        let mut w = writer()?;
        if !util::spin_until(|| c.u64_at(0).load(Ordering::Acquire) == 1, 20_000_000_000) {
            return Err(io::Error::other("reader never became ready"));
        }
        let mut times = Vec::new();
        for r in 0..total {
            let t0 = util::now_ns();
            // SAFETY: the writer's buffer is `size` bytes and the reader is not reading it
            // (it acked the previous round).
            unsafe { util::fill(w.buf(), size, value(r)) };
            let t_filled = util::now_ns();
            w.send(size)?;
            w.wait_ack()?;
            let t_wake = c.u64_at(8 + 3 * r).load(Ordering::Relaxed);
            let t1 = c.u64_at(9 + 3 * r).load(Ordering::Relaxed);
            if c.u64_at(10 + 3 * r).load(Ordering::Relaxed) != 1 {
                return Err(io::Error::other("handoff: reader saw wrong bytes"));
            }
            if r > 0 {
                let s = |a: u64, b: u64| b.saturating_sub(a) as f64 / 1e9;
                times.push(Round {
                    total_s: s(t0, t1),
                    fill_s: s(t0, t_filled),
                    transfer_s: s(t_filled, t_wake),
                    read_s: s(t_wake, t1),
                });
            }
        }
        Ok(times)
    })();
    util::unpin();
    util::settle(child, res)
}

struct ZincWriter {
    data: SharedRegion,
    ack: SharedRegion,
}

impl Writer for ZincWriter {
    fn buf(&mut self) -> *mut u8 {
        self.data.as_ptr()
    }
    fn send(&mut self, _n: usize) -> io::Result<()> {
        self.data.notify();
        Ok(())
    }
    fn wait_ack(&mut self) -> io::Result<()> {
        self.ack.wait(60_000).map_err(zerr)
    }
}

struct ZincReader {
    data: SharedRegion,
    ack: SharedRegion,
}

impl Reader for ZincReader {
    fn receive(&mut self, _n: usize) -> io::Result<*const u8> {
        self.data.wait(60_000).map_err(zerr)?;
        Ok(self.data.as_ptr())
    }
    fn ack(&mut self) -> io::Result<()> {
        self.ack.notify();
        Ok(())
    }
}

struct FdWriter {
    data: OwnedFd,
    ack: OwnedFd,
    buf: Vec<u64>,
}

impl Writer for FdWriter {
    fn buf(&mut self) -> *mut u8 {
        self.buf.as_mut_ptr() as *mut u8
    }
    fn send(&mut self, n: usize) -> io::Result<()> {
        // SAFETY: `buf` holds `n` bytes.
        write_all(&self.data, unsafe { std::slice::from_raw_parts(self.buf.as_ptr() as *const u8, n) })
    }
    fn wait_ack(&mut self) -> io::Result<()> {
        read_exact(&self.ack, &mut [0u8; 1])
    }
}

struct FdReader {
    data: OwnedFd,
    ack: OwnedFd,
    buf: Vec<u64>,
}

impl Reader for FdReader {
    fn receive(&mut self, n: usize) -> io::Result<*const u8> {
        // SAFETY: `buf` holds `n` bytes.
        read_exact(&self.data, unsafe {
            std::slice::from_raw_parts_mut(self.buf.as_mut_ptr() as *mut u8, n)
        })?;
        Ok(self.buf.as_ptr() as *const u8)
    }
    fn ack(&mut self) -> io::Result<()> {
        write_all(&self.ack, &[1u8])
    }
}

fn set_bufs(fd: &OwnedFd, bytes: usize) -> io::Result<()> {
    let v = bytes as libc::c_int;
    for opt in [libc::SO_SNDBUF, libc::SO_RCVBUF] {
        // SAFETY: valid option pointer and size.
        let r = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                opt,
                &v as *const _ as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as u32,
            )
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A connected TCP pair over 127.0.0.1 (kernel-tuned buffers, TCP_NODELAY).
fn tcp_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::IntoRawFd;
    let l = TcpListener::bind("127.0.0.1:0")?;
    let c = TcpStream::connect(l.local_addr()?)?;
    let (s, _) = l.accept()?;
    c.set_nodelay(true)?;
    s.set_nodelay(true)?;
    // SAFETY: ownership of the descriptors moves into OwnedFd.
    Ok(unsafe { (OwnedFd::from_raw_fd(c.into_raw_fd()), OwnedFd::from_raw_fd(s.into_raw_fd())) })
}
