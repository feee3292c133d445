"""Running a generator in a second process, its items streamed back as they are made.

`kt screen` on a long list cleans and screens rows here while the main process writes the
previous batch to the database: on two cores, the two halves of the work overlap. The worker is
forked, so it starts in milliseconds and inherits the opened list (nothing is read twice) but
never the database: it only computes, and the main process alone writes. Only on Linux (fork is
not available on Windows, and not safe with macOS's system libraries), with a second core, and
when the fork succeeds; otherwise the generator simply runs in the calling process.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import traceback
from collections.abc import Callable, Generator, Iterable
from typing import TypeVar

from kompetanse_cli.errors import KtError

T = TypeVar("T")
_ITEM, _DONE, _KT_ERROR, _ERROR = "item", "done", "kt-error", "error"
PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process (/proc/sys/fs/pipe-max-size)


class WorkerError(RuntimeError):
    """An unexpected error in the worker. `summary` says what happened in words safe to show
    (e.g. the worker's exit code); `trace` where: the frames and the exception's type, never its
    message (which may quote a cell)."""

    def __init__(self, summary: str, trace: str = "") -> None:
        super().__init__(summary)
        self.summary = summary
        self.trace = trace


def can_fork() -> bool:
    """A second process is possible and worth starting: Linux, and a second core for kt."""
    if not sys.platform.startswith("linux"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores > 1


def stream(produce: Callable[[], Iterable[T]], *, forked: bool = True) -> Generator[T, None, None]:
    """The items of `produce()`, made in a forked worker process when `forked` (and possible).

    An error in the worker is raised here: a KtError as itself, anything else as a WorkerError.
    Leaving the loop early, or Ctrl-C, stops the worker.
    """
    if not (forked and can_fork()):
        yield from produce()
        return
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    _widen(receiving)
    process = context.Process(target=_work, args=(produce, sending, receiving), daemon=True)
    try:
        if not _start(process):  # no memory or no process slot for a second process
            yield from produce()
            return
        sending.close()  # the worker holds the only sending end: its exit ends our recv() with EOFError
        while True:
            try:
                kind, payload = receiving.recv()
            except EOFError:
                process.join()
                raise WorkerError(f"arbeidsprosessen stoppet uventet (kode {process.exitcode})") from None
            if kind == _ITEM:
                yield payload
            elif kind == _DONE:
                return
            elif kind == _KT_ERROR:
                error_type, message, hint = payload
                raise error_type(message, hint=hint)
            else:
                what = payload.rsplit("\n", 1)[-1]  # the exception's type; its message never travels
                raise WorkerError(f"feil i arbeidsprosessen: {what}", payload)
    finally:
        sending.close()
        receiving.close()
        if process.pid is not None:
            if process.is_alive():
                process.terminate()
            process.join()


def _widen(connection) -> None:
    """Let the pipe hold a whole batch (≈ 0.4 MB pickled for 2 500 rows) instead of 64 kB, so that
    the worker can hand over its next batch and go on while this process is still storing the
    previous one. Linux only; where the system does not allow it, the pipe stays as it was."""
    try:
        import fcntl  # not on Windows, where there is no worker either

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _start(process: multiprocessing.process.BaseProcess) -> bool:
    """Fork the worker with Ctrl-C held back: the worker ignores Ctrl-C only once it runs, and one
    arriving in between would print a traceback on the user's terminal. False if fork failed."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        process.start()
        return True
    except OSError:
        return False
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a held-back Ctrl-C arrives here, in us


def _work(produce: Callable[[], Iterable[T]], sending, receiving) -> None:
    """The worker: make the items and send them; the main process alone handles Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back by the fork; now ignored
    # Only the main process may hold the reading end: if it dies, the next send fails and the
    # worker ends instead of waiting forever on a full pipe.
    receiving.close()
    # The worker has nothing to say on stdout/stderr. Pointing them at /dev/null means whatever
    # the main process had half-written is not written twice, and a shell or test reading kt's
    # output sees it end when the main process ends.
    quiet = os.open(os.devnull, os.O_WRONLY)
    for descriptor in (1, 2):
        os.dup2(quiet, descriptor)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    try:
        for item in produce():
            sending.send((_ITEM, item))
        sending.send((_DONE, None))
    except KtError as error:
        sending.send((_KT_ERROR, (type(error), error.message, error.hint)))
    except BrokenPipeError:
        pass  # the main process stopped listening (an error there, or Ctrl-C)
    except BaseException as error:  # noqa: BLE001 - reported to the main process, which decides
        frames = "".join(traceback.format_tb(error.__traceback__))
        try:
            sending.send((_ERROR, f"{frames}{type(error).__name__} (melding utelatt)"))
        except OSError:
            pass
    finally:
        sending.close()
