//! The steps a case page offers: a form for every step the case's state allows
//! (`zq_domain::interaction::transition`) and the person's role permits, in the order a
//! handler meets them, with the draft prefilled with the kind's usual opening and closing and
//! the kind's common sentences offered to copy.

use zq_domain::access::Action;
use zq_domain::interaction::{CaseActor, CaseEvent, CaseFacts, CaseKind, transition};
use zq_render::console_view::StepForm;
use zq_store::Case;

/// The forms of the steps staff may take, in the order a handler meets them.
pub(super) fn step_forms(c: &Case, can: impl Fn(Action) -> bool) -> Vec<StepForm> {
    let facts = CaseFacts {
        kind: c.kind,
        extended: c.extended,
    };
    let form = |step, button, text_label, text_required| StepForm {
        step,
        button,
        text_label,
        text_required,
        text: String::new(),
        transfer: false,
        answers: false,
        templates: false,
    };
    let candidates = [
        form("accept", "受理", Some("受理意见（选填）"), false),
        form("draft_reply", "拟写答复", Some("答复内容"), true),
        form(
            "approve_reply",
            "审核通过并答复",
            Some("审核意见（选填）"),
            false,
        ),
        form("return_reply", "退回修改", Some("退回意见"), true),
        form("transfer", "转办", Some("转办说明（选填）"), false),
        form(
            "request_correction",
            "要求补正",
            Some("需要补正的内容（将告知来信人）"),
            true,
        ),
        form(
            "consult_third_party",
            "征求第三方意见",
            Some("征求意见的对象和事项（选填）"),
            false,
        ),
        form(
            "third_party_answered",
            "第三方意见已回复",
            Some("第三方意见（选填）"),
            false,
        ),
        form("extend", "延期", Some("延期理由"), true),
        form(
            "refuse",
            "不予受理",
            Some("不予受理的理由（将告知来信人）"),
            true,
        ),
    ];
    candidates
        .into_iter()
        .filter_map(|mut f| {
            let event = CaseEvent::staff_step(f.step, "x".into())?;
            transition(c.state, facts, &event).ok()?;
            let CaseActor::Staff(action) = event.actor() else {
                return None;
            };
            if !can(action) {
                return None;
            }
            match f.step {
                "transfer" => f.transfer = true,
                "draft_reply" => {
                    f.answers = c.kind == CaseKind::Disclosure;
                    f.templates = true;
                    f.text = c.reply_draft.clone().unwrap_or_else(|| opening(c.kind));
                    if c.reply_draft.is_some() {
                        f.button = "修改答复稿";
                    }
                }
                _ => {}
            }
            Some(f)
        })
        .collect()
}

/// The opening and closing of a reply, prefilled in an empty draft.
fn opening(kind: CaseKind) -> String {
    match kind {
        CaseKind::Letter | CaseKind::InterviewQuestion => {
            "您好！您的来信收悉。经了解，现答复如下：\n\n感谢您对我们工作的关注和支持。".into()
        }
        CaseKind::SiteError => {
            "您好！感谢您指出网站存在的问题。经核实，\n\n我们将进一步加强网站内容保障。".into()
        }
        CaseKind::Disclosure => {
            "申请人：\n本机关于  年  月  日收到您的政府信息公开申请。经审查，现答复如下：\n\n如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。".into()
        }
    }
}
