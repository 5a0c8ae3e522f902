//! Generated Chinese demo content: realistic articles for the demo cluster's columns.
//!
//! The demo cluster of the fictional city 海川市 (portal "中国海川") needs plausible news,
//! notices, policy documents, interpretations, budget disclosures, personnel notices, service
//! guides, statistics and annual reports so that every column of every demo site looks
//! lived-in. [`generate`] fills the templates below: the unit's name picks the topic vocabulary,
//! the column's name picks the kind of article. Everything is fictional.
//!
//! The module is pure: no I/O, no global state. All randomness comes from the caller's
//! [`fastrand::Rng`], so a seed always yields the same articles. Generated text never contains
//! `<`, `>` or `&` (such characters in the inputs become their full-width forms), so titles and
//! paragraph text can be embedded in HTML as they are.

use std::collections::HashSet;

use fastrand::Rng;

/// What a generated article is about: who publishes it and in which column.
pub struct ArticleSpec<'a> {
    /// The unit's full legal name, e.g. "海川市民政局" or "海川市江北区人民政府" or "江北区和平街道办事处".
    pub unit_name: &'a str,
    /// "portal", "department", "district" or "town".
    pub tenant_kind: &'a str,
    /// The column's Chinese name, e.g. "工作动态", "通知公告", "政策文件", "政策解读", "财政资金",
    /// "人事信息", "区县要闻", "海川要闻", "规划计划", "机构职能", "信息公开年报", "办事服务",
    /// "便民服务", "路政动态", "统计数据", ... any string; unknown names fall back to generic news.
    pub column_name: &'a str,
    /// The city's name, "海川市".
    pub city: &'a str,
}

/// One generated article; the caller stores it.
pub struct GeneratedArticle {
    pub title: String,
    pub subtitle: Option<String>,
    /// 来源, usually the unit name or a department office of it.
    pub source: String,
    /// 作者 / 编辑, a plausible Chinese personal name or office.
    pub author: String,
    pub summary: String,
    /// HTML body: 3 to 6 `<p>` paragraphs (plain text inside, optionally one `<h3>` subheading
    /// or a `<ul>` list); no scripts, no inline styles, no images.
    pub body_html: String,
    /// 文号, e.g. "海民发〔2025〕12号", only for policy documents/notices where realistic, else None.
    pub doc_number: Option<String>,
    /// 索引号, e.g. "3301000012/2025-00123", only for disclosure/policy columns, else None.
    pub index_number: Option<String>,
    /// How many days before "now" it was published: spread over two years, 0..=729.
    pub days_ago: u32,
    /// Minute of the day it was published, within office hours (8:30–18:00), 510..=1080.
    pub minute_of_day: u32,
}

