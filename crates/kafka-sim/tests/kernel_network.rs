//! Kernel unit tests with a toy node: partitions and heal, drop ratios, jitter bounds and per-link
//! FIFO, crash and restart, faults as scheduled data.

use kafka_sim::SimRng;
use kafka_sim::ids::NodeId;
use kafka_sim::kernel::fault::{Direction, Fault, Ratio};
use kafka_sim::kernel::{Ctx, FaultError, Kernel, Label, LossReason, Network, Node, TraceEvent};
use kafka_sim::time::SimTime;

/// A toy node: it records what it receives, and on start sets one timer.
#[derive(Clone, Debug, Default)]
struct Toy {
    /// Durable: survives a crash.
    starts: u32,
    /// Volatile: (arrival, sender, payload, sent at).
    received: Vec<(SimTime, NodeId, u64, SimTime)>,
    fired: Vec<u32>,
    crashes_seen: u32,
    /// Peers heard going down (`false`) or up (`true`).
    peers: Vec<(SimTime, NodeId, bool)>,
}

#[derive(Clone, Debug, Hash)]
enum Msg {
    Data { n: u64, sent: SimTime },
}

impl Label for Msg {
    fn label(&self) -> &'static str {
        "Data"
    }
}

#[derive(Clone, Debug, Hash)]
enum Tm {
    Tick(u32),
}

impl Label for Tm {
    fn label(&self) -> &'static str {
        "Tick"
    }
}

#[derive(Clone, Debug, Hash)]
enum Ev {
    Started(u32),
}

impl Node for Toy {
    type Msg = Msg;
    type Timer = Tm;
    type Event = Ev;
    fn on_start(&mut self, _now: SimTime, ctx: &mut Ctx<'_, Self>) {
        self.starts += 1;
        ctx.record(Ev::Started(self.starts));
        ctx.set_timer(SimTime::from_millis(10), Tm::Tick(self.starts));
    }
    fn on_message(&mut self, now: SimTime, from: NodeId, msg: Msg, _ctx: &mut Ctx<'_, Self>) {
        let Msg::Data { n, sent } = msg;
        self.received.push((now, from, n, sent));
    }
    fn on_timer(&mut self, _now: SimTime, timer: Tm, _ctx: &mut Ctx<'_, Self>) {
        let Tm::Tick(n) = timer;
        self.fired.push(n);
    }
    fn on_crash(&mut self) {
        self.received.clear();
        self.fired.clear();
        self.crashes_seen += 1;
    }
    fn on_peer_down(&mut self, now: SimTime, peer: NodeId, _ctx: &mut Ctx<'_, Self>) {
        self.peers.push((now, peer, false));
    }
    fn on_peer_up(&mut self, now: SimTime, peer: NodeId, _ctx: &mut Ctx<'_, Self>) {
        self.peers.push((now, peer, true));
    }
}

const MS: SimTime = SimTime::from_millis(1);

fn kernel(nodes: u32, latency: SimTime, jitter: SimTime, seed: u64) -> Kernel<Toy> {
    let mut k = Kernel::new(SimRng::new(seed), Network::new(latency, jitter), 100_000);
    for _ in 0..nodes {
        k.add_node(Toy::default());
    }
    k
}

fn send(k: &mut Kernel<Toy>, from: u32, to: u32, n: u64) {
    let sent = k.now();
    k.post(NodeId(from), NodeId(to), Msg::Data { n, sent });
}

fn got(k: &Kernel<Toy>, node: u32) -> Vec<(u32, u64)> {
    k.node(NodeId(node))
        .unwrap()
        .received
        .iter()
        .map(|r| (r.1.0, r.2))
        .collect()
}

fn losses(k: &Kernel<Toy>, reason: LossReason) -> usize {
    k.trace()
        .entries()
        .filter(|e| matches!(e.event, TraceEvent::Lost { reason: r, .. } if r == reason))
        .count()
}

fn settle(k: &mut Kernel<Toy>) {
    let t = k.now() + SimTime::from_secs(1);
    k.run_until(t);
}

