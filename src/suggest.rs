//! "Did you mean" suggestions by edit distance.

/// The longest word, in characters, that gets a suggestion.
pub const MAX_WORD: usize = 256;

/// The candidate closest to `word`, if it is close enough to be a likely
/// slip: at most a third of the word's length away, and at least one edit.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let length = word.chars().count();
    // A slip in a name this long is not what went wrong; comparing it with
    // every name would take seconds.
    if length > MAX_WORD {
        return None;
    }
    let limit = (length / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == word
            || candidate.len() > 4 * (length + limit)
            || candidate.chars().count().abs_diff(length) > limit
        {
            continue;
        }
        let d = distance(word, candidate);
        let better = match best {
            None => true,
            Some((bd, bc)) => d < bd || (d == bd && candidate < bc),
        };
        if d <= limit && better {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance (Levenshtein, with a swap of two neighbouring characters
/// as one edit), counting characters, case differences as half price
/// (rounded up) so that `china` finds `China` before `Chin`.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: the one before last, for swaps.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len() * 2).step_by(2).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = (i + 1) * 2;
        for (j, &cb) in b.iter().enumerate() {
            let sub = if ca == cb {
                0
            } else if ca.to_lowercase().eq(cb.to_lowercase()) {
                1
            } else {
                2
            };
            cur[j + 1] = (prev[j] + sub).min(prev[j + 1] + 2).min(cur[j] + 2);
            if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                cur[j + 1] = cur[j + 1].min(before[j - 1] + 2);
            }
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].div_ceil(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let names = ["China", "Russia", "North_Korea", "South_Korea"];
        assert_eq!(did_you_mean("Chna", names), Some("China"));
        assert_eq!(did_you_mean("china", names), Some("China"));
        assert_eq!(did_you_mean("North_Kroea", names), Some("North_Korea"));
        assert_eq!(did_you_mean("Brazil", names), None);
        assert_eq!(did_you_mean("China", names), None);
        // Lengths in characters, not bytes (each of these is 3 bytes).
        assert_eq!(did_you_mean("北朝", ["北朝鮮"]), Some("北朝鮮"));
        let long = "a".repeat(MAX_WORD + 1);
        assert_eq!(did_you_mean(&long, [&long[1..]]), None);
        let long = "a".repeat(MAX_WORD);
        assert_eq!(did_you_mean(&long, [&long[1..]]), Some(&long[1..]));
    }

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", "ABC"), 2);
        assert_eq!(distance(".mdoe", ".mode"), 1, "a swap is one edit");
    }
}
