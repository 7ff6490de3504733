//! Stable sorts that keep the wasm small.
//!
//! `slice::sort_by` and friends instantiate the standard library's stable sort (driftsort, about
//! 4 KB of wasm) once per element type and comparator: forty copies, 150 KB of the page's wasm. On
//! wasm these helpers instead sort a list of indices with one shared, non-generic instantiation (the
//! comparator behind `dyn`), then move the elements into place. A stable sort's result is fully
//! determined by the comparator, so both paths give exactly the same order; natively (the CLI, the
//! swarm, benchmarks) the standard sort is used as is, for speed.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, like [`slice::sort_by`].
pub fn sort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(target_arch = "wasm32")]
    sort_by_indices(v, cmp);
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(cmp);
}

/// Sorts `v` stably by the key `f` gives, like [`slice::sort_by_key`].
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` stably, like [`slice::sort`].
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The wasm path of [`sort_by`] (compiled everywhere so native tests check it).
pub fn sort_by_indices<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items: &[T] = v;
        sort_indices(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    }
    permute(v, order);
}

/// The one instantiation of the standard stable sort.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Rearranges `v` so that position `i` holds the element that was at `order[i]`, following each
/// cycle of the permutation with swaps.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut cur = start;
        loop {
            let next = order[cur];
            order[cur] = cur;
            if next == start || next == cur {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency on the simulation's RNG).
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn the_index_sort_equals_the_standard_stable_sort() {
        let mut seed = 7;
        for len in [0usize, 1, 2, 3, 5, 8, 17, 64, 300, 1000] {
            // Pairs (key, original position): equal keys must keep their order.
            let v: Vec<(u64, usize)> = (0..len).map(|i| (lcg(&mut seed) % 10, i)).collect();
            let mut ours = v.clone();
            let mut std = v.clone();
            sort_by_indices(&mut ours, |a, b| a.0.cmp(&b.0));
            std.sort_by_key(|a| a.0);
            assert_eq!(ours, std, "len {len}");
        }
    }

    #[test]
    fn the_helpers_sort() {
        let mut v = vec![3, 1, 2, 1];
        sort(&mut v);
        assert_eq!(v, [1, 1, 2, 3]);
        let mut w = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        sort_by_key(&mut w, |p| p.0);
        assert_eq!(w, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        sort_by(&mut w, |a, b| b.1.cmp(&a.1));
        assert_eq!(w, [(1, 'd'), (2, 'c'), (1, 'b'), (2, 'a')]);
    }
}
