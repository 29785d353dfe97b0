"""The kinds of background work. Apps above this one register theirs when they are ready
(their task, and how a job of the kind is named on a page), so that a retry or a page
here can handle every kind without importing upwards."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobs.models import Job


@dataclass(frozen=True)
class JobKind:
    name: str
    task: object  # a django_tasks Task taking (job_id: str, attempt: int)
    describe: Callable[["Job"], str]
    # A kind whose result is read on a page of its own app (a roster's preview), not
    # downloaded: the job page sends the person there once the job is done.
    result_page: Callable[["Job"], str] | None = None
    # What a done job achieved, said on its page (an import's counts); its file, if any,
    # is then the kind's own record and offers no download.
    summary: Callable[["Job"], str] | None = None

    @property
    def downloadable(self) -> bool:
        return self.result_page is None and self.summary is None


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def kind_of(job: "Job") -> JobKind:
    return _KINDS[job.kind]


def kind_named(name: str) -> JobKind | None:
    return _KINDS.get(name)


def describe(job: "Job") -> str:
    kind = _KINDS.get(job.kind)
    return kind.describe(job) if kind else job.kind
