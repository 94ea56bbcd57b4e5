"""The shell face: argparse commands, Rich for people, `--json` for scripts."""
