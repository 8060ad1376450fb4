//! The handle of a store's committer thread, shared by every store that commits through one
//! writer: `commit` sends its batch over a channel and waits for the answer, which the
//! thread gives once the batch's group is durable. Dropping the handle closes the channel;
//! the thread answers what is queued, ends, and is joined.

use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

use crate::{Batch, Error, Receipt};

/// One batch to commit and where to send its outcome.
pub struct Request {
    pub batch: Batch,
    pub reply: SyncSender<Result<Receipt, Error>>,
}

pub struct Committer {
    sender: Option<Sender<Request>>,
    thread: Option<JoinHandle<()>>,
}

impl Committer {
    /// Starts the thread `name`, which runs `run` over the queue of requests until the
    /// handle is dropped.
    pub fn spawn(
        name: &str,
        run: impl FnOnce(Receiver<Request>) + Send + 'static,
    ) -> std::io::Result<Committer> {
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || run(receiver))?;
        Ok(Committer {
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Commits `batch` and waits for its outcome; [`Error::Closed`] once the thread is gone.
    pub fn commit(&self, batch: Batch) -> Result<Receipt, Error> {
        let (reply, answer) = mpsc::sync_channel(1);
        let sender = self.sender.as_ref().ok_or(Error::Closed)?;
        sender
            .send(Request { batch, reply })
            .map_err(|_| Error::Closed)?;
        answer.recv().map_err(|_| Error::Closed)?
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        self.sender.take();
        if let Some(thread) = self.thread.take() {
            // A panicked committer already failed its callers with `Error::Closed`.
            let _ = thread.join();
        }
    }
}
