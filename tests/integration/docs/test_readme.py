"""The README cannot drift from the CLI: every command it shows exists, with its options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from watchkeeper.cli.main import app

README = Path(__file__).resolve().parents[3] / "README.md"
# Typer vendors its own click, so commands are told apart by shape: a group has `commands`.
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _readme_invocations() -> list[list[str]]:
    """The words after ``watchkeeper`` on every line of the README's code blocks."""
    found = []
    for block in FENCE.findall(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            command = line.split(" #", 1)[0]  # drop the trailing comment
            words = shlex.split(command, comments=False)
            for i, word in enumerate(words):
                if word == "watchkeeper" or word.endswith("/watchkeeper"):
                    found.append(words[i + 1 :])
                    break
    return found


def _resolve(words: list[str]) -> tuple[list[str], Any, list[str]]:
    """Walk the command tree along ``words``: (command path, command, remaining words)."""
    root = typer.main.get_command(app)
    command = root
    path: list[str] = []
    rest = list(words)
    while rest and hasattr(command, "commands"):
        word = rest[0]
        if word.startswith("-"):  # a global option (--as USER, --debug) before the command
            rest.pop(0)
            takes_value = any(
                word in p.opts and not getattr(p, "is_flag", False) for p in command.params
            )
            if takes_value and rest:
                rest.pop(0)
            continue
        sub = command.commands.get(word)
        assert sub is not None, f"README shows 'watchkeeper {' '.join(words)}': no command {word!r}"
        command, path = sub, [*path, rest.pop(0)]
    return path, command, rest


def _options(command: Any) -> set[str]:
    return {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}


def test_the_readme_shows_the_cli_in_its_code_blocks():
    invocations = _readme_invocations()
    named = {words[0] for words in invocations if words}
    assert len(invocations) >= 5, invocations
    assert {"db", "demo", "backlog", "incident", "import"} <= named


def test_every_watchkeeper_command_in_the_readme_exists_with_the_options_it_shows():
    runner = CliRunner()
    global_options = _options(typer.main.get_command(app))
    for words in _readme_invocations():
        path, command, rest = _resolve(words)
        assert path, f"README shows 'watchkeeper {' '.join(words)}' with no command"
        assert not hasattr(command, "commands"), (
            f"README shows 'watchkeeper {' '.join(words)}': {' '.join(path)} needs a subcommand"
        )
        shown = runner.invoke(app, [*path, "--help"])
        assert shown.exit_code == 0, (path, shown.output)
        known = _options(command) | global_options
        for word in rest:
            option = word.split("=", 1)[0]
            if option.startswith("--"):
                assert option in known, (
                    f"README shows 'watchkeeper {' '.join(words)}': {' '.join(path)} has no "
                    f"option {option}"
                )
