"""How operator commands fail: one clear line on stderr (and, for a document the schema
refused, its problems one a line after it) and exit status 2; no traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click
from pydantic import ValidationError as SettingsError
from sqlalchemy import exc as sa_exc

from cers_app.core.errors import DomainError, ValidationFailed

# A ValidationFailed whose field DETAILS holds a list of problems (a schema's), printed whole.
DETAILS = "xml"


def fail(message: str) -> NoReturn:
    """End the command with `message` on stderr and exit status 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _one_line(error: DomainError) -> str:
    if isinstance(error, ValidationFailed) and DETAILS in error.fields:
        return f"{error.message}\nAll problems:\n{error.fields[DETAILS]}"
    if isinstance(error, ValidationFailed) and error.fields:
        return "; ".join(f"{field}: {message}" for field, message in error.fields.items())
    return error.message


def clean_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain, configuration and file errors into one line on stderr and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            fail(_one_line(exc))
        except SettingsError as exc:
            first = exc.errors()[0]
            fail(f"configuration: {first.get('msg', exc)}".replace("Value error, ", ""))
        except (sa_exc.OperationalError, sa_exc.ArgumentError) as exc:
            # An unreachable server or a malformed CERS_DATABASE_URL: say so, no traceback.
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            fail(f"cannot use the database: {reason[0] if reason else type(exc).__name__}")
        except (ValueError, RuntimeError) as exc:
            # RuntimeError: a missing schema folder (reports.edt_schema.SchemaMissing) and the like.
            fail(str(exc).splitlines()[0])
        except OSError as exc:
            fail(str(exc))

    return wrapper