/// Generates `count` articles for the spec, deterministic for a given rng seed, with titles
/// distinct from each other and from those in `seen` (a site's titles so far), which it extends.
pub fn generate(
    spec: &ArticleSpec<'_>,
    count: usize,
    rng: &mut Rng,
    seen: &mut HashSet<String>,
) -> Vec<GeneratedArticle> {
    let cx = Ctx::new(spec);
    let kinds = classify(spec.column_name);
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let column = match kinds {
            [one] => one,
            many => many[rng.usize(..many.len())],
        };
        // Small columns (annual reports, 机构职能) run out of distinct titles: fall back to news.
        let mut art = (0..60)
            .map(|attempt| build(&cx, if attempt < 40 { column } else { NEWS }, rng))
            .find(|a| !seen.contains(&a.title))
            .unwrap_or_else(|| build(&cx, NEWS, rng));
        let (base, mut n) = (art.title.clone(), i + 1);
        while seen.contains(&art.title) {
            art.title = format!("{base}（{n}）");
            n += 1;
        }
        seen.insert(art.title.clone());
        out.push(art);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Vocabulary. Lists are space-separated to stay compact.

/// "keyword 文号-abbreviation topic…" per kind of department; the keyword is sought in the name.
const DEPARTMENTS: &[&str] = &[
    "教育 教 义务教育 学前教育 校园安全 职业教育 教师队伍建设 课后服务 中小学招生",
    "科学技术 科 科技成果转化 高新技术企业培育 科技创新平台建设 科技人才引进 科普",
    "公安 公 道路交通安全 电信网络诈骗防范 户籍管理 社会治安防控 出入境管理",
    "民政 民 养老服务 社会救助 婚姻登记服务 社区治理 慈善事业 未成年人保护 殡葬改革",
    "司法 司 法治宣传教育 公共法律服务 人民调解 社区矫正 法律援助 行政复议",
    "财政 财 预算绩效管理 政府采购 财政资金监管 国有资产管理 会计监督 政府债务管理",
    "人力资源 人社 就业创业 社会保险 技能人才培养 劳动关系 根治欠薪 职称评审",
    "规划 规资 国土空间规划 耕地保护 不动产登记 自然资源执法 地质灾害防治",
    "生态环境 环 大气污染防治 水环境治理 土壤污染防治 生态环境执法 固体废物管理",
    "住房 建 老旧小区改造 保障性住房 建筑施工安全 物业管理 城市更新 房地产市场监管",
    "交通 交 公路养护 道路运输安全 公共交通 农村公路建设 交通运输执法 路政管理",
    "市政 市政 城市道路维护 排水防涝 城市照明 燃气安全 环境卫生 生活垃圾分类",
    "农业农村 农 粮食生产 高标准农田建设 乡村振兴 农产品质量安全 动物防疫",
    "商务 商 外贸稳增长 招商引资 促消费 电子商务 商贸流通 外资利用",
    "文化和旅游 文旅 公共文化服务 文物保护 旅游市场秩序 非物质文化遗产保护 乡村旅游",
    "卫生健康 卫健 基层医疗卫生服务 公共卫生 医疗质量安全 家庭医生签约服务 妇幼健康",
    "市场监督 市监 食品安全 药品安全 特种设备安全 知识产权保护 价格监管 质量强市",
    "应急管理 应急 安全生产 防汛防台 森林防火 危险化学品安全 自然灾害防治 消防安全",
    "统计 统 统计调查 经济普查 统计执法 统计数据质量 人口抽样调查 统计监测",
    "绿化 绿 城市绿化 公园管理 古树名木保护 林业有害生物防治 义务植树 绿道建设",
    "发展和改革 发改 重大项目建设 营商环境优化 价格管理 粮食储备 社会信用体系建设",
    "经济和信息化 经信 数字经济 工业稳增长 中小企业服务 专精特新企业培育 制造业转型升级",
];
const GENERIC_TOPICS: &str = "营商环境优化 乡村振兴 基层治理 安全生产 生态环境整治 民生实事项目 \
    城市更新 招商引资 文明城市创建 防汛防台 数字化改革 平安建设 人居环境整治 重大项目建设";
/// Long department names and their usual short forms in titles.
const ABBREVIATIONS: &str = "发展和改革委员会=发展改革委 经济和信息化局=经信局 \
    人力资源和社会保障局=人力社保局 住房和城乡建设局=住房城乡建设局 卫生健康委员会=卫生健康委 \
    市场监督管理局=市场监管局 规划和自然资源局=规划资源局 科学技术局=科技局 教育委员会=教委 \
    科学技术委员会=科委 经济和信息化委员会=经信委 交通委员会=交通委 农业农村委员会=农业农村委 \
    商务委员会=商务委 住房和城乡建设管理委员会=住房城乡建设委 绿化和市容管理局=绿化市容局";
const DISTRICTS: &str = "江北区 江南区 滨海新区 青山区 临港区 湖东区 云溪县 石桥县";
/// Towns and villages for units the cluster does not know (see `PLACES`).
const TOWNS: &str = "新河镇 和平街道 东湖街道 白沙镇 临港街道 青石镇 望江街道 桃源镇 城南街道";
const VILLAGES: &str = "柳塘村 龙山社区 石桥村 滨江社区 杏花村 南湖社区 枫林村 新桥社区 双溪村";
/// The towns and streets (镇, 乡, 街道) of each district and the villages and communities of each
/// town, so that a unit's news names its own places (the cluster's town sites among them).
const PLACES: &[(&str, &str)] = &[
    ("江北区", "和平街道 新河镇 望江街道 白沙镇"),
    ("江南区", "城南街道 桃源镇 南湖街道 青石镇"),
    ("滨海新区", "海湾街道 新城街道 滨海镇"),
    ("青山区", "山前街道 龙山街道 青山镇"),
    ("临港区", "港城街道 海港街道 大桥镇"),
    ("湖东区", "东湖街道 湖滨街道 双湖镇"),
    ("云溪县", "云溪镇 岭上乡 溪口镇 石门乡"),
    ("石桥县", "石桥镇 桥头镇 松岭乡"),
    ("和平街道", "和平社区 文化社区 滨江社区 新桥社区"),
    ("新河镇", "新河村 柳塘村 杏花村 河西村"),
    ("云溪镇", "云溪社区 枫林村 双溪村 溪南村"),
    ("岭上乡", "岭上村 竹林村 高山村 石塘村"),
];
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋\
    余杜叶程魏苏吕丁沈姚卢姜崔钟陆汪范金石廖夏方";
const GIVEN: &str = "建国 伟 芳 敏 静 丽 强 磊 洋 艳 勇 军 杰 娟 涛 明 超 霞 平 刚 文华 鹏 晨曦 佳怡 \
    晓东 婷 浩然 宇航 欣怡 志远 海燕 俊杰 思远 雨涵 子轩 国栋 红梅 立新 建华 卫东 振华 丽娜 文斌 晓燕";
const REQUIREMENTS: &str = "进一步提高思想认识 压紧压实工作责任 加强统筹协调配合 聚焦重点难点问题 \
    强化督查考核问效 坚持问题导向 创新工作方式方法 加强宣传引导";
/// "name endings|leadership posts|who attends meetings", for whoever acts in a news item.
const LEADERS: &[&str] = &[
    "市政府 我市|市长 副市长 市政府秘书长|各区、县（市）政府和市级有关部门负责人",
    "新区|管委会主任 管委会副主任|各街道和新区有关部门负责人",
    "县|县长 县委副书记、县长 副县长|各乡镇和县级有关部门负责人",
    "区|区长 区委副书记、区长 副区长|各镇（街道）和区级有关部门负责人",
    "街道|街道党工委书记 街道办事处主任 街道党工委副书记|班子成员和各村（社区）党组织书记",
    "镇 乡|镇党委书记 镇长 副镇长|班子成员和各村（社区）党组织书记",
    "委 办 中心|主任 党组书记、主任 副主任|领导班子成员和各处室、直属单位主要负责人",
    "|局长 党组书记、局长 副局长 党组成员、副局长|领导班子成员和各处室、直属单位主要负责人",
];
/// "salutation of documents|who approves them|service hall", per tenant kind.
const TENANT_TEXT: [&str; 4] = [
    "各区、县（市）人民政府，市政府各部门、各直属单位：|市政府常务会议|{city}市民中心",
    "各区、县（市）有关部门，{jw}属各单位：|{jw}党组会议|{city}市民中心",
    "各镇人民政府、街道办事处，{s}政府各部门：|{s}政府常务会议|{u}政务服务中心",
    "各村（社区），{s}各科室、站所：|{s}党政联席会议|{u}便民服务中心",
];
/// The holiday or season ahead in each month, for "关于做好……期间……的通知".
const PERIODS: &str = "春节 春季 清明节 “五一”劳动节 端午节 端午节 夏季高温 夏季高温 中秋节、国庆节 \
    秋冬季 秋冬季 元旦春节";
const THEMES: [&str; 3] = [
    "实现“十四五”规划目标任务的关键一年",
    "“十四五”规划的收官之年",
    "“十五五”规划的开局之年",
];
/// Policy documents: with numbered articles (办法, 规定, 细则) or without.
const RULE_DOCS: &str = "{r}{t}管理办法 {r}{t}实施办法 {r}{t}管理规定 {r}{t}实施细则";
const OTHER_DOCS: &str = "{full}关于加快推进{t}高质量发展的实施意见 \
    {full}关于进一步加强{t}工作的若干措施 {r}{t}三年行动计划";
/// A background paragraph that news items get half of the time.
const EXTRA: &str = "据了解，今年以来{su}已累计开展{t}相关工作{2..10}0余次，\
    惠及群众{1..20}万人次，群众满意度持续提升。";

// ---------------------------------------------------------------------------------------
// Article templates: see `templates.rs`.
mod templates;
use templates::*;

// ---------------------------------------------------------------------------------------
// Columns: the template for a column name, by keywords (first match wins; otherwise news).

const COLUMNS: &[(&str, &[&str])] = &[
    ("年报 年度报告", &[ANNUAL]),
    ("解读", &[INTERPRETATION]),
    // The disclosure catalogue holds every kind of document a unit discloses.
    ("目录", &[POLICY, NOTICE, FINANCE, PLANNING, PERSONNEL]),
    ("征集 征求", &[CONSULT]),
    ("调查 问卷", &[SURVEY]),
    ("访谈", &[INTERVIEW]),
    ("项目 工程", &[PROJECT]),
    ("规费 收费 征收", &[FEES]),
    ("科技", &[TECH]),
    ("概况", &[OVERVIEW]),
    ("领导", &[LEADERSHIP]),
    ("动态 要闻 新闻 资讯", &[NEWS]),
    ("交通月报", &[TRAFFIC]),
    ("统计 数据 月报", &[STATISTICS]),
    ("财政 预算 决算 资金 采购", &[FINANCE]),
    ("人事 招聘 任免 招考 干部", &[PERSONNEL]),
    ("政策 文件 法规 规章", &[POLICY]),
    ("通知 公告 公示 通报", &[NOTICE]),
    ("办事 便民 服务 指南", &[SERVICE]),
    ("规划 计划 总结", &[PLANNING]),
    ("机构 职能 职责", &[FUNCTIONS]),
];

/// The templates of a column's articles: each article takes one of them.
fn classify(column: &str) -> &'static [&'static str] {
    let hit = |keys: &str| keys.split(' ').any(|k| column.contains(k));
    COLUMNS
        .iter()
        .find(|(keys, _)| hit(keys))
        .map_or(&[NEWS], |c| c.1)
}

// ---------------------------------------------------------------------------------------
// Dates. "Now" is 2026-11-21 (a Saturday), day 324 (0-based) of 2026, so that for every
// days_ago in 0..=729 the publication year is 2026 - (days_ago + 40) / 365.

const NOW_YEAR: i32 = 2026;
const NOW_DOY: i64 = 324;
const MAX_DAYS: u32 = 729;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Date {
    y: i32,
    m: u32,
    d: u32,
    doy: i64,
}

fn year_len(y: i32) -> i64 {
    if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
        366
    } else {
        365
    }
}

/// The calendar date `days_ago` days before now (negative values lie in the future).
fn date_of(days_ago: i64) -> Date {
    let (mut y, mut doy) = (NOW_YEAR, NOW_DOY - days_ago);
    while doy < 0 {
        y -= 1;
        doy += year_len(y);
    }
    while doy >= year_len(y) {
        doy -= year_len(y);
        y += 1;
    }
    let feb = if year_len(y) == 366 { 29 } else { 28 };
    let months = [31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut m, mut rest) = (0, doy);
    while rest >= months[m] {
        rest -= months[m];
        m += 1;
    }
    Date {
        y,
        m: m as u32 + 1,
        d: rest as u32 + 1,
        doy,
    }
}

/// Inverse of [`date_of`]: how many days before now day `doy` (0-based) of year `y` was.
fn days_ago_of(y: i32, doy: i64) -> i64 {
    (y..NOW_YEAR).map(year_len).sum::<i64>() + NOW_DOY - doy
}

