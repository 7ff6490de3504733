//! The YAML subset and `.properties` parsers of `port`: what they accept, what they refuse, and a seeded
//! mutation run over the seed's files asserting they never panic.

use kafka_sim::port::yaml::{MAX_YAML_DEPTH, Yaml};
use kafka_sim::port::{
    ImportFormat, ImportOptions, MAX_IMPORT_BYTES, YamlError, import_files, parse_properties, parse_yaml,
};

const SEED_COMPOSE: &str = include_str!("fixtures/seed/docker-compose.yml");
const SEED_SPRING: &str = include_str!("fixtures/seed/application.yml");

fn s(y: &Yaml) -> &str {
    y.as_str().unwrap_or("<not a scalar>")
}

#[test]
fn yaml_maps_sequences_and_scalars() {
    let doc = parse_yaml(
        "# comment\n---\na:\n  b: plain value # trailing\n  c: 'it''s'\n  d: \"tab\\there \\u00e9\"\n  e:\n  - x\n  - 'y'\n  \
         f:\n    - k: 1\n      l: 2\n    - m: 3\n  g: [\"9092:9092\", 22181]\n  h: []\n  i: ~\n  \"j.k\": \"*\"\n",
    )
    .unwrap();
    assert!(doc.ignored.is_empty());
    let a = doc.root.get("a").unwrap();
    assert_eq!(s(a.get("b").unwrap()), "plain value");
    assert_eq!(s(a.get("c").unwrap()), "it's");
    assert_eq!(s(a.get("d").unwrap()), "tab\there é");
    let Some(Yaml::Seq(e)) = a.get("e") else {
        panic!("e is not a list")
    };
    assert_eq!(e.iter().map(s).collect::<Vec<_>>(), vec!["x", "y"]);
    let Some(Yaml::Seq(f)) = a.get("f") else {
        panic!("f is not a list")
    };
    assert_eq!(s(f[0].get("l").unwrap()), "2");
    assert_eq!(s(f[1].get("m").unwrap()), "3");
    let Some(Yaml::Seq(g)) = a.get("g") else {
        panic!("g is not a list")
    };
    assert_eq!(g.iter().map(s).collect::<Vec<_>>(), vec!["9092:9092", "22181"]);
    assert_eq!(a.get("h"), Some(&Yaml::Seq(Vec::new())));
    assert_eq!(a.get("i"), Some(&Yaml::Null));
    assert_eq!(s(a.get("j.k").unwrap()), "*");
    // A `#` inside quotes is text; after a blank outside quotes it starts a comment.
    let doc = parse_yaml("a: 'x #1: y' # c\nb: # c\n  c: d\ne: f#g\n").unwrap();
    assert_eq!(s(doc.root.get("a").unwrap()), "x #1: y");
    assert_eq!(s(doc.root.get("b").unwrap().get("c").unwrap()), "d");
    assert_eq!(s(doc.root.get("e").unwrap()), "f#g");
}

#[test]
fn yaml_unsupported_constructs_are_listed_not_dropped() {
    let doc = parse_yaml(
        "base: &b\n  x: 1\nuse: *b\nmerge:\n  <<: *b\ntagged: !!str 5\nblock: |\n  line one\n  line two\nflow: {a: 1}\n",
    )
    .unwrap();
    let keys: Vec<&str> = doc.ignored.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, vec!["base", "use", "merge.<<", "tagged", "block", "flow"]);
    assert!(
        doc.ignored[0]
            .reason
            .starts_with("anchors (&) are not supported (line 1)")
    );
    assert!(doc.ignored[4].reason.contains("block scalars"));
}

#[test]
fn yaml_refusals_name_the_line() {
    let cases = [
        ("a: 1\na: 2\n", 2, "duplicate key `a`"),
        ("a:\n\tb: 1\n", 2, "a tab in the indentation"),
        ("a: \"open\n", 1, "without its closing quote"),
        ("a: 1\n---\nb: 2\n", 2, "a second document"),
        (
            "a:\n  b: 1\n   c: 2\n",
            3,
            "multi-line plain values are not supported",
        ),
        ("a:\n    b: 1\n  c: 2\n", 3, "unexpected indentation"),
        ("a: 'x' y\n", 1, "text after a quoted value"),
        ("a: \"\\q\"\n", 1, "unknown escape"),
    ];
    for (text, line, msg) in cases {
        match parse_yaml(text) {
            Err(YamlError::Syntax { line: l, message }) => {
                assert_eq!(l, line, "{text:?}: {message}");
                assert!(message.contains(msg), "{text:?}: {message}");
            }
            other => panic!("{text:?} gave {other:?}"),
        }
    }
}

