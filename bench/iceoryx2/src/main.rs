//! The iceoryx2 side of the Zinc benchmarks, measured with the very same harness
//! (`bench/src/pingpong.rs`, `bench/src/util.rs`, included by path) and the same protocol as
//! the other transports:
//!
//! * latency through the **event** service (Notifier::notify → Listener::blocking_wait);
//! * latency through **publish-subscribe** with a loaned sample (`loan_uninit` → `send`; the
//!   subscriber polls `receive()` in a busy loop, as publish-subscribe has no blocking receive);
//! * bulk handoff through publish-subscribe with a loaned `[u8]` slice of the full size.
//!
//! `zinc-bench-iceoryx2 --out FILE [--smoke]` writes one JSON object.

#[path = "../../src/util.rs"]
mod util;
#[path = "../../src/pingpong.rs"]
mod pingpong;

use iceoryx2::port::listener::Listener;
use iceoryx2::port::notifier::Notifier;
use iceoryx2::port::publisher::Publisher;
use iceoryx2::port::subscriber::Subscriber;
use iceoryx2::prelude::*;
use pingpong::{Endpoint, Maker};
use std::io::{self, Write};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use util::{jstr, SharedMem};

type Svc = ipc::Service;

fn err<E: std::fmt::Debug>(what: &'static str) -> impl Fn(E) -> io::Error {
    move |e| io::Error::other(format!("iceoryx2 {what}: {e:?}"))
}

fn node() -> io::Result<Node<Svc>> {
    NodeBuilder::new().create::<Svc>().map_err(err("node"))
}

fn service_name(s: &str) -> io::Result<ServiceName> {
    ServiceName::new(s).map_err(err("service name"))
}

/// Event service: notify, then blocking_wait on the other side; stamp in shared memory.
struct EventEnd {
    tx_name: String,
    notifier: Option<Notifier<Svc>>,
    listener: Listener<Svc>,
    mem: Arc<SharedMem>,
    tx_slot: usize,
    rx_slot: usize,
    node: Node<Svc>,
}

impl EventEnd {
    fn new(tx: &str, rx: &str, mem: Arc<SharedMem>, tx_slot: usize, rx_slot: usize) -> io::Result<EventEnd> {
        let node = node()?;
        let svc = node.service_builder(&service_name(rx)?).event().open_or_create().map_err(err("event service"))?;
        let listener = svc.listener_builder().create().map_err(err("listener"))?;
        Ok(EventEnd { tx_name: tx.to_string(), notifier: None, listener, mem, tx_slot, rx_slot, node })
    }
}

impl Endpoint for EventEnd {
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        if self.notifier.is_none() {
            // Made on first use, once the peer's listener surely exists.
            let svc = self.node.service_builder(&service_name(&self.tx_name)?).event().open_or_create().map_err(err("event service"))?;
            self.notifier = Some(svc.notifier_builder().create().map_err(err("notifier"))?);
        }
        self.mem.u64_at(self.tx_slot).store(stamp, Ordering::Relaxed);
        self.notifier.as_ref().unwrap().notify().map_err(err("notify"))?;
        Ok(())
    }
    fn recv(&mut self) -> io::Result<u64> {
        loop {
            let n = self.listener.blocking_wait(|_| {}).map_err(err("blocking_wait"))?;
            if n > 0 {
                break;
            }
        }
        Ok(self.mem.u64_at(self.rx_slot).load(Ordering::Relaxed))
    }
}

/// Publish-subscribe with a loaned u64 sample carrying the stamp; the subscriber busy-polls.
struct PubSubEnd {
    tx_name: String,
    publisher: Option<Publisher<Svc, u64, ()>>,
    subscriber: Subscriber<Svc, u64, ()>,
    node: Node<Svc>,
}

fn pubsub_service(node: &Node<Svc>, name: &str) -> io::Result<iceoryx2::service::port_factory::publish_subscribe::PortFactory<Svc, u64, ()>> {
    node.service_builder(&service_name(name)?)
        .publish_subscribe::<u64>()
        .history_size(0)
        .subscriber_max_buffer_size(2)
        .open_or_create()
        .map_err(err("pub-sub service"))
}

impl PubSubEnd {
    fn new(tx: &str, rx: &str) -> io::Result<PubSubEnd> {
        let node = node()?;
        let subscriber = pubsub_service(&node, rx)?.subscriber_builder().create().map_err(err("subscriber"))?;
        Ok(PubSubEnd { tx_name: tx.to_string(), publisher: None, subscriber, node })
    }
}

