//! Table-driven tests of the inspection rules with a set clock: columns crossing their
//! thresholds, the home page going stale, blank columns, unanswered letters, and the score.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::column::{ColumnKind, UpdateRequirement};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 2, 0, 0).unwrap()
}

fn ago(days: i64) -> Option<DateTime<Utc>> {
    Some(now() - Duration::days(days))
}

fn column(id: i64, r: UpdateRequirement, last: Option<DateTime<Utc>>) -> ColumnFacts {
    ColumnFacts {
        id,
        path: format!("栏目{id}"),
        kind: ColumnKind::ArticleList,
        requirement: r,
        is_news: false,
        top_level: true,
        has_children: false,
        aggregates: false,
        published: u64::from(last.is_some()),
        last_update: last,
        created_at: now() - Duration::days(800),
    }
}

fn site(columns: Vec<ColumnFacts>) -> SiteFacts {
    SiteFacts {
        home_last_update: ago(1),
        created_at: now() - Duration::days(800),
        columns,
        active_mailboxes: 1,
        open_letters: Vec::new(),
        serious_errors: None,
        probes: None,
        served: None,
        broken_links: None,
        site_id: Some("3301000001".into()),
        sponsor: "海川市人民政府办公厅".into(),
        contact: Some("电话：0599-81000000".into()),
        records: crate::records::SiteRecords {
            icp: Some("浙ICP备05012345号".into()),
            police: Some("浙公网安备 33010202000123号".into()),
            conac_id: Some("ABC123".into()),
            ..Default::default()
        },
    }
}

fn indicator(f: &SiteFacts, code: &str) -> Indicator {
    evaluate(f, now())
        .into_iter()
        .find(|i| i.code == code)
        .unwrap()
}

#[test]
fn the_home_page_warns_three_days_before_two_weeks_and_fails_at_two_weeks() {
    for (days, status) in [
        (0, Status::Pass),
        (10, Status::Pass),
        (11, Status::Warn),
        (13, Status::Warn),
        (14, Status::Fail),
        (40, Status::Fail),
    ] {
        let mut f = site(Vec::new());
        f.home_last_update = ago(days);
        let i = indicator(&f, "home_stale");
        assert_eq!(i.status, status, "{days} days");
        assert_eq!(i.count, days);
    }
    // A site that never published counts from its creation.
    let mut f = site(Vec::new());
    f.home_last_update = None;
    f.created_at = now() - Duration::days(20);
    let i = indicator(&f, "home_stale");
    assert_eq!(i.status, Status::Fail);
    assert_eq!(i.evidence[0].detail, "从未发布信息");
}

#[test]
fn news_columns_go_stale_after_two_weeks_and_policy_columns_after_six_months() {
    use UpdateRequirement::*;
    // (requirement, is_news, days idle, stale?, warned?)
    let cases = [
        (Daily, false, 13, false, true),
        (Daily, false, 14, true, false),
        (Weekly, false, 11, false, true),
        (Weekly, false, 10, false, false),
        (TwiceWeekly, false, 30, true, false),
        (AsNeeded, true, 14, true, false),
        (Monthly, false, 100, false, false),
        (Monthly, false, 180, false, true),
        (Quarterly, false, 183, true, false),
        (AsNeeded, false, 900, false, false),
    ];
    for (r, news, days, stale, warned) in cases {
        let mut c = column(1, r, ago(days));
        c.is_news = news;
        let i = indicator(&site(vec![c]), "columns_stale");
        assert_eq!(i.count, i64::from(stale), "{r:?} news={news} {days}");
        let listed = !i.evidence.is_empty();
        assert_eq!(listed, stale || warned, "{r:?} news={news} {days}");
    }
}

#[test]
fn five_stale_columns_veto_the_site_and_four_plus_one_soon_warn() {
    let stale = |n: i64| -> Vec<ColumnFacts> {
        (0..n)
            .map(|i| column(i, UpdateRequirement::Weekly, ago(20)))
            .collect()
    };
    let i = indicator(&site(stale(5)), "columns_stale");
    assert_eq!(i.status, Status::Fail);
    assert_eq!(i.value, "5 个栏目");
    let mut four = stale(4);
    four.push(column(9, UpdateRequirement::Weekly, ago(12)));
    let i = indicator(&site(four), "columns_stale");
    assert_eq!(i.status, Status::Warn, "the fifth would cross in 2 days");
    assert!(
        i.evidence[4].detail.contains("2 天后超过 14 天"),
        "{:?}",
        i.evidence
    );
    assert_eq!(
        indicator(&site(Vec::new()), "columns_stale").status,
        Status::Pass
    );
}

