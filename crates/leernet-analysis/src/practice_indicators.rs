//! Indicators of a network's own practice, from its workspace log: sessions per month,
//! attendance rate, the share of agenda items that came from members, slow questions brought
//! in and followed up, the methods used, and value-creation stories by cycle.
//!
//! Why it exists: the survey asks how a network works; the workspace records what it did.
//! The facilitator's page and the study report show these figures beside the survey's, as
//! process data. Each figure says what it counts, so a reader can trace it.
//!
//! Definitions (the report states them too):
//! - sessions per month: held sessions divided by the months from the first held session's
//!   month to the last one's, both included;
//! - attendance rate: people present over the network's people (members and facilitators)
//!   *at the date of each session* (issue 19: adding or removing an account later changes no
//!   past figure), summed over held sessions;
//! - share from members: agenda items of held and planned sessions that came from a member's
//!   topic, over all agenda items;
//! - followed up: slow questions whose status is explored or taken to practice;
//! - per quarter (`yyyy-Qn`): sessions held, attendance, slow questions brought in and
//!   followed up (by the quarter they were brought in), votes cast in agenda rounds (by the
//!   quarter a round closed);
//! - per wave period: the same, from the day a wave was first opened until the next wave
//!   was (named by the wave that began it; what happened before the first wave is left
//!   out). Only when the log knows when waves were opened.
//!
//! Invariants: pure and deterministic (networks in the order given, months and methods
//! sorted); a rate over nothing is `None`, never NaN.

use serde::Serialize;
use std::collections::BTreeMap;

/// One session as the indicators need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFact {
    /// ISO date, `yyyy-mm-dd`.
    pub date: String,
    pub method: String,
    pub held: bool,
    pub present: usize,
    pub agenda_items: usize,
    pub member_items: usize,
    /// Members and facilitators of the network at the session's date; `None`: not known,
    /// the network's people now count.
    pub people: Option<usize>,
}

/// One slow question as the indicators need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionFact {
    /// `yyyy-mm` it was brought in.
    pub month: String,
    pub followed_up: bool,
}

/// The workspace log of one network.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkLog {
    pub slug: String,
    pub name: String,
    /// Members and facilitators of the network now.
    pub people: usize,
    pub sessions: Vec<SessionFact>,
    pub questions: Vec<QuestionFact>,
    /// The cycle keys of each story.
    pub stories: Vec<Vec<String>>,
    /// Agenda rounds held (closed) and the votes cast in them.
    pub rounds_closed: usize,
    /// Per closed round: the date it closed (`yyyy-mm-dd`) and the votes (dots) cast.
    pub votes: Vec<(String, usize)>,
}

/// The workspace logs of the study's networks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PracticeLog {
    pub networks: Vec<NetworkLog>,
    /// When each wave began (`yyyy-mm-dd` it was first opened) and its name, oldest first:
    /// the wave periods. Empty when unknown.
    pub wave_starts: Vec<(String, String)>,
}

/// One month of one network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRow {
    pub month: String,
    pub sessions: usize,
    pub attendance_rate: Option<f64>,
    pub questions: usize,
}

/// The indicators of one network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkIndicators {
    pub slug: String,
    pub name: String,
    pub people: usize,
    pub sessions_held: usize,
    pub sessions_planned: usize,
    pub sessions_per_month: Option<f64>,
    pub attendance_rate: Option<f64>,
    pub agenda_items: usize,
    pub member_items: usize,
    pub member_share: Option<f64>,
    pub questions: usize,
    pub followed_up: usize,
    pub rounds_closed: usize,
    /// Held sessions per method key, most used first (then by key).
    pub methods: Vec<(String, usize)>,
    pub stories: usize,
    /// Stories per cycle key, in the framework's order.
    pub cycles: Vec<(String, usize)>,
    pub months: Vec<MonthRow>,
    /// Per quarter with anything logged, oldest first.
    pub quarters: Vec<PeriodRow>,
    /// Per wave period with anything logged, oldest first (named by the wave that began
    /// it; empty when the log does not know when waves began).
    pub wave_periods: Vec<PeriodRow>,
}

/// One period (a quarter) of one network, or of all together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodRow {
    /// `2026-Q1`.
    pub period: String,
    pub sessions: usize,
    /// Present over the members at each session's date; `None` without held sessions, and
    /// for all networks together only over the pooled counts.
    pub attendance_rate: Option<f64>,
    pub questions: usize,
    pub followed_up: usize,
    pub votes: usize,
}

/// The indicators of every network with a log, and of all together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PracticeIndicators {
    pub networks: Vec<NetworkIndicators>,
    pub total: NetworkIndicators,
    /// What the networks sent back (responses to their profiles, handles taken up), for the
    /// report's sections on them (issue 26); filled by the caller, not by [`indicators`].
    /// Not in the analysis JSON: the sentences are the networks' own words.
    #[serde(skip)]
    pub feedback: crate::feedback::Feedback,
}

