//! The demo cluster: 中国海川 with its department, district and town sites, their columns,
//! two years of generated articles and a year of reporting history (信息报送), seeded into an
//! empty database by `zhanqun serve --demo`. It lives in its own crate so no production code
//! depends on it: everything here is written through `zq_services` as the system, audited
//! like any other write, and whatever the demo needs from the platform (a unit's short name,
//! the columns that gather a kind of unit's news) is configuration it sets.

mod cases;
mod cases_text;
mod consult;
pub mod content;
mod generated;
mod history;
mod inspection;
mod search;
mod visits;

pub use history::HistoryOptions;

use std::collections::HashMap;

use chrono::{Duration, TimeZone, Utc};
use serde::Deserialize;
use zq_domain::article::ArticleText;
use zq_domain::{ColumnKind, ColumnSlug, Host, TenantKind, UpdateRequirement};
use zq_services::admin::{ColumnInput, TenantInput, UserInput};
use zq_services::reporting::ChannelInput;
use zq_services::{Caller, ServiceError, Services};
use zq_store::{ImportedArticle, Tenant};

pub use generated::seed_generated_sites;

/// The demo cluster's definition, compiled in.
pub const DEMO_TOML: &str = include_str!("../data/demo-cluster.toml");

#[derive(Debug, Deserialize)]
pub struct DemoCluster {
    pub cluster: ClusterDef,
    pub tenants: Vec<TenantDef>,
    pub columns: HashMap<String, Vec<ColumnDef>>,
}

#[derive(Debug, Deserialize)]
pub struct ClusterDef {
    pub name: String,
    pub city: String,
    pub portal_code: String,
    pub host_suffix: String,
    pub sponsor: String,
}

#[derive(Debug, Deserialize)]
pub struct TenantDef {
    pub code: String,
    pub kind: String,
    pub name: String,
    pub sponsor: Option<String>,
    pub site_id: Option<String>,
    pub parent: Option<String>,
    #[serde(default)]
    pub extra_columns: Vec<ExtraColumnDef>,
}

#[derive(Debug, Deserialize)]
pub struct ExtraColumnDef {
    pub name: String,
    pub update: String,
}

#[derive(Debug, Deserialize)]
pub struct ColumnDef {
    pub name: String,
    pub slug: String,
    pub update: String,
    pub kind: Option<String>,
    #[serde(default)]
    pub news: bool,
    pub reported_from: Option<String>,
    /// The kind of unit whose news the column gathers on the home page.
    pub aggregates: Option<String>,
    #[serde(default)]
    pub children: Vec<ColumnDef>,
}

/// How much to seed.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// Articles in each site's news column; other columns get a share of it.
    pub news_articles: usize,
    /// Seed for the content generator, so every demo is the same.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            news_articles: 24,
            seed: 2026,
        }
    }
}

/// What seeding did.
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub tenants: usize,
    pub columns: usize,
    pub articles: usize,
    /// Reporting channels (信息报送), one per column that takes items from other units.
    pub channels: usize,
    /// Submissions of the reporting history (each adopted one also made an article, not
    /// counted in `articles`).
    pub submissions: usize,
    /// Interaction cases of the past year (letters, site-error reports, disclosure requests).
    pub cases: usize,
    /// Solicitations, surveys and interviews (征集调查访谈).
    pub consultations: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo cluster definition is invalid: {0}")]
    Definition(String),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

pub fn definition() -> Result<DemoCluster, DemoError> {
    toml::from_str(DEMO_TOML).map_err(|e| DemoError::Definition(e.to_string()))
}

/// Slugs for the extra columns some sites add to their kind's template.
fn extra_slug(name: &str) -> &'static str {
    match name {
        "路政动态" => "lzdt",
        "道路异常信息查询" => "dlycxx",
        "交通月报" => "jtyb",
        "规费征收" => "gfzs",
        "燃气服务" => "rqfw",
        "重大工程" => "zdgc",
        "市政科技" => "szkj",
        "应急管理" => "yjgl",
        "预警信息" => "yjxx",
        "统计数据" => "tjsj",
        _ => "",
    }
}

/// The demo hosts of a tenant: `{code}.{suffix}`.
pub fn demo_host(code: &str, suffix: &Host) -> Result<Host, DemoError> {
    Host::parse(&format!("{code}.{suffix}")).map_err(|e| DemoError::Definition(e.to_string()))
}

