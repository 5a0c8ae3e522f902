//! The OpenAPI 3.1 document of `/api/v1/`, kept next to the router it describes; a test
//! checks that every route of the router appears here and every path here is routed.

use axum::Json;
use axum::response::IntoResponse;
use serde_json::{Value, json};

fn op(summary: &str, tag: &str, ok: &str, body: Option<&str>, params: &[Value]) -> Value {
    let mut o = json!({
        "summary": summary,
        "tags": [tag],
        "parameters": params,
        "responses": {
            ok: {"description": "成功", "content": {"application/json": {}}},
            "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"},
        },
    });
    if let Some(schema) = body {
        o["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}},
        });
        o["responses"]["409"] = json!({"$ref": "#/components/responses/Error"});
    }
    o
}

fn path_param(name: &str, description: &str, ty: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": ty}})
}

fn query_param(name: &str, description: &str, ty: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": ty}})
}

/// The document.
pub(crate) fn spec() -> Value {
    let code = path_param("code", "站点代码，如 jb", "string");
    let id = path_param("id", "信息编号", "integer");
    let site = [code.clone()];
    let art = [code.clone(), id.clone()];
    let text_props = json!({
        "column_id": {"type": "integer"},
        "title": {"type": "string", "maxLength": 200},
        "subtitle": {"type": ["string", "null"]},
        "source": {"type": ["string", "null"]},
        "author": {"type": ["string", "null"]},
        "summary": {"type": ["string", "null"]},
        "body": {"type": "string", "description": "HTML；保存时在服务器端净化"},
        "doc_number": {"type": ["string", "null"], "description": "文号"},
        "index_number": {"type": ["string", "null"], "description": "索引号"},
        "publish_at": {"type": ["string", "null"], "description": "RFC 3339，或北京时间 2026-12-01T09:30"},
        "version": {"type": ["integer", "null"], "description": "修改所基于的版本；服务器上已有更新版本时返回 409"},
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Zhanqun API",
            "version": "1",
            "description": "站群管理接口：与管理后台相同的操作。用 API 令牌（Authorization: Bearer zqt_…）或后台会话 Cookie（修改类请求须带 X-CSRF-Token）认证。",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": {"summary": "本文档", "tags": ["meta"], "security": [], "responses": {"200": {"description": "OpenAPI 文档"}}}},
            "/api/v1/me": {"get": op("当前账号及可操作的站点", "account", "200", None, &[])},
            "/api/v1/search": {"get": {
                "summary": "全站群搜索（公开，无需令牌）：与各站搜索页相同的问题，返回命中（标题和摘要已转义，命中词以 <b> 标出）、分面计数（站点、栏目、类型、年份）和推荐结果；一无所获时 suggestion 给出改正错字后能找到结果的搜索词（您是不是要找）",
                "tags": ["search"],
                "security": [],
                "parameters": [
                    query_param("q", "搜索词（至多 100 字；繁体字亦可）", "string"),
                    query_param("site", "只搜此站点（站点代码）；不填为全部站群", "string"),
                    query_param("column", "只搜此栏目（栏目名称，须同时指定 site；栏目分面 facets.columns 也只在指定 site 时计数）", "string"),
                    query_param("kind", "只搜此类型：article（信息）、attachment（附件）", "string"),
                    query_param("year", "只搜此年份（北京时间）", "integer"),
                    query_param("sort", "relevance（默认，按相关度）或 date（按时间，新者在前）", "string"),
                    query_param("page", "页码，1–50", "integer"),
                    query_param("per_page", "每页条数，1–50（默认 10）", "integer"),
                ],
                "responses": {
                    "200": {"description": "成功", "content": {"application/json": {}}},
                    "400": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"},
                    "422": {"$ref": "#/components/responses/Error"},
                    "429": {"$ref": "#/components/responses/Error"},
                    "503": {"$ref": "#/components/responses/Error"},
                },
            }},
            "/api/v1/sites": {
                "get": op("可查看的站点", "sites", "200", None, &[]),
                "post": op("新建站点（集群管理员）", "admin", "201", Some("TenantInput"), &[]),
            },
            "/api/v1/sites/{code}/status": {"post": op("停用（suspended）、恢复或上线（active）、归档（archived）站点，可附原因 reason（记入审计日志；门户网站不能归档）（集群管理员）", "admin", "200", Some("StatusInput"), &site)},
            "/api/v1/sites/{code}/users": {
                "get": op("本站账号及其角色（网站管理员）", "admin", "200", None, &site),
                "post": op("新建账号并授予本站角色（网站管理员）", "admin", "201", Some("UserInput"), &site),
            },
            "/api/v1/sites/{code}/users/{login}/roles/{role}": {
                "put": op("授予角色", "admin", "204", None, &[code.clone(), path_param("login", "登录名", "string"), path_param("role", "site_admin / editor / reviewer", "string")]),
                "delete": op("收回角色", "admin", "204", None, &[code.clone(), path_param("login", "登录名", "string"), path_param("role", "site_admin / editor / reviewer", "string")]),
            },
            "/api/v1/sites/{code}/columns/{id}": {"put": op("修改栏目：名称、上级、更新要求、责任单位、排序、要闻标记（网站管理员）", "admin", "200", Some("ColumnChange"),
                &[code.clone(), path_param("id", "栏目编号", "integer")])},
            "/api/v1/users": {
                "get": op("全部账号（集群管理员）", "admin", "200", None, &[]),
                "post": op("新建账号（集群管理员）", "admin", "201", Some("UserInput"), &[]),
            },
            "/api/v1/users/{login}/second-factor": {"delete": op("重置账号的双因素认证（手机丢失；集群管理员）：该账号下次登录时按角色要求重新启用；没有启用时 409", "admin", "204", None, &[path_param("login", "登录名", "string")])},
            "/api/v1/users/{login}/unlock": {"post": op("解除陌生设备多次登录失败后的等待（集群管理员）；没有限制时 409", "admin", "204", None, &[path_param("login", "登录名", "string")])},
            "/api/v1/calendar": {"get": op("今年的工作日历：放假日与调休上班日、全年工作日数", "calendar", "200", None, &[])},
            "/api/v1/calendar/{year}": {
                "get": op("某年的工作日历", "calendar", "200", None, &[path_param("year", "年份，如 2026", "integer")]),
                "put": op("整年替换工作日历（集群管理员）：days 为 [{date, kind: off|work, note}]，调休上班日须为周六或周日", "calendar", "200", Some("CalendarYear"), &[path_param("year", "年份，如 2026", "integer")]),
            },
            "/api/v1/calendar/working-days": {"get": op("从某日起算第 N 个工作日（法定办理时限）", "calendar", "200", None,
                &[query_param("from", "起算日期，如 2026-09-30（不计当天）", "string"), query_param("days", "工作日数", "integer")])},
            "/api/v1/channels": {
                "get": op("信息报送渠道", "reporting", "200", None, &[]),
                "post": op("新建报送渠道（集群管理员）；可带 feed_url 与 feed_sender，定时拉取上游订阅源", "reporting", "201", Some("ChannelInput"), &[]),
            },
            "/api/v1/channels/{id}/pull": {"post": {
                "summary": "立即拉取渠道的订阅源（Atom 或 JSON Feed，http:// 或 https://；集群管理员）：按条目 id 去重，返回新增条数",
                "tags": ["reporting"],
                "parameters": [path_param("id", "渠道编号", "integer")],
                "responses": {
                    "200": {"description": "拉取结果", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PullReport"}}}},
                    "403": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"},
                    "413": {"$ref": "#/components/responses/Error"},
                    "422": {"$ref": "#/components/responses/Error"},
                },
            }},
            "/api/v1/channels/{id}": {
                "put": op("修改渠道：名称、自动采用、接收栏目、开放或关闭（集群管理员）", "reporting", "200", Some("ChannelChange"), &[path_param("id", "渠道编号", "integer")]),
                "delete": op("删除从未有过报送的渠道（已有报送的渠道只能关闭：409；集群管理员）", "reporting", "204", None, &[path_param("id", "渠道编号", "integer")]),
            },
            "/api/v1/sites/{code}/submissions": {
                "get": op("报送信息：box=in 收到的（默认）、box=out 本站报出的；可按 state、sender、channel、from、to 筛选", "reporting", "200", None, &[code.clone(),
                    query_param("box", "in / out", "string"), query_param("state", "submitted / withdrawn / returned / adopted / rejected", "string"),
                    query_param("sender", "报送单位编号", "integer"), query_param("channel", "渠道编号", "integer"),
                    query_param("from", "起始时间", "string"), query_param("to", "截止时间", "string")]),
                "post": op("报送信息（新文稿或本站已发布信息；client_key 相同的重复提交只算一次，返回 200）", "reporting", "201", Some("NewSubmission"), &site),
            },
            "/api/v1/sites/{code}/submissions/{id}": {"get": op("一条报送信息（报送方或接收方）", "reporting", "200", None, &[code.clone(), path_param("id", "报送编号", "integer")])},
            "/api/v1/sites/{code}/submissions/{id}/{step}": {"post": {
                "summary": "报送流程：withdraw 撤回、resubmit 重新报送（报送方）；adopt 采用（可带 column_id）、return 退回、reject 不采用（接收方，须填 comment）",
                "tags": ["reporting"],
                "parameters": [code.clone(), path_param("id", "报送编号", "integer"), {"name": "step", "in": "path", "required": true,
                    "schema": {"type": "string", "enum": ["withdraw", "resubmit", "adopt", "return", "reject"]}}],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "comment": {"type": "string"}, "column_id": {"type": "integer"}}}}}},
                "responses": {"200": {"description": "操作后的报送信息"}, "403": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}},
            }},
            "/api/v1/sites/{code}/reporting/figures": {"get": op("报送统计与排名（本站收到的）：period=2026 / 2026-Q3 / 2026-11，或 from 与 to；format=csv 导出", "reporting", "200", None,
                &[code.clone(), query_param("period", "统计周期", "string"), query_param("from", "起始时间", "string"), query_param("to", "截止时间", "string"), query_param("format", "csv", "string")])},
            "/api/v1/sites/{code}/mailboxes": {
                "get": op("本站信箱", "interaction", "200", None, &site),
                "post": op("开设信箱：slug（地址）、name、description、sort_order（网站管理员）", "interaction", "201", Some("NewMailbox"), &site),
            },
            "/api/v1/sites/{code}/mailboxes/{id}": {
                "put": op("修改信箱：name、description、sort_order、active（是否接收来信）、notify_email（通知邮箱）（网站管理员）", "interaction", "200", Some("MailboxChange"), &[code.clone(), path_param("id", "信箱编号", "integer")]),
            },
            "/api/v1/sites/{code}/clock-rules": {
                "get": op("本站办理时限（工作日）：rules 本站适用的、cluster 全站群规定、own 是否自定", "interaction", "200", None, &site),
                "put": op("设置本站办理时限：只能短于全站群规定；rules 为 null 时恢复全站群规定（网站管理员）", "interaction", "200", Some("ClockRulesInput"), &site),
            },
            "/api/v1/sites/{code}/reply-templates": {
                "get": op("本站常用答复", "interaction", "200", None, &site),
                "post": op("新增常用答复：kind（事项类型，空为全部）、title、body、sort_order（网站管理员）", "interaction", "201", Some("ReplyTemplate"), &site),
            },
            "/api/v1/sites/{code}/reply-templates/{id}": {
                "put": op("修改常用答复（网站管理员）", "interaction", "200", Some("ReplyTemplate"), &[code.clone(), path_param("id", "常用答复编号", "integer")]),
                "delete": op("删除常用答复（网站管理员）", "interaction", "204", None, &[code.clone(), path_param("id", "常用答复编号", "integer")]),
            },
            "/api/v1/sites/{code}/inspection": {"get": op("本站检查指标（国办秘函〔2019〕19号）：每项的规则、测量值、阈值、状态（pass 达标 / warn 预警 / fail 不达标 / not_available 暂不可用）和证据（哪些栏目、哪些来信），以及单项否决、扣分和得分；门户网站另有加分（bonus：平台可计算的加分项及证据，total 为含加分的得分）", "inspection", "200", None, &site)},
            "/api/v1/inspection/scorecard": {"get": op("各网站检查得分排名（集群管理员、运维）：单项否决在前，其次得分低、预警多；format=csv 或 format=xlsx 导出", "inspection", "200", None,
                &[query_param("format", "csv / xlsx", "string")])},
            "/api/v1/sites/{code}/visits": {"get": op("本站访问统计：每天的浏览量（views）和独立访客数（visitors，按日去重的估算值，误差约 ±1.6%），今天各小时的浏览量，热门页面、栏目和来源网站；days 天数（1–366，默认 30）", "visits", "200", None,
                &[code.clone(), query_param("days", "统计天数，默认 30", "integer")])},
            "/api/v1/visits": {"get": op("全部网站访问统计（集群管理员、运维）：每天合计、各网站的浏览量和访客数（多者在前）、来源网站；days 天数（1–366，默认 30）", "visits", "200", None,
                &[query_param("days", "统计天数，默认 30", "integer")])},
            "/api/v1/lexicon": {
                "get": op("严重表述错误词库（集群管理员、运维）", "inspection", "200", None, &[]),
                "post": op("新增词条（集群管理员）：kind（wrong 错误表述，right 为正确表述；forbidden 禁用词；leader 领导姓名，right 为现任职务）、text、right；新增后重新扫描已发布信息", "inspection", "201", Some("LexiconTerm"), &[]),
            },
            "/api/v1/lexicon/{id}": {"delete": op("删除词条（集群管理员）", "inspection", "204", None, &[path_param("id", "词条编号", "integer")])},
            "/api/v1/broadcasts": {
                "get": op("最近的应急公告和全站变灰（集群管理员）", "broadcasts", "200", None, &[]),
                "post": op("发布应急公告（kind=notice，level 预警级别 blue/yellow/orange/red，title、text）或全站变灰（kind=mourning）（集群管理员）：sites 为站点代码列表，空为全部站点；starts_at 省略为立即，ends_at 到时自动结束；一秒内在各节点生效", "broadcasts", "201", Some("BroadcastInput"), &[]),
            },
            "/api/v1/certificates": {"get": op("TLS 证书（上传的和证书目录中的）：域名、到期时间、剩余天数和状态 valid/soon（30 天内）/urgent（7 天内）/expired（集群管理员、运维）", "tls", "200", None, &[])},
            "/api/v1/certificates/{name}": {
                "put": op("检查并保存证书（集群管理员）：证书链须依次签发、私钥须与证书匹配、须列出域名且在有效期内，否则 422；同名即续期；一秒内在各节点生效，无需重启", "tls", "200", Some("CertificateInput"), &[path_param("name", "证书名称：小写字母、数字、连字符、点", "string")]),
                "delete": op("删除上传的证书（集群管理员）", "tls", "204", None, &[path_param("name", "证书名称", "string")]),
            },
            "/api/v1/sites/{code}/https": {"put": op("开启或关闭站点的仅限 HTTPS（集群管理员）：开启后 HTTP 访问 308 转到 HTTPS，HTTPS 响应带 HSTS；站点域名没有有效证书时 422", "tls", "200", Some("HttpsInput"), std::slice::from_ref(&code))},
            "/api/v1/broadcasts/{id}/cancel": {"post": op("立即结束应急公告或全站变灰（集群管理员）", "broadcasts", "200", None, &[path_param("id", "公告编号", "integer")])},
            "/api/v1/lexicon/scan": {"post": op("立即用词库扫描全部已发布信息（集群管理员）：返回发现的错误数；结果计入各站“严重表述错误”指标", "inspection", "200", None, &[])},
            "/api/v1/cases/figures": {"get": op("各单位互动事项统计（集群管理员、运维）：year 年份；format=csv 导出", "interaction", "200", None,
                &[query_param("year", "年份", "integer"), query_param("format", "csv", "string")])},
            "/api/v1/sites/{code}/cases": {"get": op("本站互动事项（来信等）：可按 kind、state 筛选；due=overdue 已超期、due=due 明天前到期", "interaction", "200", None,
                &[code.clone(), query_param("kind", "letter / site_error / disclosure / interview_question", "string"),
                  query_param("state", "submitted / accepted / … / closed", "string"), query_param("due", "overdue / due", "string"),
                  query_param("limit", "条数，最多 200", "integer"), query_param("offset", "跳过条数", "integer")])},
            "/api/v1/sites/{code}/cases/{id}": {"get": op("一件事项及其办理过程；来信人信息已脱敏（张**、138****5678）", "interaction", "200", None, &[code.clone(), path_param("id", "事项编号", "integer")])},
            "/api/v1/sites/{code}/cases/{id}/files/{file}": {"get": {
                "summary": "下载来信人提交的附件（须有办理权限；每次下载记入审计日志）",
                "tags": ["interaction"],
                "parameters": [code.clone(), path_param("id", "事项编号", "integer"), path_param("file", "附件编号（见事项的 files）", "integer")],
                "responses": {"200": {"description": "附件（Content-Disposition: attachment）",
                    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                    "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}},
            }},
            "/api/v1/sites/{code}/cases/{id}/reveal": {"post": op("查看来信人完整信息（须有查看个人信息权限；记入办理过程和审计日志）", "interaction", "200", None, &[code.clone(), path_param("id", "事项编号", "integer")])},
            "/api/v1/sites/{code}/cases/{id}/{step}": {"post": {
                "summary": "办理：accept 受理、refuse 不予受理（text 为理由）、transfer 转办（transfer_to 为站点代码：本单位下级或上级；集群管理员不限）、request_correction 要求补正（时限暂停）、consult_third_party / third_party_answered 征求第三方意见（依申请公开）、draft_reply 拟写答复（text；依申请公开另需 answer）、approve_reply 审核通过并答复、return_reply 退回答复、extend 延期（一次，须写理由）。带 version 时，事项已被他人处理则返回 409",
                "tags": ["interaction"],
                "parameters": [code.clone(), path_param("id", "事项编号", "integer"), {"name": "step", "in": "path", "required": true,
                    "schema": {"type": "string", "enum": ["accept", "refuse", "transfer", "request_correction", "consult_third_party", "third_party_answered", "draft_reply", "approve_reply", "return_reply", "extend"]}}],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "text": {"type": "string"}, "version": {"type": "integer"}, "transfer_to": {"type": "string"},
                    "answer": {"type": "string", "enum": ["granted", "partly_granted", "refused", "not_held", "would_need_creating", "still_unclear", "not_processed", "other"]}}}}}},
                "responses": {"200": {"description": "办理后的事项"}, "403": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}},
            }},
            "/api/v1/sites/{code}/consultations": {
                "get": op("本站意见征集、网上调查和在线访谈（含草稿）及待审核、已公开的意见和答卷数：可按 kind 筛选", "consult", "200", None,
                    &[code.clone(), query_param("kind", "solicitation / survey / interview", "string")]),
                "post": op("起草：kind、title、summary、body、guests（访谈嘉宾，每行一位）、questions（调查问题，[单选]/[多选]/[填空] 格式）、opens_at、closes_at（北京时间 YYYY-MM-DDTHH:MM）（编辑）", "consult", "201", Some("ConsultInput"), &site),
            },
            "/api/v1/sites/{code}/consultations/{id}": {
                "get": op("一个项目及其全部意见或提问、答卷数和调查结果", "consult", "200", None, &[code.clone(), path_param("id", "项目编号", "integer")]),
                "put": op("修改（编辑）；带 version 时已被他人修改则返回 409；已有答卷的调查不能改问题", "consult", "200", Some("ConsultInput"), &[code.clone(), path_param("id", "项目编号", "integer")]),
            },
            "/api/v1/sites/{code}/consultations/{id}/{step}": {"post": {
                "summary": "审核人操作：publish 发布、unpublish 撤回为草稿（尚无人参与时）、end 提前结束、outcome 发布结果（text 为采纳情况、调查结果说明或访谈摘要）",
                "tags": ["consult"],
                "parameters": [code.clone(), path_param("id", "项目编号", "integer"), {"name": "step", "in": "path", "required": true,
                    "schema": {"type": "string", "enum": ["publish", "unpublish", "end", "outcome"]}}],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "text": {"type": "string"}, "version": {"type": "integer"}}}}}},
                "responses": {"200": {"description": "操作后的项目"}, "403": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}},
            }},
            "/api/v1/sites/{code}/consultations/{id}/entries/{entry}": {"post": op("审核网友意见或提问：decision 为 approved 通过、rejected 不予显示（审核人）；answered 为嘉宾答复（answer、guest；办理人）", "consult", "200", Some("EntryDecision"),
                &[code.clone(), path_param("id", "项目编号", "integer"), path_param("entry", "意见或提问编号", "integer")])},
            "/api/v1/sites/{code}/consultations/{id}/close": {"post": op("结束在线访谈：实录生成为所选栏目的稿件并送审，未答复的提问转为事项（5 个工作日答复）", "consult", "200", Some("CloseInterview"),
                &[code.clone(), path_param("id", "项目编号", "integer")])},
            "/api/v1/sites/{code}/consultations/{id}/export.csv": {"get": op("导出 CSV：调查为每份答卷一行，其余为每条意见或提问一行", "consult", "200", None,
                &[code.clone(), path_param("id", "项目编号", "integer")])},
            "/api/v1/audit": {"get": op("全集群审计日志（集群管理员、运维）", "audit", "200", None, &[query_param("limit", "条数，最多 500", "integer")])},
            "/api/v1/sites/{code}": {"get": op("站点信息", "sites", "200", None, &site)},
            "/api/v1/sites/{code}/settings": {"put": op("修改站点设置（网站管理员）", "sites", "200", Some("SiteSettings"), &site)},
            "/api/v1/sites/{code}/columns": {
                "get": op("栏目", "sites", "200", None, &site),
                "post": op("新建栏目（网站管理员）", "admin", "201", Some("ColumnInput"), &site),
            },
            "/api/v1/sites/{code}/articles": {
                "get": op("信息列表", "articles", "200", None, &[code.clone(),
                    query_param("state", "draft / pending_review / returned / scheduled / published / withdrawn", "string"),
                    query_param("limit", "每页条数，最多 200", "integer"),
                    query_param("offset", "跳过条数", "integer")]),
                "post": op("新建草稿（编辑）", "articles", "201", Some("ArticleInput"), &site),
            },
            "/api/v1/sites/{code}/articles/{id}": {
                "get": op("一条信息（任何状态）", "articles", "200", None, &art),
                "put": op("修改草稿、退回或撤回的信息，保存为新版本", "articles", "200", Some("ArticleInput"), &art),
            },
            "/api/v1/sites/{code}/articles/{id}/{step}": {
                "post": {
                    "summary": "流程操作：submit 送审、recall 撤回送审、approve 审核通过（发布或定时）、return 退回（须填意见）、publish 直接发布（站点允许时）、withdraw 撤下已发布信息",
                    "tags": ["workflow"],
                    "parameters": [code.clone(), id.clone(), {"name": "step", "in": "path", "required": true,
                        "schema": {"type": "string", "enum": ["submit", "recall", "approve", "return", "publish", "withdraw"]}}],
                    "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StepInput"}}}},
                    "responses": {
                        "200": {"description": "操作后的信息"},
                        "403": {"$ref": "#/components/responses/Error"},
                        "404": {"$ref": "#/components/responses/Error"},
                        "409": {"$ref": "#/components/responses/Error"},
                    },
                },
            },
            "/api/v1/sites/{code}/articles/{id}/versions": {"get": op("版本历史", "versions", "200", None, &art)},
            "/api/v1/sites/{code}/articles/bulk": {"post": op("批量操作：action 为 submit 送审、approve 审核通过、withdraw 撤下、move 移动到栏目（须给 column_id），ids 为信息编号（最多 200 条）；每条分别按规则处理并记入审计日志，返回 done（已处理的编号）和 refused（未处理的编号、标题和原因）", "workflow", "200", Some("BulkInput"), &site)},
            "/api/v1/sites/{code}/articles/{id}/delete": {"post": op("删除信息到回收站（未在网站上的信息；须填 reason 原因）", "recycle", "200", Some("DeleteInput"), &art)},
            "/api/v1/sites/{code}/recycle": {"get": op("本站回收站：删除的信息和栏目、原因、删除人和时间，保留 jobs.recycle_keep_days 天", "recycle", "200", None, &site)},
            "/api/v1/sites/{code}/recycle/{item}/restore": {"post": op("从回收站恢复（原编号、原状态和版本）", "recycle", "200", None,
                &[code.clone(), path_param("item", "回收站条目编号", "integer")])},
            "/api/v1/sites/{code}/statistics": {"get": op("本站发稿统计：统计期间内首次发布的信息数，按月（months）、栏目（columns）、撰写人（authors）；period=2026 / 2026-Q3 / 2026-11，或 from 与 to（日期，含首尾）", "statistics", "200", None,
                &[code.clone(), query_param("period", "统计周期", "string"), query_param("from", "起始日期 YYYY-MM-DD", "string"), query_param("to", "截止日期 YYYY-MM-DD", "string")])},
            "/api/v1/statistics": {"get": op("全部网站发稿统计（集群管理员、运维）：按月合计和各网站的发稿数（多者在前，无发稿的也列出）", "statistics", "200", None,
                &[query_param("period", "统计周期", "string"), query_param("from", "起始日期 YYYY-MM-DD", "string"), query_param("to", "截止日期 YYYY-MM-DD", "string")])},
            "/api/v1/sites/{code}/articles/{id}/diff": {"get": op("两个版本的差异", "versions", "200", None, &[code.clone(), id.clone(),
                query_param("from", "旧版本号", "integer"), query_param("to", "新版本号", "integer")])},
            "/api/v1/sites/{code}/articles/{id}/versions/{version}/restore": {"post": op("恢复旧版本（保存为新版本）", "versions", "200", None,
                &[code.clone(), id.clone(), path_param("version", "版本号", "integer")])},
            "/api/v1/sites/{code}/attachments": {
                "get": op("附件列表", "attachments", "200", None, &site),
                "post": {
                    "summary": "上传附件：请求体即文件内容，文件名放在 ?name=；图片不超过 5 MiB，其他不超过 20 MiB",
                    "tags": ["attachments"],
                    "parameters": [code.clone(), {"name": "name", "in": "query", "required": true, "schema": {"type": "string"}}],
                    "requestBody": {"required": true, "content": {"application/octet-stream": {}}},
                    "responses": {"201": {"description": "附件及其公开地址"}, "422": {"$ref": "#/components/responses/Error"}},
                },
            },
            "/api/v1/sites/{code}/audit": {"get": op("站点审计日志", "audit", "200", None, &[code.clone(), query_param("limit", "条数，最多 500", "integer")])},
            "/api/v1/tokens": {
                "get": op("我的 API 令牌", "tokens", "200", None, &[]),
                "post": op("新建 API 令牌（密钥只显示这一次）", "tokens", "201", Some("TokenInput"), &[]),
            },
            "/api/v1/tokens/{id}": {"delete": op("吊销令牌", "tokens", "204", None, &[path_param("id", "令牌编号", "integer")])},
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "API 令牌 zqt_…"},
                "session": {"type": "apiKey", "in": "cookie", "name": "zq_session"},
            },
            "responses": {
                "Error": {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
            "schemas": {
                "CalendarYear": {"type": "object", "required": ["days"], "properties": {"days": {"type": "array", "items": {
                    "type": "object", "required": ["date", "kind"], "properties": {
                        "date": {"type": "string", "format": "date"},
                        "kind": {"type": "string", "enum": ["off", "work"]},
                        "note": {"type": "string", "maxLength": 40}}}}}},
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string", "enum": ["unauthenticated", "forbidden", "not_found", "invalid_fields", "invalid", "conflict", "too_large", "unavailable", "internal"]},
                    "message": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
                }},
                "ArticleInput": {"type": "object", "required": ["column_id", "title"], "properties": text_props},
                "BulkInput": {"type": "object", "required": ["action", "ids"], "properties": {
                    "action": {"type": "string", "enum": ["submit", "approve", "withdraw", "move"]},
                    "column_id": {"type": "integer", "description": "move 时要移到的栏目"},
                    "ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 200},
                }},
                "DeleteInput": {"type": "object", "required": ["reason"], "properties": {
                    "reason": {"type": "string", "description": "删除原因（记入审计日志和回收站）"},
                }},
                "StepInput": {"type": "object", "properties": {
                    "comment": {"type": "string", "description": "退回意见（return 时必填）；approve、publish 时为发现严重表述错误后仍确认发布的理由（否则返回 409，记入审计日志）"},
                    "publish_at": {"type": "string", "description": "定时发布时间（approve、publish）"},
                }},
                "SiteSettings": {"type": "object", "required": ["name", "sponsor"], "properties": {
                    "name": {"type": "string"}, "sponsor": {"type": "string"},
                    "site_id": {"type": ["string", "null"]}, "contact": {"type": ["string", "null"]},
                    "logo": {"type": ["string", "null"]}, "theme_color": {"type": ["string", "null"], "pattern": "^#[0-9a-fA-F]{6}$"},
                    "editors_publish_directly": {"type": "boolean"},
                    "records": {"$ref": "#/components/schemas/SiteRecords"},
                }},
                "SiteRecords": {"type": "object", "description": "页面底部的备案信息；下级站点未填备案号时显示门户网站的", "properties": {
                    "icp": {"type": ["string", "null"], "description": "ICP 备案号，如 浙ICP备05012345号-1"},
                    "police": {"type": ["string", "null"], "description": "公安机关备案号，如 浙公网安备 33010202000123号"},
                    "conac_id": {"type": ["string", "null"], "description": "党政机关网站标识编号"},
                    "superior_name": {"type": ["string", "null"], "description": "上级政府门户名称（门户网站设置，全站群页面底部链接）"},
                    "superior_url": {"type": ["string", "null"], "description": "上级政府门户网址"},
                }},
                "TenantInput": {"type": "object", "required": ["code", "kind", "name", "sponsor", "hosts"], "properties": {
                    "code": {"type": "string"}, "kind": {"type": "string", "enum": ["portal", "department", "district", "town"]},
                    "name": {"type": "string"}, "sponsor": {"type": "string"}, "parent": {"type": "string", "description": "上级站点代码"},
                    "hosts": {"type": "array", "items": {"type": "string"}}, "site_id": {"type": "string"}, "contact": {"type": "string"},
                    "short_name": {"type": "string"},
                    "preparing": {"type": "boolean", "description": "先筹建（不公开），上线时改为 active"},
                    "template": {"type": "string", "description": "栏目模板：复制该站点的栏目结构（不含内容）"},
                }},
                "StatusInput": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["active", "suspended", "archived"]}, "reason": {"type": "string", "maxLength": 200}}},
                "UserInput": {"type": "object", "required": ["login", "display_name", "password"], "properties": {
                    "login": {"type": "string"}, "display_name": {"type": "string"},
                    "password": {"type": "string", "description": "至少 12 位，含三类字符，不含登录名"},
                    "role": {"type": "string", "enum": ["site_admin", "editor", "reviewer"]},
                }},
                "ColumnInput": {"type": "object", "required": ["slug", "name", "kind", "update_requirement"], "properties": {
                    "slug": {"type": "string"}, "name": {"type": "string"},
                    "kind": {"type": "string", "enum": ["article_list", "single_page", "external_link"]},
                    "parent_id": {"type": "integer"}, "external_url": {"type": "string"},
                    "update_requirement": {"type": "string"}, "responsible_unit": {"type": "string"},
                    "sort_order": {"type": "integer"}, "is_news": {"type": "boolean"},
                }},
                "ColumnChange": {"type": "object", "required": ["name", "update_requirement"], "properties": {
                    "name": {"type": "string"}, "parent_id": {"type": ["integer", "null"]},
                    "update_requirement": {"type": "string"}, "responsible_unit": {"type": ["string", "null"]},
                    "sort_order": {"type": "integer"}, "is_news": {"type": "boolean"},
                }},
                "ChannelInput": {"type": "object", "required": ["name", "receiver", "sender_kind", "columns"], "properties": {
                    "name": {"type": "string"}, "receiver": {"type": "string", "description": "接收站点代码"},
                    "sender_kind": {"type": "string", "enum": ["department", "district", "town"]},
                    "sender_parent": {"type": "string", "description": "仅该站点的下级可报送"},
                    "auto_adopt": {"type": "boolean"}, "columns": {"type": "array", "items": {"type": "integer"}},
                    "feed_url": {"type": ["string", "null"], "description": "上游订阅源地址（Atom 或 JSON Feed，暂只支持 http://）"},
                    "feed_sender": {"type": ["string", "null"], "description": "订阅信息归属的站点代码（与 feed_url 一起给出）"},
                }},
                "PullReport": {"type": "object", "properties": {
                    "channel_id": {"type": "integer"}, "url": {"type": "string"},
                    "items": {"type": "integer", "description": "订阅源中的条目数（最多读 200 条）"},
                    "new": {"type": "integer", "description": "新导入的条数"},
                    "duplicates": {"type": "integer", "description": "以前已导入、跳过的条数"},
                    "invalid": {"type": "integer", "description": "无效（无 id、无标题、过大）而跳过的条数"},
                    "adopted": {"type": "integer", "description": "自动采用的条数"},
                    "submissions": {"type": "array", "items": {"type": "integer"}},
                    "problems": {"type": "array", "items": {"type": "string"}},
                }},
                "ChannelChange": {"type": "object", "required": ["name", "columns"], "properties": {
                    "name": {"type": "string"}, "auto_adopt": {"type": "boolean"}, "columns": {"type": "array", "items": {"type": "integer"}},
                    "active": {"type": "boolean", "description": "false 关闭渠道（不再接收报送、不再拉取订阅源，历史保留）；省略则不变"},
                }},
                "NewSubmission": {"type": "object", "required": ["channel_id", "client_key"], "properties": {
                    "channel_id": {"type": "integer"}, "client_key": {"type": "string", "maxLength": 64},
                    "title": {"type": "string"}, "body": {"type": "string"}, "source": {"type": "string"},
                    "original_article": {"type": "integer", "description": "本站已发布信息的编号（代替 title 和 body）"},
                    "suggested_column": {"type": "integer"}, "note": {"type": "string"},
                }},
                "NewMailbox": {"type": "object", "required": ["slug", "name"], "properties": {
                    "slug": {"type": "string", "maxLength": 40, "description": "信箱地址：小写字母、数字、连字符"},
                    "name": {"type": "string", "maxLength": 100}, "description": {"type": "string"}, "sort_order": {"type": "integer"},
                    "notify_email": {"type": "string", "format": "email"},
                }},
                "MailboxChange": {"type": "object", "required": ["name", "active"], "properties": {
                    "name": {"type": "string", "maxLength": 100}, "description": {"type": "string"}, "sort_order": {"type": "integer"},
                    "active": {"type": "boolean"}, "notify_email": {"type": "string", "format": "email"},
                }},
                "ReplyTemplate": {"type": "object", "required": ["title", "body"], "properties": {
                    "kind": {"type": "string", "enum": ["", "letter", "site_error", "disclosure", "interview_question"]},
                    "title": {"type": "string", "maxLength": 100}, "body": {"type": "string", "maxLength": 2000},
                    "sort_order": {"type": "integer", "minimum": 0, "maximum": 9999},
                }},
                "ClockRule": {"type": "object", "required": ["days", "extension"], "properties": {
                    "days": {"type": "integer", "minimum": 1, "maximum": 60}, "extension": {"type": "integer", "minimum": 0, "maximum": 60},
                }},
                "ClockRulesInput": {"type": "object", "required": ["rules"], "properties": {
                    "rules": {"type": ["object", "null"], "properties": {
                        "letter": {"$ref": "#/components/schemas/ClockRule"}, "site_error": {"$ref": "#/components/schemas/ClockRule"},
                        "disclosure": {"$ref": "#/components/schemas/ClockRule"}, "interview_question": {"$ref": "#/components/schemas/ClockRule"},
                    }},
                }},
                "CertificateInput": {"type": "object", "required": ["chain_pem", "key_pem"], "properties": {
                    "chain_pem": {"type": "string", "description": "PEM：先网站证书，再依次放中间证书"},
                    "key_pem": {"type": "string", "description": "PEM 私钥（PKCS#8、RSA 或 EC，不加密码）"},
                }},
                "HttpsInput": {"type": "object", "required": ["https_only"], "properties": {
                    "https_only": {"type": "boolean"},
                }},
                "BroadcastInput": {"type": "object", "required": ["kind", "ends_at"], "properties": {
                    "kind": {"type": "string", "enum": ["notice", "mourning"]},
                    "level": {"type": "string", "enum": ["blue", "yellow", "orange", "red"]},
                    "title": {"type": "string", "maxLength": 60}, "text": {"type": "string", "maxLength": 500},
                    "sites": {"type": "array", "items": {"type": "string"}},
                    "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
                }},
                "LexiconTerm": {"type": "object", "required": ["kind", "text"], "properties": {
                    "kind": {"type": "string", "enum": ["wrong", "forbidden", "leader"]},
                    "text": {"type": "string", "maxLength": 50}, "right": {"type": "string", "maxLength": 50},
                }},
                "ConsultInput": {"type": "object", "required": ["kind", "title", "opens_at", "closes_at"], "properties": {
                    "kind": {"type": "string", "enum": ["solicitation", "survey", "interview"]},
                    "title": {"type": "string", "maxLength": 200}, "summary": {"type": "string", "maxLength": 500},
                    "body": {"type": "string", "description": "HTML，保存时净化"}, "guests": {"type": "string"},
                    "questions": {"type": "string", "description": "每题一段：[单选]/[多选]/[填空] 题目，以下每行一个选项"},
                    "opens_at": {"type": "string"}, "closes_at": {"type": "string"}, "version": {"type": "integer"},
                    "attachments": {"type": "array", "maxItems": 10, "items": {"type": "integer"},
                        "description": "随项目公开的本站附件编号（见 /api/v1/sites/{code}/attachments），按顺序：征求意见稿、起草说明等"},
                }},
                "EntryDecision": {"type": "object", "required": ["decision"], "properties": {
                    "decision": {"type": "string", "enum": ["approved", "rejected", "answered"]},
                    "answer": {"type": "string"}, "guest": {"type": "string"},
                }},
                "CloseInterview": {"type": "object", "required": ["column_id"], "properties": {"column_id": {"type": "integer"}}},
                "TokenInput": {"type": "object", "required": ["role", "label"], "properties": {
                    "site": {"type": "string", "description": "站点代码；不填则为集群角色令牌"},
                    "role": {"type": "string", "enum": ["site_admin", "editor", "reviewer", "cluster_admin", "operator"]},
                    "label": {"type": "string"},
                    "expires_at": {"type": "string"},
                }},
            },
        },
    })
}

pub(crate) async fn document() -> axum::response::Response {
    Json(spec()).into_response()
}
