"""The views of indicators stay thin: short, and every write goes through a service."""

from __future__ import annotations

import ast
import inspect

from indicators import views

TREE = ast.parse(inspect.getsource(views))


def test_no_view_function_is_over_40_lines():
    lengths = {
        node.name: node.end_lineno - node.lineno + 1 + len(node.decorator_list)
        for node in TREE.body
        if isinstance(node, ast.FunctionDef)
    }
    assert {name: n for name, n in lengths.items() if n > 40} == {}


def test_no_view_saves_a_form_or_makes_periods():
    calls = {
        node.func.attr
        for node in ast.walk(TREE)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & {"save", "save_m2m", "periods_ensure", "create", "bulk_create"}
