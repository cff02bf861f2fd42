"""`journalgen serve` and `journalgen watch`: rebuild after every save (preview/live.py)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    _add_live_commands(commands, [common, site])


def _add_live_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    """`serve` and `watch`: rebuild after every save (see live.py)."""
    serve_cmd = commands.add_parser(
        "serve",
        parents=parents,
        help="preview the journal in your browser while you write",
        description="Build a preview (drafts and scheduled entries included, marked as "
        "previews) into .journalgen/preview/, serve it at http://127.0.0.1:8000/ and rebuild "
        "it every time you save a file: the page in your browser reloads by itself. "
        "Nothing is opened or published. Press Ctrl-C to stop.",
    )
    serve_cmd.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="the port number in the address (default: 8000; use another if 8000 is taken)",
    )
    serve_cmd.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, only this computer can see the "
        "preview; 0.0.0.0 shows it to every device on your network, drafts included)",
    )
    serve_cmd.add_argument(
        "--no-drafts",
        action="store_true",
        help="leave out entries marked `draft: true`, as the published site will",
    )
    serve_cmd.add_argument(
        "--no-future",
        action="store_true",
        help="leave out entries whose `publish_on` time has not come yet",
    )
    serve_cmd.set_defaults(run=_run_serve)

    watch_cmd = commands.add_parser(
        "watch",
        parents=parents,
        help="rebuild the output folder every time you save a file (no web server)",
        description="Build the website like `journalgen build`, then rebuild it every time "
        "you save a file, for people who use their own web server. Press Ctrl-C to stop.",
    )
    watch_cmd.add_argument(
        "--output",
        metavar="FOLDER",
        help="where to put the website (default: output/ in the site folder)",
    )
    watch_cmd.add_argument(
        "--drafts",
        action="store_true",
        help="include entries marked `draft: true`, labelled as previews "
        "(never publish the result)",
    )
    watch_cmd.add_argument(
        "--future",
        action="store_true",
        help="include entries whose `publish_on` time has not come yet, labelled as previews",
    )
    watch_cmd.add_argument(
        "--force",
        action="store_true",
        help="replace the output folder even if it holds files journalgen "
        "did not write (they are deleted)",
    )
    watch_cmd.set_defaults(run=_run_watch)


def _run_serve(args: argparse.Namespace) -> int:
    from journalgen.build import BuildOptions
    from journalgen.preview import live
    from journalgen.structure.site import Selection

    site_dir = Path(args.site)
    _require_site(site_dir)
    options = live.ServeOptions(
        build=BuildOptions(
            site_dir=site_dir,
            out_dir=live.preview_dir(site_dir),
            selection=Selection(drafts=not args.no_drafts, future=not args.no_future),
            force=True,  # the preview folder is journalgen's own
        ),
        host=args.host,
        port=args.port,
        debug=args.debug,
    )
    return live.serve(options)


def _run_watch(args: argparse.Namespace) -> int:
    from journalgen.build import BuildOptions
    from journalgen.preview import live
    from journalgen.structure.site import Selection

    site_dir = Path(args.site)
    _require_site(site_dir)
    options = BuildOptions(
        site_dir=site_dir,
        out_dir=Path(args.output) if args.output else site_dir / "output",
        selection=Selection(drafts=args.drafts, future=args.future),
        force=args.force,
    )
    return live.watch(options, debug=args.debug)


def _require_site(site_dir: Path) -> None:
    """Refuse a folder that is not a journal; mistakes inside one are shown while running."""
    from journalgen import config

    if not (site_dir / config.CONFIG_NAME).is_file():
        config.load(site_dir)  # raises the usual "no settings file here" message


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return port
