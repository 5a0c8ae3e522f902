//! 办事指南: the elements a service guide must carry before it may be published. A guide lacking
//! one of the required elements is a veto item of the national inspection, so publishing it is
//! refused with a message naming every missing element; the recommended ones (实施主体, 时限,
//! 收费, 监督投诉电话, 在线办理) are reported as warnings. Elements are text a clerk types (the
//! materials a list, one per line); whitespace alone is missing.

/// One element of a guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Name,
    Body,
    Basis,
    Conditions,
    Materials,
    Procedure,
    TimeLimit,
    Fees,
    Place,
    Hours,
    Phone,
    ComplaintPhone,
    OnlineUrl,
}

impl Element {
    pub const ALL: [Element; 13] = [
        Element::Name,
        Element::Body,
        Element::Basis,
        Element::Conditions,
        Element::Materials,
        Element::Procedure,
        Element::TimeLimit,
        Element::Fees,
        Element::Place,
        Element::Hours,
        Element::Phone,
        Element::ComplaintPhone,
        Element::OnlineUrl,
    ];

    /// As the guide's page and the refusal name it.
    pub fn label(self) -> &'static str {
        match self {
            Element::Name => "事项名称",
            Element::Body => "实施主体",
            Element::Basis => "设定依据",
            Element::Conditions => "受理条件",
            Element::Materials => "申请材料",
            Element::Procedure => "办理流程",
            Element::TimeLimit => "办理时限",
            Element::Fees => "收费标准",
            Element::Place => "办理地点",
            Element::Hours => "办理时间",
            Element::Phone => "咨询电话",
            Element::ComplaintPhone => "监督投诉电话",
            Element::OnlineUrl => "在线办理",
        }
    }

    /// Whether a guide without it may not be published (the inspection's veto list).
    pub fn required(self) -> bool {
        matches!(
            self,
            Element::Name
                | Element::Basis
                | Element::Conditions
                | Element::Materials
                | Element::Procedure
                | Element::Place
                | Element::Hours
                | Element::Phone
        )
    }
}

/// What is missing from a guide whose element `e` is `value(e)`: (required, recommended).
pub fn missing<'a>(value: impl Fn(Element) -> Option<&'a str>) -> (Vec<Element>, Vec<Element>) {
    let absent: Vec<Element> = Element::ALL
        .into_iter()
        .filter(|e| value(*e).is_none_or(|v| v.trim().is_empty()))
        .collect();
    absent.into_iter().partition(|e| e.required())
}

/// The refusal of a guide lacking required elements, naming them all; `None` when it may be
/// published.
pub fn refusal(required_missing: &[Element]) -> Option<String> {
    (!required_missing.is_empty()).then(|| {
        let names: Vec<&str> = required_missing.iter().map(|e| e.label()).collect();
        format!("办事指南缺少{}，补齐后才能发布", names.join("、"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guide_lacking_required_elements_is_refused_by_name() {
        let full = |e: Element| {
            Some(if e == Element::Materials {
                "身份证\n申请表"
            } else {
                "有"
            })
        };
        let (required, recommended) = missing(full);
        assert!(required.is_empty() && recommended.is_empty());
        assert_eq!(refusal(&required), None);

        let gaps = |e: Element| match e {
            Element::Basis => Some("  "),
            Element::Phone | Element::OnlineUrl | Element::Fees => None,
            _ => Some("有"),
        };
        let (required, recommended) = missing(gaps);
        assert_eq!(required, [Element::Basis, Element::Phone]);
        assert_eq!(recommended, [Element::Fees, Element::OnlineUrl]);
        assert_eq!(
            refusal(&required).as_deref(),
            Some("办事指南缺少设定依据、咨询电话，补齐后才能发布")
        );
    }

    #[test]
    fn the_required_elements_are_the_inspections_eight() {
        let required: Vec<&str> = Element::ALL
            .into_iter()
            .filter(|e| e.required())
            .map(Element::label)
            .collect();
        assert_eq!(
            required,
            [
                "事项名称",
                "设定依据",
                "受理条件",
                "申请材料",
                "办理流程",
                "办理地点",
                "办理时间",
                "咨询电话"
            ]
        );
    }
}