/// Moves a weekend publication day to the nearest working day inside the range.
fn weekday_shift(d: u32) -> u32 {
    match (12 - d % 7) % 7 {
        5 if d < MAX_DAYS => d + 1,
        5 => d - 2,
        6 if d + 2 <= MAX_DAYS => d + 2,
        6 => d - 1,
        _ => d,
    }
}

fn ymd(dt: Date) -> String {
    format!("{}年{}月{}日", dt.y, dt.m, dt.d)
}

// ---------------------------------------------------------------------------------------
// Helpers.

/// One of the items of `list`, split by `sep`.
fn pick<'a>(rng: &mut Rng, list: &'a str, sep: char) -> &'a str {
    let v: Vec<&str> = list
        .split(sep)
        .filter(|s| sep == '|' || !s.is_empty())
        .collect();
    v[rng.usize(..v.len())]
}

fn person(rng: &mut Rng) -> String {
    let surnames: Vec<char> = SURNAMES.chars().filter(|c| !c.is_whitespace()).collect();
    format!(
        "{}{}",
        surnames[rng.usize(..surnames.len())],
        pick(rng, GIVEN, ' ')
    )
}

/// An amount in 万元 with two decimals, from hundredths.
fn wan(hundredths: u32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// Replaces characters that are special in HTML by their full-width forms.
fn clean(s: &str) -> String {
    let map = |c| match c {
        '<' => '＜',
        '>' => '＞',
        '&' => '＆',
        '"' => '＂',
        '\'' => '＇',
        c => c,
    };
    s.chars().map(map).collect()
}

type Vars = Vec<(&'static str, String)>;

fn var<'v>(vars: &'v Vars, key: &str) -> Option<&'v str> {
    vars.iter()
        .rev()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
}

/// Replaces `{name}` by the variable's value and `{a..b}` by a random integer in a..b.
fn fill(template: &str, vars: &Vars, rng: &mut Rng) -> String {
    let (mut out, mut rest) = (String::new(), template);
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(j) = rest.find('}') else { break };
        let key = &rest[1..j];
        match (var(vars, key), key.split_once("..")) {
            (Some(value), _) => out.push_str(value),
            (None, Some((a, b))) => {
                let n = rng.u32(a.parse().unwrap_or(0)..b.parse().unwrap_or(1));
                out.push_str(&n.to_string());
            }
            (None, None) => out.push_str(&rest[..=j]),
        }
        rest = &rest[j + 1..];
    }
    out + rest
}

/// The short name used in titles: "海川市民政局" → "市民政局", "海川市江北区人民政府" → "江北区",
/// "江北区和平街道办事处" → "和平街道", "海川市滨海新区管理委员会" → "滨海新区".
fn short_unit_name(full: &str, city: &str) -> String {
    let (in_city, mut s) = match full.strip_prefix(city) {
        Some(rest) if !city.is_empty() => (true, rest),
        _ => (false, full),
    };
    if s == "人民政府" {
        return "市政府".into();
    }
    for suffix in ["人民政府", "管理委员会", "办事处"] {
        // "管理委员会" ends the names of new areas (滨海新区), not of commissions (住房和城乡建设…).
        let area = |r: &&str| suffix != "管理委员会" || r.ends_with('区');
        if let Some(rest) = s
            .strip_suffix(suffix)
            .filter(|r| !r.is_empty())
            .filter(area)
        {
            s = rest;
            // A town inside a district: "江北区和平街道" → "和平街道".
            if ["街道", "镇", "乡"].iter().any(|t| s.ends_with(t))
                && let Some(i) = s.find(['区', '县'])
                && s.len() > i + 3
            {
                s = &s[i + 3..];
            }
            return s.to_string();
        }
    }
    let mut name = s.to_string();
    for (long, short) in ABBREVIATIONS
        .split_whitespace()
        .filter_map(|p| p.split_once('='))
    {
        if let Some(head) = name.strip_suffix(long) {
            name = format!("{head}{short}");
        }
    }
    if in_city {
        return format!("市{name}");
    }
    // A district's department: "江北区民政局" → "区民政局".
    match name
        .char_indices()
        .take(4)
        .find(|(_, c)| *c == '区' || *c == '县')
    {
        Some((i, c)) if name.len() > i + 3 => format!("{c}{}", &name[i + 3..]),
        _ => name,
    }
}

// ---------------------------------------------------------------------------------------
// The publishing unit.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tenant {
    Portal,
    Department,
    District,
    Town,
}

struct Ctx {
    full: String,
    city: String,
    short: String,
    tenant: Tenant,
    /// 市, 区, 县, 街道 or 镇.
    scope: &'static str,
    topics: Vec<&'static str>,
    doc_prefix: String,
    org_code: String,
    district_news: bool,
    /// The unit's topic the column is named after (燃气服务 → 燃气安全), if any.
    column_topic: Option<&'static str>,
}

impl Ctx {
    fn new(spec: &ArticleSpec<'_>) -> Ctx {
        let or = |s: &str, other: String| {
            Some(clean(s.trim()))
                .filter(|s| !s.is_empty())
                .unwrap_or(other)
        };
        let city = or(spec.city, "海川市".into());
        let full = or(spec.unit_name, format!("{city}人民政府"));
        let tenant = match spec.tenant_kind {
            "portal" => Tenant::Portal,
            "district" => Tenant::District,
            "town" => Tenant::Town,
            _ => Tenant::Department,
        };
        let short = short_unit_name(&full, &city);
        let stripped = full.strip_prefix(city.as_str()).unwrap_or(&full);
        let depts = DEPARTMENTS.iter().map(|d| d.split(' ').collect::<Vec<_>>());
        let matched: Vec<Vec<&str>> = depts.filter(|d| stripped.contains(d[0])).collect();
        let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        let scope = match tenant {
            Tenant::Portal | Tenant::Department => "市",
            Tenant::District if short.ends_with('县') => "县",
            Tenant::District => "区",
            Tenant::Town if short.ends_with("街道") => "街道",
            Tenant::Town => "镇",
        };
        let doc_prefix = match tenant {
            Tenant::Portal => format!("{}政", first(&city)),
            Tenant::Department => {
                let abbr = matched
                    .first()
                    .map_or_else(|| first(stripped), |m| m[1].to_string());
                format!("{}{abbr}", first(&city))
            }
            Tenant::District => format!("{}政", first(&short)),
            Tenant::Town => format!("{}{}", first(&short), first(scope)),
        };
        let fnv = |h: u64, b: u8| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        let hash = full.bytes().fold(0xcbf2_9ce4_8422_2325, fnv);
        let topics: Vec<&'static str> = matched.iter().flat_map(|m| m[2..].to_vec()).collect();
        let column_topic = topics.iter().copied().find(|t| {
            let head: String = t.chars().take(2).collect();
            spec.column_name.contains(&head)
        });
        Ctx {
            topics,
            column_topic,
            org_code: format!("33{:08}", hash % 100_000_000),
            district_news: spec.column_name.contains("区县"),
            full,
            city,
            short,
            tenant,
            scope,
            doc_prefix,
        }
    }