/// Seeds the demo cluster into a database that has no tenants yet; does nothing otherwise.
pub async fn seed_if_empty(
    svc: &Services,
    suffix: &Host,
    opts: DemoOptions,
) -> Result<Option<SeedReport>, DemoError> {
    if !svc
        .store()
        .list_tenants()
        .await
        .map_err(ServiceError::from)?
        .is_empty()
    {
        return Ok(None);
    }
    seed(svc, suffix, opts).await.map(Some)
}

/// Seeds the demo cluster: tenants (portal first, towns after their districts), columns,
/// articles, and a year of reporting history.
pub async fn seed(
    svc: &Services,
    suffix: &Host,
    opts: DemoOptions,
) -> Result<SeedReport, DemoError> {
    seed_with(svc, suffix, opts, HistoryOptions::default()).await
}

/// Seeds the demo cluster with as much reporting history as `history` says (none with
/// [`HistoryOptions::NONE`]: tests that count their own submissions).
/// Everything is written through the services as the system, audited like any other write.
pub async fn seed_with(
    svc: &Services,
    suffix: &Host,
    opts: DemoOptions,
    history: HistoryOptions,
) -> Result<SeedReport, DemoError> {
    let def = definition()?;
    let system = Caller::system();
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    let mut report = SeedReport {
        tenants: 0,
        columns: 0,
        articles: 0,
        channels: 0,
        submissions: 0,
        cases: 0,
        consultations: 0,
    };
    let now = svc.now();
    // Parents before children: portal, departments and districts, then towns.
    let mut ordered: Vec<&TenantDef> = def.tenants.iter().collect();
    ordered.sort_by_key(|t| match t.kind.as_str() {
        "portal" => 0,
        "town" => 2,
        _ => 1,
    });
    for (n, t) in ordered.into_iter().enumerate() {
        let kind: TenantKind = t
            .kind
            .parse()
            .map_err(|e: zq_domain::ParseError| DemoError::Definition(e.to_string()))?;
        let parent = match kind {
            TenantKind::Portal => None,
            TenantKind::Town => t.parent.clone(),
            _ => Some(def.cluster.portal_code.clone()),
        };
        let tenant = zq_services::admin::create_tenant(
            svc,
            &system,
            TenantInput {
                code: t.code.clone(),
                kind: t.kind.clone(),
                name: t.name.clone(),
                sponsor: t.sponsor.clone().unwrap_or_else(|| t.name.clone()),
                site_id: Some(
                    t.site_id
                        .clone()
                        .unwrap_or_else(|| format!("33010{:05}", 100 + n)),
                ),
                contact: Some(format!(
                    "地址：{}人民路{}号　电话：0599-8{:07}",
                    def.cluster.city,
                    10 + n * 7,
                    1_000_000 + n * 4_321
                )),
                parent,
                hosts: vec![demo_host(&t.code, suffix)?.to_string()],
                short_name: Some(short_name(&t.name, &def.cluster.city)),
                preparing: false,
                template: None,
            },
        )
        .await?;
        let tenant = seed_records(svc, &system, tenant).await?;
        report.tenants += 1;
        let template = def
            .columns
            .get(&t.kind)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut leaves = Vec::new();
        let mut order = 0;
        for c in template {
            seed_column(svc, &tenant, c, None, &mut order, &mut leaves, &mut report).await?;
        }
        for extra in &t.extra_columns {
            let def = ColumnDef {
                name: extra.name.clone(),
                slug: extra_slug(&extra.name).to_owned(),
                update: extra.update.clone(),
                kind: None,
                news: false,
                reported_from: None,
                aggregates: None,
                children: Vec::new(),
            };
            seed_column(
                svc,
                &tenant,
                &def,
                None,
                &mut order,
                &mut leaves,
                &mut report,
            )
            .await?;
        }
        seed_mailbox(svc, &tenant, kind).await?;
        report.articles += seed_articles(
            svc,
            &tenant,
            &def.cluster.city,
            &leaves,
            opts,
            &mut rng,
            now,
        )
        .await?;
    }
    search::seed_synonyms(svc).await?;
    let started = std::time::Instant::now();
    let imported = history::seed_history(svc, &def.cluster.city, opts.seed, history, now).await?;
    report.submissions = imported.submissions;
    let started_cases = std::time::Instant::now();
    report.cases =
        cases::seed_cases(svc, &def.cluster.city, opts.seed, history.months, now).await?;
    if report.cases > 0 {
        tracing::info!(
            cases = report.cases,
            seconds = started_cases.elapsed().as_secs_f32(),
            "seeded the demo's year of interaction (letters, site-error reports, disclosure requests)"
        );
    }
    let system = &system;
    let site = |code: &str| {
        let code = code.to_owned();
        async move {
            zq_services::site(svc, system, &code, zq_domain::access::Action::Read)
                .await
                .ok()
        }
    };
    if let Some(portal) = site(&def.cluster.portal_code).await {
        let fgw = site("fgw").await;
        let jb = site("jb").await;
        let yx = site("yx").await;
        report.consultations = consult::seed_consult(
            svc,
            &portal,
            fgw.as_ref(),
            jb.as_ref(),
            yx.as_ref(),
            opts.seed,
        )
        .await?;
    }
    // The links of what was just published, checked once (the demo links only within the
    // cluster, so this asks no other server), before today's standing is taken.
    zq_services::inspection::links::check_all(svc, std::time::Duration::from_secs(5)).await?;
    inspection::seed_standings(svc, opts.seed).await?;
    // A month of visits with the year of history (`serve --demo`), not in most tests.
    if history.months > 0 {
        visits::seed_visits(svc, opts.seed).await?;
    }
    if imported.submissions > 0 {
        tracing::info!(
            submissions = imported.submissions,
            adopted = imported.adopted,
            seconds = started.elapsed().as_secs_f32(),
            "seeded the demo's reporting history"
        );
    }
    Ok(report)
}

