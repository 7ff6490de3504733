//! Messages in flight: which to draw (thinned to a cap, the interesting kinds first), how each kind
//! looks (a shape and a colour: colour is never the only signal), and the legend.

use kafka_sim::view::{FlightView, MessageKind};
use yew::prelude::*;

use crate::i18n::{Key, Lang, msg, t};
use crate::layout::{Layout, num};

/// How many messages the picture draws at most, by default. Past it the picture thins out (the
/// simulation does not).
pub const DEFAULT_MAX_FLIGHTS: usize = 200;

/// How many priority classes [`priority`] has.
const PRIORITIES: usize = 7;

/// How much a kind is worth drawing when the picture must thin out: 0 first. Rare messages that tell
/// the story (heartbeats, commits, rebalances, the controller's) are kept; the floods (produce,
/// fetches) are thinned evenly.
pub fn priority(kind: MessageKind) -> usize {
    match kind {
        MessageKind::Heartbeat | MessageKind::Commit | MessageKind::JoinSync => 0,
        MessageKind::Controller => 1,
        MessageKind::ProduceRequest | MessageKind::ProduceResponse => 2,
        MessageKind::FollowerFetch | MessageKind::FetchResponse => 3,
        MessageKind::ConsumerFetch => 4,
        MessageKind::Metadata | MessageKind::ZooKeeper => 5,
        MessageKind::Other => 6,
    }
}

/// The indices (ascending) of at most `cap` of `flights` to draw: every message of the most
/// interesting kinds first ([`priority`]); within the class where the cap runs out, an evenly spaced
/// subset, so the thinned flood still covers every link.
pub fn thin_flights(flights: &[FlightView], cap: usize) -> Vec<usize> {
    if flights.len() <= cap {
        return (0..flights.len()).collect();
    }
    let mut counts = [0usize; PRIORITIES];
    for f in flights {
        counts[priority(f.kind)] += 1;
    }
    let mut quota = [0usize; PRIORITIES];
    let mut left = cap;
    for (q, c) in quota.iter_mut().zip(counts) {
        *q = c.min(left);
        left -= *q;
    }
    let mut seen = [0usize; PRIORITIES];
    let mut out = Vec::with_capacity(cap);
    for (i, f) in flights.iter().enumerate() {
        let p = priority(f.kind);
        let (k, q, c) = (seen[p], quota[p], counts[p]);
        seen[p] += 1;
        // Exactly `q` of the `c` values of k make floor(k q / c) step up.
        if q == c || (k + 1) * q / c != k * q / c {
            out.push(i);
        }
    }
    out
}

/// How a kind is drawn: its CSS class and the glyph (an id in the picture's `<defs>`).
pub fn style(kind: MessageKind) -> (&'static str, &'static str) {
    match kind {
        MessageKind::ProduceRequest => ("k-produce", "#fk-filled-circle"),
        MessageKind::ProduceResponse => ("k-produce-response", "#fk-ring"),
        MessageKind::FollowerFetch => ("k-follower-fetch", "#fk-filled-square"),
        MessageKind::ConsumerFetch => ("k-consumer-fetch", "#fk-filled-square"),
        MessageKind::FetchResponse => ("k-fetch-response", "#fk-hollow-square"),
        MessageKind::Heartbeat => ("k-heartbeat", "#fk-diamond"),
        MessageKind::Commit => ("k-commit", "#fk-triangle"),
        MessageKind::JoinSync => ("k-join", "#fk-triangle-down"),
        MessageKind::Metadata | MessageKind::Controller | MessageKind::ZooKeeper | MessageKind::Other => {
            ("k-other", "#fk-dot")
        }
    }
}

/// The legend's entries: a representative kind and its name.
const LEGEND: [(MessageKind, Key); 9] = [
    (MessageKind::ProduceRequest, Key::LegendProduceRequest),
    (MessageKind::ProduceResponse, Key::LegendProduceResponse),
    (MessageKind::FollowerFetch, Key::LegendFollowerFetch),
    (MessageKind::ConsumerFetch, Key::LegendConsumerFetch),
    (MessageKind::FetchResponse, Key::LegendFetchResponse),
    (MessageKind::Heartbeat, Key::Heartbeat),
    (MessageKind::Commit, Key::LegendCommit),
    (MessageKind::JoinSync, Key::LegendJoinSync),
    (MessageKind::Other, Key::LegendOther),
];

