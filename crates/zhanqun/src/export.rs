//! `zhanqun export`: writes every public page of every active site as files, exactly as the
//! server would send them (identity coding), laid out for a static web server with one root
//! per host. Used by the benchmark against nginx, and as an offline snapshot of the cluster.
//!
//! Layout: `{out}/{host}/index.html` for `/`, `{out}/{host}/col/x/index.html` for `/col/x/`,
//! other paths as themselves; static assets in `{out}/_static/`; a manifest `{out}/pages.tsv`
//! with one `host<TAB>path<TAB>bytes` line per page. The pictures a page loads besides the
//! shared assets (each article's QR code, `/art/{id}.qr.svg`) are written beside the pages and
//! listed in `{out}/pictures.tsv`, not among the pages: like the static assets, they are what
//! a browser fetches for a page (lazily), not pages of their own.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use zq_domain::{ColumnKind, TenantStatus};
use zq_http::AppState;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Store(#[from] zq_store::StoreError),
    #[error("rendering {host}{path} failed with status {status}")]
    Page {
        host: String,
        path: String,
        status: u16,
    },
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportReport {
    pub sites: usize,
    pub pages: usize,
    pub bytes: u64,
    /// Pictures of single pages (the articles' QR codes).
    pub pictures: usize,
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    std::fs::write(path, bytes).map_err(err)
}

fn page_err(host: &str, path: &str, status: u16) -> ExportError {
    ExportError::Page {
        host: host.into(),
        path: path.into(),
        status,
    }
}

/// Fetches one page through the router, as a client on `host:port` would.
async fn fetch(
    router: &axum::Router,
    host: &str,
    port: u16,
    path: &str,
) -> Result<(StatusCode, Vec<u8>), ExportError> {
    let req = Request::builder()
        .uri(path)
        .header(header::HOST, format!("{host}:{port}"))
        .body(Body::empty())
        .map_err(|_| page_err(host, path, 400))?;
    let res = router
        .clone()
        .oneshot(req)
        .await
        .map_err(|_| page_err(host, path, 500))?;
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .map_err(|_| page_err(host, path, 500))?;
    Ok((status, bytes.to_vec()))
}

/// Where a URL path lands under the host's root.
fn file_for(root: &Path, path: &str) -> PathBuf {
    let rel = path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        root.join(rel).join("index.html")
    } else {
        root.join(rel)
    }
}

/// Exports every active site. `port` is the port the pages' links should carry.
pub async fn export(state: &AppState, out: &Path, port: u16) -> Result<ExportReport, ExportError> {
    let snap = state.registry().snapshot();
    let store = state.store();
    let router = zq_http::router(state.clone());
    let tenants: Vec<_> = store
        .list_tenants()
        .await?
        .into_iter()
        .filter(|t| t.status == TenantStatus::Active)
        .collect();
    let mut report = ExportReport::default();
    let mut manifest = Vec::new();
    let mut pictures = Vec::new();
    let bar = indicatif::ProgressBar::new(tenants.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} sites  {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    for (file, asset) in state.renderer().assets().files() {
        write(&out.join("_static").join(file), asset.bytes)?;
    }
    for t in &tenants {
        let Some(host) = t.hosts.first().map(|h| h.as_str().to_owned()) else {
            continue;
        };
        let Some(site) = snap.by_code(t.code.as_str()) else {
            continue;
        };
        bar.set_message(t.name.clone());
        let mut paths = vec![
            "/".to_owned(),
            "/sitemap.html".to_owned(),
            "/sitemap.xml".to_owned(),
        ];
        for c in &site.columns {
            match c.kind {
                ColumnKind::ExternalLink => {}
                ColumnKind::SinglePage => paths.push(format!("/col/{}/", c.slug)),
                ColumnKind::ArticleList => {
                    paths.push(format!("/col/{}/atom.xml", c.slug));
                    paths.push(format!("/col/{}/", c.slug));
                    // Later pages exist until the first that does not.
                    for n in 2.. {
                        let p = format!("/col/{}/page/{n}/", c.slug);
                        let (status, _) = fetch(&router, &host, port, &p).await?;
                        if status != StatusCode::OK {
                            break;
                        }
                        paths.push(p);
                    }
                }
            }
        }
        let articles = store.all_published(t.id, 50_000).await?;
        paths.extend(articles.iter().map(|a| format!("/art/{}.html", a.id)));
        let root = out.join(&host);
        let pictures_of = articles.iter().map(|a| format!("/art/{}.qr.svg", a.id));
        // The pages, then the QR code of each article's address, which its page shows.
        for (path, picture) in paths
            .into_iter()
            .map(|p| (p, false))
            .chain(pictures_of.map(|p| (p, true)))
        {
            let (status, body) = fetch(&router, &host, port, &path).await?;
            if status == StatusCode::NOT_FOUND && path.starts_with("/col/") {
                continue; // an empty single-page column
            }
            if status != StatusCode::OK {
                return Err(ExportError::Page {
                    host,
                    path,
                    status: status.as_u16(),
                });
            }
            write(&file_for(&root, &path), &body)?;
            let list = if picture {
                &mut pictures
            } else {
                &mut manifest
            };
            writeln!(list, "{host}\t{path}\t{}", body.len()).ok();
            if picture {
                report.pictures += 1;
            } else {
                report.pages += 1;
                report.bytes += body.len() as u64;
            }
        }
        report.sites += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    write(&out.join("pages.tsv"), &manifest)?;
    write(&out.join("pictures.tsv"), &pictures)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_files_a_static_server_finds() {
        let root = Path::new("/x/www.h");
        assert_eq!(file_for(root, "/"), Path::new("/x/www.h/index.html"));
        assert_eq!(
            file_for(root, "/col/gzdt/"),
            Path::new("/x/www.h/col/gzdt/index.html")
        );
        assert_eq!(
            file_for(root, "/col/gzdt/page/2/"),
            Path::new("/x/www.h/col/gzdt/page/2/index.html")
        );
        assert_eq!(
            file_for(root, "/art/12.html"),
            Path::new("/x/www.h/art/12.html")
        );
        assert_eq!(
            file_for(root, "/col/gzdt/atom.xml"),
            Path::new("/x/www.h/col/gzdt/atom.xml")
        );
    }
}