#[test]
fn parents_aggregates_links_and_automatic_columns_are_not_counted() {
    let mut parent = column(1, UpdateRequirement::Daily, None);
    parent.has_children = true;
    let mut gathered = column(2, UpdateRequirement::Daily, None);
    gathered.aggregates = true;
    let mut link = column(3, UpdateRequirement::Daily, None);
    link.kind = ColumnKind::ExternalLink;
    let auto = column(4, UpdateRequirement::Automatic, None);
    let f = site(vec![parent, gathered, link, auto]);
    for code in ["columns_blank", "columns_stale", "columns_duty"] {
        assert!(indicator(&f, code).evidence.is_empty(), "{code}");
    }
}

#[test]
fn blank_columns_veto_at_five_and_are_not_also_stale() {
    let blanks: Vec<ColumnFacts> = (0..5)
        .map(|i| column(i, UpdateRequirement::Daily, None))
        .collect();
    let f = site(blanks);
    let i = indicator(&f, "columns_blank");
    assert_eq!((i.status, i.count), (Status::Fail, 5));
    assert_eq!(indicator(&f, "columns_stale").count, 0);
    let f = site(vec![column(1, UpdateRequirement::Daily, None)]);
    assert_eq!(indicator(&f, "columns_blank").status, Status::Warn);
}

#[test]
fn columns_left_a_year_veto_at_ten() {
    let old = |n: i64, days: i64| -> Vec<ColumnFacts> {
        (0..n)
            .map(|i| column(i, UpdateRequirement::Quarterly, ago(days)))
            .collect()
    };
    assert_eq!(
        indicator(&site(old(10, 365)), "columns_long_stale").status,
        Status::Fail
    );
    assert_eq!(
        indicator(&site(old(9, 400)), "columns_long_stale").status,
        Status::Warn
    );
    assert_eq!(
        indicator(&site(old(10, 364)), "columns_long_stale").status,
        Status::Pass
    );
}

#[test]
fn a_column_behind_its_duty_costs_a_point_and_one_due_soon_warns() {
    use UpdateRequirement::*;
    // (requirement, days idle, status)
    let cases = [
        (Daily, 1, Status::Pass),
        (Daily, 2, Status::Fail),
        (Weekly, 4, Status::Pass),
        (Weekly, 5, Status::Warn),
        (Weekly, 7, Status::Warn),
        (Weekly, 8, Status::Fail),
        (Monthly, 29, Status::Warn),
        (Monthly, 32, Status::Fail),
        (AsNeeded, 500, Status::Pass),
    ];
    for (r, days, status) in cases {
        let f = site(vec![column(1, r, ago(days))]);
        assert_eq!(indicator(&f, "columns_duty").status, status, "{r:?} {days}");
    }
    let f = site(vec![column(1, Weekly, ago(6))]);
    assert_eq!(
        indicator(&f, "columns_duty").evidence[0].detail,
        "每周更新，2 天内需要更新"
    );
}

#[test]
fn a_letter_unanswered_for_three_months_vetoes_and_for_two_months_costs_points() {
    let letter = |id, days| OpenLetter {
        id,
        subject: format!("来信{id}"),
        submitted_at: now() - Duration::days(days),
    };
    // (days open, interaction status, slow-reply count)
    for (days, status, slow) in [
        (30, Status::Pass, 0),
        (61, Status::Pass, 1),
        (88, Status::Warn, 1),
        (91, Status::Fail, 1),
    ] {
        let mut f = site(Vec::new());
        f.open_letters = vec![letter(7, days)];
        assert_eq!(indicator(&f, "interaction").status, status, "{days}");
        assert_eq!(indicator(&f, "slow_replies").count, slow, "{days}");
    }
    let mut f = site(Vec::new());
    f.active_mailboxes = 0;
    let i = indicator(&f, "interaction");
    assert_eq!(
        (i.status, i.value.as_str()),
        (Status::Fail, "无在线咨询渠道")
    );
}

