"""How far long command-line work has got: a bar on a terminal (tqdm), plain lines
elsewhere (cron, CI, a log file), where a bar's carriage returns and redraws would only
clutter. Called as progress(done, total), like the jobs' progress (jobs.running), so the
same services report to a worker's job or to a person at a terminal.

    with TerminalProgress(self.stdout, _("Writing the workbook")) as progress:
        write_workbook(..., progress=progress)
"""

import contextlib

from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

# Plain lines: one each time the work passes another tenth, so a million rows make ten.
LINES = 10


class TerminalProgress:
    def __init__(self, stream, label: str, *, bar: bool | None = None, at_least: int = 0, language: str | None = None):
        # A command's stdout is Django's OutputWrapper, which adds a newline to every write:
        # the bar draws on the file underneath it.
        self.stream = getattr(stream, "_out", stream)
        self.label = label
        # Work smaller than this says nothing: a bar that is full at once only flickers.
        self.at_least = at_least
        # A command that speaks English whatever the site's language (seed_demo) says so.
        self.language = language
        self.bar = _is_terminal(self.stream) if bar is None else bar
        self._tqdm: tqdm | None = None
        self._next_line = 0  # in tenths
        self.done = self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.total = max(total, 0)
        self.done = min(max(done, 0), self.total)
        if self.total < self.at_least:
            return
        if self.bar:
            self._draw()
        else:
            self._lines()

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.close(finished=kind is None)

    def close(self, *, finished: bool = True) -> None:
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
        elif finished and not self.bar and self.total >= max(self.at_least, 1) and self._next_line <= LINES:
            self._write_line()  # the last line says it is complete

    def _draw(self) -> None:
        if self._tqdm is None:
            self._tqdm = tqdm(
                total=self.total, desc=self.label, file=self.stream, dynamic_ncols=True, mininterval=0.1, leave=True
            )
        if self._tqdm.total != self.total:
            self._tqdm.total = self.total
        self._tqdm.update(self.done - self._tqdm.n)

    def _lines(self) -> None:
        if not self.total:
            return
        tenths = LINES * self.done // self.total
        if tenths >= self._next_line:
            self._write_line()
            self._next_line = tenths + 1

    def _write_line(self) -> None:
        percent = 100 * self.done // self.total if self.total else 100
        words = {"label": self.label, "done": self.done, "total": self.total, "percent": percent}
        with translation.override(self.language) if self.language else contextlib.nullcontext():
            # Translators: a line of progress in a log, e.g. "Writing the workbook: 1200/5000 (24%)".
            line = _("%(label)s: %(done)d/%(total)d (%(percent)d%%)") % words
        self.stream.write(line + "\n")
        self.stream.flush()


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
