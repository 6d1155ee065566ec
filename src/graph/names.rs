//! The name table: entities by name, in a hash table of node indices whose
//! keys live in the graph, short names kept in the table itself; and the
//! memory hints (huge pages, prefetches) that large graphs want.

use super::*;

/// Asks the kernel to back the whole 2 MiB pages within `len` bytes from
/// `ptr` (memory not yet written, ideally) with huge pages. The arrays that
/// searches read at random (petgraph's edges, the adjacency rows) are
/// hundreds of megabytes in a large graph: with 4 KiB pages every such read
/// also misses the address-translation cache, and a hub's neighbours took
/// a third longer. Advice only: contents and safety are unchanged, and
/// where huge pages are off it does nothing.
pub(crate) fn advise_huge_pages<T>(ptr: *const T, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = len.saturating_mul(size_of::<T>());
        let from = (ptr as usize).next_multiple_of(HUGE);
        let to = (ptr as usize).saturating_add(bytes) & !(HUGE - 1);
        if to > from {
            // SAFETY: the range is whole pages inside the caller's
            // allocation, and MADV_HUGEPAGE changes no contents.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, len);
}

/// A hint that `item` will be read soon: both its first and its last byte
/// are fetched into the cache, since it may straddle two cache lines.
pub(crate) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        let p = (item as *const T).cast::<i8>();
        // SAFETY: a prefetch is a hint; it reads nothing, and both
        // addresses are inside `item`.
        unsafe {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            _mm_prefetch(p, _MM_HINT_T0);
            _mm_prefetch(
                p.wrapping_add(size_of::<T>().saturating_sub(1)),
                _MM_HINT_T0,
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// The hash of the name in `slot`: from the slot itself when the whole
/// name fits, else from its entity.
pub(crate) fn slot_hash(
    hasher: &FixedState,
    graph: &DiGraph<Entity, Edge, u32>,
    slot: &NameSlot,
) -> u64 {
    match slot.short() {
        Some(short) => hasher.hash_one(short),
        None => hasher.hash_one(&*graph[slot.node].name),
    }
}

/// A vector of `n` zeros in memory advised to use huge pages.
pub(crate) fn huge_zeroed(n: usize) -> Vec<u32> {
    let mut v: Vec<u32> = Vec::with_capacity(n);
    advise_huge_pages(v.as_ptr(), n);
    v.resize(n, 0);
    v
}

/// How many edges ahead [`Graph::prefetch_nodes`] is asked for.
pub(crate) const EDGES_AHEAD: usize = 16;

/// An entry of the name index. The first 16 bytes of the name are kept in
/// the entry itself, so a look-up of a short name never leaves the table
/// (a trip to the node and then to the name's heap string cost two cache
/// misses a look-up, a quarter of the load time).
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameSlot {
    pub(crate) node: NodeIndex,
    pub(crate) len: u32,
    pub(crate) head: [u8; 16],
}

impl NameSlot {
    pub(crate) fn empty() -> NameSlot {
        NameSlot {
            node: NodeIndex::end(),
            len: 0,
            head: [0; 16],
        }
    }

    pub(crate) fn key(name: &str) -> (u32, [u8; 16]) {
        let mut head = [0; 16];
        let n = name.len().min(16);
        head[..n].copy_from_slice(&name.as_bytes()[..n]);
        (name.len() as u32, head)
    }

    pub(crate) fn matches(&self, len: u32, head: &[u8; 16]) -> bool {
        self.len == len && self.head == *head
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.node == NodeIndex::end()
    }

    /// The name, when it fits in the slot.
    pub(crate) fn short(&self) -> Option<&str> {
        let head = self.head.get(..self.len as usize)?;
        std::str::from_utf8(head).ok()
    }
}

/// The name index: open addressing with linear probing over one array of
/// [`NameSlot`]s, so a look-up is one cache miss (a `hashbrown` table keeps
/// its control bytes apart from its entries: two), and the loader can
/// prefetch the slot of a name a few lines ahead ([`NameTable::prefetch`]),
/// overlapping the misses that were a fifth of a large load. At most four
/// fifths full; never shrinks (nothing is ever removed).
#[derive(Debug, Clone, Default)]
pub(crate) struct NameTable {
    slots: Vec<NameSlot>,
    pub(crate) len: usize,
}

impl NameTable {
    pub(crate) fn with_capacity(n: usize) -> NameTable {
        let mut table = NameTable::default();
        table.grow_to(n, |_| unreachable!("an empty table has nothing to rehash"));
        table
    }

    /// Where a name of this hash is first looked for: the hash scaled to
    /// the table's length (which is not a power of two, so that the table
    /// grows by half instead of doubling: about a seventh less memory on
    /// average, and the table is at least half full).
    pub(crate) fn home(&self, hash: u64) -> usize {
        ((hash as u128 * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot after `i`, round to the first.
    pub(crate) fn next(&self, i: usize) -> usize {
        if i + 1 == self.slots.len() { 0 } else { i + 1 }
    }

    /// The entity whose slot `same` accepts, probing from `hash`.
    pub(crate) fn find(&self, hash: u64, same: impl Fn(&NameSlot) -> bool) -> Option<NodeIndex> {
        if self.slots.is_empty() {
            return None;
        }
        let mut i = self.home(hash);
        loop {
            let slot = &self.slots[i];
            if slot.is_empty() {
                return None;
            }
            if same(slot) {
                return Some(slot.node);
            }
            i = self.next(i);
        }
    }

    /// Like [`find`](Self::find), or else `Err` with the free slot where
    /// the name belongs, to [`fill`](Self::fill) next. `rehash` gives a
    /// slot's hash when the table grows to make room.
    pub(crate) fn find_or_vacant(
        &mut self,
        hash: u64,
        same: impl Fn(&NameSlot) -> bool,
        rehash: impl Fn(&NameSlot) -> u64,
    ) -> Result<NodeIndex, usize> {
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.grow_to(self.len + 1, rehash);
        }
        let mut i = self.home(hash);
        loop {
            let slot = &self.slots[i];
            if slot.is_empty() {
                return Err(i);
            }
            if same(slot) {
                return Ok(slot.node);
            }
            i = self.next(i);
        }
    }

    /// Fills the free slot `i` that [`find_or_vacant`](Self::find_or_vacant) gave.
    pub(crate) fn fill(&mut self, i: usize, slot: NameSlot) {
        debug_assert!(self.slots[i].is_empty());
        self.slots[i] = slot;
        self.len += 1;
    }

    /// Room for `n` names in all, without growing again.
    pub(crate) fn grow_to(&mut self, n: usize, rehash: impl Fn(&NameSlot) -> u64) {
        let want = n.saturating_mul(5) / 4 + 1;
        if want <= self.slots.len() {
            return;
        }
        let want = want.max(self.slots.len() * 3 / 2).max(16);
        // A look-up is at random in the table: huge pages spare each one a
        // miss in the address-translation cache too.
        let mut slots = Vec::with_capacity(want);
        advise_huge_pages(slots.as_ptr(), want);
        slots.resize(want, NameSlot::empty());
        let old = std::mem::replace(&mut self.slots, slots);
        for slot in old.into_iter().filter(|s| !s.is_empty()) {
            let mut i = self.home(rehash(&slot));
            while !self.slots[i].is_empty() {
                i = self.next(i);
            }
            self.slots[i] = slot;
        }
    }

    /// A hint that `hash` will be looked up soon.
    pub(crate) fn prefetch(&self, hash: u64) {
        if let Some(slot) = self.slots.get(self.home(hash)) {
            prefetch(slot);
        }
    }
}

/// The first 8 bytes of a name as a number that orders like the name
/// (shorter names padded with zero bytes, which sort first).
pub(crate) fn name_prefix(name: &str) -> u64 {
    let mut head = [0u8; 8];
    let n = name.len().min(8);
    head[..n].copy_from_slice(&name.as_bytes()[..n]);
    u64::from_be_bytes(head)
}
