//! Unit tests of the parent module.

use super::*;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn published() -> WorkingCalendar {
    WorkingCalendar::published().unwrap()
}

/// The rule spelled out, one day at a time: the reference the fast paths must agree with.
fn add_slowly(cal: &WorkingCalendar, start: NaiveDate, n: u32) -> NaiveDate {
    let mut d = start;
    let mut left = n;
    while left > 0 {
        d = d.succ_opt().unwrap();
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

fn count_slowly(cal: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
    let (a, b, sign) = if to < from {
        (to, from, -1)
    } else {
        (from, to, 1)
    };
    let n = a
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= b)
        .filter(|d| cal.is_working_day(*d))
        .count();
    sign * i64::try_from(n).unwrap()
}

#[test]
fn day_kinds_have_stored_names() {
    for (kind, name) in [(DayKind::Off, "off"), (DayKind::Work, "work")] {
        assert_eq!(kind.as_str(), name);
        assert_eq!(name.parse::<DayKind>().unwrap(), kind);
        assert_eq!(kind.to_string(), name);
    }
    assert!("holiday".parse::<DayKind>().is_err());
    assert_eq!(DayKind::ALL, &[DayKind::Off, DayKind::Work]);

    #[derive(Deserialize)]
    struct Row {
        kind: DayKind,
    }
    let row: Row = toml::from_str(r#"kind = "work""#).unwrap();
    assert_eq!(row.kind, DayKind::Work);
}

#[test]
fn published_schedules_hold_2025_and_2026_with_holiday_names() {
    let days = published_schedules().unwrap();
    // 2025: 28 days off, 5 working weekend days; 2026: 33 and 6.
    assert_eq!(days.len(), 72);
    assert_eq!(days.iter().filter(|d| d.kind == DayKind::Off).count(), 61);
    assert_eq!(days.iter().filter(|d| d.kind == DayKind::Work).count(), 11);
    assert!(days.windows(2).all(|w| w[0].date < w[1].date));
    assert!(days.iter().all(|d| check_day(d).is_ok()));

    let cal = WorkingCalendar::new(days);
    assert_eq!(cal.years(), vec![2025, 2026]);
    for (year, covered) in [(2024, false), (2025, true), (2026, true), (2027, false)] {
        assert_eq!(cal.covers(year), covered, "{year}");
    }
    for (day, kind, note) in [
        ("2025-01-01", DayKind::Off, "元旦"),
        ("2025-02-01", DayKind::Off, "春节 (除夕 to 正月初七)"),
        ("2025-04-05", DayKind::Off, "清明节"),
        ("2025-05-05", DayKind::Off, "劳动节"),
        ("2025-06-02", DayKind::Off, "端午节"),
        ("2025-10-08", DayKind::Off, "国庆节、中秋节"),
        ("2025-10-11", DayKind::Work, ""),
        ("2026-01-03", DayKind::Off, "元旦"),
        ("2026-02-23", DayKind::Off, "春节 (腊月二十八 to 正月初七)"),
        ("2026-06-19", DayKind::Off, "端午节"),
        ("2026-09-25", DayKind::Off, "中秋节"),
        ("2026-10-07", DayKind::Off, "国庆节"),
        ("2026-02-28", DayKind::Work, ""),
    ] {
        assert_eq!(
            cal.day(date(day)),
            Some(&CalendarDay::new(date(day), kind, note)),
            "{day}"
        );
    }
    assert_eq!(cal.day(date("2025-11-14")), None);
}

#[test]
fn working_days_across_the_published_holidays() {
    let cal = published();
    for (day, working) in [
        // 2025 National Day and Mid-Autumn: Oct 1-8 off, Sun Sep 28 and Sat Oct 11 work.
        ("2025-09-27", false), // Sat, ordinary weekend
        ("2025-09-28", true),  // Sun, 调休
        ("2025-09-29", true),  // Mon
        ("2025-09-30", true),  // Tue
        ("2025-10-01", false), // Wed
        ("2025-10-04", false), // Sat
        ("2025-10-06", false), // Mon
        ("2025-10-08", false), // Wed
        ("2025-10-09", true),  // Thu
        ("2025-10-10", true),  // Fri
        ("2025-10-11", true),  // Sat, 调休
        ("2025-10-12", false), // Sun
        ("2025-10-13", true),  // Mon
        // 2026 New Year: Jan 1-3 off, Sun Jan 4 works.
        ("2025-12-31", true),  // Wed
        ("2026-01-01", false), // Thu
        ("2026-01-02", false), // Fri
        ("2026-01-03", false), // Sat
        ("2026-01-04", true),  // Sun, 调休
        ("2026-01-05", true),  // Mon
        // 2026 Spring Festival: Feb 15-23 off, Sat Feb 14 and Sat Feb 28 work.
        ("2026-02-13", true),  // Fri
        ("2026-02-14", true),  // Sat, 调休
        ("2026-02-15", false), // Sun
        ("2026-02-16", false), // Mon
        ("2026-02-20", false), // Fri
        ("2026-02-23", false), // Mon
        ("2026-02-24", true),  // Tue
        ("2026-02-27", true),  // Fri
        ("2026-02-28", true),  // Sat, 调休
        ("2026-03-01", false), // Sun
        ("2026-03-02", true),  // Mon
        // 2026 Labour Day: May 1-5 off, Sat May 9 works.
        ("2026-04-30", true),  // Thu
        ("2026-05-01", false), // Fri
        ("2026-05-04", false), // Mon
        ("2026-05-05", false), // Tue
        ("2026-05-06", true),  // Wed
        ("2026-05-09", true),  // Sat, 调休
        ("2026-05-10", false), // Sun
        // An ordinary weekend.
        ("2025-11-14", true),  // Fri
        ("2025-11-15", false), // Sat
        ("2025-11-16", false), // Sun
        ("2025-11-17", true),  // Mon
        // 2027 is not published yet: New Year's Day counts as an ordinary Friday.
        ("2027-01-01", true),
    ] {
        assert_eq!(cal.is_working_day(date(day)), working, "{day}");
    }
}

#[test]
fn next_working_day_skips_holidays_and_takes_adjusted_weekends() {
    let cal = published();
    for (day, next) in [
        ("2025-09-26", "2025-09-28"), // Fri -> Sun 调休
        ("2025-09-30", "2025-10-09"), // over National Day
        ("2025-10-03", "2025-10-09"), // from inside the holiday
        ("2025-10-10", "2025-10-11"), // Fri -> Sat 调休
        ("2025-12-31", "2026-01-04"), // over New Year -> Sun 调休
        ("2026-02-13", "2026-02-14"), // Fri -> Sat 调休
        ("2026-02-14", "2026-02-24"), // over Spring Festival
        ("2026-04-30", "2026-05-06"), // over Labour Day
        ("2026-05-08", "2026-05-09"), // Fri -> Sat 调休
        ("2025-11-14", "2025-11-17"), // ordinary Fri -> Mon
        ("2025-11-15", "2025-11-17"), // ordinary Sat -> Mon
        ("2025-11-17", "2025-11-18"), // ordinary Mon -> Tue
    ] {
        assert_eq!(cal.next_working_day(date(day)), date(next), "{day}");
    }
}

#[test]
fn add_working_days_counts_from_the_day_after() {
    let cal = published();
    for (start, n, due) in [
        ("2025-09-30", 0, "2025-09-30"),
        ("2025-10-01", 0, "2025-10-01"), // n = 0 is the start, even on a holiday
        // National Day 2025: Oct 9 (Thu) is the 1st working day after Sep 30.
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 2, "2025-10-10"),
        ("2025-09-30", 3, "2025-10-11"), // Sat, 调休
        ("2025-09-30", 4, "2025-10-13"),
        ("2025-09-26", 1, "2025-09-28"), // Sun, 调休
        ("2025-09-26", 3, "2025-09-30"),
        ("2025-09-26", 4, "2025-10-09"),
        ("2025-09-26", 7, "2025-10-13"),
        ("2025-09-22", 15, "2025-10-17"),
        // Spring Festival 2025: Jan 28 - Feb 4 off, Sun Jan 26 and Sat Feb 8 work.
        ("2025-01-24", 1, "2025-01-26"),
        ("2025-01-24", 2, "2025-01-27"),
        ("2025-01-27", 1, "2025-02-05"),
        ("2025-01-27", 5, "2025-02-10"), // Feb 5, 6, 7, 8 (Sat), 10
        // New Year 2026.
        ("2025-12-31", 1, "2026-01-04"),
        ("2025-12-31", 2, "2026-01-05"),
        // Spring Festival 2026.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-13", 2, "2026-02-24"),
        ("2026-02-13", 7, "2026-03-02"),
        ("2026-02-27", 1, "2026-02-28"),
        ("2026-02-27", 2, "2026-03-02"),
        ("2026-02-02", 20, "2026-03-06"), // 20 working days, as for 依申请公开
        // Labour Day 2026.
        ("2026-04-30", 1, "2026-05-06"),
        ("2026-04-30", 4, "2026-05-09"), // Sat, 调休
        ("2026-04-30", 5, "2026-05-11"),
        // Ordinary weeks: a letter received on a Friday with three days is due Wednesday.
        ("2025-11-14", 3, "2025-11-19"),
        ("2025-11-15", 1, "2025-11-17"),
        ("2025-11-14", 5, "2025-11-21"),
    ] {
        assert_eq!(
            cal.add_working_days(date(start), n),
            date(due),
            "{start} + {n}"
        );
    }
}

#[test]
fn working_days_between_is_half_open_and_antisymmetric() {
    let cal = published();
    for (from, to, count) in [
        ("2025-09-30", "2025-09-30", 0),
        ("2025-09-30", "2025-10-08", 0),
        ("2025-09-30", "2025-10-11", 3), // Oct 9, 10, 11
        ("2025-09-26", "2025-10-13", 7), // Sep 28, 29, 30, Oct 9, 10, 11, 13
        ("2025-12-31", "2026-01-05", 2), // Jan 4, 5
        ("2026-02-13", "2026-02-24", 2), // Feb 14, 24
        ("2026-02-13", "2026-03-02", 7), // Feb 14, 24, 25, 26, 27, 28, Mar 2
        ("2026-04-30", "2026-05-11", 5), // May 6, 7, 8, 9, 11
        ("2025-11-14", "2025-11-19", 3), // ordinary Fri -> Wed
        ("2025-11-14", "2025-11-17", 1),
        ("2025-11-15", "2025-11-16", 0), // an ordinary weekend
        // Whole years: 365 days less 104 weekend days less 13 statutory holidays.
        ("2024-12-31", "2025-12-31", 248),
        ("2025-12-31", "2026-12-31", 248),
    ] {
        let (from, to) = (date(from), date(to));
        assert_eq!(cal.working_days_between(from, to), count, "{from} .. {to}");
        assert_eq!(cal.working_days_between(to, from), -count, "{to} .. {from}");
    }
}

#[test]
fn the_counts_agree_with_a_day_by_day_walk() {
    let cal = published();
    let first = date("2024-12-01");
    let starts: Vec<NaiveDate> = first
        .iter_days()
        .take_while(|d| *d <= date("2027-01-31"))
        .collect();
    for &start in &starts {
        for n in 0..=30 {
            let due = cal.add_working_days(start, n);
            assert_eq!(due, add_slowly(&cal, start, n), "{start} + {n}");
            if n > 0 {
                assert!(cal.is_working_day(due), "{start} + {n}");
                assert_eq!(
                    cal.working_days_between(start, due),
                    i64::from(n),
                    "{start} + {n}"
                );
            }
        }
        for offset in [1, 6, 7, 8, 13, 45, 200] {
            let to = start + Days::new(offset);
            assert_eq!(
                cal.working_days_between(start, to),
                count_slowly(&cal, start, to),
                "{start} .. {to}"
            );
            assert_eq!(
                cal.working_days_between(to, start),
                count_slowly(&cal, to, start),
                "{to} .. {start}"
            );
        }
    }
}

#[test]
fn beyond_the_listed_days_every_week_has_five_working_days() {
    let cal = published();
    let empty = WorkingCalendar::default();
    assert!(!empty.covers(2025));
    assert!(empty.years().is_empty());
    // 2026-12-25 is a Friday; 2027 has no published schedule yet.
    assert_eq!(
        cal.add_working_days(date("2026-12-25"), 5),
        date("2027-01-01")
    );
    assert_eq!(
        cal.add_working_days(date("2027-01-01"), 5),
        date("2027-01-08")
    );
    assert_eq!(
        cal.add_working_days(date("2027-01-01"), 10),
        date("2027-01-15")
    );
    // Without holidays, 5 000 working days after a Friday is 1 000 weeks later, a Friday.
    let friday = date("2025-11-14");
    let later = friday + Days::new(7000);
    assert_eq!(empty.add_working_days(friday, 5000), later);
    assert_eq!(empty.working_days_between(friday, later), 5000);
    assert_eq!(empty.working_days_between(later, friday), -5000);
    // From the Saturday, the 5th working day is the Friday, not the next Saturday.
    assert_eq!(
        empty.add_working_days(date("2025-11-15"), 5),
        date("2025-11-21")
    );
    // Huge counts saturate instead of overflowing, and do not walk day by day.
    assert_eq!(cal.add_working_days(friday, u32::MAX), NaiveDate::MAX);
    assert_eq!(empty.add_working_days(NaiveDate::MAX, 1), NaiveDate::MAX);
    assert_eq!(
        empty.working_days_between(NaiveDate::MIN, NaiveDate::MAX),
        count_weekdays_of_the_whole_range()
    );
}

/// Weekdays in `(MIN, MAX]`, from the formula checked above on short spans.
fn count_weekdays_of_the_whole_range() -> i64 {
    let span = (NaiveDate::MAX - NaiveDate::MIN).num_days();
    let first = i64::from(NaiveDate::MIN.weekday().num_days_from_monday());
    5 * (span / 7) + (1..=span % 7).filter(|k| (first + k) % 7 < 5).count() as i64
}

#[test]
fn a_calendar_built_from_days_takes_the_later_of_two_entries() {
    let cal = WorkingCalendar::new([
        CalendarDay::new(date("2027-10-01"), DayKind::Off, "国庆节"),
        CalendarDay::new(date("2027-10-09"), DayKind::Work, ""),
        CalendarDay::new(date("2027-10-09"), DayKind::Off, "改为休息"),
    ]);
    assert_eq!(cal.years(), vec![2027]);
    assert!(cal.covers(2027));
    assert!(!cal.is_working_day(date("2027-10-01"))); // a Friday
    assert!(!cal.is_working_day(date("2027-10-09"))); // a Saturday
    assert_eq!(cal.day(date("2027-10-09")).unwrap().note, "改为休息");
    assert_eq!(cal.days().count(), 2);
}

#[test]
fn check_day_accepts_what_the_office_may_enter() {
    let note40: String = "国".repeat(40);
    for (day, kind, note) in [
        ("2025-09-28", DayKind::Work, ""),              // Sun
        ("2025-10-11", DayKind::Work, "国庆节调休"),    // Sat
        ("2025-10-08", DayKind::Off, "国庆节、中秋节"), // Wed off
        ("2025-10-11", DayKind::Off, ""),               // an Off on a weekend is harmless
        ("2026-02-14", DayKind::Work, note40.as_str()),
        ("2000-01-01", DayKind::Off, ""),
        ("2100-12-31", DayKind::Off, ""),
    ] {
        let day = CalendarDay::new(date(day), kind, note);
        assert_eq!(check_day(&day), Ok(()), "{day:?}");
    }
}

#[test]
fn check_day_refuses_a_weekday_marked_work_and_other_mistakes() {
    let wednesday = CalendarDay::new(date("2025-10-08"), DayKind::Work, "");
    let err = check_day(&wednesday).unwrap_err();
    assert_eq!(
        err,
        CalendarError::WorkDayNotWeekend {
            date: date("2025-10-08"),
            weekday: Weekday::Wed
        }
    );
    assert_eq!(
        err.to_string(),
        "调休上班日须为周六或周日（2025-10-08 是周三）"
    );
    let friday = CalendarDay::new(date("2026-01-02"), DayKind::Work, "");
    assert!(matches!(
        check_day(&friday),
        Err(CalendarError::WorkDayNotWeekend { .. })
    ));

    let long = CalendarDay::new(date("2026-02-14"), DayKind::Work, "国".repeat(41));
    assert_eq!(
        check_day(&long),
        Err(CalendarError::NoteTooLong { chars: 41 })
    );
    assert_eq!(
        check_day(&long).unwrap_err().to_string(),
        "备注最多 40 个字，现有 41 个字"
    );

    for day in ["1999-12-31", "2101-01-01"] {
        let d = CalendarDay::new(date(day), DayKind::Off, "");
        assert_eq!(
            check_day(&d),
            Err(CalendarError::YearOutOfRange { date: date(day) }),
            "{day}"
        );
    }
    assert_eq!(
        check_day(&CalendarDay::new(date("1999-12-31"), DayKind::Off, ""))
            .unwrap_err()
            .to_string(),
        "日期须在 2000 年至 2100 年之间（1999-12-31 不在此范围）"
    );
}

#[test]
fn a_schedule_reads_notes_from_trailing_comments() {
    let text = r#"
# A header comment is not a note.
[2027]
off = [
  ["2027-01-01", "2027-01-03"], # 元旦
  ["2027-02-05", "2027-02-06"]  #   春节  
  , ["2027-04-05", "2027-04-05"]
]
work = [
  "2027-02-07", # 春节调休
  "2027-02-20",
]
"#;
    let days = parse_schedule(text).unwrap();
    let got: Vec<(String, &str, &str)> = days
        .iter()
        .map(|d| (d.date.to_string(), d.kind.as_str(), d.note.as_str()))
        .collect();
    let want = [
        ("2027-01-01", "off", "元旦"),
        ("2027-01-02", "off", "元旦"),
        ("2027-01-03", "off", "元旦"),
        ("2027-02-05", "off", "春节"),
        ("2027-02-06", "off", "春节"),
        ("2027-02-07", "work", "春节调休"),
        ("2027-02-20", "work", ""),
        ("2027-04-05", "off", ""),
    ];
    assert_eq!(
        got,
        want.map(|(d, k, n)| (d.to_string(), k, n)).to_vec(),
        "{got:?}"
    );

    // A long comment is cut to the note's limit.
    let long = format!(
        "[2027]\noff = [[\"2027-01-01\", \"2027-01-01\"]] # {}\n",
        "长".repeat(50)
    );
    assert_eq!(
        parse_schedule(&long).unwrap()[0].note.chars().count(),
        NOTE_MAX_CHARS
    );
    // A December day in the next year's table, as in some past notices.
    let december = "[2023]\noff = [[\"2022-12-31\", \"2023-01-02\"]]\n";
    assert_eq!(parse_schedule(december).unwrap().len(), 3);
    // Empty tables and an empty file are fine.
    assert_eq!(parse_schedule("[2027]\n").unwrap(), vec![]);
    assert_eq!(parse_schedule("").unwrap(), vec![]);
}

#[test]
fn a_schedule_with_mistakes_is_refused() {
    for (text, reason) in [
        ("[2027\n", "expected [year] tables"),
        ("[2027]\nholidays = []\n", "expected [year] tables"),
        ("year = 2027\n", "expected [year] tables"),
        ("[2027]\noff = [\"2027-01-01\"]\n", "expected [year] tables"),
        (
            "[2027]\noff = [[\"2027-01-01\", \"2027-01-02\", \"2027-01-03\"]]\n",
            "is written [",
        ),
        ("[next]\nwork = []\n", "a table name must be a year"),
        ("[1999]\nwork = []\n", "a table name must be a year"),
        ("[2027]\nwork = [\"2027-02-30\"]\n", "expected a date"),
        ("[2027]\nwork = [\"2027/02/06\"]\n", "expected a date"),
        ("[2027]\nwork = [\"2029-02-06\"]\n", "its table's year"),
        (
            "[2027]\noff = [[\"2027-01-03\", \"2027-01-01\"]]\n",
            "must not end before it starts",
        ),
        (
            "[2027]\noff = [[\"2027-01-01\", \"2027-02-01\"]]\n",
            "longer than 31 days",
        ),
        (
            "[2027]\noff = [[\"2027-01-01\", \"2027-01-03\"], [\"2027-01-03\", \"2027-01-04\"]]\n",
            "listed more than once",
        ),
        (
            "[2027]\noff = [[\"2027-02-06\", \"2027-02-06\"]]\nwork = [\"2027-02-06\"]\n",
            "listed more than once",
        ),
        // 2027-02-03 is a Wednesday.
        ("[2027]\nwork = [\"2027-02-03\"]\n", "Saturday or Sunday"),
        (
            "[2100]\noff = [[\"2101-01-01\", \"2101-01-01\"]]\n",
            "within 2000-2100",
        ),
    ] {
        let err = parse_schedule(text).unwrap_err();
        assert_eq!(err.what, "holiday schedule", "{text}");
        assert!(err.reason.contains(reason), "{text}: {err}");
    }
    let err = parse_schedule("[2027]\nwork = [\"2027-02-03\"]\n").unwrap_err();
    assert_eq!(err.found, "2027-02-03");
    let err = parse_schedule("[2027]\n\nholidays = []\n").unwrap_err();
    assert!(err.found.starts_with("line 3: "), "{err}");
}