#[test]
fn yaml_limits() {
    let deep: String = (0..MAX_YAML_DEPTH + 5)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let e = parse_yaml(&deep).unwrap_err();
    assert!(e.to_string().contains("nested deeper than 64 levels"), "{e}");
    let big = format!("a: {}\n", "x".repeat(MAX_IMPORT_BYTES));
    assert!(matches!(parse_yaml(&big), Err(YamlError::TooLarge { .. })));
    let deep_list = "- ".repeat(200) + "x\n";
    assert!(parse_yaml(&deep_list).is_err());
}

#[test]
fn properties_forms() {
    let p = parse_properties("a=1\nb: 2\nc 3\n# x\n! y\nd = multi \\\n    line\ne=\\u0041\\tz\n").unwrap();
    let get = |k: &str| p.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    assert_eq!(get("a"), Some("1"));
    assert_eq!(get("b"), Some("2"));
    assert_eq!(get("c"), Some("3"));
    assert_eq!(get("d"), Some("multi line"));
    assert_eq!(get("e"), Some("A\tz"));
    assert_eq!(p.len(), 5);
    assert!(parse_properties("a=\\u12").is_err());
    assert!(parse_properties(&"x".repeat(MAX_IMPORT_BYTES + 1)).is_err());
}

/// xorshift64*: a small seeded generator (no crate needed).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    ":",
    "- ",
    "'",
    "\"",
    "#",
    "\n",
    "  ",
    "\t",
    "&a",
    "*a",
    "[",
    "]",
    "{",
    "}",
    "|",
    ">",
    "\\",
    "\\u",
    "=",
    "---",
    "<<: ",
    "!!",
    "é",
    "\r\n",
    "KAFKA_",
    "spring.kafka.",
    "-1",
    "0",
    "${X}",
    "kafka1",
    "\u{feff}",
];

fn mutate(rng: &mut XorShift, base: &str) -> String {
    let mut bytes: Vec<char> = base.chars().collect();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if !bytes.is_empty() => {
                let end = (at + rng.below(20)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                for (i, c) in t.chars().enumerate() {
                    bytes.insert((at + i).min(bytes.len()), c);
                }
            }
            2 if !bytes.is_empty() => {
                let src = rng.below(bytes.len());
                let len = rng.below(40).min(bytes.len() - src);
                let chunk: Vec<char> = bytes[src..src + len].to_vec();
                for (i, c) in chunk.into_iter().enumerate() {
                    bytes.insert((at + i).min(bytes.len()), c);
                }
            }
            _ => {
                if let Some(c) = bytes.get_mut(at) {
                    *c = char::from(b' ' + (rng.below(95) as u8));
                }
            }
        }
    }
    bytes.into_iter().collect()
}

#[test]
fn seeded_mutations_of_the_seed_files_never_panic() {
    let mut rng = XorShift(0x5eed_cafe_f00d_d00d);
    let options = ImportOptions::default();
    let (mut ok, mut refused) = (0, 0);
    for round in 0..1500 {
        let base = if round % 2 == 0 { SEED_COMPOSE } else { SEED_SPRING };
        let text = mutate(&mut rng, base);
        let _ = parse_yaml(&text);
        let _ = parse_properties(&text);
        for format in [
            None,
            Some(ImportFormat::Compose),
            Some(ImportFormat::Spring),
            Some(ImportFormat::Properties),
        ] {
            let name = if round % 2 == 0 {
                "docker-compose.yml"
            } else {
                "application.yml"
            };
            match import_files(&[(name, &text)], format, &options) {
                Ok(imported) => {
                    ok += 1;
                    // Whatever imports must export without panicking too.
                    for f in [
                        kafka_sim::port::ExportFormat::Compose,
                        kafka_sim::port::ExportFormat::Spring,
                    ] {
                        let _ = kafka_sim::port::export(&imported.scenario, f, &Default::default());
                    }
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.to_string().is_empty());
                }
            }
        }
    }
    // The run exercises both outcomes.
    assert!(ok > 100 && refused > 100, "ok {ok}, refused {refused}");
}

#[test]
fn line_limits_keep_hostile_input_fast() {
    let many: String = (0..kafka_sim::port::MAX_IMPORT_LINES + 1)
        .map(|i| format!("k{i}: v\n"))
        .collect();
    let e = parse_yaml(&many).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the file has more than 10000 lines; the limit is 10000"
    );
    let many: String = (0..kafka_sim::port::MAX_IMPORT_LINES + 1)
        .map(|i| format!("k{i}=v\n"))
        .collect();
    assert!(parse_properties(&many).is_err());
    let e = kafka_sim::port::import_str("producer.properties", &many).unwrap_err();
    assert!(e.to_string().contains("the limit is 10000"), "{e}");
    // Just under the limit, distinct keys: accepted quickly (the importers are not quadratic beyond it).
    let ok: String = (0..kafka_sim::port::MAX_IMPORT_LINES)
        .map(|i| format!("k{i}=v\n"))
        .collect();
    assert_eq!(
        parse_properties(&ok).unwrap().len(),
        kafka_sim::port::MAX_IMPORT_LINES
    );
}
