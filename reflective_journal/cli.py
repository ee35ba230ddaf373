"""The `reflective-journal` command line (and `python -m reflective_journal`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reflective_journal import __version__, launch
from storage import paths

PROG = "reflective-journal"


def port_number(text: str) -> int:
    """A TCP port from the command line: 1 to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, not {port}")
    return port


def parser() -> argparse.ArgumentParser:
    """The command's arguments, with the help text `--help` prints."""
    made = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Open your Reflective Practice Journal: starts its server on this computer "
            "(127.0.0.1) and opens your browser at it. Keep the window open while you "
            "use the journal; Ctrl+C stops it."
        ),
        epilog=(
            f"The data folder is --data-dir, else ${paths.ENV_DATA_DIR}, else your "
            f"user data folder (now: {paths.data_dir()})."
        ),
    )
    made.add_argument(
        "--port",
        type=port_number,
        help="port to use on 127.0.0.1 (another free one is used when it is taken; "
        "default: any free port)",
    )
    made.add_argument("--data-dir", type=Path, help="folder that holds your journals")
    made.add_argument(
        "--no-browser",
        action="store_true",
        help="print the address to open instead of opening the browser",
    )
    made.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return made


def options(argv: list[str] | None = None) -> launch.Options:
    """What the command line asks for, with the data folder resolved."""
    args = parser().parse_args(argv)
    return launch.Options(
        data_dir=args.data_dir if args.data_dir is not None else paths.data_dir(),
        port=args.port,
        browser=not args.no_browser,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns its exit status."""
    chosen = options(argv)
    launch.stop_on_signals()
    try:
        return launch.run(chosen)
    except launch.LaunchError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl+C before the server was up
        return 130
    except launch.StopRequested:
        return 0
