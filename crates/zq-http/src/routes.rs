//! The route table: every path the platform answers, in one place, so that a newcomer finds
//! the handler behind a URL here and nowhere else. Handlers live in the module named by their
//! capability (`site`, `console::…`, `api::…`); this file only says which path goes where and
//! which layers (headers, body limits, timeouts) wrap each group.
//!
//! Order of resolution for a public request: a cached page is answered before this router
//! (`site::cached`, from `server::serve_public`); then the routes below; anything else is a
//! page of a tenant site (`site::handle`, the fallback), chosen by Host or `/sites/{code}/`.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path};
use axum::http::StatusCode;
use axum::routing::{any, delete, get, post, put};
use tower_http::timeout::TimeoutLayer;

use crate::console::{self, BASE, see_other};
use crate::{AppState, api, site};

/// The public listener's router: health, assets, public forms, the console, the API, and every
/// other path to the public site.
pub fn router(state: AppState) -> Router {
    let timeout = state.config().request_timeout;
    Router::new()
        .route("/healthz", get(crate::healthz))
        .route("/readyz", get(crate::readyz))
        .route("/static/{file}", get(crate::static_asset))
        // Health, readiness and assets get their headers and timeout from layers; the site
        // handler sets its own headers and bounds only renders, so cache hits pay for neither.
        .route_layer(axum::middleware::map_response(crate::security_headers))
        .route_layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        // Form and JSON bodies lose the characters XML forbids before a handler reads them
        // (`input`); the public forms clean theirs as they read them (`site::forms`). Sign-in
        // posts and API requests pass their rate limits first (`limits`).
        .merge(
            console_routes(&state)
                .layer(axum::middleware::from_fn(crate::input::clean))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    crate::limits::signin,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    crate::metrics::count_console,
                )),
        )
        .merge(
            api_routes()
                .layer(axum::middleware::from_fn(crate::input::clean))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    crate::limits::api,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    crate::metrics::count_api,
                )),
        )
        .merge(form_routes())
        // Console forms are small; the editor, uploads and the API set their own limits.
        .layer(DefaultBodyLimit::max(64 * 1024))
        .fallback(site::handle)
        .with_state(state)
}

/// The operations listener's router: `/metrics` in Prometheus text format.
pub fn ops_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(crate::metrics_text))
        .route("/healthz", get(crate::healthz))
        .with_state(state)
}

/// Public forms: POST on tenant sites (by Host or under the alias), never cached; each form
/// reads its own body under its own limit (`site::forms`). The search page (`site::search`)
/// is reached the same way: it takes a query string, so the page cache never holds it.
fn form_routes() -> Router<AppState> {
    use site::forms::form;
    Router::new()
        .route("/forms/{form}", get(form).post(form))
        .route("/search", get(site::search::page))
        .route("/sites/{code}/search", get(site::search::page))
        .route("/sites/{code}/forms/{form}", get(form).post(form))
}

