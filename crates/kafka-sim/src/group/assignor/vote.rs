//! The coordinator's choice of assignor (`ClassicGroup.selectProtocol`, reference §2.1).

use super::java;

/// Picks the group's protocol from each member's protocols (assignor names, most preferred first).
///
/// The candidates are the protocols every member supports; each member votes for the first of its own
/// protocols that is a candidate, and the most votes wins. Ties go to the protocol Java's
/// `stream().max()` keeps: the first, in `HashMap` iteration order of the vote tally, among those
/// with the most votes. `None` when there are no members or no common protocol (Kafka rejects such
/// a join with INCONSISTENT_GROUP_PROTOCOL before it gets here).
pub fn select_protocol(members: &[Vec<String>]) -> Option<String> {
    let first = members.first()?;
    let candidates: Vec<&String> = first
        .iter()
        .filter(|p| members.iter().all(|m| m.contains(p)))
        .collect();
    // The tally, in insertion order (the order votes are first cast).
    let mut tally: Vec<(&str, usize)> = Vec::new();
    for member in members {
        let vote = member.iter().find(|p| candidates.contains(p))?;
        match tally.iter_mut().find(|(name, _)| *name == vote.as_str()) {
            Some((_, n)) => *n += 1,
            None => tally.push((vote, 1)),
        }
    }
    let names: Vec<&str> = tally.iter().map(|(n, _)| *n).collect();
    let mut best: Option<(&str, usize)> = None;
    for i in java::string_keys_in_hash_order(&names) {
        let (name, votes) = tally[i];
        // BinaryOperator.maxBy keeps the earlier element on a tie.
        if best.is_none_or(|(_, b)| votes > b) {
            best = Some((name, votes));
        }
    }
    best.map(|(name, _)| name.to_owned())
}
