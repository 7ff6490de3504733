//! The part of Java's regular expressions `kafka-topics --topic` patterns use, matched against the
//! whole name (`String.matches`): literals, `.`, `*`, `+`, `?`, `|`, groups `( )`, classes `[a-z]`
//! and `[^...]`, and `\` escapes. A pattern outside this subset matches only itself literally.

use std::cell::Cell;

#[derive(Clone, Debug)]
enum Atom {
    Char(char),
    Any,
    Class(bool, Vec<(char, char)>),
    Group(Vec<Vec<Piece>>),
}

#[derive(Clone, Debug)]
struct Piece {
    atom: Atom,
    min: usize,
    max: usize,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    alts: Vec<Vec<Piece>>,
    literal: String,
}

impl Pattern {
    /// Compiles `p` (falling back to a literal match when it is not in the subset).
    pub fn new(p: &str) -> Pattern {
        let chars: Vec<char> = p.chars().collect();
        let mut pos = 0;
        let alts = parse_alts(&chars, &mut pos).filter(|_| pos == chars.len());
        Pattern {
            alts: alts.unwrap_or_default(),
            literal: p.to_string(),
        }
    }

    /// Whether `s` matches the whole pattern.
    pub fn matches(&self, s: &str) -> bool {
        if self.alts.is_empty() {
            return s == self.literal;
        }
        let chars: Vec<char> = s.chars().collect();
        let budget = Cell::new(100_000u32);
        match_alts(&self.alts, &chars, 0, &budget, &mut |end| end == chars.len())
    }
}

fn parse_alts(c: &[char], pos: &mut usize) -> Option<Vec<Vec<Piece>>> {
    let mut alts = vec![Vec::new()];
    while *pos < c.len() {
        let ch = c[*pos];
        let atom = match ch {
            ')' => break,
            '|' => {
                *pos += 1;
                alts.push(Vec::new());
                continue;
            }
            '(' => {
                *pos += 1;
                let inner = parse_alts(c, pos)?;
                if c.get(*pos) != Some(&')') {
                    return None;
                }
                Atom::Group(inner)
            }
            '.' => Atom::Any,
            '[' => {
                *pos += 1;
                let neg = c.get(*pos) == Some(&'^');
                if neg {
                    *pos += 1;
                }
                let mut ranges = Vec::new();
                while *pos < c.len() && (c[*pos] != ']' || ranges.is_empty()) {
                    let mut a = c[*pos];
                    if a == '\\' {
                        *pos += 1;
                        a = *c.get(*pos)?;
                    }
                    if c.get(*pos + 1) == Some(&'-') && c.get(*pos + 2).is_some_and(|x| *x != ']') {
                        ranges.push((a, c[*pos + 2]));
                        *pos += 3;
                    } else {
                        ranges.push((a, a));
                        *pos += 1;
                    }
                }
                if c.get(*pos) != Some(&']') {
                    return None;
                }
                Atom::Class(neg, ranges)
            }
            '\\' => {
                *pos += 1;
                Atom::Char(*c.get(*pos)?)
            }
            '*' | '+' | '?' | '{' | '}' | ']' => return None,
            x => Atom::Char(x),
        };
        *pos += 1;
        let (min, max) = match c.get(*pos) {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            _ => (1, 1),
        };
        if (min, max) != (1, 1) {
            *pos += 1;
        }
        alts.last_mut()?.push(Piece { atom, min, max });
    }
    Some(alts)
}

fn match_alts(
    alts: &[Vec<Piece>],
    s: &[char],
    at: usize,
    budget: &Cell<u32>,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    alts.iter().any(|seq| match_seq(seq, s, at, budget, k))
}

fn match_seq(
    seq: &[Piece],
    s: &[char],
    at: usize,
    budget: &Cell<u32>,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if budget.get() == 0 {
        return false;
    }
    budget.set(budget.get() - 1);
    let Some((first, rest)) = seq.split_first() else {
        return k(at);
    };
    match_rep(first, 0, rest, s, at, budget, k)
}

fn match_rep(
    p: &Piece,
    count: usize,
    rest: &[Piece],
    s: &[char],
    at: usize,
    budget: &Cell<u32>,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    // Greedy: one more repetition first, then the rest.
    if count < p.max {
        let more = match_atom(&p.atom, s, at, budget, &mut |end| {
            end != at && match_rep(p, count + 1, rest, s, end, budget, k)
        });
        if more {
            return true;
        }
    }
    count >= p.min && match_seq(rest, s, at, budget, k)
}

fn match_atom(a: &Atom, s: &[char], at: usize, budget: &Cell<u32>, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match a {
        Atom::Char(c) => s.get(at) == Some(c) && k(at + 1),
        Atom::Any => at < s.len() && k(at + 1),
        Atom::Class(neg, ranges) => {
            s.get(at)
                .is_some_and(|c| ranges.iter().any(|(lo, hi)| lo <= c && c <= hi) != *neg)
                && k(at + 1)
        }
        Atom::Group(alts) => match_alts(alts, s, at, budget, k),
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn matches_whole_names() {
        assert!(Pattern::new("reserve").matches("reserve"));
        assert!(!Pattern::new("reserve").matches("reserve2"));
        assert!(Pattern::new("res.*").matches("reserve"));
        assert!(Pattern::new("a|b").matches("b"));
        assert!(Pattern::new("t[0-9]+").matches("t42"));
        assert!(!Pattern::new("t[0-9]+").matches("t"));
        assert!(Pattern::new("__.*").matches("__consumer_offsets"));
        assert!(Pattern::new("(ab)?c").matches("c"));
        assert!(Pattern::new("a\\.b").matches("a.b"));
        assert!(!Pattern::new("a\\.b").matches("axb"));
    }
}
