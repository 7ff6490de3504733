//! Unit tests of the serde deserializer: the derive attributes scenario structs use, and the spans of
//! the errors (an unknown key's, a wrong value's, a missing key's table).

use super::{Error, from_str};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    name: String,
    count: Option<u32>,
    #[serde(default)]
    ratio: f64,
    #[serde(default)]
    flags: Vec<bool>,
    #[serde(default)]
    mode: Mode,
    #[serde(default)]
    shapes: Vec<Shape>,
    #[serde(default)]
    tagged: Vec<Tagged>,
    #[serde(rename = "group.id")]
    group_id: Option<Id>,
    #[serde(default)]
    extra: BTreeMap<String, i64>,
}

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Mode {
    #[default]
    Auto,
    Manual,
}

#[derive(Debug, PartialEq, Deserialize)]
enum Shape {
    Point,
    Circle(f64),
    Pair(i64, i64),
    Rect { w: i64, h: i64 },
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Tagged {
    Crash { broker: u32 },
    Heal,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Id(String);

fn located(text: &str) -> (String, Option<(usize, usize)>) {
    let e: Error = from_str::<Config>(text).expect_err(text);
    (e.message().to_owned(), e.span().map(|s| s.line_column(text)))
}

#[test]
fn derive_attributes_work() {
    let c: Config = from_str(
        "name = \"x\"\ncount = 3\nratio = 0.5\nflags = [true, false]\nmode = \"manual\"\n\
         shapes = [\"Point\", { Circle = 1.5 }, { Pair = [1, 2] }, { Rect = { w = 2, h = 3 } }]\n\
         \"group.id\" = \"g\"\n[extra]\nb = 2\na = 1\n[[tagged]]\nkind = \"crash\"\nbroker = 2\n[[tagged]]\nkind = \"heal\"\n",
    )
    .expect("valid");
    assert_eq!(
        c,
        Config {
            name: "x".to_owned(),
            count: Some(3),
            ratio: 0.5,
            flags: vec![true, false],
            mode: Mode::Manual,
            shapes: vec![
                Shape::Point,
                Shape::Circle(1.5),
                Shape::Pair(1, 2),
                Shape::Rect { w: 2, h: 3 }
            ],
            tagged: vec![Tagged::Crash { broker: 2 }, Tagged::Heal],
            group_id: Some(Id("g".to_owned())),
            extra: BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]),
        }
    );
    let d: Config = from_str("name = 'y'").expect("defaults");
    assert_eq!(
        (d.count, d.ratio, d.mode, d.group_id),
        (None, 0.0, Mode::Auto, None)
    );
}

#[test]
fn errors_carry_the_span_of_what_is_wrong() {
    assert_eq!(
        located("name = \"x\"\n  colour = 1"),
        (
            "unknown field `colour`, expected one of `name`, `count`, `ratio`, `flags`, `mode`, `shapes`, `tagged`, \
             `group.id`, `extra`"
                .to_owned(),
            Some((2, 3))
        )
    );
    assert_eq!(
        located("name = \"x\"\ncount = -1"),
        (
            "invalid value: integer `-1`, expected u32".to_owned(),
            Some((2, 9))
        )
    );
    assert_eq!(
        located("name = 5"),
        (
            "invalid type: integer `5`, expected a string".to_owned(),
            Some((1, 8))
        )
    );
    assert_eq!(
        located("name = \"x\"\nflags = [true, 1]"),
        (
            "invalid type: integer `1`, expected a boolean".to_owned(),
            Some((2, 16))
        )
    );
    assert_eq!(
        located("name = \"x\"\nmode = \"fast\""),
        (
            "unknown variant `fast`, expected `auto` or `manual`".to_owned(),
            Some((2, 8))
        )
    );
    assert_eq!(
        located("name = \"x\"\nshapes = [{ Circle = 1.0, Point = {} }]").1,
        Some((2, 11))
    );
    assert_eq!(
        located("name = \"x\"\n[[tagged]]\nbroker = 1"),
        ("missing field `kind`".to_owned(), Some((2, 1)))
    );
    assert_eq!(
        located("name = \"x\"\n[[tagged]]\nkind = \"crash\""),
        ("missing field `broker`".to_owned(), Some((2, 1)))
    );
    // A missing key of the root table has no place to point at.
    assert_eq!(located("count = 1"), ("missing field `name`".to_owned(), None));
    // A syntax error is the parser's.
    assert_eq!(
        located("name = \"x"),
        (
            "unterminated string: a basic string ends with `\"` on its line".to_owned(),
            Some((1, 10))
        )
    );
}
