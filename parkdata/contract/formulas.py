"""Formulas of derived indicators: parsed with :mod:`ast`, evaluated without ``eval``.

Only indicator codes, numbers and ``+ - * /`` are allowed; division by zero gives NaN.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from parkdata.errors import FormulaError

_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def parse_formula(formula: str) -> ast.expr:
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {formula!r} is not arithmetic: {exc.msg}") from exc
    for node in ast.walk(tree):
        if not isinstance(
            node,
            (
                ast.Expression,
                ast.BinOp,
                ast.UnaryOp,
                ast.USub,
                ast.Name,
                ast.Load,
                ast.Constant,
                *tuple(_OPS),
            ),
        ):
            raise FormulaError(
                f"formula {formula!r} uses {type(node).__name__}; only indicator codes, numbers "
                "and + - * / are allowed"
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise FormulaError(f"formula {formula!r} contains a non-number {node.value!r}")
    return tree.body


def formula_inputs(formula: str) -> set[str]:
    """The indicator codes a formula reads."""
    return {n.id for n in ast.walk(parse_formula(formula)) if isinstance(n, ast.Name)}


def evaluate_formula(formula: str, inputs: Mapping[str, Any]) -> Any:
    """Evaluate ``formula`` over ``inputs`` (numbers, arrays or aligned Series), without ``eval``.

    Division by zero gives NaN (numpy semantics), never an exception or a silent zero.

    >>> float(evaluate_formula("tax_revenue / industrial_land_area * 1", {"tax_revenue": 30.0,
    ...                  "industrial_land_area": 2.0}))
    15.0
    """

    def walk(node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in inputs:
                raise FormulaError(f"formula {formula!r} needs {node.id!r}, which was not given")
            return inputs[node.id]
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div):
                with np.errstate(divide="ignore", invalid="ignore"):
                    result = np.true_divide(left, right)
                return (
                    result.replace([np.inf, -np.inf], np.nan)
                    if isinstance(result, pd.Series)
                    else np.where(np.isinf(result), np.nan, result)[()]
                )
            return _OPS[type(node.op)](left, right)
        raise FormulaError(f"unsupported element in {formula!r}")  # unreachable after parse

    return walk(parse_formula(formula))
