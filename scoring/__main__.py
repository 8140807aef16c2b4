from scoring.cli import cli

cli(prog_name="scoring")
