//! Splits a shell line into words as `sh` does for simple commands: blanks separate words, single
//! quotes keep everything literally, double quotes keep blanks and let `\` escape `"`, `\`, `$` and
//! `` ` ``, a `\` outside quotes escapes the next character, and `#` at the start of a word starts a
//! comment. A line ending inside quotes or with a `\` is incomplete: the caller joins the next line.

/// The words of a line, or that it continues on the next line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tokens {
    /// The complete line's words.
    Words(Vec<String>),
    /// The line ends inside quotes or with a `\`: more input is needed.
    Incomplete,
}

/// Splits `line` into words.
pub fn tokenize(line: &str) -> Tokens {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Tokens::Incomplete,
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some('\n') => {}
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => return Tokens::Incomplete,
                        },
                        Some(x) => cur.push(x),
                        None => return Tokens::Incomplete,
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(x) => {
                    in_word = true;
                    cur.push(x);
                }
                None => return Tokens::Incomplete,
            },
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Tokens::Words(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        match tokenize(s) {
            Tokens::Words(w) => w,
            Tokens::Incomplete => panic!("incomplete: {s}"),
        }
    }

    #[test]
    fn splits_quotes_escapes_and_comments() {
        assert_eq!(words("a  b\tc"), ["a", "b", "c"]);
        assert_eq!(
            words("--property 'key.separator=: '"),
            ["--property", "key.separator=: "]
        );
        assert_eq!(words(r#"x "a \"b\" c" d\ e"#), ["x", "a \"b\" c", "d e"]);
        assert_eq!(words("# a comment"), Vec::<String>::new());
        assert_eq!(words("ls # trailing"), ["ls"]);
        assert_eq!(words("a#b"), ["a#b"]);
        assert_eq!(words("''"), [""]);
    }

    #[test]
    fn unfinished_lines_ask_for_more() {
        assert_eq!(tokenize("a \\"), Tokens::Incomplete);
        assert_eq!(tokenize("a 'b"), Tokens::Incomplete);
        assert_eq!(tokenize("a \\\nb"), Tokens::Words(vec!["a".into(), "b".into()]));
    }
}
