"""The README cannot drift from the CLI, either way.

Every ``watchkeeper ...`` it shows (in code blocks and inline code) exists with the options it
shows, and every command and sub-command of the CLI is shown somewhere.
"""

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
INLINE = re.compile(r"`([^`\n]+)`")
SET_UP = ["make run", "make test"]


def _code_lines() -> list[str]:
    """Every line of the README's code blocks, then every inline code span outside them."""
    text = README.read_text(encoding="utf-8")
    lines = [line for block in FENCE.findall(text) for line in block.splitlines()]
    return lines + INLINE.findall(FENCE.sub("", text))


def _readme_invocations() -> list[list[str]]:
    """The words after ``watchkeeper`` wherever the README shows it run with arguments."""
    found = []
    for line in _code_lines():
        command = line.split(" #", 1)[0]  # drop the trailing comment
        words = shlex.split(command, comments=False)
        for i, word in enumerate(words):
            if (word == "watchkeeper" or word.endswith("/watchkeeper")) and words[i + 1 :]:
                found.append(words[i + 1 :])
                break
    return found


def _cli_commands(command: Any = None, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the Typer app: groups and the sub-commands under them."""
    command = command or typer.main.get_command(app)
    found = []
    for name, sub in getattr(command, "commands", {}).items():
        found.append((*path, name))
        found.extend(_cli_commands(sub, (*path, name)))
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


def test_the_readme_opens_with_the_two_set_up_commands():
    first = FENCE.search(README.read_text(encoding="utf-8"))
    assert first is not None
    commands = [line.split("#", 1)[0].strip() for line in first.group(1).splitlines()]
    assert commands == SET_UP
    before = README.read_text(encoding="utf-8")[: first.start()]
    assert before.strip().startswith("# ") and before.count("\n") <= 2, "a title, then setup"


def test_every_cli_command_and_sub_command_is_shown_in_the_readme():
    shown = {
        tuple(_resolve(words)[0][:depth]) for words in _readme_invocations() for depth in (1, 2)
    }
    commands = _cli_commands()
    assert len(commands) >= 10, commands

    missing = [" ".join(path) for path in commands if path not in shown]

    assert missing == [], f"the README never shows these commands: {missing}"
