//! Where things go in the cluster picture. Pure geometry, no drawing.
//!
//! Three rows, top to bottom: ZooKeeper; the brokers side by side (tall boxes: each holds its partition
//! replicas); the clients (producers on the left, then each consumer group's members). Links run from
//! the bottom edge of the upper node to the top edge of the lower one; links between brokers arc above
//! them, through the band between ZooKeeper and the brokers. A message in flight sits on its link at its
//! progress ([`Route::point_at`]).

use kafka_sim::{NodeId, NodeKind, SimTime, SimView};

/// Width of a broker's box.
pub const BROKER_WIDTH: f64 = 300.0;
/// Height of a broker's header (name, state, session), above its replica rows.
pub const BROKER_HEADER: f64 = 56.0;
/// Width of the ZooKeeper box.
pub const ZK_WIDTH: f64 = 200.0;
/// Height of the ZooKeeper box.
pub const ZK_HEIGHT: f64 = 56.0;
/// Width of a client's (producer's or consumer's) box.
pub const CLIENT_WIDTH: f64 = 150.0;
/// Height of a client's box.
pub const CLIENT_HEIGHT: f64 = 50.0;
/// The narrowest picture.
pub const MIN_WIDTH: f64 = 960.0;

const MARGIN: f64 = 24.0;
const BROKER_GAP: f64 = 32.0;
const CLIENT_GAP: f64 = 16.0;
/// Extra space between groups of clients (producers, then each consumer group).
const GROUP_GAP: f64 = 36.0;
const ZK_TOP: f64 = 16.0;
const BROKER_TOP: f64 = 164.0;
/// Space between the brokers' bottom and the clients' top.
const CLIENT_BAND: f64 = 96.0;
/// Space under the clients, for the group labels.
const BOTTOM: f64 = 40.0;

/// A point in SVG coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Left to right.
    pub x: f64,
    /// Top to bottom.
    pub y: f64,
}

impl Point {
    /// The point `t` of the way from `self` to `to` (`t` is clamped to `0.0..=1.0`).
    pub fn lerp(self, to: Point, t: f64) -> Point {
        let t = clamp01(t);
        Point {
            x: self.x + (to.x - self.x) * t,
            y: self.y + (to.y - self.y) * t,
        }
    }
}

fn clamp01(t: f64) -> f64 {
    if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) }
}

/// Which row a node stands in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Row {
    /// ZooKeeper, at the top.
    ZooKeeper,
    /// The brokers.
    Brokers,
    /// Producers and consumers, at the bottom.
    Clients,
}

/// A node's box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeBox {
    /// The node.
    pub id: NodeId,
    /// Its row.
    pub row: Row,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl NodeBox {
    /// The centre.
    pub fn centre(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }
}

/// A consumer group's members, framed together.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupFrame {
    /// The group's index in the spec.
    pub group: u16,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// The path of a link: a straight line, or a quadratic curve through `control`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    /// Where it starts.
    pub from: Point,
    /// Where it ends.
    pub to: Point,
    /// The control point of a curve, `None` for a straight line.
    pub control: Option<Point>,
}

impl Route {
    /// The point `t` of the way along (clamped to `0.0..=1.0`).
    pub fn point_at(&self, t: f64) -> Point {
        let t = clamp01(t);
        match self.control {
            None => self.from.lerp(self.to, t),
            Some(c) => {
                let u = 1.0 - t;
                Point {
                    x: u * u * self.from.x + 2.0 * u * t * c.x + t * t * self.to.x,
                    y: u * u * self.from.y + 2.0 * u * t * c.y + t * t * self.to.y,
                }
            }
        }
    }

    /// The SVG path data (`M … L …` or `M … Q … …`).
    pub fn path(&self) -> String {
        let (f, t) = (self.from, self.to);
        match self.control {
            None => format!("M{} {}L{} {}", num(f.x), num(f.y), num(t.x), num(t.y)),
            Some(c) => format!(
                "M{} {}Q{} {} {} {}",
                num(f.x),
                num(f.y),
                num(c.x),
                num(c.y),
                num(t.x),
                num(t.y)
            ),
        }
    }
}

/// A link between two nodes, drawn under them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// One end (the lower node id).
    pub a: NodeId,
    /// The other end.
    pub b: NodeId,
    /// Whether one end is ZooKeeper (the sessions live on these links).
    pub to_zookeeper: bool,
    /// Its path.
    pub route: Route,
}