/// Every site's mailbox: the mayor's on the portal, the district head's, the town head's, and
/// each department's leader's.
async fn seed_mailbox(svc: &Services, tenant: &Tenant, kind: TenantKind) -> Result<(), DemoError> {
    let (slug, name) = match kind {
        TenantKind::Portal => ("szxx", "市长信箱"),
        TenantKind::District => ("qzxx", "区长信箱"),
        TenantKind::Town => ("zzxx", "镇（街道）长信箱"),
        TenantKind::Department => ("ldxx", "领导信箱"),
    };
    zq_services::interaction::create_mailbox(
        svc,
        &Caller::system(),
        tenant.code.as_str(),
        zq_store::NewMailbox {
            slug: slug.into(),
            name: name.into(),
            description: Some(format!(
                "欢迎您就{}的工作提出咨询、投诉、建议和求助。来信将在 {} 个工作日内答复。",
                tenant.name,
                svc.interaction().rules.letter.days
            )),
            sort_order: 0,
            notify_email: None,
        },
    )
    .await?;
    Ok(())
}

/// A column where the demo puts articles, and how many.
struct Leaf {
    id: zq_domain::ColumnId,
    name: String,
    slug: String,
    count: usize,
    /// Days the column may go without an update (its duty), if it has one.
    duty: Option<i64>,
}

/// The demo site left without news for weeks, so the office's scorecard shows a site failing
/// a veto item (首页更新) among healthy ones.
const STALE_SITE: &str = "tjj";

/// Demo sites with a dead link in an article (a column since closed, another site's article
/// linked by its number), so the link checker has something to find.
const BROKEN_LINKS: [(&str, &str, &str); 2] = [
    ("mzj", "/col/2019nianbao/", "2019年政府信息公开年度报告"),
    ("qs", "/art/1.html", "市政府常务会议通报"),
];

