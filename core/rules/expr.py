"""The expression vocabulary of rules and award formulas, evaluated per case or per column.

Every node evaluates two ways from one definition, so the explained path and the batch path
cannot drift apart:

- ``ev(env)``: one case; returns a Python value, or ``Missing`` naming the facts it lacked.
- ``vec(venv)``: a batch; returns a ``Column`` of numpy values plus, per fact, the rows where
  that fact was needed but absent.

Nodes are strict (any missing input makes the node undecided) except ``when``, which needs
its branch's facts only on the rows that take the branch. Money is integer fen throughout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

import numpy as np

from huiqi.money import round_half_up_div, yuan_grouped

EPOCH = dt.date(1970, 1, 1)
NO_LIMIT = np.int64(2**62)  # stands for an absent optional term inside min_of


class Missing:
    """The value of a node whose facts are absent: carries their names."""

    __slots__ = ("names",)

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(names)

    def __repr__(self) -> str:
        return f"Missing({sorted(self.names)})"


def missing_among(values) -> Missing | None:
    """The facts lacking among a strict node's inputs (None when every input is there)."""
    absent = [v for v in values if isinstance(v, Missing)]
    return Missing(frozenset().union(*(m.names for m in absent))) if absent else None


class Column:
    """A batch value: ``values`` (ndarray or scalar), ``missing`` fact → row mask, ``none`` mask."""

    __slots__ = ("values", "missing", "none")

    def __init__(self, values: Any, missing: dict[str, np.ndarray] | None = None, none=None):
        self.values = values
        self.missing = missing or {}
        self.none = none


def merge_missing(columns: Iterable[Column]) -> dict[str, np.ndarray]:
    merged: dict[str, np.ndarray] = {}
    for column in columns:
        for name, mask in column.missing.items():
            merged[name] = merged[name] | mask if name in merged else mask
    return merged


