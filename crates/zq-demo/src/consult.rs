//! Public participation for the demo cluster (征集调查访谈), so the pages are not empty on the
//! first start: on the portal an open solicitation on a draft regulation with approved
//! comments (and one waiting for moderation), a closed survey with its responses, results and
//! outcome, and an announced interview already taking questions; on the development and
//! reform commission a closed solicitation with its 采纳情况; on a district an open survey, on
//! another an interview held three weeks ago with its published transcript and the question
//! it left, now a case. Everything goes through the
//! services as a clerk and the public would: drafted, published, commented on or answered,
//! moderated.

use chrono::Duration;
use zq_domain::consult::EntryState;
use zq_domain::time::beijing_date;
use zq_services::consult::{self, ConsultForm, ConsultStep};
use zq_services::{Caller, Services};
use zq_store::Tenant;

use super::DemoError;

/// Comments on the portal's draft regulation: nickname, text, shown.
const COMMENTS: [(&str, &str, bool); 5] = [
    (
        "老城区居民",
        "建议明确电动自行车集中充电设施的建设责任主体，老旧小区可由街道统筹，物业配合。",
        true,
    ),
    (
        "网友",
        "第十二条对楼道停放的处罚标准建议区分首次和多次，首次以劝导为主。",
        true,
    ),
    (
        "快递小哥",
        "希望在快递驿站、外卖站点附近增设换电柜，减少入户充电。",
        true,
    ),
    (
        "物业从业者",
        "物业发现违规充电时的劝阻和报告程序写得比较笼统，建议细化。",
        true,
    ),
    ("网友", "建议征求意见的时间再延长一些。", false),
];

/// Responses to the demo survey (each its own transaction: kept small, every demo test
/// seeds them).
const RESPONSES: u32 = 48;

/// The draft regulation the demo solicitation publishes as its document.
const DRAFT_TEXT: &str = "海川市电动自行车停放充电管理办法（征求意见稿）\n\n第一条 为了规范本市电动自行车停放充电行为，预防和减少火灾事故，保护人身和财产安全，根据《中华人民共和国消防法》等法律法规，结合本市实际，制定本办法。\n\n第二条 本市行政区域内电动自行车的停放、充电及其监督管理，适用本办法。\n\n第三条 新建住宅小区应当按照标准配建电动自行车集中停放场所和充电设施；既有住宅小区应当结合老旧小区改造逐步配建。\n\n第四条 禁止在建筑物的楼道、楼梯间、安全出口、疏散通道停放电动自行车或者为其充电。\n\n第五条 物业服务企业发现违反本办法第四条规定的行为，应当予以劝阻；劝阻无效的，应当及时报告所在地街道办事处或者消防救援机构。\n\n第六条 本办法自2027年3月1日起施行。\n";

/// The survey's questions.
const SURVEY: &str = "[单选] 您对本市政务服务网“一网通办”的总体评价是？\n非常满意\n满意\n基本满意\n不满意\n\n[多选] 您最常办理的事项有哪些？\n社保医保\n户籍证件\n不动产登记\n公积金\n企业开办\n\n[填空] 您对改进政务服务还有什么建议？";

fn form(
    kind: &str,
    title: &str,
    summary: &str,
    body: &str,
    opens: String,
    closes: String,
) -> ConsultForm {
    ConsultForm {
        kind: kind.into(),
        title: title.into(),
        summary: summary.into(),
        body: body.into(),
        opens_at: opens,
        closes_at: closes,
        ..Default::default()
    }
}