/// The position of every node of a view, and the picture's size.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    boxes: Vec<NodeBox>,
    groups: Vec<GroupFrame>,
    /// The picture's width.
    pub width: f64,
    /// The picture's height.
    pub height: f64,
}

impl Layout {
    /// Lays out the nodes of `view`; every broker box is `broker_body` tall below its header (room
    /// for its replica rows).
    pub fn of(view: &SimView, broker_body: f64) -> Layout {
        let brokers: Vec<NodeId> = view.brokers().map(|n| n.id).collect();
        let zks: Vec<NodeId> = (view.nodes.iter())
            .filter(|n| n.kind == NodeKind::ZooKeeper)
            .map(|n| n.id)
            .collect();
        let producers: Vec<NodeId> = (view.nodes.iter())
            .filter(|n| matches!(n.kind, NodeKind::Producer { .. }))
            .map(|n| n.id)
            .collect();
        // Consumers by group, in node order within each group.
        let mut groups: Vec<(u16, Vec<NodeId>)> = Vec::new();
        for n in &view.nodes {
            if let NodeKind::Consumer { group, .. } = n.kind {
                match groups.iter_mut().find(|(g, _)| *g == group) {
                    Some((_, members)) => members.push(n.id),
                    None => groups.push((group, vec![n.id])),
                }
            }
        }
        kafka_sim::sort::sort_by_key(&mut groups, |(g, _)| *g);

        let row_width = |n: usize, w: f64, gap: f64| n as f64 * w + n.saturating_sub(1) as f64 * gap;
        let brokers_w = row_width(brokers.len(), BROKER_WIDTH, BROKER_GAP);
        let client_sets: Vec<&[NodeId]> = std::iter::once(producers.as_slice())
            .chain(groups.iter().map(|(_, m)| m.as_slice()))
            .filter(|s| !s.is_empty())
            .collect();
        let clients_w = client_sets
            .iter()
            .map(|s| row_width(s.len(), CLIENT_WIDTH, CLIENT_GAP))
            .sum::<f64>()
            + client_sets.len().saturating_sub(1) as f64 * GROUP_GAP;
        let zk_w = row_width(zks.len(), ZK_WIDTH, BROKER_GAP);
        let width = (brokers_w.max(clients_w).max(zk_w) + 2.0 * MARGIN).max(MIN_WIDTH);
        let broker_h = BROKER_HEADER + broker_body.max(0.0);
        let clients_top = BROKER_TOP + broker_h + CLIENT_BAND;
        let height = if client_sets.is_empty() {
            BROKER_TOP + broker_h + MARGIN
        } else {
            clients_top + CLIENT_HEIGHT + BOTTOM
        };

        let mut boxes = Vec::with_capacity(view.nodes.len());
        let place = |boxes: &mut Vec<NodeBox>, ids: &[NodeId], row, left: f64, y, w, h, gap| {
            for (i, id) in ids.iter().enumerate() {
                boxes.push(NodeBox {
                    id: *id,
                    row,
                    x: left + i as f64 * (w + gap),
                    y,
                    w,
                    h,
                });
            }
        };
        let zk_left = (width - zk_w) / 2.0;
        place(
            &mut boxes,
            &zks,
            Row::ZooKeeper,
            zk_left,
            ZK_TOP,
            ZK_WIDTH,
            ZK_HEIGHT,
            BROKER_GAP,
        );
        let b_left = (width - brokers_w) / 2.0;
        place(
            &mut boxes,
            &brokers,
            Row::Brokers,
            b_left,
            BROKER_TOP,
            BROKER_WIDTH,
            broker_h,
            BROKER_GAP,
        );
        let mut left = (width - clients_w) / 2.0;
        let mut frames = Vec::new();
        let (cw, ch) = (CLIENT_WIDTH, CLIENT_HEIGHT);
        if !producers.is_empty() {
            place(
                &mut boxes,
                &producers,
                Row::Clients,
                left,
                clients_top,
                cw,
                ch,
                CLIENT_GAP,
            );
            left += row_width(producers.len(), cw, CLIENT_GAP) + GROUP_GAP;
        }
        for (group, members) in &groups {
            place(
                &mut boxes,
                members,
                Row::Clients,
                left,
                clients_top,
                cw,
                ch,
                CLIENT_GAP,
            );
            let w = row_width(members.len(), cw, CLIENT_GAP);
            frames.push(GroupFrame {
                group: *group,
                x: left - 8.0,
                y: clients_top - 8.0,
                w: w + 16.0,
                h: ch + 34.0,
            });
            left += w + GROUP_GAP;
        }
        Layout {
            boxes,
            groups: frames,
            width,
            height,
        }
    }