/// The console, under `/console/` on every host; every answer is `no-store`.
fn console_routes(state: &AppState) -> Router<AppState> {
    use console::articles::{list, restore, review, versions};
    use console::attachments::{attachments, upload};
    use console::editor::{MAX_FORM_BYTES, create, new_form, save, show, step};
    use console::settings::{save_settings, settings};
    use console::{admin, calendar, cases, channels, consult, reporting, tokens};
    let s = "/console/sites/{code}";
    let r = "/console/sites/{code}/reporting";
    let form_limit = || DefaultBodyLimit::max(MAX_FORM_BYTES);
    // Creating forms: a second submit of the same form page creates nothing (`console::once`).
    let once = || axum::middleware::from_fn_with_state(state.clone(), console::once::guard);
    Router::new()
        // Sign-in and the start page.
        .route("/console", get(|| async { see_other(&format!("{BASE}/")) }))
        .route("/console/", get(console::desk::home))
        .route(
            "/console/login",
            get(console::login_page).post(console::login_submit),
        )
        .route(
            "/console/login/code",
            get(console::second_factor::code_page).post(console::second_factor::code_submit),
        )
        .route(
            "/console/account/password",
            get(console::password::page).post(console::password::change),
        )
        .route(
            "/console/account/second-factor",
            get(console::second_factor::page).post(console::second_factor::confirm),
        )
        .route("/console/logout", post(console::logout))
        .route("/console/keepalive", get(console::resume::keepalive))
        .route("/console/resume/{token}", get(console::resume::fields))
        .route("/console/logout-all", post(console::logout_all))
        // One site: articles, review, versions, settings, audit, attachments.
        .route(
            s,
            get(|Path(code): Path<String>| async move {
                see_other(&format!("{BASE}/sites/{code}/"))
            }),
        )
        .route(&format!("{s}/"), get(list))
        .route(&format!("{s}/review"), get(review))
        .route(
            &format!("{s}/articles/new"),
            get(new_form).post(create).layer(form_limit()).layer(once()),
        )
        .route(
            &format!("{s}/articles/{{id}}"),
            get(show).post(save).layer(form_limit()),
        )
        // The lists' bulk actions (批量送审、审核通过、撤回、移动).
        .route(&format!("{s}/articles/bulk"), post(console::bulk::bulk))
        .route(&format!("{s}/articles/{{id}}/versions"), get(versions))
        .route(
            &format!("{s}/articles/{{id}}/versions/{{version}}/restore"),
            post(restore),
        )
        .route(&format!("{s}/articles/{{id}}/{{step}}"), post(step))
        // Delete (into the 回收站) and restore.
        .route(
            &format!("{s}/articles/{{id}}/delete"),
            post(console::recycle::delete_article),
        )
        .route(&format!("{s}/columns/delete"), post(console::recycle::delete_column))
        .route(&format!("{s}/recycle"), get(console::recycle::bin))
        .route(
            &format!("{s}/recycle/{{item}}/restore"),
            post(console::recycle::restore),
        )
        // Correcting a published article through review (修订).
        .route(
            &format!("{s}/articles/{{id}}/revision"),
            get(console::revision::show)
                .post(console::revision::save)
                .layer(form_limit()),
        )
        .route(
            &format!("{s}/articles/{{id}}/revision/{{step}}"),
            post(console::revision::step),
        )
        .route(&format!("{s}/settings"), get(settings).post(save_settings))
        .route(&format!("{s}/audit"), get(console::audit::site))
        .route(&format!("{s}/audit.csv"), get(console::audit::site_csv))
        .route(
            &format!("{s}/attachments"),
            get(attachments).post(upload).layer(form_limit()).layer(once()),
        )
        .route(
            &format!("{s}/attachments/inline"),
            post(console::attachments::inline).layer(form_limit()),
        )
        .route(&format!("{s}/preview"), post(console::preview::preview))
        .route(
            &format!("{s}/autosave"),
            get(console::autosave::get)
                .post(console::autosave::put)
                .layer(form_limit()),
        )
        // One site: its users and roles, its columns.
        .route(
            &format!("{s}/users"),
            get(admin::site_users).post(admin::create_site_user).layer(once()),
        )
        .route(
            &format!("{s}/users/{{login}}/roles"),
            post(admin::set_role),
        )
        .route(
            &format!("{s}/users/{{login}}/reset-password"),
            post(console::accounts::site_reset),
        )
        .route(
            &format!("{s}/users/{{login}}/{{to}}"),
            post(console::accounts::site_switch),
        )
        .route(
            &format!("{s}/columns"),
            get(console::columns::columns)
                .post(console::columns::create_column)
                .layer(once()),
        )
        .route(&format!("{s}/columns/{{id}}"), post(console::columns::update_column))
        // One site: information reporting (信息报送).
        .route(
            &format!("{r}/"),
            get(reporting::outbox).post(reporting::send),
        )
        .route(&format!("{r}/inbox"), get(reporting::inbox))
        .route(&format!("{r}/batch"), post(reporting::batch))
        .route(&format!("{r}/ranking"), get(console::ranking::ranking))
        .route(&format!("{r}/{{id}}"), get(reporting::item))
        .route(&format!("{r}/{{id}}/{{step}}"), post(reporting::step))
        // One site: interaction cases (互动交流).
        .route(&format!("{s}/inspection"), get(console::inspection::site))
        .route(&format!("{s}/search"), get(console::search::site))
        .route(
            &format!("{s}/search/synonyms"),
            post(console::search::site_add_synonym).layer(once()),
        )
        .route(
            &format!("{s}/search/best-bets"),
            post(console::search::site_add_best_bet).layer(once()),
        )
        .route(
            &format!("{s}/search/{{what}}/{{id}}/delete"),
            post(console::search::site_delete),
        )
        .route(&format!("{s}/visits"), get(console::visits::site))
        .route(&format!("{s}/statistics"), get(console::statistics::site))
        .route(&format!("{s}/cases"), get(cases::inbox))
        .route(&format!("{s}/cases/{{id}}"), get(cases::show))
        .route(&format!("{s}/cases/{{id}}/reveal"), post(cases::reveal))
        .route(
            &format!("{s}/cases/{{id}}/files/{{file}}"),
            get(cases::files::download),
        )
        .route(&format!("{s}/cases/{{id}}/{{step}}"), post(cases::step))
        .route(
            &format!("{s}/mailboxes"),
            get(cases::mailboxes::page).post(cases::mailboxes::create).layer(once()),
        )
        .route(&format!("{s}/mailboxes/{{id}}"), post(cases::mailboxes::update))
        .route(&format!("{s}/clock-rules"), post(cases::mailboxes::clock_rules))
        .route(
            &format!("{s}/reply-templates"),
            post(cases::mailboxes::create_template).layer(once()),
        )
        .route(
            &format!("{s}/reply-templates/{{id}}"),
            post(cases::mailboxes::update_template),
        )
        // One site: solicitations, surveys and interviews (征集调查访谈).
        .route(
            &format!("{s}/consult"),
            get(consult::list).post(consult::create).layer(once()),
        )
        .route(
            &format!("{s}/consult/{{id}}"),
            get(consult::show).post(consult::update),
        )
        .route(&format!("{s}/consult/{{id}}/step"), post(consult::step))
        .route(&format!("{s}/consult/{{id}}/close"), post(consult::close))
        .route(&format!("{s}/consult/{{id}}/export.csv"), get(consult::export))
        .route(
            &format!("{s}/consult/{{id}}/entries/{{entry}}"),
            post(consult::entry),
        )
        // The cluster's office: tenants, users, audit, channels, calendar, cases by unit.
        .route("/console/admin/inspection", get(console::inspection::scorecard))
        .route("/console/admin/visits", get(console::visits::cluster))
        .route("/console/admin/statistics", get(console::statistics::cluster))
        .route("/console/admin/search", get(console::search::cluster))
        .route(
            "/console/admin/search/synonyms",
            post(console::search::cluster_add_synonym).layer(once()),
        )
        .route(
            "/console/admin/search/best-bets",
            post(console::search::cluster_add_best_bet).layer(once()),
        )
        .route(
            "/console/admin/search/{what}/{id}/delete",
            post(console::search::cluster_delete),
        )
        .route("/console/admin/operations", get(console::operations::show))
        .route(
            "/console/admin/broadcasts",
            get(console::broadcasts::show).post(console::broadcasts::announce).layer(once()),
        )
        .route(
            "/console/admin/broadcasts/{id}/cancel",
            post(console::broadcasts::cancel),
        )
        .route("/console/admin/security", get(console::security::cluster))
        .route(
            "/console/sites/{code}/security",
            get(console::security::site),
        )
        .route(
            "/console/admin/certificates",
            get(console::tls::show).post(console::tls::upload),
        )
        .route(
            "/console/admin/certificates/{name}/delete",
            post(console::tls::remove),
        )
        .route(
            "/console/admin/certificates/sites/{code}",
            post(console::tls::switch),
        )
        .route(
            "/console/admin/lexicon",
            get(console::inspection::lexicon::show).post(console::inspection::lexicon::add),
        )
        .route(
            "/console/admin/lexicon/scan",
            post(console::inspection::lexicon::scan),
        )
        .route(
            "/console/admin/lexicon/{id}/delete",
            post(console::inspection::lexicon::delete),
        )
        .route(
            "/console/admin/inspection.csv",
            get(console::inspection::scorecard_csv),
        )
        .route(
            "/console/admin/inspection.xlsx",
            get(console::inspection::scorecard_xlsx),
        )
        .route("/console/admin/cases", get(cases::units))
        .route("/console/admin/cases.csv", get(cases::units_csv))
        .route(
            "/console/admin/tenants",
            get(admin::tenants).post(admin::create_tenant).layer(once()),
        )
        .route(
            "/console/admin/tenants/{code}/status",
            post(admin::tenant_status),
        )
        .route(
            "/console/admin/users",
            get(admin::all_users).post(admin::create_user).layer(once()),
        )
        .route(
            "/console/admin/users/{login}/unlock",
            post(admin::unlock_user),
        )
        .route(
            "/console/admin/users/{login}/reset-password",
            post(console::accounts::office_reset),
        )
        .route(
            "/console/admin/users/{login}/{to}",
            post(console::accounts::office_switch),
        )
        .route(
            "/console/admin/users/{login}/second-factor/reset",
            post(admin::reset_second_factor),
        )
        .route("/console/admin/audit", get(console::audit::cluster))
        .route("/console/admin/audit.csv", get(console::audit::cluster_csv))
        .route(
            "/console/admin/channels",
            get(channels::page).post(channels::create).layer(once()),
        )
        .route("/console/admin/channels/{id}", post(channels::update))
        .route("/console/admin/channels/{id}/{action}", post(channels::act))
        .route(
            "/console/admin/calendar",
            get(calendar::page).post(calendar::save),
        )
        // Everyone's own API tokens.
        .route("/console/tokens", get(tokens::page).post(tokens::create))
        .route("/console/tokens/{id}/revoke", post(tokens::revoke))
        // Any other console path: the console's own 404 page.
        .route("/console/{*rest}", axum::routing::any(console::not_found))
        // A site form sent after its session ended is kept for the next sign-in.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            console::resume::keep_unsigned,
        ))
        .layer(axum::middleware::map_response(console::no_store))
}