/// The glyphs the flights and the legend use, centred on 0,0, plus the out-of-ISR hatching.
pub fn defs() -> Html {
    html! {
        <defs>
            <circle id="fk-filled-circle" r="5.5" />
            <circle id="fk-ring" r="4.5" class="hollow" />
            <rect id="fk-filled-square" x="-4.5" y="-4.5" width="9" height="9" />
            <rect id="fk-hollow-square" x="-4" y="-4" width="8" height="8" class="hollow" />
            <path id="fk-diamond" d="M0 -6L6 0L0 6L-6 0Z" />
            <path id="fk-triangle" d="M0 -6L6 5L-6 5Z" />
            <path id="fk-triangle-down" d="M0 6L6 -5L-6 -5Z" />
            <circle id="fk-dot" r="3" />
            <pattern id="hatch-out-of-isr" width="6" height="6" patternUnits="userSpaceOnUse"
                     patternTransform="rotate(45)">
                <line x1="0" y1="0" x2="0" y2="6" class="hatch-line" />
            </pattern>
        </defs>
    }
}

/// The messages in flight drawn on their links: at most `cap` (see [`thin_flights`]).
pub fn flights(layout: &Layout, in_flight: &[FlightView], cap: usize) -> Html {
    let drawn = thin_flights(in_flight, cap);
    let glyphs = drawn.into_iter().filter_map(|i| {
        let f = &in_flight[i];
        let p = layout.route(f.from, f.to)?.point_at(f.progress);
        let (class, glyph) = style(f.kind);
        Some(html! {
            <use href={glyph} class={classes!("flight", class)} x={num(p.x)} y={num(p.y)}>
                <title>{ f.label.clone() }</title>
            </use>
        })
    });
    html! { <g class="flights" aria-hidden="true">{ for glyphs }</g> }
}

/// The legend below the picture, with a note when the picture thinned the messages out.
pub fn legend(lang: Lang, shown: usize, total: usize) -> Html {
    let entries = LEGEND.iter().map(|(kind, key)| {
        let (class, glyph) = style(*kind);
        html! {
            <li>
                <svg class="legend-glyph" width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
                    <use href={glyph} class={classes!("flight-glyph", class)} />
                </svg>
                { t(lang, *key) }
            </li>
        }
    });
    let note = (shown < total).then(|| {
        html! { <p class="flights-shown">{ msg::flights_shown(lang, shown as u64, total as u64) }</p> }
    });
    html! {
        <div class="cluster-legend">
            <h3 class="legend-title">{ t(lang, Key::MessagesInFlight) }</h3>
            <ul aria-label={t(lang, Key::MessagesInFlight)}>{ for entries }</ul>
            { for note }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::{NodeId, SimTime};

    fn flight(kind: MessageKind) -> FlightView {
        FlightView {
            from: NodeId(1),
            to: NodeId(2),
            sent_at: SimTime::ZERO,
            deliver_at: SimTime::from_millis(1),
            label: format!("{kind:?}"),
            kind,
            progress: 0.5,
        }
    }

    #[test]
    fn under_the_cap_everything_is_drawn() {
        let fs = vec![flight(MessageKind::ProduceRequest); 5];
        assert_eq!(thin_flights(&fs, 10), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn over_the_cap_the_rare_kinds_stay_and_the_flood_is_thinned_evenly() {
        let mut fs = vec![flight(MessageKind::FollowerFetch); 1000];
        fs[500] = flight(MessageKind::Heartbeat);
        fs[999] = flight(MessageKind::Commit);
        fs.push(flight(MessageKind::ProduceRequest));
        let drawn = thin_flights(&fs, 200);
        assert_eq!(drawn.len(), 200);
        assert!(drawn.windows(2).all(|w| w[0] < w[1]));
        assert!(drawn.contains(&500) && drawn.contains(&999) && drawn.contains(&1000));
        // The fetches left are spread over the whole list, not its first 197.
        let fetches: Vec<usize> = drawn.iter().copied().filter(|&i| i < 999 && i != 500).collect();
        assert_eq!(fetches.len(), 197);
        assert!(
            *fetches.first().unwrap() < 10 && *fetches.last().unwrap() > 980,
            "{fetches:?}"
        );
    }

    #[test]
    fn every_kind_has_a_shape_and_a_class() {
        for (kind, _) in LEGEND {
            let (class, glyph) = style(kind);
            assert!(class.starts_with("k-") && glyph.starts_with("#fk-"));
        }
        assert_eq!(style(MessageKind::Metadata), style(MessageKind::Other));
    }
}
