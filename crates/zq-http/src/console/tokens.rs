//! The console's page for a person's own API tokens: list, create (the secret is shown once)
//! and revoke. Tokens carry one role the person holds, on one site or cluster-wide.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;

use zq_domain::access::ClusterRole;
use zq_render::ConsolePage;
use zq_render::console_view::{Choice, Me, TokenLine, TokensView};

use super::frame::{ConsoleCaller, PageResult, html_status};
use super::{BASE, see_other};
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, ServiceError, format_local, parse_local};

fn role_label(role: &str) -> &'static str {
    match role {
        "site_admin" => "网站管理员",
        "editor" => "编辑",
        "reviewer" => "审核",
        "cluster_admin" => "集群管理员",
        "operator" => "运维（只读）",
        _ => "?",
    }
}

pub(crate) async fn page(State(state): State<AppState>, cc: ConsoleCaller) -> PageResult {
    render(&state, &cc, None, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    cc: &ConsoleCaller,
    secret: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let c = &cc.caller;
    let tenants = state.store().list_tenants().await?;
    let code_of = |id| {
        tenants
            .iter()
            .find(|t| t.id == id)
            .map(|t| (t.code.to_string(), t.name.clone()))
    };
    // The scopes this person may give a token: each role they hold.
    let mut scopes: Vec<Choice> = Vec::new();
    if let Some(r) = c.grants.cluster {
        for role in [ClusterRole::ClusterAdmin, ClusterRole::Operator] {
            if r == ClusterRole::ClusterAdmin || role == r {
                scopes.push(Choice {
                    value: format!("*:{role}"),
                    label: format!("全集群 · {}", role_label(role.as_str())),
                });
            }
        }
    }
    for (t, role) in &c.grants.bindings {
        if let Some((code, name)) = code_of(*t) {
            scopes.push(Choice {
                value: format!("{code}:{role}"),
                label: format!("{name} · {}", role_label(role.as_str())),
            });
        }
    }
    let now = state.services().now();
    let tokens: Vec<TokenLine> = service::tokens(state.services(), c)
        .await?
        .iter()
        .map(|t| {
            let site = t
                .tenant_id
                .and_then(code_of)
                .map(|(_, n)| n)
                .unwrap_or_else(|| "全集群".into());
            let expired = t.expires_at.is_some_and(|e| e <= now);
            TokenLine {
                id: t.id,
                label: t.label.clone(),
                scope: format!("{site} · {}", role_label(&t.role)),
                created: format_local(t.created_at, false),
                used: t
                    .last_used_at
                    .map_or_else(|| "—".into(), |u| format_local(u, false)),
                expires: t
                    .expires_at
                    .map_or_else(|| "不过期".into(), |e| format_local(e, false)),
                status: if t.revoked {
                    "已吊销"
                } else if expired {
                    "已过期"
                } else {
                    "有效"
                },
                active: !t.revoked && !expired,
            }
        })
        .collect();
    let view = TokensView {
        portal_name: super::portal_name(state),
        base: BASE.to_owned(),
        csrf: cc.csrf.clone(),
        me: Me {
            display_name: c.display_name.clone(),
            login: c.login.clone(),
        },
        scopes,
        tokens,
        secret,
        error,
    };
    html_status(state, status, ConsolePage::Tokens, &view)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    cc.check_csrf(&get("csrf"))?;
    let scope = get("scope");
    let (site, role) = scope.split_once(':').unwrap_or(("", ""));
    let site = (site != "*").then_some(site);
    let result = match parse_local(&get("expires_at")) {
        Ok(expires) => {
            service::create_token(
                state.services(),
                &cc.caller,
                site,
                role,
                &get("label"),
                expires,
            )
            .await
        }
        Err(e) => Err(ServiceError::Invalid(e)),
    };
    match result {
        Ok((_, secret)) => render(&state, &cc, Some(secret), None, StatusCode::CREATED).await,
        Err(
            e @ (ServiceError::Invalid(_) | ServiceError::Forbidden(_) | ServiceError::NotFound(_)),
        ) => {
            let status = e.status();
            render(&state, &cc, None, Some(e.to_string()), status).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    cc.check_csrf(f.get("csrf").map(String::as_str).unwrap_or(""))?;
    let id: i64 = id
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("令牌 {id}")))?;
    service::revoke_token(state.services(), &cc.caller, id).await?;
    Ok(see_other(&format!("{BASE}/tokens")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_role_has_a_label() {
        for r in zq_domain::access::TenantRole::ALL {
            assert_ne!(super::role_label(r.as_str()), "?");
        }
        for r in zq_domain::access::ClusterRole::ALL {
            assert_ne!(super::role_label(r.as_str()), "?");
        }
    }
}
