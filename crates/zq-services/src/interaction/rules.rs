//! Time limits (办理时限): the cluster's rules from configuration (`[interaction]`), which a
//! site's admin may shorten for their own site (never lengthen: `ClockRules::check_within`).
//! A case's clock starts with its owning site's rules; rules set before the cluster tightened
//! its own are held to the cluster's when read.

use zq_domain::TenantId;
use zq_domain::access::Action;
use zq_domain::interaction::ClockRules;

use crate::{Caller, Result, ServiceError, Services, site};

/// The rules that apply to cases owned by `tenant`.
pub async fn rules_of(svc: &Services, tenant: TenantId) -> Result<ClockRules> {
    let cluster = svc.interaction().rules;
    Ok(match svc.store().tenant_clock_rules(tenant).await? {
        Some(own) => own.within(&cluster),
        None => cluster,
    })
}

/// A site's time limits as its console shows them.
#[derive(Debug, Clone, Copy)]
pub struct SiteRules {
    /// What applies to the site's cases.
    pub rules: ClockRules,
    /// The cluster's, the upper bound.
    pub cluster: ClockRules,
    /// The site has set its own.
    pub own: bool,
}

/// Site `code`'s time limits (anyone who may read the site).
pub async fn site_rules(svc: &Services, caller: &Caller, code: &str) -> Result<SiteRules> {
    let t = site(svc, caller, code, Action::Read).await?;
    let own = svc.store().tenant_clock_rules(t.id).await?.is_some();
    Ok(SiteRules {
        rules: rules_of(svc, t.id).await?,
        cluster: svc.interaction().rules,
        own,
    })
}

/// Sets site `code`'s own time limits (`None`: back to the cluster's); its admin or the
/// office. Refused when any limit is longer than the cluster's.
pub async fn set_site_rules(
    svc: &Services,
    caller: &Caller,
    code: &str,
    rules: Option<ClockRules>,
) -> Result<()> {
    let t = site(svc, caller, code, Action::EditSettings).await?;
    if let Some(r) = &rules {
        r.check_within(&svc.interaction().rules)
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    }
    Ok(svc
        .store()
        .set_tenant_clock_rules(t.id, rules, &caller.who())
        .await?)
}
