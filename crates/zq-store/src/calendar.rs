//! The working-day calendar as stored: one row per listed day (a day off, or a weekend day
//! that is a working day, 调休). The office edits it a year at a time; every statutory
//! deadline counted in working days reads it (`zq_domain::calendar::WorkingCalendar`).

use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use zq_domain::calendar::{CalendarDay, WorkingCalendar, check_day};
use zq_domain::event::EventKind;

use crate::audit::{audit_in, content_hash};
use crate::entity::calendar_day;
use crate::error::parse_stored;
use crate::events::record_in;
use crate::{Store, StoreError, Who};

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), StoreError> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(StoreError::NotAllowed(format!("年份 {year} 无效"))),
    }
}

impl Store {
    /// Every listed day, oldest first.
    pub async fn calendar_days(&self) -> Result<Vec<CalendarDay>, StoreError> {
        calendar_day::Entity::find()
            .order_by_asc(calendar_day::Column::Day)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| {
                Ok(CalendarDay {
                    date: r.day,
                    kind: parse_stored(&r.kind)?,
                    note: r.note,
                })
            })
            .collect()
    }

    /// The calendar the deadlines are counted on.
    pub async fn working_calendar(&self) -> Result<WorkingCalendar, StoreError> {
        Ok(WorkingCalendar::new(self.calendar_days().await?))
    }

    /// Whether no day is listed yet (a new installation).
    pub async fn calendar_is_empty(&self) -> Result<bool, StoreError> {
        Ok(calendar_day::Entity::find().count(&self.db).await? == 0)
    }

    /// Replaces the listed days of `year` with `days` (each checked; all must fall in that
    /// year), with `who`'s audit row (fingerprints of the year before and after) and the event,
    /// in one transaction.
    pub async fn set_calendar_year(
        &self,
        year: i32,
        days: Vec<CalendarDay>,
        who: &Who,
    ) -> Result<Vec<CalendarDay>, StoreError> {
        let (first, last) = year_bounds(year)?;
        let mut days = days;
        days.sort_by_key(|d| d.date);
        days.dedup_by_key(|d| d.date);
        for d in &days {
            check_day(d).map_err(|e| StoreError::NotAllowed(e.to_string()))?;
            if d.date.year() != year {
                return Err(StoreError::NotAllowed(format!(
                    "{} 不在 {year} 年内",
                    d.date
                )));
            }
        }
        let fingerprint = |ds: &[CalendarDay]| {
            let text: Vec<String> = ds
                .iter()
                .map(|d| format!("{} {} {}", d.date, d.kind, d.note))
                .collect();
            content_hash(text.join("\n").as_bytes())
        };
        let now = self.now();
        let (_guard, txn) = self.begin_audited().await?;
        let in_year = calendar_day::Column::Day
            .gte(first)
            .and(calendar_day::Column::Day.lte(last));
        let before: Vec<CalendarDay> = calendar_day::Entity::find()
            .filter(in_year.clone())
            .order_by_asc(calendar_day::Column::Day)
            .all(&txn)
            .await?
            .into_iter()
            .map(|r| {
                Ok(CalendarDay {
                    date: r.day,
                    kind: parse_stored(&r.kind)?,
                    note: r.note,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        calendar_day::Entity::delete_many()
            .filter(in_year)
            .exec(&txn)
            .await?;
        for d in &days {
            calendar_day::ActiveModel {
                day: Set(d.date),
                kind: Set(d.kind.as_str().to_owned()),
                note: Set(d.note.trim().to_owned()),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        let object = format!("calendar:{year}");
        let mut entry = who.entry(None, object.clone(), "calendar.set_year");
        entry.before_hash = Some(fingerprint(&before));
        entry.after_hash = Some(fingerprint(&days));
        audit_in(&txn, entry, now).await?;
        let kind = EventKind::CalendarChanged;
        let event = record_in(&txn, now, kind, None, object, Default::default()).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(days)
    }
}
