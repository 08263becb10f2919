"""Where documents are processed: every engine runs ``worker.process_document`` on each Task.

- ``local`` with one job: in this process, one document after the other;
- ``local`` with N jobs: N worker processes with the model loaded once in each (forked from
  this process on Linux, spawned elsewhere);
- ``dask``: Dask distributed workers, on a local cluster of N workers or on a running
  scheduler. Workers read the inputs and write the outputs themselves, so with a remote
  scheduler both must be on a file system every worker sees at the same paths.

Each engine yields ``(index, entry)`` as documents finish and keeps at most a few documents
per worker in flight, so memory does not grow with the number of documents.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Sequence

from ..errors import EngineError
from .worker import Task, failed_entry, internal_error, process_document, warm

ENGINES = ("local", "dask")
IN_FLIGHT_PER_WORKER = 2
SCHEDULER_TIMEOUT = "10s"
# On Linux workers are forked from this process, which has imported argmine and loaded the model
# already: a worker starts at once, with no imports of its own. Elsewhere fork is unsafe (macOS) or
# missing (Windows), and workers are spawned: each imports argmine and loads the model once.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


def run_tasks(
    tasks: Sequence[Task], engine: str = "local", jobs: int = 1, scheduler: str | None = None
) -> Iterator[tuple[int, dict]]:
    check_engine(engine, jobs, scheduler)
    if engine == "dask":
        return _dask(tasks, jobs, scheduler)
    if jobs == 1 or len(tasks) <= 1:
        return ((i, process_document(task)) for i, task in enumerate(tasks))
    return _processes(tasks, jobs)


def check_engine(engine: str, jobs: int, scheduler: str | None) -> None:
    """Raise EngineError when the engine cannot run: unknown, wrong options, or not installed."""
    if jobs < 1:
        raise EngineError(f"jobs must be at least 1, got {jobs}")
    if engine not in ENGINES:
        raise EngineError(f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine == "local" and scheduler is not None:
        raise EngineError("a scheduler address needs the dask engine")
    if engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise EngineError(
                "the dask engine needs Dask distributed, which is not "
                "installed; install it with pip install 'argmine[dask]'"
            ) from None


def _processes(tasks: Sequence[Task], jobs: int) -> Iterator[tuple[int, dict]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    workers = min(jobs, len(tasks))
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(tasks[0].model, os.getpid())
    ) as pool:
        try:
            pending = {}
            queue = iter(enumerate(tasks))
            for index, task in queue:
                pending[pool.submit(process_document, task)] = (index, task)
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    break
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index, task = pending.pop(future)
                    try:
                        yield index, future.result()
                    except Exception as exc:  # a worker died: this document failed, the others go on
                        yield index, failed_entry(task, internal_error(task, exc))
                    following = next(queue, None)
                    if following is not None:
                        pending[pool.submit(process_document, following[1])] = following
        except BaseException:  # Ctrl-C, or the caller stopped early: drop the waiting documents
            pool.shutdown(wait=True, cancel_futures=True)  # those being processed finish, whole
            raise


def _start_worker(model: str, parent: int) -> None:
    """A worker process's start: Ctrl-C is for the parent, which stops the run (a terminal sends it
    to every process of the group); the worker dies with the parent, even one killed outright, rather
    than go on alone; then the model is loaded."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (AttributeError, OSError):  # a C library without prctl: workers may outlive a killed parent
            pass
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
    warm(model)


def _dask(tasks: Sequence[Task], jobs: int, scheduler: str | None) -> Iterator[tuple[int, dict]]:
    import logging

    from distributed import Client, LocalCluster, as_completed

    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
            )
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise EngineError(
                    f"{scheduler}: cannot reach the Dask scheduler ({type(exc).__name__}); "
                    "check the address, or leave it out for a local cluster"
                ) from None
        with client:
            workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
            pending = {}
            queue = iter(enumerate(tasks))
            running = as_completed()
            for index, task in queue:
                future = client.submit(process_document, task, pure=False)
                pending[future.key] = (index, task)
                running.add(future)
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    break
            for future in running:
                index, task = pending.pop(future.key)
                try:
                    yield index, future.result()
                except Exception as exc:
                    yield index, failed_entry(task, internal_error(task, exc))
                following = next(queue, None)
                if following is not None:
                    future = client.submit(process_document, following[1], pure=False)
                    pending[future.key] = following
                    running.add(future)
    finally:
        if cluster is not None:
            cluster.close()
