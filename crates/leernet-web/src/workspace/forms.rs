//! The workspace's posted forms, as typed structs of text fields, and what each one means:
//! a `TryFrom` into the values the store takes, refusing what cannot be one with the same
//! [`Refusal`] the store would give (shown in the visitor's language, nothing stored).

use super::library;
use leernet_core::{PersonId, SessionId, SlowQuestionStatus};
use leernet_store::workspace::{parse_status, Cycle, Dots, NewSession, Refusal, SessionRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a posted form means nothing the store could take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// A value the store would refuse; shown with the form again (422).
    Refused(Refusal),
    /// A value no page of leernet posts (a hand-made request): 400.
    Malformed,
    /// A reference to something that does not exist: 404.
    Unknown,
}

impl From<Refusal> for FormError {
    fn from(r: Refusal) -> FormError {
        FormError::Refused(r)
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_owned).collect()
}

/// The model of an intervision session (one of the library's, or none); other methods have
/// none.
fn model_for(method: &str, model: &str) -> Result<String, Refusal> {
    if method != "intervision" || model.is_empty() {
        return Ok(String::new());
    }
    match library().model(model) {
        Some(m) => Ok(m.key.clone()),
        None => Err(Refusal::BadMethod(model.chars().take(40).collect())),
    }
}

/// A method of the library, or [`Refusal::BadMethod`].
fn method(key: &str) -> Result<String, Refusal> {
    match library().method(key) {
        Some(_) => Ok(key.to_owned()),
        None => Err(Refusal::BadMethod(key.to_owned())),
    }
}

/// An optional session id (`""` is none).
fn session(s: &str) -> Result<Option<SessionId>, Refusal> {
    match s.trim() {
        "" => Ok(None),
        s => s
            .parse()
            .map(|n| Some(SessionId(n)))
            .map_err(|_| Refusal::NotInNetwork),
    }
}

/// Theme keys as typed: separated by commas, spaces or semicolons.
pub fn themes(s: &str) -> Vec<String> {
    s.split([',', ' ', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `POST /ws/{slug}/sessions`: a session to plan.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PlanForm {
    pub csrf_token: Option<String>,
    pub date: String,
    /// Local start and end (`hh:mm`).
    pub start: String,
    pub end: String,
    /// The online link.
    pub link: String,
    pub place: String,
    /// A ticked box posts a value; an unticked one posts nothing.
    pub online: String,
    pub method: String,
    pub model: String,
    /// One agenda item a line.
    pub agenda: String,
}

impl TryFrom<&PlanForm> for NewSession {
    type Error = FormError;
    fn try_from(f: &PlanForm) -> Result<NewSession, FormError> {
        let method = method(&f.method)?;
        let model = model_for(&method, &f.model)?;
        Ok(NewSession {
            date: f.date.clone(),
            start: f.start.clone(),
            end: f.end.clone(),
            link: f.link.clone(),
            place: f.place.clone(),
            online: !f.online.is_empty(),
            method,
            model,
            agenda: lines(&f.agenda),
        })
    }
}

/// `POST /ws/{slug}/sessions/{id}`: what happened at a session.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RecordForm {
    pub csrf_token: Option<String>,
    pub date: String,
    pub start: String,
    pub end: String,
    pub link: String,
    pub place: String,
    pub online: String,
    pub method: String,
    pub model: String,
    pub report: String,
    /// The ids of the people present (a checkbox each).
    pub present: Vec<String>,
    /// Agenda items to add, one a line.
    pub agenda: String,
}

impl TryFrom<&RecordForm> for SessionRecord {
    type Error = FormError;
    fn try_from(f: &RecordForm) -> Result<SessionRecord, FormError> {
        let method = method(&f.method)?;
        let model = model_for(&method, &f.model)?;
        let present = f
            .present
            .iter()
            .map(|p| p.parse().map(PersonId).map_err(|_| Refusal::NotInNetwork))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SessionRecord {
            date: f.date.clone(),
            start: f.start.clone(),
            end: f.end.clone(),
            link: f.link.clone(),
            place: f.place.clone(),
            online: !f.online.is_empty(),
            method,
            model,
            report: f.report.clone(),
            present,
            agenda_add: lines(&f.agenda),
        })
    }
}

/// `POST /ws/{slug}/rounds`: an agenda round to open.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RoundForm {
    pub csrf_token: Option<String>,
    pub title: String,
    /// Dots per member.
    pub votes: String,
}

