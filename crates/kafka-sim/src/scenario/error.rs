//! Why a scenario file is refused.

use crate::config::ConfigError;

/// Why a scenario cannot be used. `Display` is one message meant for the user: a key path and what is
/// wrong with it (`faults[2].at: invalid duration "2x": ...`), a TOML line and column, or Kafka's own
/// configuration message after the path of the property table.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The input is larger than [`super::MAX_SCENARIO_BYTES`].
    #[error("the scenario is {size} bytes; the limit is {limit} bytes (1 MiB)")]
    TooLarge {
        /// The input's size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The text is not valid TOML, or a key or value does not fit the format (unknown key, wrong type,
    /// missing key). The message is the TOML parser's, with the table named for unknown and missing keys.
    #[error("{}", located(*line, *column, message))]
    Syntax {
        /// 1-based line, if known.
        line: Option<usize>,
        /// 1-based column (in characters), if known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A value is out of range or inconsistent with the rest of the scenario.
    #[error("{path}: {message}")]
    Invalid {
        /// Where, e.g. `topics[0].replication_factor`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Kafka refuses a property table. `Display` ends with Kafka's exact message, e.g.
    /// `producers[0].config: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1`.
    #[error("{path}: {error}")]
    Config {
        /// The table, e.g. `producers[0].config`.
        path: String,
        /// Kafka's error.
        error: ConfigError,
    },
}

fn located(line: Option<usize>, column: Option<usize>, message: &str) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("TOML parse error at line {l}, column {c}: {message}"),
        (Some(l), None) => format!("TOML parse error at line {l}: {message}"),
        _ => format!("TOML parse error: {message}"),
    }
}

impl ScenarioError {
    /// An [`ScenarioError::Invalid`] at `path`.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The 1-based line of the error in the file, when the TOML parser knows it.
    pub fn line(&self) -> Option<usize> {
        match self {
            ScenarioError::Syntax { line, .. } => *line,
            _ => None,
        }
    }

    /// The key path, for errors found after parsing.
    pub fn path(&self) -> Option<&str> {
        match self {
            ScenarioError::Invalid { path, .. } | ScenarioError::Config { path, .. } => Some(path),
            _ => None,
        }
    }

    /// Kafka's error, for a refused property table.
    pub fn config_error(&self) -> Option<&ConfigError> {
        match self {
            ScenarioError::Config { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Turns the TOML parser's error into a [`ScenarioError::Syntax`], naming the table of an unknown or
    /// missing key (best effort: the nearest `[table]` header above the error).
    pub(crate) fn from_toml(text: &str, e: &crate::tomlish::Error) -> ScenarioError {
        let mut message = e.message().trim_end().to_owned();
        let (mut line, mut column) = (None, None);
        if let Some(span) = e.span() {
            let (l, c) = span.line_column(text);
            (line, column) = (Some(l), Some(c));
            // A span is always at a character boundary; `get` keeps a wrong one from panicking.
            let start = span.start.min(text.len());
            let before = text.get(..start).unwrap_or("");
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            // The error's line: a key (unknown field) or a table header (missing field). A key inside an
            // inline table or after a dotted prefix does not start its line: its table is not named.
            let line_end = text
                .get(start..)
                .and_then(|s| s.find('\n'))
                .map_or(text.len(), |i| start + i);
            let upto_line = text.get(..line_end).unwrap_or(before);
            let this_line = upto_line.get(line_start..).unwrap_or("");
            let starts_line = this_line.len() - this_line.trim_start().len() == start - line_start;
            let is_field_error = message.starts_with("unknown field") || message.starts_with("missing field");
            if is_field_error && starts_line {
                let place = table_at(upto_line);
                message = match message.split_once(", expected") {
                    Some((head, tail)) => format!("{head} {place}, expected{tail}"),
                    None => format!("{message} {place}"),
                };
            }
        }
        ScenarioError::Syntax {
            line,
            column,
            message,
        }
    }
}

/// Names the table that `before` (the text up to an error) ends in: `in [cluster]`,
/// `in [[faults]] (faults[2])`, or `at the top level`.
fn table_at(before: &str) -> String {
    let headers: Vec<&str> = before.lines().map(str::trim).filter(|l| is_header(l)).collect();
    let Some(last) = headers.last() else {
        return "at the top level".to_owned();
    };
    let header = last
        .split(" #")
        .next()
        .unwrap_or(last)
        .split('#')
        .next()
        .unwrap_or(last)
        .trim();
    if let Some(name) = header.strip_prefix("[[").and_then(|h| h.strip_suffix("]]")) {
        let count = headers
            .iter()
            .filter(|h| {
                h.strip_prefix("[[")
                    .and_then(|h| h.split("]]").next())
                    .map(str::trim)
                    == Some(name.trim())
            })
            .count();
        format!("in {header} ({}[{}])", name.trim(), count.saturating_sub(1))
    } else {
        format!("in {header}")
    }
}

/// Whether a trimmed line looks like a `[table]` or `[[array]]` header.
fn is_header(line: &str) -> bool {
    let Some(inner) = line.strip_prefix('[') else {
        return false;
    };
    let inner = inner.strip_prefix('[').unwrap_or(inner).trim_start();
    inner.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '"' | '\''))
        && line.contains(']')
        && !line.contains(',')
        && !line.contains('=')
}
