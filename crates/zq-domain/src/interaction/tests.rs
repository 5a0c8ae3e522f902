//! Table-driven tests of the case engine: every state × event pair, and clocks across the
//! 2026 holidays and 调休 weekends of the State Council's schedule.

use chrono::NaiveDate;

use super::*;
use crate::calendar::WorkingCalendar;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal() -> WorkingCalendar {
    WorkingCalendar::published().unwrap()
}

fn events() -> Vec<CaseEvent> {
    vec![
        CaseEvent::Accept,
        CaseEvent::Refuse {
            reason: "不属于本单位职责".into(),
        },
        CaseEvent::Transfer,
        CaseEvent::RequestCorrection {
            what: "请写明所需信息的名称".into(),
        },
        CaseEvent::Corrected,
        CaseEvent::ConsultThirdParty,
        CaseEvent::ThirdPartyAnswered,
        CaseEvent::DraftReply,
        CaseEvent::ApproveReply,
        CaseEvent::ReturnReply {
            comment: "请补充办理依据".into(),
        },
        CaseEvent::Extend {
            reason: "涉及多个部门".into(),
        },
        CaseEvent::Close,
        CaseEvent::Reopen {
            complaint: "答复未解决问题".into(),
        },
    ]
}

#[test]
fn every_state_and_event_pair_has_the_expected_outcome_for_a_disclosure_request() {
    use CaseState::*;
    let facts = CaseFacts {
        kind: CaseKind::Disclosure,
        extended: false,
    };
    // Columns in the order of `events()`: accept, refuse, transfer, request correction,
    // corrected, consult, answered, draft, approve, return, extend, close, reopen.
    let n = None;
    let table: [(CaseState, [Option<CaseState>; 13]); 9] = [
        (
            Submitted,
            [
                Some(Accepted),
                Some(NotAccepted),
                Some(Submitted),
                Some(AwaitingWriter),
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
            ],
        ),
        (
            Accepted,
            [
                n,
                n,
                Some(Submitted),
                Some(AwaitingWriter),
                n,
                Some(AwaitingThirdParty),
                n,
                Some(ReplyDrafted),
                n,
                n,
                Some(Accepted),
                n,
                n,
            ],
        ),
        (NotAccepted, [n; 13]),
        (
            AwaitingWriter,
            [
                n,
                n,
                n,
                n,
                Some(InProgress),
                n,
                n,
                n,
                n,
                n,
                Some(AwaitingWriter),
                n,
                n,
            ],
        ),
        (
            AwaitingThirdParty,
            [
                n,
                n,
                n,
                n,
                n,
                n,
                Some(InProgress),
                n,
                n,
                n,
                Some(AwaitingThirdParty),
                n,
                n,
            ],
        ),
        (
            InProgress,
            [
                n,
                n,
                Some(Submitted),
                Some(AwaitingWriter),
                n,
                Some(AwaitingThirdParty),
                n,
                Some(ReplyDrafted),
                n,
                n,
                Some(InProgress),
                n,
                n,
            ],
        ),
        (
            ReplyDrafted,
            [
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                Some(ReplyDrafted),
                Some(Replied),
                Some(InProgress),
                Some(ReplyDrafted),
                n,
                n,
            ],
        ),
        (
            Replied,
            [
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                Some(Closed),
                Some(InProgress),
            ],
        ),
        (
            Closed,
            [n, n, n, n, n, n, n, n, n, n, n, n, Some(InProgress)],
        ),
    ];
    assert_eq!(table.len(), CaseState::ALL.len());
    for (state, row) in table {
        for (event, expected) in events().iter().zip(row) {
            let got = transition(state, facts, event).ok().map(|o| o.state);
            assert_eq!(got, expected, "{state} + {}", event.name());
        }
    }
}

#[test]
fn each_transition_says_what_it_does_to_the_clock() {
    use CaseState::*;
    let facts = CaseFacts {
        kind: CaseKind::Disclosure,
        extended: false,
    };
    let cases = [
        (Submitted, CaseEvent::Accept, ClockEffect::Keep),
        (
            Submitted,
            CaseEvent::Refuse {
                reason: "重复".into(),
            },
            ClockEffect::Stop,
        ),
        (
            Accepted,
            CaseEvent::RequestCorrection {
                what: "身份证明".into(),
            },
            ClockEffect::Pause,
        ),
        (AwaitingWriter, CaseEvent::Corrected, ClockEffect::Resume),
        (InProgress, CaseEvent::ConsultThirdParty, ClockEffect::Pause),
        (
            AwaitingThirdParty,
            CaseEvent::ThirdPartyAnswered,
            ClockEffect::Resume,
        ),
        (ReplyDrafted, CaseEvent::ApproveReply, ClockEffect::Stop),
        (
            InProgress,
            CaseEvent::Extend {
                reason: "需要协调".into(),
            },
            ClockEffect::Extend,
        ),
        (
            Replied,
            CaseEvent::Reopen {
                complaint: "没有回答".into(),
            },
            ClockEffect::Restart,
        ),
        (InProgress, CaseEvent::Transfer, ClockEffect::Keep),
    ];
    for (state, event, effect) in cases {
        assert_eq!(
            transition(state, facts, &event).map(|o| o.clock),
            Ok(effect),
            "{state} + {}",
            event.name()
        );
    }
}