impl Endpoint for PubSubEnd {
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        if self.publisher.is_none() {
            self.publisher = Some(pubsub_service(&self.node, &self.tx_name)?.publisher_builder().create().map_err(err("publisher"))?);
        }
        let sample = self.publisher.as_ref().unwrap().loan_uninit().map_err(err("loan"))?;
        sample.write_payload(stamp).send().map_err(err("send"))?;
        Ok(())
    }
    fn recv(&mut self) -> io::Result<u64> {
        let start = util::now_ns();
        let mut k = 0u32;
        loop {
            if let Some(s) = self.subscriber.receive().map_err(err("receive"))? {
                return Ok(*s.payload());
            }
            std::hint::spin_loop();
            k = k.wrapping_add(1);
            if k % 4096 == 0 && util::now_ns() - start > 10_000_000_000 {
                return Err(io::Error::other("iceoryx2 pub-sub: nothing for 10 s"));
            }
        }
    }
}

fn latency(key: &str, label: &str, note: &str, samples: usize, warmup: usize) -> io::Result<String> {
    let base = format!("zbench/{}/{}", std::process::id(), key);
    let (ping, pong) = (format!("{base}/ping"), format!("{base}/pong"));
    let r = if key == "iceoryx2_event" {
        let mem = Arc::new(SharedMem::new(4096)?);
        let (m1, m2) = (mem.clone(), mem);
        let (p1, q1, p2, q2) = (ping.clone(), pong.clone(), ping.clone(), pong.clone());
        let driver: Maker<'_> = Box::new(move || Ok(Box::new(EventEnd::new(&p1, &q1, m1, 0, 8)?) as Box<dyn Endpoint>));
        let peer: Maker<'_> = Box::new(move || Ok(Box::new(EventEnd::new(&q2, &p2, m2, 8, 0)?) as Box<dyn Endpoint>));
        pingpong::run(samples, warmup, driver, peer, None)?
    } else {
        let (p1, q1, p2, q2) = (ping.clone(), pong.clone(), ping.clone(), pong.clone());
        let driver: Maker<'_> = Box::new(move || Ok(Box::new(PubSubEnd::new(&p1, &q1)?) as Box<dyn Endpoint>));
        let peer: Maker<'_> = Box::new(move || Ok(Box::new(PubSubEnd::new(&q2, &p2)?) as Box<dyn Endpoint>));
        pingpong::run(samples, warmup, driver, peer, None)?
    };
    eprintln!("[iceoryx2] {label}: one-way p50 {} ns, p99 {} ns, max {} ns", r.one_way.p50, r.one_way.p99, r.one_way.max);
    Ok(format!(
        "{{\"key\":{},\"label\":{},\"note\":{},\"one_way\":{},\"rtt_half\":{}}}",
        jstr(key),
        jstr(label),
        jstr(note),
        r.one_way.to_json(),
        r.rtt_half.to_json()
    ))
}

fn value(r: usize) -> u8 {
    (r % 250) as u8 + 1
}

