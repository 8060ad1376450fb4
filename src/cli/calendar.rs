use anyhow::Context;
use clap::{ArgGroup, Args, Subcommand};
use govflow_calendar::{NaiveDate, Period};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Print the due date of a period counted from a date (`YYYY-MM-DD`, then
    /// ` provisional` when the calendar does not cover the years it spans).
    Add(AddArgs),
    /// Print `workday` or `rest`.
    IsWorkday {
        date: NaiveDate,
        #[arg(long, default_value = "policies/calendars")]
        calendars: PathBuf,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("period").required(true).args(["working_days", "days", "months", "years"])))]
pub struct AddArgs {
    /// The day the count starts from (receipt); it is not counted itself.
    #[arg(long)]
    from: NaiveDate,
    #[arg(long)]
    working_days: Option<u32>,
    #[arg(long)]
    days: Option<u32>,
    #[arg(long)]
    months: Option<u32>,
    #[arg(long)]
    years: Option<u32>,
    #[arg(long, default_value = "policies/calendars")]
    calendars: PathBuf,
}

pub fn run(command: CalendarCommand) -> anyhow::Result<ExitCode> {
    match command {
        CalendarCommand::Add(a) => {
            let calendar = load(&a.calendars)?;
            let period = match (a.working_days, a.days, a.months, a.years) {
                (Some(n), ..) => Period::WorkingDays(n),
                (_, Some(n), ..) => Period::Days(n),
                (_, _, Some(n), _) => Period::Months(n),
                (.., Some(n)) => Period::Years(n),
                _ => unreachable!("clap requires one period"),
            };
            let due = calendar.add(a.from, period);
            if due.provisional {
                println!("{} provisional", due.date);
            } else {
                println!("{}", due.date);
            }
        }
        CalendarCommand::IsWorkday { date, calendars } => {
            let calendar = load(&calendars)?;
            println!(
                "{}",
                if calendar.is_workday(date) {
                    "workday"
                } else {
                    "rest"
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn load(dir: &std::path::Path) -> anyhow::Result<govflow_calendar::Calendar> {
    govflow_loader::load_calendar(&govflow_loader::Disk, dir)
        .map_err(|ds| {
            anyhow::anyhow!(ds
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"))
        })
        .with_context(|| format!("loading the holiday schedules in {}", dir.display()))
}
