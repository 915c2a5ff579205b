"""Notifications: the kinds registry, deliveries by preference, the daily digest, preferences."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kuroko
from kuroko.core import scheduler
from kuroko.core.models import Delivery, Notification, NotificationPreference
from kuroko.core.notifications import (
    GROUPS,
    KINDS,
    deliveries,
    digest_send,
    effective_deliveries,
    kind_label,
    notification_preferences_set,
    notified_at,
    notify,
    notify_others,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def addresses(world):
    """Every account of the world has an e-mail address."""
    for role in ("admin", "pmo", "pm", "member", "executive", "outsider"):
        user = world.user(role)
        user.email = f"{role}@example.com"
        user.save(update_fields=["email"])


def test_every_kind_in_the_code_is_registered():
    """The kinds the services raise — read from the source, so a new kind cannot be forgotten — have a
    label, description and group."""
    used, unresolved = kinds_in_the_code()
    assert not unresolved, f"kinds this test cannot read (use a literal or a *_KIND constant): {unresolved}"
    # Each way of naming a kind is read: a literal, a constant, a local variable, an f-string over a dict.
    assert {"audit", "meeting", "report_reviewed", "raid.change_submit"} <= used
    assert used <= set(KINDS), sorted(used - set(KINDS))
    for kind in KINDS.values():
        assert kind.group in GROUPS and str(kind.label) and str(kind.description)
        assert kind.default in Delivery.values
    assert kind_label("raid.escalation") == "Escalation" and kind_label("unknown.kind") == "unknown.kind"


def test_immediate_digest_and_inbox_deliveries(world, django_capture_on_commit_callbacks):
    """Immediate → e-mailed after commit; digest and inbox → no e-mail now; the inbox always has the row."""
    NotificationPreference.objects.create(user=world.pm, kind="raid.escalation", delivery=Delivery.DIGEST)
    NotificationPreference.objects.create(user=world.pmo, kind="raid.escalation", delivery=Delivery.INBOX)
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(users=[world.member, world.pm, world.pmo], kind="raid.escalation", title="Escalated")
    assert len(notes) == 3
    assert Notification.objects.filter(kind="raid.escalation").count() == 3
    assert [m.to for m in mail.outbox] == [[world.member.email]]


def test_deliveries_are_read_in_one_query(world, django_assert_num_queries):
    """Each recipient's delivery, with the kind's default for those without a choice: one query."""
    NotificationPreference.objects.create(user=world.pm, kind="projects.task_overdue", delivery="immediate")
    with django_assert_num_queries(1):
        chosen = deliveries([world.pm.pk, world.member.pk], "projects.task_overdue")
    assert chosen == {world.pm.pk: "immediate", world.member.pk: "digest"}


def test_an_unregistered_kind_is_delivered_at_once(world, django_capture_on_commit_callbacks):
    """A kind not in the registry still reaches the inbox and e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.member], kind="test", title="Hello")
    assert len(mail.outbox) == 1


def test_notify_others_leaves_out_the_actor(world):
    """The person who acted is not told about their own action."""
    notes = notify_others(actor=world.pm, users=[world.pm, world.member], kind="meeting", title="Minutes")
    assert [n.recipient for n in notes] == [world.member]


def test_digest_groups_by_kind_in_the_users_language_and_marks_digested(world):
    """One e-mail per user with their digest kinds grouped, links included, then nothing twice."""
    world.pm.language = "ja"
    world.pm.save()
    notify(
        users=[world.pm],
        kind="projects.task_overdue",
        title="Task 1.1 overdue",
        url="/projects/ALPHA/#task-1",
    )
    notify(users=[world.pm], kind="raid.action_overdue", title="Action A-001 overdue", url="/actions/1/")
    notify(users=[world.pm], kind="raid.escalation", title="Escalated now")  # immediate: not in the digest
    read = notify(users=[world.member], kind="raid.action_overdue", title="Read already")[0]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    mail.outbox.clear()
    assert digest_send() == 1
    (message,) = mail.outbox
    assert message.to == [world.pm.email]
    assert message.subject == "Kuroko 日次ダイジェスト: 通知 2 件"
    body = message.body
    assert body.index("Task 1.1 overdue") < body.index("Action A-001 overdue")
    assert "/projects/ALPHA/#task-1" in body and "Escalated now" not in body
    assert Notification.objects.filter(recipient=world.pm, digested_at__isnull=False).count() == 2
    mail.outbox.clear()
    assert digest_send() == 0 and mail.outbox == []


