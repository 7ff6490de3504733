//! Command-line options as jopt-simple (the parser of Kafka's tools) reads them: `--name value` or
//! `--name=value`, a long option may be abbreviated to any unambiguous prefix, `--` ends the options,
//! other words are non-option arguments. Its errors keep jopt-simple's messages.

/// One option a tool accepts.
#[derive(Clone, Copy, Debug)]
pub struct OptSpec {
    /// Its name, without dashes.
    pub name: &'static str,
    /// Whether it takes an argument (and what the help calls it).
    pub arg: Option<&'static str>,
    /// The help text.
    pub help: &'static str,
}

/// An option with an argument.
pub const fn with_arg(name: &'static str, arg: &'static str, help: &'static str) -> OptSpec {
    OptSpec {
        name,
        arg: Some(arg),
        help,
    }
}

/// A flag.
pub const fn flag(name: &'static str, help: &'static str) -> OptSpec {
    OptSpec {
        name,
        arg: None,
        help,
    }
}

/// What a tool was given.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// Options in order, with their argument (empty for flags).
    pub given: Vec<(&'static str, String)>,
    /// Non-option arguments.
    pub non_options: Vec<String>,
}

impl Parsed {
    /// Whether option `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.given.iter().any(|(n, _)| *n == name)
    }
    /// The (last) argument of `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.given
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
    /// Every argument of `name`, in order.
    pub fn values(&self, name: &str) -> Vec<&str> {
        (self.given.iter())
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A jopt-simple parse error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptError {
    /// The exception class (`joptsimple.UnrecognizedOptionException`).
    pub class: &'static str,
    /// Its message.
    pub message: String,
    /// The stack frames printed under it.
    pub frames: &'static [&'static str],
}

impl OptError {
    fn unrecognized(name: &str) -> OptError {
        OptError {
            class: "joptsimple.UnrecognizedOptionException",
            message: format!("{name} is not a recognized option"),
            frames: &[
                "joptsimple.OptionException.unrecognizedOption(OptionException.java:108)",
                "joptsimple.OptionParser.validateOptionCharacters(OptionParser.java:633)",
                "joptsimple.OptionParser.handleLongOptionToken(OptionParser.java:528)",
                "joptsimple.OptionParserState$2.handleArgument(OptionParserState.java:59)",
                "joptsimple.OptionParser.parse(OptionParser.java:396)",
            ],
        }
    }

    fn missing_argument(name: &str) -> OptError {
        OptError {
            class: "joptsimple.OptionMissingRequiredArgumentException",
            message: format!("Option {name} requires an argument"),
            frames: &[
                "joptsimple.RequiredArgumentOptionSpec.detectOptionArgument(RequiredArgumentOptionSpec.java:48)",
                "joptsimple.ArgumentAcceptingOptionSpec.handleOption(ArgumentAcceptingOptionSpec.java:257)",
                "joptsimple.OptionParser.handleLongOptionToken(OptionParser.java:513)",
                "joptsimple.OptionParserState$2.handleArgument(OptionParserState.java:59)",
                "joptsimple.OptionParser.parse(OptionParser.java:396)",
            ],
        }
    }

    /// The uncaught exception as the JVM prints it (`Exception in thread "main" ...`).
    pub fn uncaught(&self) -> String {
        let mut s = format!("Exception in thread \"main\" {}: {}\n", self.class, self.message);
        for f in self.frames {
            s.push_str(&format!("\tat {f}\n"));
        }
        s
    }

    /// The message and stack trace as `TopicCommand.mainNoExit` prints them.
    pub fn main_no_exit(&self) -> String {
        let mut s = format!("{}\n{}: {}\n", self.message, self.class, self.message);
        for f in self.frames {
            s.push_str(&format!("\tat {f}\n"));
        }
        s
    }
}

fn lookup(specs: &[OptSpec], name: &str) -> Option<OptSpec> {
    if let Some(s) = specs.iter().find(|s| s.name == name) {
        return Some(*s);
    }
    let mut candidates = specs
        .iter()
        .filter(|s| !name.is_empty() && s.name.starts_with(name));
    match (candidates.next(), candidates.next()) {
        (Some(s), None) => Some(*s),
        _ => None,
    }
}

/// Parses `args` against `specs`.
pub fn parse(specs: &[OptSpec], args: &[String]) -> Result<Parsed, OptError> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.non_options.extend(args[i..].iter().cloned());
            break;
        }
        let body = match (a.strip_prefix("--"), a.strip_prefix('-')) {
            (Some(b), _) => b,
            (None, Some(b)) if !b.is_empty() => b,
            _ => {
                out.non_options.push(a.clone());
                continue;
            }
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let Some(spec) = lookup(specs, name) else {
            return Err(OptError::unrecognized(name));
        };
        match (spec.arg, inline) {
            (None, _) => out.given.push((spec.name, String::new())),
            (Some(_), Some(v)) => out.given.push((spec.name, v)),
            (Some(_), None) => match args.get(i) {
                Some(v) if !v.starts_with("--") => {
                    out.given.push((spec.name, v.clone()));
                    i += 1;
                }
                _ => return Err(OptError::missing_argument(spec.name)),
            },
        }
    }
    Ok(out)
}

/// jopt-simple's help table: `Option`, `Description`, one option a line (sorted by name).
pub fn help_table(specs: &[OptSpec]) -> String {
    let mut rows: Vec<(String, &str)> = (specs.iter())
        .map(|s| {
            let left = match s.arg {
                Some(a) => format!("--{} <{a}>", s.name),
                None => format!("--{}", s.name),
            };
            (left, s.help)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(6).max(6);
    let mut s = format!(
        "{:<width$}  Description\n{:<width$}  -----------\n",
        "Option", "------"
    );
    for (l, h) in rows {
        s.push_str(&format!("{l:<width$}  {h}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[OptSpec] = &[
        with_arg("bootstrap-server", "String: server to connect to", ""),
        with_arg("topic", "String: topic", ""),
        flag("list", ""),
    ];

    fn args(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn parses_values_abbreviations_and_flags() {
        let p = parse(SPECS, &args("--bootstrap-server localhost:9092 --list --top=a x")).unwrap();
        assert_eq!(p.value("bootstrap-server"), Some("localhost:9092"));
        assert!(p.has("list"));
        assert_eq!(p.value("topic"), Some("a"));
        assert_eq!(p.non_options, ["x"]);
        let p = parse(SPECS, &args("--boot localhost:9092")).unwrap();
        assert_eq!(p.value("bootstrap-server"), Some("localhost:9092"));
    }

    #[test]
    fn errors_read_as_jopt_simple_says_them() {
        let e = parse(SPECS, &args("--lisst")).unwrap_err();
        assert_eq!(e.message, "lisst is not a recognized option");
        let e = parse(SPECS, &args("--topic")).unwrap_err();
        assert_eq!(e.message, "Option topic requires an argument");
    }
}
