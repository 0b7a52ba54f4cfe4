//! The console's message catalogue: every label in 简体中文 (the default) and English, one file
//! per language (`messages/*.txt`, `key = text`), and how a request's language is chosen.
use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use ipdr_domain::calendar::CHINA_TIME;

const ZH_CN: &str = include_str!("messages/zh-CN.txt");
const EN: &str = include_str!("messages/en.txt");

/// A language the console speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

fn parse(catalogue: &'static str) -> HashMap<&'static str, &'static str> {
    catalogue
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

static CATALOGUES: LazyLock<[HashMap<&'static str, &'static str>; 2]> =
    LazyLock::new(|| [parse(ZH_CN), parse(EN)]);

impl Lang {
    /// The stored and `lang` attribute name.
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    /// The language of a stored tag; 简体中文 for anything else.
    pub fn from_tag(tag: &str) -> Self {
        if tag == "en" { Self::En } else { Self::ZhCn }
    }

    /// The other language (the switch in the header offers it).
    pub fn other(self) -> Self {
        match self {
            Self::ZhCn => Self::En,
            Self::En => Self::ZhCn,
        }
    }

    /// The language an `Accept-Language` header prefers: English when an `en` range ranks above
    /// every `zh` range, 简体中文 otherwise.
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let Some(header) = accept_language else {
            return Self::ZhCn;
        };
        let mut ranked: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|range| {
                let mut parts = range.trim().split(';');
                let tag = parts.next()?.trim();
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        match ranked.iter().find_map(|(q, tag)| {
            let tag = tag.to_ascii_lowercase();
            (*q > 0.0)
                .then(|| {
                    if tag.starts_with("zh") {
                        Some(Self::ZhCn)
                    } else if tag.starts_with("en") {
                        Some(Self::En)
                    } else {
                        None
                    }
                })
                .flatten()
        }) {
            Some(lang) => lang,
            None => Self::ZhCn,
        }
    }

    /// The text of `key`; the key itself when the catalogue lacks it (a test keeps that from
    /// happening).
    pub fn t(self, key: &'static str) -> &'static str {
        let catalogue = match self {
            Self::ZhCn => &CATALOGUES[0],
            Self::En => &CATALOGUES[1],
        };
        catalogue.get(key).copied().unwrap_or(key)
    }

    /// What the domain's refusal or validation `code` says, in this language: 简体中文 from the
    /// catalogue (`problem.<code>`), English as the domain wrote it (`message`, more specific
    /// than a code can be). A code the catalogue lacks shows `message` (a test checks every
    /// code the sources use has its entry).
    pub fn problem(self, code: &str, message: &str) -> String {
        match self {
            Self::En => message.to_owned(),
            Self::ZhCn => CATALOGUES[0]
                .get(format!("problem.{code}").as_str())
                .map_or_else(|| message.to_owned(), |t| (*t).to_owned()),
        }
    }

    /// The text of a stored name under `prefix` (`status` + `in_mediation`); the name itself
    /// when the catalogue lacks it (a test checks every name of the enums shown).
    pub fn name(self, prefix: &str, name: &str) -> String {
        let catalogue = match self {
            Self::ZhCn => &CATALOGUES[0],
            Self::En => &CATALOGUES[1],
        };
        catalogue
            .get(format!("{prefix}.{name}").as_str())
            .map_or_else(|| name.to_owned(), |t| (*t).to_owned())
    }

    /// A day as people write it: 2026年12月1日 / 1 Dec 2026.
    pub fn date(self, day: NaiveDate) -> String {
        match self {
            Self::ZhCn => day.format("%Y年%-m月%-d日").to_string(),
            Self::En => day.format("%-d %b %Y").to_string(),
        }
    }

    /// A moment in China time: 2026年12月1日 14:05 / 1 Dec 2026 14:05.
    pub fn time(self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&CHINA_TIME);
        format!(
            "{} {}",
            self.date(local.date_naive()),
            local.format("%H:%M")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_no_empty_text() {
        let [zh, en] = &*CATALOGUES;
        let mut only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        only_zh.sort();
        only_en.sort();
        assert!(only_zh.is_empty(), "only in zh-CN.txt: {only_zh:?}");
        assert!(only_en.is_empty(), "only in en.txt: {only_en:?}");
        assert!(zh.len() > 50);
        for (key, text) in zh.iter().chain(en.iter()) {
            assert!(!text.is_empty(), "{key} is empty");
        }
        // Every line of a catalogue is a comment or a key.
        for catalogue in [ZH_CN, EN] {
            for line in catalogue.lines().map(str::trim) {
                assert!(
                    line.is_empty() || line.starts_with('#') || line.contains(" = "),
                    "{line}"
                );
            }
        }
    }

    #[test]
    fn every_key_the_console_uses_is_in_the_catalogue() {
        let [zh, _] = &*CATALOGUES;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/console");
        let mut missing = Vec::new();
        let mut used = 0;
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("the console's sources") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).expect("a source file");
                for piece in source.split(".t(\"").skip(1) {
                    let key = piece.split('"').next().unwrap_or_default();
                    used += 1;
                    if !zh.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(used > 30, "found only {used} uses");
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn every_status_rule_and_action_shown_has_its_text() {
        use ipdr_domain::case::confirmation::{
            ApplicationActionKind, ApplicationStatus, RefusalGround,
        };
        use ipdr_domain::case::deadlines::DeadlineRule;
        use ipdr_domain::case::identifiers::IdDocumentKind;
        use ipdr_domain::case::lifecycle::ActionKind;
        use ipdr_domain::case::{CaseStatus, IpType, PartyKind, Route, Side, Track};
        let [zh, _] = &*CATALOGUES;
        let mut names: Vec<String> = Vec::new();
        names.extend(CaseStatus::ALL.iter().map(|s| format!("status.{s}")));
        names.extend(DeadlineRule::ALL.iter().map(|r| format!("rule.{r}")));
        names.extend(Route::ALL.iter().map(|r| format!("route.{r}")));
        names.extend(Side::ALL.iter().map(|s| format!("side.{s}")));
        names.extend(Track::ALL.iter().map(|t| format!("track.{t}")));
        names.extend(
            ipdr_domain::organization::OrganizationKind::ALL
                .iter()
                .map(|k| format!("kind.{}", crate::console::pages::admin::kind_value(*k))),
        );
        names.extend(
            ipdr_domain::account::Role::ALL
                .iter()
                .map(|r| format!("role.{}", r.as_str())),
        );
        names.extend(
            ApplicationStatus::ALL
                .iter()
                .map(|s| format!("appstatus.{s}")),
        );
        names.extend(RefusalGround::ALL.iter().map(|g| format!("ground.{g}")));
        names.extend(
            [
                ApplicationActionKind::Accept,
                ApplicationActionKind::RefuseAcceptance,
                ApplicationActionKind::Extend,
                ApplicationActionKind::Confirm,
                ApplicationActionKind::Refuse,
            ]
            .iter()
            .map(|k| format!("decision.{k}")),
        );
        names.extend(IpType::ALL.iter().map(|t| format!("ip_type.{t}")));
        names.extend(PartyKind::ALL.iter().map(|k| format!("party_kind.{k}")));
        names.extend(IdDocumentKind::ALL.iter().map(|k| format!("id_type.{k}")));
        names.extend(
            ActionKind::ALL
                .iter()
                .filter(|a| !matches!(a, ActionKind::Settle | ActionKind::ReturnToCourt))
                .map(|a| format!("action.{a}")),
        );
        {
            use ipdr_domain::investigator::recusal::RecusalStage;
            use ipdr_domain::investigator::{
                AssignmentStatus, ConflictKind, Procedure, TechnicalField,
            };
            names.extend(TechnicalField::ALL.iter().map(|f| format!("field.{f}")));
            names.extend(Procedure::ALL.iter().map(|p| format!("procedure.{p}")));
            names.extend(ConflictKind::ALL.iter().map(|k| format!("conflict.{k}")));
            names.extend(
                AssignmentStatus::ALL
                    .iter()
                    .map(|s| format!("assignment.{s}")),
            );
            names.extend(RecusalStage::ALL.iter().map(|s| format!("recusal.{s}")));
            names.extend(
                [
                    "conflict",
                    "served_in_other_procedure",
                    "at_load_limit",
                    "already_assigned",
                    "recused",
                ]
                .iter()
                .map(|c| format!("exclusion.{c}")),
            );
            {
                use ipdr_domain::referral::deadlines::{ClockState, ReferralClock};
                use ipdr_domain::referral::{
                    DeclineReason, Direction, Milestone, Outcome, ReferralKind, ReferralStatus,
                    StepKind,
                };
                names.extend(Direction::ALL.iter().map(|d| format!("direction.{d}")));
                names.extend(
                    ReferralStatus::ALL
                        .iter()
                        .map(|s| format!("referral_status.{s}")),
                );
                names.extend(
                    ReferralKind::ALL
                        .iter()
                        .map(|k| format!("referral_kind.{k}")),
                );
                names.extend(StepKind::ALL.iter().map(|s| format!("referral_step.{s}")));
                names.extend(ReferralClock::ALL.iter().map(|c| format!("clock.{c}")));
                names.extend(ClockState::ALL.iter().map(|c| format!("clock_state.{c}")));
                names.extend(DeclineReason::ALL.iter().map(|d| format!("decline.{d}")));
                names.extend(Milestone::ALL.iter().map(|m| format!("milestone.{m}")));
                names.extend(Outcome::ALL.iter().map(|o| format!("outcome.{o}")));
                names.extend(
                    crate::console::pages::audit::OUTCOMES
                        .iter()
                        .map(|o| format!("outcome_audit.{o}")),
                );
            }
            names.extend(
                ipdr_domain::case::CourtProcedure::ALL
                    .iter()
                    .map(|p| format!("court_procedure.{p}")),
            );
            names.extend(
                ipdr_domain::referral::AgreementStatus::ALL
                    .iter()
                    .flat_map(|s| {
                        [
                            format!("agreement_status.{s}"),
                            format!("agreement_set.{s}"),
                        ]
                    }),
            );
            names.extend(
                ipdr_domain::case::DocumentKind::ALL
                    .iter()
                    .map(|k| format!("document.{k}")),
            );
        }
        let missing: Vec<_> = names
            .iter()
            .filter(|n| !zh.contains_key(n.as_str()))
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn every_refusal_and_validation_code_the_sources_use_has_its_text() {
        let [zh, en] = &*CATALOGUES;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        let mut dirs = vec![root.join("domain/src"), root.join("api/src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("a source directory") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        // The ways a code is written: Invalid::new(…), refuse(…), refused_now(…), and the
        // field `code:` of a Refusal, each with the code as its first string.
        let mut codes = std::collections::BTreeSet::new();
        for path in files {
            let source = std::fs::read_to_string(&path).expect("a source file");
            for marker in ["Invalid::new(", "refuse(", "refused_now(", "code: "] {
                for piece in source.split(marker).skip(1) {
                    let piece = piece.trim_start();
                    if let Some(rest) = piece.strip_prefix('"') {
                        let code = rest.split('"').next().unwrap_or_default();
                        if !code.is_empty()
                            && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        {
                            codes.insert(code.to_owned());
                        }
                    }
                }
            }
        }
        assert!(codes.len() > 50, "found only {} codes", codes.len());
        let missing: Vec<_> = codes
            .iter()
            .filter(|c| {
                let key = format!("problem.{c}");
                !zh.contains_key(key.as_str()) || !en.contains_key(key.as_str())
            })
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
        assert_eq!(
            Lang::ZhCn.problem("case_closed", "the case is closed"),
            "案件已结案，不能再修改（R5）"
        );
        assert_eq!(
            Lang::En.problem("case_closed", "the case is closed"),
            "the case is closed"
        );
    }

    #[test]
    fn accept_language_chooses_english_only_when_it_ranks_first() {
        assert_eq!(Lang::negotiate(None), Lang::ZhCn);
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::ZhCn);
        assert_eq!(Lang::negotiate(Some("zh;q=0.5, en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("fr-FR")), Lang::ZhCn);
        assert_eq!(Lang::negotiate(Some("fr, en;q=0.7")), Lang::En);
    }

    #[test]
    fn dates_and_times_are_written_as_people_write_them_in_china_time() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a day");
        assert_eq!(Lang::ZhCn.date(day), "2026年12月1日");
        assert_eq!(Lang::En.date(day), "1 Dec 2026");
        // 18:30 UTC is 02:30 the next day in Shanghai.
        let at = DateTime::parse_from_rfc3339("2026-11-30T18:30:00Z")
            .expect("a time")
            .to_utc();
        assert_eq!(Lang::ZhCn.time(at), "2026年12月1日 02:30");
    }
}
