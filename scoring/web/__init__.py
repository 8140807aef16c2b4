"""The web app (`scoring serve`): inspectors on site, departments self-assessing, leaders reading the ranking.

Flask with Jinja2 templates and static files shipped in this package; every page calls the
same library functions as the CLI (importing, register, runner, results).
"""

from scoring.web.app import create_app

__all__ = ["create_app"]
