"""``huiqi evaluate``: the policy calculator of CONTRACT.md, one case or a JSON-lines batch."""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from typing import IO, Any

import click

from huiqi.cli.context import AppContext, pass_app
from huiqi.errors import HuiqiError, InputError


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(text: str) -> Any:
    """JSON with exact decimals (never float) and without NaN/Infinity."""
    return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)


def _decode(raw: bytes, where: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(where, None, "UTF-8 text", reason=f"not UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        value = parse_json(text)
    except (json.JSONDecodeError, ValueError, RecursionError) as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else str(error) or "too deeply nested"
        where_at = f" at line {error.lineno} column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
        raise InputError(where, None, "a JSON object with policy, as_of and facts",
                         reason=f"not valid JSON: {detail}{where_at}") from None
    if _too_deep(value):
        # Showing such a value in an error line would hit the recursion limit (a traceback).
        raise InputError(where, None, "a JSON object with policy, as_of and facts",
                         reason=f"nested more than {MAX_DEPTH} levels deep")
    return value


MAX_DEPTH = 64  # a case is an object of facts, a fact at most a list: 64 levels is never a real case


def _too_deep(value: Any) -> bool:
    """True when arrays/objects nest deeper than MAX_DEPTH (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


# Characters that would break the one error line in two (a field name may hold any of them).
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def _printable(message: str) -> str:
    """One line safe to write as UTF-8: lone surrogates (from JSON "\\ud800") and control or
    line-separator characters (a field named "a\\nb") are written as escapes."""
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return _LINE_BREAKING.sub(lambda match: json.dumps(match.group())[1:-1], message)


def dumps(result: dict, *, pretty: bool = False) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2 if pretty else None)


@click.command()
@click.argument("case_file", type=click.File("rb"), required=False)
@click.option("--batch", "batch_file", type=click.File("rb"), help="JSON lines: one case per line, one result per line.")
@click.option("--strict", is_flag=True, help="Reject facts the measure does not use and unknown case fields.")
@pass_app
@click.pass_context
def evaluate(ctx: click.Context, app: AppContext, case_file: IO[bytes] | None, batch_file: IO[bytes] | None,
             strict: bool) -> None:
    """Decide CASE_FILE (or every line of --batch): eligible, award, reasons with clauses, missing facts.

    Needs no database. Bad input exits with status 2 and one line on stderr naming the case
    (the line in a batch), the field and what was expected.
    """
    if (case_file is None) == (batch_file is None):
        raise click.UsageError("give either CASE_FILE or --batch FILE (use - for standard input)")
    calculator = app.calculator()
    if case_file is not None:
        try:
            result = calculator.evaluate(_decode(case_file.read(), "case"), strict=strict)
        except HuiqiError as error:
            raise HuiqiError(_printable(f"case 1: {error}")) from None
        click.echo(dumps(result.to_json(), pretty=True))
        return
    failed = _run_batch(calculator, batch_file, strict)
    if failed:
        ctx.exit(2)


def _run_batch(calculator, batch_file: IO[bytes], strict: bool) -> int:
    """Every line gets its own result line; a bad line never disturbs the others."""
    failed = 0
    out = sys.stdout
    for number, raw in enumerate(_lines(batch_file), start=1):
        try:
            line = dumps(calculator.evaluate(_decode(raw, "case"), strict=strict).to_json())
        except HuiqiError as error:
            failed += 1
            message = _printable(f"line {number}: {error}")
            click.echo(message, err=True)
            line = dumps({"error": message})
        out.write(line + "\n")
    out.flush()
    return failed


def _lines(stream: IO[bytes]):
    """Lines of a JSON-lines file; a final newline does not start an empty case."""
    data = stream.read()
    if not data:
        return
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    for raw in lines:
        yield raw.rstrip(b"\r")
