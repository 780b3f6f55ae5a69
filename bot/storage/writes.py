"""A save's writes as values: run one by one in a transaction, or on PostgreSQL as one statement.

repository.py works out what a save writes (the runner row, the dialogue, new history rows
and the few history updates); `in_transaction` runs them in the transaction it is given.
`as_one_statement` (PostgreSQL) chains them all on the runner's versioned UPDATE in one
WITH statement: every write selects from that UPDATE's RETURNING, so when the version
check fails nothing is written, and being one statement it needs no BEGIN or COMMIT. A
save that replans reminders (it reads first) runs in a transaction instead.

Every table a save writes is written here from `*_columns` (mapping.py): a new column
only needs its place in mapping.py and tables.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Table, bindparam, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from bot.storage.tables import DialogueRow, RunnerRow
from core.ports import ConcurrentUpdate

Columns = dict[str, Any]
_RUNNERS, _DIALOGUES = RunnerRow.__table__, DialogueRow.__table__
_UPDATE_RUNNER = (update(_RUNNERS)
                  .where(_RUNNERS.c.key == bindparam("b_key"), _RUNNERS.c.version == bindparam("b_version"))
                  .values(version=_RUNNERS.c.version + 1))
_UPDATE_DIALOGUE = update(_DIALOGUES).where(_DIALOGUES.c.runner_key == bindparam("b_key"))


@dataclass(frozen=True, slots=True)
class Insert:
    """New rows of a runner's table."""

    table: Table
    rows: tuple[Columns, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """One existing row of a runner's table (`match` names it besides its runner_key) gets `values`."""

    table: Table
    match: Columns
    values: Columns


@dataclass(frozen=True, slots=True)
class Save:
    """Everything one save of an existing runner writes."""

    key: str
    version: int  # the stored version the save starts from
    runner: Columns  # the runner row's columns, the key included
    dialogue: Columns | None  # None: unchanged
    history: tuple[Insert | Change, ...]


def in_transaction(db: Session, save: Save) -> int:
    """Statement by statement, in the caller's transaction; the new version."""
    # The WHERE on version is the whole concurrency check: the row lock it takes also
    # serialises every other write of this save against a competing one.
    runner = {name: value for name, value in save.runner.items() if name != "key"}
    connection = db.connection()  # Core statements: the Connection runs them without the ORM's layer
    if connection.execute(_UPDATE_RUNNER, {**runner, "b_key": save.key, "b_version": save.version}).rowcount != 1:
        raise ConcurrentUpdate(save.key)
    if save.dialogue is not None:
        dialogue = {name: value for name, value in save.dialogue.items() if name != "runner_key"}
        if connection.execute(_UPDATE_DIALOGUE, {**dialogue, "b_key": save.key}).rowcount != 1:
            # A runner whose row was never written: the runner row lock makes this safe.
            connection.execute(insert(_DIALOGUES), save.dialogue)
    write_history(db, save.key, save.history)
    return save.version + 1


def write_history(db: Session, key: str, history: tuple[Insert | Change, ...]) -> None:
    """In order: parents before children, for the foreign keys (the order repository.py gives)."""
    connection = db.connection()
    for write in history:
        if isinstance(write, Insert):
            connection.execute(insert(write.table), list(write.rows))
        else:
            connection.execute(update(write.table).where(write.table.c.runner_key == key, *_matching(write))
                       .values(**write.values))


def as_one_statement(db: Session, save: Save) -> int:
    """PostgreSQL: the whole save in one statement, outside any transaction; the new version."""
    runner = (update(_RUNNERS)
              .where(_RUNNERS.c.key == save.key, _RUNNERS.c.version == save.version)
              .values(**{name: value for name, value in save.runner.items() if name != "key"},
                      version=_RUNNERS.c.version + 1)
              .returning(_RUNNERS.c.key)
              .cte("saved_runner"))
    writes: list[CTE] = []
    if save.dialogue is not None:
        upsert = pg_insert(_DIALOGUES).from_select(list(save.dialogue), _gated(_DIALOGUES, save.dialogue, runner))
        upsert = upsert.on_conflict_do_update(
            index_elements=[_DIALOGUES.c.runner_key],
            set_={name: upsert.excluded[name] for name in save.dialogue if name != "runner_key"})
        writes.append(upsert.cte(f"write_{len(writes)}"))
    for write in save.history:
        if isinstance(write, Insert):
            for row in write.rows:
                writes.append(insert(write.table).from_select(list(row), _gated(write.table, row, runner))
                              .cte(f"write_{len(writes)}"))
        else:
            writes.append(update(write.table)
                          .where(write.table.c.runner_key.in_(select(runner.c.key)), *_matching(write))
                          .values(**write.values).cte(f"write_{len(writes)}"))
    saved = db.connection().scalar(select(func.count()).select_from(runner).add_cte(*writes))
    if saved != 1:
        raise ConcurrentUpdate(save.key)
    return save.version + 1


def _gated(table: Table, row: Columns, runner: CTE):
    """SELECT the row's values FROM the runner's UPDATE: one row if the version check passed, else none."""
    return select(*(literal(value, type_=table.c[name].type) for name, value in row.items())).select_from(runner)


def _matching(write: Change) -> list[Any]:
    return [write.table.c[name] == value for name, value in write.match.items()]
