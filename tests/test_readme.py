"""The README's walkthrough runs as written (issue 18): its 'Working with your own data' commands,
in a fresh folder beside the example inputs, with the installed `scoring` on the PATH as an
activated virtual environment puts it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def walkthrough() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Working with your own data", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the README's 'Working with your own data' section has no bash block"
    return block.group(1)


def checked_script(commands: str) -> str:
    """Each line run in one shell (its exports carry on), stopping at the first that fails. `scoring check`
    exits 1 when data is missing, as its comment says: the example has a unit without findings."""
    lines = []
    for line in commands.splitlines():
        command = re.split(r"\s#\s", line, maxsplit=1)[0].strip()  # the comment column
        if not command:
            continue
        allowed = "0 1" if command.startswith("scoring check") else "0"
        quoted = command.replace("'", "'\\''")
        lines.append(f"{command}\nrc=$?; case \" {allowed} \" in *\" $rc \"*) ;; "
                     f"*) echo 'README command failed (exit '$rc'): {quoted}' >&2; exit 1;; esac")
    return "\n".join(lines) + "\n"


def test_readme_walkthrough_runs_as_written(tmp_path):
    commands = walkthrough()
    assert "scoring compare" in commands and "scoring import units" in commands
    (tmp_path / "inputs").symlink_to(ROOT / "inputs", target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCORING_")}
    env["SCORING_USER"] = "pytest"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(["bash", "-c", checked_script(commands)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    assert (tmp_path / "2025.db").exists() and list((tmp_path / "reports" / "2025").glob("*.docx"))
    assert "D001" in done.stdout and "内容陈旧、更新不及时" in done.stdout


def test_every_file_the_readme_cites_ships_in_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"`((?:docs|inputs|tests|scoring)/[^`\s]*)`", text))
    assert cited, "the README cites no files"
    missing = sorted(path for path in cited if not (ROOT / path.rstrip("/")).exists())
    assert not missing, f"the README cites files that are not in the repository: {missing}"