/// A round to open, from a [`RoundForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub title: String,
    pub votes_per_member: i64,
}

impl TryFrom<&RoundForm> for NewRound {
    type Error = FormError;
    fn try_from(f: &RoundForm) -> Result<NewRound, FormError> {
        // The store bounds the allowance; what is no number is no allowance.
        let votes_per_member = f.votes.trim().parse().map_err(|_| Refusal::BadAllowance)?;
        Ok(NewRound {
            title: f.title.clone(),
            votes_per_member,
        })
    }
}

/// `POST /ws/{slug}/rounds/{id}/topics`: a topic to propose; `POST /ws/{slug}/stories` and
/// the questions' forms have their own.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TopicForm {
    pub csrf_token: Option<String>,
    pub title: String,
}

/// `POST /ws/{slug}/rounds/{id}/votes`: a member's dots, `dots_<topic>` each.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VoteForm {
    pub csrf_token: Option<String>,
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
}

/// A member's dots per topic, from a [`VoteForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Votes(pub Vec<(i64, i64)>);

impl TryFrom<&VoteForm> for Votes {
    type Error = FormError;
    fn try_from(f: &VoteForm) -> Result<Votes, FormError> {
        let mut dots = Vec::new();
        for (k, val) in &f.fields {
            if let Some(t) = k.strip_prefix("dots_") {
                match (t.parse::<i64>(), Dots::parse(val)) {
                    (Ok(t), Ok(n)) => dots.push((t, i64::from(n.get()))),
                    _ => return Err(Refusal::NegativeVotes.into()),
                }
            }
        }
        Ok(Votes(dots))
    }
}

/// `POST /ws/{slug}/rounds/{id}/close`: the session chosen for each topic,
/// `session_<topic>` each (empty: none).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CloseForm {
    pub csrf_token: Option<String>,
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
}

/// The topics a closed round schedules, from a [`CloseForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(pub Vec<(i64, SessionId)>);

impl TryFrom<&CloseForm> for Schedule {
    type Error = FormError;
    fn try_from(f: &CloseForm) -> Result<Schedule, FormError> {
        let mut out = Vec::new();
        for (k, val) in &f.fields {
            if let (Some(t), false) = (k.strip_prefix("session_"), val.is_empty()) {
                match (t.parse::<i64>(), val.parse::<i64>()) {
                    (Ok(t), Ok(s)) => out.push((t, SessionId(s))),
                    _ => return Err(FormError::Unknown),
                }
            }
        }
        Ok(Schedule(out))
    }
}

/// `POST /ws/{slug}/questions`: a slow question brought in.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AskForm {
    pub csrf_token: Option<String>,
    pub text: String,
    pub anonymous: String,
    /// The session it came up in (an id, or empty).
    pub session: String,
    /// Theme keys: one a ticked box of the theme picker (also several in one value,
    /// separated by commas, spaces or semicolons).
    pub themes: Vec<String>,
}

/// A slow question as asked, from an [`AskForm`] (the network and author come from the
/// request, the themes are checked against the codebooks by the handler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub text: String,
    pub anonymous: bool,
    pub session: Option<SessionId>,
    pub themes: Vec<String>,
}

impl TryFrom<&AskForm> for Asked {
    type Error = FormError;
    fn try_from(f: &AskForm) -> Result<Asked, FormError> {
        Ok(Asked {
            text: f.text.clone(),
            anonymous: !f.anonymous.is_empty(),
            session: session(&f.session)?,
            themes: f.themes.iter().flat_map(|t| themes(t)).collect(),
        })
    }
}

/// `POST /ws/{slug}/questions/{id}`: its author's edit.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EditForm {
    pub csrf_token: Option<String>,
    /// Marks the edit form (a refused edit does not refill the new-question form).
    pub edit: String,
    pub text: String,
    /// As in [`AskForm::themes`].
    pub themes: Vec<String>,
}

