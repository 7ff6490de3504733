//! The metrics tab: SVG charts over simulated time from the core's [`MetricSample`]s.
//!
//! Four charts share the time axis: throughput (produce and acknowledged rate), p99 latency, lag, and
//! the lost / duplicated / skipped records. Rebalances are dashed vertical markers on each. The paths
//! are computed once per new sample (memoized) and downsampled to the chart's pixel width.

use std::rc::Rc;

use kafka_sim::view::MetricSample;
use yew::prelude::*;

use super::axis::{Point, downsample, fmt, path, tick_label, ticks};
use crate::i18n::{Key, Lang, msg, t};

/// Chart width in SVG units (one unit is one CSS pixel at the natural size).
const WIDTH: f64 = 640.0;
/// Chart height.
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;
const PLOT_W: f64 = WIDTH - LEFT - RIGHT;
const PLOT_H: f64 = HEIGHT - TOP - BOTTOM;

/// Properties of [`MetricsCharts`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct MetricsChartsProps {
    /// The samples, oldest first (`sim.metrics()`); hand a new `Rc` only when `SimView::metric_count` grew.
    pub samples: Rc<Vec<MetricSample>>,
    /// The page's language.
    pub lang: Lang,
}

/// A series to draw: its legend, its CSS class, and its value in a sample.
type SeriesSpec<'a> = (Key, &'static str, &'a dyn Fn(&MetricSample) -> Option<f64>);

/// One line of a chart.
#[derive(Debug, PartialEq)]
struct Line {
    label: Key,
    class: &'static str,
    d: String,
}

/// One chart's geometry, in SVG units.
#[derive(Debug, PartialEq)]
struct Chart {
    title: Key,
    unit: Key,
    y_ticks: Vec<f64>,
    lines: Vec<Line>,
}

/// Everything the charts draw: computed once per new sample.
#[derive(Debug, PartialEq)]
struct Geometry {
    x_ticks: Vec<(f64, f64)>,
    rebalances: Vec<(f64, f64, u64)>,
    charts: Vec<Chart>,
}

fn geometry(samples: &[MetricSample]) -> Geometry {
    let t0 = samples.first().map_or(0.0, |s| s.at.as_secs_f64() - 1.0).max(0.0);
    let t1 = samples.last().map_or(1.0, |s| s.at.as_secs_f64()).max(t0 + 1.0);
    let x = |t: f64| LEFT + (t - t0) / (t1 - t0) * PLOT_W;
    let step = super::axis::nice_step(t1 - t0, 6);
    let mut x_ticks = Vec::new();
    let mut tick = (t0 / step).ceil() * step;
    while tick <= t1 + 1e-9 {
        x_ticks.push((x(tick), tick));
        tick += step;
    }
    let rebalances = (samples.iter())
        .filter(|s| s.rebalances > 0)
        .map(|s| (x(s.at.as_secs_f64()), s.at.as_secs_f64(), s.rebalances))
        .collect();

    let chart = |title: Key, unit: Key, series: &[SeriesSpec<'_>]| {
        let columns: Vec<Vec<Point>> = (series.iter())
            .map(|(_, _, value)| {
                let points: Vec<Point> = (samples.iter())
                    .map(|s| (x(s.at.as_secs_f64()), value(s).filter(|v| v.is_finite())))
                    .collect();
                downsample(&points)
            })
            .collect();
        let max = (columns.iter().flatten())
            .filter_map(|p| p.1)
            .fold(0.0_f64, f64::max);
        let y_ticks = ticks(max, 4);
        let top = y_ticks.last().copied().unwrap_or(1.0).max(1e-9);
        let y = |v: f64| TOP + PLOT_H - (v / top) * PLOT_H;
        let lines = (series.iter().zip(columns.iter()))
            .map(|((label, class, _), points)| Line {
                label: *label,
                class,
                d: path(points, y),
            })
            .collect();
        Chart {
            title,
            unit,
            y_ticks,
            lines,
        }
    };
    let charts = vec![
        chart(
            Key::Throughput,
            Key::AxisRecordsPerSecond,
            &[
                (Key::ProduceRate, "series-produce", &|s| Some(s.produce_rate)),
                (Key::AckedRate, "series-acked", &|s| Some(s.acked_rate)),
            ],
        ),
        chart(
            Key::P99Latency,
            Key::AxisMilliseconds,
            &[(Key::P99Latency, "series-latency", &|s| s.p99_latency_ms)],
        ),
        chart(
            Key::Lag,
            Key::AxisRecords,
            &[(Key::Lag, "series-lag", &|s| s.total_lag.map(|l| l as f64))],
        ),
        chart(
            Key::LossChart,
            Key::AxisRecords,
            &[
                (Key::LostRecords, "series-lost", &|s| Some(s.lost as f64)),
                (Key::DuplicatedRecords, "series-duplicated", &|s| {
                    Some(s.duplicated as f64)
                }),
                (Key::SkippedRecords, "series-skipped", &|s| Some(s.skipped as f64)),
            ],
        ),
    ];
    Geometry {
        x_ticks,
        rebalances,
        charts,
    }
}

