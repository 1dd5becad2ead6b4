//! The iceoryx2 side of the Zinc benchmarks, measured with the very same harness
//! (`bench/src/pingpong.rs`, `bench/src/util.rs`, included by path) and the same protocol as
//! the other transports:
//!
//! * latency through the **event** service (Notifier::notify → Listener::blocking_wait);
//! * latency through **publish-subscribe** with a loaned sample (`loan_uninit` → `send`; the
//!   subscriber polls `receive()` in a busy loop, as publish-subscribe has no blocking receive);
//! * bulk handoff through publish-subscribe with a loaned `[u8]` slice of the full size;
//! * the notify-rate sweep (`bench/src/rate.rs`) through the **event** service: latency and
//!   the listener's CPU % when notified every 10 µs … 100 ms;
//! * small messages: 64-byte samples through publish-subscribe (the subscriber busy-polls;
//!   the publisher retries while the subscriber's buffer is full), checked in order.
//!
//! `zinc-bench-iceoryx2 --out FILE [--smoke]` writes one JSON object.

#[path = "../../src/pingpong.rs"]
mod pingpong;
#[path = "../../src/rate.rs"]
mod rate;
#[path = "../../src/util.rs"]
mod util;

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
        let svc = node
            .service_builder(&service_name(rx)?)
            .event()
            .open_or_create()
            .map_err(err("event service"))?;
        let listener = svc.listener_builder().create().map_err(err("listener"))?;
        Ok(EventEnd { tx_name: tx.to_string(), notifier: None, listener, mem, tx_slot, rx_slot, node })
    }
}

impl Endpoint for EventEnd {
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        if self.notifier.is_none() {
            // Made on first use, once the peer's listener surely exists.
            let svc = self
                .node
                .service_builder(&service_name(&self.tx_name)?)
                .event()
                .open_or_create()
                .map_err(err("event service"))?;
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

fn pubsub_service(
    node: &Node<Svc>,
    name: &str,
) -> io::Result<iceoryx2::service::port_factory::publish_subscribe::PortFactory<Svc, u64, ()>> {
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
        let subscriber =
            pubsub_service(&node, rx)?.subscriber_builder().create().map_err(err("subscriber"))?;
        Ok(PubSubEnd { tx_name: tx.to_string(), publisher: None, subscriber, node })
    }
}

impl Endpoint for PubSubEnd {
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        if self.publisher.is_none() {
            self.publisher = Some(
                pubsub_service(&self.node, &self.tx_name)?
                    .publisher_builder()
                    .create()
                    .map_err(err("publisher"))?,
            );
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
            if k.is_multiple_of(4096) && util::now_ns() - start > 10_000_000_000 {
                return Err(io::Error::other("iceoryx2 pub-sub: nothing for 10 s"));
            }
        }
    }
}

fn latency(
    key: &str,
    label: &str,
    note: &str,
    mode: &str,
    samples: usize,
    warmup: usize,
    rounds: usize,
) -> io::Result<String> {
    let mut v = Vec::new();
    for r in 0..rounds {
        v.push(latency_once(key, r, samples / rounds, warmup / rounds)?);
    }
    let r = pingpong::PingPong::merge(v);
    eprintln!(
        "[iceoryx2] {label}: one-way p50 {} ns, p99 {} ns, max {} ns",
        r.one_way.p50, r.one_way.p99, r.one_way.max
    );
    let p50: Vec<String> = r.round_p50.iter().map(|x| x.to_string()).collect();
    Ok(format!(
        "{{\"key\":{},\"label\":{},\"note\":{},\"mode\":{},\"one_way\":{},\"rtt_half\":{},\"round_p50\":[{}]}}",
        jstr(key),
        jstr(label),
        jstr(note),
        jstr(mode),
        r.one_way.to_json(),
        r.rtt_half.to_json(),
        p50.join(",")
    ))
}