#[test]
fn veto_items_come_first_and_unmeasured_ones_say_so() {
    let all = evaluate(&site(Vec::new()), now());
    let first_scored = all.iter().position(|i| i.weight == Weight::Scored).unwrap();
    assert!(
        all[first_scored..]
            .iter()
            .all(|i| i.weight == Weight::Scored)
    );
    let links = all.iter().find(|i| i.code == "links").unwrap();
    assert_eq!(links.status, Status::NotAvailable);
}

#[test]
fn the_score_fails_on_a_veto_whatever_the_points_and_caps_each_deduction() {
    let healthy = Score::of(&evaluate(&site(Vec::new()), now()));
    assert_eq!(
        (healthy.points, healthy.passed, healthy.verdict()),
        (100, true, "合格")
    );

    // 12 columns behind a daily duty: −10 (capped); no footer contact and no site code: −4.
    let mut f = site(
        (0..12)
            .map(|i| column(i, UpdateRequirement::Daily, ago(3)))
            .collect(),
    );
    f.contact = None;
    f.site_id = Some(" ".into());
    let s = Score::of(&evaluate(&f, now()));
    assert_eq!(s.points, 86, "{s:?}");
    assert!(s.passed);
    assert_eq!(s.deductions.len(), 2);

    let mut f = site(Vec::new());
    f.home_last_update = ago(30);
    let s = Score::of(&evaluate(&f, now()));
    assert_eq!((s.points, s.passed, s.verdict()), (100, false, "单项否决"));
    assert_eq!(s.vetoes, vec!["首页更新"]);
}

#[test]
fn serious_errors_are_measured_once_the_cluster_keeps_a_lexicon() {
    let mut f = site(Vec::new());
    assert_eq!(indicator(&f, "serious_errors").status, Status::NotAvailable);
    f.serious_errors = Some(Vec::new());
    assert_eq!(indicator(&f, "serious_errors").status, Status::Pass);
    f.serious_errors = Some(vec![ErrorFinding {
        article_id: 9,
        message: "“中华人民共合国”应为“中华人民共和国”".into(),
        context: "庆祝中华人民共合国成立".into(),
    }]);
    let i = indicator(&f, "serious_errors");
    assert_eq!(
        (i.status, i.evidence[0].object.as_str()),
        (Status::Fail, "article:9")
    );
    let s = Score::of(&evaluate(&f, now()));
    assert_eq!(s.vetoes, vec!["严重表述错误"]);
}

#[test]
fn availability_is_the_share_of_failed_probes_over_a_synthetic_week() {
    // A week of probes every hour on the hour (24 a day): (failed, status).
    let week = 7 * 24;
    for (failed, status, value) in [
        (0, Status::Pass, "168 次中 0 次打不开（0.0%）"),
        (4, Status::Pass, "168 次中 4 次打不开（2.3%）"),
        (5, Status::Warn, "168 次中 5 次打不开（2.9%）"),
        (8, Status::Warn, "168 次中 8 次打不开（4.7%）"),
        (9, Status::Fail, "168 次中 9 次打不开（5.3%）"),
    ] {
        let mut f = site(Vec::new());
        f.probes = Some(ProbeFacts {
            total: week,
            failed,
            failures: Vec::new(),
        });
        let i = indicator(&f, "availability");
        assert_eq!((i.status, i.value.as_str()), (status, value), "{failed}");
    }
}