/// The metrics charts. Each is an `img` SVG named by its title, with labelled axes (simulated seconds
/// across, the unit up the side), a legend in words, lines told apart by dash pattern as well as
/// colour, and a marker (a dashed line and a triangle, titled "Rebalance at 21 s") per rebalance.
#[component]
pub fn MetricsCharts(props: &MetricsChartsProps) -> Html {
    let samples = props.samples.clone();
    let key = (
        samples.len(),
        samples.first().map(|s| s.at),
        samples.last().map(|s| s.at),
    );
    let geo = use_memo(key, move |_| geometry(&samples));
    let lang = props.lang;
    if props.samples.is_empty() {
        return html! { <p class="empty metrics-empty">{ t(lang, Key::NoMetrics) }</p> };
    }
    let charts = geo.charts.iter().map(|c| chart_svg(c, &geo, lang));
    html! { <div class="metrics">{ for charts }</div> }
}

fn chart_svg(c: &Chart, geo: &Geometry, lang: Lang) -> Html {
    let title = t(lang, c.title);
    let top = c.y_ticks.last().copied().unwrap_or(1.0).max(1e-9);
    let y = |v: f64| TOP + PLOT_H - (v / top) * PLOT_H;
    let base = TOP + PLOT_H;
    let y_ticks = c.y_ticks.iter().map(|&v| {
        html! {
            <g class="tick">
                <line class="grid" x1={fmt(LEFT)} x2={fmt(LEFT + PLOT_W)} y1={fmt(y(v))} y2={fmt(y(v))} />
                <text x={fmt(LEFT - 6.0)} y={fmt(y(v))} text-anchor="end" dominant-baseline="middle">
                    { tick_label(v) }
                </text>
            </g>
        }
    });
    let x_ticks = geo.x_ticks.iter().map(|&(x, secs)| {
        html! {
            <g class="tick">
                <line x1={fmt(x)} x2={fmt(x)} y1={fmt(base)} y2={fmt(base + 4.0)} />
                <text x={fmt(x)} y={fmt(base + 15.0)} text-anchor="middle">{ tick_label(secs) }</text>
            </g>
        }
    });
    let markers = geo.rebalances.iter().map(|&(x, secs, n)| {
        let label = format!(
            "{} · {} ({})",
            t(lang, Key::Rebalance),
            msg::seconds(lang, (secs * 1000.0) as u64),
            n
        );
        html! {
            <g class="rebalance-marker">
                <title>{ label }</title>
                <line x1={fmt(x)} x2={fmt(x)} y1={fmt(TOP)} y2={fmt(base)} />
                <path d={format!("M{} {}l-5 -8h10z", fmt(x), fmt(TOP + 8.0))} />
            </g>
        }
    });
    let lines = c.lines.iter().map(|l| {
        html! {
            <path class={classes!("series", l.class)} d={l.d.clone()}>
                <title>{ t(lang, l.label) }</title>
            </path>
        }
    });
    let legend = c.lines.iter().map(|l| {
        html! {
            <li>
                <svg class="swatch" width="28" height="10" aria-hidden="true">
                    <line class={classes!("series", l.class)} x1="1" x2="27" y1="5" y2="5" />
                </svg>
                { t(lang, l.label) }
            </li>
        }
    });
    let rebalance_legend = (!geo.rebalances.is_empty()).then(|| {
        html! {
            <li>
                <svg class="swatch" width="28" height="10" aria-hidden="true">
                    <g class="rebalance-marker"><line x1="14" x2="14" y1="0" y2="10" /></g>
                </svg>
                { t(lang, Key::Rebalances) }
            </li>
        }
    });
    html! {
        <figure class="metric-chart">
            <figcaption>{ title }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={title}
                 preserveAspectRatio="xMidYMid meet">
                <title>{ title }</title>
                <g class="axis y-axis">{ for y_ticks }</g>
                <g class="axis x-axis">
                    <line x1={fmt(LEFT)} x2={fmt(LEFT + PLOT_W)} y1={fmt(base)} y2={fmt(base)} />
                    { for x_ticks }
                </g>
                <text class="axis-label" x={fmt(LEFT + PLOT_W / 2.0)} y={fmt(HEIGHT - 4.0)} text-anchor="middle">
                    { t(lang, Key::AxisSimulatedSeconds) }
                </text>
                <text class="axis-label" text-anchor="middle"
                      transform={format!("translate(14 {}) rotate(-90)", fmt(TOP + PLOT_H / 2.0))}>
                    { t(lang, c.unit) }
                </text>
                <g class="markers">{ for markers }</g>
                <g class="lines">{ for lines }</g>
            </svg>
            <ul class="legend">{ for legend }{ for rebalance_legend }</ul>
        </figure>
    }
}
