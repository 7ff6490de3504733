//! Tab completion for the terminal, as a pure function: commands, their flags, and topic names
//! after `--topic`.

use kafka_sim::shell::{COMMANDS, options};

/// What Tab does to the input line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// The new input line (unchanged when nothing completes).
    pub line: String,
    /// The candidates when more than one fits (to list under the prompt), sorted.
    pub candidates: Vec<String>,
}

/// Completes the last word of `line`: the command name for the first word, a flag (`--…`) of that
/// command, or one of `topics` after `--topic`. One candidate is inserted with a space after it;
/// several extend the word to their longest common prefix and are listed.
pub fn complete(line: &str, topics: &[String]) -> Completion {
    let start = line.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let (head, word) = line.split_at(start);
    let words: Vec<&str> = head.split_whitespace().collect();
    let mut pool: Vec<String> = if words.is_empty() {
        COMMANDS
            .iter()
            .map(|c| c.to_string())
            .chain(["help".to_string()])
            .collect()
    } else if words.last().is_some_and(|w| *w == "--topic" || *w == "--include") {
        topics.to_vec()
    } else if word.starts_with('-') {
        options(words[0])
            .map(|specs| specs.iter().map(|s| format!("--{}", s.name)).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    pool.retain(|c| c.starts_with(word));
    pool.sort();
    pool.dedup();
    match pool.as_slice() {
        [] => Completion {
            line: line.to_string(),
            candidates: Vec::new(),
        },
        [one] => Completion {
            line: format!("{head}{one} "),
            candidates: Vec::new(),
        },
        many => {
            let prefix = common_prefix(many);
            Completion {
                line: format!("{head}{}", if prefix.len() > word.len() { prefix } else { word }),
                candidates: many.to_vec(),
            }
        }
    }
}

fn common_prefix(words: &[String]) -> &str {
    let first = words[0].as_str();
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    &first[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<String> {
        vec!["reserve".into(), "reviews".into(), "__consumer_offsets".into()]
    }

    #[test]
    fn the_first_word_completes_to_a_command() {
        assert_eq!(complete("kafka-t", &[]).line, "kafka-topics ");
        let c = complete("kafka-con", &[]);
        assert_eq!(c.line, "kafka-cons");
        assert_eq!(
            c.candidates,
            [
                "kafka-console-consumer",
                "kafka-console-producer",
                "kafka-consumer-groups"
            ]
        );
        assert_eq!(complete("he", &[]).line, "help ");
    }

    #[test]
    fn flags_come_from_the_tool() {
        let c = complete("kafka-topics --bootstrap-server localhost:9092 --de", &[]);
        assert_eq!(c.line, "kafka-topics --bootstrap-server localhost:9092 --de");
        assert!(c.candidates.contains(&"--describe".to_string()), "{c:?}");
        assert!(c.candidates.contains(&"--delete".to_string()), "{c:?}");
        assert!(c.candidates.iter().all(|f| f.starts_with("--de")), "{c:?}");
        assert_eq!(
            complete("kafka-console-consumer.sh --from-b", &[]).line,
            "kafka-console-consumer.sh --from-beginning "
        );
        assert_eq!(
            complete("kafka-topics --boot", &[]).line,
            "kafka-topics --bootstrap-server "
        );
    }

    #[test]
    fn topics_complete_after_topic() {
        let c = complete("kafka-topics --describe --topic re", &topics());
        assert_eq!(c.line, "kafka-topics --describe --topic re");
        assert_eq!(c.candidates, ["reserve", "reviews"]);
        let c = complete("kafka-topics --describe --topic res", &topics());
        assert_eq!(c.line, "kafka-topics --describe --topic reserve ");
        assert!(c.candidates.is_empty());
    }

    #[test]
    fn nothing_to_complete_leaves_the_line() {
        assert_eq!(complete("cat /etc/passwd", &topics()).line, "cat /etc/passwd");
        assert_eq!(complete("nosuch --x", &topics()).line, "nosuch --x");
        assert_eq!(complete("", &[]).candidates.len(), 5);
    }
}
