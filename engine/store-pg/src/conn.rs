//! Connections: opening one with the settings a store relies on, a cache of prepared
//! statements per connection, a small pool for reads, and a connection string's
//! description without its password.

use govflow_store::Error;
use postgres::config::Host;
use postgres::{Client, Config, GenericClient, NoTls, Row, Statement};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use postgres::types::ToSql;

pub fn db(e: postgres::Error) -> Error {
    Error::Database(Arc::new(e))
}

/// `postgres://user@host:port/database`: what a log or an error may show.
pub fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    format!(
        "postgres://{}@{}:{}/{}",
        config.get_user().unwrap_or(""),
        hosts.join(","),
        ports.join(","),
        config.get_dbname().unwrap_or("")
    )
}

/// How long the server lets a transaction of ours sit idle before ending it.
pub const IDLE_IN_TRANSACTION: std::time::Duration = std::time::Duration::from_secs(5);

/// One connection and the statements prepared on it.
pub struct Conn {
    pub client: Client,
    statements: HashMap<String, Statement>,
}

impl Conn {
    /// Connects with `synchronous_commit` on, whatever the server's default: a commit
    /// returns once it is on disk. A transaction left open by a process that froze
    /// (SIGSTOP, a VM paused) is ended by the server after [`IDLE_IN_TRANSACTION`], so the
    /// feed head's lock it holds cannot stop every other node; the frozen process finds
    /// its connection closed when it wakes and reports the commit failed. A server without
    /// the setting (older than 9.6, or a compatible one) keeps its default.
    pub fn open(config: &Config) -> Result<Conn, Error> {
        let mut client = config.connect(NoTls).map_err(db)?;
        client
            .batch_execute("SET synchronous_commit = on")
            .map_err(db)?;
        let _ = client.batch_execute(&format!(
            "SET idle_in_transaction_session_timeout = {}",
            IDLE_IN_TRANSACTION.as_millis()
        ));
        Ok(Conn {
            client,
            statements: HashMap::new(),
        })
    }

    pub fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, postgres::Error> {
        let statement = prepared(&mut self.client, &mut self.statements, sql)?;
        self.client.query(&statement, params)
    }

    /// The client and the statement cache, to use the cache inside a transaction.
    pub fn split(&mut self) -> (&mut Client, &mut Statements) {
        (&mut self.client, &mut self.statements)
    }
}

pub type Statements = HashMap<String, Statement>;

/// `sql` prepared once per connection.
pub fn prepared<C: GenericClient>(
    client: &mut C,
    statements: &mut Statements,
    sql: &str,
) -> Result<Statement, postgres::Error> {
    if let Some(statement) = statements.get(sql) {
        return Ok(statement.clone());
    }
    let statement = client.prepare(sql)?;
    statements.insert(sql.to_owned(), statement.clone());
    Ok(statement)
}

/// Idle connections for reads; a read takes one (or opens one) and gives it back.
pub struct Pool {
    config: Config,
    idle: Mutex<Vec<Conn>>,
}

/// More idle connections than this are closed instead of kept.
const MAX_IDLE: usize = 16;

impl Pool {
    pub fn new(config: Config) -> Pool {
        Pool {
            config,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn with<T>(
        &self,
        read: impl FnOnce(&mut Conn) -> Result<T, postgres::Error>,
    ) -> Result<T, Error> {
        let idle = self.lock().pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => Conn::open(&self.config)?,
        };
        let result = read(&mut conn);
        if !conn.client.is_closed() {
            let mut idle = self.lock();
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
        result.map_err(db)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Conn>> {
        // A connection list cannot be left half-changed by a panic.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}
