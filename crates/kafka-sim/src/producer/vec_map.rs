//! A small ordered map over a sorted `Vec`, for the producer's per-partition and per-broker state.
//!
//! It iterates in key order, as `BTreeMap` does (so swapping one for the other changes no result),
//! but a producer has a handful of partitions and brokers and looks them up several times per record
//! and per poll: a binary search over one contiguous slice beats walking B-tree nodes.

/// Up to this many entries a lookup scans; beyond, it bisects.
const LINEAR_MAX: usize = 8;

/// An ordered map over a `Vec` sorted by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VecMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { items: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// `Ok(index)` of `key`, or `Err(index)` where it would be inserted.
    #[inline]
    fn find(&self, key: &K) -> Result<usize, usize> {
        if self.items.len() > LINEAR_MAX {
            return self.items.binary_search_by(|(k, _)| k.cmp(key));
        }
        // A few entries: a linear scan, stopping at the first key not smaller.
        for (i, (k, _)) in self.items.iter().enumerate() {
            match k.cmp(key) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Ok(i),
                std::cmp::Ordering::Greater => return Err(i),
            }
        }
        Err(self.items.len())
    }

    /// The value of `key`, if any.
    #[inline]
    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.items[i].1)
    }

    /// The value of `key`, mutably, if any.
    #[inline]
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self.find(key) {
            Ok(i) => Some(&mut self.items[i].1),
            Err(_) => None,
        }
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            Err(i) => {
                self.items.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserting the default first if there is none (`entry(key).or_default()`).
    #[inline]
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.items.insert(i, (key, V::default()));
                i
            }
        };
        &mut self.items[i].1
    }

    /// Every entry, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.items.iter().map(|(k, v)| (k, v))
    }

    /// Every value, in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.items.iter().map(|(_, v)| v)
    }

    /// Every value, mutably, in key order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.items.iter_mut().map(|(_, v)| v)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::VecMap;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btree_map() {
        let mut v = VecMap::new();
        let mut b = BTreeMap::new();
        for (i, k) in [5, 1, 9, 1, 3, 7, 5, 0, 12, 2, 8, 4].into_iter().enumerate() {
            assert_eq!(v.insert(k, i), b.insert(k, i));
            *v.get_or_default(k + 100) += 1;
            *b.entry(k + 100).or_default() += 1;
        }
        assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        for k in 0..120 {
            assert_eq!(v.get(&k), b.get(&k), "{k}");
        }
        assert_eq!(v.len(), b.len());
        if let Some(x) = v.get_mut(&9) {
            *x = 42;
        }
        assert_eq!(v.get(&9), Some(&42));
        assert!(v.values().eq(v.iter().map(|(_, x)| x)));
        v.values_mut().for_each(|x| *x = 0);
        assert!(v.values().all(|x| *x == 0) && !v.is_empty());
    }
}