/// `POST /ws/{slug}/questions/{id}/follow-up`: the facilitator's follow-up.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FollowUpForm {
    pub csrf_token: Option<String>,
    pub status: String,
    pub followup: String,
    pub session: String,
}

/// A follow-up, from a [`FollowUpForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub status: SlowQuestionStatus,
    pub notes: String,
    pub session: Option<SessionId>,
}

impl TryFrom<&FollowUpForm> for FollowUp {
    type Error = FormError;
    fn try_from(f: &FollowUpForm) -> Result<FollowUp, FormError> {
        let status = parse_status(&f.status).ok_or(FormError::Malformed)?;
        Ok(FollowUp {
            status,
            notes: f.followup.clone(),
            session: session(&f.session)?,
        })
    }
}

/// `POST /ws/{slug}/stories`: a value-creation story.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StoryForm {
    pub csrf_token: Option<String>,
    pub text: String,
    /// The value-creation cycles it touches (a checkbox each; unknown keys are ignored).
    pub cycle: Vec<String>,
}

impl StoryForm {
    /// The cycles ticked.
    pub fn cycles(&self) -> Vec<Cycle> {
        self.cycle.iter().filter_map(|c| Cycle::parse(c)).collect()
    }
}

/// `POST /ws/notify`: the e-mail opt-ins.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NotifyForm {
    pub csrf_token: Option<String>,
    pub on_round: String,
    pub on_session: String,
}

/// `POST /ws/erase`: the confirmation.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EraseForm {
    pub csrf_token: Option<String>,
    /// `yes` when ticked.
    pub confirm: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(body: &str) -> T {
        serde_html_form::from_str(body).unwrap()
    }

    #[test]
    fn checkboxes_and_numbered_fields_are_read() {
        let r: RecordForm =
            parse("csrf_token=x&method=intervision&present=3&present=5&date=2027-01-02");
        let rec = SessionRecord::try_from(&r).unwrap();
        assert_eq!(rec.present, [PersonId(3), PersonId(5)]);
        assert!(!rec.online);
        let v: VoteForm = parse("csrf_token=x&dots_7=2&dots_9=0");
        assert_eq!(Votes::try_from(&v).unwrap(), Votes(vec![(7, 2), (9, 0)]));
        let c: CloseForm = parse("session_7=4&session_9=");
        assert_eq!(
            Schedule::try_from(&c).unwrap(),
            Schedule(vec![(7, SessionId(4))])
        );
        let s: StoryForm = parse("text=t&cycle=potential&cycle=nonsense");
        assert_eq!(s.cycles().len(), 1);
    }

    #[test]
    fn what_cannot_be_a_value_is_refused() {
        let v: VoteForm = parse("dots_7=-1");
        assert_eq!(
            Votes::try_from(&v),
            Err(FormError::Refused(Refusal::NegativeVotes))
        );
        let c: CloseForm = parse("session_7=x");
        assert_eq!(Schedule::try_from(&c), Err(FormError::Unknown));
        let p: PlanForm = parse("method=nonsense");
        assert!(matches!(
            NewSession::try_from(&p),
            Err(FormError::Refused(Refusal::BadMethod(_)))
        ));
        let r: RecordForm = parse("method=intervision&present=abc");
        assert!(matches!(
            SessionRecord::try_from(&r),
            Err(FormError::Refused(Refusal::NotInNetwork))
        ));
        let f: FollowUpForm = parse("status=gone");
        assert_eq!(FollowUp::try_from(&f), Err(FormError::Malformed));
        let q: AskForm = parse("text=t&session=abc");
        assert_eq!(
            Asked::try_from(&q),
            Err(FormError::Refused(Refusal::NotInNetwork))
        );
        let o: RoundForm = parse("title=t&votes=many");
        assert_eq!(
            NewRound::try_from(&o),
            Err(FormError::Refused(Refusal::BadAllowance))
        );
    }

    #[test]
    fn a_refused_form_comes_back_without_its_token() {
        let p: PlanForm = parse("csrf_token=secret&date=2027-01-02&online=1");
        let back = crate::form::refill(&p);
        assert_eq!(back.get("date").map(String::as_str), Some("2027-01-02"));
        assert_eq!(back.get("online").map(String::as_str), Some("1"));
        assert!(!back.contains_key("csrf_token"));
    }
}