fn seed_column<'a>(
    svc: &'a Services,
    tenant: &'a Tenant,
    c: &'a ColumnDef,
    parent: Option<zq_domain::ColumnId>,
    order: &'a mut i32,
    leaves: &'a mut Vec<Leaf>,
    report: &'a mut SeedReport,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), DemoError>> + Send + 'a>> {
    Box::pin(async move {
        let bad = |e: zq_domain::ParseError| DemoError::Definition(e.to_string());
        let kind: ColumnKind = c
            .kind
            .as_deref()
            .unwrap_or("article_list")
            .parse()
            .map_err(bad)?;
        let update: UpdateRequirement = c.update.parse().map_err(bad)?;
        ColumnSlug::parse(&c.slug).map_err(bad)?;
        *order += 10;
        let system = Caller::system();
        let code = tenant.code.as_str();
        let col = zq_services::admin::create_column(
            svc,
            &system,
            code,
            ColumnInput {
                slug: c.slug.clone(),
                name: c.name.clone(),
                kind: kind.as_str().to_owned(),
                parent_id: parent.map(|p| p.0),
                external_url: None,
                update_requirement: update.as_str().to_owned(),
                responsible_unit: Some(responsible_unit(tenant, &c.name)),
                sort_order: *order,
                is_news: c.news,
                aggregates: c.aggregates.clone(),
            },
        )
        .await?;
        report.columns += 1;
        if let Some(from) = &c.reported_from {
            let sender_kind: TenantKind = from.parse().map_err(bad)?;
            zq_services::reporting::create_channel(
                svc,
                &system,
                ChannelInput {
                    name: format!(
                        "{}报送：{}·{}",
                        match sender_kind {
                            TenantKind::Department => "部门",
                            TenantKind::District => "区县",
                            TenantKind::Town => "街镇",
                            TenantKind::Portal => "门户",
                        },
                        tenant.name,
                        c.name
                    ),
                    receiver: code.to_owned(),
                    sender_kind: sender_kind.as_str().to_owned(),
                    // The portal takes from every unit of the kind; a district from its own towns.
                    sender_parent: (tenant.kind != TenantKind::Portal).then(|| code.to_owned()),
                    auto_adopt: false,
                    columns: vec![col.id.0],
                    feed_url: None,
                    feed_sender: None,
                },
            )
            .await?;
            report.channels += 1;
        }
        if c.children.is_empty() {
            let count = match (kind, update) {
                (ColumnKind::SinglePage, _) => 1,
                (_, UpdateRequirement::Automatic) => 0,
                (_, UpdateRequirement::Daily | UpdateRequirement::TwiceWeekly) => 12,
                (_, UpdateRequirement::Weekly | UpdateRequirement::Monthly) => 6,
                _ => 4,
            };
            let count = if c.news { usize::MAX } else { count };
            if count > 0 {
                leaves.push(Leaf {
                    id: col.id,
                    name: c.name.clone(),
                    slug: c.slug.clone(),
                    count,
                    duty: zq_domain::inspection::duty_days(update),
                });
            }
        }
        for child in &c.children {
            seed_column(svc, tenant, child, Some(col.id), order, leaves, report).await?;
        }
        Ok(())
    })
}

/// A unit's name as tags on the portal's aggregated lists show it: without the city's name
/// in front or 人民政府 behind (海川市发展和改革委员会 → 发展和改革委员会, 江北区人民政府 → 江北区).
fn short_name(name: &str, city: &str) -> String {
    let trimmed = name.strip_prefix(city).unwrap_or(name);
    trimmed
        .strip_suffix("人民政府")
        .filter(|s| !s.is_empty())
        .unwrap_or(trimmed)
        .to_owned()
}

/// The office inside a unit that answers for a column; the portal's columns are the general
/// office's (its sponsor), whose offices are 处 rather than 科.
fn responsible_unit(tenant: &Tenant, column: &str) -> String {
    if tenant.kind == TenantKind::Portal {
        let office = match column {
            n if n.contains("公开") || n.contains("政策") => "政务公开处",
            n if n.contains("财政") || n.contains("项目") => "综合处",
            n if n.contains("办事") || n.contains("服务") => "政务服务管理处",
            n if n.contains("信箱")
                || n.contains("咨询")
                || n.contains("征集")
                || n.contains("调查")
                || n.contains("访谈") =>
            {
                "督查处（12345热线办）"
            }
            _ => "信息处",
        };
        return format!("{}{office}", tenant.sponsor);
    }
    let office = match column {
        n if n.contains("公开") || n.contains("政策") => "办公室（政务公开科）",
        n if n.contains("财政") || n.contains("预算") => "财务科",
        n if n.contains("人事") => "人事科",
        n if n.contains("办事") || n.contains("服务") => "行政审批科",
        n if n.contains("信箱")
            || n.contains("咨询")
            || n.contains("征集")
            || n.contains("调查") =>
        {
            "信访办"
        }
        _ => "办公室（信息科）",
    };
    format!("{}{}", tenant.name, office)
}