/// Seeds the participation of the portal `portal`, the department `fgw` and the district
/// `district` (those that are there).
pub(crate) async fn seed_consult(
    svc: &Services,
    portal: &Tenant,
    fgw: Option<&Tenant>,
    district: Option<&Tenant>,
    interviewed: Option<&Tenant>,
    seed: u64,
) -> Result<usize, DemoError> {
    let system = Caller::system();
    let now = svc.now();
    // Periods start and end at office hours, Beijing time.
    let day = |days: i64| beijing_date(now) + Duration::days(days);
    let t = |days: i64| format!("{}T09:00", day(days));
    let code = portal.code.as_str();
    let mut made = 0;

    // An open solicitation with comments, most approved, its draft published as a document.
    let draft = zq_services::articles::upload(
        svc,
        &system,
        code,
        "海川市电动自行车停放充电管理办法（征求意见稿）.txt",
        DRAFT_TEXT.as_bytes(),
    )
    .await?;
    let c = consult::create(
        svc,
        &system,
        code,
        &ConsultForm {
            attachments: vec![draft.id],
            ..form(
            "solicitation",
            "关于《海川市电动自行车停放充电管理办法（征求意见稿）》公开征求意见的公告",
            "为规范电动自行车停放充电，消除火灾隐患，现将征求意见稿全文公布，欢迎提出意见建议。",
            "<p>为规范本市电动自行车停放充电行为，预防和减少火灾事故，市消防救援支队会同有关部门起草了《海川市电动自行车停放充电管理办法（征求意见稿）》，现向社会公开征求意见。</p><h2>征求意见稿要点</h2><ol><li>住宅小区应当按照标准配建集中停放和充电场所；</li><li>禁止在楼道、安全出口、疏散通道停放电动自行车或者充电；</li><li>物业服务企业发现违规行为应当劝阻，劝阻无效的报告街道或者消防救援机构。</li></ol><p>公众可以通过本页面“我要提意见”提出意见，也可以发送电子邮件至 yijian@haichuan.gov.cn。</p>",
            t(-10),
            t(20),
        )
        },
    )
    .await?;
    consult::step(svc, &system, code, c.id, None, ConsultStep::Publish).await?;
    for (i, (nick, text, shown)) in COMMENTS.iter().enumerate() {
        let taken = consult::submit_entry(
            svc,
            portal,
            c.id,
            nick,
            text,
            &format!("demo-{seed}-comment-{i}"),
            None,
        )
        .await?;
        if *shown {
            consult::moderate(
                svc,
                &system,
                code,
                c.id,
                taken.entry.id,
                EntryState::Approved,
            )
            .await?;
        }
    }
    made += 1;

    // A survey, answered and closed, with its outcome.
    let s = consult::create(
        svc,
        &system,
        code,
        &ConsultForm {
            questions: SURVEY.into(),
            ..form(
                "survey",
                "“一网通办”政务服务满意度网上调查",
                "了解群众和企业对政务服务的评价和需求，调查结果将用于改进服务。",
                "<p>为进一步提升政务服务水平，市政务服务管理办公室开展本次网上调查，感谢您的参与。</p>",
                t(-40),
                t(1),
            )
        },
    )
    .await?;
    consult::step(svc, &system, code, s.id, None, ConsultStep::Publish).await?;
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5e_ed);
    for i in 0..RESPONSES {
        let overall = match rng.u32(0..100) {
            0..40 => 0,
            40..78 => 1,
            78..93 => 2,
            _ => 3,
        };
        let mut picked: Vec<String> = (0..5)
            .filter(|_| rng.u32(0..100) < 35)
            .map(|k: usize| k.to_string())
            .collect();
        if picked.is_empty() {
            picked.push(rng.usize(0..5).to_string());
        }
        let text = if i % 9 == 0 {
            "希望更多事项能在手机上办理".to_owned()
        } else {
            String::new()
        };
        consult::respond(
            svc,
            portal,
            s.id,
            &[vec![overall.to_string()], picked, vec![text]],
            &format!("demo-voter-{seed}-{i:04}"),
            Some(format!("10.9.{}.{}", i / 200, i % 200)),
        )
        .await?;
    }
    let mut closed = ConsultForm::of(
        &consult::detail(svc, &system, code, s.id)
            .await?
            .consultation,
    );
    closed.closes_at = t(-12);
    consult::update(svc, &system, code, s.id, None, &closed).await?;
    consult::step(
        svc,
        &system,
        code,
        s.id,
        None,
        ConsultStep::Outcome(
            format!("本次调查共收到有效答卷 {RESPONSES} 份。多数受访者对“一网通办”表示满意或非常满意；社保医保和户籍证件是办理最多的事项。我们将把更多高频事项纳入“掌上办”，并优化不动产登记的网上预约。"),
        ),
    )
    .await?;
    made += 1;

    // An announced interview already taking questions.
    let mut interview = form(
        "interview",
        "市政务服务管理办公室主任谈“高效办成一件事”",
        "在线访谈将于下周举行，欢迎网友提前提问。",
        "<p>本期访谈邀请市政务服务管理办公室主任，介绍本市推进“高效办成一件事”改革的进展和下一步打算，并回答网友提问。</p>",
        format!("{}T09:30", day(5)),
        format!("{}T11:30", day(5)),
    );
    interview.guests =
        "李明　市政务服务管理办公室主任\n王芳　市政务服务管理办公室审批服务处处长".into();
    let v = consult::create(svc, &system, code, &interview).await?;
    consult::step(svc, &system, code, v.id, None, ConsultStep::Publish).await?;
    let q = consult::submit_entry(
        svc,
        portal,
        v.id,
        "新市民",
        "外地户籍来海川就业，办理居住证和子女入学能不能一次办好？",
        &format!("demo-{seed}-ask-0"),
        None,
    )
    .await?;
    consult::moderate(svc, &system, code, v.id, q.entry.id, EntryState::Approved).await?;
    made += 1;

    // An open survey on a district, for the questionnaire.
    if let Some(jb) = district {
        let code = jb.code.as_str();
        let open = consult::create(
            svc,
            &system,
            code,
            &ConsultForm {
                questions: "[单选] 您多久去一次区图书馆或文化馆？\n每周\n每月\n很少\n从不\n\n[多选] 您希望增加哪些公共文化服务？\n夜间开放\n少儿阅读\n讲座展览\n数字资源\n\n[填空] 其他意见建议".into(),
                ..form(
                    "survey",
                    &format!("{}公共文化服务需求调查", jb.name),
                    "您的意见将作为明年公共文化服务项目安排的参考。",
                    "<p>为了解居民对公共文化服务的需求，现开展网上调查，约需两分钟。</p>",
                    t(-3),
                    t(15),
                )
            },
        )
        .await?;
        consult::step(svc, &system, code, open.id, None, ConsultStep::Publish).await?;
        made += 1;
    }

    if let Some(yx) = interviewed {
        made += past_interview(svc, yx, seed).await?;
    }

    // A department's closed solicitation with its 采纳情况.
    if let Some(fgw) = fgw {
        let code = fgw.code.as_str();
        let f = consult::create(
            svc,
            &system,
            code,
            &form(
                "solicitation",
                "关于《海川市促进民营经济高质量发展若干措施（征求意见稿）》征求意见",
                "",
                "<p>为进一步优化营商环境，促进民营经济高质量发展，市发展改革委起草了若干措施的征求意见稿，现公开征求意见。</p>",
                t(-50),
                t(1),
            ),
        )
        .await?;
        consult::step(svc, &system, code, f.id, None, ConsultStep::Publish).await?;
        let taken = consult::submit_entry(
            svc,
            fgw,
            f.id,
            "企业经营者",
            "建议对中小企业的融资担保费率给予补贴，并明确申请流程。",
            &format!("demo-{seed}-fgw-0"),
            None,
        )
        .await?;
        consult::moderate(
            svc,
            &system,
            code,
            f.id,
            taken.entry.id,
            EntryState::Approved,
        )
        .await?;
        let mut ended = ConsultForm::of(&f);
        ended.closes_at = t(-20);
        consult::update(svc, &system, code, f.id, None, &ended).await?;
        consult::step(
            svc,
            &system,
            code,
            f.id,
            None,
            ConsultStep::Outcome(
                "征求意见期间共收到意见建议 1 条。关于融资担保费率补贴的建议已采纳，在第六条中增加了对小微企业担保费的补贴规定，申请流程将另行公布。".into(),
            ),
        )
        .await?;
        made += 1;
    }
    Ok(made)
}