/// Bulk handoff through a loaned slice: same protocol as `bench/src/handoff.rs`.
fn handoff(size: usize, rounds: usize, warmup: usize) -> io::Result<Vec<f64>> {
    let name = format!("zbench/{}/handoff/{}", std::process::id(), size);
    let total = rounds + warmup;
    // slot 0: reader ready; 1: writer's publisher exists; 8+r: reader t1; 8+total+r: verified.
    let ctl = SharedMem::new(8 * (8 + 2 * total))?;
    let two = util::cpu_count() >= 2;
    let c = &ctl;
    let n2 = name.clone();
    let make_service = |node: &Node<Svc>, n: &str| {
        node.service_builder(&service_name(n)?)
            .publish_subscribe::<[u8]>()
            .payload_alignment(Alignment::new(64).expect("power of two"))
            .history_size(0)
            .subscriber_max_buffer_size(1)
            .subscriber_max_borrowed_samples(1)
            .open_or_create()
            .map_err(err("slice service"))
    };
    let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
        let node = node()?;
        let svc = make_service(&node, &n2)?;
        let sub = svc.subscriber_builder().create().map_err(err("subscriber"))?;
        c.u64_at(0).store(1, Ordering::Release);
        for r in 0..total {
            let start = util::now_ns();
            let sample = loop {
                if let Some(s) = sub.receive().map_err(err("receive"))? {
                    break s;
                }
                std::hint::spin_loop();
                if util::now_ns() - start > 60_000_000_000 {
                    return Err(io::Error::other("iceoryx2 handoff: nothing for 60 s"));
                }
            };
            let p = sample.payload();
            // SAFETY: the slice is `size` bytes, 8-aligned (payload alignment set by the writer's
            // service config below), and nobody writes it while we hold the sample.
            let ok = p.len() == size && unsafe { util::touch(p.as_ptr(), size, value(r)) };
            c.u64_at(8 + r).store(util::now_ns(), Ordering::Relaxed);
            c.u64_at(8 + total + r).store(ok as u64, Ordering::Relaxed);
            drop(sample);
            c.u64_at(1).store(r as u64 + 2, Ordering::Release);
        }
        drop(sub);
        drop(svc);
        drop(node);
        Ok(())
    })?;
    if two {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let res = (|| -> io::Result<Vec<f64>> {
        let node = node()?;
        let svc = make_service(&node, &name)?;
        if !util::spin_until(|| c.u64_at(0).load(Ordering::Acquire) == 1, 20_000_000_000) {
            return Err(io::Error::other("reader never became ready"));
        }
        let publisher = svc.publisher_builder().initial_max_slice_len(size).max_loaned_samples(1).create().map_err(err("publisher"))?;
        let mut times = Vec::new();
        for r in 0..total {
            let t0 = util::now_ns();
            let mut s = publisher.loan_slice_uninit(size).map_err(err("loan_slice_uninit"))?;
            let p = s.payload_mut().as_mut_ptr() as *mut u8;
            if (p as usize) % 8 != 0 {
                return Err(io::Error::other("iceoryx2 slice not 8-aligned"));
            }
            // SAFETY: the loaned slice is `size` writable bytes.
            unsafe { util::fill(p, size, value(r)) };
            // SAFETY: every byte was just written.
            let s = unsafe { s.assume_init() };
            s.send().map_err(err("send"))?;
            if !util::spin_until(|| c.u64_at(1).load(Ordering::Acquire) == r as u64 + 2, 60_000_000_000) {
                return Err(io::Error::other("iceoryx2 handoff: no ack for 60 s"));
            }
            if c.u64_at(8 + total + r).load(Ordering::Relaxed) != 1 {
                return Err(io::Error::other("iceoryx2 handoff: reader saw wrong bytes"));
            }
            if r >= warmup {
                times.push(c.u64_at(8 + r).load(Ordering::Relaxed).saturating_sub(t0) as f64 / 1e9);
            }
        }
        drop(publisher);
        Ok(times)
    })();
    util::unpin();
    util::settle(child, res)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = match args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)) {
        Some(o) => o.clone(),
        None => {
            eprintln!("usage: zinc-bench-iceoryx2 --out FILE [--smoke]");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&out, smoke) {
        eprintln!("zinc-bench-iceoryx2: {e}");
        std::process::exit(1);
    }
}

fn run(out: &str, smoke: bool) -> io::Result<()> {
    set_log_level(LogLevel::Error);
    let (samples, warmup) = if smoke { (2_000, 200) } else { (100_000, 10_000) };
    let mib = 1usize << 20;
    let sizes: Vec<usize> = if smoke { vec![mib, 16 * mib] } else { vec![mib, 16 * mib, 100 * mib, 1024 * mib] };
    let mut lat = Vec::new();
    lat.push(latency(
        "iceoryx2_event",
        "iceoryx2 event service",
        "Notifier::notify → Listener::blocking_wait (ipc::Service defaults), stamp in shared memory",
        samples,
        warmup,
    )?);
    lat.push(latency(
        "iceoryx2_pubsub",
        "iceoryx2 publish-subscribe, loaned sample",
        "loan_uninit → write_payload(stamp) → send; subscriber busy-polls receive()",
        samples,
        warmup,
    )?);
    let mut hand = Vec::new();
    for &size in &sizes {
        let rounds = if smoke {
            2
        } else if size <= mib {
            20
        } else if size <= 16 * mib {
            10
        } else if size <= 128 * mib {
            5
        } else {
            3
        };
        // Several warm-up rounds: the publisher cycles through more than one sample slot, and
        // every slot's pages are faulted in on first use; measure the steady state, as for Zinc.
        let t = handoff(size, rounds, 3)?;
        eprintln!("[iceoryx2] handoff {} MiB: median {:.3} ms", size / mib, util::median(&t) * 1e3);
        let ts: Vec<String> = t.iter().map(|x| format!("{x:.6}")).collect();
        hand.push(format!(
            "{{\"key\":\"iceoryx2\",\"label\":\"iceoryx2 publish-subscribe, loaned slice\",\"size\":{},\"times_s\":[{}]}}",
            size,
            ts.join(",")
        ));
    }
    let json = format!(
        "{{\"latency\":[{}],\"handoff\":[{}]}}\n",
        lat.join(",\n"),
        hand.join(",\n")
    );
    std::fs::File::create(out)?.write_all(json.as_bytes())?;
    Ok(())
}
