//! Articles and their public visibility.

use crate::named_enum;

named_enum!(
    /// Where an article stands in its life. Only `Published` is public.
    ArticleStatus, "article status" {
        Draft = "draft",
        Published = "published",
        Withdrawn = "withdrawn",
    }
);

impl ArticleStatus {
    /// Whether the public may see an article in this status.
    pub fn is_public(self) -> bool {
        self == ArticleStatus::Published
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_published_articles_are_public() {
        for s in ArticleStatus::ALL {
            assert_eq!(s.is_public(), *s == ArticleStatus::Published, "{s}");
        }
    }
}