    fn topic(&self, rng: &mut Rng) -> &'static str {
        if let Some(t) = self.column_topic.filter(|_| rng.u32(0..4) > 0) {
            t
        } else if !self.topics.is_empty() && rng.u32(0..5) > 0 {
            self.topics[rng.usize(..self.topics.len())]
        } else if self.tenant != Tenant::Department && rng.u32(0..3) == 0 {
            let dept: Vec<&str> = DEPARTMENTS[rng.usize(..DEPARTMENTS.len())]
                .split(' ')
                .collect();
            dept[rng.usize(2..dept.len())]
        } else {
            pick(rng, GENERIC_TOPICS, ' ')
        }
    }

    /// Who acts in a news item: the unit itself, or for the portal the city or a district.
    fn news_subject(&self, rng: &mut Rng) -> String {
        match self.tenant {
            Tenant::Portal if self.district_news => pick(rng, DISTRICTS, ' ').into(),
            Tenant::Portal => ["市政府", "我市"][rng.usize(..2)].into(),
            _ => self.short.clone(),
        }
    }

    /// Where a visit or activity takes place: somewhere below the acting unit, one of its own
    /// towns or villages when the cluster knows them.
    fn place(&self, rng: &mut Rng, subject: &str) -> &'static str {
        let own = |unit: &str, other| PLACES.iter().find(|p| p.0 == unit).map_or(other, |p| p.1);
        let list = match self.tenant {
            Tenant::Town => own(&self.short, VILLAGES),
            Tenant::District => own(&self.short, TOWNS),
            _ if subject.ends_with(['区', '县']) => own(subject, TOWNS),
            _ => DISTRICTS,
        };
        let p = pick(rng, list, ' ');
        if p == self.short || p == subject {
            pick(rng, list, ' ')
        } else {
            p
        }
    }

    fn doc_number(&self, rng: &mut Rng, dt: Date, kind: &str) -> String {
        let n = dt.doy / 6 + 1 + rng.i64(0..4);
        format!("{}{kind}〔{}〕{n}号", self.doc_prefix, dt.y)
    }

    fn office(&self, template: &str) -> String {
        let short = &self.short;
        match self.tenant {
            Tenant::Department if template == FINANCE => format!("{short}计划财务处"),
            Tenant::Department if template == PERSONNEL => format!("{short}人事处"),
            Tenant::Department => format!("{short}办公室"),
            Tenant::Town => format!("{short}党政办公室"),
            Tenant::District => format!("{short}人民政府办公室"),
            Tenant::Portal => format!("{}人民政府办公室", self.city),
        }
    }
}

/// Leadership posts and meeting attendees of the unit acting in a news item.
fn leaders(subject: &str) -> (&'static str, &'static str) {
    for row in LEADERS.iter().map(|r| r.split('|').collect::<Vec<_>>()) {
        if row[0].split(' ').any(|e| subject.ends_with(e)) {
            return (row[1], row[2]);
        }
    }
    ("局长", "")
}