#[test]
fn refusals_name_what_is_missing_and_rules_particular_to_a_kind_hold() {
    use CaseState::*;
    let letter = CaseFacts {
        kind: CaseKind::Letter,
        extended: false,
    };
    let blank = "  ".to_string();
    let cases: [(CaseState, CaseFacts, CaseEvent, CaseError); 6] = [
        (
            Submitted,
            letter,
            CaseEvent::Refuse {
                reason: blank.clone(),
            },
            CaseError::TextRequired("不予受理的理由"),
        ),
        (
            ReplyDrafted,
            letter,
            CaseEvent::ReturnReply {
                comment: blank.clone(),
            },
            CaseError::TextRequired("退回意见"),
        ),
        (
            InProgress,
            letter,
            CaseEvent::Extend {
                reason: blank.clone(),
            },
            CaseError::TextRequired("延期理由"),
        ),
        (
            InProgress,
            CaseFacts {
                extended: true,
                ..letter
            },
            CaseEvent::Extend {
                reason: "再延".into(),
            },
            CaseError::AlreadyExtended,
        ),
        (
            InProgress,
            letter,
            CaseEvent::ConsultThirdParty,
            CaseError::OnlyForDisclosure,
        ),
        (
            Replied,
            letter,
            CaseEvent::Accept,
            CaseError::NotAllowed {
                event: "受理",
                state: "已答复",
            },
        ),
    ];
    for (state, facts, event, err) in cases {
        assert_eq!(transition(state, facts, &event), Err(err.clone()));
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn events_are_caused_by_the_right_people() {
    use crate::access::Action;
    for e in events() {
        let want = match e.name() {
            "approve_reply" | "return_reply" => CaseActor::Staff(Action::ApproveReplies),
            "extend" => CaseActor::Staff(Action::ApproveExtension),
            "corrected" | "reopen" => CaseActor::Writer,
            "close" => CaseActor::WriterOrSystem,
            _ => CaseActor::Staff(Action::HandleCases),
        };
        assert_eq!(e.actor(), want, "{}", e.name());
        if matches!(want, CaseActor::Staff(_)) {
            let parsed = CaseEvent::staff_step(e.name(), "理由".into()).map(|p| p.name());
            assert_eq!(parsed, Some(e.name()));
        } else {
            assert!(CaseEvent::staff_step(e.name(), String::new()).is_none());
        }
    }
}

/// Due dates by hand from the 2026 schedule: 国庆 10-01..07 off with Saturday 10-10 worked;
/// 中秋 09-25..27 off with Sunday 09-20 worked; 春节 02-15..23 off with Saturdays 02-14 and
/// 02-28 worked.
#[test]
fn due_dates_skip_weekends_and_holidays_and_count_the_worked_weekends() {
    let cal = cal();
    let rules = ClockRules::default();
    let cases = [
        // An ordinary week: Friday + 3 → Wednesday.
        ("2026-11-06", CaseKind::Letter, "2026-11-11"),
        // Into National Day: Wednesday 09-30 + 3 → 10-08, 10-09, Saturday 10-10.
        ("2026-09-30", CaseKind::Letter, "2026-10-10"),
        // Over 中秋 and 国庆: Monday 09-21 + 20.
        ("2026-09-21", CaseKind::Disclosure, "2026-10-26"),
        // Friday before 春节 + 3: Saturday 02-14 (worked), then 02-24, 02-25.
        ("2026-02-13", CaseKind::SiteError, "2026-02-25"),
        // Received on a day off (10-03): 10-08, 10-09, Saturday 10-10, 10-12, 10-13.
        ("2026-10-03", CaseKind::InterviewQuestion, "2026-10-13"),
        // Received on the worked Sunday 09-20: 09-21, 09-22, 09-23.
        ("2026-09-20", CaseKind::Letter, "2026-09-23"),
    ];
    for (start, kind, due) in cases {
        let clock = CaseClock::start(d(start), rules.rule(kind));
        assert_eq!(clock.due(&cal, d(start)), d(due), "{kind} from {start}");
    }
}

#[test]
fn a_correction_pauses_the_clock_and_its_days_do_not_count() {
    let cal = cal();
    let rule = ClockRules::default().letter;
    // Monday 11-02, due Thursday 11-05.
    let mut c = CaseClock::start(d("2026-11-02"), rule);
    assert_eq!(c.due(&cal, d("2026-11-02")), d("2026-11-05"));
    // 补正 asked on Tuesday (one day used), answered the next Monday.
    c.pause(d("2026-11-03"));
    assert_eq!(
        c.status(&cal, d("2026-11-06")),
        ClockStatus::Paused {
            since: d("2026-11-03")
        }
    );
    assert_eq!(c.used(&cal, d("2026-11-06")), 1);
    c.resume(&cal, d("2026-11-09"));
    assert_eq!(c.paused_days, 4);
    // Two days left after the pause: Tuesday 11-10 and Wednesday 11-11.
    assert_eq!(c.due(&cal, d("2026-11-09")), d("2026-11-11"));
    assert_eq!(
        c.status(&cal, d("2026-11-09")),
        ClockStatus::Running {
            due: d("2026-11-11"),
            left: 2
        }
    );
    // A pause across National Day costs no days either.
    let mut h = CaseClock::start(d("2026-09-28"), rule); // due 10-08
    h.pause(d("2026-09-29"));
    h.resume(&cal, d("2026-10-09")); // 09-30, 10-08, 10-09 paused
    assert_eq!(h.paused_days, 3);
    assert_eq!(h.due(&cal, d("2026-10-09")), d("2026-10-12"));
}

#[test]
fn overdue_on_time_and_extension_are_counted_in_working_days() {
    let cal = cal();
    let rules = ClockRules::default();
    let mut c = CaseClock::start(d("2026-09-30"), rules.letter); // due Saturday 10-10
    assert!(c.status(&cal, d("2026-10-09")).is_due_soon());
    assert_eq!(
        c.status(&cal, d("2026-10-13")),
        ClockStatus::Overdue {
            due: d("2026-10-10"),
            late: 2
        }
    );
    c.extend(rules.letter); // 15 in all
    assert_eq!(c.due(&cal, d("2026-10-13")), d("2026-10-27"));
    c.stop(&cal, d("2026-10-20"));
    assert_eq!(
        c.status(&cal, d("2026-12-01")),
        ClockStatus::Stopped {
            on: d("2026-10-20"),
            due: d("2026-10-27"),
            used: 10,
            on_time: true
        }
    );
    // A reopened case gets a fresh clock of the kind's days.
    c.apply(ClockEffect::Restart, &cal, rules.letter, d("2026-11-06"));
    assert_eq!(c.due(&cal, d("2026-11-06")), d("2026-11-11"));
    assert_eq!(c.stopped, None);
}

#[test]
fn a_tenant_may_shorten_the_clusters_clocks_but_not_lengthen_them() {
    let cluster = ClockRules::default();
    assert_eq!(cluster.check(), Ok(()));
    let faster = ClockRules {
        letter: ClockRule {
            days: 2,
            extension: 5,
        },
        ..cluster
    };
    assert_eq!(faster.check_within(&cluster), Ok(()));
    let slower = ClockRules {
        disclosure: ClockRule {
            days: 25,
            extension: 20,
        },
        ..cluster
    };
    assert!(matches!(
        slower.check_within(&cluster),
        Err(ClockError::LongerThanCluster { cluster: 20, .. })
    ));
    let zero = ClockRules {
        site_error: ClockRule {
            days: 0,
            extension: 0,
        },
        ..cluster
    };
    assert!(matches!(zero.check(), Err(ClockError::OutOfRange { .. })));
    // Rules set before the cluster tightened its own are held to the cluster's.
    let tighter = ClockRules {
        disclosure: ClockRule {
            days: 15,
            extension: 15,
        },
        ..cluster
    };
    let held = slower.within(&tighter);
    assert_eq!(
        held.disclosure,
        ClockRule {
            days: 15,
            extension: 15
        }
    );
    assert_eq!(held.letter, cluster.letter);
    assert_eq!(faster.within(&cluster), faster);
}

#[test]
fn open_paused_and_answered_states_are_classified_once() {
    for s in CaseState::ALL {
        assert_eq!(s.is_open(), !s.is_answered(), "{s}");
        if s.is_paused() {
            assert!(s.is_open());
        }
        assert!(!s.label().is_empty());
    }
    assert!(DisclosureAnswer::ALL.iter().all(|a| !a.label().is_empty()));
    assert!(!DisclosureAnswer::Granted.needs_reason());
    assert!(DisclosureAnswer::NotHeld.needs_reason());
}

#[test]
fn a_unit_routes_down_to_its_children_and_back_up_to_its_parent_only() {
    use crate::reporting::Unit;
    use crate::{TenantId, TenantKind};
    let unit = |id, kind, parent: Option<i64>| Unit {
        id: TenantId(id),
        kind,
        parent: parent.map(TenantId),
    };
    let portal = unit(1, TenantKind::Portal, None);
    let jiangbei = unit(2, TenantKind::District, Some(1));
    let town = unit(3, TenantKind::Town, Some(2));
    let other_district = unit(4, TenantKind::District, Some(1));
    let other_town = unit(5, TenantKind::Town, Some(4));
    let cases = [
        (portal, jiangbei, true),
        (jiangbei, town, true),
        (town, jiangbei, true),
        (jiangbei, portal, true),
        (portal, town, false),
        (jiangbei, other_town, false),
        (town, other_town, false),
        (jiangbei, other_district, false),
        (jiangbei, jiangbei, false),
    ];
    for (from, to, want) in cases {
        assert_eq!(may_transfer(from, to), want, "{:?} → {:?}", from.id, to.id);
    }
}
