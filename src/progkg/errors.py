"""One exception type for every error a user can cause or meet.

The CLI turns a :class:`ProgkgError` into one clear line on stderr and an exit code
(2 by default), so that no Python traceback reaches a user unless ``--debug`` is given.
Library code raises it with a message that names the file, line, value or URL at fault.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NO = 1  # the answer is "no": violations, a refused export
EXIT_ERROR = 2  # bad input, bad usage, unreachable endpoint


class ProgkgError(Exception):
    """An error to report to the user as one message, with an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


def located(path: object, message: str, line: int | None = None, column: int | None = None) -> str:
    """Format ``file:line:column: message`` the way compilers do, so editors can jump to it."""
    where = str(path)
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return f"{where}: {message}"
