//! One partition replica inside its broker's box, on three lines sized to stay readable when the
//! picture is scaled down to the page's column: the partition and its role; the strip of its last
//! offsets with the HW and LEO marks and its ISR tag; the HW and LEO in numbers. Under them, the
//! records the latest truncation removed, struck out at their offsets.

use kafka_sim::view::{ReplicaRoleView, ReplicaView, StruckRange};
use yew::prelude::*;

use crate::i18n::{Key, Lang, msg, t};
use crate::layout::num;

/// How many cells a strip has (the core's `STRIP_LEN`: the last offsets of the log).
pub const STRIP_CELLS: i64 = 16;
/// Height of a replica's row (three lines).
pub const ROW_HEIGHT: f64 = 58.0;
/// Extra height of a row that shows struck-out records.
pub const STRUCK_HEIGHT: f64 = 30.0;

const CELL_W: f64 = 12.0;
const CELL_H: f64 = 12.0;
const PAD: f64 = 10.0;
/// The first line's baseline (partition and role, 15px text).
const NAME_BASE: f64 = 15.0;
const STRIP_TOP: f64 = 22.0;
/// The third line's baseline (HW and LEO, 13px text).
const MARKS_BASE: f64 = 51.0;
/// About how wide a character of the partition's name is (15px monospace, bold).
const NAME_CHAR_W: f64 = 9.2;

/// Whether a replica belongs to one of Kafka's internal topics (`__consumer_offsets`), hidden by default.
pub fn is_internal(r: &ReplicaView) -> bool {
    r.topic.starts_with("__")
}

/// The truncation a row draws struck out: the latest.
fn latest_struck(r: &ReplicaView) -> Option<&StruckRange> {
    r.struck.last()
}

/// The height of a replica's row.
pub fn row_height(r: &ReplicaView) -> f64 {
    ROW_HEIGHT
        + if latest_struck(r).is_some() {
            STRUCK_HEIGHT
        } else {
            0.0
        }
}

/// The replica's role in words (the leader with a crown glyph as well).
fn role_text(lang: Lang, r: &ReplicaView) -> String {
    match r.role {
        ReplicaRoleView::Leader if r.leader => format!("♛ {}", t(lang, Key::Leader)),
        ReplicaRoleView::Leader => t(lang, Key::Leader).to_string(),
        ReplicaRoleView::Follower => t(lang, Key::Follower).to_string(),
        ReplicaRoleView::NoLeader => t(lang, Key::NoLeader).to_string(),
        ReplicaRoleView::Offline => t(lang, Key::Offline).to_string(),
    }
}