fn latency_once(key: &str, round: usize, samples: usize, warmup: usize) -> io::Result<pingpong::PingPong> {
    let base = format!("zbench/{}/{}/{}", std::process::id(), key, round);
    let (ping, pong) = (format!("{base}/ping"), format!("{base}/pong"));
    let r = if key == "iceoryx2_event" {
        let mem = Arc::new(SharedMem::new(4096)?);
        let (m1, m2) = (mem.clone(), mem);
        let (p1, q1, p2, q2) = (ping.clone(), pong.clone(), ping.clone(), pong.clone());
        let driver: Maker<'_> =
            Box::new(move || Ok(Box::new(EventEnd::new(&p1, &q1, m1, 0, 8)?) as Box<dyn Endpoint>));
        let peer: Maker<'_> =
            Box::new(move || Ok(Box::new(EventEnd::new(&q2, &p2, m2, 8, 0)?) as Box<dyn Endpoint>));
        pingpong::run(samples, warmup, driver, peer, None)?
    } else {
        let (p1, q1, p2, q2) = (ping.clone(), pong.clone(), ping.clone(), pong.clone());
        let driver: Maker<'_> =
            Box::new(move || Ok(Box::new(PubSubEnd::new(&p1, &q1)?) as Box<dyn Endpoint>));
        let peer: Maker<'_> = Box::new(move || Ok(Box::new(PubSubEnd::new(&q2, &p2)?) as Box<dyn Endpoint>));
        pingpong::run(samples, warmup, driver, peer, None)?
    };
    Ok(r)
}

/// The notifying side of the rate sweep: the index goes into shared memory, then notify.
struct RateNotifier {
    name: String,
    node: Node<Svc>,
    notifier: Option<Notifier<Svc>>,
    mem: Arc<SharedMem>,
}

impl RateNotifier {
    fn notifier(&mut self) -> io::Result<&Notifier<Svc>> {
        if self.notifier.is_none() {
            // Made on first use, once the listener surely exists.
            let svc = self
                .node
                .service_builder(&service_name(&self.name)?)
                .event()
                .open_or_create()
                .map_err(err("event service"))?;
            self.notifier = Some(svc.notifier_builder().create().map_err(err("notifier"))?);
        }
        Ok(self.notifier.as_ref().unwrap())
    }
}

impl rate::RateTx for RateNotifier {
    fn notify(&mut self, k: u64) -> io::Result<()> {
        self.mem.u64_at(0).store(k, Ordering::Release);
        self.notifier()?.notify().map_err(err("notify"))?;
        Ok(())
    }
    fn stop(&mut self) -> io::Result<()> {
        self.notifier()?.notify().map_err(err("notify"))?;
        Ok(())
    }
}

struct RateListener {
    listener: Listener<Svc>,
    mem: Arc<SharedMem>,
    _node: Node<Svc>,
}

impl rate::RateRx for RateListener {
    fn wait(&mut self) -> io::Result<Option<u64>> {
        let n = self
            .listener
            .timed_wait(|_| {}, std::time::Duration::from_millis(200))
            .map_err(err("timed_wait"))?;
        Ok((n > 0).then(|| self.mem.u64_at(0).load(Ordering::Acquire)))
    }
}

