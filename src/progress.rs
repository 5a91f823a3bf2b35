//! Progress reporting for long runs, on standard error.
//!
//! Work reports its progress through the [`Progress`] trait: a phase with a `total` (in any
//! unit, 0 if unknown), `done` so far, and a message. [`NoProgress`] ignores everything (the
//! default for library calls). [`StderrProgress`] stays silent for the first
//! [`StderrProgress::DELAY`] of a phase (so short runs print nothing), then draws an
//! `indicatif` bar when standard error is a terminal, and otherwise prints a plain line
//! `progress: MESSAGE: DONE / TOTAL (P%), ELAPSED s` at most every
//! [`StderrProgress::INTERVAL`].
//!
//! ```
//! use diffknap::progress::{NoProgress, Progress};
//! fn work(p: &dyn Progress) {
//!     p.start(10, "counting");
//!     for i in 1..=10 {
//!         p.set(i);
//!     }
//!     p.finish();
//! }
//! work(&NoProgress);
//! ```

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Something that work can report its progress to. Every method has a no-op default.
pub trait Progress: Sync {
    /// A new phase of `total` units (0 = unknown) described by `message`.
    fn start(&self, total: u64, message: &str) {
        let _ = (total, message);
    }
    /// `done` units of the current phase are complete (absolute, not an increment).
    fn set(&self, done: u64) {
        let _ = done;
    }
    /// The current phase ended (a drawn bar is cleared).
    fn finish(&self) {}
}

/// Reports nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

#[derive(Debug)]
enum Display {
    Silent,
    Bar(indicatif::ProgressBar),
    Lines,
}

#[derive(Debug)]
struct State {
    total: u64,
    done: u64,
    message: String,
    started: Instant,
    last_line: Option<Instant>,
    display: Display,
}

/// Progress on standard error: a bar on a terminal, a periodic line otherwise, nothing for
/// phases shorter than [`StderrProgress::DELAY`].
pub struct StderrProgress {
    terminal: bool,
    delay: Duration,
    interval: Duration,
    sink: Mutex<Box<dyn Write + Send>>,
    state: Mutex<Option<State>>,
}

impl std::fmt::Debug for StderrProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StderrProgress")
            .field("terminal", &self.terminal)
            .field("delay", &self.delay)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl Default for StderrProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl StderrProgress {
    /// Nothing is shown before a phase has run this long.
    pub const DELAY: Duration = Duration::from_secs(2);
    /// Plain lines (standard error not a terminal) are at least this far apart.
    pub const INTERVAL: Duration = Duration::from_secs(5);

    /// A bar if standard error is a terminal, plain lines otherwise.
    pub fn new() -> Self {
        Self::with_terminal(std::io::stderr().is_terminal())
    }

    /// Force the display mode (`terminal = false`: plain lines on standard error).
    pub fn with_terminal(terminal: bool) -> Self {
        Self {
            terminal,
            delay: Self::DELAY,
            interval: Self::INTERVAL,
            sink: Mutex::new(Box::new(std::io::stderr())),
            state: Mutex::new(None),
        }
    }

    /// Plain lines to `sink`, shown after `delay` and at most every `interval` (for logs and
    /// tests).
    pub fn lines_to(sink: Box<dyn Write + Send>, delay: Duration, interval: Duration) -> Self {
        Self {
            terminal: false,
            delay,
            interval,
            sink: Mutex::new(sink),
            state: Mutex::new(None),
        }
    }

    fn write_line(&self, line: &str) {
        let mut w = self.sink.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(w, "{line}");
        let _ = w.flush();
    }

    fn line(s: &State) -> String {
        let secs = s.started.elapsed().as_secs_f64();
        if s.total > 0 {
            let pct = 100.0 * s.done as f64 / s.total as f64;
            format!(
                "progress: {}: {} / {} ({pct:.1}%), {secs:.0} s",
                s.message, s.done, s.total
            )
        } else {
            format!("progress: {}: {}, {secs:.0} s", s.message, s.done)
        }
    }
}