/// Draws replica `r` in a row whose top-left corner is `(x, y)`, `w` wide.
pub fn replica_row(lang: Lang, r: &ReplicaView, x: f64, y: f64, w: f64) -> Html {
    let name = format!("{}-{}", r.topic, r.partition);
    let isr = if r.in_isr {
        t(lang, Key::Isr)
    } else {
        t(lang, Key::OutOfIsr)
    };
    let marks = format!(
        "{} {} · {} {}",
        t(lang, Key::Hw),
        r.high_watermark,
        t(lang, Key::Leo),
        r.log_end_offset
    );
    let role = role_text(lang, r);
    let class = classes!(
        "replica",
        r.leader.then_some("replica-leader"),
        (!r.in_isr).then_some("replica-out-of-isr"),
        (r.role == ReplicaRoleView::Offline).then_some("replica-offline"),
    );
    let leo = r.log_end_offset;
    let first = leo - STRIP_CELLS;
    let x0 = x + PAD;
    let cell_x = |offset: i64| x0 + (offset - first) as f64 * CELL_W;
    let strip_y = y + STRIP_TOP;
    let cells = r
        .strip
        .iter()
        .filter(|c| c.offset >= first && c.offset < leo)
        .map(|c| {
            let class = if c.committed {
                "cell cell-committed"
            } else {
                "cell cell-pending"
            };
            html! {
                <rect {class} x={num(cell_x(c.offset))} y={num(strip_y)} width={num(CELL_W - 1.5)}
                      height={num(CELL_H)} />
            }
        });
    let hw_x = cell_x(r.high_watermark.clamp(first, leo)) - 0.75;
    let leo_x = cell_x(leo) - 0.75;
    let strip_end = cell_x(leo);
    let (tag_x, struck_y) = (strip_end + 8.0, y + ROW_HEIGHT - 2.0);
    let role_x = x0 + name.chars().count() as f64 * NAME_CHAR_W + 10.0;
    let title = format!(
        "{name}: {role}, {isr}, {marks}{}",
        latest_struck(r)
            .map(|s| format!(", {}", struck_label(lang, s)))
            .unwrap_or_default()
    );
    let out_bg = (!r.in_isr).then(|| {
        html! {
            <rect class="replica-out-bg" x={num(x + 3.0)} y={num(y + 1.0)} width={num(w - 6.0)}
                  height={num(row_height(r) - 2.0)} fill="url(#hatch-out-of-isr)" />
        }
    });
    let struck = latest_struck(r).map(|s| {
        // Aligned under their offsets when still in the strip's window; else (the log has moved on)
        // the last of them, left-aligned: either way visibly there, and struck through.
        let (from, to) = struck_cells(s, first, leo);
        let start = if s.from_offset.max(first) < s.to_offset.min(leo) {
            cell_x(from)
        } else {
            x0
        };
        let ghosts = (0..to - from).map(|i| {
            html! {
                <rect class="cell cell-struck" x={num(start + i as f64 * CELL_W)} y={num(struck_y)}
                      width={num(CELL_W - 1.5)} height={num(CELL_H)} />
            }
        });
        let (sx, ex, my) = (
            start - 1.0,
            start + (to - from) as f64 * CELL_W + 1.0,
            struck_y + CELL_H / 2.0,
        );
        html! {
            <g class="struck">
                { for ghosts }
                <line class="strike" x1={num(sx)} y1={num(my)} x2={num(ex)} y2={num(my)} />
                <text class="struck-label" x={num(x0)} y={num(struck_y + CELL_H + 14.0)}>
                    { format!("✂ {}", struck_label(lang, s)) }
                </text>
            </g>
        }
    });
    html! {
        <g {class}>
            <title>{ title }</title>
            { for out_bg }
            <text class="replica-name" x={num(x0)} y={num(y + NAME_BASE)}>{ name.clone() }</text>
            <text class="replica-role" x={num(role_x)} y={num(y + NAME_BASE)}>{ role }</text>
            <text class="replica-marks" x={num(x0)} y={num(y + MARKS_BASE)}>{ marks }</text>
            <rect class="strip-track" x={num(x0 - 1.0)} y={num(strip_y - 1.0)}
                  width={num(STRIP_CELLS as f64 * CELL_W + 0.5)} height={num(CELL_H + 2.0)} />
            { for cells }
            <line class="mark-hw" x1={num(hw_x)} y1={num(strip_y - 4.0)} x2={num(hw_x)}
                  y2={num(strip_y + CELL_H + 4.0)} />
            <line class="mark-leo" x1={num(leo_x)} y1={num(strip_y - 4.0)} x2={num(leo_x)}
                  y2={num(strip_y + CELL_H + 4.0)} />
            <text class={if r.in_isr { "isr-tag isr-in" } else { "isr-tag isr-out" }}
                  x={num(tag_x)} y={num(strip_y + CELL_H - 1.0)} textLength={tag_fit(isr, x + w - PAD - tag_x)}
                  lengthAdjust="spacingAndGlyphs">{ isr }</text>
            { for struck }
        </g>
    }
}

/// A `textLength` squeezing the ISR tag into `room` when its 13px bold text would not fit.
fn tag_fit(tag: &str, room: f64) -> Option<String> {
    (tag.chars().count() as f64 * 7.6 > room).then(|| num(room))
}

/// The offsets of a truncation drawn as struck cells: those still in the strip's window
/// `first..leo`, or else the last [`STRIP_CELLS`] removed.
pub fn struck_cells(s: &StruckRange, first: i64, leo: i64) -> (i64, i64) {
    let (from, to) = (s.from_offset.max(first), s.to_offset.min(leo));
    if from < to {
        (from, to)
    } else {
        (
            (s.to_offset - STRIP_CELLS).max(s.from_offset),
            s.to_offset.max(s.from_offset),
        )
    }
}

fn struck_label(lang: Lang, s: &StruckRange) -> String {
    msg::truncated(lang, s.records, s.from_offset, s.to_offset - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::SimTime;

    fn range(from: i64, to: i64) -> StruckRange {
        StruckRange {
            at: SimTime::ZERO,
            from_offset: from,
            to_offset: to,
            records: (to - from) as u64,
        }
    }

    #[test]
    fn struck_cells_sit_under_their_offsets_while_in_the_window() {
        // Window 84..100: offsets 90..95 were removed and rewritten.
        assert_eq!(struck_cells(&range(90, 95), 84, 100), (90, 95));
        // Partly before the window: only the part inside.
        assert_eq!(struck_cells(&range(70, 88), 84, 100), (84, 88));
    }

    #[test]
    fn old_struck_records_show_their_last_sixteen() {
        assert_eq!(struck_cells(&range(100, 500), 984, 1000), (484, 500));
        assert_eq!(struck_cells(&range(100, 103), 984, 1000), (100, 103));
    }
}
