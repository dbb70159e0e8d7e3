"""Long output on a terminal goes through a pager, as `git` and `man` do; never when piped.

The pager is `$BILAT_PAGER`, else `$PAGER`, else `less`; an empty value or `cat` means none.  `less` gets
`LESS=FRX` unless the user set LESS (quit when the text fits one screen, keep colours, leave the text on the
screen), as git does.  `--no-pager` turns it off for one command.  When the pager cannot be started the text
is written as it is: paging is a convenience, never a reason to fail.
"""

from __future__ import annotations

import os
import shutil

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO


def pager_command() -> str | None:
    """The pager to run, or None when the user turned paging off."""
    for name in ("BILAT_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            value = value.strip()
            return None if value in ("", "cat") else value
    return "less" if shutil.which("less") else None


def page(text: str, out: IO[str], height: int) -> bool:
    """Show `text` (with its colour codes) through the pager when `out` is a terminal and it is taller than
    `height` lines; True when the pager showed it, False when the caller should write it itself."""
    if not out.isatty() or text.count("\n") < height:
        return False
    command = pager_command()
    if command is None:
        return False
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    out.flush()
    try:
        process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env, text=True, encoding="utf-8")
    except OSError:
        return False
    assert process.stdin is not None
    try:
        process.stdin.write(text)
        process.stdin.close()
    except (BrokenPipeError, OSError):  # the reader quit the pager before the end: nothing is lost
        pass
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less uses it to stop a search)
            continue
    return process.returncode != 127  # 127: the shell found no such command; write the text instead
