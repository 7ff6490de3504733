//! Where things go in the cluster picture. Pure geometry, no drawing.
//!
//! ZooKeeper sits in the middle; the brokers stand on an ellipse around it (wider than tall, to
//! leave room for the links), the first at the top, going clockwise. Every pair of nodes is linked.

use std::f64::consts::{FRAC_PI_2, TAU};

use kafka_sim::{NodeId, NodeKind, SimTime, SimView};

/// Width of the SVG coordinate space.
pub const VIEW_WIDTH: f64 = 800.0;
/// Height of the SVG coordinate space.
pub const VIEW_HEIGHT: f64 = 460.0;
/// Width of a node's box.
pub const NODE_WIDTH: f64 = 168.0;
/// Height of a node's box.
pub const NODE_HEIGHT: f64 = 76.0;

const CENTRE: Point = Point {
    x: VIEW_WIDTH / 2.0,
    y: 290.0,
};
const RADIUS_X: f64 = 280.0;
const RADIUS_Y: f64 = 220.0;

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
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        Point {
            x: self.x + (to.x - self.x) * t,
            y: self.y + (to.y - self.y) * t,
        }
    }
}

/// A link between two nodes, drawn as a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// One end.
    pub a: NodeId,
    /// The other end.
    pub b: NodeId,
    /// Whether one end is ZooKeeper (drawn stronger: the sessions live on these links).
    pub to_zookeeper: bool,
}

/// The position of every node of a view.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    positions: Vec<(NodeId, Point, bool)>,
}

impl Layout {
    /// Lays out the nodes of `view`.
    pub fn of(view: &SimView) -> Layout {
        let is_zk = |kind: &NodeKind| matches!(kind, NodeKind::ZooKeeper);
        let centre: Vec<NodeId> = view
            .nodes
            .iter()
            .filter(|n| is_zk(&n.kind))
            .map(|n| n.id)
            .collect();
        let ring: Vec<NodeId> = view
            .nodes
            .iter()
            .filter(|n| !is_zk(&n.kind))
            .map(|n| n.id)
            .collect();
        let mut positions = Vec::with_capacity(view.nodes.len());
        // Several ZooKeeper nodes (not in the seed) would stand side by side in the middle.
        let spread = NODE_WIDTH + 16.0;
        let first = CENTRE.x - spread * (centre.len().saturating_sub(1)) as f64 / 2.0;
        for (i, id) in centre.into_iter().enumerate() {
            positions.push((
                id,
                Point {
                    x: first + spread * i as f64,
                    y: CENTRE.y,
                },
                true,
            ));
        }
        let n = ring.len().max(1) as f64;
        for (i, id) in ring.into_iter().enumerate() {
            let angle = -FRAC_PI_2 + TAU * i as f64 / n;
            let p = Point {
                x: CENTRE.x + RADIUS_X * angle.cos(),
                y: CENTRE.y + RADIUS_Y * angle.sin(),
            };
            positions.push((id, p, false));
        }
        Layout { positions }
    }

    /// Where node `id` is drawn, if it is in the view.
    pub fn position(&self, id: NodeId) -> Option<Point> {
        self.positions
            .iter()
            .find(|(n, _, _)| *n == id)
            .map(|(_, p, _)| *p)
    }

    /// Every pair of nodes, each once.
    pub fn links(&self) -> Vec<Link> {
        let mut links = Vec::new();
        for (i, (a, _, a_zk)) in self.positions.iter().enumerate() {
            for (b, _, b_zk) in &self.positions[i + 1..] {
                links.push(Link {
                    a: *a,
                    b: *b,
                    to_zookeeper: *a_zk || *b_zk,
                });
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

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::{SimSpec, Simulation};

    fn view() -> SimView {
        Simulation::new(SimSpec::default()).unwrap().view()
    }

    #[test]
    fn zookeeper_is_in_the_middle_and_brokers_around_it() {
        let v = view();
        let layout = Layout::of(&v);
        let zk = v.nodes.iter().find(|n| n.kind == NodeKind::ZooKeeper).unwrap();
        assert_eq!(layout.position(zk.id), Some(CENTRE));
        for b in v.brokers() {
            let p = layout.position(b.id).unwrap();
            let d = ((p.x - CENTRE.x) / RADIUS_X).powi(2) + ((p.y - CENTRE.y) / RADIUS_Y).powi(2);
            assert!((d - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn every_node_box_fits_in_the_picture() {
        let v = view();
        let layout = Layout::of(&v);
        for n in &v.nodes {
            let p = layout.position(n.id).unwrap();
            assert!(p.x - NODE_WIDTH / 2.0 >= 0.0 && p.x + NODE_WIDTH / 2.0 <= VIEW_WIDTH);
            // Room above for the controller badge.
            assert!(p.y - NODE_HEIGHT / 2.0 >= 20.0 && p.y + NODE_HEIGHT / 2.0 <= VIEW_HEIGHT);
        }
    }

    #[test]
    fn four_nodes_have_six_links() {
        let layout = Layout::of(&view());
        assert_eq!(layout.links().len(), 6);
        assert_eq!(layout.links().iter().filter(|l| l.to_zookeeper).count(), 3);
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
    fn lerp_clamps() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 10.0, y: 20.0 });
        assert_eq!(a.lerp(b, 0.5), Point { x: 5.0, y: 10.0 });
        assert_eq!(a.lerp(b, 2.0), b);
        assert_eq!(a.lerp(b, f64::NAN), a);
    }
}
