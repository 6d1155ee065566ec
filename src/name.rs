//! [`Name`]: an entity's name, kept inline when it is short.

use std::fmt;
use std::ops::Deref;

/// The most bytes a name keeps inline.
pub const INLINE: usize = 23;

/// A name's length when it is inline: an enum of the 24 lengths, so that
/// its other 232 values are free for the compiler to tell the two kinds of
/// [`Name`] apart, and a name is 24 bytes either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[rustfmt::skip]
enum Len {
    L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13, L14, L15, L16,
    L17, L18, L19, L20, L21, L22, L23,
}

#[rustfmt::skip]
const LENS: [Len; INLINE + 1] = {
    use Len::*;
    [L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13, L14, L15, L16,
     L17, L18, L19, L20, L21, L22, L23]
};

/// An immutable string of 24 bytes: up to [`INLINE`] bytes in place, a
/// longer one on the heap. Most names are short, and a million entities'
/// names on the heap took 32 bytes each (the allocator's smallest block
/// and its header), about a tenth of a large graph's memory.
#[derive(Clone, PartialEq, Eq)]
pub struct Name(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    Inline { bytes: [u8; INLINE], len: Len },
    Heap(Box<str>),
}

const _: () = assert!(std::mem::size_of::<Name>() == 24);

impl Name {
    pub fn new(s: &str) -> Name {
        match LENS.get(s.len()) {
            Some(&len) => {
                let mut bytes = [0; INLINE];
                bytes[..s.len()].copy_from_slice(s.as_bytes());
                Name(Repr::Inline { bytes, len })
            }
            None => Name(Repr::Heap(s.into())),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { bytes, len } => {
                let bytes = &bytes[..*len as usize];
                // SAFETY: `bytes` are the first `len` bytes of the `&str`
                // given to `Name::new`, which are valid UTF-8, and nothing
                // changes them. (Checking them again would cost every read,
                // and sorting the names reads each many times.)
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            Repr::Heap(s) => s,
        }
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_every_length_read_back() {
        let long = "Démocratique_".repeat(4);
        for end in (0..=long.len()).filter(|&i| long.is_char_boundary(i)) {
            let s = &long[..end];
            let name = Name::new(s);
            assert_eq!(name.as_str(), s);
            assert_eq!(name.clone(), name);
            assert_eq!(matches!(name.0, Repr::Inline { .. }), s.len() <= INLINE);
        }
    }
}

/// A name in Unicode normal form C, so that `Café` typed with a combining
/// accent is the same name as with a precomposed `é`. Borrowed as it is
/// when it is already (every ASCII name is).
pub fn nfc(name: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if name.is_ascii() || is_nfc_quick(name.chars()) == IsNormalized::Yes {
        return name;
    }
    std::borrow::Cow::Owned(name.nfc().collect())
}

#[cfg(test)]
mod nfc_tests {
    use super::nfc;
    use std::borrow::Cow;

    #[test]
    fn decomposed_names_are_composed() {
        assert_eq!(nfc(Cow::Borrowed("Cafe\u{301}")), "Caf\u{e9}");
        assert!(matches!(nfc(Cow::Borrowed("Caf\u{e9}")), Cow::Borrowed(_)));
        assert!(matches!(
            nfc(Cow::Borrowed("North_Korea")),
            Cow::Borrowed(_)
        ));
        assert_eq!(nfc(Cow::Borrowed("\u{1100}\u{1161}")), "\u{ac00}");
    }
}
