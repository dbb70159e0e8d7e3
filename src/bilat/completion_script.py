"""`bilat --show-completion [SHELL]`: the completion script of the shell named, or of the shell bilat runs in.

Typer's own option ignores a shell named after it and detects the parent shell, so `--show-completion zsh`
printed the bash script from bash, and with no shell above (cron, nohup, CI) it failed with
"Shell  not supported.".  Here the named shell wins; with none named the parent shell is detected
(shellingham, which Typer uses too), and when there is none a one-line usage error asks for the name.
The script itself is the one Typer's option prints (`typer.completion.get_completion_script`).
"""

from __future__ import annotations

import sys

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
ASK = "name the shell: bilat --show-completion bash|zsh|fish|powershell"


def detected_shell() -> str | None:
    """The shell bilat was started from, or None (no shell above it, or it cannot be told)."""
    try:
        import shellingham  # type: ignore[import-untyped]

        name, _path = shellingham.detect_shell()
    except Exception:  # ShellDetectionFailure, no /proc, no ps: there is no shell to name
        return None
    name = str(name).lower()
    return name if name in SHELLS else None


def show_completion(args: list[str]) -> int | None:
    """Print the script for `bilat --show-completion [SHELL]` and return 0 (2 for a usage error); None when
    `args` is another command line."""
    if not args or args[0] != "--show-completion":
        return None
    if len(args) > 2:
        sys.stderr.write(f"error: --show-completion takes one shell name; {ASK}\n")
        return 2
    shell = args[1].lower() if len(args) == 2 else detected_shell()
    if shell is None:
        sys.stderr.write(f"error: --show-completion: no shell started bilat, so it cannot tell which; {ASK}\n")
        return 2
    if shell not in SHELLS:
        sys.stderr.write(f"error: --show-completion: unknown shell {args[1]!r}; {ASK}\n")
        return 2
    from typer.completion import get_completion_script  # type: ignore[attr-defined]  # what Typer prints

    script = get_completion_script(prog_name="bilat", complete_var="_BILAT_COMPLETE", shell=shell)
    sys.stdout.write(script.rstrip("\n") + "\n")
    return 0
