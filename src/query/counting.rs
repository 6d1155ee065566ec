//! The rows a `count` tells apart, by the indices of their entities and
//! relations, without names or evidence.

/// Rows of entity and relation indices, told apart: those of up to four
/// columns as fixed arrays (no allocation a row), wider ones as vectors.
#[derive(Default)]
pub(super) struct IdRows {
    narrow: hashbrown::HashSet<[u64; 4], foldhash::fast::FixedState>,
    wide: hashbrown::HashSet<Vec<u64>, foldhash::fast::FixedState>,
}

impl IdRows {
    pub(super) fn len(&self) -> usize {
        self.narrow.len() + self.wide.len()
    }

    /// Adds the row unless `full` and it is new: false when it was left out.
    pub(super) fn add(&mut self, ids: impl ExactSizeIterator<Item = u64>, full: bool) -> bool {
        if ids.len() <= 4 {
            let mut key = [u64::MAX; 4];
            for (k, id) in key.iter_mut().zip(ids) {
                *k = id;
            }
            if full && !self.narrow.contains(&key) {
                return false;
            }
            self.narrow.insert(key);
        } else {
            let key: Vec<u64> = ids.collect();
            if full && !self.wide.contains(&key) {
                return false;
            }
            self.wide.insert(key);
        }
        true
    }
}
