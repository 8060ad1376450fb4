use crate::diagnostic::{code, did_you_mean};
use crate::docs::{AnchorDoc, ConditionDoc, FieldDoc, ProcedureDoc, RuleDoc, VocabularyDoc};
use crate::lower::parts::{squeeze, Item, Parts};
use crate::lower::procedure::{canonical_reach, lower_procedure, Names};
use crate::lower::Sink;
use govflow_model::{
    BoardRule, CanonicalIds, CityId, ClassificationRule, ClassificationScheme, Condition, Pack,
    PeriodOf, ProcedureId, ProhibitedAct, Recurring, RecurringScope, Regulation, Role, RoleId,
    StateId, Vocabulary,
};
use govflow_script::{Scripts, Source};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// Lowers an assembled pack. Returns the pack and its compiled scripts when nothing is
/// wrong; the diagnostics either way.
pub(crate) fn lower_pack(parts: &Parts, sink: &mut Sink) -> Option<(Pack, Scripts)> {
    let before = sink.diagnostics.len();
    let f = &parts.pack_file;
    if !CanonicalIds::builtin().cities.contains(&parts.city) {
        sink.at(
            f,
            code::NOT_CANONICAL,
            "city",
            format!("`{}` is not a canonical city id", parts.city),
        )
        .help = Some(format!(
            "the cities are: {}",
            CanonicalIds::builtin().cities.join(", ")
        ));
    }
    let name = match &parts.name {
        Some(n) => n.doc.clone(),
        None => {
            sink.at(f, code::INVALID_VALUE, "", "the pack has no `name`")
                .help = Some("add `name:` with the jurisdiction's name (e.g. `万州区`)".into());
            String::new()
        }
    };
    let regulation = match &parts.regulation {
        Some(r) => Some(lower_regulation(r, sink)),
        None => {
            sink.at(f, code::INVALID_VALUE, "", "the pack has no `regulation`")
                .help = Some(
                "add the regulation's title, document number, status and effective dates".into(),
            );
            None
        }
    };

    let mut roles = BTreeMap::new();
    for (id, item) in &parts.roles {
        if CanonicalIds::builtin().is_body(&RoleId::from(id.as_str())) {
            sink.at(
                &item.file,
                code::BODY,
                &item.path,
                format!("`{id}` is a body, not one of the fixed roles"),
            )
            .help = Some(format!("declare it under `bodies:` instead: bodies.{id}"));
            continue;
        }
        canonical_reach(&item.file, &item.path, id, sink);
        let basis = sink.item_basis(
            item,
            &format!("role `{id}`"),
            &item.doc.article,
            &item.doc.quote,
        );
        roles.insert(
            RoleId::new(id),
            Role {
                id: RoleId::new(id),
                name: item.doc.name.clone(),
                basis,
            },
        );
    }

    let bodies = lower_bodies(parts, sink);

    let names = Names {
        roles: parts.roles.keys().map(String::as_str).collect(),
        bodies: parts.bodies.keys().map(String::as_str).collect(),
        procedures: &parts.procedures,
        scripts: parts.scripts.keys().map(String::as_str).collect(),
        entries: recurring_entries(parts),
    };
    let mut procedures = BTreeMap::new();
    for (id, item) in &parts.procedures {
        let p = lower_procedure(item, &names, sink);
        if p.id.as_str() != id {
            sink.at(
                &item.file,
                code::INVALID_VALUE,
                "id",
                format!("the file declares `{}` but is named for `{id}`", p.id),
            );
        }
        procedures.insert(ProcedureId::new(id), p);
    }

    let classification = lower_classification(parts, sink);
    let prohibited_acts = parts
        .prohibited_acts
        .iter()
        .map(|item| {
            let a = &item.doc;
            if let Some(p) = &a.penalty {
                if !parts.procedures.contains_key(p) {
                    sink.at(
                        &item.file,
                        code::UNKNOWN_REFERENCE,
                        &format!("{}.penalty", item.path),
                        format!("unknown procedure `{p}`"),
                    );
                }
            }
            ProhibitedAct {
                id: a.id.clone(),
                description: a.description.clone(),
                penalty: a.penalty.as_deref().map(ProcedureId::new),
                basis: sink.item_basis(
                    item,
                    &format!("prohibited act `{}`", a.id),
                    &a.article,
                    &a.quote,
                ),
            }
        })
        .collect();
    let recurring = parts
        .recurring
        .iter()
        .map(|item| lower_recurring(item, parts, sink))
        .collect();
    let board = lower_board(parts, sink);
    check_duplicates(parts, sink);

    let scripts = match Scripts::compile(
        parts
            .scripts
            .iter()
            .map(|(name, item)| Source {
                name: name.clone(),
                path: item.file.path.clone(),
                text: item.doc.clone(),
            })
            .collect(),
    ) {
        Ok(s) => Some(s),
        Err(errors) => {
            for e in errors {
                sink.push(
                    crate::Diagnostic::error(
                        code::SCRIPT,
                        e.path,
                        format!("the guard script does not compile: {}", e.message),
                    )
                    .at((e.line, e.column)),
                );
            }
            None
        }
    };

    check_quotes(parts, sink);
    let failed = crate::diagnostic::has_errors(&sink.diagnostics[before..]);
    let (Some(regulation), Some(scripts), false) = (regulation, scripts, failed) else {
        return None;
    };
    Some((
        Pack {
            city: CityId::new(&parts.city),
            name,
            version: version(parts),
            extends: parts.extends.as_deref().map(CityId::new),
            regulation,
            roles,
            bodies,
            procedures,
            classification,
            prohibited_acts,
            recurring,
            board,
        },
        scripts,
    ))
}