/// A district head's interview held three weeks ago: questions asked and answered, one left
/// over (now a case), the transcript published in the site's first article column.
async fn past_interview(svc: &Services, t: &Tenant, seed: u64) -> Result<usize, DemoError> {
    let system = Caller::system();
    let code = t.code.as_str();
    let now = svc.now();
    let day = beijing_date(now) - Duration::days(21);
    let Some(column) = svc
        .store()
        .columns(t.id)
        .await
        .map_err(zq_services::ServiceError::from)?
        .into_iter()
        .find(|c| zq_domain::article::column_takes_articles(c.kind))
    else {
        return Ok(0);
    };
    // Drafted for now so the questions can be taken, then moved to the day it was held.
    let mut f = form(
        "interview",
        &format!("{}主要负责同志谈“一老一小”民生实事", t.name),
        "区政府主要负责同志做客在线访谈，介绍养老服务和托育服务民生实事项目进展。",
        "<p>本期访谈围绕社区嵌入式养老服务设施和普惠托育机构建设，回应群众关心的问题。</p>",
        format!("{}T09:00", beijing_date(now)),
        format!("{}T23:59", beijing_date(now) + Duration::days(1)),
    );
    f.guests = format!("{}主要负责同志\n{}民政局局长", t.name, t.name);
    let c = consult::create(svc, &system, code, &f).await?;
    consult::step(svc, &system, code, c.id, None, ConsultStep::Publish).await?;
    let asked = [
        (
            "银发族",
            "社区食堂什么时候能覆盖到我们街道？",
            Some("今年新建的 6 个社区食堂已全部开业，明年将覆盖全部街道。"),
        ),
        (
            "二孩妈妈",
            "普惠托育的收费标准是多少？",
            Some("普惠托育机构收费不高于当地同类机构平均水平的八成，具体以公示为准。"),
        ),
        ("网友", "老旧小区加装电梯有没有补贴？", None),
    ];
    for (i, (nick, question, answer)) in asked.iter().enumerate() {
        let taken = consult::submit_entry(
            svc,
            t,
            c.id,
            nick,
            question,
            &format!("demo-{seed}-{code}-ask-{i}"),
            None,
        )
        .await?;
        if let Some(a) = answer {
            consult::answer(svc, &system, code, c.id, taken.entry.id, a, "区民政局局长").await?;
        }
    }
    let mut held = ConsultForm::of(
        &consult::detail(svc, &system, code, c.id)
            .await?
            .consultation,
    );
    held.opens_at = format!("{day}T09:30");
    held.closes_at = format!("{day}T11:00");
    consult::update(svc, &system, code, c.id, None, &held).await?;
    let closed = consult::close_interview(svc, &system, code, c.id, column.id.0).await?;
    zq_services::articles::step(
        svc,
        &system,
        code,
        closed.article_id,
        zq_services::articles::Step::Approve {
            publish_at: None,
            reason: None,
        },
    )
    .await?;
    Ok(1)
}
