//! The order of a study's scenario pages: the same for everyone, or dealt out so that every
//! order is shown equally often (a participant's order is drawn at consent and kept).

use serde::Deserialize;

use super::definition::{Invalid, Page, invalid};

/// All orders of more pages than this are too many to balance in a study of a few dozen people.
pub const MOST_PAGES_IN_ALL_ORDERS: usize = 6;
const MOST_PAGES_IN_LATIN_SQUARE: usize = 12;

/// How the orders participants may be shown are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrderDesign {
    /// Everyone sees the pages in the file's order.
    Fixed,
    /// Every order of the pages (3 pages: 6 orders).
    AllOrders,
    /// A balanced Latin square (Williams design): each page is shown in each position equally
    /// often and follows each other page equally often, with far fewer orders than all of them.
    LatinSquare,
}

impl OrderDesign {
    pub fn name(self) -> &'static str {
        match self {
            Self::Fixed => "fixed",
            Self::AllOrders => "all-orders",
            Self::LatinSquare => "latin-square",
        }
    }
}

/// The `[scenario_order]` table of a study file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenarioOrder {
    design: OrderDesign,
    pages: Vec<String>,
}

/// The pages that change places, and the orders they are dealt in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioOrder {
    pub design: OrderDesign,
    /// The varied pages' slugs, in the file's order.
    pub pages: Vec<String>,
    /// Where the varied pages sit among all the study's pages: the places they take turns in.
    places: Vec<usize>,
    /// Each order a participant may be dealt, as indexes into `pages`.
    orders: Vec<Vec<usize>>,
}

impl RawScenarioOrder {
    /// None when the design is fixed: then nothing changes places (the pages are checked all the
    /// same, so that switching the design on later needs no other change).
    pub(super) fn validate(self, study_pages: &[Page]) -> Result<Option<ScenarioOrder>, Invalid> {
        let most = match self.design {
            OrderDesign::AllOrders => MOST_PAGES_IN_ALL_ORDERS,
            _ => MOST_PAGES_IN_LATIN_SQUARE,
        };
        if !(2..=most).contains(&self.pages.len()) {
            return Err(invalid(
                "scenario_order.pages",
                format!(
                    "list between 2 and {most} pages for the design \"{}\"",
                    self.design.name()
                ),
            ));
        }
        let mut places = Vec::with_capacity(self.pages.len());
        for (i, slug) in self.pages.iter().enumerate() {
            let field = format!("scenario_order.pages[{i}]");
            let place = study_pages
                .iter()
                .position(|page| &page.slug == slug)
                .ok_or_else(|| invalid(&field, format!("the study has no page \"{slug}\"")))?;
            if places.contains(&place) {
                return Err(invalid(&field, format!("\"{slug}\" is listed twice")));
            }
            places.push(place);
        }
        let mut in_file_order: Vec<(usize, String)> = places.iter().copied().zip(self.pages).collect();
        in_file_order.sort();
        let (places, pages): (Vec<usize>, Vec<String>) = in_file_order.into_iter().unzip();
        let count = places.len();
        let orders = match self.design {
            OrderDesign::Fixed => return Ok(None),
            OrderDesign::AllOrders => all_orders(count),
            OrderDesign::LatinSquare => williams_square(count),
        };
        Ok(Some(ScenarioOrder {
            design: self.design,
            pages,
            places,
            orders,
        }))
    }
}

impl ScenarioOrder {
    /// How many different orders are dealt.
    pub fn order_count(&self) -> usize {
        self.orders.len()
    }

    /// Every order that may be dealt, as stored.
    pub fn all_dealt(&self) -> Vec<String> {
        self.orders.iter().map(|order| self.stored(order)).collect()
    }

    /// Which of the varied places (from 1) the page at `page_index` of the study is, if any.
    pub fn place_number(&self, page_index: usize) -> Option<usize> {
        self.places
            .iter()
            .position(|&place| place == page_index)
            .map(|i| i + 1)
    }