impl PracticeIndicators {
    /// Whether any network logged anything.
    pub fn is_empty(&self) -> bool {
        self.total.sessions_held + self.total.sessions_planned + self.total.questions == 0
            && self.total.stories == 0
    }
}

const CYCLES: [&str; 5] = ["immediate", "potential", "applied", "realised", "reframing"];

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn month_index(m: &str) -> Option<i64> {
    let y: i64 = m.get(0..4)?.parse().ok()?;
    let mo: i64 = m.get(5..7)?.parse().ok()?;
    Some(y * 12 + mo - 1)
}

/// `yyyy-mm` of a Unix time (UTC), for grouping by month without a clock or a date crate.
pub fn month_of_unix(secs: i64) -> String {
    date_of_unix(secs)[..7].to_owned()
}

/// `yyyy-Qn` of a `yyyy-mm` or `yyyy-mm-dd`.
pub fn quarter_of(date: &str) -> Option<String> {
    let y = date.get(0..4)?;
    let m: u32 = date.get(5..7)?.parse().ok()?;
    (1..=12)
        .contains(&m)
        .then(|| format!("{y}-Q{}", (m - 1) / 3 + 1))
}

/// `yyyy-mm-dd` of a Unix time (UTC).
pub fn date_of_unix(secs: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let d = doy - (153 * mp + 2) / 5 + 1;
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[derive(Default)]
struct PeriodSums {
    sessions: usize,
    present: usize,
    possible: usize,
    questions: usize,
    followed_up: usize,
    votes: usize,
}

/// The wave period a date (or month) falls in: the name of the last wave begun on or
/// before it.
fn wave_of(date: &str, starts: &[(String, String)]) -> Option<String> {
    starts
        .iter()
        .rev()
        .find(|(day, _)| day.as_str() <= date && !date.is_empty())
        .map(|(_, name)| name.clone())
}

fn periods(n: &NetworkLog, key: impl Fn(&str) -> Option<String>) -> BTreeMap<String, PeriodSums> {
    let mut out: BTreeMap<String, PeriodSums> = BTreeMap::new();
    for s in n.sessions.iter().filter(|s| s.held) {
        if let Some(p) = key(&s.date) {
            let e = out.entry(p).or_default();
            e.sessions += 1;
            e.present += s.present;
            e.possible += s.people.unwrap_or(n.people);
        }
    }
    for q in &n.questions {
        // A month's first day: a question of a month counts in the period that month
        // begins in.
        if let Some(p) = key(&format!("{}-01", q.month)) {
            let e = out.entry(p).or_default();
            e.questions += 1;
            e.followed_up += usize::from(q.followed_up);
        }
    }
    for (date, votes) in &n.votes {
        if let Some(p) = key(date) {
            out.entry(p).or_default().votes += votes;
        }
    }
    out
}

fn rows(sums: BTreeMap<String, PeriodSums>, order: &[String]) -> Vec<PeriodRow> {
    let mut v: Vec<(String, PeriodSums)> = sums.into_iter().collect();
    // Oldest first: quarters sort as text; wave periods in the order the waves began.
    v.sort_by_key(|(p, _)| order.iter().position(|o| o == p).unwrap_or(usize::MAX));
    v.into_iter()
        .map(|(period, s)| PeriodRow {
            period,
            sessions: s.sessions,
            attendance_rate: ratio(s.present, s.possible),
            questions: s.questions,
            followed_up: s.followed_up,
            votes: s.votes,
        })
        .collect()
}

fn one(n: &NetworkLog, starts: &[(String, String)]) -> NetworkIndicators {
    let held: Vec<&SessionFact> = n.sessions.iter().filter(|s| s.held).collect();
    let span = {
        let months: Vec<i64> = held.iter().filter_map(|s| month_index(&s.date)).collect();
        match (months.iter().min(), months.iter().max()) {
            (Some(a), Some(b)) => (b - a + 1) as usize,
            _ => 0,
        }
    };
    let present: usize = held.iter().map(|s| s.present).sum();
    let possible: usize = held.iter().map(|s| s.people.unwrap_or(n.people)).sum();
    let agenda: usize = n.sessions.iter().map(|s| s.agenda_items).sum();
    let member: usize = n.sessions.iter().map(|s| s.member_items).sum();
    let mut methods: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &held {
        *methods.entry(s.method.as_str()).or_default() += 1;
    }
    let mut methods: Vec<(String, usize)> = methods
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    methods.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let cycles = CYCLES
        .iter()
        .map(|c| {
            (
                (*c).to_owned(),
                n.stories
                    .iter()
                    .filter(|s| s.iter().any(|x| x == c))
                    .count(),
            )
        })
        .collect();
    // month -> (sessions, present, possible, questions)
    let mut months: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
    for s in &held {
        if let Some(m) = s.date.get(0..7) {
            let e = months.entry(m.to_owned()).or_default();
            e.0 += 1;
            e.1 += s.present;
            e.2 += s.people.unwrap_or(n.people);
        }
    }
    for q in &n.questions {
        months.entry(q.month.clone()).or_default().3 += 1;
    }
    let quarters = periods(n, quarter_of);
    let quarter_order: Vec<String> = quarters.keys().cloned().collect();
    let wave_order: Vec<String> = starts.iter().map(|(_, w)| w.clone()).collect();
    let wave_periods = if starts.is_empty() {
        Vec::new()
    } else {
        rows(periods(n, |d| wave_of(d, starts)), &wave_order)
    };
    NetworkIndicators {
        slug: n.slug.clone(),
        name: n.name.clone(),
        people: n.people,
        sessions_held: held.len(),
        sessions_planned: n.sessions.len() - held.len(),
        sessions_per_month: ratio(held.len(), span),
        attendance_rate: ratio(present, possible),
        agenda_items: agenda,
        member_items: member,
        member_share: ratio(member, agenda),
        questions: n.questions.len(),
        followed_up: n.questions.iter().filter(|q| q.followed_up).count(),
        rounds_closed: n.rounds_closed,
        methods,
        stories: n.stories.len(),
        cycles,
        months: months
            .into_iter()
            .map(
                |(month, (sessions, present, possible, questions))| MonthRow {
                    month,
                    sessions,
                    attendance_rate: ratio(present, possible),
                    questions,
                },
            )
            .collect(),
        quarters: rows(quarters, &quarter_order),
        wave_periods,
    }
}

/// Computes the indicators of every network in `log` (in its order) and of all together.
pub fn indicators(log: &PracticeLog) -> PracticeIndicators {
    let networks: Vec<NetworkIndicators> = log
        .networks
        .iter()
        .map(|n| one(n, &log.wave_starts))
        .collect();
    // All together: the per-network sums; rates over the pooled counts.
    let mut all = NetworkLog {
        slug: String::new(),
        name: String::new(),
        ..NetworkLog::default()
    };
    let mut present = 0;
    let mut possible = 0;
    for n in &log.networks {
        all.sessions.extend(n.sessions.iter().cloned());
        all.questions.extend(n.questions.iter().cloned());
        all.stories.extend(n.stories.iter().cloned());
        all.rounds_closed += n.rounds_closed;
        all.votes.extend(n.votes.iter().cloned());
        let held = n.sessions.iter().filter(|s| s.held);
        for s in held {
            present += s.present;
            possible += s.people.unwrap_or(n.people);
        }
    }
    all.people = log.networks.iter().map(|n| n.people).sum();
    // Each session keeps the size of its own network at its date.
    for (s, n) in all.sessions.iter_mut().zip(
        log.networks
            .iter()
            .flat_map(|n| n.sessions.iter().map(move |_| n.people)),
    ) {
        s.people = Some(s.people.unwrap_or(n));
    }
    let mut total = one(&all, &log.wave_starts);
    total.attendance_rate = ratio(present, possible);
    // Pooled sessions per month: all held sessions over the months the study's log spans.
    // Monthly attendance is not pooled: networks differ in size.
    total
        .months
        .iter_mut()
        .for_each(|m| m.attendance_rate = None);
    PracticeIndicators {
        networks,
        total,
        feedback: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(
        date: &str,
        method: &str,
        held: bool,
        present: usize,
        items: (usize, usize),
    ) -> SessionFact {
        SessionFact {
            date: date.into(),
            method: method.into(),
            held,
            present,
            agenda_items: items.0,
            member_items: items.1,
            people: None,
        }
    }

    #[test]
    fn indicators_count_what_they_say() {
        let log = PracticeLog {
            wave_starts: Vec::new(),
            networks: vec![
                NetworkLog {
                    slug: "a".into(),
                    name: "A".into(),
                    people: 5,
                    sessions: vec![
                        s("2026-01-10", "intervision", true, 4, (3, 2)),
                        s("2026-03-05", "reflection", true, 3, (2, 0)),
                        s("2026-03-20", "intervision", true, 5, (1, 1)),
                        s("2026-05-01", "reflection", false, 0, (2, 1)),
                    ],
                    questions: vec![
                        QuestionFact {
                            month: "2026-01".into(),
                            followed_up: true,
                        },
                        QuestionFact {
                            month: "2026-03".into(),
                            followed_up: false,
                        },
                    ],
                    stories: vec![
                        vec!["immediate".into(), "applied".into()],
                        vec!["applied".into()],
                    ],
                    rounds_closed: 1,
                    votes: vec![("2026-04-02".into(), 9)],
                },
                NetworkLog {
                    slug: "b".into(),
                    name: "B".into(),
                    people: 4,
                    ..NetworkLog::default()
                },
            ],
        };
        let ind = indicators(&log);
        let a = &ind.networks[0];
        assert_eq!((a.sessions_held, a.sessions_planned), (3, 1));
        // 3 held sessions over January..March = 3 months.
        assert_eq!(a.sessions_per_month, Some(1.0));
        assert_eq!(a.attendance_rate, Some(12.0 / 15.0));
        assert_eq!(a.member_share, Some(4.0 / 8.0));
        assert_eq!((a.questions, a.followed_up), (2, 1));
        assert_eq!(
            a.methods,
            vec![("intervision".to_owned(), 2), ("reflection".to_owned(), 1)]
        );
        assert_eq!(a.cycles[0], ("immediate".to_owned(), 1));
        assert_eq!(a.cycles[2], ("applied".to_owned(), 2));
        let march = a.months.iter().find(|m| m.month == "2026-03").unwrap();
        assert_eq!((march.sessions, march.questions), (2, 1));
        assert_eq!(march.attendance_rate, Some(8.0 / 10.0));
        // Per quarter: Q1 has the three held sessions and both questions, Q2 the votes.
        assert_eq!(a.quarters.len(), 2);
        let q1 = &a.quarters[0];
        assert_eq!(
            (
                q1.period.as_str(),
                q1.sessions,
                q1.questions,
                q1.followed_up,
                q1.votes
            ),
            ("2026-Q1", 3, 2, 1, 0)
        );
        assert_eq!(q1.attendance_rate, Some(12.0 / 15.0));
        assert_eq!(
            (a.quarters[1].period.as_str(), a.quarters[1].votes),
            ("2026-Q2", 9)
        );
        let b = &ind.networks[1];
        assert_eq!(
            (b.sessions_per_month, b.attendance_rate, b.member_share),
            (None, None, None)
        );
        assert_eq!(ind.total.sessions_held, 3);
        assert_eq!(ind.total.attendance_rate, Some(12.0 / 15.0));
        assert!(!ind.is_empty());
        assert!(indicators(&PracticeLog::default()).is_empty());
    }

    #[test]
    fn attendance_counts_the_members_at_each_session() {
        // Four people at the first session, six (two joined) at the second: 3/4 and 3/6,
        // whatever the network has now.
        let mut first = s("2026-01-10", "intervision", true, 3, (0, 0));
        first.people = Some(4);
        let mut second = s("2026-04-10", "intervision", true, 3, (0, 0));
        second.people = Some(6);
        let log = PracticeLog {
            wave_starts: vec![
                ("2026-01-01".into(), "2026".into()),
                ("2026-04-01".into(), "najaar".into()),
            ],
            networks: vec![NetworkLog {
                slug: "a".into(),
                name: "A".into(),
                people: 9,
                sessions: vec![first, second],
                ..NetworkLog::default()
            }],
        };
        let ind = indicators(&log);
        let a = &ind.networks[0];
        assert_eq!(a.attendance_rate, Some(6.0 / 10.0));
        assert_eq!(a.months[0].attendance_rate, Some(3.0 / 4.0));
        assert_eq!(a.quarters[1].attendance_rate, Some(3.0 / 6.0));
        assert_eq!(ind.total.attendance_rate, Some(6.0 / 10.0));
        assert_eq!(ind.total.quarters[0].attendance_rate, Some(3.0 / 4.0));
        // Per wave period: the session of April falls in the period the second wave began.
        let periods: Vec<(&str, usize, Option<f64>)> = a
            .wave_periods
            .iter()
            .map(|p| (p.period.as_str(), p.sessions, p.attendance_rate))
            .collect();
        assert_eq!(
            periods,
            vec![("2026", 1, Some(3.0 / 4.0)), ("najaar", 1, Some(3.0 / 6.0))]
        );
    }

    #[test]
    fn months_of_unix_times() {
        assert_eq!(month_of_unix(0), "1970-01");
        assert_eq!(month_of_unix(1_772_323_200), "2026-03"); // 2026-03-01T00:00:00Z
        assert_eq!(month_of_unix(1_772_323_199), "2026-02");
        assert_eq!(month_of_unix(951_782_400), "2000-02"); // 2000-02-29
        assert_eq!(date_of_unix(951_782_400), "2000-02-29");
        assert_eq!(date_of_unix(951_868_799), "2000-02-29");
        assert_eq!(date_of_unix(1_772_323_199), "2026-02-28");
        assert_eq!(quarter_of("2026-03-31").as_deref(), Some("2026-Q1"));
        assert_eq!(quarter_of("2026-10").as_deref(), Some("2026-Q4"));
        assert_eq!(quarter_of("2026-13"), None);
    }
}
