//! The audit log in Chinese: every action code the platform writes (`article.approve`,
//! `submission.return`, `case.accept`, …) and every object reference (`article:2872`) as a
//! clerk reads them. The codes stay in the log (they are its stable format, the API and the
//! CSV keep them); the console shows only these labels. An action this table does not know
//! still reads in Chinese — its kind's label and "操作" — never as the English code.

use std::borrow::Cow;

/// The label of an object kind (the part of a code before the first dot or colon).
pub fn kind_label(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "article" => "信息",
        "attachment" => "附件",
        "broadcast" => "应急公告",
        "calendar" => "工作日历",
        "case" | "cases" => "互动事项",
        "certificate" | "tls" => "证书",
        "channel" => "报送渠道",
        "clock_rules" => "办理时限",
        "column" => "栏目",
        "consult_entry" => "征集意见",
        "consult_response" => "调查问卷",
        "consultation" => "征集调查",
        "integrity" => "防篡改",
        "lexicon" | "lexicon_term" => "敏感词",
        "links" => "链接检查",
        "login" => "登录",
        "mailbox" => "信箱",
        "malware" => "病毒文件",
        "mfa" => "双因素认证",
        "password" => "密码",
        "reply_template" => "答复模板",
        "reporting" => "信息报送",
        "role" => "角色",
        "search" => "站内搜索",
        "search_synonym" => "搜索同义词",
        "search_best_bet" => "搜索推荐结果",
        "site" => "网站",
        "submission" | "submissions" => "报送信息",
        "tenant" => "站点",
        "token" => "API 令牌",
        "upload" => "上传",
        "user" => "账号",
        _ => return None,
    })
}

/// Whole codes whose label is not "kind + verb".
fn whole(code: &str) -> Option<&'static str> {
    Some(match code {
        "article.adopt" => "采用报送信息为信息",
        "article.due" => "定时发布到点发布",
        "article.lexicon_override" => "确认敏感词提示无误",
        "article.publish_directly" => "直接发布信息",
        "article.restore" => "恢复信息的历史版本",
        "article.move" => "移动信息到其他栏目",
        "article.recover" => "从回收站恢复信息",
        "article.purge" => "回收站到期彻底删除信息",
        "column.recover" => "从回收站恢复栏目",
        "column.purge" => "回收站到期彻底删除栏目",
        "article.revise" => "保存已发布信息的修订稿",
        "article.revision_submit" => "提交修订稿审核",
        "article.revision_recall" => "撤回修订稿的送审",
        "article.revision_approve" => "审核通过修订稿（更新已发布信息）",
        "article.revision_return" => "退回修订稿",
        "article.revision_apply" => "直接发布修订稿（更新已发布信息）",
        "article.revision_discard" => "放弃修订稿",
        "article.revision_fold" => "撤下信息时并入修订稿",
        "article.return" => "退回信息",
        "case.file_download" => "下载来信附件",
        "case.personal_erased" => "到期删除来信人个人信息",
        "case.reveal" => "查看来信人完整信息",
        "case.rate" => "来信人评价答复",
        "case.submit" => "收到来信",
        "calendar.set_year" => "设置全年工作日历",
        "clock_rules.reset" => "恢复默认办理时限",
        "clock_rules.set" => "设置办理时限",
        "consult_entry.case" => "征集意见转为互动事项",
        "consultation.outcome" => "公布征集调查结果",
        "consultation.article" => "征集调查结果生成信息",
        "consultation.phase_upcoming" => "征集调查进入预告",
        "consultation.phase_open" => "征集调查开始",
        "consultation.phase_closed" => "征集调查结束",
        "consultation.phase_draft" => "征集调查回到草稿",
        "integrity.file" => "发现附件被篡改",
        "integrity.restore" => "发现篡改并自动恢复信息",
        "integrity.withdraw" => "发现篡改并自动撤下信息",
        "lexicon.scan" => "扫描全部信息的敏感词",
        "search.synonym.add" => "添加搜索同义词",
        "search.synonym.delete" => "删除搜索同义词",
        "search.best_bet.add" => "添加搜索推荐结果",
        "search.best_bet.delete" => "删除搜索推荐结果",
        "links.check" => "检查链接",
        "login" => "登录",
        "login.failed" => "登录失败",
        "login.second_factor_failed" => "双因素验证失败",
        "login.unlock" => "解除登录限制",
        "mfa.enrol" => "启用双因素认证",
        "mfa.reset" => "重置双因素认证",
        "password.change" => "修改密码",
        "password.reset" => "重置密码",
        "user.disable" => "停用账号",
        "user.enable" => "启用账号",
        "reporting.import" => "导入报送历史",
        "role.bind" => "授予角色",
        "role.unbind" => "取消角色",
        "site.settings" => "修改网站设置",
        "submission.submit" => "报送信息",
        "submission.resubmit" => "重新报送信息",
        "submission.return" => "退回报送信息",
        "submission.reject" => "不采用报送信息",
        "tenant.archive" => "归档站点",
        "tenant.launch" => "站点上线",
        "tenant.resume" => "恢复站点运行",
        "tenant.suspend" => "暂停站点（维护）",
        "tenant.https_on" => "开启站点仅限 HTTPS",
        "tenant.https_off" => "关闭站点仅限 HTTPS",
        "tls.certificate.put" => "上传证书",
        "tls.certificate.remove" => "删除证书",
        "token.revoke" => "吊销 API 令牌",
        "upload.infected" => "拦截带病毒的上传文件",
        _ => return None,
    })
}

