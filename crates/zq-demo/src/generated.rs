//! A generated cluster for scale benchmarks: `n` more department sites after the demo's own,
//! each with the demo's department columns, a mailbox and generated articles, so the
//! inspection's full recomputation (and anything else that walks every site) can be measured at
//! 1,000 sites (`ops/bench/inspection.sh`). Written through the services as the system, like
//! the demo.

use zq_domain::{Host, TenantKind};
use zq_services::admin::TenantInput;
use zq_services::{Caller, Services};

use crate::{DemoError, DemoOptions, SeedReport, definition, demo_host};

/// Adds `n` department sites (`g0001`, `g0002`…) under the demo's portal; what was seeded.
pub async fn seed_generated_sites(
    svc: &Services,
    suffix: &Host,
    n: usize,
    opts: DemoOptions,
) -> Result<SeedReport, DemoError> {
    let def = definition()?;
    let system = Caller::system();
    let mut rng = fastrand::Rng::with_seed(opts.seed ^ 0x6e6);
    let mut report = SeedReport {
        tenants: 0,
        columns: 0,
        articles: 0,
        channels: 0,
        submissions: 0,
        cases: 0,
        consultations: 0,
    };
    let template = def
        .columns
        .get("department")
        .map(Vec::as_slice)
        .unwrap_or_default();
    let now = svc.now();
    for i in 1..=n {
        let code = format!("g{i:04}");
        let name = format!("{}第{i}工作局", def.cluster.city);
        let tenant = zq_services::admin::create_tenant(
            svc,
            &system,
            TenantInput {
                code: code.clone(),
                kind: "department".into(),
                name: name.clone(),
                sponsor: name.clone(),
                site_id: Some(format!("33{:08}", 90_000 + i)),
                contact: Some(format!("电话：0599-8{:07}", 2_000_000 + i)),
                parent: Some(def.cluster.portal_code.clone()),
                hosts: vec![demo_host(&code, suffix)?.to_string()],
                short_name: Some(format!("第{i}工作局")),
                preparing: false,
                template: None,
            },
        )
        .await?;
        report.tenants += 1;
        let mut leaves = Vec::new();
        let mut order = 0;
        for c in template {
            crate::seed_column(svc, &tenant, c, None, &mut order, &mut leaves, &mut report).await?;
        }
        crate::seed_mailbox(svc, &tenant, TenantKind::Department).await?;
        report.articles += crate::seed_articles(
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
    Ok(report)
}
