//! Back notifications: POST the signed form to backUrl, retry on a non-200 answer or a
//! timeout on UnionPay's schedule (0, 1, 2, 4 minutes, compressed by `notify_speed`), and
//! record every attempt. Retry delays run on real time, not on the sandbox clock.
#![allow(clippy::disallowed_methods)] // the sandbox is a host: this module sleeps and posts

use crate::clock::instant_now;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use unionpay_acp::Fields;

/// A signed notification ready to send.
#[derive(Clone, Debug)]
pub struct Notice {
    /// backUrl.
    pub url: String,
    /// The signed fields.
    pub fields: Fields,
    /// Attempts to lose on purpose (fault injection).
    pub lose_attempts: u32,
}

/// What one attempt gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The merchant answered 200 (or 302).
    Delivered {
        /// HTTP status.
        status: u16,
    },
    /// Another status, a timeout or a connection error.
    Failed {
        /// HTTP status, if one came.
        status: Option<u16>,
        /// What went wrong.
        error: String,
    },
    /// Lost on purpose by a `NotifyFail` fault (nothing was sent).
    LostByFault,
}

/// One attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyAttempt {
    /// Milliseconds since the notification was queued.
    pub after_ms: u64,
    /// The result.
    pub outcome: AttemptOutcome,
}

/// A notification and its delivery history.
#[derive(Clone, Debug)]
pub struct NotificationRecord {
    /// Sequence number.
    pub id: u64,
    /// backUrl.
    pub url: String,
    /// The signed fields as sent.
    pub fields: Fields,
    /// The form-encoded body as sent.
    pub body: String,
    /// Every attempt so far.
    pub attempts: Vec<NotifyAttempt>,
    /// A 200/302 arrived.
    pub delivered: bool,
    /// The schedule is exhausted without delivery.
    pub gave_up: bool,
}

impl NotificationRecord {
    /// A field of the notification.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key)
    }
}

struct Job {
    id: u64,
    due: Instant,
    next_attempt: usize,
    queued: Instant,
    lose: u32,
}

struct Shared {
    jobs: Mutex<Vec<Job>>,
    records: Mutex<Vec<NotificationRecord>>,
    wake: Condvar,
    stop: AtomicBool,
    schedule: Vec<Duration>,
    /// Keeps connections to backUrls alive between notifications.
    client: crate::http::HttpClient,
    next_id: Mutex<u64>,
}

/// Producer of notifications that became due on the sandbox clock (faulted transactions
/// whose result is revealed later).
pub(crate) type Ticker = Box<dyn Fn() -> Vec<Notice> + Send>;

/// The delivery worker.
pub(crate) struct Notifier {
    shared: Arc<Shared>,
    worker: Option<JoinHandle<()>>,
}

/// A cheap handle to queue notifications and read the records.
#[derive(Clone)]
pub(crate) struct NotifyQueue(Arc<Shared>);