/// The JSON API under `/api/v1/` (described at `/api/v1/openapi.json`); every answer is JSON
/// and `no-store`, unknown paths included.
fn api_routes() -> Router<AppState> {
    use api::{admin, calendar, consult, interaction, reporting};
    let s = "/api/v1/sites/{code}";
    Router::new()
        .route("/api/v1/openapi.json", get(api::openapi::document))
        .route("/api/v1/me", get(api::me))
        // Cluster-wide search: public, like the pages it finds.
        .route("/api/v1/search", get(api::search::search))
        // Sites, their settings, status, users and columns.
        .route(
            "/api/v1/sites",
            get(api::list_sites).post(admin::create_tenant),
        )
        .route(s, get(api::show_site))
        .route(&format!("{s}/settings"), put(api::put_settings))
        .route(&format!("{s}/status"), post(admin::set_status))
        .route(
            &format!("{s}/users"),
            get(admin::site_users).post(admin::create_site_user),
        )
        .route(
            &format!("{s}/users/{{login}}/roles/{{role}}"),
            put(admin::bind).delete(admin::unbind),
        )
        .route(
            &format!("{s}/columns"),
            get(api::list_columns).post(admin::create_column),
        )
        .route(&format!("{s}/columns/{{id}}"), put(admin::update_column))
        // Articles: the workflow, versions, attachments, the site's audit log.
        .route(
            &format!("{s}/articles"),
            get(api::list_articles).post(api::create_article),
        )
        .route(
            &format!("{s}/articles/{{id}}"),
            get(api::show_article).put(api::update_article),
        )
        .route(&format!("{s}/articles/bulk"), post(api::bulk::articles))
        .route(
            &format!("{s}/articles/{{id}}/delete"),
            post(api::bulk::delete_article),
        )
        .route(&format!("{s}/recycle"), get(api::bulk::bin))
        .route(
            &format!("{s}/recycle/{{item}}/restore"),
            post(api::bulk::restore),
        )
        .route(&format!("{s}/statistics"), get(api::bulk::site))
        .route(&format!("{s}/articles/{{id}}/versions"), get(api::versions))
        .route(&format!("{s}/articles/{{id}}/diff"), get(api::diff))
        .route(
            &format!("{s}/articles/{{id}}/versions/{{version}}/restore"),
            post(api::restore),
        )
        .route(&format!("{s}/articles/{{id}}/{{step}}"), post(api::step))
        .route(
            &format!("{s}/attachments"),
            get(api::list_attachments)
                .post(api::upload)
                .layer(DefaultBodyLimit::max(api::MAX_UPLOAD_BYTES)),
        )
        .route(&format!("{s}/audit"), get(api::audit))
        // Interaction: mailboxes and cases (互动交流).
        .route(
            &format!("{s}/mailboxes"),
            get(interaction::mailboxes).post(interaction::create_mailbox),
        )
        .route(
            &format!("{s}/mailboxes/{{id}}"),
            put(interaction::settings::update_mailbox),
        )
        .route(
            &format!("{s}/clock-rules"),
            get(interaction::settings::clock_rules).put(interaction::settings::set_clock_rules),
        )
        .route(
            &format!("{s}/reply-templates"),
            get(interaction::settings::reply_templates)
                .post(interaction::settings::create_reply_template),
        )
        .route(
            &format!("{s}/reply-templates/{{id}}"),
            put(interaction::settings::update_reply_template)
                .delete(interaction::settings::delete_reply_template),
        )
        // Inspection (网站检查): indicators and the office's scorecard.
        .route(&format!("{s}/inspection"), get(api::inspection::site))
        .route(&format!("{s}/visits"), get(api::visits::site))
        .route("/api/v1/visits", get(api::visits::cluster))
        .route("/api/v1/statistics", get(api::bulk::cluster))
        .route(
            "/api/v1/inspection/scorecard",
            get(api::inspection::scorecard),
        )
        .route(
            "/api/v1/lexicon",
            get(api::inspection::terms).post(api::inspection::add_term),
        )
        .route("/api/v1/lexicon/scan", post(api::inspection::scan))
        .route(
            "/api/v1/broadcasts",
            get(api::broadcasts::list).post(api::broadcasts::announce),
        )
        .route(
            "/api/v1/broadcasts/{id}/cancel",
            post(api::broadcasts::cancel),
        )
        .route("/api/v1/certificates", get(api::tls::list))
        .route(
            "/api/v1/certificates/{name}",
            put(api::tls::put).delete(api::tls::remove),
        )
        .route("/api/v1/sites/{code}/https", put(api::tls::switch))
        .route(
            "/api/v1/lexicon/{id}",
            axum::routing::delete(api::inspection::delete_term),
        )
        .route("/api/v1/cases/figures", get(interaction::settings::figures))
        .route(&format!("{s}/cases"), get(interaction::cases))
        .route(&format!("{s}/cases/{{id}}"), get(interaction::case))
        .route(
            &format!("{s}/cases/{{id}}/reveal"),
            post(interaction::reveal),
        )
        .route(
            &format!("{s}/cases/{{id}}/files/{{file}}"),
            get(interaction::case_file),
        )
        .route(
            &format!("{s}/cases/{{id}}/{{step}}"),
            post(interaction::step),
        )
        // Participation: solicitations, surveys, interviews (征集调查访谈).
        .route(
            &format!("{s}/consultations"),
            get(consult::list).post(consult::create),
        )
        .route(
            &format!("{s}/consultations/{{id}}"),
            get(consult::get).put(consult::update),
        )
        .route(
            &format!("{s}/consultations/{{id}}/close"),
            post(consult::close),
        )
        .route(
            &format!("{s}/consultations/{{id}}/export.csv"),
            get(consult::export),
        )
        .route(
            &format!("{s}/consultations/{{id}}/entries/{{entry}}"),
            post(consult::entry),
        )
        .route(
            &format!("{s}/consultations/{{id}}/{{step}}"),
            post(consult::step),
        )
        // Information reporting.
        .route(
            &format!("{s}/submissions"),
            get(reporting::list).post(reporting::submit),
        )
        .route(&format!("{s}/submissions/{{id}}"), get(reporting::show))
        .route(
            &format!("{s}/submissions/{{id}}/{{step}}"),
            post(reporting::step),
        )
        .route(&format!("{s}/reporting/figures"), get(reporting::figures))
        .route(
            "/api/v1/channels",
            get(reporting::channels).post(reporting::create_channel),
        )
        .route(
            "/api/v1/channels/{id}",
            put(reporting::update_channel).delete(reporting::delete_channel),
        )
        .route("/api/v1/channels/{id}/pull", post(reporting::pull_channel))
        // The cluster: users, audit, the working-day calendar.
        .route(
            "/api/v1/users",
            get(admin::all_users).post(admin::create_user),
        )
        .route("/api/v1/users/{login}/unlock", post(admin::unlock_user))
        .route(
            "/api/v1/users/{login}/second-factor",
            delete(admin::reset_second_factor),
        )
        .route("/api/v1/audit", get(admin::cluster_audit))
        .route("/api/v1/calendar", get(calendar::this_year))
        .route(
            "/api/v1/calendar/working-days",
            get(calendar::add_working_days),
        )
        .route(
            "/api/v1/calendar/{year}",
            get(calendar::year).put(calendar::set_year),
        )
        // API tokens.
        .route(
            "/api/v1/tokens",
            get(api::list_tokens).post(api::create_token),
        )
        .route("/api/v1/tokens/{id}", delete(api::revoke_token))
        // Unknown paths under the API answer in JSON, not with the public site's 404 page.
        .route("/api/v1/{*rest}", any(api::not_found))
        .layer(DefaultBodyLimit::max(api::MAX_JSON_BYTES))
        .layer(axum::middleware::map_response(api::api_headers))
}