/// The pack's light rule, or the default; red must be a later event than yellow, or no
/// case could be yellow before it is red.
fn lower_board(parts: &Parts, sink: &mut Sink) -> BoardRule {
    let Some(item) = &parts.board else {
        return BoardRule::default();
    };
    let (yellow, red) = (item.doc.yellow, item.doc.red);
    if red <= yellow {
        sink.at(
            &item.file,
            code::BOARD_ORDER,
            &format!("{}.red", item.path),
            format!(
                "`red: {}` is not later than `yellow: {}`",
                red.as_str(),
                yellow.as_str()
            ),
        )
        .help = Some(
            "red must be a later event than yellow: `warning` → `lapse` → `supervision_lapse`"
                .into(),
        );
    }
    BoardRule {
        yellow: yellow.into(),
        red: red.into(),
    }
}

/// The bodies the text names beyond the fixed roles: each must be a canonical body of
/// policies/vocabulary.yaml, with the city's name for it, its article and its quote.
fn lower_bodies(parts: &Parts, sink: &mut Sink) -> BTreeMap<RoleId, Role> {
    let canonical = CanonicalIds::builtin();
    let mut bodies = BTreeMap::new();
    for (id, item) in &parts.bodies {
        let body = RoleId::new(id);
        if !canonical.is_body(&body) {
            let d = sink.at(
                &item.file,
                code::BODY,
                &item.path,
                if canonical.reach(&body).is_some() {
                    format!("`{id}` is a fixed role, not a body")
                } else {
                    format!("`{id}` is not a canonical body")
                },
            );
            d.help = Some(if canonical.reach(&body).is_some() {
                format!("declare it under `roles:` instead: roles.{id}")
            } else {
                match did_you_mean(id, canonical.bodies.keys().map(RoleId::as_str)) {
                    Some(s) => format!("did you mean `{s}`? (policies/vocabulary.yaml, bodies)"),
                    None => format!(
                        "the bodies are: {}; a new one is added to policies/vocabulary.yaml, deliberately",
                        canonical.body_list()
                    ),
                }
            });
            continue;
        }
        let basis = sink.item_basis(
            item,
            &format!("body `{id}`"),
            &item.doc.article,
            &item.doc.quote,
        );
        bodies.insert(
            body.clone(),
            Role {
                id: body,
                name: item.doc.name.clone(),
                basis,
            },
        );
    }
    bodies
}

