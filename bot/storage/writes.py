"""A save's writes as values: run one by one in a transaction, or on PostgreSQL as one statement.

repository.py works out what a save writes (the runner row, the dialogue, new history rows
and the few history updates); `in_transaction` runs them in the transaction it is given.
`OneStatementSaves` (PostgreSQL) chains them all on the runner's versioned UPDATE in one
WITH statement: every write selects from that UPDATE's RETURNING, so when the version
check fails nothing is written, and being one statement it needs no BEGIN or COMMIT. A
save that replans reminders (it reads first) runs in a transaction instead.

Every table a save writes is written here from `*_columns` (mapping.py): a new column
only needs its place in mapping.py and tables.py.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, BindParameter, Select, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from bot.storage.tables import DialogueRow, RunnerRow
from core.ports import ConcurrentUpdate

Columns = dict[str, Any]
STATEMENTS_KEPT = 256  # save shapes whose statement is kept (a few dozen occur)
_RUNNERS, _DIALOGUES = RunnerRow.__table__, DialogueRow.__table__
_RUNNER_PREFIX, _DIALOGUE_PREFIX = "r__", "d__"  # the one-statement save's parameter names (see _groups)
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


class OneStatementSaves:
    """PostgreSQL: each save as one statement, outside any transaction (`run`).

    The statement depends only on the save's shape (which columns, which tables, how many
    rows), its values are parameters: one statement per shape is built and kept, so
    SQLAlchemy compiles it once, and a check-in is not spent building and hashing the
    same clause tree again (measured: most of a PostgreSQL save's CPU).
    """

    def __init__(self, kept: int = STATEMENTS_KEPT) -> None:
        self._statements: OrderedDict[Hashable, Select[Any]] = OrderedDict()
        self._kept = kept

    def run(self, db: Session, save: Save) -> int:
        """The whole save in one statement; the new version."""
        shape = _shape(save)
        statement = self._statements.get(shape)
        if statement is None:
            statement = _one_statement(save)
            self._statements[shape] = statement
            if len(self._statements) > self._kept:
                self._statements.popitem(last=False)
        else:
            self._statements.move_to_end(shape)
        saved = db.connection().scalar(statement, _parameters(save))
        if saved != 1:
            raise ConcurrentUpdate(save.key)
        return save.version + 1


def _shape(save: Save) -> Hashable:
    """What the statement depends on: each group's parameter names, and the tables written."""
    return (tuple((prefix, tuple(columns)) for prefix, columns in _groups(save)),
            tuple(write.table.name for write in save.history))


def _parameters(save: Save) -> dict[str, Any]:
    """The values of `_one_statement`'s parameters, named as it names them."""
    values = {"b_key": save.key, "b_version": save.version}
    for prefix, columns in _groups(save):
        values.update({f"{prefix}{name}": value for name, value in columns.items()})
    return values


def _groups(save: Save) -> Iterator[tuple[str, Columns]]:
    """Each group of the save's values, with the prefix its parameters carry in `_one_statement`."""
    yield _RUNNER_PREFIX, {name: value for name, value in save.runner.items() if name != "key"}
    if save.dialogue is not None:
        yield _DIALOGUE_PREFIX, save.dialogue
    for index, write in enumerate(save.history):
        if isinstance(write, Insert):
            for number, row in enumerate(write.rows):
                yield _row_prefix(index, number), row
        else:
            yield _match_prefix(index), write.match
            yield _values_prefix(index), write.values


def _row_prefix(index: int, number: int) -> str:
    return f"w{index}_{number}__"


def _match_prefix(index: int) -> str:
    return f"w{index}_m__"


def _values_prefix(index: int) -> str:
    return f"w{index}_v__"


def _one_statement(save: Save) -> Select[Any]:
    """Every write chained on the runner's versioned UPDATE (WITH ... RETURNING), values as parameters."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert  # PostgreSQL only: SQLite never loads it

    runner = (update(_RUNNERS)
              .where(_RUNNERS.c.key == bindparam("b_key"), _RUNNERS.c.version == bindparam("b_version"))
              .values(**{name: _parameter(_RUNNERS, name, _RUNNER_PREFIX) for name in save.runner if name != "key"},
                      version=_RUNNERS.c.version + 1)
              .returning(_RUNNERS.c.key)
              .cte("saved_runner"))
    writes: list[CTE] = []
    if save.dialogue is not None:
        names = list(save.dialogue)
        upsert = pg_insert(_DIALOGUES).from_select(names, _gated(_DIALOGUES, names, _DIALOGUE_PREFIX, runner))
        upsert = upsert.on_conflict_do_update(
            index_elements=[_DIALOGUES.c.runner_key],
            set_={name: upsert.excluded[name] for name in names if name != "runner_key"})
        writes.append(upsert.cte(f"write_{len(writes)}"))
    for index, write in enumerate(save.history):
        table = write.table
        if isinstance(write, Insert):
            for number, row in enumerate(write.rows):
                names = list(row)
                gated = _gated(table, names, _row_prefix(index, number), runner)
                writes.append(insert(table).from_select(names, gated).cte(f"write_{len(writes)}"))
        else:
            writes.append(update(table)
                          .where(table.c.runner_key.in_(select(runner.c.key)),
                                 *(table.c[name] == _parameter(table, name, _match_prefix(index))
                                   for name in write.match))
                          .values(**{name: _parameter(table, name, _values_prefix(index)) for name in write.values})
                          .cte(f"write_{len(writes)}"))
    return select(func.count()).select_from(runner).add_cte(*writes)


def _parameter(table: Table, name: str, prefix: str) -> BindParameter[Any]:
    return bindparam(f"{prefix}{name}", type_=table.c[name].type)


def _gated(table: Table, names: list[str], prefix: str, runner: CTE) -> Select[Any]:
    """SELECT the row's values FROM the runner's UPDATE: one row if the version check passed, else none."""
    return select(*(_parameter(table, name, prefix) for name in names)).select_from(runner)


def _matching(write: Change) -> list[Any]:
    return [write.table.c[name] == value for name, value in write.match.items()]