def undecided(missing: dict[str, np.ndarray], n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for rows in missing.values():
        mask |= rows
    return mask


class Expr:
    """A node. Subclasses implement ``ev``, ``vec``, ``children`` and ``describe``."""

    children: tuple[Expr, ...] = ()

    def ev(self, env) -> Any:
        raise NotImplementedError

    def value_in(self, env) -> Any:
        """``ev`` remembered for the case: a formula shown by several rules is worked out once."""
        memo = env.memo
        key = id(self)
        if key not in memo:
            memo[key] = self.ev(env)
        return memo[key]

    def vec(self, venv) -> Column:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def facts(self) -> set[str]:
        names: set[str] = set()
        for child in self.children:
            names |= child.facts()
        return names

    def params(self) -> set[str]:
        names: set[str] = set()
        for child in self.children:
            names |= child.params()
        return names

    # Comparison and logic read like the document: fact("x") >= param("y"), a & b, ~a.
    def __ge__(self, other): return op(">=", np.greater_equal, lambda a, b: a >= b, self, other)
    def __gt__(self, other): return op(">", np.greater, lambda a, b: a > b, self, other)
    def __le__(self, other): return op("≤", np.less_equal, lambda a, b: a <= b, self, other)
    def __lt__(self, other): return op("<", np.less, lambda a, b: a < b, self, other)
    def __and__(self, other): return op("and", np.logical_and, lambda a, b: a and b, self, other)
    def __or__(self, other): return op("or", np.logical_or, lambda a, b: a or b, self, other)
    def __invert__(self): return Op("not", (self,), lambda a: not a, np.logical_not, prefix=True)
    def __add__(self, other): return op("+", np.add, lambda a, b: a + b, self, other)
    def __sub__(self, other): return op("−", np.subtract, lambda a, b: a - b, self, other)

    def equals(self, other) -> Expr:
        if not isinstance(other, Expr):  # a constant: compare enum facts by category code
            return OneOf(self, (other,))
        return op("=", _vec_equal, lambda a, b: a == b, self, other)

    def differs(self, other) -> Expr:
        return ~self.equals(other)

    __hash__ = object.__hash__


def lift(value: Any) -> Expr:
    return value if isinstance(value, Expr) else Const(value)


def op(symbol: str, vector_fn, scalar_fn, left, right) -> Op:
    return Op(symbol, (lift(left), lift(right)), scalar_fn, vector_fn)


def _vec_equal(a, b):
    return np.equal(a, b) if not isinstance(a, np.ndarray) or a.dtype != object else a == b


class Const(Expr):
    def __init__(self, value: Any):
        self.value = value

    def ev(self, env):
        return self.value

    value_in = ev  # a leaf costs less than its memo

    def vec(self, venv):
        return Column(venv.scalar(self.value))

    def describe(self):
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return repr(self.value) if isinstance(self.value, str) else str(self.value)


class FactRef(Expr):
    """A fact of the case. ``optional`` facts are ``None`` when absent and never missing."""

    def __init__(self, name: str, optional: bool = False):
        self.name = name
        self.optional = optional

    def ev(self, env):
        if self.name in env.facts:
            return env.facts[self.name]
        return None if self.optional else Missing((self.name,))

    value_in = ev  # a leaf costs less than its memo

    def vec(self, venv):
        values, absent = venv.column(self.name)
        if absent is None:
            return Column(values)
        if self.optional:
            return Column(values, none=absent)
        return Column(values, {self.name: absent})

    def facts(self):
        return {self.name}

    def describe(self):
        return self.name


class ParamRef(Expr):
    """A parameter in force on the case's as_of."""

    def __init__(self, name: str):
        self.name = name

    def ev(self, env):
        return env.params[self.name]

    value_in = ev  # a leaf costs less than its memo

    def vec(self, venv):
        return Column(venv.scalar(venv.params[self.name]))

    def params(self):
        return {self.name}

    def describe(self):
        return self.name


class ParamOn(Expr):
    """A parameter's value on another day given by the case (e.g. the loan's start date)."""

    def __init__(self, name: str, day: Expr):
        self.name = name
        self.children = (day,)

    def ev(self, env):
        day = self.children[0].value_in(env)
        if isinstance(day, Missing):
            return day
        return env.parameter_set[self.name].value_on(day)

    def vec(self, venv):
        column = venv.vec(self.children[0])
        parameter = venv.parameter_set[self.name]
        days = np.asarray(column.values, dtype="datetime64[D]")
        values = np.array([parameter.value_on(d) for d in days.astype(object)])
        return Column(values, column.missing)

    def params(self):
        return {self.name}

    def describe(self):
        return f"{self.name} on {self.children[0].describe()}"


class AsOf(Expr):
    def ev(self, env):
        return env.as_of

    value_in = ev  # a leaf costs less than its memo

    def vec(self, venv):
        return Column(venv.as_of)

    def describe(self):
        return "as_of"


class Op(Expr):
    """A strict operation: undecided wherever any input is undecided."""

    def __init__(self, symbol, children, scalar_fn, vector_fn, *, prefix=False, text=None):
        self.symbol = symbol
        self.children = tuple(children)
        self.scalar_fn = scalar_fn
        self.vector_fn = vector_fn
        self.prefix = prefix
        self.text = text

    def ev(self, env):
        values = [child.value_in(env) for child in self.children]
        absent = missing_among(values)
        if absent is not None:
            return absent
        return self.scalar_fn(*values)

    def vec(self, venv):
        columns = [venv.vec(child) for child in self.children]
        values = self.vector_fn(*(c.values for c in columns))
        return Column(values, merge_missing(columns))

    def describe(self):
        if self.text:
            return self.text.format(*(c.describe() for c in self.children))
        if self.prefix:
            return f"{self.symbol} {self.children[0].describe()}"
        return f"{self.children[0].describe()} {self.symbol} {self.children[1].describe()}"


class When(Expr):
    """``when(cond, then, otherwise)``: the branch's facts are needed only where it is taken."""

    def __init__(self, cond: Expr, then: Expr, otherwise: Expr):
        self.children = (cond, then, otherwise)

    def ev(self, env):
        cond, then, otherwise = self.children
        chosen = cond.value_in(env)
        if isinstance(chosen, Missing):
            return chosen
        return then.value_in(env) if chosen else otherwise.value_in(env)

    def vec(self, venv):
        cond = venv.vec(self.children[0])
        if not cond.missing and np.ndim(cond.values) == 0:
            # A condition on parameters only: one branch for every row; the other is never
            # taken, so neither its values nor its facts matter (and it is not evaluated).
            return venv.vec(self.children[1] if bool(cond.values) else self.children[2])
        then, otherwise = (venv.vec(c) for c in self.children[1:])
        n = venv.n
        take = np.broadcast_to(np.asarray(cond.values, dtype=bool), (n,))
        cond_open = undecided(cond.missing, n)
        missing = dict(cond.missing)
        for branch, rows in ((then, take), (otherwise, ~take)):
            for name, mask in branch.missing.items():
                needed = mask & rows & ~cond_open
                missing[name] = missing[name] | needed if name in missing else needed
        values = np.where(take, then.values, otherwise.values)
        return Column(values, missing)

    def describe(self):
        cond, then, otherwise = (c.describe() for c in self.children)
        return f"({then} if {cond} else {otherwise})"


class MinOf(Expr):
    """The smallest term; an absent optional term (None) does not count."""

    def __init__(self, terms: Iterable[Expr]):
        self.children = tuple(lift(t) for t in terms)

    def ev(self, env):
        values = [child.value_in(env) for child in self.children]
        absent = missing_among(values)
        if absent is not None:
            return absent
        present = [v for v in values if v is not None]
        return min(present)

    def vec(self, venv):
        columns = [venv.vec(child) for child in self.children]
        result = None
        for column in columns:
            values = column.values
            if column.none is not None:
                values = np.where(column.none, NO_LIMIT, values)
            result = values if result is None else np.minimum(result, values)
        return Column(result, merge_missing(columns))

    def describe(self):
        return "min(" + ", ".join(c.describe() for c in self.children) + ")"


class Scaled(Expr):
    """base × Π numerators / denominator, rounded half-up once (integer fen in and out).

    The batch path splits base = q·d + r so that no product leaves int64.
    """

    def __init__(self, base: Expr, numerators: Iterable[Expr], denominator: int, text: str | None = None):
        self.children = (lift(base), *(lift(n) for n in numerators))
        self.denominator = denominator
        self.text = text

    def ev(self, env):
        values = [child.value_in(env) for child in self.children]
        absent = missing_among(values)
        if absent is not None:
            return absent
        product = 1
        for factor in values:
            product *= factor
        return round_half_up_div(product, self.denominator)

    def vec(self, venv):
        columns = [venv.vec(child) for child in self.children]
        base = np.asarray(columns[0].values, dtype=np.int64)
        factor = np.int64(1)
        for column in columns[1:]:
            factor = factor * np.asarray(column.values, dtype=np.int64)
        d = np.int64(self.denominator)
        if 2 * _largest(base) * _largest(factor) + self.denominator < 2**63:
            # The whole product fits in int64: one division (the same integer, cheaper).
            values = base * (2 * factor)
            values += d
            values //= 2 * d
        else:
            whole, rest = np.divmod(base, d)
            values = whole * factor + (2 * rest * factor + d) // (2 * d)
        return Column(values, merge_missing(columns))

    def describe(self):
        if self.text:
            return self.text
        parts = " × ".join(c.describe() for c in self.children)
        return f"round_half_up({parts} / {self.denominator})"


def _largest(values) -> int:
    """The largest magnitude in an int64 array or scalar, as a Python int (0 when empty)."""
    values = np.asarray(values)
    if values.size == 0:
        return 0
    return max(abs(int(values.min())), abs(int(values.max())))


class Lookup(Expr):
    """table[key] for a mapping parameter; ``default`` for keys the table lacks."""

    def __init__(self, table: Expr, key: Expr, default: Any = 0, text: str | None = None):
        self.children = (lift(table), lift(key))
        self.default = default
        self.text = text

    def ev(self, env):
        table, key = (child.value_in(env) for child in self.children)
        for value in (table, key):
            if isinstance(value, Missing):
                return value
        return table.get(key, self.default)

    def vec(self, venv):
        table_col, key_col = (venv.vec(child) for child in self.children)
        table = table_col.values
        if isinstance(table, np.ndarray) and table.ndim == 1:  # a table per row (param_on each case's day)
            values = _lookup_per_row(venv, self.children[1], key_col.values, table, self.default)
            return Column(values, merge_missing((table_col, key_col)))
        if isinstance(table, np.ndarray):  # a mapping broadcast as an object scalar
            table = table.item()
        values = venv.map_values(self.children[1], key_col.values, lambda k: table.get(k, self.default))
        return Column(values, merge_missing((table_col, key_col)))

    def describe(self):
        table, key = (c.describe() for c in self.children)
        return self.text.format(table=table, key=key) if self.text else f"{table}[{key}]"


def _lookup_per_row(venv, key_expr: Expr, keys: Any, tables: np.ndarray, default: Any) -> np.ndarray:
    """table[key] where each row has its own table: one lookup per distinct table, then merged."""
    result = None
    for table in {id(t): t for t in tables}.values():
        rows = np.array([t is table for t in tables], dtype=bool)
        found = np.broadcast_to(venv.map_values(key_expr, keys, lambda k: table.get(k, default)), rows.shape)
        result = np.array(found) if result is None else np.where(rows, found, result)
    return result if result is not None else np.zeros(0, dtype=np.int64)


# --- the vocabulary a plugin writes with -------------------------------------------------


def fact(name: str, *, optional: bool = False) -> FactRef:
    return FactRef(name, optional)


def param(name: str) -> ParamRef:
    return ParamRef(name)


def param_on(name: str, day: Any) -> ParamOn:
    return ParamOn(name, lift(day))


def as_of() -> AsOf:
    return AsOf()


def const(value: Any) -> Const:
    return Const(value)


def when(cond: Expr, then: Any, otherwise: Any) -> When:
    return When(lift(cond), lift(then), lift(otherwise))


def min_of(*terms: Any) -> MinOf:
    return MinOf(terms)


def max_of(*terms: Any) -> Op:
    children = tuple(lift(t) for t in terms)
    return Op("max", children, lambda *v: max(v), lambda *v: _reduce(np.maximum, v),
              text="max(" + ", ".join("{}" for _ in children) + ")")


def _reduce(fn, values):
    result = values[0]
    for value in values[1:]:
        result = fn(result, value)
    return result


def percent(base: Any, pct: Any) -> Scaled:
    """A whole-number percentage of money, half-up once: (fen × pct + 50) // 100."""
    node = Scaled(base, (pct,), 100)
    node.text = f"{lift(pct).describe()}% × {lift(base).describe()}"
    return node


def scaled(base: Any, numerators: Iterable[Any], denominator: int, text: str | None = None) -> Scaled:
    return Scaled(base, numerators, denominator, text)


def lookup(table: Any, key: Any, default: Any = 0) -> Lookup:
    return Lookup(table, key, default)


def one_of(value: Any, choices: Iterable[Any]) -> OneOf:
    return OneOf(lift(value), tuple(choices))


class OneOf(Expr):
    """value ∈ a fixed set; on an enum fact the batch path compares category codes."""

    def __init__(self, value: Expr, options: tuple):
        self.children = (value,)
        self.options = options

    def ev(self, env):
        value = self.children[0].value_in(env)
        return value if isinstance(value, Missing) else value in self.options

    def vec(self, venv):
        child = self.children[0]
        column = venv.vec(child)
        codes = venv.codes_for(child, self.options)
        if codes is not None:
            return Column(_in_codes(column.values, codes), column.missing)
        values = column.values
        options = np.array(self.options, dtype=object) if _is_obj(values) else list(self.options)
        return Column(np.isin(values, options), column.missing)

    def describe(self):
        return f"{self.children[0].describe()} ∈ {{" + ", ".join(map(str, self.options)) + "}"


def _in_codes(values, codes: np.ndarray):
    """values ∈ codes for small non-negative category codes: a table lookup instead of np.isin."""
    values = np.asarray(values)
    if values.ndim == 0 or values.size == 0 or values.dtype.kind not in "iu":
        return np.isin(values, codes)
    low, high = int(values.min()), int(values.max())
    if low < 0 or high >= 1 << 16:
        return np.isin(values, codes)
    table = np.zeros(high + 1, dtype=bool)
    table[codes[(codes >= 0) & (codes <= high)]] = True
    return table[values]


def in_set(value: Any, choices: Expr) -> Op:
    """value ∈ a list-valued parameter."""
    return Op("in", (lift(value), choices), lambda v, c: v in c,
              lambda v, c: _isin_param(v, c), text="{} ∈ {}")


def _isin_param(values, choices):
    options = choices.item() if isinstance(choices, np.ndarray) and choices.ndim == 0 else choices
    return np.isin(values, np.array(list(options), dtype=object) if _is_obj(values) else list(options))


def _is_obj(values) -> bool:
    return isinstance(values, np.ndarray) and values.dtype == object


def starts_with(code: Any, prefix: Any) -> Op:
    """A region or code begins with a prefix ("34" for Anhui, "3401" for Hefei)."""
    return Op("starts with", (lift(code), lift(prefix)), lambda c, p: str(c).startswith(str(p)),
              _vec_starts_with, text="{} starts with {}")


def _vec_starts_with(codes, prefix):
    prefix = str(prefix.item() if isinstance(prefix, np.ndarray) else prefix)
    if isinstance(codes, np.ndarray) and codes.dtype.kind in "iu":  # six-digit region codes as ints
        scale = 10 ** (6 - len(prefix))  # c // scale == p  ⇔  p·scale ≤ c < (p+1)·scale
        return (codes >= int(prefix) * scale) & (codes < (int(prefix) + 1) * scale)
    return np.char.startswith(np.asarray(codes, dtype=str), prefix)


def leading_number(code: Any, digits: int) -> Op:
    """The first ``digits`` digits of a numeric code as a number (GB/T 4754 division, group)."""
    return Op("lead", (lift(code),), lambda c: int(str(c)[:digits]),
              lambda c: c // 10 ** (4 - digits) if c.dtype.kind in "iu" else
              np.array([int(str(x)[:digits]) for x in c], dtype=np.int64),
              text=f"first {digits} digits of {{}}")


def year_of(date: Any) -> Op:
    return Op("year", (lift(date),), lambda d: d.year, _vec_year, text="year({})")


def _vec_year(days):
    days = np.asarray(days, dtype="datetime64[D]")
    if days.ndim == 1 and days.size > 4096 and not np.isnat(days).any():
        # Many rows over few distinct days: convert the span of days once and index it
        # (the calendar conversion costs far more per element than a table lookup).
        ordinal = days.view(np.int64)
        low, high = int(ordinal.min()), int(ordinal.max())
        if high - low < days.size:
            span = np.arange(low, high + 1, dtype=np.int64).view("datetime64[D]")
            table = span.astype("datetime64[Y]").astype(np.int64) + 1970
            return table[ordinal - low]
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def rank(value: Any, order: Iterable[str]) -> Expr:
    """The position of an enum value in an ordered list (none < 3A < 4A < 5A)."""
    positions = {v: i for i, v in enumerate(order)}
    return Lookup(Const(positions), lift(value), default=-1, text="rank({key})")


def func(name: str, scalar_fn: Callable, *args: Any, text: str | None = None) -> Op:
    """An escape hatch for a small pure function of scalars; the batch path maps it row by row."""
    children = tuple(lift(a) for a in args)
    return Op(name, children, scalar_fn, _rowwise(scalar_fn),
              text=text or f"{name}(" + ", ".join("{}" for _ in children) + ")")


def _rowwise(scalar_fn):
    def vector_fn(*columns):
        n = max((len(c) for c in columns if isinstance(c, np.ndarray) and c.ndim), default=1)
        cols = [np.broadcast_to(np.asarray(c, dtype=object), (n,)) for c in columns]
        out = [scalar_fn(*row) for row in zip(*cols)]
        return np.array(out, dtype=object if out and not isinstance(out[0], (int, bool)) else None)

    return vector_fn


def money_text(fen: int) -> str:
    return yuan_grouped(fen)