async fn seed_articles(
    svc: &Services,
    tenant: &Tenant,
    city: &str,
    leaves: &[Leaf],
    opts: DemoOptions,
    rng: &mut fastrand::Rng,
    now: chrono::DateTime<Utc>,
) -> Result<usize, DemoError> {
    let mut batch = Vec::new();
    // The portal's documents are the city government's, not the site's (中国海川).
    let issuer = match tenant.kind {
        TenantKind::Portal => format!("{city}人民政府"),
        _ => tenant.name.clone(),
    };
    // Titles stay distinct across the site's columns.
    let mut seen = std::collections::HashSet::new();
    for leaf in leaves {
        let count = if leaf.count == usize::MAX {
            opts.news_articles
        } else {
            leaf.count.min(opts.news_articles)
        };
        let spec = content::ArticleSpec {
            unit_name: &issuer,
            tenant_kind: tenant.kind.as_str(),
            column_name: &leaf.name,
            city,
        };
        let mut generated = content::generate(&spec, count, rng, &mut seen);
        keep_fresh(
            &mut generated,
            leaf.duty,
            tenant.code.as_str() == STALE_SITE,
            rng,
        );
        // The oldest article of each column points readers to the next column; on the sites of
        // `BROKEN_LINKS` the first column's also carries the dead link.
        let next =
            &leaves[(leaves.iter().position(|l| l.id == leaf.id).unwrap_or(0) + 1) % leaves.len()];
        if let Some(g) = generated.iter_mut().max_by_key(|g| g.days_ago) {
            g.body_html.push_str(&format!(
                "<p>相关栏目：<a href=\"/col/{}/\">{}</a></p>\n",
                next.slug, next.name
            ));
            let dead = BROKEN_LINKS
                .iter()
                .find(|(code, _, _)| *code == tenant.code.as_str());
            if let (Some((_, href, text)), true) = (dead, leaf.id == leaves[0].id) {
                g.body_html
                    .push_str(&format!("<p>另见：<a href=\"{href}\">{text}</a></p>\n"));
            }
        }
        for g in generated {
            let midnight = Utc.from_utc_datetime(
                &(now - Duration::days(i64::from(g.days_ago)))
                    .date_naive()
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default(),
            );
            // Generated times are China Standard Time; stored times are UTC.
            let at = (midnight + Duration::minutes(i64::from(g.minute_of_day))
                - Duration::hours(8))
            .min(now);
            batch.push(ImportedArticle {
                text: ArticleText {
                    column_id: leaf.id,
                    title: g.title,
                    subtitle: g.subtitle,
                    source: Some(g.source),
                    author: Some(g.author),
                    summary: Some(g.summary),
                    body: g.body_html,
                    doc_number: g.doc_number,
                    index_number: g.index_number,
                },
                published_at: Some(at),
            });
        }
    }
    let n = batch.len();
    zq_services::articles::import(svc, &Caller::system(), tenant.code.as_str(), batch).await?;
    Ok(n)
}

/// Moves a column's newest article within its update duty, as a site that keeps its columns
/// up to date would have it — nine columns in ten; the tenth is left as generated, a little
/// behind. The stale site's articles all end three weeks or more ago.
fn keep_fresh(
    articles: &mut [content::GeneratedArticle],
    duty: Option<i64>,
    stale_site: bool,
    rng: &mut fastrand::Rng,
) {
    if stale_site {
        for a in articles.iter_mut() {
            a.days_ago = a.days_ago.max(21 + rng.u32(0..5));
        }
        return;
    }
    let (Some(duty), Some(newest)) = (duty, articles.iter_mut().min_by_key(|a| a.days_ago)) else {
        return;
    };
    if rng.u32(0..10) > 0 {
        let within = u32::try_from(duty.min(7)).unwrap_or(1);
        newest.days_ago = newest.days_ago.min(rng.u32(0..within));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_drop_the_city_and_the_government_suffix() {
        for (name, short) in [
            ("海川市发展和改革委员会", "发展和改革委员会"),
            ("海川市江北区人民政府", "江北区"),
            ("江北区和平街道办事处", "江北区和平街道办事处"),
            ("海川市人民政府", "人民政府"),
        ] {
            assert_eq!(short_name(name, "海川市"), short, "{name}");
        }
    }

    #[test]
    fn the_demo_definition_parses_with_every_slug_and_kind_valid() {
        let def = definition().unwrap();
        let kinds = ["portal", "department", "district", "town"];
        let count = |k: &str| def.tenants.iter().filter(|t| t.kind == k).count();
        assert_eq!(count("portal"), 1);
        assert!(count("department") >= 20 && count("district") >= 8 && count("town") >= 4);
        fn walk(c: &ColumnDef) {
            assert!(ColumnSlug::parse(&c.slug).is_ok(), "{}", c.slug);
            assert!(
                c.update.parse::<UpdateRequirement>().is_ok(),
                "{}",
                c.update
            );
            c.children.iter().for_each(walk);
        }
        for k in kinds {
            let cols = def
                .columns
                .get(k)
                .unwrap_or_else(|| panic!("columns for {k}"));
            cols.iter().for_each(walk);
            let news = cols
                .iter()
                .flat_map(|c| std::iter::once(c).chain(c.children.iter()))
                .filter(|c| c.news)
                .count();
            assert_eq!(news, 1, "{k} has one news column");
        }
        for t in &def.tenants {
            for e in &t.extra_columns {
                assert!(!extra_slug(&e.name).is_empty(), "slug for {}", e.name);
            }
        }
    }
}

/// The district whose site the demo's site accounts work on.
const DISTRICT: &str = "jb";

/// A demo account and its one-time password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub login: String,
    pub role: &'static str,
    pub site: &'static str,
    pub password: String,
}

