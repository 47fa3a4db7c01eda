"""Progress bars for the commands: totals and time left on a terminal, nothing elsewhere.

`bar(total, ...)` counts items (articles, events) with tqdm; `Steps` counts the named stages of a
command that has no items to count (reading the tables, laying out, writing), so even a single
long stage shows what is running, for how long, and how many stages remain. Both draw only when
asked (`show`), which the CLI sets from `--no-progress` and whether stderr is a terminal.

>>> with Steps("demo", total=2, show=False) as steps:
...     steps.step("one"); steps.step("two")
>>> steps.done
2
"""
from __future__ import annotations

import sys
from typing import Any

__all__ = ["bar", "Steps"]


def bar(total: int | None, *, unit: str, desc: str, show: bool) -> Any:
    """A tqdm bar of `total` items (None: unknown total, then a counter) or a silent stand-in."""
    if not show:
        return _Silent()
    from tqdm import tqdm

    return tqdm(total=total, unit=f" {unit}", desc=desc, file=sys.stderr, dynamic_ncols=True,
                smoothing=0.1)


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class Steps:
    """The stages of one command as a bar of `total` steps; `step(name)` starts the next one."""

    def __init__(self, desc: str, *, total: int | None = None, show: bool = False) -> None:
        self.desc = desc
        self.total = total
        self.show = show
        self.done = 0
        self._bar: Any = None
        self._started = False

    def __enter__(self) -> Steps:
        self._bar = bar(self.total, unit="steps", desc=self.desc, show=self.show)
        return self

    def step(self, name: str, total: int | None = None) -> None:
        """Finish the running stage (if any) and start `name`; `total` corrects the number of
        stages when the caller knows it only now."""
        if self._bar is None:
            self.__enter__()
        if total is not None and self.show and getattr(self._bar, "total", None) != total:
            self._bar.total = total
        if self._started:
            self.done += 1
            self._bar.update(1)
        self._started = True
        self._bar.set_postfix_str(name)

    def __exit__(self, *exc: object) -> None:
        if self._started and exc[0] is None:
            self.done += 1
            self._bar.update(1)
        self._started = False
        if self._bar is not None:
            self._bar.close()
