//! Rendering of public pages, feeds and site maps with minijinja, and the static assets.
//!
//! Takes view models (plain serializable structs from `view`) and returns bytes; knows
//! nothing of the database, HTTP or caching. Templates are compiled into the binary.
//! Invariants: every template's name ends in `.html` or `.xml`, so minijinja escapes every
//! interpolated value; only article bodies, sanitized when stored, are marked safe.

mod assets;
pub mod console_view;
pub mod consult_view;
pub mod hant;
pub mod interaction_view;
mod markup;
pub mod meta;
pub mod modes;
pub mod qr;
pub mod search_view;
pub mod view;

use minijinja::{Environment, UndefinedBehavior, Value};

pub use assets::{Asset, Assets};
use view::*;

/// What can go wrong while rendering: always a bug of ours (a template and its view disagree).
#[derive(Debug, thiserror::Error)]
#[error("rendering {template} failed: {source}")]
pub struct RenderError {
    template: &'static str,
    #[source]
    source: minijinja::Error,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("column.html", include_str!("../templates/column.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("sitemap.html", include_str!("../templates/sitemap.html")),
    (
        "directory.html",
        include_str!("../templates/directory.html"),
    ),
    ("error.html", include_str!("../templates/error.html")),
    (
        "form_test.html",
        include_str!("../templates/form_test.html"),
    ),
    (
        "letter_form.html",
        include_str!("../templates/letter_form.html"),
    ),
    (
        "case_query.html",
        include_str!("../templates/case_query.html"),
    ),
    (
        "site_error_form.html",
        include_str!("../templates/site_error_form.html"),
    ),
    (
        "disclosure_form.html",
        include_str!("../templates/disclosure_form.html"),
    ),
    (
        "interaction_hub.html",
        include_str!("../templates/interaction_hub.html"),
    ),
    ("registry.html", include_str!("../templates/registry.html")),
    ("search.html", include_str!("../templates/search.html")),
    (
        "registry_letter.html",
        include_str!("../templates/registry_letter.html"),
    ),
    (
        "statistics.html",
        include_str!("../templates/statistics.html"),
    ),
    (
        "form_captcha.html",
        include_str!("../templates/form_captcha.html"),
    ),
    (
        "form_files.html",
        include_str!("../templates/form_files.html"),
    ),
    (
        "consult_list.html",
        include_str!("../templates/consult_list.html"),
    ),
    (
        "consult_page.html",
        include_str!("../templates/consult_page.html"),
    ),
    (
        "consult_form.html",
        include_str!("../templates/consult_form.html"),
    ),
    (
        "console_consult_fields.html",
        include_str!("../templates/console_consult_fields.html"),
    ),
    (
        "console_audit_filter.html",
        include_str!("../templates/console_audit_filter.html"),
    ),
    (
        "console_consults.html",
        include_str!("../templates/console_consults.html"),
    ),
    (
        "console_consult.html",
        include_str!("../templates/console_consult.html"),
    ),
    (
        "console_inspection.html",
        include_str!("../templates/console_inspection.html"),
    ),
    (
        "console_scorecard.html",
        include_str!("../templates/console_scorecard.html"),
    ),
    (
        "console_lexicon.html",
        include_str!("../templates/console_lexicon.html"),
    ),
    (
        "console_broadcasts.html",
        include_str!("../templates/console_broadcasts.html"),
    ),
    (
        "console_certificates.html",
        include_str!("../templates/console_certificates.html"),
    ),
    (
        "console_security_report.html",
        include_str!("../templates/console_security_report.html"),
    ),
    (
        "console_cluster_security.html",
        include_str!("../templates/console_cluster_security.html"),
    ),
    (
        "console_site_security.html",
        include_str!("../templates/console_site_security.html"),
    ),
    (
        "console_visit_figures.html",
        include_str!("../templates/console_visit_figures.html"),
    ),
    (
        "console_visits.html",
        include_str!("../templates/console_visits.html"),
    ),
    (
        "console_cluster_visits.html",
        include_str!("../templates/console_cluster_visits.html"),
    ),
    (
        "console_search.html",
        include_str!("../templates/console_search.html"),
    ),
    (
        "console_statistics.html",
        include_str!("../templates/console_statistics.html"),
    ),
    (
        "console_period_form.html",
        include_str!("../templates/console_period_form.html"),
    ),
    (
        "console_operations.html",
        include_str!("../templates/console_operations.html"),
    ),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    ("atom.xml", include_str!("../templates/atom.xml")),
    (
        "report_atom.xml",
        include_str!("../templates/report_atom.xml"),
    ),
    (
        "console_base.html",
        include_str!("../templates/console_base.html"),
    ),
    (
        "console_login.html",
        include_str!("../templates/console_login.html"),
    ),
    (
        "console_home.html",
        include_str!("../templates/console_home.html"),
    ),
    (
        "console_account_base.html",
        include_str!("../templates/console_account_base.html"),
    ),
    (
        "console_password.html",
        include_str!("../templates/console_password.html"),
    ),
    (
        "console_done.html",
        include_str!("../templates/console_done.html"),
    ),
    (
        "console_second_factor.html",
        include_str!("../templates/console_second_factor.html"),
    ),
    (
        "console_cases.html",
        include_str!("../templates/console_cases.html"),
    ),
    (
        "console_case.html",
        include_str!("../templates/console_case.html"),
    ),
    (
        "console_mailboxes.html",
        include_str!("../templates/console_mailboxes.html"),
    ),
    (
        "console_case_units.html",
        include_str!("../templates/console_case_units.html"),
    ),
    (
        "console_site_base.html",
        include_str!("../templates/console_site_base.html"),
    ),
    (
        "console_articles.html",
        include_str!("../templates/console_articles.html"),
    ),
    (
        "console_editor.html",
        include_str!("../templates/console_editor.html"),
    ),
    (
        "console_versions.html",
        include_str!("../templates/console_versions.html"),
    ),
    (
        "console_recycle.html",
        include_str!("../templates/console_recycle.html"),
    ),
    (
        "console_settings.html",
        include_str!("../templates/console_settings.html"),
    ),
    (
        "console_audit.html",
        include_str!("../templates/console_audit.html"),
    ),
    (
        "console_attachments.html",
        include_str!("../templates/console_attachments.html"),
    ),
    (
        "console_admin_base.html",
        include_str!("../templates/console_admin_base.html"),
    ),
    (
        "console_tenants.html",
        include_str!("../templates/console_tenants.html"),
    ),
    (
        "console_users.html",
        include_str!("../templates/console_users.html"),
    ),
    (
        "console_columns.html",
        include_str!("../templates/console_columns.html"),
    ),
    (
        "console_cluster_audit.html",
        include_str!("../templates/console_cluster_audit.html"),
    ),
    (
        "console_reporting_out.html",
        include_str!("../templates/console_reporting_out.html"),
    ),
    (
        "console_reporting_in.html",
        include_str!("../templates/console_reporting_in.html"),
    ),
    (
        "console_reporting_item.html",
        include_str!("../templates/console_reporting_item.html"),
    ),
    (
        "console_ranking.html",
        include_str!("../templates/console_ranking.html"),
    ),
    (
        "console_tokens.html",
        include_str!("../templates/console_tokens.html"),
    ),
    (
        "console_channels.html",
        include_str!("../templates/console_channels.html"),
    ),
    (
        "console_calendar.html",
        include_str!("../templates/console_calendar.html"),
    ),
];

/// The console's pages that take a free-form view (built by the console from service results).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsolePage {
    Articles,
    Editor,
    Versions,
    /// A site's 回收站.
    Recycle,
    Settings,
    Audit,
    Attachments,
    Tenants,
    /// The accounts of one site (`base_template` = `console_site_base.html`) or of the
    /// cluster (`console_admin_base.html`).
    Users,
    Columns,
    ClusterAudit,
    ReportingOut,
    ReportingIn,
    ReportingItem,
    Ranking,
    Tokens,
    Channels,
    /// The office's working-day calendar.
    Calendar,
    /// A site's case inbox (`CasesView`).
    Cases,
    /// One case (`CaseView`).
    Case,
    /// The office's per-unit case figures (`UnitsView`).
    CaseUnits,
    /// A site's mailboxes (`MailboxesView`).
    Mailboxes,
    /// A site's consultations (`ConsultsView`).
    Consults,
    /// One consultation (`ConsultView`).
    Consult,
    /// A site's inspection indicators (`InspectionView`).
    Inspection,
    /// The office's scorecard (`ScorecardView`).
    Scorecard,
    /// The office's lexicon of serious errors (`LexiconView`).
    Lexicon,
    /// The office's emergency notices and mourning mode (`BroadcastsView`).
    Broadcasts,
    /// The office's certificates and HTTPS switches (`CertificatesView`).
    Certificates,
    /// The cluster's security report (`ClusterSecurityView`).
    ClusterSecurity,
    /// A site's security report (`SiteSecurityView`).
    SiteSecurity,
    /// A site's visit statistics (`VisitsView`).
    Visits,
    /// The cluster's visit statistics (`ClusterVisitsView`).
    ClusterVisits,
    /// 发稿统计 of a site or of the cluster (`StatisticsView`).
    Statistics,
    /// The operator's page (`OperationsView`).
    Operations,
    /// A site's or the office's search management (`SearchOfficeView`).
    Search,
}

impl ConsolePage {
    fn template(self) -> &'static str {
        match self {
            ConsolePage::Articles => "console_articles.html",
            ConsolePage::Editor => "console_editor.html",
            ConsolePage::Versions => "console_versions.html",
            ConsolePage::Recycle => "console_recycle.html",
            ConsolePage::Settings => "console_settings.html",
            ConsolePage::Audit => "console_audit.html",
            ConsolePage::Attachments => "console_attachments.html",
            ConsolePage::Tenants => "console_tenants.html",
            ConsolePage::Users => "console_users.html",
            ConsolePage::Columns => "console_columns.html",
            ConsolePage::ClusterAudit => "console_cluster_audit.html",
            ConsolePage::ReportingOut => "console_reporting_out.html",
            ConsolePage::ReportingIn => "console_reporting_in.html",
            ConsolePage::ReportingItem => "console_reporting_item.html",
            ConsolePage::Ranking => "console_ranking.html",
            ConsolePage::Tokens => "console_tokens.html",
            ConsolePage::Channels => "console_channels.html",
            ConsolePage::Calendar => "console_calendar.html",
            ConsolePage::Cases => "console_cases.html",
            ConsolePage::Case => "console_case.html",
            ConsolePage::CaseUnits => "console_case_units.html",
            ConsolePage::Mailboxes => "console_mailboxes.html",
            ConsolePage::Consults => "console_consults.html",
            ConsolePage::Consult => "console_consult.html",
            ConsolePage::Inspection => "console_inspection.html",
            ConsolePage::Scorecard => "console_scorecard.html",
            ConsolePage::Lexicon => "console_lexicon.html",
            ConsolePage::Broadcasts => "console_broadcasts.html",
            ConsolePage::Certificates => "console_certificates.html",
            ConsolePage::ClusterSecurity => "console_cluster_security.html",
            ConsolePage::SiteSecurity => "console_site_security.html",
            ConsolePage::Visits => "console_visits.html",
            ConsolePage::ClusterVisits => "console_cluster_visits.html",
            ConsolePage::Statistics => "console_statistics.html",
            ConsolePage::Operations => "console_operations.html",
            ConsolePage::Search => "console_search.html",
        }
    }
}

