"""click's own words a person sees (usage, errors, the help's headings), as message ids for the
catalogs: click prints them through gettext, and scoring.cli.speak routes that to our catalogs.
Plural messages are listed in both forms (Chinese has one). Nothing here is called."""

from __future__ import annotations

from scoring.i18n import N_

# The metavars of a usage line (click.Command.options_metavar, click.Group.subcommand_metavar).
USAGE_WORDS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))

CLICK_WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Positional arguments"),
    N_("Show this message and exit."), N_("Show the version and exit."), N_("%(prog)s, version %(version)s"),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."), N_("Aborted!"),
    N_("Missing command."), N_("No such command {name!r}."), N_("No such option {name!r}."),
    N_("Did you mean {possibility}?"), N_("(Did you mean one of: {possibilities}?)"),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Got unexpected extra argument ({args})"), N_("Got unexpected extra arguments ({args})"),
    N_("Option {name!r} does not take a value."), N_("Option {name!r} requires an argument."),
    N_("Option {name!r} requires {nargs} arguments."), N_("Argument {name!r} takes {nargs} values."),
    N_("{value!r} is not {choice}."), N_("{value!r} is not one of {choices}."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{value!r} does not match the format {format}."), N_("{value!r} does not match the formats {formats}."),
    N_("file"), N_("directory"), N_("path"),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."), N_("Could not open file {filename!r}: {message}"),
    N_("default: {default}"), N_("env var: {var}"), N_("required"), N_("(dynamic)"),
    N_("Do you want to continue?"), N_("Confirm the action without prompting."), N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."), N_("Error: invalid input"),
)
