"""A small, safe evaluator for the answer expressions of parameterized quiz questions.

Expressions come from course files, not from learners, but they are still never given to
`eval`: the source is parsed with `ast` and walked here. Only the node types and functions
listed in content/AUTHORING.md are accepted (numbers, `+ - * / ** %`, comparisons, `x[i]`,
`a if c else b`, calls of the listed functions by name); there is no attribute access, no
names beyond the parameters and functions, and sizes are bounded (exponents, integers, vector
lengths, source length), so an expression cannot run away with time or memory.
Vectors and matrices are NumPy arrays.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

MAX_SOURCE_LENGTH = 1000
MAX_EXPONENT = 1000
MAX_INT_DIGITS = 300
MAX_ARRAY_SIZE = 10_000


class ExpressionError(Exception):
    """The expression is not allowed, or cannot be evaluated with these values."""


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
    ast.Mod: lambda a, b: a % b,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: lambda a: -a,
    ast.UAdd: lambda a: +a,
    ast.Not: lambda a: not a,
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _is_numeric(value: Any) -> bool:
    return _is_number(value) or isinstance(value, np.ndarray | bool)


def _array(value: Any, function: str) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        raise ExpressionError(f"{function}() needs a vector")
    return value


def _scalar_or_array(function: Callable[[Any], Any]) -> Callable[..., Any]:
    def call(value: Any) -> Any:
        if not _is_numeric(value):
            raise ExpressionError("expected a number or a vector")
        return function(value)

    return call


def _min_max(builtin: Callable[..., Any], array_function: Callable[[np.ndarray], Any]) -> Any:
    def call(*args: Any) -> Any:
        if len(args) == 1:
            return array_function(_array(args[0], builtin.__name__))
        if not args or not all(_is_number(arg) for arg in args):
            raise ExpressionError(f"{builtin.__name__}() takes one vector or several numbers")
        return builtin(args)

    return call


def _round(value: Any, digits: Any = None) -> Any:
    if digits is not None and not isinstance(digits, int | np.integer):
        raise ExpressionError("round() digits must be an integer")
    if isinstance(value, np.ndarray):
        return np.round(value, int(digits or 0))
    if not _is_number(value):
        raise ExpressionError("round() needs a number")
    return round(float(value), int(digits)) if digits is not None else round(float(value))


def _integer_function(function: Callable[[float], int]) -> Callable[[Any], Any]:
    def call(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return np.floor(value) if function is math.floor else np.ceil(value)
        if not _is_number(value):
            raise ExpressionError("expected a number")
        return function(float(value))

    return call


def _softmax(value: Any) -> np.ndarray:
    vector = _array(value, "softmax").astype(float)
    shifted = np.exp(vector - np.max(vector))
    result: np.ndarray = shifted / np.sum(shifted)
    return result


def _sigmoid(value: Any) -> Any:
    if not _is_numeric(value):
        raise ExpressionError("sigmoid() needs a number or a vector")
    # 1 / (1 + e^-x) written with tanh, which cannot overflow for large |x|.
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(value, dtype=float)))


def _length(value: Any) -> int:
    return len(_array(value, "len"))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": _scalar_or_array(np.abs),
    "exp": _scalar_or_array(np.exp),
    "log": _scalar_or_array(np.log),
    "log2": _scalar_or_array(np.log2),
    "log10": _scalar_or_array(np.log10),
    "sqrt": _scalar_or_array(np.sqrt),
    "sin": _scalar_or_array(np.sin),
    "cos": _scalar_or_array(np.cos),
    "tanh": _scalar_or_array(np.tanh),
    "min": _min_max(min, np.min),
    "max": _min_max(max, np.max),
    "sum": lambda value: np.sum(_array(value, "sum")),
    "mean": lambda value: np.mean(_array(value, "mean")),
    "len": _length,
    "round": _round,
    "floor": _integer_function(math.floor),
    "ceil": _integer_function(math.ceil),
    "softmax": _softmax,
    "sigmoid": _sigmoid,
}

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Subscript, ast.Call,
    ast.Name, ast.Constant, ast.Load,
    *_BINARY, *_COMPARE, *_UNARY,
)  # fmt: skip


def expression_parse(source: str, *, names: set[str]) -> ast.Expression:
    """Parse and check an expression; raise ExpressionError naming what is not allowed."""
    if not isinstance(source, str):
        raise ExpressionError("an expression must be a string or a number")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_SOURCE_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"syntax error in `{source}`: {error.msg}") from None
    call_targets = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(f"`{type(node).__name__}` is not allowed in an expression")
        if isinstance(node, ast.Constant) and not (
            _is_number(node.value) or isinstance(node.value, str | bool)
        ):
            raise ExpressionError(f"the constant {node.value!r} is not allowed")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise ExpressionError("only the listed functions can be called")
            if node.keywords:
                raise ExpressionError("keyword arguments are not allowed")
        if isinstance(node, ast.Name):
            if id(node) in call_targets:
                continue
            if node.id not in names:
                raise ExpressionError(f"unknown name `{node.id}`")
    return tree


def _check_size(value: Any) -> Any:
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if is_int and value != 0 and math.log10(abs(value)) > MAX_INT_DIGITS:
        raise ExpressionError("integer too large")
    if isinstance(value, np.ndarray) and value.size > MAX_ARRAY_SIZE:
        raise ExpressionError("vector too large")
    if isinstance(value, str) and len(value) > 1000:
        raise ExpressionError("string too long")
    return value


def _power(base: Any, exponent: Any) -> Any:
    if not _is_numeric(base) or not _is_numeric(exponent):
        raise ExpressionError("** needs numbers")
    if isinstance(exponent, np.ndarray):
        if exponent.size and float(np.max(np.abs(exponent))) > MAX_EXPONENT:
            raise ExpressionError("exponent too large")
    elif abs(float(exponent)) > MAX_EXPONENT:
        raise ExpressionError("exponent too large")
    if isinstance(base, np.ndarray) and base.dtype.kind in "iub":
        base = base.astype(float)  # NumPy integers wrap around silently; floats overflow loudly
    both_int = isinstance(base, int) and isinstance(exponent, int)
    if both_int and base not in (0, 1, -1) and exponent < 0:
        return float(base) ** exponent
    if both_int and base not in (0, 1, -1) and exponent * math.log10(abs(base)) > MAX_INT_DIGITS:
        raise ExpressionError("integer too large")
    return base**exponent


class _Evaluator:
    def __init__(self, params: Mapping[str, Any]):
        self.params = params

    def visit(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return self.visit(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.params[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            if not isinstance(node.op, ast.Not) and not _is_numeric(operand):
                raise ExpressionError("unary minus needs a number")
            return _UNARY[type(node.op)](operand)
        if isinstance(node, ast.BinOp):
            left, right = self.visit(node.left), self.visit(node.right)
            if isinstance(node.op, ast.Pow):
                return _check_size(_power(left, right))
            if not (_is_numeric(left) and _is_numeric(right)):
                raise ExpressionError("arithmetic needs numbers or vectors")
            return _check_size(_BINARY[type(node.op)](left, right))
        if isinstance(node, ast.Compare):
            left = self.visit(node.left)
            result: Any = True
            for operator, comparator in zip(node.ops, node.comparators, strict=True):
                right = self.visit(comparator)
                result = result & _COMPARE[type(operator)](left, right)
                left = right
            return result
        if isinstance(node, ast.IfExp):
            return self.visit(node.body) if bool(self.visit(node.test)) else self.visit(node.orelse)
        if isinstance(node, ast.Subscript):
            container = self.visit(node.value)
            index = self.visit(node.slice)
            if not isinstance(container, np.ndarray | list | tuple):
                raise ExpressionError("only vectors and matrices can be indexed")
            if not isinstance(index, int | np.integer) or isinstance(index, bool):
                raise ExpressionError("an index must be an integer")
            item = container[int(index)]
            return item.item() if isinstance(item, np.generic) else item
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            args = [self.visit(argument) for argument in node.args]
            return _check_size(FUNCTIONS[node.func.id](*args))
        raise ExpressionError(f"`{type(node).__name__}` is not allowed")  # pragma: no cover


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()] if value.ndim else value.item()
    if isinstance(value, np.generic):
        return value.item()
    return value


def expression_evaluate(source: str | int | float, params: Mapping[str, Any]) -> Any:
    """Evaluate an answer expression (or a plain number) with these parameter values.

    Returns a Python number (or string, or list for vector results); raises ExpressionError.
    """
    if _is_number(source):
        value: Any = source
    else:
        tree = expression_parse(str(source), names=set(params))
        try:
            with np.errstate(all="raise"):
                value = _Evaluator(params).visit(tree)
        except ExpressionError:
            raise
        except (
            ArithmeticError,
            FloatingPointError,
            ValueError,
            TypeError,
            IndexError,
            KeyError,
            RecursionError,
        ) as error:
            raise ExpressionError(f"cannot evaluate `{source}`: {error}") from None
    value = _plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError(f"`{source}` is not a finite number")
    return value