/// The public interaction pages rendered by [`Renderer::interaction_page`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionPage {
    /// `SiteErrorFormView`.
    SiteErrorForm,
    /// `DisclosureFormView`.
    DisclosureForm,
    /// `HubView`.
    Hub,
    /// `RegistryView`.
    Registry,
    /// `RegistryLetterView`.
    Letter,
    /// `StatisticsView`.
    Statistics,
    /// `consult_view::ConsultListView`.
    ConsultList,
    /// `consult_view::ConsultPageView`.
    Consultation,
    /// `consult_view::ConsultFormView`.
    ConsultForm,
}

impl InteractionPage {
    fn template(self) -> &'static str {
        match self {
            InteractionPage::SiteErrorForm => "site_error_form.html",
            InteractionPage::DisclosureForm => "disclosure_form.html",
            InteractionPage::Hub => "interaction_hub.html",
            InteractionPage::Registry => "registry.html",
            InteractionPage::Letter => "registry_letter.html",
            InteractionPage::Statistics => "statistics.html",
            InteractionPage::ConsultList => "consult_list.html",
            InteractionPage::Consultation => "consult_page.html",
            InteractionPage::ConsultForm => "consult_form.html",
        }
    }
}

/// Escapes like minijinja's default but leaves `/` alone, so URLs stay readable; `/` is
/// harmless in HTML text and quoted attribute values.
fn formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
        && !value.is_safe()
        && let Some(s) = value.as_str()
    {
        return out
            .write_str(&escape_html(s))
            .map_err(minijinja::Error::from);
    }
    minijinja::escape_formatter(out, state, value)
}

