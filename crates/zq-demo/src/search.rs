//! The office's search synonyms of the demo cluster (issue 17): the abbreviations citizens
//! type for the city's units (发改委, 人社局, 卫健委 …), each with the full name and the short
//! form the sites' own texts use (市发展改革委, 市人力社保局 …), as an office would enter them
//! in 站内搜索管理 on its first day.

use zq_services::{Caller, Services};

use crate::DemoError;

/// Each group: what people type, then what the sites write.
const SYNONYMS: [&str; 12] = [
    "发改委 发展改革委 发展和改革委员会",
    "人社局 人力社保局 人力资源和社会保障局",
    "卫健委 卫生健康委 卫生健康委员会",
    "市监局 市场监管局 市场监督管理局",
    "住建委 住房城乡建设委 住房和城乡建设管理委员会",
    "规资局 规划资源局 规划和自然资源局",
    "经信委 经济和信息化委员会",
    "教委 教育委员会",
    "科委 科学技术委员会",
    "农委 农业农村委员会",
    "文旅局 文化和旅游局",
    "医保 医疗保障 医疗保险",
];

/// Enters the groups as the office (audited like any other).
pub(crate) async fn seed_synonyms(svc: &Services) -> Result<usize, DemoError> {
    let office = Caller::system();
    for words in SYNONYMS {
        zq_services::search::office::add_synonym(svc, &office, None, words).await?;
    }
    Ok(SYNONYMS.len())
}
