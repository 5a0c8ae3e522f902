//! The office's broadcasts page (集群管理 → 应急公告): the form for an emergency notice or the
//! mourning mode, and the list of broadcasts with their state and a button to end one now.

use serde::Serialize;

use super::{AdminFrame, Option_};

/// One broadcast in the list.
#[derive(Debug, Clone, Serialize)]
pub struct BroadcastRow {
    pub id: i64,
    /// 应急公告 / 全站变灰.
    pub kind_label: &'static str,
    pub level: &'static str,
    pub level_label: &'static str,
    pub title: String,
    pub text: String,
    /// 全部站点, or the sites' names.
    pub sites: String,
    pub starts_at: String,
    pub ends_at: String,
    /// 未开始 / 生效中 / 已结束 / 已撤销.
    pub state: &'static str,
    /// It can still be ended early.
    pub can_cancel: bool,
}

/// The page.
#[derive(Debug, Clone, Serialize)]
pub struct BroadcastsView {
    #[serde(flatten)]
    pub frame: AdminFrame,
    /// The caller may announce and end broadcasts (the office; operators only read).
    pub can_announce: bool,
    pub levels: Vec<Option_>,
    /// Every site, for choosing some.
    pub sites: Vec<Option_>,
    pub rows: Vec<BroadcastRow>,
    /// What was typed into a refused form (or the defaults).
    pub kind: String,
    pub level: String,
    pub title: String,
    pub text: String,
    pub chosen: Vec<String>,
    pub starts_at: String,
    pub ends_at: String,
}
