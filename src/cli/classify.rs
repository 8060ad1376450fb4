//! `govflow classify`: which classification rules a data resource breaks in a city.

use clap::Args;
use govflow_loader::{load_pack, Disk};
use govflow_model::DataResource;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// The city whose rules apply.
    #[arg(long)]
    city: String,
    /// Sharing class (`unconditional`, `conditional`, `not_shared`).
    #[arg(long)]
    sharing: Option<String>,
    /// Opening class (`unconditional`, `conditional`, `not_open`).
    #[arg(long)]
    opening: Option<String>,
    /// The base database the resource belongs to, if any.
    #[arg(long)]
    base_database: Option<String>,
    /// The legal basis cited for a restricted class.
    #[arg(long)]
    legal_basis: Option<String>,
    /// The kind of that basis (a term of the pack's `legal_bases`: `law`, `central_policy`, …).
    #[arg(long)]
    legal_basis_kind: Option<String>,
    /// The filing (备案) made for it.
    #[arg(long)]
    filing: Option<String>,
    /// The intended use of conditionally open data (`research`, `commercial`).
    #[arg(long = "use")]
    intended_use: Option<String>,
    /// Print the violations as JSON.
    #[arg(long)]
    json: bool,
    #[arg(long, default_value = "cities")]
    cities: PathBuf,
}

pub fn run(a: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let (pack, diagnostics) = load_pack(&Disk, &a.cities.join(&a.city));
    let Some(pack) = pack else {
        for d in diagnostics {
            eprintln!("{d}");
        }
        anyhow::bail!("the `{}` pack does not load", a.city);
    };
    let resource = DataResource {
        sharing: a.sharing,
        opening: a.opening,
        base_database: a.base_database,
        legal_basis: a.legal_basis,
        legal_basis_kind: a.legal_basis_kind,
        filing: a.filing,
        intended_use: a.intended_use,
    };
    let violations = pack.pack.classification.check(&resource);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&violations)?);
    } else if violations.is_empty() {
        println!("no rule of {} is broken", pack.pack.city);
    } else {
        for v in &violations {
            println!(
                "{}: {} (`{}`) — {}「{}」",
                v.rule,
                v.description,
                v.fields.join("`, `"),
                v.article,
                v.quote
            );
        }
    }
    Ok(if violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