/// Every variable an article may use, drawn for publication day `d`.
fn base_vars(cx: &Ctx, rng: &mut Rng, d: u32, ry: i32) -> Vars {
    let dt = date_of(d.into());
    let (y, m) = (dt.y, dt.m);
    let (su, t) = (cx.news_subject(rng), cx.topic(rng));
    let (posts, attendees) = leaders(&su);
    let ev = date_of(i64::from(d + rng.u32(0..3)));
    let signed = date_of(i64::from(d + rng.u32(3..20)));
    let (dy, dm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let eff = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let total = rng.u32(80_000..2_000_000);
    let a = total / 100 * rng.u32(80..95);
    let (cars, recv) = (rng.u32(500..5_000), rng.u32(100..2_000));
    let mut req: Vec<&str> = REQUIREMENTS.split_whitespace().collect();
    rng.shuffle(&mut req);
    let cs = cx.city.trim_end_matches('市');
    let region = [&cx.city, &cx.short][usize::from(cx.scope != "市")].clone();
    let unit =
        ["科", "处"][usize::from(cx.tenant == Tenant::Department && cx.short.starts_with('市'))];
    let jw = ["局", "委"][usize::from(cx.short.ends_with('委'))];
    let noon = ["", "上午", "下午"][rng.usize(..3)];
    let per = PERIODS.split(' ').nth(m as usize - 1).unwrap_or_default();
    let plan = ["“十四五”", "“十五五”"][usize::from(y >= 2025)];
    let half = ["工作计划", "上半年工作总结和下半年工作思路"][usize::from(m >= 7)];
    let leader = format!("{}{}", pick(rng, posts, ' '), person(rng));
    let mut v: Vars = vec![
        ("u", cx.short.clone()),
        ("full", cx.full.clone()),
        ("city", cx.city.clone()),
        ("cs", cs.into()),
        ("r", region),
        ("s", cx.scope.into()),
        ("jw", jw.into()),
        ("t", t.into()),
        ("y", y.to_string()),
        ("y1", (y - 1).to_string()),
        ("yn", (y + 1).to_string()),
        ("y2", (y + 2).to_string()),
        ("m", m.to_string()),
        ("date", ymd(dt)),
        ("end", ymd(date_of(i64::from(d) - 7))),
        ("eff", format!("{}年{}月1日", eff.0, eff.1)),
        ("when", format!("{}月{}日{noon}", ev.m, ev.d)),
        ("leader", leader),
        ("att", attendees.into()),
        ("place", cx.place(rng, &su).into()),
        ("su", su),
        ("req1", req[0].into()),
        ("req2", req[1].into()),
        ("req3", req[2].into()),
        ("name1", person(rng)),
        ("name2", person(rng)),
        ("name3", person(rng)),
        ("name4", person(rng)),
        ("name5", person(rng)),
        ("app", format!("“{cs}通办”")),
        ("unit", unit.into()),
        ("py", (y + i32::from(m == 12)).to_string()),
        ("per", per.into()),
        ("dy", dy.to_string()),
        ("dm", dm.to_string()),
        (
            "theme",
            THEMES[(y.clamp(2024, 2026) - 2024) as usize].into(),
        ),
        ("plan", plan.into()),
        ("half", half.into()),
        ("ry", ry.to_string()),
        ("ryn", (ry + 1).to_string()),
        ("total", wan(total)),
        ("a", wan(a)),
        ("rest", wan(total - a)),
        ("cars", wan(cars)),
        ("recv", wan(recv)),
        ("three", wan(cars + recv)),
        ("docno", cx.doc_number(rng, signed, "发")),
    ];
    // Tenant phrases and policy documents are themselves templates.
    let keys = ["salute", "delib", "hall", "rdoc", "odoc"];
    let texts = TENANT_TEXT[cx.tenant as usize]
        .split('|')
        .chain([RULE_DOCS, OTHER_DOCS]);
    let texts: Vec<&str> = texts.map(|t| pick(rng, t, ' ')).collect();
    let more: Vec<_> = keys
        .into_iter()
        .zip(texts)
        .map(|(k, t)| (k, fill(t, &v, rng)))
        .collect();
    v.extend(more);
    v
}

// ---------------------------------------------------------------------------------------
// Assembly.

enum Block {
    P(String),
    H3(String),
    Ul(Vec<String>),
}

fn build(cx: &Ctx, template: &'static str, rng: &mut Rng) -> GeneratedArticle {
    let (area, news) = (cx.tenant != Tenant::Department, template == NEWS);
    let shapes: Vec<&str> = template
        .split("\n--\n")
        .filter(|s| area || !s.starts_with("A\n"))
        .collect();
    let lines: Vec<(char, &str)> = shapes[rng.usize(..shapes.len())]
        .lines()
        .filter_map(|l| l.chars().next().map(|c| (c, l[c.len_utf8()..].trim())))
        .collect();
    let of = |tag: char| lines.iter().filter(move |l| l.0 == tag).map(|l| l.1);
    // Reports about year `ry` come out early in ry + 1; only 2024 and 2025 fit in the range.
    let ry = rng.i32(2024..2026);
    let window = of('W').next().and_then(|w| w.split_once(' '));
    let d = match window.and_then(|(a, b)| Some(a.parse::<i64>().ok()?..b.parse().ok()?)) {
        Some(days) => days_ago_of(ry + 1, rng.i64(days)).clamp(0, MAX_DAYS.into()) as u32,
        None => rng.u32(0..=MAX_DAYS),
    };
    let d = weekday_shift(d);
    let mut v = base_vars(cx, rng, d, ry);
    for (key, alternatives) in of('V').filter_map(|l| l.split_once('=')) {
        let value = fill(pick(rng, alternatives, '|'), &v, rng);
        v.push((key, value));
    }
    if let Some(doc) = var(&v, "doc") {
        // The document's kind (办法, 规定, 细则, 意见, 措施, 计划) ends its name.
        let kind = doc.chars().skip(doc.chars().count().saturating_sub(2));
        v.push(("k", kind.collect()));
    }
    let titles = of('T').next().unwrap_or_default();
    let title = fill(pick(rng, titles, '|'), &v, rng);
    // "关于做好……工作的通知" → "做好……工作".
    let core = title.strip_prefix("关于").unwrap_or(&title);
    v.push((
        "subject",
        core.rsplit_once('的').map_or(core, |c| c.0).to_string(),
    ));
    let dt = date_of(d.into());
    let mut blocks = Vec::new();
    for &(tag, text) in lines.iter().filter(|l| "PHLZ".contains(l.0)) {
        let text = fill(text, &v, rng);
        match (tag, blocks.last_mut()) {
            ('P', _) => blocks.push(Block::P(text)),
            ('H', _) => blocks.push(Block::H3(text)),
            ('L', Some(Block::Ul(items))) => items.push(text),
            ('L', _) => blocks.push(Block::Ul(vec![text])),
            _ => blocks.extend([cx.full.clone(), ymd(dt)].map(Block::P)),
        }
    }
    if news && rng.bool() {
        blocks.insert(blocks.len() - 1, Block::P(fill(EXTRA, &v, rng)));
    }
    let kind = pick(rng, of('D').next().unwrap_or("-"), ' ');
    let doc_number = (kind != "-").then(|| cx.doc_number(rng, dt, kind));
    let fallback = format!("{}发布“{}”，详细内容请查阅正文。", cx.full, title);
    let seed = of('S').next().map(|s| fill(s, &v, rng));
    let summary = summarize(seed, &blocks, &fallback);
    let subtitle = (news && rng.u32(0..10) == 0).then(|| fill("——{su}扎实推进{t}工作", &v, rng));
    let source = match (news, cx.tenant, rng.u32(0..3)) {
        (true, Tenant::Portal, 0) => format!("{}日报", cx.city.trim_end_matches('市')),
        (true, Tenant::District, 0) => format!("{}融媒体中心", cx.short),
        (true, Tenant::Department, 0) => cx.office(template),
        _ => cx.full.clone(),
    };
    let author = match news {
        true if rng.bool() => format!("{} {}", person(rng), person(rng)),
        true => person(rng),
        false => cx.office(template),
    };
    let serial = dt.doy * 3 + rng.i64(1..4);
    let index = format!("{}/{}-{serial:05}", cx.org_code, dt.y);
    let index_number = (!news && template != SERVICE).then_some(index);
    GeneratedArticle {
        title: clean(&title),
        subtitle: subtitle.map(|s| clean(&s)),
        source: clean(&source),
        author: clean(&author),
        summary: clean(&summary),
        body_html: render(&blocks),
        doc_number,
        index_number,
        days_ago: d,
        minute_of_day: rng.u32(510..=1080),
    }
}

fn render(blocks: &[Block]) -> String {
    let mut html = String::new();
    for b in blocks {
        match b {
            Block::P(t) => html += &format!("<p>{}</p>\n", clean(t)),
            Block::H3(t) => html += &format!("<h3>{}</h3>\n", clean(t)),
            Block::Ul(items) => {
                let items: String = items
                    .iter()
                    .map(|i| format!("<li>{}</li>\n", clean(i)))
                    .collect();
                html += &format!("<ul>\n{items}</ul>\n");
            }
        }
    }
    html
}

/// One sentence of 30–80 characters: the seed, else the body's opening sentences.
fn summarize(seed: Option<String>, blocks: &[Block], fallback: &str) -> String {
    let len = |s: &str| s.chars().count();
    let mut out = seed.unwrap_or_default();
    let paras = blocks.iter().filter_map(|b| match b {
        Block::P(t) if !t.ends_with('：') && len(t) >= 20 => Some(t),
        _ => None,
    });
    for sentence in paras.flat_map(|t| t.split_inclusive('。')) {
        if len(&out) >= 30 {
            break;
        }
        out.push_str(sentence);
    }
    if len(&out) < 30 {
        out = fallback.to_string();
    }
    let chars: Vec<char> = out.chars().collect();
    if chars.len() <= 80 {
        return out;
    }
    let cut = (30..79)
        .rev()
        .find(|&i| matches!(chars[i], '，' | '；'))
        .unwrap_or(79);
    chars[..cut].iter().collect::<String>() + "。"
}

// ---------------------------------------------------------------------------------------
// Reporting items (信息报送): short news a unit sends up to the portal or its district, dated
// with the real calendar date they are sent on (not the article generator's fixed "now").

/// One generated reporting item; the caller stores it as a submission.
pub struct GeneratedReport {
    pub title: String,
    /// HTML body: three `<p>` paragraphs of plain text.
    pub body_html: String,
    /// The sender's remark to the receiving board (备注), sometimes.
    pub note: Option<String>,
}

/// Item templates, in the article templates' format (T, V, P lines; shapes separated by "--";
/// "A" marks shapes only districts and towns send, "J" shapes that need a holiday ahead). Extra
/// variables: {q} the quarter (一 … 四), {per} the holiday or season of the month.
const REPORT: &str = "T {su}召开{y}年{t}工作部署会|{su}召开{t}工作推进会|{su}召开{t}专题会议
P {when}，{su}召开会议，专题研究部署{t}工作。{leader}出席会议并讲话，{att}参加会议。
P 会议通报了前一阶段{t}工作开展情况，分析了当前面临的形势和存在的短板，对下一阶段重点任务作出具体安排。
P 会议强调，要{req1}，{req2}，{req3}，以钉钉子精神抓好各项任务落实，确保{t}工作取得实效。
--
T {su}多措并举推进{t}工作|{su}扎实推进{t}工作见成效|{su}以“{brand}”推动{t}工作提质增效
V brand=三个聚焦|四个强化|五个一|三张清单|闭环管理
P 今年以来，{su}坚持以人民群众需求为导向，多措并举推进{t}工作，取得积极成效。
P 一是强化统筹谋划，成立工作专班，制定年度工作方案，明确目标任务和责任分工，协调解决问题{2..9}个。二是突出重点攻坚，围绕{t}中的难点堵点逐项制定措施，推动问题动态清零。三是注重宣传引导，通过政务网站、微信公众号等渠道发布相关信息{10..60}条。
P 截至目前，{su}{t}各项指标完成年度目标的{60..96}%，群众满意度持续提升。下一步，{su}将{req1}，推动{t}工作再上新台阶。
--
T {su}扎实开展{t}专项行动|{su}开展{y}年{t}专项整治行动|{su}组织开展{t}督查检查
P 为进一步压实工作责任，{when}起，{su}在全{s}范围内开展{t}专项行动，为期{1..4}个月。
P 行动采取“四不两直”、交叉检查、随机抽查等方式，重点检查责任落实、制度执行和问题整改等情况。截至目前，已出动检查人员{50..300}人次，检查点位{20..150}个，发现并督促整改问题{10..80}个。
P {leader}要求，要坚持边查边改、立查立改，对发现的问题建立台账、跟踪问效，确保整改到位。
--
T {su}开展{t}主题宣传活动|{su}开展“{t}进社区”活动|{su}举办{y}年{t}宣传周启动仪式
P {when}，{su}在{place}开展{t}主题宣传活动，{10..60}0余名群众参与。
P 活动现场，工作人员通过设置咨询台、发放宣传资料、现场讲解等形式，向群众普及{t}相关政策和知识，共发放宣传资料{5..30}00余份，现场解答咨询{2..10}0余人次。
P 下一步，{su}将持续开展形式多样的宣传活动，不断提升群众对{t}工作的知晓率和满意度。
--
T {su}主要负责同志赴{place}调研{t}工作|{su}赴{place}开展{t}专题调研
P {when}，{leader}带队赴{place}，就{t}工作开展专题调研。
P 调研组实地察看了相关点位，召开座谈会听取基层意见建议，详细了解{t}工作推进中遇到的困难和问题。
P 调研指出，要{req1}，{req2}，主动靠前服务，帮助基层解决实际困难，推动{t}各项工作落地见效。
--
T {su}举办{y}年{t}业务培训班|{su}举办{t}专题培训
P {when}，{su}举办{t}业务培训，各有关单位业务骨干{5..20}0余人参加。
P 培训围绕{t}政策解读、业务规范、典型案例等内容进行了系统讲解，并安排了交流研讨环节，进一步提升了业务人员的政策水平和实操能力。
P 参训人员表示，将把所学所获运用到实际工作中，推动{t}工作提质增效。
--
T {su}创新推出{t}“{svc}”服务|{su}{t}相关事项实现“{svc}”
V svc=一件事一次办|就近办|掌上办|帮代办|不见面办|周末不打烊
P 近日，{su}创新推出{t}“{svc}”服务，进一步方便企业和群众办事。
P 该服务通过优化流程、精简材料、数据共享等举措，将相关事项办理时限压缩{30..70}%，申请材料减少{2..6}份。推出以来，已累计服务企业和群众{2..30}00余人次。
P 下一步，{su}将持续深化“最多跑一次”改革，不断拓展服务范围，提升群众办事的便利度和获得感。
--
T {su}{t}工作获省级通报表扬|{su}{t}工作经验入选全省典型案例
P 近日，省有关部门公布{y}年{t}工作评估结果，{su}相关工作经验做法获得通报表扬。
P 近年来，{su}聚焦{t}工作中的难点堵点问题，大胆探索、创新实践，形成了一批可复制、可推广的经验做法。
P 下一步，{su}将以此为契机，{req1}，{req2}，持续擦亮{t}工作品牌。
--
J
T {su}全力做好{per}期间{t}工作|{su}部署{per}期间{t}工作
P {per}将至，{su}提前谋划、周密部署，全力做好{per}期间{t}各项工作。
P {su}组织力量对重点领域、重点场所开展排查，落实领导带班和24小时值班制度，确保问题早发现、早处置。
P {su}要求，各有关单位要{req1}，{req2}，确保{per}期间{t}工作平稳有序。
--
A
T {su}{place}{project}开工建设
V project=污水管网改造工程|农贸市场提升改造项目|安置房建设项目|道路拓宽工程|中心小学新建工程|滨水公园建设项目|老旧小区改造项目
P {when}，{su}{place}{project}正式开工建设。该项目总投资约{1..15}.{1..10}亿元，计划于{yn}年底前建成投用。
P 项目建成后，将进一步完善区域基础设施和公共服务配套，有效改善周边群众生产生活条件。
P {leader}要求，各参建单位要坚持质量第一、安全第一，科学组织施工，加强要素保障，确保项目按期高质量完成。
--
A
T {su}召开{y}年第{q}季度重点项目推进会
P {when}，{su}召开{y}年第{q}季度重点项目推进会，{leader}出席会议并讲话。
P 会议听取了各重点项目推进情况汇报，逐一梳理项目建设中存在的要素保障、政策处理等问题，明确责任单位和完成时限。今年以来，全{s}{10..60}个重点项目完成投资{10..90}.{1..10}亿元。
P 会议要求，各责任单位要倒排工期、挂图作战，全力以赴抓项目、促投资，确保完成全年目标任务。
--
A
T {su}开展{t}志愿服务活动|{su}“党建+{t}”激发基层治理新活力
P {when}，{su}组织党员干部和志愿者深入{place}，开展{t}志愿服务活动，{20..80}余名志愿者参与。
P 志愿者们分组走访群众，宣传{t}相关政策，收集意见建议{10..50}条，现场帮助解决实际困难{5..20}件。
P 下一步，{su}将持续深化党建引领基层治理，推动{t}工作常态化、长效化。";

/// Topics of the season: (keywords in the unit's name, "" for any district or town; months;
/// topic).
const SEASONAL: &[(&str, &[u32], &str)] = &[
    ("教育", &[2, 3], "春季学期开学"),
    ("教育", &[8, 9], "秋季学期开学"),
    ("教育", &[5, 6], "中考中招"),
    ("应急管理 水利", &[5, 6, 7, 8, 9], "防汛防台"),
    ("应急管理 市场监督 住房 交通", &[6], "“安全生产月”"),
    ("应急管理 绿化", &[1, 2, 3, 11, 12], "森林防火"),
    ("人力资源", &[1, 2, 12], "根治欠薪冬季攻坚"),
    ("人力资源", &[4, 5, 6, 7], "高校毕业生就业服务"),
    ("农业农村", &[5, 6], "“三夏”生产"),
    ("农业农村", &[9, 10], "秋粮收购"),
    ("卫生健康", &[1, 2, 11, 12], "冬春季传染病防控"),
    ("民政", &[1, 2], "春节困难群众走访慰问"),
    ("民政", &[7, 8], "高温天气困难群众关爱"),
    ("市场监督", &[1, 2, 9], "节日市场食品安全"),
    ("", &[6, 7, 8, 9], "防汛防台"),
    ("", &[1, 2, 12], "岁末年初安全生产"),
    ("", &[3, 4, 11], "森林防火"),
];

/// Remarks senders add for the board; {p} is a contact person.
const NOTES: &str = "请审阅|附活动现场图片{2..6}张，请审阅|文中数据已核实|联系人：{p}，电话：0599-8{100..999}{1000..9999}|请审核采用";

/// Generates one reporting item per date (each `(year, month, day)`, the day it is sent), for
/// the unit of `spec`; titles are distinct within one call, and deterministic for a given seed.
pub fn report_items(
    spec: &ArticleSpec<'_>,
    dates: &[(i32, u32, u32)],
    rng: &mut Rng,
) -> Vec<GeneratedReport> {
    let cx = Ctx::new(spec);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(dates.len());
    for (i, &date) in dates.iter().enumerate() {
        let mut item = (0..40)
            .map(|_| build_report(&cx, date, rng))
            .find(|r| !seen.contains(&r.title))
            .unwrap_or_else(|| build_report(&cx, date, rng));
        let (base, mut n) = (item.title.clone(), i + 1);
        while seen.contains(&item.title) {
            item.title = format!("{base}（{n}）");
            n += 1;
        }
        seen.insert(item.title.clone());
        out.push(item);
    }
    out
}

/// A topic of the unit, sometimes one of the season's.
fn report_topic(cx: &Ctx, m: u32, rng: &mut Rng) -> &'static str {
    let name = cx.full.strip_prefix(cx.city.as_str()).unwrap_or(&cx.full);
    let area = cx.tenant != Tenant::Department;
    let seasonal: Vec<&str> = SEASONAL
        .iter()
        .filter(|(keys, months, _)| {
            months.contains(&m)
                && if keys.is_empty() {
                    area
                } else {
                    keys.split(' ').any(|k| name.contains(k))
                }
        })
        .map(|s| s.2)
        .collect();
    if !seasonal.is_empty() && rng.u32(0..10) < 3 {
        seasonal[rng.usize(..seasonal.len())]
    } else {
        cx.topic(rng)
    }
}