/// `<city>@<first 12 hex digits of the SHA-256 of every file, in path order>`.
fn version(parts: &Parts) -> String {
    let mut hash = Sha256::new();
    for (path, bytes) in &parts.files {
        hash.update(path.rsplit('/').next().unwrap_or(path).as_bytes());
        hash.update([0]);
        hash.update(bytes);
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{}@{hex}", parts.city)
}

fn lower_regulation(item: &Item<crate::docs::RegulationDoc>, sink: &mut Sink) -> Regulation {
    let r = &item.doc;
    if let Some(until) = r.effective_until {
        if until < r.effective_from {
            sink.at(
                &item.file,
                code::INVALID_VALUE,
                &format!("{}.effective_until", item.path),
                format!("{until} is before `effective_from` {}", r.effective_from),
            );
        }
    }
    Regulation {
        title: r.title.clone(),
        document: r.document.clone(),
        issuer: r.issuer.clone(),
        status: r.status.into(),
        issued: r.issued,
        effective_from: r.effective_from,
        effective_until: r.effective_until,
        basis: sink.item_basis(
            item,
            "the regulation's effective dates",
            &r.article,
            &r.quote,
        ),
    }
}

fn lower_vocabulary(item: &Option<Item<VocabularyDoc>>, what: &str, sink: &mut Sink) -> Vocabulary {
    match item {
        None => Vocabulary::default(),
        Some(item) => Vocabulary {
            terms: item.doc.terms.clone(),
            basis: Some(sink.item_basis(item, what, &item.doc.article, &item.doc.quote)),
        },
    }
}

fn lower_classification(parts: &Parts, sink: &mut Sink) -> ClassificationScheme {
    let mut scheme = ClassificationScheme {
        sharing: lower_vocabulary(&parts.sharing, "the sharing classes", sink),
        opening: lower_vocabulary(&parts.opening, "the opening classes", sink),
        base_databases: lower_vocabulary(&parts.base_databases, "the base databases", sink),
        uses: lower_vocabulary(&parts.uses, "the uses of open data", sink),
        legal_bases: lower_vocabulary(&parts.legal_bases, "the kinds of legal basis", sink),
        rules: Vec::new(),
    };
    for item in &parts.rules {
        let rule = lower_rule(item, &scheme, sink);
        scheme.rules.push(rule);
    }
    scheme
}

fn lower_rule(
    item: &Item<RuleDoc>,
    scheme: &ClassificationScheme,
    sink: &mut Sink,
) -> ClassificationRule {
    let r = &item.doc;
    let lower_conditions = |key: &str,
                            conditions: &BTreeMap<FieldDoc, ConditionDoc>,
                            sink: &mut Sink| {
        conditions
            .iter()
            .map(|(&field, c)| {
                let condition = match c {
                    ConditionDoc::Presence(p) => Condition::from(*p),
                    ConditionDoc::OneOf(values) => {
                        let vocabulary = match field {
                            FieldDoc::Sharing => Some(&scheme.sharing),
                            FieldDoc::Opening => Some(&scheme.opening),
                            FieldDoc::BaseDatabase => Some(&scheme.base_databases),
                            FieldDoc::Use => Some(&scheme.uses),
                            FieldDoc::LegalBasisKind => Some(&scheme.legal_bases),
                            FieldDoc::LegalBasis => {
                                kind_listed_as_basis(item, key, values, sink);
                                None
                            }
                            FieldDoc::Filing => None,
                        };
                        if let Some(v) = vocabulary {
                            let field = field.as_str();
                            let path = format!("{}.{key}.{field}", item.path);
                            for value in values.iter().filter(|value| !v.contains(value)) {
                                sink.at(&item.file, code::UNKNOWN_REFERENCE, &path, format!("`{value}` is not a term of this pack's `{field}` vocabulary"))
                                    .help = Some(format!("the terms are: {}", v.terms.keys().cloned().collect::<Vec<_>>().join(", ")));
                            }
                        }
                        Condition::OneOf(values.clone())
                    }
                };
                (field.as_str().to_owned(), condition)
            })
            .collect()
    };
    let when = lower_conditions("when", &r.when, sink);
    let require = lower_conditions("require", &r.require, sink);
    ClassificationRule {
        id: r.id.clone(),
        description: r.description.clone(),
        when,
        require,
        basis: sink.item_basis(
            item,
            &format!("classification rule `{}`", r.id),
            &r.article,
            &r.quote,
        ),
    }
}

/// Procedure id → the states recurring obligations start its cases in.
fn recurring_entries(parts: &Parts) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut entries: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for item in &parts.recurring {
        if let Some(initial) = &item.doc.initial {
            entries
                .entry(item.doc.procedure.as_str())
                .or_default()
                .insert(initial.as_str());
        }
    }
    entries
}