#[test]
fn isolation_loses_messages_both_ways_and_heal_restores() {
    let mut k = kernel(3, MS, SimTime::ZERO, 1);
    k.apply(Fault::Isolate(NodeId(1))).unwrap();
    assert!(k.network().is_isolated(NodeId(1)));
    send(&mut k, 0, 1, 1);
    send(&mut k, 1, 0, 2);
    send(&mut k, 1, 2, 3);
    send(&mut k, 0, 2, 4);
    settle(&mut k);
    assert_eq!(got(&k, 0), vec![]);
    assert_eq!(got(&k, 1), vec![]);
    assert_eq!(got(&k, 2), vec![(0, 4)]);
    assert_eq!(losses(&k, LossReason::LinkCut), 3);

    k.apply(Fault::Heal).unwrap();
    assert!(!k.network().is_isolated(NodeId(1)));
    send(&mut k, 0, 1, 5);
    send(&mut k, 1, 0, 6);
    settle(&mut k);
    assert_eq!(got(&k, 1), vec![(0, 5)]);
    assert_eq!(got(&k, 0), vec![(1, 6)]);
    assert_eq!(losses(&k, LossReason::LinkCut), 3);
}

#[test]
fn one_way_cut_loses_only_that_direction() {
    let mut k = kernel(2, MS, SimTime::ZERO, 1);
    k.apply(Fault::Cut {
        a: NodeId(0),
        b: NodeId(1),
        direction: Direction::OneWay,
    })
    .unwrap();
    send(&mut k, 0, 1, 1);
    send(&mut k, 1, 0, 2);
    settle(&mut k);
    assert_eq!(got(&k, 1), vec![]);
    assert_eq!(got(&k, 0), vec![(1, 2)]);

    k.apply(Fault::Cut {
        a: NodeId(0),
        b: NodeId(1),
        direction: Direction::Both,
    })
    .unwrap();
    send(&mut k, 0, 1, 3);
    send(&mut k, 1, 0, 4);
    settle(&mut k);
    assert_eq!(got(&k, 1), vec![]);
    assert_eq!(got(&k, 0), vec![(1, 2)]);

    k.apply(Fault::Heal).unwrap();
    send(&mut k, 0, 1, 5);
    send(&mut k, 1, 0, 6);
    settle(&mut k);
    assert_eq!(got(&k, 1), vec![(0, 5)]);
    assert_eq!(got(&k, 0), vec![(1, 2), (1, 6)]);
}

#[test]
fn a_cut_during_flight_loses_the_message() {
    let mut k = kernel(2, SimTime::from_millis(10), SimTime::ZERO, 1);
    send(&mut k, 0, 1, 1);
    k.schedule(
        SimTime::from_millis(5),
        Fault::Cut {
            a: NodeId(0),
            b: NodeId(1),
            direction: Direction::OneWay,
        },
    );
    assert_eq!(k.in_flight().len(), 1);
    settle(&mut k);
    assert_eq!(got(&k, 1), vec![]);
    assert_eq!(losses(&k, LossReason::LinkCut), 1);
}

fn delivered_share(ratio: f64, direction: Direction, from: u32, to: u32) -> usize {
    let mut k = kernel(2, MS, SimTime::ZERO, 99);
    let ratio = Ratio::from_f64(ratio);
    k.apply(Fault::Drop {
        a: NodeId(0),
        b: NodeId(1),
        ratio,
        direction,
    })
    .unwrap();
    for n in 0..10_000 {
        send(&mut k, from, to, n);
    }
    settle(&mut k);
    let delivered = got(&k, to).len();
    assert_eq!(losses(&k, LossReason::Dropped) + delivered, 10_000);
    delivered
}

#[test]
fn drop_ratio_drops_about_that_share() {
    let delivered = delivered_share(0.2, Direction::Both, 0, 1);
    // 10,000 trials at p = 0.2: sd = 40, so +-250 is over 6 sd.
    assert!(
        (7_750..=8_250).contains(&delivered),
        "delivered {delivered} of 10000 at 20% drop"
    );
    let back = delivered_share(0.2, Direction::Both, 1, 0);
    assert!(
        (7_750..=8_250).contains(&back),
        "delivered {back} of 10000 back at 20% drop"
    );
}

#[test]
fn drop_ratio_zero_and_one_are_exact() {
    assert_eq!(delivered_share(0.0, Direction::Both, 0, 1), 10_000);
    assert_eq!(delivered_share(1.0, Direction::Both, 0, 1), 0);
    assert_eq!(delivered_share(1.0, Direction::Both, 1, 0), 0);
}

#[test]
fn one_way_drop_spares_the_other_direction() {
    assert_eq!(delivered_share(1.0, Direction::OneWay, 0, 1), 0);
    assert_eq!(delivered_share(1.0, Direction::OneWay, 1, 0), 10_000);
}