impl Progress for StderrProgress {
    fn start(&self, total: u64, message: &str) {
        self.finish();
        let mut g = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *g = Some(State {
            total,
            done: 0,
            message: message.to_string(),
            started: Instant::now(),
            last_line: None,
            display: Display::Silent,
        });
    }

    fn set(&self, done: u64) {
        let mut g = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(s) = g.as_mut() else {
            return;
        };
        s.done = done;
        let now = Instant::now();
        if let Display::Silent = s.display {
            if now.duration_since(s.started) < self.delay {
                return;
            }
            s.display = if self.terminal {
                let bar = if s.total > 0 {
                    indicatif::ProgressBar::new(s.total)
                } else {
                    indicatif::ProgressBar::new_spinner()
                };
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{msg} [{bar:40}] {pos}/{len} ({percent}%) {elapsed}, about {eta} left",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar.set_message(s.message.clone());
                Display::Bar(bar)
            } else {
                Display::Lines
            };
        }
        match &s.display {
            Display::Bar(bar) => bar.set_position(done),
            Display::Lines => {
                if s.last_line
                    .is_none_or(|t| now.duration_since(t) >= self.interval)
                {
                    s.last_line = Some(now);
                    let line = Self::line(s);
                    self.write_line(&line);
                }
            }
            Display::Silent => {}
        }
    }

    fn finish(&self) {
        let mut g = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = g.take() {
            match s.display {
                Display::Bar(bar) => bar.finish_and_clear(),
                Display::Lines => {
                    let line = format!(
                        "progress: {}: done, {:.0} s",
                        s.message,
                        s.started.elapsed().as_secs_f64()
                    );
                    self.write_line(&line);
                }
                Display::Silent => {}
            }
        }
    }
}

impl Drop for StderrProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A progress sink that records every call (for tests of code that reports progress).
#[derive(Debug, Default)]
pub struct Recorder {
    /// `(total, message)` of every phase started.
    pub starts: Mutex<Vec<(u64, String)>>,
    /// Every `done` reported.
    pub sets: Mutex<Vec<u64>>,
    /// Number of phases finished.
    pub finishes: Mutex<u64>,
}

impl Progress for Recorder {
    fn start(&self, total: u64, message: &str) {
        self.starts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((total, message.to_string()));
    }
    fn set(&self, done: u64) {
        self.sets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(done);
    }
    fn finish(&self) {
        *self.finishes.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_phases_print_nothing_and_lines_format() {
        let p = StderrProgress::with_terminal(false);
        p.start(10, "x");
        p.set(5);
        {
            let g = p.state.lock().unwrap();
            let s = g.as_ref().unwrap();
            assert!(matches!(s.display, Display::Silent));
            assert_eq!(
                StderrProgress::line(s).split(", ").next().unwrap(),
                "progress: x: 5 / 10 (50.0%)"
            );
        }
        p.finish();
        assert!(p.state.lock().unwrap().is_none());
    }

    /// A sink the test can read back.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn plain_lines_after_the_delay_and_nothing_before() {
        // No delay, no interval: every update is a line, then "done".
        let out = Shared::default();
        let p = StderrProgress::lines_to(Box::new(out.clone()), Duration::ZERO, Duration::ZERO);
        p.start(4, "work");
        p.set(1);
        p.set(4);
        p.finish();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("progress: work: 1 / 4 (25.0%), "));
        assert!(lines[1].starts_with("progress: work: 4 / 4 (100.0%), "));
        assert!(lines[2].starts_with("progress: work: done, "));
        // A delay longer than the phase: nothing at all (a short run stays silent).
        let out = Shared::default();
        let p = StderrProgress::lines_to(
            Box::new(out.clone()),
            Duration::from_secs(3600),
            Duration::ZERO,
        );
        p.start(0, "quiet");
        p.set(7);
        p.finish();
        assert!(out.0.lock().unwrap().is_empty());
    }
}