    /// Every node's box, ZooKeeper first, then the brokers, then the clients.
    pub fn boxes(&self) -> &[NodeBox] {
        &self.boxes
    }

    /// The frames around each consumer group's members.
    pub fn groups(&self) -> &[GroupFrame] {
        &self.groups
    }

    /// Node `id`'s box, if it is in the view.
    pub fn node(&self, id: NodeId) -> Option<&NodeBox> {
        self.boxes.iter().find(|b| b.id == id)
    }

    /// Where node `id`'s centre is, if it is in the view.
    pub fn position(&self, id: NodeId) -> Option<Point> {
        self.node(id).map(NodeBox::centre)
    }

    /// The path a message from `from` to `to` takes (from the sender's edge to the receiver's).
    pub fn route(&self, from: NodeId, to: NodeId) -> Option<Route> {
        let (a, b) = (self.node(from)?, self.node(to)?);
        Some(self.route_between(a, b))
    }

    fn route_between(&self, a: &NodeBox, b: &NodeBox) -> Route {
        let (ac, bc) = (a.centre(), b.centre());
        // Spread the ends along an edge by where the other end is, so links do not all meet at one point.
        let spread = |n: &NodeBox, other: f64| {
            let half = n.w / 2.0 - 12.0;
            (n.x + n.w / 2.0 + ((other - n.x - n.w / 2.0) / self.width * n.w).clamp(-half, half)).max(n.x)
        };
        if a.row == b.row {
            // Side by side: arc above both, through the band under ZooKeeper.
            let dir = if bc.x >= ac.x { 1.0 } else { -1.0 };
            let from = Point {
                x: ac.x + dir * a.w * 0.18,
                y: a.y,
            };
            let to = Point {
                x: bc.x - dir * b.w * 0.18,
                y: b.y,
            };
            let lift =
                (24.0 + 0.12 * (to.x - from.x).abs()).min(2.0 * (BROKER_TOP - ZK_TOP - ZK_HEIGHT - 16.0));
            let control = Point {
                x: (from.x + to.x) / 2.0,
                y: a.y.min(b.y) - lift,
            };
            return Route {
                from,
                to,
                control: Some(control),
            };
        }
        let (upper, lower, down) = if a.row < b.row {
            (a, b, true)
        } else {
            (b, a, false)
        };
        let top = Point {
            x: spread(upper, lower.centre().x),
            y: upper.y + upper.h,
        };
        let bottom = Point {
            x: spread(lower, upper.centre().x),
            y: lower.y,
        };
        let (from, to) = if down { (top, bottom) } else { (bottom, top) };
        Route {
            from,
            to,
            control: None,
        }
    }

    /// The links drawn: ZooKeeper to each broker, brokers to each other, each client to each broker.
    pub fn links(&self) -> Vec<Link> {
        let mut links = Vec::new();
        for (i, a) in self.boxes.iter().enumerate() {
            for b in &self.boxes[i + 1..] {
                // Every message runs to or from a broker.
                if a.row == Row::Brokers || b.row == Row::Brokers {
                    let (a, b) = if a.id <= b.id { (a, b) } else { (b, a) };
                    links.push(Link {
                        a: a.id,
                        b: b.id,
                        to_zookeeper: a.row == Row::ZooKeeper || b.row == Row::ZooKeeper,
                        route: self.route_between(a, b),
                    });
                }
            }
        }
        links
    }
}

/// How far along its link a message is at `now`: 0 when sent, 1 when delivered.
pub fn flight_progress(now: SimTime, sent_at: SimTime, deliver_at: SimTime) -> f64 {
    if deliver_at <= sent_at {
        return 1.0;
    }
    let done = now.saturating_sub(sent_at).as_micros() as f64;
    let total = (deliver_at - sent_at).as_micros() as f64;
    (done / total).clamp(0.0, 1.0)
}

