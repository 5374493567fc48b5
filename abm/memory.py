"""What this process uses: its peak resident memory over a stretch of work, sampled from /proc, and
its CPU seconds.

``getrusage`` only knows the peak since the process started; to say which step peaks we sample
VmRSS in a background thread (every 20 ms by default, negligible cost).
"""

from __future__ import annotations

import resource
import threading
from pathlib import Path
from types import TracebackType

_STATUS = Path("/proc/self/status")


def cpu_seconds() -> tuple[float, float]:
    """(user, system) CPU seconds of this process so far, every thread's (DuckDB's and polars' too):
    steadier than wall time on a shared machine; the system share is mostly page faults."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def current_rss_mb() -> float:
    """Resident set size now, in MiB (falls back to the lifetime peak where /proc is absent)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakRss:
    """Context manager: ``with PeakRss() as peak: ...; peak.mb`` is the highest RSS seen inside."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.mb = max(self.mb, current_rss_mb())
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakRss:
        self.mb = current_rss_mb()
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.mb = max(self.mb, current_rss_mb())