#[test]
fn a_served_5xx_rate_of_one_percent_warns_beside_the_probes_and_never_vetoes() {
    let probes = |failed| ProbeFacts {
        total: 168,
        failed,
        failures: Vec::new(),
    };
    // (probes, responses, server errors) → status, and whether the 5xx line is evidence.
    for (p, served, status, shown) in [
        (Some(probes(0)), None, Status::Pass, false),
        (Some(probes(0)), Some((10_000, 0)), Status::Pass, false),
        (Some(probes(0)), Some((10_000, 99)), Status::Pass, true),
        (Some(probes(0)), Some((10_000, 100)), Status::Warn, true),
        (Some(probes(9)), Some((10_000, 100)), Status::Fail, true),
        (Some(probes(5)), Some((10_000, 0)), Status::Warn, false),
        (None, None, Status::NotAvailable, false),
        (None, Some((0, 0)), Status::NotAvailable, false),
        (None, Some((200, 1)), Status::NotAvailable, true),
        (None, Some((200, 2)), Status::Warn, true),
    ] {
        let mut f = site(Vec::new());
        f.probes = p;
        f.served = served.map(|(responses, server_errors)| ServedFacts {
            responses,
            server_errors,
        });
        let i = indicator(&f, "availability");
        let line = i.evidence.iter().find(|e| e.object == "served");
        assert_eq!((i.status, line.is_some()), (status, shown), "{served:?}");
        assert_eq!(i.weight, Weight::Veto);
    }
    let mut f = site(Vec::new());
    f.probes = Some(probes(0));
    f.served = Some(ServedFacts {
        responses: 10_000,
        server_errors: 150,
    });
    let i = indicator(&f, "availability");
    assert_eq!(
        i.evidence[0].detail,
        "近 7 天 10000 次访问中 150 次返回服务器错误（5xx，1.5%）"
    );
    assert_eq!(i.value, "168 次中 0 次打不开（0.0%）");
}

#[test]
fn links_and_pictures_are_read_with_their_place_and_text() {
    let html = r#"<p>见<a href="/art/9.html">通知 <b>全文</b></a>和<a href="https://x.gov.cn/a?b=1&amp;c=2" rel="noopener">外部</a>。</p>
<p><img src="/files/ab/pic.png" alt="现场图片"><a href="mailto:a@b.cn">信箱</a><a name="top">锚</a><A HREF='#top'>回到顶部</A></p>"#;
    let got: Vec<(String, String, usize, bool)> = links::links_of_html(html)
        .into_iter()
        .map(|l| (l.href, l.text, l.nth, l.image))
        .collect();
    assert_eq!(
        got,
        vec![
            ("/art/9.html".into(), "通知 全文".into(), 1, false),
            ("https://x.gov.cn/a?b=1&c=2".into(), "外部".into(), 2, false),
            ("/files/ab/pic.png".into(), "现场图片".into(), 3, true),
            ("mailto:a@b.cn".into(), "信箱".into(), 4, false),
            ("#top".into(), "回到顶部".into(), 5, false),
        ]
    );
    let checkable: Vec<bool> = links::links_of_html(html)
        .iter()
        .map(|l| links::is_checkable(&l.href))
        .collect();
    assert_eq!(checkable, vec![true, true, true, false, false]);
}

#[test]
fn answers_to_a_link_check_mean_what_the_rule_says() {
    use links::Verdict::*;
    for (status, head, want) in [
        (200, true, Works),
        (204, false, Works),
        (301, true, Redirect),
        (308, false, Redirect),
        (405, true, RetryWithGet),
        (404, true, RetryWithGet),
        (404, false, Broken("页面不存在（HTTP 404）".into())),
        (410, false, Broken("页面不存在（HTTP 410）".into())),
        (500, false, Broken("服务器返回 HTTP 500".into())),
        (401, true, Broken("服务器返回 HTTP 401".into())),
    ] {
        assert_eq!(links::judge(status, head), want, "{status} head={head}");
    }
    let at = now();
    assert_eq!(links::recheck_after(true, at), at + Duration::days(7));
    assert_eq!(links::recheck_after(false, at), at + Duration::hours(12));
}

#[test]
fn broken_links_are_measured_once_checked_and_cost_a_point_each_up_to_ten() {
    let mut f = site(Vec::new());
    assert_eq!(indicator(&f, "links").status, Status::NotAvailable);
    f.broken_links = Some(Vec::new());
    assert_eq!(indicator(&f, "links").status, Status::Pass);
    let broken = |n: i32| links::BrokenLink {
        article_id: 7,
        title: "关于开展检查的通知".into(),
        url: format!("https://old.example.cn/{n}"),
        text: "附件".into(),
        nth: n,
        problem: "页面不存在（HTTP 404）".into(),
        internal: false,
    };
    for (n, points) in [(1, 99), (3, 97), (12, 90)] {
        f.broken_links = Some((1..=n).map(broken).collect());
        let i = indicator(&f, "links");
        assert_eq!(i.status, Status::Fail);
        assert_eq!(i.evidence.len(), n as usize);
        assert_eq!(i.evidence[0].object, "article:7");
        assert_eq!(
            i.evidence[0].detail,
            "《关于开展检查的通知》第 1 个链接“附件”：页面不存在（HTTP 404）"
        );
        assert_eq!(Score::of(&evaluate(&f, now())).points, points, "{n} links");
    }
}

