//! The thematic map: the themes (not discarded), their subthemes and codes drawn as SVG, the
//! same as a nested list for those who do not see the drawing, and dated snapshots kept to see
//! how the themes changed.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AnalysisHeading;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{load_by_study, when_loaded};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    pub slug: String,
    pub study_title: String,
    /// The drawing, made on the server from the study's themes and codes (its words escaped).
    pub svg: String,
    pub outline: Vec<MapBranch>,
    /// (id, when, by whom) of each snapshot, newest first.
    pub snapshots: Vec<(String, String, String)>,
}

/// A box of the map and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapBranch {
    pub label: String,
    pub children: Vec<MapBranch>,
}

#[server]
pub async fn load_map(study: String) -> Result<MapView, ServerFnError> {
    load::map(&study).await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use domain::analysis::map::ThematicMap;
    use domain::storage::thematic_map;

    use super::*;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;

    pub async fn map(slug: &str) -> Result<MapView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = crate::auth::research_study(&state, &staff, slug).await?;
        let analysis = state.storage.analysis();
        let map = current_map(&state, &study.slug).await?;
        let snapshots = analysis
            .map_snapshots(&study.slug)
            .await?
            .into_iter()
            .map(|snapshot| {
                let who = super::super::coder_name(snapshot.taken_by.as_deref());
                (
                    snapshot.id,
                    domain::clock::moment_of(snapshot.taken_at),
                    who,
                )
            })
            .collect();
        Ok(MapView {
            slug: study.slug.to_string(),
            study_title: study.title.clone(),
            svg: map.svg(&title(&study.title)),
            outline: outline(&map),
            snapshots,
        })
    }

    pub fn title(study_title: &str) -> String {
        format!("Thematic map: {study_title}")
    }

    pub async fn current_map(
        state: &crate::state::AppState,
        slug: &domain::ids::StudySlug,
    ) -> Result<ThematicMap, AppError> {
        let analysis = state.storage.analysis();
        let themes = analysis.themes(slug).await?;
        let codes = analysis.codes(slug).await?;
        Ok(thematic_map(&themes, &codes))
    }

    /// The boxes as a tree: each box with the boxes its lines lead to.
    fn outline(map: &ThematicMap) -> Vec<MapBranch> {
        let has_parent = |index: usize| map.edges.iter().any(|&(_, to)| to == index);
        (0..map.nodes.len())
            .filter(|&index| !has_parent(index))
            .map(|index| branch(map, index))
            .collect()
    }

    fn branch(map: &ThematicMap, index: usize) -> MapBranch {
        MapBranch {
            label: map.nodes[index].label.clone(),
            children: map
                .edges
                .iter()
                .filter(|&&(from, _)| from == index)
                .map(|&(_, to)| branch(map, to))
                .collect(),
        }
    }
}

#[component]
pub fn MapPage() -> impl IntoView {
    let data = load_by_study(load_map);
    when_loaded(data, |view| {
        let base = format!("/admin/studies/{}/analysis/map", view.slug);
        let empty = view.outline.is_empty();
        view! {
            <AnalysisHeading slug=view.slug.clone() study_title=view.study_title.clone() heading="Thematic map".to_owned()/>
            {if empty {
                view! { <p>"No themes or codes yet: the map draws them once there are some."</p> }.into_any()
            } else {
                view! {
                    <p>"Each theme that is not discarded, with its subthemes and codes beneath it; codes in no theme are in the last column. Long names are cut in the drawing: the list below it has them whole."</p>
                    <div class="map-scroll" tabindex="0" role="region" aria-label="The thematic map, scrollable" inner_html=view.svg.clone()></div>
                    <h2 class="heading-s">"The map as a list"</h2>
                    <MapList branches=view.outline.clone()/>
                }.into_any()
            }}
            <h2 class="heading-s" id="snapshots">"Dated snapshots"</h2>
            <p>"Keep the map as it is now, to look back at how the themes changed."</p>
            <form method="post" action=format!("{base}/snapshots") novalidate>
                <button type="submit" class="button button--secondary">"Keep a snapshot of the map"</button>
            </form>
            {if view.snapshots.is_empty() {
                view! { <p>"No snapshots yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {view.snapshots.into_iter().map(|(id, when, who)| view! {
                            <li><a href=format!("{base}/snapshots/{id}") download="">{format!("The map of {when}, kept by {who} (SVG)")}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        }
        .into_any()
    })
}

#[component]
fn MapList(branches: Vec<MapBranch>) -> impl IntoView {
    view! {
        <ul class="list map-list">
            {branches.into_iter().map(|branch| {
                let children = (!branch.children.is_empty()).then(|| {
                    view! { <MapList branches=branch.children.clone()/> }.into_any()
                });
                view! { <li>{branch.label}{children}</li> }
            }).collect_view()}
        </ul>
    }
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::extract::{Path, State};
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::{get, post};

    use super::load::{current_map, title};
    use crate::auth::Researcher;
    use crate::error::AppError;
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route("/admin/studies/{study}/analysis/map/snapshots", post(keep))
            .route(
                "/admin/studies/{study}/analysis/map/snapshots/{id}",
                get(snapshot),
            )
    }

    async fn keep(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path(slug): Path<String>,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let svg = current_map(&state, &study.slug)
            .await?
            .svg(&title(&study.title));
        state
            .storage
            .analysis()
            .keep_map_snapshot(&study.slug, (&staff.record.id, state.clock.now()), &svg)
            .await?;
        super::super::log_change(&state, &study.slug, &staff, "map snapshot kept", "").await?;
        let back = format!("/admin/studies/{}/analysis/map#snapshots", study.slug);
        Ok(Redirect::to(&back).into_response())
    }

    async fn snapshot(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        Path((slug, id)): Path<(String, String)>,
    ) -> Result<Response, AppError> {
        let study = crate::auth::research_study(&state, &staff, &slug).await?;
        let svg = state
            .storage
            .analysis()
            .map_snapshot_svg(&study.slug, &id)
            .await?
            .ok_or(AppError::UnknownSnapshot)?;
        let name = format!("{}-thematic-map-{id}.svg", study.slug);
        Ok(crate::downloads::attachment("image/svg+xml", &name, svg))
    }
}