pub use zq_domain::html::escape_html;

/// A file size as people read it: `980 B`, `12 KiB`, `1.5 MiB`.
pub fn human_size(n: i64) -> String {
    match n {
        n if n >= 1024 * 1024 => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
        n if n >= 1024 => format!("{:.0} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// The template environment plus the fingerprinted assets it links to.
pub struct Renderer {
    env: Environment<'static>,
    assets: Assets,
    hant: hant::Hant,
}

impl Renderer {
    /// Compiles every template; fails only if a template has a syntax error (a build defect).
    pub fn new() -> Result<Renderer, RenderError> {
        let assets = Assets::builtin();
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(formatter);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|source| RenderError {
                    template: name,
                    source,
                })?;
        }
        env.add_global("asset_style", Value::from(assets.url("style.css")));
        env.add_global("asset_logo", Value::from(assets.url("logo.svg")));
        env.add_global("asset_conac", Value::from(assets.url("conac.svg")));
        env.add_global("asset_text", Value::from(assets.url("text.css")));
        env.add_global("asset_article", Value::from(assets.url("article.js")));
        env.add_global("asset_editor", Value::from(assets.url("rte.js")));
        env.add_global("asset_console", Value::from(assets.url("console.js")));
        Ok(Renderer {
            env,
            assets,
            hant: hant::Hant::default(),
        })
    }

    /// The same renderer keeping `names` as written in traditional pages (`http.hant_keep`).
    pub fn keeping_in_hant(mut self, names: &[String]) -> Renderer {
        self.hant = hant::Hant::new(names);
        self
    }

    pub fn assets(&self) -> &Assets {
        &self.assets
    }

    /// The converter of traditional pages.
    pub fn hant(&self) -> &hant::Hant {
        &self.hant
    }

    fn render<T: serde::Serialize>(
        &self,
        template: &'static str,
        view: &T,
    ) -> Result<String, RenderError> {
        self.env
            .get_template(template)
            .and_then(|t| t.render(minijinja::value::Serde(view)))
            .map_err(|source| RenderError { template, source })
    }

    pub fn home(&self, v: &HomeView) -> Result<String, RenderError> {
        self.render("home.html", v)
    }

    pub fn column(&self, v: &ColumnView) -> Result<String, RenderError> {
        self.render("column.html", v)
    }

    pub fn article(&self, v: &ArticleView) -> Result<String, RenderError> {
        self.render("article.html", v)
    }

    pub fn site_map(&self, v: &SiteMapView) -> Result<String, RenderError> {
        self.render("sitemap.html", v)
    }

    pub fn directory(&self, v: &DirectoryView) -> Result<String, RenderError> {
        self.render("directory.html", v)
    }

    pub fn error_page(&self, v: &ErrorView) -> Result<String, RenderError> {
        self.render("error.html", v)
    }

    /// A public form page (`form_test.html`).
    pub fn form_page(&self, v: &crate::view::FormView) -> Result<String, RenderError> {
        self.render("form_test.html", v)
    }

    /// The letter form (`letter_form.html`).
    pub fn letter_form(
        &self,
        v: &crate::interaction_view::LetterFormView,
    ) -> Result<String, RenderError> {
        self.render("letter_form.html", v)
    }

    /// The public search page (`search.html`).
    pub fn search(&self, v: &crate::search_view::SearchView) -> Result<String, RenderError> {
        self.render("search.html", v)
    }

    /// The query page of a case (`case_query.html`).
    pub fn case_query(
        &self,
        v: &crate::interaction_view::QueryView,
    ) -> Result<String, RenderError> {
        self.render("case_query.html", v)
    }

    /// A public interaction page other than the letter form and the query page.
    pub fn interaction_page(
        &self,
        page: InteractionPage,
        v: &impl serde::Serialize,
    ) -> Result<String, RenderError> {
        self.render(page.template(), v)
    }

    pub fn sitemap_xml(&self, v: &SitemapXmlView) -> Result<String, RenderError> {
        self.render("sitemap.xml", v)
    }

    pub fn atom(&self, v: &FeedView) -> Result<String, RenderError> {
        self.render("atom.xml", v)
    }

    /// A site's report feed (`/report/feed.xml`); the view is built by the HTTP layer
    /// (`id`, `title`, `subtitle`, `self_url`, `json_url`, `site_url`, `author`, `updated`,
    /// `entries` with `id`, `title`, `url`, `published`, `updated`, `author`, `source`,
    /// `adopted_from` {`code`, `name`}, `summary`, `content`). Article bodies are escaped here,
    /// as Atom's `type="html"` content wants.
    pub fn report_atom(&self, v: &impl serde::Serialize) -> Result<String, RenderError> {
        self.render("report_atom.xml", v)
    }

    pub fn console_login(&self, v: &ConsoleLoginView) -> Result<String, RenderError> {
        self.render("console_login.html", v)
    }

    pub fn console_password(&self, v: &PasswordView) -> Result<String, RenderError> {
        self.render("console_password.html", v)
    }

    pub fn console_done(&self, v: &view::DoneView) -> Result<String, RenderError> {
        self.render("console_done.html", v)
    }

    pub fn console_second_factor(&self, v: &SecondFactorView) -> Result<String, RenderError> {
        self.render("console_second_factor.html", v)
    }

    pub fn console_home(&self, v: &ConsoleHomeView) -> Result<String, RenderError> {
        self.render("console_home.html", v)
    }

    /// A console page of a site; `view` must carry what `console_site_base.html` and the
    /// page's own template use (the console builds it).
    pub fn console_page(
        &self,
        page: ConsolePage,
        view: &impl serde::Serialize,
    ) -> Result<String, RenderError> {
        self.render(page.template(), view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome(title: &str) -> Chrome {
        Chrome {
            cluster: ClusterView {
                portal_name: "中国海川".into(),
                portal_url: "//www.x/".into(),
                superior: None,
            },
            site: SiteView {
                code: "fgw".into(),
                name: "发改委<b>".into(),
                kind_label: "部门网站".into(),
                sponsor: "发改委".into(),
                site_id: Some("3301000002".into()),
                contact: None,
                is_portal: false,
                base: String::new(),
                forms_base: String::new(),
                origin: "http://fgw.x".into(),
                theme_css: None,
                logo: None,
                contact_line: None,
                records: RecordsView::default(),
                parent: None,
            },
            nav: Vec::new(),
            crumbs: Vec::new(),
            title: title.into(),
            updated: Some("2026-11-23".into()),
            meta: Vec::new(),
            mode: view::ModeView {
                layout: "standard",
                hant: false,
                lang: "zh-CN",
                layouts: Vec::new(),
                script: view::SwitchView {
                    name: "繁體",
                    url: "/hant/".into(),
                    current: false,
                    lang: Some("zh-Hant"),
                },
                hans_url: "http://example.org/".into(),
                hant_url: "http://example.org/hant/".into(),
            },
            alerts: Vec::new(),
            mourning: false,
        }
    }

    #[test]
    fn values_are_escaped_but_urls_stay_readable() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>/"#),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;/"
        );
        let r = Renderer::new().unwrap();
        let html = r
            .error_page(&ErrorView {
                chrome: Some(chrome("<script>alert(1)</script>")),
                status: 404,
                heading: "页面不存在".into(),
                message: "m".into(),
                home_url: "/sites/fgw/".into(),
                home_name: "首页".into(),
            })
            .unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("发改委&lt;b&gt;"));
        assert!(html.contains("href=\"/sites/fgw/\""));
        assert!(html.contains("网站标识码：3301000002"));
    }

    #[test]
    fn article_bodies_are_the_only_unescaped_values() {
        let r = Renderer::new().unwrap();
        let html = r
            .article(&ArticleView {
                chrome: chrome("t"),
                title: "<i>标题</i>".into(),
                subtitle: None,
                source: Some("<b>来源</b>".into()),
                author: None,
                published: "2026-11-23 09:00".into(),
                summary: None,
                body: "<p>正文<strong>加粗</strong></p>".into(),
                doc_number: Some("海发改〔2026〕1号".into()),
                index_number: None,
                column_name: "工作动态".into(),
                column_url: "/col/gzdt/".into(),
                newer: None,
                older: None,
                qr_url: None,
            })
            .unwrap();
        assert!(html.contains("<p>正文<strong>加粗</strong></p>"));
        assert!(
            html.contains("&lt;i&gt;标题&lt;/i&gt;") && html.contains("&lt;b&gt;来源&lt;/b&gt;")
        );
        assert!(html.contains("文号") && html.contains("海发改〔2026〕1号"));
    }
}
