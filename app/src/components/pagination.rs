//! Links to the pages before and after one page of a long list, keeping the list's filter.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a page sits in its list (see `domain::paging::PageOf`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PageView {
    pub number: usize,
    pub pages: usize,
    pub first: usize,
    pub last: usize,
    pub total: usize,
}

#[cfg(feature = "ssr")]
impl From<domain::paging::PageOf> for PageView {
    fn from(place: domain::paging::PageOf) -> Self {
        Self {
            number: place.number,
            pages: place.pages,
            first: place.first,
            last: place.last,
            total: place.total,
        }
    }
}

impl PageView {
    /// "page 2 of 200".
    pub fn words(&self) -> String {
        format!("page {} of {}", self.number, self.pages)
    }
}

/// "Previous page" and "Next page" where there are such pages. `path` is the list's address and
/// `filter` its query without the page ("setting=inpatient", with or without its "?").
#[component]
pub fn Pagination(
    #[prop(into)] label: String,
    place: PageView,
    path: String,
    filter: String,
) -> impl IntoView {
    let filter = filter.trim_start_matches('?');
    let joiner = if filter.is_empty() { "" } else { "&" };
    let href = move |number: usize| format!("{path}?{filter}{joiner}page={number}");
    let previous = (place.number > 1).then(|| href(place.number - 1));
    let next = (place.number < place.pages).then(|| href(place.number + 1));
    view! {
        <nav class="pagination" aria-label=label>
            {previous.map(|href| view! { <a href=href rel="prev">"Previous page"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
        </nav>
    }
}