#[test]
fn the_daily_digest_goes_out_once_a_day_from_eight_and_only_with_something_to_say() {
    use chrono::TimeZone;
    // 2026-12-04 00:30 UTC is 08:30 in Beijing; 23:30 UTC on the 3rd is 07:30 on the 4th.
    let morning = Utc.with_ymd_and_hms(2026, 12, 4, 0, 30, 0).unwrap();
    let early = Utc.with_ymd_and_hms(2026, 12, 3, 23, 30, 0).unwrap();
    for (last, at, want) in [
        (None, morning, true),
        (Some(20261203), morning, true),
        (Some(20261204), morning, false),
        (Some(20261203), early, false),
    ] {
        assert_eq!(digest::due(last, at), want, "{last:?} {at}");
    }
    let mut f = site(vec![column(1, UpdateRequirement::Weekly, ago(30))]);
    f.home_last_update = ago(20);
    let indicators = evaluate(&f, now());
    let d = digest::digest(
        "海川市统计局",
        "/console/sites/tjj/inspection",
        &Score::of(&indicators),
        &indicators,
    )
    .unwrap();
    assert!(
        d.subject.starts_with("【海川市统计局】网站检查简报："),
        "{}",
        d.subject
    );
    assert!(
        d.body.contains("单项否决") && d.body.contains("【不达标】首页更新：20 天"),
        "{}",
        d.body
    );
    assert!(
        d.body.contains("/console/sites/tjj/inspection"),
        "{}",
        d.body
    );
    let clean = site(vec![column(1, UpdateRequirement::Weekly, ago(1))]);
    let indicators: Vec<Indicator> = evaluate(&clean, now())
        .into_iter()
        .filter(|i| i.status != Status::NotAvailable)
        .collect();
    assert!(
        digest::digest("x", "/", &Score::of(&indicators), &indicators).is_none(),
        "{indicators:?}"
    );
}

#[test]
fn footer_elements_fail_on_a_missing_record_and_warn_without_the_mark() {
    let f = site(Vec::new());
    assert_eq!(indicator(&f, "elements").status, Status::Pass);
    let mut f = site(Vec::new());
    f.records.conac_id = None;
    let i = indicator(&f, "elements");
    assert_eq!((i.status, i.count), (Status::Warn, 0));
    assert_eq!(i.evidence[0].what, "党政机关网站标识");
    f.records.icp = None;
    f.records.police = Some(" ".into());
    let i = indicator(&f, "elements");
    assert_eq!((i.status, i.count), (Status::Fail, 2));
    let s = Score::of(&evaluate(&f, now()));
    assert_eq!(s.points, 96, "{s:?}");
}

#[test]
fn the_duty_summary_counts_columns_with_a_duty_and_lists_the_longest_behind_first() {
    use UpdateRequirement::*;
    let f = site(vec![
        column(1, Weekly, ago(9)),
        column(2, Daily, ago(30)),
        column(3, Weekly, ago(6)),
        column(4, Monthly, ago(29)),
        column(5, AsNeeded, ago(400)),
        column(6, Weekly, ago(2)),
    ]);
    let s = duty_summary(&f, now());
    assert_eq!(s.with_duty, 5, "随时更新 has no duty");
    let ids = |v: &[DutyColumn]| v.iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(ids(&s.behind), vec![2, 1]);
    assert_eq!(ids(&s.due), vec![3, 4]);
    assert_eq!(s.behind[1].detail(), "每周更新，已 9 天未更新");
    assert_eq!(s.due[0].detail(), "每周更新，2 天内需要更新");
    assert!(s.behind.iter().all(DutyColumn::is_behind));
    assert!(!s.due.iter().any(DutyColumn::is_behind));
}