fn sweep_cell(period_ns: u64, rounds: usize, round_ns: u64) -> io::Result<String> {
    let mut runs = Vec::new();
    for r in 0..rounds {
        let name = format!("zbench/{}/rate/{}/{}", std::process::id(), period_ns, r);
        let mem = Arc::new(SharedMem::new(4096)?);
        let (m1, m2, n1, n2) = (mem.clone(), mem, name.clone(), name);
        let tx: rate::TxMaker<'_> = Box::new(move || {
            Ok(Box::new(RateNotifier { name: n1, node: node()?, notifier: None, mem: m1 })
                as Box<dyn rate::RateTx>)
        });
        let rx: rate::RxMaker<'_> = Box::new(move || {
            let node = node()?;
            let svc = node
                .service_builder(&service_name(&n2)?)
                .event()
                .open_or_create()
                .map_err(err("event service"))?;
            let listener = svc.listener_builder().create().map_err(err("listener"))?;
            Ok(Box::new(RateListener { listener, mem: m2, _node: node }) as Box<dyn rate::RateRx>)
        });
        runs.push(rate::run(period_ns, round_ns, tx, rx)?);
    }
    let cell = rate::RateCell::merge(period_ns, runs);
    eprintln!(
        "[iceoryx2] sweep every {} µs: p50 {} ns, p99 {} ns, listener CPU {:.1}%",
        period_ns / 1000,
        cell.lat.p50,
        cell.lat.p99,
        cell.cpu_pct()
    );
    Ok(cell.to_json("iceoryx2_event", "iceoryx2 event service (Listener::timed_wait)"))
}

type Msg = [u64; 8];