/// Login, display name, cluster role, role on the district, role label, where.
type AccountSpec = (
    &'static str,
    &'static str,
    Option<zq_domain::access::ClusterRole>,
    Option<zq_domain::access::TenantRole>,
    &'static str,
    &'static str,
);

/// Creates one account per role (the office, an operator, and a district's site admin, editor
/// and reviewer) with random passwords, returned once so `serve --demo` can print them.
pub async fn seed_accounts(svc: &Services) -> Result<Vec<DemoAccount>, DemoError> {
    use zq_domain::access::{ClusterRole, TenantRole};
    let specs: [AccountSpec; 5] = [
        (
            "office",
            "海川市政府办公厅",
            Some(ClusterRole::ClusterAdmin),
            None,
            "集群管理员",
            "全部网站",
        ),
        (
            "ops",
            "运维值班",
            Some(ClusterRole::Operator),
            None,
            "运维监控（只读）",
            "全部网站",
        ),
        (
            "jb.admin",
            "江北区网站管理员",
            None,
            Some(TenantRole::SiteAdmin),
            "网站管理员",
            "江北区",
        ),
        (
            "jb.editor",
            "江北区编辑",
            None,
            Some(TenantRole::Editor),
            "编辑",
            "江北区",
        ),
        (
            "jb.reviewer",
            "江北区审核员",
            None,
            Some(TenantRole::Reviewer),
            "审核",
            "江北区",
        ),
    ];
    let mut out = Vec::new();
    for (login, name, cluster, role, label, site) in specs {
        // Random hex plus a fixed tail that satisfies the password policy's character classes.
        let token = zq_store::random_token().map_err(ServiceError::from)?;
        let password = format!("{}-Zq9", &token[..14]);
        let system = Caller::system();
        match (cluster, role) {
            (Some(c), _) => {
                zq_services::admin::create_cluster_user(
                    svc,
                    &system,
                    login,
                    name,
                    password.clone(),
                    c,
                )
                .await?;
            }
            (None, r) => {
                zq_services::admin::create_user(
                    svc,
                    &system,
                    Some(DISTRICT),
                    UserInput {
                        login: login.into(),
                        display_name: name.into(),
                        password: password.clone(),
                        role: r.map(|r| r.as_str().to_owned()),
                    },
                )
                .await?;
            }
        }
        out.push(DemoAccount {
            login: login.into(),
            role: label,
            site,
            password,
        });
    }
    Ok(out)
}

/// Sites whose 党政机关网站标识 the demo leaves unset (their footer-elements indicator warns).
const WITHOUT_MARK: &[&str] = &["qs"];

/// The footer's records as the office enters them: the portal's ICP and public security record
/// numbers (the subsites publish under its domain and show them), the superior portal, and each
/// site's own 党政机关网站标识 number — one site has none yet.
async fn seed_records(svc: &Services, system: &Caller, t: Tenant) -> Result<Tenant, DemoError> {
    use zq_domain::records::SiteRecords;
    let mark =
        (!WITHOUT_MARK.contains(&t.code.as_str())).then(|| format!("DEMO{:012}", t.id.0 * 7_919));
    let records = if t.kind == TenantKind::Portal {
        SiteRecords {
            icp: Some("浙ICP备20260001号-1".into()),
            police: Some("浙公网安备 33010202000001号".into()),
            conac_id: mark,
            superior_name: Some("浙江省人民政府".into()),
            superior_url: Some("https://www.zj.gov.cn/".into()),
        }
    } else {
        SiteRecords {
            conac_id: mark,
            ..SiteRecords::default()
        }
    };
    let settings = zq_store::SiteSettings {
        records,
        ..zq_store::SiteSettings::of(&t)
    };
    Ok(zq_services::articles::update_settings(svc, system, t.code.as_str(), settings).await?)
}