def test_digest_subject_counts_in_the_plural_form(world):
    """ "1 notification", "2 notifications": the subject is a plural form, not "notification(s)"."""
    from django.utils import translation

    from kuroko.core.notifications import digest_text

    notes = notify(users=[world.pm, world.member], kind="raid.action_overdue", title="Late")
    with translation.override("en"):
        assert digest_text(notes[:1])[0] == "Kuroko daily digest: 1 notification"
        assert digest_text(notes)[0] == "Kuroko daily digest: 2 notifications"


def test_digest_follows_the_users_choice_over_the_default(world):
    """Overdue items wanted at once stay out of the digest; escalations wanted in it go in; old ones not."""
    NotificationPreference.objects.create(user=world.pm, kind="raid.action_overdue", delivery="immediate")
    NotificationPreference.objects.create(user=world.pm, kind="raid.escalation", delivery="digest")
    notify(users=[world.pm], kind="raid.action_overdue", title="Overdue action")
    notify(users=[world.pm], kind="raid.escalation", title="Escalated")
    old = notify(users=[world.pm], kind="raid.escalation", title="Too old")[0]
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    mail.outbox.clear()
    assert digest_send() == 1
    body = mail.outbox[0].body
    assert "Escalated" in body and "Overdue action" not in body and "Too old" not in body


def test_digest_is_a_periodic_job_at_seven():
    """The daily digest is registered with the scheduler at 07:00."""
    job = scheduler.PERIODIC["core.digest"]
    assert job.at.hour == 7 and job.weekdays is None


@pytest.mark.parametrize(
    "choices, field",
    [
        ({"no.such.kind": "digest"}, "no.such.kind"),  # an unknown kind
        ({"raid.escalation": "weekly"}, "raid.escalation"),  # an unknown delivery
        ({"raid.escalation": ""}, "raid.escalation"),  # an empty delivery
    ],
)
def test_preferences_refuse_bad_input_naming_the_kind(world, choices, field):
    """Bad choices are refused naming the kind; nothing is saved."""
    with pytest.raises(ValidationError) as err:
        notification_preferences_set(user=world.pm, choices={"meeting": "inbox", **choices})
    assert field in err.value.message_dict
    assert not NotificationPreference.objects.exists()


def test_preferences_store_only_departures_from_the_default(world):
    """Choosing the default removes the row; choosing another delivery stores it."""
    result = notification_preferences_set(user=world.pm, choices={"meeting": "digest"})
    assert result["meeting"] == "digest"
    assert NotificationPreference.objects.get(user=world.pm).kind == "meeting"
    notification_preferences_set(user=world.pm, choices={"meeting": KINDS["meeting"].default})
    assert not NotificationPreference.objects.exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(sorted(KINDS)), st.sampled_from(Delivery.values), max_size=8))
def test_preferences_round_trip(world, choices):
    """Whatever is chosen is what is read back; other kinds keep their default."""
    NotificationPreference.objects.filter(user=world.pm).delete()
    result = notification_preferences_set(user=world.pm, choices=choices)
    assert result == effective_deliveries(world.pm)
    for key, kind in KINDS.items():
        assert result[key] == choices.get(key, kind.default)


def test_notified_at_reads_the_latest_per_recipient_and_link(world):
    """The last time each (recipient, link) was told of a kind, other kinds and links left out."""
    notify(users=[world.pm], kind="raid.action_overdue", title="a", url="/actions/1/")
    notify(users=[world.pm], kind="raid.escalation", title="b", url="/actions/2/")
    seen = notified_at("raid.action_overdue", [(world.pm.pk, "/actions/1/"), (world.pm.pk, "/actions/2/")])
    assert list(seen) == [(world.pm.pk, "/actions/1/")]


# --- The kinds the code raises, read from the source ----------------------------------------------------

SRC = Path(kuroko.__file__).parent
KIND_CONSTANT = re.compile(r"^(?:[A-Z0-9_]+_)?KIND$")  # KIND, NOTIFY_KIND, *_KIND
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class _Calls(ast.NodeVisitor):
    """Every call of a module with the function it is made in (None at module level)."""

    def __init__(self) -> None:
        self.inside: list[FunctionNode | None] = [None]
        self.calls: list[tuple[ast.Call, FunctionNode | None]] = []

    def visit_FunctionDef(self, node: FunctionNode) -> None:
        self.inside.append(node)
        self.generic_visit(node)
        self.inside.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        self.calls.append((node, self.inside[-1]))
        self.generic_visit(node)


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _params(fn: FunctionNode | None) -> list[str]:
    if fn is None:
        return []
    return [p.arg for p in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]


