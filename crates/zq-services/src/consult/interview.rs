//! The end of an online interview: its transcript (the guests, the topic, every answered
//! question) kept as an article of the site, drafted and submitted for review in the column
//! the clerk picks; and the questions left unanswered turned into cases
//! (`CaseKind::InterviewQuestion`, 5 working days by default) that the asker follows with the
//! query code given when they asked. The leased case-clock job sweeps interviews that ended
//! without anyone closing them, so no question is forgotten.

use zq_domain::ColumnId;
use zq_domain::access::Action;
use zq_domain::article::ArticleText;
use zq_domain::consult::{ConsultKind, EntryState, Phase};
use zq_domain::html::escape_html;
use zq_domain::time::format_local;
use zq_store::{ConsultChange, Consultation, Entry, Tenant, Who};

use crate::articles::{Step, create_article, step};
use crate::{Caller, Result, ServiceError, Services, site};

/// What closing an interview did.
#[derive(Debug, Clone)]
pub struct Closed {
    pub consultation: Consultation,
    /// The transcript article (a draft submitted for review).
    pub article_id: i64,
    /// Cases opened for unanswered questions, by entry.
    pub cases: Vec<(i64, i64)>,
}

fn transcript(c: &Consultation, answered: &[Entry]) -> String {
    let mut html = String::new();
    if let Some(g) = &c.guests {
        html.push_str("<h2>访谈嘉宾</h2><ul>");
        for line in g.lines().map(str::trim).filter(|l| !l.is_empty()) {
            html.push_str(&format!("<li>{}</li>", escape_html(line)));
        }
        html.push_str("</ul>");
    }
    html.push_str(&format!(
        "<p>访谈时间：{} 至 {}</p><h2>访谈主题</h2>{}",
        format_local(c.opens_at, false),
        format_local(c.closes_at, false),
        c.body
    ));
    html.push_str("<h2>网友提问与嘉宾答复</h2>");
    for e in answered {
        html.push_str(&format!(
            "<p><strong>{}问：</strong>{}</p><p><strong>{}答：</strong>{}</p>",
            escape_html(&e.nickname),
            escape_html(&e.content),
            escape_html(e.answered_by.as_deref().unwrap_or("嘉宾")),
            escape_html(e.answer.as_deref().unwrap_or("")),
        ));
    }
    html
}

/// Ends interview `id` of site `code` (if it is still running), keeps its transcript as an
/// article of column `column` submitted for review, and turns its unanswered questions into
/// cases. Closing it again keeps the article it made and opens no case twice.
pub async fn close_interview(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    column: i64,
) -> Result<Closed> {
    let t = site(svc, caller, code, Action::WriteArticles).await?;
    let mut c = svc.store().consultation(t.id, id).await?;
    if c.kind != ConsultKind::Interview {
        return Err(ServiceError::Invalid("只有在线访谈可以生成实录".into()));
    }
    match c.phase(svc.now()) {
        Phase::Draft => return Err(ServiceError::Conflict("访谈尚未发布".into())),
        Phase::Upcoming | Phase::Open => {
            c = svc
                .store()
                .change_consultation(t.id, id, None, ConsultChange::End, &caller.who())
                .await?;
        }
        Phase::Closed => {}
    }
    let article_id = match c.article_id {
        Some(a) => a,
        None => {
            let answered = svc
                .store()
                .entries(t.id, id, &[EntryState::Answered])
                .await?;
            let text = ArticleText {
                column_id: ColumnId(column),
                title: format!("{}（访谈实录）", c.title),
                subtitle: None,
                source: Some(t.name.clone()),
                author: None,
                summary: c.summary.clone(),
                body: transcript(&c, &answered),
                doc_number: None,
                index_number: None,
            };
            let a = create_article(svc, caller, code, text, None).await?;
            step(svc, caller, code, a.id.0, Step::Submit).await?;
            c = svc
                .store()
                .change_consultation(
                    t.id,
                    id,
                    None,
                    ConsultChange::Article(a.id.0),
                    &caller.who(),
                )
                .await?;
            a.id.0
        }
    };
    let cases = leftovers(svc, &t, &c, &caller.who()).await?;
    Ok(Closed {
        consultation: c,
        article_id,
        cases,
    })
}

/// Opens a case for every question of ended interview `c` that nobody answered (pending or
/// approved, not yet a case).
async fn leftovers(
    svc: &Services,
    t: &Tenant,
    c: &Consultation,
    who: &Who,
) -> Result<Vec<(i64, i64)>> {
    let mut opened = Vec::new();
    let open = svc
        .store()
        .entries(t.id, c.id, &[EntryState::Pending, EntryState::Approved])
        .await?;
    for e in open.into_iter().filter(|e| e.case_id.is_none()) {
        let case = crate::interaction::open_interview_question(
            svc,
            t,
            &c.title,
            &e.content,
            &e.nickname,
            &e.submit_key,
        )
        .await?;
        svc.store()
            .link_entry_case(t.id, e.id, case.case.id, who)
            .await?;
        opened.push((e.id, case.case.id));
    }
    Ok(opened)
}

/// The job's sweep: every interview that has ended with questions still unanswered and not
/// yet cases gets its cases. Returns how many were opened.
pub async fn sweep_interviews(svc: &Services) -> Result<usize> {
    let mut n = 0;
    for c in svc.store().interviews_with_leftovers(svc.now()).await? {
        let Some(t) = svc.store().tenant_by_id(c.tenant_id).await? else {
            continue;
        };
        n += leftovers(svc, &t, &c, &Who::system()).await?.len();
    }
    Ok(n)
}
