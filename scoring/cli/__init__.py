"""The `scoring` command: a thin layer over the library. Data goes to stdout, progress and logs to stderr.

Exit codes: 0 ok, 1 unexpected error, 2 bad input or usage.
"""

from __future__ import annotations

import click

from scoring import __version__
from scoring.cli.common import choose_lang
from scoring.cli.speak import speak
from scoring.i18n import LANGS, use_lang
from scoring.cli import codes, cycle, demo, imports, register, report, results, settings, web, workspace


class ScoringGroup(click.Group):
    def make_context(self, info_name, args, parent=None, **extra):
        # Each invocation speaks from $SCORING_LANG or Chinese: `--help` is handled before `--lang`'s callback
        # runs, so without this a second invocation in one process (tests, scripts) kept the first one's --lang.
        if parent is None:
            use_lang(None)
        return super().make_context(info_name, args, parent, **extra)


@click.group(cls=ScoringGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scoring")
@click.option("--lang", type=click.Choice(LANGS), envvar="SCORING_LANG", is_eager=True, expose_value=False,
              callback=choose_lang, help="Language of everything printed, errors included: zh (default) or en; "
                                         "also $SCORING_LANG.")
def cli() -> None:
    """Score how well departments make things public (政务公开、办事公开考核).

    Inspectors' findings, self-assessments, surveys and metrics go in; ranked
    scorecards with every point explained, rectification lists and the
    performance-assessment feed come out.

    Example:

        scoring demo
    """


for module in (workspace, imports, results, register, report, demo, web, cycle, codes, settings):
    module.register(cli)
speak(cli)  # last, so every command registered above shows its help in the user's language