/// 64-byte samples through publish-subscribe; the subscriber busy-polls and checks the order.
fn messages(count: u64) -> io::Result<f64> {
    let name = format!("zbench/{}/msgs", std::process::id());
    let ctl = SharedMem::new(4096)?;
    let c = &ctl;
    let two = util::cpu_count() >= 2;
    let make = |node: &Node<Svc>, n: &str| {
        node.service_builder(&service_name(n)?)
            .publish_subscribe::<Msg>()
            .history_size(0)
            .enable_safe_overflow(false)
            .subscriber_max_buffer_size(256)
            .open_or_create()
            .map_err(err("pub-sub service"))
    };
    let n2 = name.clone();
    let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
        let node = node()?;
        let svc = make(&node, &n2)?;
        let sub = svc.subscriber_builder().create().map_err(err("subscriber"))?;
        c.u64_at(0).store(1, Ordering::Release);
        let mut next = 0u64;
        let mut ok = true;
        let start = util::now_ns();
        let mut k = 0u32;
        while next < count {
            match sub.receive().map_err(err("receive"))? {
                Some(s) if s.payload()[0] == u64::MAX => {
                    // A connection probe (see the publisher): say we are connected.
                    c.u64_at(3).store(1, Ordering::Release);
                }
                Some(s) => {
                    ok &= s.payload()[0] == next;
                    next += 1;
                }
                None => {
                    std::hint::spin_loop();
                    k = k.wrapping_add(1);
                    if k.is_multiple_of(4096) && util::now_ns() - start > 30_000_000_000 {
                        return Err(io::Error::other(format!(
                            "iceoryx2 messages: stalled after {next} of {count}"
                        )));
                    }
                }
            }
        }
        c.u64_at(1).store(util::now_ns(), Ordering::Release);
        c.u64_at(2).store(ok as u64, Ordering::Release);
        Ok(())
    })?;
    if two {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let res = (|| -> io::Result<u64> {
        let node = node()?;
        let svc = make(&node, &name)?;
        if !util::spin_until(|| c.u64_at(0).load(Ordering::Acquire) == 1, 20_000_000_000) {
            return Err(io::Error::other("subscriber never became ready"));
        }
        // Made once the subscriber exists, so it is connected from the first sample (history 0).
        let publisher = svc
            .publisher_builder()
            .backpressure_strategy(BackpressureStrategy::RetryUntilDelivered)
            .create()
            .map_err(err("publisher"))?;
        // Samples sent before the subscriber is connected are lost (history 0): send probes until
        // one arrives; the subscriber skips them.
        let probe_start = util::now_ns();
        while c.u64_at(3).load(Ordering::Acquire) == 0 {
            let s = publisher.loan_uninit().map_err(err("loan"))?;
            s.write_payload([u64::MAX; 8]).send().map_err(err("send"))?;
            util::spin_for(10_000);
            if util::now_ns() - probe_start > 20_000_000_000 {
                return Err(io::Error::other("iceoryx2 messages: subscriber never connected"));
            }
        }
        let t0 = util::now_ns();
        for i in 0..count {
            let mut m = [0x5a5a_5a5a_5a5a_5a5au64; 8];
            m[0] = i;
            let s = publisher.loan_uninit().map_err(err("loan"))?;
            s.write_payload(m).send().map_err(err("send"))?;
        }
        Ok(t0)
    })();
    util::unpin();
    let t0 = util::settle(child, res)?;
    if ctl.u64_at(2).load(Ordering::Acquire) != 1 {
        return Err(io::Error::other("iceoryx2 messages: out of order or lost"));
    }
    Ok(ctl.u64_at(1).load(Ordering::Acquire).saturating_sub(t0) as f64 / 1e9)
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
        let publisher = svc
            .publisher_builder()
            .initial_max_slice_len(size)
            .max_loaned_samples(1)
            .create()
            .map_err(err("publisher"))?;
        let mut times = Vec::new();
        for r in 0..total {
            let t0 = util::now_ns();
            let mut s = publisher.loan_slice_uninit(size).map_err(err("loan_slice_uninit"))?;
            let p = s.payload_mut().as_mut_ptr() as *mut u8;
            if !(p as usize).is_multiple_of(8) {
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
    let sizes: Vec<usize> =
        if smoke { vec![mib, 16 * mib] } else { vec![mib, 16 * mib, 100 * mib, 1024 * mib] };
    let lat_rounds = if smoke { 2 } else { 5 };
    let lat = [
        latency(
            "iceoryx2_event",
            "iceoryx2 event service",
            "Notifier::notify → Listener::blocking_wait (ipc::Service defaults), stamp in shared memory",
            "block",
            samples,
            warmup,
            lat_rounds,
        )?,
        latency(
            "iceoryx2_pubsub",
            "iceoryx2 publish-subscribe, loaned sample",
            "loan_uninit → write_payload(stamp) → send; subscriber busy-polls receive()",
            "spin",
            samples,
            warmup,
            lat_rounds,
        )?,
    ];
    // Same periods, budget and rounds as bench/src/main.rs's sweep.
    let periods: Vec<u64> = if smoke {
        vec![40_000, 1_000_000]
    } else {
        vec![10_000, 40_000, 100_000, 1_000_000, 10_000_000, 100_000_000]
    };
    let (budget, sweep_rounds) = if smoke { (50_000_000, 2) } else { (3_000_000_000, 3) };
    let mut sweep = Vec::new();
    for &p in &periods {
        let (rounds, round_ns) = rate::plan(p, budget, sweep_rounds);
        sweep.push(sweep_cell(p, rounds, round_ns)?);
    }
    let (msg_count, msg_rounds) = if smoke { (20_000u64, 1) } else { (1_000_000u64, 3) };
    let mut msg_runs = Vec::new();
    for _ in 0..msg_rounds {
        let secs = messages(msg_count)?;
        eprintln!("[iceoryx2] 64-byte messages: {:.2} M msg/s", msg_count as f64 / secs / 1e6);
        msg_runs.push(format!("{{\"secs\":{secs:.6},\"notifies\":0,\"waits\":0}}"));
    }
    let msgs = format!(
        "{{\"key\":\"iceoryx2_pubsub\",\"label\":\"iceoryx2 publish-subscribe, 64-byte samples (subscriber busy-polls)\",\"msg_bytes\":64,\"messages\":{},\"rounds\":[{}]}}",
        msg_count,
        msg_runs.join(",")
    );
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
        "{{\"latency\":[{}],\"handoff\":[{}],\"sweep\":[{}],\"messages\":[{}]}}\n",
        lat.join(",\n"),
        hand.join(",\n"),
        sweep.join(",\n"),
        msgs
    );
    std::fs::File::create(out)?.write_all(json.as_bytes())?;
    Ok(())
}
