"""The ``progkg`` command line: a thin layer over functions that tests call directly.

Exit codes (docs/design.md): 0 done (warnings allowed), 1 the answer is "no" (violations, a
refused export), 2 an error. Errors are one message on stderr; a traceback only with
``--debug`` (or ``PROGKG_DEBUG=1``).
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from progkg import __version__
from progkg.errors import EXIT_ERROR, ProgkgError


class StdoutClosed(Exception):
    """The reader of stdout went away (``progkg stats | head -3``): not an error, the user has enough.

    click's own ``main`` turns an EPIPE into exit 1 even with ``standalone_mode=False``, before
    :func:`main` could see it; raising this (not an ``OSError``) carries it past click instead.
    """


class _Group(click.Group):
    """The top-level group, turning a closed stdout into :class:`StdoutClosed`."""

    def make_context(self, *args, **kwargs) -> click.Context:  # type: ignore[no-untyped-def]
        try:  # --help and --version write while the context is made
            return super().make_context(*args, **kwargs)
        except BrokenPipeError as exc:
            raise StdoutClosed from exc

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise StdoutClosed from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="progkg")
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
def cli(debug: bool) -> None:
    """progkg: French higher-education programmes, the skills they certify and the careers
    they open, as one validated RDF graph.

    \b
    Where the graph is built and read (build/store, build/progkg.nq):
      PROGKG_BUILD=DIR   this folder, wherever you are;
      otherwise          the checkout's build/ from anywhere inside it (like git),
                         or build/ in the current directory outside a checkout.

    \b
    Exit codes: 0 done · 1 the answer is "no" (violations, refused export) · 2 error.
    """


def _register() -> None:
    from progkg.cli import (  # noqa: PLC0415 — keep start-up light and the modules separate
        build_cmds,
        export_cmds,
        import_cmds,
        query_cmds,
        remote_cmds,
        validate_cmds,
        vocab_cmds,
    )

    for module in (build_cmds, validate_cmds, query_cmds, import_cmds, export_cmds, remote_cmds, vocab_cmds):
        module.register(cli)


_register()


#: click ≥ 8.2 raises this for a command group given no command (click 8.1 shows the help itself).
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())

#: Builds, imports and exports write to temporary files and rename them only on success.
INTERRUPTED = "progkg: interrupted; the build, the imports and exported files were left as they were"


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("PROGKG_DEBUG", "") not in ("", "0")


def _discard_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush cannot fail again (exit 120)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # a replaced stdout (tests) has no real fd
        pass


def _flush_stdout() -> bool:
    """Flush what is still buffered; False when the reader has gone (the output was cut short)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and turn every failure into a message and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(args)
    try:
        code = cli.main(args=args, prog_name="progkg", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:  # what click makes of Ctrl-C (KeyboardInterrupt)
        click.echo(INTERRUPTED, err=True)
        code = EXIT_ERROR
    except _NO_ARGS_IS_HELP as exc:  # `progkg import` alone: show what it offers
        exc.show()
        code = EXIT_ERROR
    except click.UsageError as exc:  # one line, like every other error, with where to look
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"progkg: error: {exc.format_message().rstrip('.')}{hint}", err=True)
        code = EXIT_ERROR
    except click.ClickException as exc:
        click.echo(f"progkg: error: {exc.format_message()}", err=True)
        code = EXIT_ERROR
    except ProgkgError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"progkg: error: {exc.message}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo(INTERRUPTED, err=True)
        code = EXIT_ERROR
    except (StdoutClosed, BrokenPipeError):  # `progkg stats | head -3`: quietly done
        _discard_stdout()
        code = 0
    except Exception as exc:  # noqa: BLE001 — the last line of defence for users
        if debug:
            traceback.print_exc()
        click.echo(
            f"progkg: internal error: {type(exc).__name__}: {exc} (run again with --debug for details)",
            err=True,
        )
        code = EXIT_ERROR
    if not _flush_stdout():  # small outputs stay buffered until here: same rule
        code = 0
    sys.exit(code if isinstance(code, int) else 0)
