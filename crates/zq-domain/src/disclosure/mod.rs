//! Government information disclosure (政府信息公开, issue 18), its pure rules: how an item of a
//! unit's disclosure catalogue (公开目录) is numbered (`index_number`: 机构代码-类别号-年度-流水号,
//! the organisation code checked as the 统一社会信用代码 it usually is), whether a policy document
//! is still in force and what its page must say when it is not (`validity`), and whether a
//! service guide (办事指南) carries every element the inspection vetoes a site for lacking
//! (`guide`). The store numbers items and keeps the facts; these rules decide.

pub mod guide;
pub mod index_number;
pub mod validity;