#[test]
fn jitter_stays_within_bounds_and_links_stay_fifo() {
    let latency = SimTime::from_millis(2);
    let jitter = SimTime::from_millis(5);
    let mut k = kernel(3, latency, jitter, 7);
    for n in 0..2_000u64 {
        k.run_until(SimTime(n * 100));
        send(&mut k, 0, 1, n);
        send(&mut k, 2, 1, n);
    }
    let flights = k.in_flight();
    assert!(!flights.is_empty());
    assert!(flights.windows(2).all(|w| w[0].deliver_at <= w[1].deliver_at));
    settle(&mut k);
    let rx = &k.node(NodeId(1)).unwrap().received;
    assert_eq!(rx.len(), 4_000);
    let mut delays = Vec::new();
    for from in [0, 2] {
        let on_link: Vec<_> = rx.iter().filter(|r| r.1 == NodeId(from)).collect();
        let order: Vec<u64> = on_link.iter().map(|r| r.2).collect();
        assert_eq!(order, (0..2_000).collect::<Vec<_>>(), "link {from}->1 reordered");
        for &&(at, _, _, sent) in &on_link {
            let delay = at - sent;
            assert!(delay >= latency && delay <= latency + jitter, "delay {delay:?}");
            delays.push(delay);
        }
    }
    // The jitter is really drawn: delays spread over the window.
    assert!(delays.iter().any(|&d| d < latency + SimTime::from_millis(1)));
    assert!(delays.iter().any(|&d| d > latency + SimTime::from_millis(4)));
}

#[test]
fn jitter_is_seeded() {
    let arrivals = |seed| {
        let mut k = kernel(2, MS, SimTime::from_millis(3), seed);
        for n in 0..50 {
            k.run_until(SimTime::from_millis(10 * n));
            send(&mut k, 0, 1, n);
        }
        settle(&mut k);
        k.node(NodeId(1))
            .unwrap()
            .received
            .iter()
            .map(|r| r.0)
            .collect::<Vec<_>>()
    };
    assert_eq!(arrivals(1), arrivals(1));
    assert_ne!(arrivals(1), arrivals(2));
}