def _kind_argument(call: ast.Call, position: int | None) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "kind":
            return keyword.value
    return call.args[position] if position is not None and position < len(call.args) else None


def _is_text(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _dict_keys_indexed_by(fn: FunctionNode, name: str) -> list[str]:
    """The keys of the dict literals of `fn` that are indexed by `name` (`titles[action]`)."""
    dicts = {
        target.id: [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
        for node in ast.walk(fn)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and node.value.keys
        if all(_is_text(k) for k in node.value.keys)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return [
        key
        for node in ast.walk(fn)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in dicts
        if isinstance(node.slice, ast.Name) and node.slice.id == name
        for key in dicts[node.value.id]
    ]


def _kind_values(arg: ast.expr | None, fn: FunctionNode | None, constant: Any) -> set[str] | None:
    """The kinds an argument can be (None when they cannot be read from the source)."""
    if _is_text(arg):
        return {arg.value}
    if isinstance(arg, ast.Name):
        local = [
            node.value
            for node in (ast.walk(fn) if fn is not None else ())
            if isinstance(node, ast.Assign)
            and arg.id in {t.id for t in node.targets if isinstance(t, ast.Name)}
        ]
        if local:
            return {v.value for v in local} if all(_is_text(v) for v in local) else None
        value = constant(arg.id)
        return {value} if value is not None else None
    if isinstance(arg, ast.JoinedStr) and fn is not None:
        texts = [""]
        for part in arg.values:
            if _is_text(part):
                texts = [t + part.value for t in texts]
            elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name):
                keys = _dict_keys_indexed_by(fn, part.value.id)
                if not keys:
                    return None
                texts = [t + k for t in texts for k in keys]
            else:
                return None
        return set(texts)
    return None


def kinds_in_the_code() -> tuple[set[str], list[str]]:
    """The notification kinds of src/kuroko: the `kind` passed to `notify`, `notify_others` and every
    function passing its own `kind` parameter on to them (`raid.services.registers.tell`, found by
    reading the code), and the module constants KIND, NOTIFY_KIND and *_KIND; with the calls whose kind
    cannot be read from the source ("path:line kind=…")."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(SRC.rglob("*.py"))}
    constants: dict[tuple[str, str], str] = {}
    imported: dict[tuple[str, str], tuple[str, str]] = {}
    for path, tree in trees.items():
        module = _module(path)
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and _is_text(node.value):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name) and KIND_CONSTANT.match(target.id):
                        constants[module, target.id] = node.value.value
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    imported[module, alias.asname or alias.name] = (node.module, alias.name)
    calls = {path: _Calls() for path in trees}
    for path, visitor in calls.items():
        visitor.visit(trees[path])
    # The notifiers by name, with the position of `kind` when it may be passed positionally.
    notifiers: dict[str, int | None] = {"notify": None, "notify_others": None}
    grown = True
    while grown:
        grown = False
        for visitor in calls.values():
            for call, fn in visitor.calls:
                name = _callee(call)
                if fn is None or fn.name in notifiers or name not in notifiers:
                    continue
                arg = _kind_argument(call, notifiers[name])
                if isinstance(arg, ast.Name) and arg.id in _params(fn):
                    positional = [p.arg for p in (*fn.args.posonlyargs, *fn.args.args)]
                    notifiers[fn.name] = positional.index(arg.id) if arg.id in positional else None
                    grown = True
    used = set(constants.values())
    unresolved: list[str] = []
    for path, visitor in calls.items():
        module = _module(path)

        def constant(name: str, module: str = module) -> str | None:
            return constants.get(imported.get((module, name), (module, name)))

        for call, fn in visitor.calls:
            name = _callee(call)
            if name not in notifiers:
                continue
            arg = _kind_argument(call, notifiers[name])
            if arg is None and all(k.arg is not None for k in call.keywords):
                continue  # no kind at all: another function of that name (`file.tell()`)
            if (
                isinstance(arg, ast.Name)
                and fn is not None
                and fn.name in notifiers
                and arg.id in _params(fn)
            ):
                continue  # a notifier passing its own `kind` on: its callers are read
            values = _kind_values(arg, fn, constant)
            if values is None:
                where = f"{path.relative_to(SRC.parent)}:{call.lineno}"
                unresolved.append(f"{where} kind={ast.unparse(arg) if arg is not None else '**'}")
            else:
                used |= values
    return used, unresolved
