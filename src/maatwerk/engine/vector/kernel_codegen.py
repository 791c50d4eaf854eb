"""Generating one row-loop kernel from a regulation's plan: the IR as Python source for numba.

The kernel decides every person of a population in one loop: per row it reads the inputs, computes
the standard layer (every rule and table the outputs, the category conditions and the categories'
overrides need, in dependency order), evaluates the category conditions, selects the categories by
the regulation's hit policy, computes the category layer where one applies, and writes each
output's value, unknown and error bits, the deciding layer and the applied categories.

The loop runs over chunks of rows, and within a chunk it has no exit, no counter and no branch
that depends on a row (where the formulas allow), and every output row is an array of its own,
indexed by an unsigned row number: LLVM then compiles it to vector instructions, several rows at
once. What is rare is done after the chunk: finding the row whose input is beyond the overflow
proof, and listing the rows that are refused or indeterminate.

Semantics are those of the scalar engine (``maatwerk.engine.compile``), value by value:

- numbers are exact rationals: a numerator in an int64 local over a denominator that is a
  compile-time integer wherever it can be (literals, parameters, input columns; operands aligned
  on the least common multiple at generation time), and an int64 local after dividing by a value
  that varies per row. Rounding is done in integers with the modes of ``exact.round_to``;
- booleans are booleans, texts and enumeration values integer codes (the population's
  ``Interner``; text literals are passed in as an array of codes, never written into the source),
  dates int64 day numbers;
- a missing input is Kleene's third value: each value may carry an ``unknown`` bitmask (only where
  it can be non-zero; with complete inputs no such code is generated). A refusal (division by
  zero, an impossible date, a missing key, no or two matching rows, two categories, an input
  outside its bounds) is an ``error`` bitmask that travels with the value it taints. Every
  operation the kernel emits is total (a zero divisor is replaced, an impossible date computed
  from a valid one), so evaluating a branch the scalar engine would skip changes nothing as long
  as its errors and unknowns are not counted: ``and``/``or``, ``if`` and the tables take them
  exactly where the scalar engine, evaluating lazily, would have evaluated them. Small branches
  are therefore evaluated for every row and picked without a jump (fewer blocks make numba
  compile much faster, and the loop has fewer mispredicted branches); large ones stay ``if``s;
- every integer the kernel computes has a magnitude bound in a ``Bounds`` program, from which
  the largest safe magnitude of each numeric input is derived (``kernel_bounds``);
- what is the same for every row (parameters, ``peildatum``, rules over them) is computed once
  before the loop, and a subexpression written twice is computed once.

Only validated identifiers (prefixed) and integers are written into the source.

The generator is one class built in layers, a module each: ``kernel_plan`` (what one period
computes), ``kernel_emit`` (values, blocks, locals and constants), ``kernel_numbers`` (exact
arithmetic and rounding), ``kernel_date_functions``, ``kernel_branches`` (choosing between
values), ``kernel_expr`` (expressions), ``kernel_tables`` (decision tables), ``kernel_categories``
(the hit policy and the category layer) and this module: reading the inputs, the row loop,
writing the outputs and the overflow proof. ``kernel_spec`` holds what the runner
(``kernel``) reads back.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from maatwerk.engine.vector.columns import INVALID_INPUT
from maatwerk.engine.vector.kernel_categories import Categories
from maatwerk.engine.vector.kernel_dates import HELPERS
from maatwerk.engine.vector.kernel_emit import DATE_LIMIT, Block, Scope, V
from maatwerk.engine.vector.kernel_plan import KernelPlan, Unsupported
from maatwerk.engine.vector.kernel_spec import Generated, InputSpec, OutSpec
from maatwerk.spec.graph import reachable
from maatwerk.spec.model import Regulation

# error_model="numpy": no exception path for integer division; the kernel never divides by zero
# (a divisor that can be zero is tested first and replaced)
DECORATOR = '@njit(cache=CACHE, nogil=True, error_model="numpy")'
CHUNK = 1024  # rows per chunk of the row loop (its error and unknown bits stay in the cache)


class Generator(Categories):
    """Generates the kernel of one plan for one input layout: reads the row's inputs, computes
    the standard layer, the categories and the category layer, and writes the outputs."""

    def generate(self) -> Generated:
        reg, kp = self.reg, self.kp
        body = Block()
        reads = Block()
        prologue: list[str] = []
        scope = Scope({}, {name: self.param(v) for name, v in kp.params.items()},
                      set(kp.params))
        with self.into(reads):
            beyond = self._read_inputs(scope, prologue)
        with self.into(body):
            self.block.items.extend(reads.items)
            if beyond:
                self.line(f"over |= {beyond}")
            for name in kp.order:
                if kp.graph[name] <= scope.invariant | {"peildatum"}:
                    with self.into(self.prologue):
                        scope.names[name] = self._stable(self.rule(name, scope), f"s_{name}")
                    scope.invariant.add(name)
                    continue
                value = self.rule(name, scope)
                scope.names[name] = self._stable(value, f"s_{name}")
            conditions = {c.name: self._stable(self.expr(c.when.expr, scope), f"q_{c.name}")
                          for c in reg.categories.values()}
            applied, conflict = self._select(conditions)
            final = self._category_layer(scope, applied)
            result = self._write(scope, conditions, applied, conflict, final)
        lines: list[str] = []
        for fn in HELPERS:
            lines += ["", "", DECORATOR, inspect.getsource(fn).rstrip()]
        lines += ["", "", DECORATOR, *self._header(prologue, result)]
        if self.prologue.items:
            self.prologue.render(1, lines)
        self._loop(body, reads, beyond, result, lines)
        result.source = "\n".join(_module_header() + lines) + "\n"
        return result

    def _loop(self, body: Block, reads: Block, beyond: str | None, result: Generated,
              lines: list[str]) -> None:
        """The row loop, in chunks of ``CHUNK`` rows. Within a chunk nothing leaves the loop
        and nothing is counted, so that it compiles to vector instructions: an input beyond its
        proven magnitude is replaced by zero and noted in ``over``, and each row's error and
        unknown bits are kept in ``pe`` and ``pu``. After the chunk, if a value was beyond the
        proof, the chunk's inputs are read again to return the first such row; if a row was
        refused or indeterminate, the chunk's bits are listed in ``op``."""
        listed = [b for b, may in (("pe", result.may_err), ("pu", result.may_unknown)) if may]
        lines += [f"    {b} = np.zeros(CHUNK, dtype=np.int64)" for b in listed]
        lines += ["    for c0 in range(max(start, 0), stop, CHUNK):",
                  "        ce = min(c0 + CHUNK, stop)",
                  "        cu = np.uint64(c0)",
                  "        over = False",
                  "        flagged = 0",
                  # an unsigned index: numba then emits no wrap-around of negative indices
                  "        for i in range(cu, np.uint64(ce)):"]
        body.render(3, lines)
        if beyond:
            lines += ["        if over:", "            for i in range(c0, ce):"]
            reads.render(4, lines)
            lines += [f"                if {beyond}:", "                    return i"]
        if listed:
            error = "pe[k]" if result.may_err else "0"
            unknown = "pu[k]" if result.may_unknown else "0"
            lines += ["        if flagged != 0:",
                      "            for k in range(ce - c0):",
                      f"                if ({' | '.join(f'{b}[k]' for b in listed)}) != 0:",
                      "                    op[0, start + count] = c0 + k",
                      f"                    op[1, start + count] = {error}",
                      f"                    op[2, start + count] = {unknown}",
                      "                    count += 1"]
        lines.append("    return -1 - count")

    def _read_inputs(self, scope: Scope, prologue: list[str]) -> str | None:
        """Read the row's inputs; the test of whether any is beyond its proven magnitude.

        A number outside its input's declared ``min``/``max`` refuses the case (MW601, as the
        scalar engine refuses it before evaluating anything) and is replaced by zero; those
        bounds are then also its magnitude in the overflow proof. Any other number or date
        beyond its proven magnitude is replaced by zero too (so nothing the kernel computes
        leaves int64) and ends the kernel with the row's index, after the chunk (one unsigned
        comparison per value: ``x + lim`` in unsigned integers, which wrap around by
        definition, is above ``2 lim`` exactly when ``|x| > lim``). All without a branch."""
        checks: list[str] = []
        for j, spec in enumerate(self.layout):
            local = f"v_{spec.name}"
            unk = None
            if spec.unknown:
                unk = f"vu_{spec.name}"
                self.line(f"{unk} = mu{j}[i]")
            if spec.kind == "num":
                scope.names[spec.name] = self._read_number(j, spec, unk, prologue, checks)
            elif spec.kind == "date":
                self.line(f"{local} = a{j}[i]")
                if "days_limit = np.uint64(DATE_LIMIT)" not in prologue:
                    prologue.append("days_limit = np.uint64(DATE_LIMIT)")
                    prologue.append("days_width = days_limit + days_limit")
                self._beyond(local, "days_limit", "days_width", checks)
                scope.names[spec.name] = V("date", local, 1, unk, None, self.bounds.input(j))
            elif spec.kind == "code":
                self.line(f"{local} = int(a{j}[i])")
                scope.names[spec.name] = V("code", local, 1, unk)
            else:
                self.line(f"{local} = a{j}[i]")
                scope.names[spec.name] = V("bool", local, 1, unk)
        if not checks:
            return None
        return checks[0] if len(checks) == 1 else self.let(" | ".join(checks), "c")

    def _beyond(self, local: str, lim: str, width: str, checks: list[str]) -> None:
        """Whether ``local`` is beyond its proven magnitude; it is then replaced by zero."""
        beyond = self.let(f"np.uint64({local}) + {lim} > {width}", "c")
        self.line(f"{local} = {local} * ({beyond} ^ True)")
        checks.append(beyond)

    def _read_number(self, j: int, spec: InputSpec, unk: str | None, prologue: list[str],
                     checks: list[str]) -> V:
        """Read numeric input ``j``: refused outside its declared bounds, or checked against its
        proven magnitude."""
        local = f"v_{spec.name}"
        self.line(f"{local} = np.int64(a{j}[i])")  # any integer column, read as int64
        low, high = self._declared(spec)
        sides = [] if low is None else [f"({local} < {low})"]
        sides += [] if high is None else [f"({local} > {high})"]
        if sides:
            bad = self.let(" | ".join(sides), "c")
            self.line(f"{local} = {local} * ({bad} ^ True)")
            self.invalid.append(self.flag(bad, INVALID_INPUT, unk))
        if low is not None and high is not None:
            slot = self.bounds.const(max(abs(low), abs(high)))
        else:
            prologue.append(f"lim{j} = np.uint64(lim[{j}])")
            prologue.append(f"width{j} = lim{j} + lim{j}")
            self._beyond(local, f"lim{j}", f"width{j}", checks)
            slot = self.bounds.input(j)
        return V("num", local, spec.den, unk, None, slot)

    def _declared(self, spec: InputSpec) -> tuple[int | None, int | None]:
        """The declared bounds of a numeric input as bounds of its numerator. Not for an input
        that is another regulation's output: the scalar engine checks the facts it is given,
        not the values it decides."""
        inp = self.reg.inputs.get(spec.name)
        if inp is None or spec.name in self.reg.references():
            return None, None
        low = high = None
        if inp.minimum is not None:
            low = math.ceil(Fraction(inp.minimum) * spec.den)
        if inp.maximum is not None:
            high = math.floor(Fraction(inp.maximum) * spec.den)
        return low, high

    def _write(self, scope: Scope, conditions: dict[str, V], applied: dict[str, str],
               conflict: str | None, final: dict[str, V]) -> Generated:
        reg = self.reg
        has_categories = bool(self.kp.categories)
        graph = self.kp.graph
        outputs: dict[str, OutSpec] = {}
        standard: dict[str, OutSpec] | None = {} if has_categories else None
        unknowns: list[str] = []
        errors: list[str | None] = [conflict, *self.invalid]
        errors += [c.err for c in conditions.values()]
        deciding: dict[str, int] = {}
        for o in reg.outputs:
            s = scope.names[o]
            f = final[o]
            needs = reachable(graph, [o])
            extra = [c.unk for name, c in conditions.items()
                     if c.unk and needs & reg.categories[name].overrides()]
            if extra:
                f = replace(f, unk=self.either(f.unk, *extra, hint="u"))
            outputs[o] = self._store(f)
            if standard is not None:
                standard[o] = self._store(s) if f is not s else outputs[o]
            if f.unk:
                unknowns.append(f.unk)
            errors += [f.err, s.err]
            if has_categories:
                deciding[o] = self._deciding(f, s, changed=f is not s and bool(applied))
        categories = {}
        for name, flag in applied.items():
            categories[name] = self.n_bool
            self.line(f"ob{self.n_bool}[i] = {flag}")
            self.n_bool += 1
        may_err, may_unknown = self._status(self.either(*errors),
                                            self.either(*unknowns, hint="u"))
        return Generated("", self.layout, tuple(self.texts), (), self.n_int, self.n_bool,
                         self.n_code, self.n_small, outputs, standard, categories, deciding,
                         may_err, may_unknown)

    def _deciding(self, f: V, s: V, changed: bool) -> int:
        """The deciding layer of one output: the category layer where a category applies and
        the value (or whether it is known) differs from the standard layer's."""
        row = self.n_small
        self.n_small += 1
        if not changed:
            self.line(f"od{row}[i] = 0")
        else:
            known = f"((({f.unk or 0}) == 0) == (({s.unk or 0}) == 0))"
            same = self.same_expr(f, s)
            self.line(f"od{row}[i] = {self.any_applied} & (({same} & {known}) ^ True)")
        return row

    def _status(self, error: str | None, unknown: str | None) -> tuple[bool, bool]:
        """The cases that are refused or indeterminate, usually few: each row's error and
        unknown bits kept in the chunk's ``pe`` and ``pu``, and whether any is not zero in
        ``flagged`` (listed after the chunk). Whether errors and unknowns can occur at all."""
        if error is not None:
            self.line(f"pe[i - cu] = {error}")
        if unknown is not None:
            self.line(f"pu[i - cu] = {unknown}")
        if error is not None or unknown is not None:
            self.line(f"flagged |= {self.either(error, unknown)}")
        return error is not None, unknown is not None

    def _int_row(self, expr: str) -> int:
        found = self.rows.get(expr)
        if found is not None:
            return found
        row = self.n_int
        self.rows[expr] = row
        self.n_int += 1
        self.line(f"oi{row}[i] = {expr}")
        return row

    def _store(self, v: V) -> OutSpec:
        unk_row = self._int_row(v.unk) if v.unk else -1
        err_row = self._int_row(v.err) if v.err else -1
        if v.kind == "bool":
            row = self.n_bool
            self.n_bool += 1
            self.line(f"ob{row}[i] = {v.val}")
            return OutSpec("bool", row, 1, -1, unk_row, err_row)
        if v.kind == "code":
            row = self.n_code
            self.n_code += 1
            self.line(f"oc{row}[i] = {v.val}")
            return OutSpec("code", row, 1, -1, unk_row, err_row)
        if v.kind == "date":
            return OutSpec("date", self._int_row(v.val), 1, -1, unk_row, err_row)
        if isinstance(v.den, int):
            return OutSpec("num", self._int_row(v.val), v.den, -1, unk_row, err_row)
        g = self.let(f"gcd({v.val}, {v.den})", "g")  # a den is positive: g >= 1
        num = self._int_row(f"{v.val} // {g}")
        den = self._int_row(f"{v.den} // {g}")
        return OutSpec("num", num, None, den, unk_row, err_row)

    def _header(self, prologue: list[str], result: Generated) -> list[str]:
        args = ["start", "stop", "day", "lits", "lim"]
        for j, spec in enumerate(self.layout):
            args.append(f"a{j}")
            if spec.unknown:
                args.append(f"mu{j}")
        # every output row its own array: the loop's stores can then be vectorised
        for prefix, count in (("oi", result.n_int), ("ob", result.n_bool),
                              ("oc", result.n_code), ("od", result.n_small)):
            args += [f"{prefix}{k}" for k in range(count)]
        args.append("op")
        head = [f"def kernel({', '.join(args)}):"]
        head += [f"    lit{k} = lits[{k}]" for k in range(len(self.texts))]
        head += ["    " + p for p in prologue]
        head.append("    count = 0")
        return head

    def proof(self) -> tuple[int, ...]:
        """The largest magnitude each input may have (numbers: in the kernel's denominator)."""
        numeric = [j for j, s in enumerate(self.layout) if s.kind == "num"]
        fixed = [DATE_LIMIT if s.kind == "date" else 0 for s in self.layout]
        limits = self.bounds.thresholds(numeric, fixed)
        if limits is None:
            raise Unsupported("the formulas overflow int64 even for small inputs")
        return tuple(limits)


def _module_header() -> list[str]:
    return ['"""A kernel generated by maatwerk.engine.vector.kernel_codegen; do not edit."""',
            "", "import numpy as np", "from numba import njit", "", "CACHE = True",
            f"CHUNK = {CHUNK}", f"DATE_LIMIT = {DATE_LIMIT}"]


def generate(reg: Regulation, kp: KernelPlan, layout: Sequence[InputSpec]) -> Generated:
    """The kernel of ``reg``'s plan ``kp`` for input columns laid out as ``layout``."""
    gen = Generator(reg, kp, layout)
    result = gen.generate()
    result.limits = gen.proof()
    return result
