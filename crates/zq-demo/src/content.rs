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

/// Generates `count` distinct articles for the spec (titles distinct within one call),
/// deterministic for a given rng seed.
pub fn generate(spec: &ArticleSpec<'_>, count: usize, rng: &mut Rng) -> Vec<GeneratedArticle> {
    let cx = Ctx::new(spec);
    let column = classify(spec.column_name);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
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
const TOWNS: &str = "新河镇 和平街道 东湖街道 白沙镇 临港街道 青石镇 望江街道 桃源镇 城南街道";
const VILLAGES: &str = "柳塘村 龙山社区 石桥村 滨江社区 杏花村 南湖社区 枫林村 新桥社区 双溪村";
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
// Article templates, one string per kind of column. Shapes are separated by "--" lines and
// each line starts with a tag: T titles (alternatives split by |), V name=alternatives,
// P paragraph, L list item, H subheading, Z signature (unit and date), S summary, D 文号 kinds
// ("-" = none), W publication window in days of the year after year {ry}, A area units only.
// {name} is a variable from `base_vars`, a V line or {subject} (the title's core); {a..b} is a
// random integer in a..b.

const NEWS: &str = "T {su}召开{meeting}
V meeting={y}年{t}工作推进会|{t}工作专题会议|{t}工作部署会|{y}年{t}工作会议
P {when}，{su}召开{meeting}，总结前一阶段{t}工作，部署下一步重点任务。{leader}出席会议并讲话，{att}参加会议。
P 会议听取了有关单位关于{t}工作推进情况的汇报。会议指出，今年以来，{t}工作稳步推进，各项目标任务完成情况总体良好，但对照上级要求和群众期盼仍有差距。
P 会议要求，要{req1}，{req2}，{req3}，确保{t}各项工作落地见效，为加快建设现代化{cs}作出新的更大贡献。
--
T {su}赴{place}开展{t}专题调研|{su}主要负责同志赴{place}调研{t}工作
P {when}，{leader}带队赴{place}，就{t}工作开展专题调研。
P 调研组先后来到{place}便民服务中心、重点项目现场和部分村（社区），实地查看{t}工作推进情况，并召开座谈会，面对面听取基层干部群众的意见建议。
P 调研中强调，要{req1}，{req2}，主动靠前服务，帮助基层解决实际困难，切实把{t}各项工作抓实抓细抓到位。
--
T {su}开展{act}
V act={t}主题宣传活动|“{t}进社区”活动|{y}年{t}宣传周活动|{t}志愿服务活动
P {when}，{su}在{place}开展{act}，吸引了{10..60}0余名群众参与。
P 活动现场，工作人员通过设置咨询台、发放宣传资料、现场讲解等形式，向群众普及{t}相关政策和知识，累计发放宣传资料{5..30}00余份，解答群众咨询{2..10}0余人次。
P 下一步，{su}将持续深化{t}宣传工作，创新宣传形式，拓展宣传渠道，不断提升群众的知晓率和满意度。
--
T {su}赴{place}开展{t}{insp}|{su}开展{y}年{t}{insp}
V insp=专项检查|督导检查|“回头看”检查
P 为进一步压实{t}工作责任，{when}，{leader}带队赴{place}开展{t}{insp}。
P 检查组采取查阅台账、实地查看、随机抽查等方式，重点检查了{t}工作责任落实、制度建设和问题整改等情况，共发现问题{3..20}个，已当场反馈并督促限期整改。
P 检查组要求，要{req1}，{req2}，建立问题清单和整改台账，确保整改到位、见到实效。
--
T {su}与{partner}签署{t}战略合作协议
V partner=海川大学|海川职业技术学院|海川农商银行|海川港集团|海川城投集团|中国移动海川分公司
P {when}，{su}与{partner}签署{t}战略合作协议。{leader}出席签约仪式并致辞。
P 根据协议，双方将在{t}、人才培养、平台共建等方面开展深度合作，建立常态化沟通协调机制，推动合作项目尽快落地见效。
P 下一步，双方将以此次签约为契机，细化合作清单，加强资源共享和优势互补，共同推动{t}工作迈上新台阶。
--
T {su}举办{y}年{t}业务培训班
P {when}，{su}举办{y}年{t}业务培训班，各有关单位业务骨干共{6..20}0余人参加培训。
P 培训邀请省内相关领域专家和业务骨干授课，围绕{t}政策解读、业务规范、典型案例等内容进行了系统讲解，并安排了交流研讨环节。
P 参训人员纷纷表示，通过培训进一步熟悉了{t}相关政策和业务流程，将把所学所获运用到实际工作中，推动{t}工作提质增效。
--
T {su}{t}工作入选全省典型案例|{su}{t}工作获省级通报表扬
P 近日，省有关部门公布了{y}年度{t}工作评估结果，{su}报送的相关工作经验做法获得充分肯定。
P 近年来，{su}坚持以人民为中心的发展思想，聚焦{t}工作中的难点堵点问题，大胆探索、创新实践，形成了一批可复制、可推广的经验做法。
P 下一步，{su}将以此为契机，{req1}，{req2}，持续擦亮{t}工作品牌。
--
A
T {su}举行{place}{project}开工仪式
V project=污水管网改造工程|农贸市场提升改造项目|安置房建设项目|道路拓宽工程|中心小学新建工程|滨水公园建设项目
P {when}，{place}{project}举行开工仪式，{leader}出席并宣布项目开工。
P 该项目总投资约{1..15}.{0..10}亿元，计划于{yn}年底前建成投用。项目建成后，将进一步完善区域基础设施和公共服务配套，有效改善周边群众生产生活条件。
P {leader}要求，各参建单位要坚持质量第一、安全第一，科学组织施工，加强要素保障，确保项目按期高质量完成。";

const NOTICE: &str = "T 关于做好{py}年{per}期间{t}工作的通知|关于开展{y}年{t}专项检查的通知|\
关于印发《{r}{y}年{t}工作要点》的通知|关于组织申报{y}年度{t}专项资金的通知|关于进一步加强{t}工作的通知
D 发 办发 函 - -
S {full}就{subject}有关事项作出安排，要求各有关单位{req1}、{req2}。
P {salute}
P 为进一步做好{t}工作，根据上级有关工作部署，结合本{s}实际，现就{subject}有关事项通知如下：
L 一、提高思想认识。{t}工作事关群众切身利益，各单位要切实增强责任感和紧迫感，主要负责同志要亲自研究部署。
L 二、突出工作重点。要聚焦{t}领域的薄弱环节和突出问题，制定具体工作措施，明确责任分工和时间节点。
L 三、加强信息报送。请各单位于{end}前将工作开展情况书面报送{u}，联系电话：12345。
P 特此通知。
Z
--
T 关于{y}年度{t}项目拟立项情况的公示|关于{y}年度{t}示范单位拟认定名单的公示|\
关于征求《{r}{t}管理办法（征求意见稿）》意见的公告
P 根据有关规定，为提高工作透明度，现将{subject}有关事项予以公布，公布期为{date}至{end}。
P 公布期间，如对有关内容有意见或异议，请以书面形式向{full}反映，反映情况应实事求是，并提供必要的联系方式，以便核实。
P 联系地址：{city}{road}{1..300}号；联系电话：12345政务服务便民热线。
V road=海川大道|江滨路|人民路|新华路|文化路|中山路|世纪大道
Z";

const POLICY: &str = "V doc={rdoc}
T {doc}|{full}关于印发《{doc}》的通知
D 规 发
S {full}印发《{doc}》，对{t}工作作出规范和部署。
P {salute}
P 《{doc}》已经{delib}研究同意，现印发给你们，请结合实际认真贯彻执行。
H {doc}
P 第一条 为进一步规范{t}工作，保障人民群众合法权益，根据有关法律法规规定，结合本{s}实际，制定本{k}。
P 第二条 本{k}适用于本{s}行政区域内{t}相关活动及其监督管理。
P 第三条 {full}负责本{s}{t}工作的统筹协调和监督管理，其他有关部门按照各自职责做好相关工作。
P 本{k}自{eff}起施行，由{full}负责解释。
--
V doc={odoc}
T {doc}
D 发
S {full}印发《{doc}》，对{t}工作作出部署。
P {salute}
P 《{doc}》已经{delib}研究同意，现印发给你们，请结合实际认真贯彻执行。
H {doc}
P 一、总体要求。坚持以人民为中心的发展思想，到{y2}年，{r}{t}工作体系进一步健全，服务保障能力明显提升。
P 二、重点任务。完善{t}制度机制，推进{t}数字化建设，补齐基层短板，培育一批示范项目。
P 三、保障措施。加强组织领导，强化要素保障，建立工作评估和督查机制，确保各项任务落到实处。";

const INTERPRETATION: &str = "V doc={rdoc}|{odoc}
T 《{doc}》政策解读|图解：《{doc}》|一图读懂《{doc}》|{u}有关负责人就《{doc}》答记者问|关于《{doc}》的起草说明
S 现就《{doc}》的出台背景、主要内容和主要亮点解读如下。
P 近日，{full}印发《{doc}》（{docno}，以下简称《{k}》）。为便于社会公众准确理解和把握文件精神，现就有关内容解读如下。
P 一、出台背景。{t}工作事关人民群众切身利益。{full}在深入调研、广泛征求意见的基础上，研究起草了《{k}》。
P 二、主要内容。《{k}》主要明确了{t}工作的适用范围、职责分工、工作流程和保障措施等内容。
P 三、主要亮点。一是突出问题导向；二是强化部门协同；三是注重数字赋能，提升群众获得感。
P 四、解读机关及咨询方式。解读机关：{full}；咨询电话：12345政务服务便民热线。";

const FINANCE: &str = "T {u}{yw}公开|{u}{yw}情况说明
V yw={y}年度部门预算|{y1}年度部门决算
P 根据《中华人民共和国预算法》和{city}财政局关于预决算公开的有关要求，现将{full}{yw}有关情况公开如下。
P 一、收支总体情况。收入总计{total}万元，其中一般公共预算拨款收入{a}万元、其他收入{rest}万元；支出总计{total}万元。
P 二、“三公”经费情况。“三公”经费共计{three}万元，其中因公出国（境）费0万元、公务用车购置及运行维护费{cars}万元、公务接待费{recv}万元，比上年下降{1..15}.{0..10}%。
P 三、其他说明。本单位坚持过紧日子，严控一般性支出，有关名词解释和具体情况详见公开说明。
--
T {u}{y}年{m}月政府采购意向公开|{u}{y}年{t}服务项目采购意向公开
P 为便于供应商及时了解政府采购信息，根据政府采购信息公开的有关规定，现将{full}有关采购意向公开如下：
L 项目名称：{t}服务项目；预算金额：{50..900}.{10..99}万元。
L 采购方式：公开招标；预计采购时间：{y}年{m}月。
P 本次公开的采购意向是本单位政府采购工作的初步安排，具体采购项目情况以相关采购公告和采购文件为准。
Z
--
T {u}{y1}年度{t}项目绩效自评报告|{u}关于{y}年{t}专项资金分配情况的公示
P 根据预算绩效管理和专项资金管理有关要求，{full}对{t}项目资金安排和使用情况进行了梳理，现将有关情况公开如下。
P 一、项目资金情况。项目年度预算{100..900}.{10..99}万元，共支持项目{3..20}个，预算执行率{85..99}.{0..10}%。
P 二、绩效目标完成情况。项目各项产出指标和效益指标基本完成，服务对象满意度达到{90..99}.{0..10}%。
P 三、下一步工作。进一步完善绩效目标，加强过程监控和结果应用。如有意见建议，请拨打12345政务服务便民热线。";

const PERSONNEL: &str = "T {u}关于{name1}等同志职务任免的通知
D 发
S 经研究决定，{full}对{name1}、{name2}等同志的职务进行调整，现予通知。
P 各有关单位：
P 根据工作需要和干部选拔任用有关规定，经{delib}研究决定，并按规定履行考察、任前公示等程序，现对以下同志职务予以任免：
L 任命{name1}为{t}{unit}{unit}长；
L 任命{name2}为办公室副主任（试用期一年）；
L 免去{name1}的办公室主任职务。
P 以上同志的任职时间自{date}起计算，试用期满经考核合格后正式任职。特此通知。
Z
--
T {u}{y}年{batch}公开招聘{who}公告
V batch=|第一批|第二批|下半年
V who=编外工作人员|事业单位工作人员|劳务派遣人员
S {full}决定面向社会公开招聘{who}，报名时间为{date}至{end}，采取网上报名方式。
P 因工作需要，根据公开招聘有关规定，{full}决定面向社会公开招聘{who}{2..12}名，现将有关事项公告如下：
L 一、招聘岗位：{t}岗位和综合管理岗位。
L 二、报名条件：遵纪守法，品行端正，具有大学本科及以上学历，年龄在35周岁以下。
L 三、报名时间：{date}至{end}，采取网上报名方式。
P 四、考试方式：采取笔试和面试相结合的方式进行，具体时间和地点另行通知。
P 咨询电话：12345政务服务便民热线。
Z
--
T {u}干部任前公示（{y}年第{1..9}号）|{u}{y}年公开招聘工作人员拟聘用人员公示（第{1..6}批）
S {full}现将拟任职（聘用）人选予以公示，公示时间为{date}至{end}。
P 根据干部人事管理有关规定，经考察、体检等程序，现将拟任职（聘用）人选予以公示：
L {name1}，{y1}年度考核优秀，大学学历，拟任（聘）{t}{unit}相关岗位。
L {name2}，硕士研究生学历，拟任（聘）综合管理岗位。
P 公示时间为{date}至{end}（5个工作日）。公示期间，个人和单位可通过来电、来信、来访等方式反映公示对象的有关情况和问题。
P 举报电话：12380。反映问题要实事求是，提倡署真实姓名。
Z";

const SERVICE: &str = "T {t}相关事项办事指南|{t}业务{app}操作指南|{t}相关业务实现“掌上办”|{u}{t}“一件事”集成办理指南
P 为进一步方便群众办事，推进“最多跑一次”改革，现将{t}相关事项办理指南公布如下。
L 申请材料：申请人居民身份证、申请表及相关证明材料。
L 办理流程：网上申请或窗口申请—受理—审核—办结，办理时限{1..11}个工作日。
L 收费标准：不收费。
P 办理地点：{hall}{1..40}号窗口，也可通过{app}平台在线办理，全程网办事项可实现“零跑腿”。
P 窗口工作时间：工作日上午8:30—12:00，下午14:30—17:30（法定节假日除外）。咨询电话：12345。
--
T 便民提示：{py}年{per}期间{u}政务服务窗口工作时间安排
S {py}年{per}期间，{hall}合理安排窗口值班，非急需办理的事项可通过{app}平台在线申请。
P 根据有关工作安排，{py}年{per}期间，{hall}将合理安排窗口值班，确保群众办事不受影响。现将有关事项提示如下：
L {per}期间，综合受理窗口实行值班制度，工作时间为上午9:00—12:00。
L 非急需办理的事项，可通过{app}平台在线申请，按规定时限办结。
P 如遇特殊情况需要办理紧急业务，可拨打12345政务服务便民热线咨询。
P 给您带来的不便，敬请谅解，感谢您的理解与支持！
P {full}";

const STATISTICS: &str = "T {dy}年{dm}月{r}{ind}情况|{dy}年{dm}月{t}统计数据|{dy}年{dm}月{r}主要经济指标
V ind=规模以上工业增加值|社会消费品零售总额|固定资产投资|外贸进出口总额|一般公共预算收入
V up=提高|回落
S {dy}年{dm}月，{r}{ind}同比保持增长，增速比上月{up}，总体运行平稳。
P {dy}年{dm}月，{r}{ind}同比增长{1..12}.{0..10}%，增速比上月{up}{0..3}.{1..10}个百分点，总体保持平稳运行态势。
L {t}相关指标完成年度目标的{60..99}.{0..10}%。
L 固定资产投资同比增长{1..9}.{0..10}%，其中民间投资增长{0..5}.{0..10}%。
L 城乡居民人均可支配收入同比分别增长{3..6}.{0..10}%和{6..9}.{0..10}%。
P 注：本数据为初步统计数，部分指标因四舍五入存在总计与分项合计不等的情况，最终以年度统计公报为准。
P 数据来源：{full}。";

const PLANNING: &str =
    "T {u}{y}年工作要点|{u}{y}年{half}|{r}{t}{plan}规划|{u}{y}年{t}工作实施方案|\
{r}{t}专项规划（{y}—2035年）
P {y}年是{theme}。{full}将坚持稳中求进工作总基调，围绕中心、服务大局，扎实推进{t}等各项工作。
L 一是聚焦{t}，完善政策体系，推动重点任务落地见效。
L 二是深化改革创新，加快数字化转型，提升治理效能。
L 三是坚持民生导向，着力解决群众急难愁盼问题。
P 各单位要{req1}，{req2}，细化任务分工，明确时间节点，确保各项工作按期完成。
P {full}";

const FUNCTIONS: &str = "T {u}主要职责|{u}内设机构|{u}领导分工|{u}所属事业单位|{u}办公地址及联系方式|{u}{t}{unit}职责
S 现将{u}机构职能信息予以公开，{full}主要负责{t}等方面工作。
P {full}贯彻落实党中央关于{t}等工作的方针政策和决策部署，在履行职责过程中坚持和加强党的全面领导。主要职责是：
L （一）负责{t}工作的统筹规划和组织实施，拟订相关政策措施。
L （二）负责{t}领域的监督管理和指导服务工作。
L （三）负责本单位政务公开、安全生产和信息化建设等工作。
P （四）完成上级交办的其他任务。
P 办公地址：{city}{road}{1..300}号；办公时间：工作日上午8:30—12:00，下午14:30—17:30；咨询电话：12345。
V road=海川大道|江滨路|人民路|新华路|文化路|中山路|世纪大道";

const ANNUAL: &str = "W 14 31
T {u}{ry}年政府信息公开工作年度报告
S {full}{ry}年政府信息公开工作年度报告现予公布，全年主动公开政府信息{big}条。
V big={3..30}00
P 本报告根据《中华人民共和国政府信息公开条例》和有关规定编制。本报告所列数据的统计期限自{ry}年1月1日起至{ry}年12月31日止。
H 一、总体情况
P {ry}年，{full}认真贯彻落实政府信息公开工作要求，全年主动公开政府信息{big}条，收到政府信息公开申请{2..40}件，均在法定期限内答复办结，未发生因政府信息公开引起的行政复议和行政诉讼。
P 下一步，{full}将进一步加强政府信息公开平台建设，提升政策解读质量，积极回应社会关切。
--
W 31 120
T {u}{ry}年度法治政府建设情况报告|{u}{ryn}年政务公开工作要点
P {ry}年，{full}深入贯彻落实上级决策部署，坚持依法行政、公开透明，持续推进各项工作规范化、法治化。
L 一、健全工作机制，压实主体责任。
L 二、加强重大决策的合法性审查和信息公开。
L 三、强化政策解读和回应社会关切。
P 存在的不足：工作的系统性和规范性有待加强，基层公开标准化建设仍需深化。
P 下一步，{full}将对标上级要求，补齐短板弱项，推动相关工作再上新台阶。";

// ---------------------------------------------------------------------------------------
// Columns: the template for a column name, by keywords (first match wins; otherwise news).

const COLUMNS: &[(&str, &str)] = &[
    ("年报 年度报告", ANNUAL),
    ("解读", INTERPRETATION),
    ("动态 要闻 新闻 资讯", NEWS),
    ("统计 数据", STATISTICS),
    ("财政 预算 决算 资金 采购", FINANCE),
    ("人事 招聘 任免 招考 干部", PERSONNEL),
    ("政策 文件 法规 规章", POLICY),
    ("通知 公告 公示 通报", NOTICE),
    ("办事 便民 服务 指南", SERVICE),
    ("规划 计划 总结", PLANNING),
    ("机构 职能 职责", FUNCTIONS),
];

fn classify(column: &str) -> &'static str {
    let hit = |keys: &str| keys.split(' ').any(|k| column.contains(k));
    COLUMNS
        .iter()
        .find(|(keys, _)| hit(keys))
        .map_or(NEWS, |c| c.1)
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
        Ctx {
            topics: matched.iter().flat_map(|m| m[2..].to_vec()).collect(),
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
        if !self.topics.is_empty() && rng.u32(0..5) > 0 {
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

    /// Where a visit or activity takes place: somewhere below the acting unit.
    fn place(&self, rng: &mut Rng, subject: &str) -> &'static str {
        let list = match self.tenant {
            Tenant::Town => VILLAGES,
            _ if self.tenant == Tenant::District || subject.ends_with(['区', '县']) => TOWNS,
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
        规划计划 机构职能 信息公开年报 办事服务 便民服务 路政动态 统计数据 其他";
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
        generate(&spec, n, &mut Rng::with_seed(seed))
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
        ];
        let more = [
            ("财政资金", FINANCE),
            ("统计数据", STATISTICS),
            ("政策文件", POLICY),
        ];
        for (name, template) in cases.into_iter().chain(more).chain([("随便什么", NEWS)]) {
            assert!(classify(name) == template, "{name}");
        }
    }
}