/// The obligation's cases must carry the period its procedure's fixed dates belong to,
/// and start in a state of the procedure where something is still owed.
fn check_recurring_case(
    item: &Item<crate::docs::RecurringDoc>,
    procedure: &ProcedureDoc,
    sink: &mut Sink,
) {
    let r = &item.doc;
    let by_period = procedure.states.iter().find_map(|(state, s)| {
        s.deadlines
            .iter()
            .find(|d| d.from == Some(AnchorDoc::Period))
            .map(|d| (state, &d.id))
    });
    if let (None, Some((state, deadline))) = (r.period, by_period) {
        sink.at(
            &item.file,
            code::RECURRING_PERIOD,
            &item.path,
            format!("obligation `{}` opens `{}` cases without a period, but deadline `{deadline}` of state `{state}` is counted `from: period`", r.id, r.procedure),
        )
        .help = Some("add `period: previous_year`, `current_year` or `next_year`: the year its cases are for, relative to the occurrence".into());
    }
    let Some(initial) = &r.initial else { return };
    match procedure.states.get(initial) {
        None => {
            sink.at(
                &item.file,
                code::UNKNOWN_REFERENCE,
                &format!("{}.initial", item.path),
                format!("`{initial}` is not a state of `{}`", r.procedure),
            )
            .help = Some(format!(
                "the states are: {}",
                procedure
                    .states
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Some(state) if state.terminal => {
            sink.at(
                &item.file,
                code::RECURRING_START,
                &format!("{}.initial", item.path),
                format!("obligation `{}` starts its cases in `{initial}`, a terminal state: nothing would ever be owed", r.id),
            )
            .help = Some("start in the state whose deadline is the addressee's own duty".into());
        }
        Some(_) => {}
    }
}

/// `legal_basis` is the basis cited, free text; a list of allowed values tests the kind
/// of basis, which is `legal_basis_kind`'s to carry (GF0027).
fn kind_listed_as_basis(item: &Item<RuleDoc>, key: &str, values: &[String], sink: &mut Sink) {
    let path = format!("{}.{key}.legal_basis", item.path);
    sink.at(
        &item.file,
        code::BASIS_KIND_AS_CITATION,
        &path,
        format!(
            "`legal_basis` is the basis cited, as free text; `[{}]` are kinds of basis",
            values.join(", ")
        ),
    )
    .help = Some(
        "require `legal_basis: present` and `legal_basis_kind: [...]` with the terms of `classification.legal_bases`".into(),
    );
}

fn lower_recurring(
    item: &Item<crate::docs::RecurringDoc>,
    parts: &Parts,
    sink: &mut Sink,
) -> Recurring {
    let r = &item.doc;
    match parts.procedures.get(&r.procedure) {
        Some(procedure) => check_recurring_case(item, &procedure.doc, sink),
        None => {
            sink.at(
                &item.file,
                code::UNKNOWN_REFERENCE,
                &format!("{}.procedure", item.path),
                format!("unknown procedure `{}`", r.procedure),
            );
        }
    }
    if let Err(e) = cron::Schedule::from_str(&r.cron) {
        sink.at(&item.file, code::CRON, &format!("{}.cron", item.path), format!("`{}` is not a cron expression: {e}", r.cron))
            .help = Some("six fields, Asia/Shanghai: `sec min hour day-of-month month day-of-week`, e.g. `0 0 0 1 1 *`".into());
    }
    let scope = RecurringScope::from(r.scope);
    if let RecurringScope::Role(role) = &scope {
        if !parts.roles.contains_key(role.as_str()) {
            sink.at(
                &item.file,
                code::UNKNOWN_REFERENCE,
                &format!("{}.scope", item.path),
                format!("the obligation falls on role `{role}`, which this pack's `roles` does not declare"),
            )
            .help = Some("declare it in pack.yaml: its name is the department the obligation's case is addressed to".into());
        }
    }
    Recurring {
        id: r.id.clone(),
        procedure: ProcedureId::new(&r.procedure),
        cron: r.cron.clone(),
        scope,
        period: r.period.map(PeriodOf::from),
        initial: r.initial.as_deref().map(StateId::new),
        basis: sink.item_basis(
            item,
            &format!("recurring obligation `{}`", r.id),
            &r.article,
            &r.quote,
        ),
    }
}

fn check_duplicates(parts: &Parts, sink: &mut Sink) {
    fn dups<T>(items: &[Item<T>], id: impl Fn(&T) -> &str, what: &str, sink: &mut Sink) {
        let mut seen = std::collections::BTreeSet::new();
        for item in items {
            if !seen.insert(id(&item.doc).to_owned()) {
                sink.at(
                    &item.file,
                    code::DUPLICATE,
                    &format!("{}.id", item.path),
                    format!("{what} `{}` is declared twice", id(&item.doc)),
                );
            }
        }
    }
    dups(&parts.rules, |r| &r.id, "classification rule", sink);
    dups(&parts.prohibited_acts, |a| &a.id, "prohibited act", sink);
    dups(&parts.recurring, |r| &r.id, "recurring obligation", sink);
}

/// Every quote must stand in the regulation's text word for word. White space is ignored
/// on both sides: the texts break sentences across lines and pad numbers with spaces.
fn check_quotes(parts: &Parts, sink: &mut Sink) {
    let quotes = std::mem::take(&mut sink.quotes);
    let Some(item) = &parts.regulation else {
        return;
    };
    let text = match &parts.regulation_text {
        Some(Ok(text)) => text,
        Some(Err(unreadable)) => {
            sink.push(unreadable.clone());
            return;
        }
        None => {
            sink.at(
                &item.file,
                code::QUOTE,
                &item.path,
                "the regulation names no `text` to hold the quotes against",
            )
            .help = Some(
                "add `text:` with the path of the original text, relative to the pack directory"
                    .into(),
            );
            return;
        }
    };
    for (quote, diagnostic) in quotes {
        if !text.contains(&squeeze(&quote)) {
            sink.push(diagnostic.help("copy the words exactly from the text; split a quote that skips words into the parts it joins"));
        }
    }
}
