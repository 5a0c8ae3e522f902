//! Replied letters of the public registry (信件选登) as search documents: a citizen asking
//! "租房提取公积金" finds the answer another citizen already received. Only what the registry
//! shows is indexed — letters replied or closed whose writers allowed publishing — and only its
//! subject, text, reply and answering unit (the writer's details are sealed and never read
//! here). A letter is a document of the site it was written to (its registry lists it), keyed
//! `case:{id}`, in the column facet 信件选登, linking `/hudong/xinjian/{id}.html`.

use zq_domain::TenantId;
use zq_domain::interaction::CaseKind;
use zq_search::Doc;
use zq_store::{Case, Store, StoreError, Tenant};

use super::docs::is_open;
use crate::Result;

/// The kind of a letter's document.
pub const KIND_LETTER: &str = "letter";

/// The column facet letters are counted under.
const COLUMN: &str = "信件选登";

/// Letters read per query while building.
const PAGE: u64 = 100;

/// The key of a case's document.
pub(crate) fn case_key(id: i64) -> String {
    format!("case:{id}")
}

fn letter_doc(site: &Tenant, c: &Case) -> Doc {
    let mut body = c.content.clone();
    for part in [c.reply.as_deref(), c.reply_unit.as_deref()]
        .into_iter()
        .flatten()
    {
        body.push('\n');
        body.push_str(part);
    }
    Doc {
        key: case_key(c.id),
        tenant: site.code.to_string(),
        column: COLUMN.to_owned(),
        kind: KIND_LETTER.to_owned(),
        title: c.subject.clone(),
        body,
        numbers: Vec::new(),
        date: c.replied_at.unwrap_or(c.submitted_at),
        url: format!("/hudong/xinjian/{}.html", c.id),
        note: None,
    }
}

/// The letters of open site `t`'s registry that were written to it.
pub(crate) async fn site_letters(store: &Store, t: &Tenant) -> Result<Vec<Doc>> {
    let mut docs = Vec::new();
    if !is_open(t) {
        return Ok(docs);
    }
    let mut offset = 0;
    loop {
        let (page, _) = store
            .published_cases(t.id, CaseKind::Letter, PAGE, offset)
            .await?;
        let n = page.len() as u64;
        docs.extend(
            page.iter()
                .filter(|c| c.origin_tenant_id == t.id)
                .map(|c| letter_doc(t, c)),
        );
        if n < PAGE {
            return Ok(docs);
        }
        offset += n;
    }
}

/// Case `id`'s document (an event of `t` named it), when it is a letter in the registry of an
/// open site now.
pub(crate) async fn public_letter(store: &Store, t: TenantId, id: i64) -> Result<Option<Doc>> {
    let c = match store.published_case(t, id).await {
        Ok(c) if c.kind == CaseKind::Letter => c,
        Ok(_) | Err(StoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let Some(site) = store
        .tenant_by_id(c.origin_tenant_id)
        .await?
        .filter(is_open)
    else {
        return Ok(None);
    };
    Ok(Some(letter_doc(&site, &c)))
}
