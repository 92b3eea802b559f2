"""Every code a person can see has its label: the audit log's actions are read from the source
(each `audit.record(...)`, the core's and the plugins'), workflow actions from their tables, and
each must be in the label registry (`kinerja.presentation.labels`, kind "audit.action"), or the
audit page shows it humanised and logs the gap."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from kinerja import i18n as i18n  # registers the core's tables
from kinerja.performance import workflow as skp_workflow
from kinerja.performance.evaluation import workflow as evaluation_workflow
from kinerja.performance.log import rules as log_rules
from kinerja.presentation import labels
from kinerja.reports import rules as report_rules
from kinerja.workflow import Machine
from tests.walks import ROOT

# `f"{prefix}.{action}"`: the action is one of a workflow's; the test fails on a prefix it
# does not know, so a new workflow's audit needs its table named here.
WORKFLOWS: dict[str, Machine] = {
    "skp": skp_workflow.MACHINE,
    "evaluation": evaluation_workflow.MACHINE,
    "log": log_rules.MACHINE,
    "report": report_rules.MACHINE,
}
# Functions that pass their `action` argument on to `audit.record`: their callers name it.
FORWARDERS = {"audit_everywhere": 1}  # name: the position of the action among the arguments


def _sources() -> Iterator[Path]:
    yield from sorted((ROOT / "platform" / "kinerja").rglob("*.py"))
    yield from sorted(ROOT.glob("plugins/*/src/**/*.py"))


def _actions(node: ast.expr, where: str, local: dict[str, list[ast.expr]]) -> Iterator[str]:
    """The action codes an argument can be: a literal, either branch of `a if c else b`, a
    workflow's actions behind a known prefix, or a local variable assigned one of those."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _actions(node.body, where, local)
        yield from _actions(node.orelse, where, local)
    elif isinstance(node, ast.Name) and node.id in local:
        for value in local[node.id]:
            yield from _actions(value, where, {})
    elif (
        isinstance(node, ast.JoinedStr)
        and len(node.values) == 2
        and isinstance(node.values[0], ast.Constant)
        and str(node.values[0].value).endswith(".")
    ):
        prefix = str(node.values[0].value)[:-1]
        assert prefix in WORKFLOWS, f"{where}: name the workflow of {prefix!r} in WORKFLOWS"
        yield from (f"{prefix}.{action}" for action in WORKFLOWS[prefix].actions)
    else:
        raise AssertionError(f"{where}: cannot read the audit action {ast.unparse(node)!r}")


def _assignments(function: ast.AST) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
    return found


def _calls(tree: ast.AST) -> Iterator[tuple[ast.Call, str, str, dict[str, list[ast.expr]]]]:
    """(call, its name, the enclosing function, that function's local assignments)."""
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            local = _assignments(function)
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else ast.unparse(func)
                    yield node, name, function.name, local


@cache
def recorded_actions() -> dict[str, str]:
    """{action: where} of every audit entry the code can write."""
    found: dict[str, str] = {}
    for path in _sources():
        tree = ast.parse(path.read_text(), str(path))
        for call, name, enclosing, local in _calls(tree):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            owner = ast.unparse(call.func.value) if isinstance(call.func, ast.Attribute) else ""
            if name == "record" and owner in {"audit", "audit_service"} and len(call.args) > 1:
                argument = call.args[1]
                if enclosing in FORWARDERS and isinstance(argument, ast.Name):
                    continue  # the forwarder's callers name the action (below)
            elif name == "fields" and owner == "audit" and call.args:
                argument = call.args[0]  # a row built for a statement that writes it itself
            elif name in FORWARDERS and len(call.args) > FORWARDERS[name]:
                argument = call.args[FORWARDERS[name]]
            else:
                continue
            for action in _actions(argument, where, local):
                found.setdefault(action, where)
    return found


def test_every_audit_action_the_code_records_has_a_label() -> None:
    recorded = recorded_actions()
    assert len(recorded) >= 60 and "skp.approve" in recorded  # the walk read the source
    missing = {
        action: where
        for action, where in recorded.items()
        if not labels.has("audit.action", action)
    }
    assert not missing, f"audit actions without a label in kinerja.i18n: {missing}"


def test_every_audit_label_names_an_action_the_code_records() -> None:
    stale = labels.known_codes()["audit.action"] - set(recorded_actions())
    assert not stale, f"labels of actions nothing records: {sorted(stale)}"
