//! The browser's files (the wasm, its JS and the CSS) under names that carry a hash of their
//! content, `/pkg/vignette.<hash>.wasm`: browsers keep them for a year without asking again, and a
//! new build has new names. They are read and compressed once, at start-up.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::routing::get;
use sha2::{Digest, Sha256};

const KINDS: [(&str, &str); 3] = [
    ("wasm", "application/wasm"),
    ("js", "text/javascript; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
];
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Brotli's best: paid once per start, for the smallest download on a slow phone.
const BROTLI_QUALITY: u32 = 11;

/// One file, as sent: plain and brotli-compressed.
struct Asset {
    kind: &'static str,
    content_type: &'static str,
    plain: Bytes,
    brotli: Bytes,
}

/// The built files of one version of the app.
#[derive(Clone)]
pub struct Assets {
    /// `vignette.<hash>`: what pages name the files by.
    output_name: String,
    files: Arc<Vec<Asset>>,
}

impl Assets {
    /// Reads `<pkg_dir>/<output_name>.{wasm,js,css}`; `None` when they have not been built (a
    /// server built by plain cargo, as the integration tests use, serves pages without them).
    pub fn load(pkg_dir: &Path, output_name: &str) -> Option<Self> {
        let mut hasher = Sha256::new();
        let mut files = Vec::with_capacity(KINDS.len());
        for (kind, content_type) in KINDS {
            let plain = std::fs::read(pkg_dir.join(format!("{output_name}.{kind}"))).ok()?;
            hasher.update(&plain);
            let brotli = compress(&plain).into();
            files.push(Asset {
                kind,
                content_type,
                plain: plain.into(),
                brotli,
            });
        }
        let hash = hasher.finalize();
        let version: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
        Some(Self {
            output_name: format!("{output_name}.{version}"),
            files: Arc::new(files),
        })
    }

    /// The name to give Leptos, so the pages' script and link tags use the hashed names.
    pub fn output_name(&self) -> &str {
        &self.output_name
    }

    /// `GET /pkg/<output_name>.<kind>` for each file; other names are left to the static files.
    pub fn routes<S: Clone + Send + Sync + 'static>(&self, pkg_path: &str) -> Router<S> {
        let mut router = Router::new();
        for (index, asset) in self.files.iter().enumerate() {
            let name = format!("/{pkg_path}/{}.{}", self.output_name, asset.kind);
            let files = self.files.clone();
            let send = move |headers: HeaderMap| async move { send(&files[index], &headers) };
            router = router.route(&name, get(send.clone()));
            if asset.kind == "wasm" {
                // A server built without cargo-leptos names the wasm `<name>_bg.wasm`.
                let name = format!("/{pkg_path}/{}_bg.wasm", self.output_name);
                router = router.route(&name, get(send));
            }
        }
        router
    }
}

fn send(asset: &Asset, headers: &HeaderMap) -> Response {
    let takes_brotli = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| coding.split(';').next().is_some_and(|c| c.trim() == "br"));
    let body = if takes_brotli {
        &asset.brotli
    } else {
        &asset.plain
    };
    let mut response = Response::new(Body::from(body.clone()));
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(FOREVER));
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if takes_brotli {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
    }
    response
}

fn compress(plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(plain.len() / 3);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &plain[..], &mut out, &params).expect("compressing in memory");
    out
}
