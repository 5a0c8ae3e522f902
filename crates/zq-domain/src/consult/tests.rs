//! Table tests of the participation rules: phases over time, moderation moves, the typed
//! question format, response checks and the tally.

use chrono::{TimeZone, Utc};

use super::survey::field_name;
use super::*;

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
}

#[test]
fn phase_follows_publication_period_and_early_end() {
    let (opens, closes) = (t(10, 0), t(20, 0));
    let cases = [
        (false, false, t(15, 0), Phase::Draft),
        (true, false, t(9, 23), Phase::Upcoming),
        (true, false, t(10, 0), Phase::Open),
        (true, false, t(19, 23), Phase::Open),
        (true, false, t(20, 0), Phase::Closed),
        (true, true, t(15, 0), Phase::Closed),
        (true, true, t(5, 0), Phase::Closed),
    ];
    for (published, ended, now, want) in cases {
        assert_eq!(
            Phase::at(published, ended, opens, closes, now),
            want,
            "{published} {ended} {now}"
        );
    }
}

#[test]
fn interviews_take_questions_before_and_during_others_only_while_open() {
    let cases = [
        (Phase::Upcoming, ConsultKind::Interview, true),
        (Phase::Open, ConsultKind::Interview, true),
        (Phase::Closed, ConsultKind::Interview, false),
        (Phase::Upcoming, ConsultKind::Survey, false),
        (Phase::Open, ConsultKind::Survey, true),
        (Phase::Open, ConsultKind::Solicitation, true),
        (Phase::Draft, ConsultKind::Solicitation, false),
    ];
    for (phase, kind, want) in cases {
        assert_eq!(phase.takes(kind), want, "{phase:?} {kind}");
    }
}

#[test]
fn moderation_moves() {
    use EntryState::*;
    let cases = [
        (Pending, Approved, true),
        (Pending, Rejected, true),
        (Approved, Rejected, true),
        (Rejected, Approved, true),
        (Approved, Answered, true),
        (Pending, Answered, true),
        (Rejected, Answered, false),
        (Answered, Rejected, false),
        (Approved, Pending, false),
        (Approved, Approved, false),
    ];
    for (from, to, want) in cases {
        assert_eq!(from.may_become(to), want, "{from} → {to}");
    }
}

#[test]
fn period_must_end_after_it_starts_and_last_at_most_a_year() {
    assert!(check_period(t(1, 0), t(2, 0)).is_ok());
    assert!(check_period(t(2, 0), t(2, 0)).is_err());
    assert!(check_period(t(3, 0), t(2, 0)).is_err());
    assert!(check_period(t(1, 0), t(1, 0) + chrono::Duration::days(400)).is_err());
}

const TYPED: &str = "[单选] 您对本区政务服务的总体评价是？\n非常满意\n满意\n不满意\n\n\
【多选】您通常通过哪些渠道办事？\r\n政务服务大厅\r\n网上办事大厅\r\n手机应用\n\n\n[填空] 您还有什么建议？\n";

#[test]
fn typed_questions_parse_with_either_bracket_and_round_trip() {
    let qs = parse_questions(TYPED).unwrap();
    assert_eq!(qs.len(), 3);
    assert_eq!(qs[0].kind, QuestionKind::Single);
    assert_eq!(qs[0].options, ["非常满意", "满意", "不满意"]);
    assert_eq!(qs[1].kind, QuestionKind::Multiple);
    assert_eq!(qs[1].prompt, "您通常通过哪些渠道办事？");
    assert_eq!(qs[2].kind, QuestionKind::Text);
    assert!(qs[2].options.is_empty());
    assert_eq!(parse_questions(&questions_text(&qs)).unwrap(), qs);
}

#[test]
fn typed_question_mistakes_are_named_by_number() {
    let cases = [
        ("", "请至少填写一道题"),
        ("您好吗？\n好\n不好", "第 1 题须以"),
        ("[单选] 只有一个选项\n是", "第 1 题须有 2–20 个选项"),
        ("[填空] 问\n\n[填空] 问题\n不该有", "第 2 题是填空题"),
        ("[多选] 重复\n甲\n甲", "第 1 题有重复的选项"),
        ("[单选] \n甲\n乙", "第 1 题的题目须为"),
    ];
    for (text, want) in cases {
        let problems = parse_questions(text).unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains(want)),
            "{text:?}: {problems:?}"
        );
    }
}

fn raw(values: &[&[&str]]) -> Vec<Vec<String>> {
    values
        .iter()
        .map(|v| v.iter().map(|s| (*s).to_owned()).collect())
        .collect()
}

#[test]
fn responses_are_checked_against_their_questions() {
    let qs = parse_questions(TYPED).unwrap();
    let ok = check_response(&qs, &raw(&[&["1"], &["2", "0", "2"], &[" 多开窗口 "]])).unwrap();
    assert_eq!(
        ok,
        [
            Answer::Choice(vec![1]),
            Answer::Choice(vec![0, 2]),
            Answer::Text("多开窗口".into())
        ]
    );
    // Free text may be left out.
    assert!(check_response(&qs, &raw(&[&["0"], &["1"]])).is_ok());
    let cases: [(&[&[&str]], &str, &str); 4] = [
        (&[&[], &["1"]], "q0", "请回答第 1 题"),
        (&[&["0", "1"], &["1"]], "q0", "只能选一项"),
        (&[&["0"], &["7"]], "q1", "选项无效"),
        (&[&["0"], &["x"]], "q1", "选项无效"),
    ];
    for (values, field, want) in cases {
        let errors = check_response(&qs, &raw(values)).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.field == field && e.message.contains(want)),
            "{values:?}: {errors:?}"
        );
    }
    let long = "字".repeat(1001);
    let errors = check_response(&qs, &raw(&[&["0"], &["0"], &[&long]])).unwrap_err();
    assert_eq!(errors[0].field, field_name(2));
}

#[test]
fn tally_counts_respondents_per_option_and_skips_misfits() {
    let qs = parse_questions(TYPED).unwrap();
    let responses = [
        vec![
            Answer::Choice(vec![0]),
            Answer::Choice(vec![0, 1]),
            Answer::Text("好".into()),
        ],
        vec![
            Answer::Choice(vec![0]),
            Answer::Choice(vec![1]),
            Answer::Text(String::new()),
        ],
        vec![
            Answer::Choice(vec![2]),
            Answer::Choice(vec![9]),
            Answer::Text(String::new()),
        ],
    ];
    let results = tally(&qs, responses.iter().map(Vec::as_slice));
    assert_eq!(results[0].answered, 3);
    let counts: Vec<(u64, u32)> = results[0]
        .options
        .iter()
        .map(|o| (o.count, o.per_mille))
        .collect();
    assert_eq!(counts, [(2, 667), (0, 0), (1, 333)]);
    // The third response's out-of-range option is left out.
    assert_eq!(results[1].answered, 2);
    assert_eq!(results[1].options[1].count, 2);
    assert_eq!(results[1].options[1].per_mille, 1000);
    assert_eq!(results[2].answered, 1);
    assert!(
        tally(&qs, std::iter::empty())
            .iter()
            .all(|q| q.answered == 0)
    );
}
