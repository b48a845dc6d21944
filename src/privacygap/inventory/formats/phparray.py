"""A small, safe reader for PHP array literals (SugarCRM/SuiteCRM ``vardefs.php``). Never executes PHP.

The tokenizer knows strings, numbers, names, variables, comments and punctuation; the
parser understands assignments ``$var[...]... = <expr>;`` whose expressions are array
literals (``array(...)`` and ``[...]``), scalars, and concatenations of strings. Anything
else (function calls, constants, variables inside an expression) becomes a
:class:`Unknown` placeholder, and statements that are not assignments are skipped, so
``if`` blocks or helper calls around the definitions do no harm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 64


class PhpSyntaxError(ValueError):
    """Input the reader cannot make sense of; ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"{message} (line {line})")
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Unknown:
    """A value the reader does not evaluate (function call, constant, variable)."""

    text: str


@dataclass
class Call:
    """A top-level static or plain function call statement, e.g. ``VardefManager::createVardef(...)``."""

    name: str
    args: list[Any] = field(default_factory=list)


# An unterminated /* comment runs to the end of the file (as in PHP) and an unterminated
# heredoc to the end (then refused): matching up to the end once, instead of failing and
# retrying at every later "/*" or "<<<X", keeps the tokenizer linear on hostile input.
# Strings repeat possessively (*+): a plain (?:a|b)* keeps a backtracking frame per
# character, about 300 bytes each (a 5 MB string took 1.4 GB).
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|\#[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<open_tag><\?php|<\?=?|\?>)
  | (?P<sq>'(?:[^'\\]|\\.)*+')
  | (?P<dq>"(?:[^"\\]|\\.)*+")
  | (?P<heredoc><<<\s*['"]?(?P<hd>[A-Za-z_]\w*)['"]?\n.*?(?:\n\s*(?P=hd)\b|\Z))
  | (?P<num>0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<var>\$[A-Za-z_]\w*)
  | (?P<name>\\?[A-Za-z_][\w\\]*)
  | (?P<op>=>|::|->|\?\?|===|!==|==|!=|<=|>=|&&|\|\||\.=|\+=|[-+*/%.=(){}\[\];,?:!<>&|@^~])
""", re.VERBOSE | re.DOTALL)

_SQ_ESCAPE = re.compile(r"\\([\\'])")
_DQ_ESCAPE = re.compile(r"\\(.)")
_DQ_MAP = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "$": "$"}


def tokenize(text: str) -> list[tuple[str, Any, int]]:
    """Split PHP source into ``(kind, value, line)`` tokens; comments and whitespace are dropped."""
    tokens: list[tuple[str, Any, int]] = []
    position, line, length = 0, 1, len(text)
    # Text before the first "<?php" is inline HTML: skip it.
    start = text.find("<?php")
    if start > 0:
        line += text.count("\n", 0, start)
        position = start
    while position < length:
        match = _TOKEN.match(text, position)
        if not match:
            raise PhpSyntaxError(f"unexpected character {text[position]!r}", line)
        kind = match.lastgroup
        value = match.group(0)
        if kind == "hd":
            kind = "heredoc"
        if kind == "sq":
            tokens.append(("str", _SQ_ESCAPE.sub(r"\1", value[1:-1]), line))
        elif kind == "dq":
            tokens.append(("str", _DQ_ESCAPE.sub(lambda m: _DQ_MAP.get(m.group(1), "\\" + m.group(1)), value[1:-1]), line))
        elif kind == "heredoc":
            if not re.search(r"\n\s*" + re.escape(match.group("hd")) + r"\Z", value):
                raise PhpSyntaxError("unterminated heredoc", line)
            body = value.split("\n", 1)[1].rsplit("\n", 1)[0]
            tokens.append(("str", body, line))
        elif kind == "num":
            tokens.append(("num", float(value) if any(c in value for c in ".eE") and not value.startswith("0x") else int(value, 0), line))
        elif kind in ("var", "name", "op"):
            tokens.append((kind, value, line))
        line += value.count("\n")
        position = match.end()
    tokens.append(("eof", None, line))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any, int]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self, offset: int = 0) -> tuple[str, Any, int]:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def take(self) -> tuple[str, Any, int]:
        token = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def expect(self, value: str) -> None:
        kind, got, line = self.take()
        if got != value:
            raise PhpSyntaxError(f"expected {value!r}, found {got if kind != 'eof' else 'end of file'!r}", line)

    def is_op(self, value: str, offset: int = 0) -> bool:
        kind, got, _ = self.peek(offset)
        return kind == "op" and got == value

    # -------------------------------------------------------------- statements

    def statements(self) -> tuple[list[tuple[str, list[Any], Any]], list[Call]]:
        assignments: list[tuple[str, list[Any], Any]] = []
        calls: list[Call] = []
        while self.peek()[0] != "eof":
            kind, value, _ = self.peek()
            if kind == "var" and self._assignment_ahead():
                assignments.append(self.assignment())
            elif kind == "name" and (self.is_op("::", 1) or self.is_op("(", 1)):
                start = self.i
                try:
                    expr = self.expression(0)
                    if isinstance(expr, Call):
                        calls.append(expr)
                except PhpSyntaxError:
                    self.i = start + 1
                self.skip_statement()
            else:
                self.skip_statement()
        return assignments, calls

    def _assignment_ahead(self) -> bool:
        j, depth = 1, 0
        while True:
            kind, value, _ = self.peek(j)
            if kind == "eof" or kind == "op" and value in (";", "{", "}"):
                return False  # the statement ended: looking further would make parsing quadratic
            if kind == "op" and value == "[":
                depth += 1
            elif kind == "op" and value == "]":
                depth -= 1
                if depth < 0:
                    return False
            elif depth == 0:
                return kind == "op" and value == "="
            j += 1

    def assignment(self) -> tuple[str, list[Any], Any]:
        _, variable, _ = self.take()
        keys: list[Any] = []
        while self.is_op("["):
            self.take()
            if self.is_op("]"):
                keys.append(None)  # $x[] = … appends
            else:
                keys.append(self.expression(0))
            self.expect("]")
        self.expect("=")
        value = self.expression(0)
        if self.is_op(";"):
            self.take()
        return variable, keys, value

    def skip_statement(self) -> None:
        kind, value, _ = self.take()
        if kind == "op" and value in (";", "{", "}"):
            return
        depth = 0
        while True:
            kind, value, _ = self.peek()
            if kind == "eof":
                return
            if kind == "op" and value in ("(", "["):
                depth += 1
            elif kind == "op" and value in (")", "]"):
                depth = max(0, depth - 1)
            elif kind == "op" and value in (";", "{", "}") and depth == 0:
                self.take()
                return
            self.take()

    # -------------------------------------------------------------- expressions

    BINARY = {".", "+", "-", "*", "/", "%", "|", "&", "^", "??", "?", ":", "==", "!=", "===", "!==", "<", ">", "<=", ">=",
              "&&", "||"}

    def expression(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise PhpSyntaxError(f"arrays nest deeper than {MAX_DEPTH} levels", self.peek()[2])
        value = self.primary(depth)
        while True:
            kind, op, _ = self.peek()
            if kind == "op" and op in self.BINARY:
                self.take()
                if op == "?" and self.is_op(":"):  # short ternary ?:
                    self.take()
                right = self.primary(depth)
                value = value + right if op == "." and isinstance(value, str) and isinstance(right, str) else Unknown(op)
            else:
                return value

    def primary(self, depth: int) -> Any:
        if depth > MAX_DEPTH:  # chains of unary operators and casts recurse here, not in expression()
            raise PhpSyntaxError(f"expressions nest deeper than {MAX_DEPTH} levels", self.peek()[2])
        kind, value, line = self.take()
        if kind in ("str", "num"):
            return value
        if kind == "op" and value in ("-", "+", "!", "@", "~"):
            operand = self.primary(depth + 1)
            if value == "-" and isinstance(operand, (int, float)):
                return -operand
            return operand if value in ("+", "@") else Unknown(value)
        if kind == "op" and value == "[":
            return self.array_items("]", depth)
        if kind == "op" and value == "(":
            if self.peek()[0] == "name" and self.is_op(")", 1):  # a cast like (int)
                self.take(); self.take()
                return self.primary(depth + 1)
            inner = self.expression(depth + 1)
            self.expect(")")
            return inner
        if kind == "name":
            lowered = value.lower()
            if lowered == "array" and self.is_op("("):
                self.take()
                return self.array_items(")", depth)
            if lowered in ("true", "false"):
                return lowered == "true"
            if lowered == "null":
                return None
            if lowered == "new":
                self.take()
                if self.is_op("("):
                    self.take(); self.arguments(depth)
                return Unknown("new")
            name = value
            while self.is_op("::") or self.is_op("->"):
                self.take()
                name += "::" + str(self.take()[1])
            if self.is_op("("):
                self.take()
                return Call(name, self.arguments(depth))
            return Unknown(name)
        if kind == "var":
            name = value
            while self.is_op("[") or self.is_op("->"):
                if self.is_op("["):
                    self.take()
                    if not self.is_op("]"):
                        self.expression(depth + 1)
                    self.expect("]")
                else:
                    self.take(); self.take()
                    if self.is_op("("):
                        self.take(); self.arguments(depth)
            return Unknown(name)
        raise PhpSyntaxError(f"unexpected {value if kind != 'eof' else 'end of file'!r}", line)

    def arguments(self, depth: int) -> list[Any]:
        args: list[Any] = []
        while not self.is_op(")"):
            if self.peek()[0] == "eof":
                raise PhpSyntaxError("unclosed '('", self.peek()[2])
            args.append(self.expression(depth + 1))
            if self.is_op(","):
                self.take()
            elif not self.is_op(")"):
                kind, value, line = self.peek()
                raise PhpSyntaxError(f"expected ',' or ')', found {value!r}", line)
        self.take()
        return args

    def array_items(self, closer: str, depth: int) -> dict:
        result: dict[Any, Any] = {}
        next_index = 0
        while not self.is_op(closer):
            if self.peek()[0] == "eof":
                raise PhpSyntaxError(f"unclosed array (missing {closer!r})", self.peek()[2])
            first = self.expression(depth + 1)
            if self.is_op("=>"):
                self.take()
                key = first if isinstance(first, (str, int)) else repr(first)
                result[key] = self.expression(depth + 1)
                if isinstance(key, int):
                    next_index = max(next_index, key + 1)
            else:
                result[next_index] = first
                next_index += 1
            if self.is_op(","):
                self.take()
            elif not self.is_op(closer):
                kind, value, line = self.peek()
                raise PhpSyntaxError(f"expected ',' or {closer!r}, found {value if kind != 'eof' else 'end of file'!r}", line)
        self.take()
        return result


def parse_php(text: str) -> tuple[dict[str, Any], list[Call]]:
    """Evaluate the array assignments of a PHP file into ``{variable: value}`` plus top-level calls.

    ``$dictionary['Contact']['fields']['x'] = array(...)`` nests into ``{'$dictionary': {'Contact': {'fields': {...}}}}``.
    """
    parser = _Parser(tokenize(text))
    assignments, calls = parser.statements()
    variables: dict[str, Any] = {}
    for variable, keys, value in assignments:
        if not keys:
            variables[variable] = value
            continue
        target = variables.setdefault(variable, {})
        if not isinstance(target, dict):
            target = variables[variable] = {}
        for key in keys[:-1]:
            key = key if isinstance(key, (str, int)) else repr(key)
            child = target.get(key)
            if not isinstance(child, dict):
                child = target[key] = {}
            target = child
        last = keys[-1]
        if last is None:
            last = len(target)
        target[last if isinstance(last, (str, int)) else repr(last)] = value
    return variables, calls