/// The label of a verb (the part after the kind).
fn verb_label(verb: &str) -> Option<&'static str> {
    Some(match verb {
        "accept" => "受理",
        "adopt" => "采用",
        "approve" => "审核通过",
        "approve_reply" => "审核通过答复",
        "approved" => "通过",
        "answered" => "答复",
        "cancel" => "撤销",
        "close" => "办结",
        "consult_third_party" => "征求第三方意见",
        "corrected" => "补正",
        "create" => "新建",
        "delete" => "删除",
        "draft_reply" => "拟写答复",
        "edit" => "修改",
        "end" => "结束",
        "extend" => "延期",
        "import" => "导入",
        "pending" => "待审",
        "publish" => "发布",
        "recall" => "撤回送审",
        "refuse" => "不予受理",
        "reject" => "不采用",
        "rejected" => "不采用",
        "reopen" => "重新办理",
        "request_correction" => "要求补正",
        "return" => "退回",
        "return_reply" => "退回答复",
        "submit" => "提交",
        "third_party_answered" => "第三方意见已回复",
        "transfer" => "转办",
        "unpublish" => "撤下",
        "update" => "修改",
        "upload" => "上传",
        "withdraw" => "撤回",
        "add" => "添加",
        "revoke" => "吊销",
        _ => return None,
    })
}

/// An action code as the console shows it: `article.approve` → 审核通过信息.
pub fn action_label(code: &str) -> Cow<'static, str> {
    if let Some(w) = whole(code) {
        return Cow::Borrowed(w);
    }
    let (kind, verb) = code.split_once('.').unwrap_or((code, ""));
    let kind = kind_label(kind).unwrap_or("对象");
    // A space between Chinese and a Latin word (新建 API 令牌).
    let gap = if kind.starts_with(|c: char| c.is_ascii_alphabetic()) {
        " "
    } else {
        ""
    };
    match verb_label(verb) {
        Some(v) => Cow::Owned(format!("{v}{gap}{kind}")),
        None => Cow::Owned(format!("{kind}操作")),
    }
}

/// Whether the table knows `code` (not only its kind): the tests hold every code the
/// platform writes to this.
pub fn knows(code: &str) -> bool {
    whole(code).is_some()
        || code
            .split_once('.')
            .is_some_and(|(k, v)| kind_label(k).is_some() && verb_label(v).is_some())
}

/// An object reference as the console shows it when no title is at hand: `article:2872` →
/// 信息 2872, `login:jb.admin` → 登录 jb.admin; `title` (the article's title, the column's
/// name, …) when the caller looked it up: 信息《…》.
pub fn object_label(object: &str, title: Option<&str>) -> String {
    let (kind, rest) = object.split_once(':').unwrap_or((object, ""));
    // `user:jb.admin:site_admin` (a role granted): the role by its name.
    let role = |r: &str| -> Option<&'static str> {
        Some(match r {
            "site_admin" => "网站管理员",
            "editor" => "编辑",
            "reviewer" => "审核",
            "cluster_admin" => "集群管理员",
            "operator" => "运维监控",
            "totp" => "验证码",
            "recovery" => "恢复码",
            _ => return None,
        })
    };
    let rest: Cow<str> = match rest.rsplit_once(':') {
        Some((who, r)) if role(r).is_some() => {
            Cow::Owned(format!("{who}（{}）", role(r).unwrap_or_default()))
        }
        _ => Cow::Borrowed(rest),
    };
    let rest = rest.as_ref();
    let label = kind_label(kind).unwrap_or("对象");
    match (title, rest) {
        (Some(t), _) if kind == "article" || kind == "submission" || kind == "consultation" => {
            format!("{label}《{t}》")
        }
        (Some(t), _) => format!("{label}“{t}”"),
        (None, "") => label.to_owned(),
        (None, r) => format!("{label} {r}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_in_chinese_whole_composed_or_by_kind() {
        let cases = [
            ("article.approve", "审核通过信息"),
            ("article.submit", "提交信息"),
            ("article.return", "退回信息"),
            ("submission.adopt", "采用报送信息"),
            ("case.accept", "受理互动事项"),
            ("tenant.archive", "归档站点"),
            ("tls.certificate.put", "上传证书"),
            ("token.create", "新建 API 令牌"),
            ("column.frobnicate", "栏目操作"),
            ("whatever", "对象操作"),
        ];
        for (code, label) in cases {
            assert_eq!(action_label(code), label, "{code}");
        }
        assert!(knows("article.withdraw") && knows("login.failed") && knows("login"));
        assert!(!knows("column.frobnicate"));
    }

    #[test]
    fn objects_read_with_their_title_or_kind_and_id() {
        assert_eq!(
            object_label("article:12", Some("关于开展检查的通知")),
            "信息《关于开展检查的通知》"
        );
        assert_eq!(object_label("column:3", Some("通知公告")), "栏目“通知公告”");
        assert_eq!(object_label("article:12", None), "信息 12");
        assert_eq!(object_label("login:jb.admin", None), "登录 jb.admin");
        assert_eq!(
            object_label("user:jb.admin:site_admin", None),
            "账号 jb.admin（网站管理员）"
        );
        assert_eq!(object_label("home", None), "对象");
    }

    #[test]
    fn no_label_has_an_ascii_letter_but_the_https_api_and_token_words() {
        for code in [
            "article.create",
            "case.transfer",
            "consult_entry.approved",
            "mailbox.update",
            "reply_template.delete",
            "channel.create",
            "token.create",
            "user.create",
        ] {
            let l = action_label(code);
            let stripped = l.replace("HTTPS", "").replace("API", "");
            assert!(
                !stripped.chars().any(|c| c.is_ascii_alphabetic()),
                "{code}: {l}"
            );
            assert!(knows(code), "{code}");
        }
    }
}