impl Notifier {
    pub fn start(schedule_secs: &[u64], speed: f64, ticker: Ticker) -> std::io::Result<Self> {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        let schedule = schedule_secs
            .iter()
            .map(|s| Duration::from_secs_f64(*s as f64 / speed))
            .collect();
        let timeout = Duration::from_secs_f64(10.0 / speed).max(Duration::from_millis(300));
        let shared = Arc::new(Shared {
            jobs: Mutex::default(),
            records: Mutex::default(),
            wake: Condvar::new(),
            stop: AtomicBool::new(false),
            schedule,
            client: crate::http::HttpClient::new(timeout),
            next_id: Mutex::new(0),
        });
        let worker = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("notifier".to_owned())
                .spawn(move || run(&shared, ticker))?
        };
        Ok(Notifier {
            shared,
            worker: Some(worker),
        })
    }

    pub fn queue(&self) -> NotifyQueue {
        NotifyQueue(self.shared.clone())
    }

    pub fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.wake.notify_all();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl NotifyQueue {
    pub fn push(&self, notices: Vec<Notice>) {
        push(&self.0, notices);
    }

    pub fn records(&self) -> Vec<NotificationRecord> {
        lock(&self.0.records).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn push(shared: &Shared, notices: Vec<Notice>) {
    if notices.is_empty() {
        return;
    }
    let now = instant_now();
    for n in notices {
        let id = {
            let mut next = lock(&shared.next_id);
            *next += 1;
            *next
        };
        let body = unionpay_acp::form::encode_form(&n.fields);
        lock(&shared.records).push(NotificationRecord {
            id,
            url: n.url,
            fields: n.fields,
            body,
            attempts: Vec::new(),
            delivered: false,
            gave_up: false,
        });
        let first = shared.schedule.first().copied().unwrap_or_default();
        lock(&shared.jobs).push(Job {
            id,
            due: now + first,
            next_attempt: 0,
            queued: now,
            lose: n.lose_attempts,
        });
    }
    shared.wake.notify_all();
}

fn run(shared: &Arc<Shared>, ticker: Ticker) {
    let mut senders: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) {
        push(shared, ticker());
        let now = instant_now();
        let due: Vec<Job> = {
            let mut jobs = lock(&shared.jobs);
            let (due, later): (Vec<Job>, Vec<Job>) = jobs.drain(..).partition(|j| j.due <= now);
            *jobs = later;
            due
        };
        for job in due {
            let shared2 = shared.clone();
            if let Ok(h) = std::thread::Builder::new()
                .name("notify-send".to_owned())
                .spawn(move || attempt(&shared2, job))
            {
                senders.push(h);
            }
        }
        senders.retain(|h| !h.is_finished());
        let jobs = lock(&shared.jobs);
        let wait = jobs
            .iter()
            .map(|j| j.due.saturating_duration_since(instant_now()))
            .min()
            .unwrap_or(Duration::from_millis(100))
            .min(Duration::from_millis(100));
        let _ = shared.wake.wait_timeout(jobs, wait);
    }
    for h in senders {
        let _ = h.join();
    }
}

fn attempt(shared: &Arc<Shared>, mut job: Job) {
    let (url, body) = {
        let records = lock(&shared.records);
        match records.iter().find(|r| r.id == job.id) {
            Some(r) => (r.url.clone(), r.body.clone()),
            None => return,
        }
    };
    let outcome = if job.lose > 0 {
        job.lose -= 1;
        AttemptOutcome::LostByFault
    } else {
        match shared.client.post(
            &url,
            "application/x-www-form-urlencoded;charset=UTF-8",
            body.as_bytes(),
        ) {
            Ok(r) if r.status == 200 || r.status == 302 => {
                AttemptOutcome::Delivered { status: r.status }
            }
            Ok(r) => AttemptOutcome::Failed {
                status: Some(r.status),
                error: format!("HTTP {}", r.status),
            },
            Err(e) => AttemptOutcome::Failed {
                status: None,
                error: e.to_string(),
            },
        }
    };
    let delivered = matches!(outcome, AttemptOutcome::Delivered { .. });
    job.next_attempt += 1;
    let next_delay = shared.schedule.get(job.next_attempt).copied();
    {
        let mut records = lock(&shared.records);
        if let Some(r) = records.iter_mut().find(|r| r.id == job.id) {
            r.attempts.push(NotifyAttempt {
                after_ms: u64::try_from(job.queued.elapsed().as_millis()).unwrap_or(u64::MAX),
                outcome,
            });
            r.delivered = delivered;
            r.gave_up = !delivered && next_delay.is_none();
        }
    }
    if let (false, Some(delay), false) = (delivered, next_delay, shared.stop.load(Ordering::SeqCst))
    {
        job.due = instant_now() + delay;
        lock(&shared.jobs).push(job);
        shared.wake.notify_all();
    }
}
