//! The working-day calendar: reading it (anyone signed in; deadlines everywhere use it) and
//! replacing a year's schedule (the office, audited). The State Council's published schedules
//! that ship with the platform (2025 and 2026) are installed by migration m0011.

use chrono::Datelike;
use zq_domain::access::{Action, allowed};
use zq_domain::calendar::{CalendarDay, WorkingCalendar};

use crate::{Caller, Result, ServiceError, Services};

/// Every listed day (days off and adjusted working weekends), oldest first.
pub async fn days(svc: &Services) -> Result<Vec<CalendarDay>> {
    Ok(svc.store().calendar_days().await?)
}

/// The calendar deadlines are counted on.
pub async fn calendar(svc: &Services) -> Result<WorkingCalendar> {
    Ok(svc.store().working_calendar().await?)
}

/// The listed days of one year.
pub async fn year(svc: &Services, year: i32) -> Result<Vec<CalendarDay>> {
    Ok(days(svc)
        .await?
        .into_iter()
        .filter(|d| d.date.year() == year)
        .collect())
}

/// Replaces the listed days of `year` (the office only); each day is checked
/// (`zq_domain::calendar::check_day`: a working weekend must be a Saturday or Sunday).
pub async fn set_year(
    svc: &Services,
    caller: &Caller,
    year: i32,
    days: Vec<CalendarDay>,
) -> Result<Vec<CalendarDay>> {
    if !allowed(
        &caller.grants,
        Action::ManageTenants,
        None,
        Default::default(),
    ) {
        return Err(ServiceError::Forbidden("维护工作日历".into()));
    }
    if !(2000..=2100).contains(&year) {
        return Err(ServiceError::Invalid(format!(
            "年份 {year} 须在 2000 至 2100 之间"
        )));
    }
    Ok(svc
        .store()
        .set_calendar_year(year, days, &caller.who())
        .await?)
}
