//! Long lists shown a page at a time: the page asked for in an address, and the slice of a list
//! it shows.

/// A page number as an address gives it: a whole number from 1. No number means the first page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(usize);

impl PageNumber {
    pub const FIRST: Self = Self(1);

    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        match text.map(str::trim).filter(|text| !text.is_empty()) {
            None => Ok(Self::FIRST),
            Some(text) => text
                .parse()
                .ok()
                .filter(|number| *number >= 1)
                .map(Self)
                .ok_or_else(|| format!("There is no page \"{text}\": pages are numbered from 1.")),
        }
    }
}

/// Where one page sits in a list: its number (a page past the end shows the last one), how many
/// pages there are, and the positions (from 1) of its first and last items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageOf {
    pub number: usize,
    pub pages: usize,
    pub first: usize,
    pub last: usize,
    pub total: usize,
}

impl PageOf {
    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    pub fn has_next(&self) -> bool {
        self.number < self.pages
    }
}

/// The items on one page of `per_page`, and where that page sits.
pub fn page_of<T>(items: Vec<T>, asked: PageNumber, per_page: usize) -> (Vec<T>, PageOf) {
    let per_page = per_page.max(1);
    let total = items.len();
    let pages = total.div_ceil(per_page).max(1);
    let number = asked.0.min(pages);
    let skipped = (number - 1) * per_page;
    let shown: Vec<T> = items.into_iter().skip(skipped).take(per_page).collect();
    let place = PageOf {
        number,
        pages,
        first: if shown.is_empty() { 0 } else { skipped + 1 },
        last: skipped + shown.len(),
        total,
    };
    (shown, place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_number_is_a_whole_number_from_one() {
        assert_eq!(PageNumber::parse(None), Ok(PageNumber::FIRST));
        assert_eq!(PageNumber::parse(Some(" ")), Ok(PageNumber::FIRST));
        assert_eq!(PageNumber::parse(Some("3")), Ok(PageNumber(3)));
        for wrong in ["0", "-1", "two", "1.5"] {
            let refused = PageNumber::parse(Some(wrong)).unwrap_err();
            assert!(refused.contains(&format!("\"{wrong}\"")), "{refused}");
        }
    }

    #[test]
    fn a_page_shows_its_slice_and_says_where_it_is() {
        let items: Vec<u32> = (1..=120).collect();
        let (shown, place) = page_of(items.clone(), PageNumber(2), 50);
        assert_eq!(shown, (51..=100).collect::<Vec<_>>());
        assert_eq!(
            (place.number, place.pages, place.first, place.last),
            (2, 3, 51, 100)
        );
        assert!(place.has_previous() && place.has_next());

        let (shown, place) = page_of(items, PageNumber(9), 50);
        assert_eq!(shown.len(), 20, "past the end shows the last page");
        assert_eq!(
            (place.number, place.first, place.last, place.total),
            (3, 101, 120, 120)
        );
        assert!(!place.has_next());
    }

    #[test]
    fn an_empty_list_has_one_empty_page() {
        let (shown, place) = page_of(Vec::<u8>::new(), PageNumber(4), 50);
        assert!(shown.is_empty());
        assert_eq!(
            (place.number, place.pages, place.first, place.last),
            (1, 1, 0, 0)
        );
        assert!(!place.has_previous() && !place.has_next());
    }
}
