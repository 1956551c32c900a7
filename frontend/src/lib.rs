//! The browser's part: only the islands, the few interactive pieces of pages that are otherwise
//! plain server-rendered HTML (autosaving fields, the error summary's links, the idle warning).

use wasm_bindgen::prelude::wasm_bindgen;

// Links the app, whose islands export their own hydration functions: nothing here calls them, so
// without this the linker would leave the whole crate out.
extern crate app as _;

/// Called by the island script once the wasm has loaded; the script then hydrates each island on
/// the page, in the same task.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    mark_hydrated();
}

/// Marks the page as live, so tests (and styles) can tell: the island script hydrates the islands
/// right after this returns, before the browser does anything else.
fn mark_hydrated() {
    if let Some(main) = leptos::prelude::document().get_element_by_id("main") {
        let _ = main.set_attribute("data-hydrated", "true");
    }
}