/// An SVG number: two decimals at most, which keeps the DOM small and stable.
pub fn num(v: f64) -> String {
    let v = if v.is_finite() {
        // `+ 0.0` turns -0 into 0.
        (v * 100.0).round() / 100.0 + 0.0
    } else {
        0.0
    };
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::{SimSpec, Simulation};

    fn view(brokers: u32) -> SimView {
        Simulation::new(SimSpec {
            brokers,
            ..SimSpec::default()
        })
        .unwrap()
        .view()
    }

    fn overlap(a: &NodeBox, b: &NodeBox) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn zookeeper_above_the_brokers_above_the_clients() {
        let v = view(3);
        let layout = Layout::of(&v, 100.0);
        let zk = layout.node(v.nodes[0].id).unwrap();
        assert_eq!(zk.row, Row::ZooKeeper);
        for b in v.brokers() {
            let bb = layout.node(b.id).unwrap();
            assert_eq!(bb.row, Row::Brokers);
            assert!(
                bb.y > zk.y + zk.h + 40.0,
                "room for the controller badge and the arcs"
            );
        }
    }

    #[test]
    fn three_to_five_brokers_fit_without_overlap() {
        for n in 3..=5 {
            let v = view(n);
            let layout = Layout::of(&v, 180.0);
            let boxes = layout.boxes();
            assert_eq!(boxes.iter().filter(|b| b.row == Row::Brokers).count(), n as usize);
            for (i, a) in boxes.iter().enumerate() {
                assert!(a.x >= 0.0 && a.x + a.w <= layout.width, "{a:?}");
                assert!(a.y >= 0.0 && a.y + a.h <= layout.height, "{a:?}");
                for b in &boxes[i + 1..] {
                    assert!(!overlap(a, b), "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn links_join_box_edges_and_broker_links_arc_above() {
        let v = view(3);
        let layout = Layout::of(&v, 100.0);
        let links = layout.links();
        // ZooKeeper to 3 brokers, 3 broker pairs.
        assert_eq!(links.len(), 6);
        assert_eq!(links.iter().filter(|l| l.to_zookeeper).count(), 3);
        for l in &links {
            let (a, b) = (layout.node(l.a).unwrap(), layout.node(l.b).unwrap());
            if a.row == b.row {
                let c = l.route.control.expect("an arc");
                assert!(c.y < a.y && l.route.point_at(0.5).y < a.y);
                assert!(l.route.point_at(0.5).y > ZK_TOP + ZK_HEIGHT, "under ZooKeeper");
            } else {
                assert_eq!(l.route.from.y, a.y + a.h, "from the upper node's bottom");
                assert_eq!(l.route.to.y, b.y, "to the lower node's top");
            }
        }
    }

    #[test]
    fn a_route_runs_from_sender_to_receiver() {
        let v = view(3);
        let layout = Layout::of(&v, 100.0);
        let (zk, b1) = (v.nodes[0].id, v.brokers().next().unwrap().id);
        let down = layout.route(zk, b1).unwrap();
        let up = layout.route(b1, zk).unwrap();
        assert_eq!(down.from, up.to);
        assert_eq!(down.point_at(0.0), down.from);
        assert_eq!(down.point_at(1.0), down.to);
        assert!(down.path().starts_with('M'));
    }

    #[test]
    fn progress_is_clamped() {
        let (s, d) = (SimTime::from_millis(10), SimTime::from_millis(20));
        assert_eq!(flight_progress(SimTime::ZERO, s, d), 0.0);
        assert_eq!(flight_progress(SimTime::from_millis(15), s, d), 0.5);
        assert_eq!(flight_progress(SimTime::from_millis(30), s, d), 1.0);
        assert_eq!(flight_progress(s, d, s), 1.0);
    }

    #[test]
    fn lerp_and_curves_clamp() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 10.0, y: 20.0 });
        assert_eq!(a.lerp(b, 0.5), Point { x: 5.0, y: 10.0 });
        assert_eq!(a.lerp(b, 2.0), b);
        assert_eq!(a.lerp(b, f64::NAN), a);
        let arc = Route {
            from: a,
            to: Point { x: 10.0, y: 0.0 },
            control: Some(Point { x: 5.0, y: -10.0 }),
        };
        assert_eq!(arc.point_at(0.5), Point { x: 5.0, y: -5.0 });
        assert_eq!(num(1.23456), "1.23");
        assert_eq!(num(f64::NAN), "0");
    }
}