    fn stored(&self, order: &[usize]) -> String {
        order
            .iter()
            .map(|&i| self.pages[i].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The order dealt for a number drawn from the study's counter (see [`balanced_cell`]), as
    /// it is stored with the response: the varied pages' slugs, space-separated, as shown.
    pub fn dealt(&self, draw: u64, salt: u64) -> String {
        self.stored(&self.orders[balanced_cell(draw, salt, self.orders.len())])
    }

    /// The varied pages in a stored order, as indexes into `pages`; None unless it names each
    /// varied page exactly once.
    pub fn read(&self, stored: &str) -> Option<Vec<usize>> {
        let mut order = Vec::with_capacity(self.pages.len());
        for slug in stored.split(' ') {
            let index = self.pages.iter().position(|page| page == slug)?;
            if order.contains(&index) {
                return None;
            }
            order.push(index);
        }
        (order.len() == self.pages.len()).then_some(order)
    }

    /// The study's pages as a participant with this stored order meets them.
    pub(super) fn arrange<T: Clone>(&self, pages: &[T], order: &[usize]) -> Vec<T> {
        let mut arranged = pages.to_vec();
        for (&place, &varied) in self.places.iter().zip(order) {
            arranged[place] = pages[self.places[varied]].clone();
        }
        arranged
    }
}

/// Every order of `count` pages, the file's order first.
fn all_orders(count: usize) -> Vec<Vec<usize>> {
    fn extend(prefix: &mut Vec<usize>, count: usize, out: &mut Vec<Vec<usize>>) {
        if prefix.len() == count {
            out.push(prefix.clone());
            return;
        }
        for next in 0..count {
            if !prefix.contains(&next) {
                prefix.push(next);
                extend(prefix, count, out);
                prefix.pop();
            }
        }
    }
    let mut out = Vec::new();
    extend(&mut Vec::with_capacity(count), count, &mut out);
    out
}

/// A Williams design: rows 0, 1, n-1, 2, n-2, … shifted by each row's number; for an odd number
/// of pages the rows reversed as well, which an odd square needs to balance what follows what.
fn williams_square(count: usize) -> Vec<Vec<usize>> {
    let first: Vec<usize> = (0..count)
        .map(|j| match j {
            0 => 0,
            j if j % 2 == 1 => j.div_ceil(2),
            j => count - j / 2,
        })
        .collect();
    let mut rows: Vec<Vec<usize>> = (0..count)
        .map(|shift| first.iter().map(|&p| (p + shift) % count).collect())
        .collect();
    if count % 2 == 1 {
        let reversed: Vec<Vec<usize>> = rows
            .iter()
            .map(|row| row.iter().rev().copied().collect())
            .collect();
        rows.extend(reversed);
    }
    rows
}

/// The cell (0..cells) for the `draw`-th participant (from 1) of a counter with its own `salt`:
/// draws are dealt in blocks of `cells`, each block a shuffle of every cell, so after any number
/// of draws every cell has been dealt equally often, give or take one, and the next cell cannot
/// be told from the ones before it without the salt.
pub fn balanced_cell(draw: u64, salt: u64, cells: usize) -> usize {
    let cells_u64 = cells.max(1) as u64;
    let index = draw.saturating_sub(1);
    let block = index / cells_u64;
    let position = (index % cells_u64) as usize;
    let mut shuffled: Vec<usize> = (0..cells.max(1)).collect();
    let mut state = salt ^ block.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for i in (1..shuffled.len()).rev() {
        let j = (split_mix(&mut state) % (i as u64 + 1)) as usize;
        shuffled.swap(i, j);
    }
    shuffled[position]
}

/// SplitMix64: a small generator that needs no crate, so that the blocks dealt from a stored
/// salt stay the same whatever else is upgraded.
fn split_mix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn all_orders_lists_each_order_once() {
        let orders = all_orders(3);
        assert_eq!(orders.len(), 6);
        assert_eq!(orders[0], vec![0, 1, 2]);
        assert_eq!(orders.iter().collect::<HashSet<_>>().len(), 6);
    }

    /// Each page in each position equally often; each page followed by each other equally often.
    fn assert_balanced(rows: &[Vec<usize>], count: usize) {
        for position in 0..count {
            let mut seen = vec![0; count];
            for row in rows {
                seen[row[position]] += 1;
            }
            assert!(seen.iter().all(|&n| n == seen[0]), "position {position}: {seen:?}");
        }
        let mut follows = vec![vec![0; count]; count];
        for row in rows {
            for pair in row.windows(2) {
                follows[pair[0]][pair[1]] += 1;
            }
        }
        let expected = follows[0][1];
        for (a, row) in follows.iter().enumerate() {
            for (b, &n) in row.iter().enumerate() {
                if a != b {
                    assert_eq!(n, expected, "{a} then {b}");
                }
            }
        }
    }

    #[test]
    fn williams_squares_balance_places_and_what_follows_what() {
        for count in 2..=MOST_PAGES_IN_LATIN_SQUARE {
            let rows = williams_square(count);
            let expected_rows = if count % 2 == 0 { count } else { 2 * count };
            assert_eq!(rows.len(), expected_rows, "{count} pages");
            assert_balanced(&rows, count);
        }
    }

    #[test]
    fn every_block_of_draws_deals_every_cell_once() {
        for cells in [1, 2, 6, 7] {
            for block in 0..50u64 {
                let dealt: HashSet<usize> = (1..=cells as u64)
                    .map(|i| balanced_cell(block * cells as u64 + i, 42, cells))
                    .collect();
                assert_eq!(dealt.len(), cells);
            }
        }
    }

    #[test]
    fn blocks_are_shuffled_differently() {
        let blocks: HashSet<Vec<usize>> = (0..20u64)
            .map(|block| (1..=6).map(|i| balanced_cell(block * 6 + i, 7, 6)).collect())
            .collect();
        assert!(blocks.len() > 5, "only {} different blocks", blocks.len());
    }

    #[test]
    fn arranging_moves_only_the_varied_pages() {
        let order = ScenarioOrder {
            design: OrderDesign::AllOrders,
            pages: vec!["a".into(), "b".into(), "c".into()],
            places: vec![1, 2, 4],
            orders: all_orders(3),
        };
        let pages = ["intro", "a", "b", "middle", "c", "end"];
        let stored = "c a b";
        let read = order.read(stored).unwrap();
        assert_eq!(order.arrange(&pages, &read), ["intro", "c", "a", "middle", "b", "end"]);
        assert_eq!(order.read("a a b"), None);
        assert_eq!(order.read("a b"), None);
        assert_eq!(order.read("a b d"), None);
    }
}