#[test]
fn crash_kills_timers_and_loses_messages_and_restart_calls_on_start() {
    let mut k = kernel(2, MS, SimTime::ZERO, 3);
    // Node 1 started at 0 and set Tick(1) for 10 ms; it crashes at 5 ms.
    k.run_until(SimTime::from_millis(5));
    send(&mut k, 0, 1, 1); // would arrive at 6 ms
    k.apply(Fault::Crash(NodeId(1))).unwrap();
    assert!(!k.is_up(NodeId(1)));
    send(&mut k, 0, 1, 2);
    k.run_until(SimTime::from_millis(19));
    let n1 = k.node(NodeId(1)).unwrap();
    assert_eq!(n1.fired, Vec::<u32>::new(), "a dead node's timer fired");
    assert_eq!(n1.received.len(), 0);
    assert_eq!(n1.crashes_seen, 1);
    assert_eq!(losses(&k, LossReason::ReceiverDown), 2);
    assert_eq!(
        k.node(NodeId(0)).unwrap().fired,
        vec![1],
        "the live node's timer fired"
    );

    k.apply(Fault::Restart(NodeId(1))).unwrap();
    assert!(k.is_up(NodeId(1)));
    assert_eq!(
        k.node(NodeId(1)).unwrap().starts,
        2,
        "durable state survives, on_start ran again"
    );
    k.run_until(SimTime::from_millis(40));
    assert_eq!(
        k.node(NodeId(1)).unwrap().fired,
        vec![2],
        "only the new incarnation's timer fires"
    );
    send(&mut k, 0, 1, 3);
    settle(&mut k);
    assert_eq!(got(&k, 1), vec![(0, 3)]);
    let kinds: Vec<bool> = k
        .trace()
        .entries()
        .filter_map(|e| match e.event {
            TraceEvent::NodeCrashed(NodeId(1)) => Some(false),
            TraceEvent::NodeRestarted(NodeId(1)) => Some(true),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, vec![false, true]);
}

#[test]
fn a_message_to_a_node_that_restarts_in_flight_is_lost() {
    let mut k = kernel(2, SimTime::from_millis(10), SimTime::ZERO, 3);
    send(&mut k, 0, 1, 1);
    k.schedule(SimTime::from_millis(2), Fault::Crash(NodeId(1)));
    k.schedule(SimTime::from_millis(4), Fault::Restart(NodeId(1)));
    settle(&mut k);
    assert_eq!(got(&k, 1), vec![]);
    assert_eq!(losses(&k, LossReason::ReceiverRestarted), 1);
}

#[test]
fn faults_on_unknown_nodes_are_refused_without_panic() {
    let mut k = kernel(2, MS, SimTime::ZERO, 3);
    let before = k.trace().recorded();
    assert_eq!(
        k.apply(Fault::Crash(NodeId(9))),
        Err(FaultError::UnknownNode(NodeId(9)))
    );
    let cut = Fault::Cut {
        a: NodeId(0),
        b: NodeId(5),
        direction: Direction::Both,
    };
    assert_eq!(k.check_fault(&cut), Err(FaultError::UnknownNode(NodeId(5))));
    k.schedule(SimTime::from_millis(1), cut);
    settle(&mut k);
    let ignored = k
        .trace()
        .entries()
        .filter(|e| matches!(e.event, TraceEvent::FaultIgnored(_)))
        .count();
    assert_eq!(ignored, 2);
    assert!(k.trace().recorded() > before);
    assert!(k.is_up(NodeId(0)) && k.is_up(NodeId(1)));
}

#[test]
fn scheduled_faults_apply_at_their_time_in_order() {
    let mut k = kernel(2, MS, SimTime::ZERO, 3);
    k.schedule(SimTime::from_millis(50), Fault::Isolate(NodeId(1)));
    k.schedule(SimTime::from_millis(50), Fault::Heal);
    k.schedule(SimTime::from_millis(60), Fault::Isolate(NodeId(0)));
    k.run_until(SimTime::from_millis(55));
    assert!(
        !k.network().is_isolated(NodeId(1)),
        "heal, scheduled second, applies after isolate"
    );
    k.run_until(SimTime::from_millis(59));
    assert!(!k.network().is_isolated(NodeId(0)));
    k.run_until(SimTime::from_millis(60));
    assert!(k.network().is_isolated(NodeId(0)));
    assert_eq!(k.now(), SimTime::from_millis(60));
}

#[test]
fn slow_link_delays_and_clone_is_a_snapshot() {
    let mut k = kernel(2, MS, SimTime::from_micros(300), 8);
    let latency = SimTime::from_millis(40);
    k.apply(Fault::Slow {
        a: NodeId(0),
        b: NodeId(1),
        latency,
        direction: Direction::OneWay,
    })
    .unwrap();
    send(&mut k, 0, 1, 1);
    send(&mut k, 1, 0, 2);
    let mut snap = k.clone();
    settle(&mut k);
    settle(&mut snap);
    let rx = &k.node(NodeId(1)).unwrap().received;
    assert!(rx[0].0 >= latency, "slow link delivered at {:?}", rx[0].0);
    assert!(k.node(NodeId(0)).unwrap().received[0].0 < SimTime::from_millis(2));
    assert_eq!(k.trace_hash(), snap.trace_hash());
    assert_eq!(k.events_processed(), snap.events_processed());
}

#[test]
fn a_crash_resets_the_connections_of_peers_that_can_reach_it_and_a_start_learns_who_is_down() {
    let mut k = kernel(4, MS, SimTime::ZERO, 1);
    k.run_until(SimTime::from_millis(5));
    // Node 3 cannot hear node 1: a cut link carries no reset.
    k.apply(Fault::Cut {
        a: NodeId(1),
        b: NodeId(3),
        direction: Direction::OneWay,
    })
    .expect("nodes exist");
    k.apply(Fault::Crash(NodeId(1))).expect("node 1 exists");
    let peers = |k: &Kernel<Toy>, n: u32| k.node(NodeId(n)).expect("node").peers.clone();
    let at = SimTime::from_millis(5);
    assert_eq!(peers(&k, 0), vec![(at, NodeId(1), false)]);
    assert_eq!(peers(&k, 2), vec![(at, NodeId(1), false)]);
    assert_eq!(peers(&k, 3), vec![]);
    assert_eq!(peers(&k, 1), vec![], "the dead node hears nothing");
    // A node starting while 1 is down is told before it starts.
    k.apply(Fault::Crash(NodeId(2))).expect("node 2 exists");
    k.run_until(SimTime::from_millis(8));
    k.apply(Fault::Restart(NodeId(2))).expect("node 2 exists");
    let p2 = peers(&k, 2);
    assert_eq!(
        p2.last(),
        Some(&(SimTime::from_millis(8), NodeId(1), false)),
        "{p2:?}"
    );
    // A restart is announced to every live peer, cut or not.
    k.apply(Fault::Restart(NodeId(1))).expect("node 1 exists");
    for n in [0, 2, 3] {
        assert_eq!(
            peers(&k, n).last(),
            Some(&(SimTime::from_millis(8), NodeId(1), true)),
            "node {n}"
        );
    }
}
