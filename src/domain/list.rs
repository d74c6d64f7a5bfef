//! Mailing lists as visitors name them.

use sha2::{Digest, Sha256};

use crate::i18n::Lang;

/// A list's slug: its name in kebab case, ASCII letters and digits only
/// ("Weekly News!" becomes `weekly-news`).
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Whether `text` could be a slug we made; anything else is an unknown list.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 100
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The hash recorded with each consent event, which proves which exact
/// wording the visitor saw.
pub fn wording_hash(wording: &str) -> String {
    hex::encode(Sha256::digest(wording.as_bytes()))
}

/// The consent wording a new list starts with, in its language.
pub fn default_wording(list_name: &str, org_name: &str, lang: Lang) -> String {
    lang.t2(
        "default-consent-wording",
        "list",
        list_name,
        "org",
        org_name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_kebab_case() {
        assert_eq!(slugify("Newsletter"), "newsletter");
        assert_eq!(slugify("  Weekly   News! 2026 "), "weekly-news-2026");
        assert_eq!(slugify("Café Été"), "caf-t");
        assert_eq!(slugify("!!!"), "");
        assert!(is_slug("weekly-news-2026"));
        assert!(!is_slug("Weekly"));
        assert!(!is_slug(""));
    }

    #[test]
    fn wording_hash_changes_with_the_wording() {
        assert_eq!(wording_hash("a").len(), 64);
        assert_ne!(wording_hash("a"), wording_hash("b"));
    }
}
