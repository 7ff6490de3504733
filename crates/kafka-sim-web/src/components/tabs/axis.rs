//! Small helpers the SVG tabs share: number formatting, axis ticks, downsampling.

/// An SVG number: two decimals at most, which keeps the DOM small and stable.
pub fn fmt(v: f64) -> String {
    let v = if v.is_finite() {
        (v * 100.0).round() / 100.0
    } else {
        0.0
    };
    format!("{v}")
}

/// A tick label: `0`, `250`, `1.5`, `12k`, `1.2M`.
pub fn tick_label(v: f64) -> String {
    let a = v.abs();
    let (v, suffix) = if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let v = (v * 100.0).round() / 100.0;
    format!("{v}{suffix}")
}

/// A "nice" step (1, 2, 2.5 or 5 × 10ⁿ) that cuts `0..max` into about `parts` pieces.
pub fn nice_step(max: f64, parts: u32) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let raw = max / f64::from(parts.max(1));
    let mag = 10f64.powf(raw.log10().floor());
    let r = raw / mag;
    let m = if r <= 1.0 {
        1.0
    } else if r <= 2.0 {
        2.0
    } else if r <= 2.5 {
        2.5
    } else if r <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// The ticks from 0 to the first multiple of the nice step at or above `max` (inclusive).
pub fn ticks(max: f64, parts: u32) -> Vec<f64> {
    let step = nice_step(max, parts);
    let top = if max > 0.0 {
        (max / step).ceil() * step
    } else {
        step
    };
    let n = (top / step).round() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// One point of a series: x in pixels, y a value (`None`: no value, the line breaks).
pub type Point = (f64, Option<f64>);

/// Keeps at most two points per pixel column (the lowest and the highest, in order), so a path
/// has at most twice as many points as the chart is wide whatever the number of samples, and spikes
/// still show. Points must come in increasing x.
pub fn downsample(points: &[Point]) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let col = points[i].0.floor();
        let mut j = i;
        let mut lo: Option<(usize, f64)> = None;
        let mut hi: Option<(usize, f64)> = None;
        let mut gap = false;
        while j < points.len() && points[j].0.floor() == col {
            match points[j].1 {
                Some(v) => {
                    if lo.is_none_or(|(_, l)| v < l) {
                        lo = Some((j, v));
                    }
                    if hi.is_none_or(|(_, h)| v > h) {
                        hi = Some((j, v));
                    }
                }
                None => gap = true,
            }
            j += 1;
        }
        match (lo, hi) {
            (Some((a, _)), Some((b, _))) if a != b => {
                let (first, second) = if a < b { (a, b) } else { (b, a) };
                out.push(points[first]);
                out.push(points[second]);
            }
            (Some((a, _)), _) => out.push(points[a]),
            _ => {}
        }
        if gap && lo.is_none() {
            out.push((col, None));
        }
        i = j;
    }
    out
}

/// An SVG path through `points` (`None` values lift the pen): `M x y L x y ...`.
pub fn path(points: &[Point], y_of: impl Fn(f64) -> f64) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for &(x, v) in points {
        match v {
            Some(v) => {
                d.push_str(if pen_down { "L" } else { "M" });
                d.push_str(&fmt(x));
                d.push(' ');
                d.push_str(&fmt(y_of(v)));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        assert_eq!(ticks(0.0, 4), vec![0.0, 1.0]);
        assert_eq!(ticks(1000.0, 4), vec![0.0, 250.0, 500.0, 750.0, 1000.0]);
        assert_eq!(ticks(7.0, 4), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(tick_label(12_000.0), "12k");
        assert_eq!(tick_label(2.5), "2.5");
    }

    #[test]
    fn downsampling_keeps_two_points_per_pixel_and_the_extremes() {
        let points: Vec<Point> = (0..10_000)
            .map(|i| (f64::from(i) / 100.0, Some(f64::from(i % 97))))
            .collect();
        let d = downsample(&points);
        assert!(d.len() <= 200, "{}", d.len());
        assert!(d.iter().any(|p| p.1 == Some(96.0)));
        assert!(d.iter().any(|p| p.1 == Some(0.0)));
        assert!(d.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn gaps_lift_the_pen() {
        let d = path(&[(0.0, Some(1.0)), (1.0, None), (2.0, Some(2.0))], |v| v);
        assert_eq!(d, "M0 1M2 2");
    }
}