fn build_report(cx: &Ctx, (y, m, d): (i32, u32, u32), rng: &mut Rng) -> GeneratedReport {
    let m = m.clamp(1, 12);
    let per = PERIODS.split(' ').nth(m as usize - 1).unwrap_or_default();
    let holiday = per.contains('节') || per.contains("高温");
    let area = cx.tenant != Tenant::Department;
    let shapes: Vec<&str> = REPORT
        .split("\n--\n")
        .filter(|s| area || !s.starts_with("A\n"))
        .filter(|s| holiday || !s.starts_with("J\n"))
        .collect();
    let lines: Vec<(char, &str)> = shapes[rng.usize(..shapes.len())]
        .lines()
        .filter_map(|l| l.chars().next().map(|c| (c, l[c.len_utf8()..].trim())))
        .collect();
    let su = cx.short.clone();
    let t = report_topic(cx, m, rng);
    let (posts, attendees) = leaders(&su);
    let mut req: Vec<&str> = REQUIREMENTS.split_whitespace().collect();
    rng.shuffle(&mut req);
    // The event happened on the day it is reported or shortly before.
    let ed = d.saturating_sub(rng.u32(0..3)).max(1);
    let noon = ["", "上午", "下午"][rng.usize(..3)];
    let mut v: Vars = vec![
        ("su", su.clone()),
        ("full", cx.full.clone()),
        ("t", t.into()),
        ("s", cx.scope.into()),
        ("y", y.to_string()),
        ("yn", (y + 1).to_string()),
        ("q", ["一", "二", "三", "四"][(m as usize - 1) / 3].into()),
        ("per", per.into()),
        ("when", format!("{m}月{ed}日{noon}")),
        (
            "leader",
            format!("{}{}", pick(rng, posts, ' '), person(rng)),
        ),
        ("att", attendees.into()),
        ("place", cx.place(rng, &su).into()),
        ("req1", req[0].into()),
        ("req2", req[1].into()),
        ("req3", req[2].into()),
        ("p", person(rng)),
    ];
    let of = |tag: char| lines.iter().filter(move |l| l.0 == tag).map(|l| l.1);
    for (key, alternatives) in of('V').filter_map(|l| l.split_once('=')) {
        let value = fill(pick(rng, alternatives, '|'), &v, rng);
        v.push((key, value));
    }
    let title = fill(pick(rng, of('T').next().unwrap_or_default(), '|'), &v, rng);
    let blocks: Vec<Block> = of('P').map(|p| Block::P(fill(p, &v, rng))).collect();
    let note = (rng.u32(0..10) < 4).then(|| fill(pick(rng, NOTES, '|'), &v, rng));
    GeneratedReport {
        title: clean(&title),
        body_html: render(&blocks),
        note: note.map(|n| clean(&n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMN_NAMES: &str = "工作动态 通知公告 政策文件 政策解读 财政资金 人事信息 区县要闻 海川要闻 \
        规划计划 机构职能 信息公开年报 办事服务 便民服务 路政动态 统计数据 意见征集 网上调查 在线访谈 \
        政府信息公开目录 重大项目 重大工程 规费征收 市政科技 交通月报 其他";
    const UNITS: &str = "海川市民政局=department 海川市人民政府=portal 海川市江北区人民政府=district \
        云溪县人民政府=district 江北区和平街道办事处=town 海川市发展和改革委员会=department \
        海川市政务服务中心=department";

    fn run(unit: &str, kind: &str, column: &str, n: usize, seed: u64) -> Vec<GeneratedArticle> {
        let (unit_name, tenant_kind, column_name) = (unit, kind, column);
        let spec = ArticleSpec {
            unit_name,
            tenant_kind,
            column_name,
            city: "海川市",
        };
        generate(&spec, n, &mut Rng::with_seed(seed), &mut HashSet::new())
    }

    fn year_of(days_ago: u32) -> i32 {
        (2026 - (days_ago as i32 + 40) / 365).clamp(2024, 2026)
    }

    #[test]
    fn short_unit_names() {
        let cases = "海川市民政局=市民政局 海川市江北区人民政府=江北区 云溪县人民政府=云溪县 \
            江北区和平街道办事处=和平街道 海川市滨海新区管理委员会=滨海新区 海川市人民政府=市政府 \
            海川市教育委员会=市教委 海川市住房和城乡建设管理委员会=市住房城乡建设委 \
            海川市发展和改革委员会=市发展改革委 江北区新河镇人民政府=新河镇 江北区民政局=区民政局";
        for (full, short) in cases.split_whitespace().filter_map(|c| c.split_once('=')) {
            assert_eq!(short_unit_name(full, "海川市"), short, "{full}");
        }
    }

    #[test]
    fn same_seed_same_articles() {
        let (a, b) = (
            run("海川市民政局", "department", "工作动态", 20, 7),
            run("海川市民政局", "department", "工作动态", 20, 7),
        );
        let key =
            |a: &GeneratedArticle| format!("{}{}{}{}", a.title, a.body_html, a.summary, a.days_ago);
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| key(x) == key(y) && x.minute_of_day == y.minute_of_day)
        );
        let c = run("海川市民政局", "department", "工作动态", 20, 8);
        assert!(a.iter().zip(&c).any(|(x, y)| x.title != y.title));
    }

    #[test]
    fn articles_are_well_formed_and_distinct() {
        for (unit, kind) in UNITS.split_whitespace().filter_map(|u| u.split_once('=')) {
            for col in COLUMN_NAMES.split_whitespace() {
                let arts = run(unit, kind, col, 60, 42);
                let titles: HashSet<_> = arts.iter().map(|a| a.title.as_str()).collect();
                assert_eq!((arts.len(), titles.len()), (60, 60), "{unit} {col}");
                for a in &arts {
                    let text: String = a.body_html.split(['<', '>']).step_by(2).collect();
                    let text = text.replace('\n', "");
                    let checks = [
                        a.days_ago <= 729 && (510..=1080).contains(&a.minute_of_day),
                        a.body_html.starts_with("<p>"),
                        (3..=6).contains(&a.body_html.matches("<p>").count()),
                        a.body_html.matches("<h3>").count() <= 1,
                        (150..=600).contains(&text.chars().count()),
                        (30..=80).contains(&a.summary.chars().count()),
                        !a.title.contains(['<', '>']) && !a.summary.contains(['<', '>']),
                    ];
                    let fields = [&a.title, &a.summary, &a.source, &a.author, &a.body_html];
                    let clean = fields
                        .iter()
                        .all(|s| !s.is_empty() && !s.contains(['{', '&', '"']));
                    let ctx = format!("{unit} {col} {checks:?} {}\n{}", a.summary, a.body_html);
                    assert!(clean && checks.iter().all(|c| *c), "{ctx}");
                }
            }
        }
    }

    #[test]
    fn policy_columns_have_numbers_with_matching_year() {
        for a in run("海川市民政局", "department", "政策文件", 40, 3) {
            let (year, doc) = (year_of(a.days_ago), a.doc_number.unwrap_or_default());
            assert!(
                doc.starts_with("海民") && doc.contains(&format!("〔{year}〕")),
                "{doc}"
            );
            let index = a.index_number.unwrap_or_default();
            assert!(
                index.len() == 21 && index.contains(&format!("/{year}-")),
                "{index}"
            );
        }
        let interpretations = run("海川市民政局", "department", "政策解读", 10, 3);
        assert!(interpretations.iter().all(|a| a.index_number.is_some()));
        let news = run("海川市民政局", "department", "工作动态", 40, 3);
        assert!(
            news.iter()
                .all(|a| a.doc_number.is_none() && a.index_number.is_none())
        );
    }

    #[test]
    fn dates_follow_the_year_formula() {
        for d in 0..=MAX_DAYS {
            let dt = date_of(d.into());
            assert_eq!(
                (dt.y, days_ago_of(dt.y, dt.doy)),
                (year_of(d), i64::from(d))
            );
            let w = weekday_shift(d);
            assert!(
                w <= MAX_DAYS && (12 - w % 7) % 7 < 5,
                "{d} → {w} is a weekend"
            );
        }
        let ymd = |d| date_of(d).y * 10000 + date_of(d).m as i32 * 100 + date_of(d).d as i32;
        assert_eq!([ymd(0), ymd(325), ymd(-41)], [20261121, 20251231, 20270101]);
    }

    #[test]
    fn html_special_characters_are_neutralised() {
        for a in run("海川市<b>民政&局", "department", "通知公告", 10, 1) {
            assert!(!a.title.contains(['<', '&']) && !a.summary.contains(['<', '&']));
            let text: String = a.body_html.split(['<', '>']).step_by(2).collect();
            let tags: HashSet<&str> = a.body_html.split(['<', '>']).skip(1).step_by(2).collect();
            let allowed: HashSet<&str> = "p /p ul /ul li /li h3 /h3".split(' ').collect();
            assert!(
                !text.contains('&') && tags.is_subset(&allowed),
                "{}",
                a.body_html
            );
        }
    }

    /// The numbers written just before `unit`, e.g. the years in "2026年".
    fn numbers_before(text: &str, unit: char) -> Vec<i32> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            if *c == unit {
                let digits: String = chars[..i]
                    .iter()
                    .rev()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if !digits.is_empty() {
                    out.push(digits.chars().rev().collect::<String>().parse().unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn report_items_are_dated_distinct_and_well_formed() {
        let dates: Vec<(i32, u32, u32)> = (0..80).map(|i| (2026, 1 + i % 12, 1 + i % 28)).collect();
        for (unit, kind) in UNITS.split_whitespace().filter_map(|u| u.split_once('=')) {
            let spec = ArticleSpec {
                unit_name: unit,
                tenant_kind: kind,
                column_name: "部门动态",
                city: "海川市",
            };
            let items = report_items(&spec, &dates, &mut Rng::with_seed(5));
            let again = report_items(&spec, &dates, &mut Rng::with_seed(5));
            let titles: HashSet<_> = items.iter().map(|r| r.title.as_str()).collect();
            assert_eq!(titles.len(), dates.len(), "{unit}: distinct titles");
            assert!(
                items
                    .iter()
                    .zip(&again)
                    .all(|(a, b)| a.title == b.title && a.body_html == b.body_html)
            );
            for (r, (y, m, _)) in items.iter().zip(&dates) {
                let text: String = r.body_html.split(['<', '>']).step_by(2).collect();
                let ok = [
                    r.body_html.matches("<p>").count() == 3,
                    (100..=400).contains(&text.chars().count()),
                    (8..=60).contains(&r.title.chars().count()),
                    !r.title.contains(['{', '<', '&']) && !text.contains(['{', '&']),
                    numbers_before(&r.title, '年').iter().all(|n| n == y),
                    numbers_before(&text, '月').iter().all(|n| *n == *m as i32),
                ];
                assert!(
                    ok.iter().all(|c| *c),
                    "{unit} {ok:?} {}\n{}",
                    r.title,
                    r.body_html
                );
            }
        }
        let spec = ArticleSpec {
            unit_name: "海川市教育局",
            tenant_kind: "department",
            column_name: "部门动态",
            city: "海川市",
        };
        let sept = report_items(&spec, &[(2026, 9, 1); 60], &mut Rng::with_seed(1));
        assert!(
            sept.iter().any(|r| r.title.contains("秋季学期开学")),
            "the season's topics appear"
        );
        assert!(sept.iter().all(|r| r.title.starts_with("市教育局")));
    }

    #[test]
    fn columns_are_classified() {
        let cases = [
            ("政策解读", INTERPRETATION),
            ("信息公开年报", ANNUAL),
            ("路政动态", NEWS),
            ("财政资金", FINANCE),
            ("统计数据", STATISTICS),
            ("交通月报", TRAFFIC),
            ("政策文件", POLICY),
            ("意见征集", CONSULT),
            ("网上调查", SURVEY),
            ("在线访谈", INTERVIEW),
            ("重大项目", PROJECT),
            ("重大工程", PROJECT),
            ("规费征收", FEES),
            ("市政科技", TECH),
            ("海川概况", OVERVIEW),
            ("领导信息", LEADERSHIP),
            ("随便什么", NEWS),
        ];
        for (name, template) in cases {
            assert!(classify(name) == [template], "{name}");
        }
        let catalogue = classify("政府信息公开目录");
        assert!(catalogue.len() > 3 && !catalogue.contains(&NEWS));
    }

    #[test]
    fn a_column_named_after_a_topic_of_the_unit_is_mostly_about_it() {
        // Service columns have few title shapes, so distinct titles soon need other topics.
        let arts = run("海川市市政工程管理局", "department", "燃气服务", 6, 4);
        let on_topic = arts.iter().filter(|a| a.title.contains("燃气安全")).count();
        assert!(on_topic >= 3, "{on_topic} of 6");
    }

    #[test]
    fn titles_stay_distinct_across_a_sites_columns() {
        let mut seen = HashSet::new();
        let mut rng = Rng::with_seed(9);
        let mut all = Vec::new();
        for column in ["意见征集", "意见征集", "工作动态", "工作动态"] {
            let spec = ArticleSpec {
                unit_name: "海川市市政工程管理局",
                tenant_kind: "department",
                column_name: column,
                city: "海川市",
            };
            all.extend(
                generate(&spec, 12, &mut rng, &mut seen)
                    .into_iter()
                    .map(|a| a.title),
            );
        }
        let distinct: HashSet<&String> = all.iter().collect();
        assert_eq!((all.len(), distinct.len(), seen.len()), (48, 48, 48));
    }

    /// Every place the cluster's sites are known by, with the unit it belongs to.
    fn owner_of(place: &str) -> Option<&'static str> {
        PLACES
            .iter()
            .find(|(_, places)| places.split(' ').any(|p| p == place))
            .map(|p| p.0)
    }

    #[test]
    fn areas_name_only_their_own_towns_and_villages() {
        let units = "海川市江北区人民政府=district=江北区 云溪县人民政府=district=云溪县 \
            江北区和平街道办事处=town=和平街道 云溪县岭上乡人民政府=town=岭上乡";
        for unit in units.split_whitespace() {
            let [name, kind, short] = unit.splitn(3, '=').collect::<Vec<_>>()[..] else {
                unreachable!()
            };
            let column = if kind == "town" {
                "工作动态"
            } else {
                "区县要闻"
            };
            let arts = run(name, kind, column, 80, 11);
            let mut named = 0;
            for (place, owner) in PLACES
                .iter()
                .flat_map(|(o, ps)| ps.split(' ').map(move |p| (p, *o)))
            {
                let hits = arts.iter().filter(|a| a.body_html.contains(place)).count();
                if place == short {
                    continue;
                }
                assert!(
                    hits == 0 || owner == short,
                    "{short}'s news names {place} of {owner}"
                );
                named += hits;
            }
            assert!(named > 0, "{short}'s news names some of its places");
        }
        // The portal's news of a district visits that district's towns.
        let portal = run("海川市人民政府", "portal", "区县动态", 80, 3);
        for a in &portal {
            let district = DISTRICTS.split(' ').find(|d| a.title.starts_with(d));
            for (place, owner) in PLACES
                .iter()
                .flat_map(|(o, ps)| ps.split(' ').map(move |p| (p, *o)))
            {
                if let (Some(d), true) = (district, a.title.contains(place)) {
                    assert_eq!(owner, d, "{}", a.title);
                }
            }
        }
    }

    #[test]
    fn every_area_site_of_the_cluster_has_its_places() {
        let def = crate::definition().unwrap();
        let city = &def.cluster.city;
        for t in def
            .tenants
            .iter()
            .filter(|t| t.kind == "district" || t.kind == "town")
        {
            let short = short_unit_name(&t.name, city);
            assert!(PLACES.iter().any(|p| p.0 == short), "{short} has no places");
            if let Some(parent) = def
                .tenants
                .iter()
                .find(|p| t.parent.as_ref() == Some(&p.code))
            {
                assert_eq!(
                    owner_of(&short),
                    Some(short_unit_name(&parent.name, city).as_str())
                );
            }
        }
    }
}
